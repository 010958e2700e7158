//! Small text helpers shared by the parsers (feeds, pages), search and rules so each does them
//! one way.

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

/// Whether `c` is Chinese, Japanese (kana) or Korean (Hangul): scripts written without spaces
/// between words, so search and rules match inside their runs rather than on whole words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

#[cfg(test)]
mod tests {
    #[test]
    fn collapses_and_trims() {
        assert_eq!(super::collapse_whitespace("  a \u{a0}\n b  "), "a b");
    }
}
