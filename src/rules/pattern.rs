//! A rule's pattern: words and "quoted phrases" (all must be in the story), or `/a regex/`.

use std::cell::OnceCell;

use memchr::memmem::Finder;
use regex::{Regex, RegexBuilder};

use super::{fold, RuleError};

/// Longest pattern accepted, in characters.
pub const MAX_PATTERN_CHARS: usize = 1_000;

/// Largest compiled regex accepted (the `regex` crate's `size_limit`), in bytes.
pub const REGEX_SIZE_LIMIT: usize = 256 * 1024;

/// Text a regex looks at, in bytes: a longer title or text is cut here (at a character
/// boundary). The `regex` crate matches in time linear in the text (no backtracking), and the
/// compiled size is bounded too, so one match is bounded by both limits together.
pub const REGEX_TEXT_LIMIT: usize = 64 * 1024;

/// Cache the regex crate's lazy DFA may grow to per regex, in bytes.
const REGEX_DFA_LIMIT: usize = 1024 * 1024;

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    kind: Kind,
}

#[derive(Debug, Clone)]
enum Kind {
    /// Every needle (a word or phrase as [`fold::words`] writes it) must be in the story.
    Words(Vec<Finder<'static>>),
    Regex(Regex),
}

impl Pattern {
    /// Compiles a pattern: `/…/` is a regex (case-insensitive, on the text without accents),
    /// anything else words and "quoted phrases".
    pub fn parse(source: &str) -> Result<Pattern, RuleError> {
        let source = source.trim();
        if source.chars().count() > MAX_PATTERN_CHARS {
            return Err(RuleError::TooLong {
                limit: MAX_PATTERN_CHARS,
            });
        }
        let regex = source
            .strip_prefix('/')
            .and_then(|s| s.strip_suffix('/'))
            .filter(|_| source.len() >= 2);
        let kind = match regex {
            Some(expression) => Kind::Regex(compile_regex(expression)?),
            None => Kind::Words(needles(source)?),
        };
        Ok(Pattern { kind })
    }

    /// Whether this pattern is a regex (else words and phrases, which the search index can
    /// narrow down).
    pub fn is_regex(&self) -> bool {
        matches!(self.kind, Kind::Regex(_))
    }

    /// Whether the text holds this pattern.
    pub(super) fn matches(&self, text: &Haystack<'_>) -> bool {
        match &self.kind {
            Kind::Words(needles) => {
                let words = text.words().as_bytes();
                needles.iter().all(|n| n.find(words).is_some())
            }
            Kind::Regex(regex) => regex.is_match(text.without_accents()),
        }
    }
}

fn compile_regex(expression: &str) -> Result<Regex, RuleError> {
    if expression.trim().is_empty() {
        return Err(RuleError::Empty);
    }
    RegexBuilder::new(&fold::without_accents(expression))
        .case_insensitive(true)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_DFA_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => RuleError::RegexTooLarge {
                limit: REGEX_SIZE_LIMIT,
            },
            // The regex crate draws the error under the pattern over several lines: its last
            // `error:` line says what is wrong, on one.
            other => {
                let text = other.to_string();
                let reason = text
                    .lines()
                    .rev()
                    .find_map(|l| l.trim().strip_prefix("error: "))
                    .map(str::to_string)
                    .unwrap_or_else(|| crate::text::collapse_whitespace(&text));
                RuleError::BadRegex { reason }
            }
        })
}

/// The needles of a words-and-phrases pattern: each unquoted word, each quoted phrase.
fn needles(source: &str) -> Result<Vec<Finder<'static>>, RuleError> {
    let mut out = Vec::new();
    let mut push = |text: &str| {
        let needle = fold::words(text);
        if needle.trim().is_empty() {
            return;
        }
        let finder = Finder::new(needle.as_bytes()).into_owned();
        out.push(finder);
    };
    for (i, part) in source.split('"').enumerate() {
        if i % 2 == 1 {
            push(part);
        } else {
            part.split_whitespace().for_each(&mut push);
        }
    }
    if out.is_empty() {
        return Err(RuleError::Empty);
    }
    Ok(out)
}

/// A title or text as patterns look at it, each form made once, on first use.
pub(super) struct Haystack<'a> {
    raw: &'a str,
    words: OnceCell<String>,
    without_accents: OnceCell<String>,
}

impl<'a> Haystack<'a> {
    pub(super) fn new(raw: &'a str) -> Haystack<'a> {
        Haystack {
            raw,
            words: OnceCell::new(),
            without_accents: OnceCell::new(),
        }
    }

    fn words(&self) -> &str {
        self.words.get_or_init(|| fold::words(self.raw))
    }

    fn without_accents(&self) -> &str {
        self.without_accents.get_or_init(|| {
            let mut end = self.raw.len().min(REGEX_TEXT_LIMIT);
            while !self.raw.is_char_boundary(end) {
                end -= 1;
            }
            fold::without_accents(&self.raw[..end])
        })
    }
}
