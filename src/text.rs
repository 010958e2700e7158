//! Small text helpers shared across the crate (feed and page parsers, search, rules, the
//! sanitizer's callers, the exports) so each is done one way: whitespace collapsing, telling
//! CJK script apart, counting words in any script, month names in many languages, and the one
//! escaper for plain text written into HTML or XML.

/// Trims and collapses every whitespace run (NBSP included) to one space.
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The words of a text, as word processors count them: each Chinese character or Japanese
/// kana counts as a word (those scripts put no spaces between words), any other run between
/// spaces holding a letter or digit as one. Korean puts spaces between its words: counted so.
pub fn word_count(s: &str) -> usize {
    s.split_whitespace()
        .map(|token| {
            let ideographs = token.chars().filter(|&c| is_han_or_kana(c)).count();
            let other = token
                .chars()
                .any(|c| c.is_alphanumeric() && !is_han_or_kana(c));
            ideographs + usize::from(other)
        })
        .sum()
}

/// Chinese characters and Japanese kana (not Hangul, whose words are spaced).
fn is_han_or_kana(c: char) -> bool {
    is_cjk(c) && !matches!(c as u32, 0xAC00..=0xD7AF)
}

/// Where escaped text goes, which decides what is escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// Between HTML tags: `&`, `<` and `>`, and a no-break space as `&nbsp;` (as an HTML
    /// serializer writes text, so escaped text matches what the sanitizer gives).
    Text,
    /// A quoted HTML attribute value: what [`Escape::Text`] escapes, and both quotes.
    Attribute,
    /// XML 1.0 text or a quoted attribute value (OPML, EPUB): `&`, `<`, `>`, both quotes (XML
    /// has no `&nbsp;`); tab, newline and carriage return as character references, so an
    /// attribute keeps them; characters XML 1.0 cannot carry (most controls) left out.
    Xml,
}

/// Appends `text` to `out`, escaped for `place`. The one escaper: every plain string written
/// into HTML or XML goes through here.
pub fn escape_into(out: &mut String, text: &str, place: Escape) {
    let html = place != Escape::Xml;
    let attribute = place != Escape::Text;
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute && html => out.push_str("&#39;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\u{a0}' if html => out.push_str("&nbsp;"),
            '\n' if !html => out.push_str("&#10;"),
            '\r' if !html => out.push_str("&#13;"),
            '\t' if !html => out.push_str("&#9;"),
            c if !html && !is_xml_char(c) => {}
            c => out.push(c),
        }
    }
}

/// `text` escaped for `place` (see [`escape_into`]).
pub fn escaped(text: &str, place: Escape) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, place);
    out
}

/// XML 1.0 `Char` (tab, newline and carriage return are handled before this is asked).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Whether `c` is Chinese, Japanese (kana) or Korean (Hangul): scripts written without spaces
/// between words, so search and rules match inside their runs rather than on whole words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// The month (1 to 12) a month name or abbreviation names, in any case, with a trailing `.` or
/// `,`: English, German, French, Spanish, Italian, Portuguese, Dutch, Hungarian, Polish (both
/// cases dates use), Swedish, Danish, Norwegian and Greek. `None` for anything else and for
/// words under three letters.
pub fn month_number(token: &str) -> Option<u32> {
    let t = token.trim_end_matches(['.', ',']).to_lowercase();
    if t.chars().count() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .chain(GREEK_MONTHS.iter())
        .position(|names| names.contains(&t.as_str()))
        .map(|p| (p % 12) as u32 + 1)
}

