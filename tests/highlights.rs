//! Highlights: made on a story's text, re-anchored when the story is revised or extracted
//! again, kept as orphaned when their words are gone, keeping their story, found by search,
//! and driven from the CLI.

use std::path::{Path, PathBuf};

use tidings::annotations::CONTEXT_CHARS;
use tidings::store::{
    Extraction, FeedUpdate, HighlightColor, IncomingArticle, Library, PageResult, Selection,
    SelectionError, StoreError,
};

/// A library with one feed; returns it, its path and the feed's id.
fn library(name: &str) -> (Library, PathBuf, i64) {
    crate::support::library::library_with_feed("highlights", name, None)
}

fn item(key: &str, title: &str, text: &str) -> IncomingArticle {
    IncomingArticle {
        item_key: key.into(),
        url: Some(format!("https://news.example/{key}")),
        title: title.into(),
        content_html: Some(format!("<p>{}</p>", text.replace("\n\n", "</p><p>"))),
        content_text: Some(text.into()),
        extraction: Extraction::Feed,
        ..IncomingArticle::default()
    }
}

/// Stores (or revises, through the feed's revision path) item `key` with `text`; returns its id.
fn store(lib: &mut Library, feed: i64, key: &str, text: &str) -> i64 {
    lib.store_feed_result(feed, &FeedUpdate::default(), &[item(key, "A story", text)])
        .unwrap();
    lib.articles(&Default::default(), 100, 0)
        .unwrap()
        .into_iter()
        .find(|a| a.url.as_deref() == Some(&format!("https://news.example/{key}")))
        .unwrap()
        .id
}

fn words(exact: &str) -> Selection {
    Selection::Words {
        exact: exact.into(),
        occurrence: None,
    }
}

/// The chars of `text` from `start` to `end`.
fn at(text: &str, start: i64, end: i64) -> String {
    text.chars()
        .skip(start as usize)
        .take((end - start) as usize)
        .collect()
}

const STORY: &str = "The harbour reopened on Monday.\n\nThe council voted to close the old ferry \
    line by spring.\n\nResidents were not asked.";

