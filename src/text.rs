//! Small text helpers shared by the parsers (feeds, pages) so each does them one way.

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

#[cfg(test)]
mod tests {
    #[test]
    fn collapses_and_trims() {
        assert_eq!(super::collapse_whitespace("  a \u{a0}\n b  "), "a b");
    }
}