/// Month names and abbreviations, January first (see [`month_number`]).
#[rustfmt::skip]
const MONTHS: [&[&str]; 12] = [
    &["jan", "january", "januar", "janvier", "janv", "enero", "ene", "gennaio", "gen", "janeiro", "januari", "jän", "jänner", "január", "stycznia", "styczeń", "styczen"],
    &["feb", "february", "februar", "février", "févr", "fév", "fevrier", "febrero", "febbraio", "fevereiro", "fev", "februari", "február", "lutego", "luty"],
    &["mar", "march", "märz", "mär", "mrz", "mars", "marzo", "março", "maart", "mrt", "március", "marca", "marzec", "marts"],
    &["apr", "april", "avril", "avr", "abril", "abr", "aprile", "április", "kwietnia", "kwiecień"],
    &["may", "mai", "mayo", "maggio", "mag", "maio", "mei", "május", "maja", "maj"],
    &["jun", "june", "juni", "juin", "junio", "giugno", "giu", "junho", "június", "czerwca", "czerwiec"],
    &["jul", "july", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "július", "lipca", "lipiec"],
    &["aug", "august", "août", "aout", "agosto", "ago", "augustus", "augusztus", "sierpnia", "sierpień", "augusti"],
    &["sep", "sept", "september", "septembre", "septiembre", "set", "settembre", "setembro", "szeptember", "września", "wrzesień"],
    &["oct", "october", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out", "október", "października", "październik"],
    &["nov", "november", "novembre", "noviembre", "novembro", "listopada", "listopad"],
    &["dec", "december", "dezember", "dez", "décembre", "déc", "decembre", "diciembre", "dic", "dicembre", "dezembro", "grudnia", "grudzień", "desember"],
];

/// Greek month abbreviations (with and without accents), January first.
const GREEK_MONTHS: [&[&str]; 12] = [
    &["ιαν"],
    &["φεβ"],
    &["μάω", "μαρ", "μάρ"],
    &["απρ"],
    &["μάι", "μαϊ", "μαι", "μάϊ"],
    &["ιούν", "ιον", "ιουν"],
    &["ιούλ", "ιολ", "ιουλ"],
    &["αύγ", "αυγ"],
    &["σεπ"],
    &["οκτ"],
    &["νοέ", "νοε"],
    &["δεκ"],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_in_every_script() {
        assert_eq!(word_count("The ferry runs again, from Monday."), 6);
        assert_eq!(word_count("don't — stop"), 2, "a dash alone is no word");
        assert_eq!(word_count("北线的夜间列车"), 7);
        assert_eq!(word_count("ひらがな と カタカナ"), 9);
        assert_eq!(word_count("iPhone用户 2024年"), 5);
        assert_eq!(word_count("서울의 봄 소식"), 3, "Korean words are spaced");
        assert_eq!(word_count(""), 0);
    }

    #[test]
    fn collapses_and_trims() {
        assert_eq!(super::collapse_whitespace("  a \u{a0}\n b  "), "a b");
    }

    #[test]
    fn text_and_attributes_escape_what_each_place_needs() {
        let s = "<b>\"Tom\" & 'Jerry'</b>\u{a0}\n";
        assert_eq!(
            escaped(s, Escape::Text),
            "&lt;b&gt;\"Tom\" &amp; 'Jerry'&lt;/b&gt;&nbsp;\n"
        );
        assert_eq!(
            escaped(s, Escape::Attribute),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;&nbsp;\n"
        );
        assert_eq!(
            escaped(s, Escape::Xml),
            "&lt;b&gt;&quot;Tom&quot; &amp; &apos;Jerry&apos;&lt;/b&gt;\u{a0}&#10;"
        );
        // XML 1.0 cannot carry most control characters: they are left out, tab kept.
        assert_eq!(escaped("a\u{1}b\u{1b}\tc\u{fffe}", Escape::Xml), "ab&#9;c");
        let mut out = String::from("x=");
        escape_into(&mut out, "a&b", Escape::Attribute);
        assert_eq!(out, "x=a&amp;b");
    }

    #[test]
    fn month_names_in_several_languages() {
        use super::month_number;
        for (name, month) in [
            ("March", 3),
            ("März", 3),
            ("mars", 3),
            ("Sept.", 9),
            ("sierpnia", 8),
        ] {
            assert_eq!(month_number(name), Some(month), "{name}");
        }
        assert_eq!(month_number("decade"), None);
        assert_eq!(month_number("ma"), None);
    }
}