#[test]
fn a_highlight_is_found_again_after_a_paragraph_is_inserted_before_it() {
    let (mut lib, _, feed) = library("revised");
    let id = store(&mut lib, feed, "s", STORY);
    let h = lib
        .add_highlight(
            id,
            &words("voted to close"),
            HighlightColor::Green,
            Some("why?"),
        )
        .unwrap();
    assert_eq!(at(STORY, h.start, h.end), "voted to close");
    assert_eq!(h.prefix, "reopened on Monday. The council ");
    assert!(h.suffix.starts_with(" the old ferry"), "{}", h.suffix);

    let revised = format!("Update: the vote was close.\n\n{STORY}");
    store(&mut lib, feed, "s", &revised);
    assert_eq!(lib.revisions(id).unwrap().len(), 1, "the story was revised");
    let moved = lib.highlight(h.id).unwrap();
    assert!(!moved.orphaned);
    assert!(moved.start > h.start);
    assert_eq!(at(&revised, moved.start, moved.end), "voted to close");
    assert_eq!(
        (moved.note.as_deref(), moved.color),
        (Some("why?"), HighlightColor::Green)
    );
    let pink = lib.set_highlight_color(h.id, HighlightColor::Pink).unwrap();
    assert_eq!(
        (pink.color, pink.start),
        (HighlightColor::Pink, moved.start)
    );
    assert!(matches!(
        lib.set_highlight_color(h.id + 100, HighlightColor::Pink),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn a_highlight_whose_words_were_removed_is_kept_as_orphaned_with_its_text() {
    let (mut lib, _, feed) = library("orphaned");
    let id = store(&mut lib, feed, "s", STORY);
    let h = lib
        .add_highlight(
            id,
            &words("Residents were not asked."),
            HighlightColor::Yellow,
            None,
        )
        .unwrap();
    store(
        &mut lib,
        feed,
        "s",
        "The harbour reopened on Monday.\n\nResidents were consulted after all.",
    );
    let kept = lib.highlights(Some(id)).unwrap();
    assert_eq!(kept.len(), 1, "an orphaned highlight is never dropped");
    assert!(kept[0].orphaned);
    assert_eq!(kept[0].text, "Residents were not asked.");
    // The words come back (the story is revised again): anchored again.
    store(&mut lib, feed, "s", STORY);
    let back = lib.highlight(h.id).unwrap();
    assert!(!back.orphaned);
    assert_eq!(at(STORY, back.start, back.end), "Residents were not asked.");
}

#[test]
fn a_story_extracted_again_re_anchors_its_highlights() {
    let (mut lib, _, feed) = library("extracted");
    let id = store(&mut lib, feed, "s", STORY);
    let h = lib
        .add_highlight(id, &words("old ferry line"), HighlightColor::Blue, None)
        .unwrap();
    let page_text = format!("By a staff writer\n\n{STORY}\n\nMore later.");
    lib.store_page_result(
        id,
        &PageResult {
            extraction: Extraction::Full,
            content_html: Some("<p>page</p>".into()),
            content_text: Some(page_text.clone()),
            ..PageResult::default()
        },
    )
    .unwrap();
    let moved = lib.highlight(h.id).unwrap();
    assert!(!moved.orphaned);
    assert_eq!(at(&page_text, moved.start, moved.end), "old ferry line");
    // An extraction that lost the words orphans it.
    lib.store_page_result(
        id,
        &PageResult {
            extraction: Extraction::Full,
            content_text: Some("Only a paywall notice.".into()),
            ..PageResult::default()
        },
    )
    .unwrap();
    assert!(lib.highlight(h.id).unwrap().orphaned);
}

#[test]
fn highlights_across_two_paragraphs_and_inside_a_list_item() {
    let (mut lib, _, feed) = library("blocks");
    let text = "First paragraph ends here.\n\nSecond one starts there.\n\nShopping:\n\
        milk and bread\neggs from the market\ncheese";
    let id = store(&mut lib, feed, "s", text);
    // Typed with one space where the story has a paragraph break.
    let across = lib
        .add_highlight(
            id,
            &words("ends here. Second one"),
            HighlightColor::Yellow,
            None,
        )
        .unwrap();
    assert_eq!(
        at(text, across.start, across.end),
        "ends here.\n\nSecond one"
    );
    let item = lib
        .add_highlight(
            id,
            &words("eggs from the market"),
            HighlightColor::Pink,
            None,
        )
        .unwrap();
    assert_eq!(at(text, item.start, item.end), "eggs from the market");
    // A list item added above both: each is found again.
    let revised = text.replace("Shopping:\n", "Shopping:\nbutter\n");
    let revised = format!("Intro.\n\n{revised}");
    store(&mut lib, feed, "s", &revised);
    for h in lib.highlights(Some(id)).unwrap() {
        assert!(!h.orphaned, "{h:?}");
        assert_eq!(
            tidings::text::collapse_whitespace(&at(&revised, h.start, h.end)),
            tidings::text::collapse_whitespace(&h.text)
        );
    }
}

#[test]
fn chinese_and_right_to_left_stories_anchor_by_characters() {
    let (mut lib, _, feed) = library("scripts");
    let zh = "香港的天气很好。今天下午有雨，明天晴。";
    let zh_id = store(&mut lib, feed, "zh", zh);
    let h = lib
        .add_highlight(
            zh_id,
            &words("今天下午有雨"),
            HighlightColor::Yellow,
            Some("带伞"),
        )
        .unwrap();
    assert_eq!((h.start, h.end), (8, 14), "offsets are chars, not bytes");
    let zh_revised = format!("快讯：{zh}");
    store(&mut lib, feed, "zh", &zh_revised);
    let moved = lib.highlight(h.id).unwrap();
    assert_eq!((moved.start, moved.end), (11, 17));
    assert!(!moved.orphaned);

    let he = "השמש זורחת בבוקר. הגשם יורד בעיר כל היום. השמש שוקעת בערב.";
    let he_id = store(&mut lib, feed, "he", he);
    let h = lib
        .add_highlight(
            he_id,
            &words("הגשם יורד בעיר"),
            HighlightColor::Yellow,
            None,
        )
        .unwrap();
    let he_revised = format!("עדכון חשוב.\n\n{he}");
    store(&mut lib, feed, "he", &he_revised);
    let moved = lib.highlight(h.id).unwrap();
    assert_eq!(at(&he_revised, moved.start, moved.end), "הגשם יורד בעיר");
    // Search finds the Chinese note and the Hebrew highlight's words.
    assert_eq!(lib.search("带伞", 5).unwrap()[0].article.id, zh_id);
}

#[test]
fn a_selection_from_the_reader_is_anchored_by_its_quote() {
    let (mut lib, _, feed) = library("quote");
    let text = "Rain today. Rain tomorrow. Rain all week, said the forecast.";
    let id = store(&mut lib, feed, "s", text);
    // As the window sends it: the selection's words and more context than is kept.
    let sent = r#"{"kind": "quote", "hint": null, "quote": {"exact": "Rain",
        "prefix": "A long headline of forty-odd characters. Rain today. ",
        "suffix": " tomorrow. Rain all week, said the forecast, and more."}}"#;
    let selection: Selection = serde_json::from_str(sent).unwrap();
    let h = lib
        .add_highlight(id, &selection, HighlightColor::Yellow, None)
        .unwrap();
    assert_eq!(h.start, 12, "the prefix and suffix chose the second Rain");
    assert_eq!(h.prefix.chars().count(), CONTEXT_CHARS);
    assert_eq!(h.suffix.chars().count(), CONTEXT_CHARS);
    assert!(
        h.prefix.ends_with("characters. Rain today. "),
        "{}",
        h.prefix
    );
    // The window marks it in the text it shows (here with a headline before the story).
    let shown = format!("A headline\nBy someone\n{}", text.replace(". ", ".\n"));
    let marks = lib.highlight_marks(id, &shown).unwrap();
    let span = marks[0].span.unwrap();
    assert_eq!(
        shown.chars().skip(span.start).take(4).collect::<String>(),
        "Rain"
    );
    assert_eq!(span.start, 34);
    assert_eq!(lib.highlight_marks(id, "other text").unwrap()[0].span, None);
}

#[test]
fn missing_and_ambiguous_words_are_clear_errors_that_store_nothing() {
    let (mut lib, _, feed) = library("errors");
    let id = store(&mut lib, feed, "s", "Rain today. Rain tomorrow.");
    let err = |lib: &mut Library, sel: Selection| match lib.add_highlight(
        id,
        &sel,
        HighlightColor::Yellow,
        None,
    ) {
        Err(StoreError::Selection { source, .. }) => source,
        other => panic!("{other:?}"),
    };
    assert_eq!(err(&mut lib, words("Snow")), SelectionError::NotInStory);
    assert_eq!(
        err(&mut lib, words("Rain")),
        SelectionError::Ambiguous { count: 2 }
    );
    assert_eq!(err(&mut lib, words(" \n")), SelectionError::Empty);
    let third = Selection::Words {
        exact: "Rain".into(),
        occurrence: Some(3),
    };
    assert_eq!(
        err(&mut lib, third),
        SelectionError::NoSuchOccurrence { asked: 3, count: 2 }
    );
    assert!(matches!(
        lib.add_highlight(999, &words("Rain"), HighlightColor::Yellow, None),
        Err(StoreError::NotFound { .. })
    ));
    assert!(lib.highlights(None).unwrap().is_empty());
    assert!(
        !lib.article(id).unwrap().bookmarked,
        "a failed highlight bookmarks nothing"
    );
}

#[test]
fn a_highlighted_story_is_bookmarked_and_kept_by_every_path() {
    let (mut lib, path, feed) = library("kept");
    let id = store(&mut lib, feed, "s", STORY);
    store(&mut lib, feed, "other", "Nothing to see.");
    assert!(!lib.article(id).unwrap().bookmarked);
    let h = lib
        .add_highlight(id, &words("Residents"), HighlightColor::Yellow, None)
        .unwrap();
    assert!(lib.article(id).unwrap().bookmarked);
    let err = lib.set_bookmarked(id, false, None).unwrap_err();
    assert!(
        matches!(err, StoreError::KeptByHighlights { count: 1, .. }),
        "{err}"
    );
    assert!(lib.article(id).unwrap().bookmarked);
    // Unsubscribing keeps it (and its highlight); the other story goes.
    assert_eq!(lib.unsubscribe(feed).unwrap(), 1);
    assert_eq!(lib.highlight(h.id).unwrap().article_id, id);
    drop(lib);
    // Raw SQL cannot unbookmark nor delete it.
    // Writing a story's row computes its texts: a connection with the store's SQL functions.
    let conn = crate::store::raw_connection(&path);
    let unbookmark = conn
        .execute("UPDATE articles SET bookmarked = 0", [])
        .unwrap_err();
    assert!(
        unbookmark
            .to_string()
            .contains("highlighted articles stay bookmarked"),
        "{unbookmark}"
    );
    conn.execute_batch(
        "DROP TRIGGER articles_highlighted_stay_bookmarked; UPDATE articles SET bookmarked = 0;",
    )
    .unwrap();
    let delete = conn.execute("DELETE FROM articles", []).unwrap_err();
    assert!(delete.to_string().contains("never deleted"), "{delete}");
    // Removing the highlight lets the bookmark go again.
    drop(conn);
    let mut lib = Library::open(&path).unwrap();
    lib.set_bookmarked(id, true, None).unwrap();
    lib.remove_highlight(h.id).unwrap();
    assert!(lib.article(id).unwrap().bookmarked, "it stays bookmarked");
    lib.set_bookmarked(id, false, None).unwrap();
}

#[test]
fn search_finds_highlight_notes_and_orphaned_words() {
    let (mut lib, _, feed) = library("search");
    let id = store(&mut lib, feed, "s", STORY);
    store(&mut lib, feed, "other", "Harbour news from elsewhere.");
    let h = lib
        .add_highlight(
            id,
            &words("old ferry"),
            HighlightColor::Yellow,
            Some("ask the mayor"),
        )
        .unwrap();
    let hits = lib.search("mayor", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].article.id, id);
    assert!(
        hits[0].snippet.iter().any(|p| p.hit && p.text == "mayor"),
        "{:?}",
        hits[0].snippet
    );
    // Orphaned words are no longer in the story's text, but still found through the highlight.
    store(&mut lib, feed, "s", "The harbour reopened on Monday.");
    assert!(lib.highlight(h.id).unwrap().orphaned);
    assert_eq!(lib.search("ferry", 10).unwrap()[0].article.id, id);
    // A changed note is found by its new words, not its old ones.
    lib.set_highlight_note(h.id, Some("call the harbourmaster"))
        .unwrap();
    assert!(lib.search("mayor", 10).unwrap().is_empty());
    assert_eq!(lib.search("harbourmaster", 10).unwrap().len(), 1);
    lib.remove_highlight(h.id).unwrap();
    assert!(lib.search("harbourmaster", 10).unwrap().is_empty());
}

