use super::*;

fn quote_of(text: &str, exact: &str, occurrence: usize) -> (Quote, Span) {
    let span = occurrences(text, exact)[occurrence];
    (quote_at(text, span), span)
}

fn slice(text: &str, span: Span) -> String {
    text.chars()
        .skip(span.start)
        .take(span.end - span.start)
        .collect()
}

#[test]
fn a_quote_keeps_its_words_and_some_context() {
    let text = "One two three.\n\nFour five six seven eight nine ten eleven twelve.";
    let (quote, span) = quote_of(text, "Four five", 0);
    assert_eq!(quote.exact, "Four five");
    assert_eq!(quote.prefix, "One two three. ");
    assert_eq!(quote.suffix.chars().count(), CONTEXT_CHARS);
    assert!(quote.suffix.starts_with(" six seven"));
    assert_eq!(slice(text, span), "Four five");
}

#[test]
fn found_again_after_a_paragraph_is_inserted_before() {
    let old = "The harbour opened.\n\nThe council voted to close the ferry.";
    let (quote, span) = quote_of(old, "voted to close", 0);
    let new =
        "A correction came first.\n\nThe harbour opened.\n\nThe council voted to close the ferry.";
    let found = anchor(new, &quote, Some(span.start)).unwrap();
    assert_eq!(slice(new, found), "voted to close");
    assert!(found.start > span.start);
}

#[test]
fn gone_words_do_not_anchor() {
    let (quote, span) = quote_of("Rates rose by half a point.", "half a point", 0);
    assert_eq!(
        anchor("Rates rose by a quarter point.", &quote, Some(span.start)),
        None
    );
    assert_eq!(anchor("", &quote, None), None);
    let empty = Quote::default();
    assert_eq!(anchor("anything", &empty, None), None);
}

#[test]
fn whitespace_and_invisible_marks_do_not_matter() {
    let old = "end of one.\n\nStart of two";
    let (quote, _) = quote_of(old, "one. Start", 0);
    let rendered = "end of one.Start\u{00AD} of\u{00A0}two";
    let found = anchor(rendered, &quote, None).unwrap();
    assert_eq!(slice(rendered, found), "one.Start");
}

#[test]
fn context_chooses_among_repeated_words_and_the_hint_breaks_ties() {
    let text = "the cat sat. the dog sat. the cat ran.";
    let (quote, span) = quote_of(text, "the cat", 1);
    assert_eq!(span.start, 26);
    // Prefix and suffix agree only with the third sentence's "the cat".
    assert_eq!(anchor(text, &quote, Some(0)).unwrap(), span);
    // With no context, the nearest to the hint; with no hint, the first.
    let bare = Quote {
        exact: "sat".into(),
        ..Quote::default()
    };
    assert_eq!(anchor(text, &bare, Some(20)).unwrap().start, 21);
    assert_eq!(anchor(text, &bare, None).unwrap().start, 8);
}

#[test]
fn chinese_text_anchors_by_characters() {
    let old = "香港的天气很好。今天下午有雨，明天晴。";
    let (quote, span) = quote_of(old, "今天下午有雨", 0);
    assert_eq!(span, Span { start: 8, end: 14 });
    let new = "新闻：\n香港的天气很好。今天下午有雨，明天晴。";
    let found = anchor(new, &quote, Some(span.start)).unwrap();
    assert_eq!(slice(new, found), "今天下午有雨");
    assert_eq!(found.start, 12);
}

#[test]
fn right_to_left_text_anchors_with_or_without_direction_marks() {
    let old = "השמש זורחת. הגשם יורד בעיר. השמש שוקעת.";
    let (quote, _) = quote_of(old, "הגשם יורד", 0);
    let marked = "\u{200F}השמש זורחת.\u{200F} הגשם\u{200F} יורד בעיר. השמש שוקעת.";
    assert_eq!(
        slice(marked, anchor(marked, &quote, None).unwrap()),
        "הגשם\u{200F} יורד"
    );
    let arabic = "الطقس جميل اليوم. المطر غدا.";
    let (quote, span) = quote_of(arabic, "المطر", 0);
    assert_eq!(anchor(arabic, &quote, None), Some(span));
}

#[test]
fn offsets_are_chars_not_bytes() {
    let text = "naïve café — über";
    let spans = occurrences(text, "über");
    assert_eq!(spans, vec![Span { start: 13, end: 17 }]);
}
