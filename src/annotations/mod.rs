//! Anchoring highlights in a story's plain text: pure functions, no SQL, no HTML.
//!
//! A highlight is kept the way the W3C Web Annotation model keeps one: a text-quote selector
//! ([`Quote`]: the exact words, with up to [`CONTEXT_CHARS`] characters of prefix and suffix)
//! plus a position hint ([`Span`], a text-position selector). Anchoring ([`anchor`]) finds
//! `exact` in a text, chooses among several occurrences by how much of the prefix and suffix
//! agree, then by nearness to the hint, and gives `None` when the words are gone (the caller
//! keeps the highlight as orphaned, never drops it).
//!
//! Offsets are in `char`s (Unicode scalar values), never bytes or UTF-16 units: JavaScript
//! callers count with `Array.from(text)`. Comparison ignores [`is_ignorable`] characters
//! (whitespace, soft hyphens, zero-width spaces, bidi marks), so a story whose line breaks,
//! paragraph gaps or spacing changed, or a selection made in a rendered page, still matches
//! the stored text. No word boundaries are assumed: Chinese, Japanese and right-to-left text
//! anchor the same way as English.
//!
//! Called by the store (on every content update, to re-anchor a story's highlights) and by
//! whoever shows highlights in a rendered text.

/// Characters of context kept before and after a highlight.
pub const CONTEXT_CHARS: usize = 32;

/// A text-quote selector: the highlighted words and a little of what surrounds them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    pub exact: String,
    pub prefix: String,
    pub suffix: String,
}

/// A range of a text in chars: `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Characters comparison skips: whitespace (NBSP included), the soft hyphen, zero-width
/// spaces, the byte-order mark and bidirectional formatting marks. None of them is visible
/// text, and each may come and go between a page's HTML, its extracted text and a selection.
/// The zero-width joiners are kept: they change how Persian, Arabic and emoji read.
pub fn is_ignorable(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// A text as comparison sees it: its visible characters, each with its char offset in the
/// original text.
struct Folded {
    chars: Vec<char>,
    offsets: Vec<usize>,
    /// The original text's length in chars.
    len: usize,
}

impl Folded {
    fn new(text: &str) -> Folded {
        let mut chars = Vec::new();
        let mut offsets = Vec::new();
        let mut len = 0;
        for (i, c) in text.chars().enumerate() {
            if !is_ignorable(c) {
                chars.push(c);
                offsets.push(i);
            }
            len = i + 1;
        }
        Folded {
            chars,
            offsets,
            len,
        }
    }

    /// Every place `needle` occurs (overlapping ones included), as folded indexes.
    fn find_all(&self, needle: &[char]) -> Vec<usize> {
        if needle.is_empty() || needle.len() > self.chars.len() {
            return Vec::new();
        }
        self.chars
            .windows(needle.len())
            .enumerate()
            .filter(|(_, w)| *w == needle)
            .map(|(i, _)| i)
            .collect()
    }

    /// The original span of the folded range `at..at + len` (`len` > 0).
    fn span(&self, at: usize, len: usize) -> Span {
        Span {
            start: self.offsets[at],
            end: self.offsets[at + len - 1] + 1,
        }
    }

    /// The folded index of the first visible char at or after original offset `offset`.
    fn folded_index(&self, offset: usize) -> usize {
        self.offsets.partition_point(|&o| o < offset)
    }
}

fn visible(s: &str) -> Vec<char> {
    s.chars().filter(|c| !is_ignorable(*c)).collect()
}

/// Every occurrence of `exact` in `text` (ignoring [`is_ignorable`] characters), in order.
pub fn occurrences(text: &str, exact: &str) -> Vec<Span> {
    let folded = Folded::new(text);
    let needle = visible(exact);
    folded
        .find_all(&needle)
        .into_iter()
        .map(|at| folded.span(at, needle.len()))
        .collect()
}

/// The quote for `span` of `text`: the exact words as they stand, with up to
/// [`CONTEXT_CHARS`] characters of context on each side (whitespace runs collapsed).
pub fn quote_at(text: &str, span: Span) -> Quote {
    let chars: Vec<char> = text.chars().collect();
    let end = span.end.min(chars.len());
    let start = span.start.min(end);
    // Whitespace runs become one space, kept at the edges: the context still reads as words.
    let collapse = |s: &[char]| {
        let mut out = String::new();
        for &c in s {
            if !(c.is_whitespace() && (out.ends_with(' '))) {
                out.push(if c.is_whitespace() { ' ' } else { c });
            }
        }
        out
    };
    let before = collapse(&chars[..start]);
    let after = collapse(&chars[end..]);
    let tail = |s: &str| {
        let n = s.chars().count();
        s.chars().skip(n.saturating_sub(CONTEXT_CHARS)).collect()
    };
    Quote {
        exact: chars[start..end].iter().collect(),
        prefix: tail(&before),
        suffix: after.chars().take(CONTEXT_CHARS).collect(),
    }
}

/// How many chars of `prefix` agree with the text just before folded index `at`, read
/// backwards.
fn prefix_agreement(folded: &[char], prefix: &[char], at: usize) -> usize {
    prefix
        .iter()
        .rev()
        .zip(folded[..at].iter().rev())
        .take_while(|(a, b)| a == b)
        .count()
}

/// How many chars of `suffix` agree with the text from folded index `end` on.
fn suffix_agreement(folded: &[char], suffix: &[char], end: usize) -> usize {
    suffix
        .iter()
        .zip(folded[end..].iter())
        .take_while(|(a, b)| a == b)
        .count()
}

/// Where `quote` stands in `text`, or `None` when its exact words are not there (whole: a
/// highlight whose words were edited is orphaned rather than moved to a near match).
///
/// Among several occurrences the one whose surroundings agree with the most prefix and suffix
/// characters wins; a tie goes to the one nearest `hint` (the char offset where the highlight
/// was last found), else to the first.
pub fn anchor(text: &str, quote: &Quote, hint: Option<usize>) -> Option<Span> {
    let folded = Folded::new(text);
    let needle = visible(&quote.exact);
    let found = folded.find_all(&needle);
    if found.len() <= 1 {
        return found.first().map(|&at| folded.span(at, needle.len()));
    }
    let prefix = visible(&quote.prefix);
    let suffix = visible(&quote.suffix);
    let hint = hint.map(|h| folded.folded_index(h.min(folded.len)));
    let best = found.into_iter().max_by_key(|&at| {
        let context = prefix_agreement(&folded.chars, &prefix, at)
            + suffix_agreement(&folded.chars, &suffix, at + needle.len());
        let distance = hint.map_or(at, |h| h.abs_diff(at));
        // max_by_key keeps the last maximum: the reversed position makes the first win ties.
        (context, std::cmp::Reverse(distance), std::cmp::Reverse(at))
    })?;
    Some(folded.span(best, needle.len()))
}

#[cfg(test)]
mod tests;