mod cli {
    use super::*;

    fn tidings(lib: &Path, args: &[&str]) -> (bool, String, String) {
        let run = crate::support::library::run_cli(lib, args);
        (run.ok, run.stdout, run.stderr)
    }

    #[test]
    fn highlight_list_note_and_unhighlight() {
        let (mut lib, path, feed) = library("cli");
        let id = store(
            &mut lib,
            feed,
            "s",
            "Rain today.\n\nRain tomorrow, and wind.",
        );
        drop(lib);
        let id = id.to_string();

        let (ok, _, err) = tidings(&path, &["highlight", &id, "--text", "snow"]);
        assert!(!ok);
        assert_eq!(
            err.trim(),
            format!("tidings: cannot highlight in article {id}: the text is not in the story")
        );
        let (ok, _, err) = tidings(&path, &["highlight", &id, "--text", "Rain"]);
        assert!(!ok);
        assert!(
            err.contains("appears 2 times") && err.contains("from 1 to 2"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");

        let (ok, out, err) = tidings(
            &path,
            &[
                "highlight",
                &id,
                "--text",
                "Rain",
                "--occurrence",
                "2",
                "--note",
                "bring a coat",
            ],
        );
        assert!(ok, "{err}");
        assert!(out.contains("Highlighted"), "{out}");
        let (ok, _, err) = tidings(
            &path,
            &[
                "highlight",
                &id,
                "--text",
                "today.   Rain",
                "--color",
                "blue",
            ],
        );
        assert!(ok, "{err}");

        let (ok, out, _) = tidings(&path, &["highlights", "--article", &id, "--json"]);
        assert!(ok);
        let list: serde_json::Value = serde_json::from_str(&out).unwrap();
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 2);
        // Reading order: "today. Rain" comes before the second "Rain".
        assert_eq!(list[0]["text"], "today.\n\nRain");
        assert_eq!(list[0]["color"], "blue");
        assert_eq!(list[1]["text"], "Rain");
        assert_eq!(list[1]["note"], "bring a coat");
        for h in list {
            for field in ["id", "article_id", "text", "note", "created_at", "orphaned"] {
                assert!(h.get(field).is_some(), "{field} missing in {h}");
            }
            assert_eq!(h["article_id"].to_string(), id);
            assert_eq!(h["orphaned"], false);
        }
        let second = list[1]["id"].to_string();

        let (ok, _, err) = tidings(&path, &["highlight-note", &second, "a new note"]);
        assert!(ok, "{err}");
        let (ok, out, _) = tidings(&path, &["highlights"]);
        assert!(ok);
        assert!(
            out.contains("note: a new note") && out.contains("“Rain”"),
            "{out}"
        );
        let (ok, _, _) = tidings(&path, &["highlight-note", &second]);
        assert!(ok);
        let (ok, out, _) = tidings(&path, &["highlights", "--json"]);
        assert!(ok);
        assert!(out.contains("\"note\": null"), "{out}");

        let (ok, out, err) = tidings(&path, &["unhighlight", &second]);
        assert!(ok, "{err}");
        assert!(out.contains("stays bookmarked"), "{out}");
        let (ok, _, err) = tidings(&path, &["unhighlight", &second]);
        assert!(!ok);
        assert!(
            err.contains(&format!("no highlight with id {second}")),
            "{err}"
        );
        let (ok, _, err) = tidings(&path, &["unbookmark", &id]);
        assert!(!ok);
        assert!(err.contains("stays bookmarked"), "{err}");
        let (_, out, _) = tidings(&path, &["highlights", "--json"]);
        let list: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1);
    }
}
