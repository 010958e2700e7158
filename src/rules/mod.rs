//! Mute and keep rules: which stories a rule catches. Matching only: no SQL, no network. The
//! store keeps the rules ([`Rule`]); sync compiles them once ([`RuleSet`]) and asks each new
//! story's [`Verdict`].
//!
//! A pattern is words and "quoted phrases" (a story matches when it holds every one of them),
//! or `/a regex/`:
//! - words match whole words, case- and accent-insensitively: `cafe` finds "Café" but not
//!   "cafeteria";
//! - Chinese, Japanese and Korean are written without spaces between words, so there a pattern
//!   matches anywhere inside a run of those characters: `香港` finds "香港的天气";
//! - a regex runs case-insensitively on the text without accents. It is bounded: the `regex`
//!   crate matches in time linear in the text (no backtracking, so `(a+)+$` cannot run away),
//!   the compiled regex may not pass [`REGEX_SIZE_LIMIT`], and it sees at most
//!   [`REGEX_TEXT_LIMIT`] bytes of a title or text.

mod fold;
mod pattern;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use pattern::{Pattern, MAX_PATTERN_CHARS, REGEX_SIZE_LIMIT, REGEX_TEXT_LIMIT};

use pattern::Haystack;

/// What a rule does to the new stories it catches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Marked read as it arrives: never shown as new (still in its feed, still found by search).
    Mute,
    /// Flagged: shown with a mark, and in the "Flagged" list.
    Keep,
}

/// Which part of a story a rule reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    /// The title or the text.
    #[default]
    Any,
    Title,
    /// The feed's own text of the story.
    Text,
}

/// A rule: what it does, to which stories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSpec {
    pub action: Action,
    /// Words and "quoted phrases", or `/a regex/`.
    pub pattern: String,
    /// Only this feed's stories; every feed's when `None`.
    pub feed_id: Option<i64>,
    pub field: Field,
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: i64,
    #[serde(flatten)]
    pub spec: RuleSpec,
}

/// Why a pattern cannot be a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("the pattern has no words to match")]
    Empty,
    #[error("the pattern is longer than {limit} characters")]
    TooLong { limit: usize },
    #[error("the regex is too large (over {limit} bytes compiled); make it simpler")]
    RegexTooLarge { limit: usize },
    #[error("not a valid regex: {reason}")]
    BadRegex { reason: String },
}

/// A story as rules read it.
#[derive(Debug, Clone, Copy)]
pub struct Story<'a> {
    pub feed_id: i64,
    pub title: &'a str,
    /// The feed's own text of the story (plain text).
    pub text: &'a str,
}

/// What the rules say about one story.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Verdict {
    /// A mute rule caught it.
    pub mute: bool,
    /// A keep rule caught it.
    pub keep: bool,
}

/// Rules compiled for matching many stories.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: Vec<(RuleSpec, Pattern)>,
}

impl RuleSet {
    /// Compiles `rules`. A rule whose pattern no longer compiles (stored by another version
    /// with other limits) is left out; `tidings rule list` shows why.
    pub fn new<'a>(rules: impl IntoIterator<Item = &'a RuleSpec>) -> RuleSet {
        let rules = rules
            .into_iter()
            .filter_map(|spec| Some((spec.clone(), Pattern::parse(&spec.pattern).ok()?)))
            .collect();
        RuleSet { rules }
    }

    /// Whether there are no rules to apply.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// What the rules say about `story`. Each title and text is folded once, and only if a
    /// rule reads it.
    pub fn verdict(&self, story: &Story<'_>) -> Verdict {
        let title = Haystack::new(story.title);
        let text = Haystack::new(story.text);
        let mut verdict = Verdict::default();
        for (spec, pattern) in &self.rules {
            let decided = match spec.action {
                Action::Mute => &mut verdict.mute,
                Action::Keep => &mut verdict.keep,
            };
            if *decided || spec.feed_id.is_some_and(|feed| feed != story.feed_id) {
                continue;
            }
            *decided = match spec.field {
                Field::Title => pattern.matches(&title),
                Field::Text => pattern.matches(&text),
                Field::Any => pattern.matches(&title) || pattern.matches(&text),
            };
        }
        verdict
    }
}

impl Action {
    /// The word stored and typed for this action.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Mute => "mute",
            Action::Keep => "keep",
        }
    }
}

impl Field {
    /// The word stored and typed for this field.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Any => "any",
            Field::Title => "title",
            Field::Text => "text",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = String;
    fn from_str(word: &str) -> Result<Action, String> {
        [Action::Mute, Action::Keep]
            .into_iter()
            .find(|a| a.as_str() == word)
            .ok_or_else(|| format!("{word:?} is not a rule action (mute or keep)"))
    }
}

impl FromStr for Field {
    type Err = String;
    fn from_str(word: &str) -> Result<Field, String> {
        [Field::Any, Field::Title, Field::Text]
            .into_iter()
            .find(|f| f.as_str() == word)
            .ok_or_else(|| format!("{word:?} is not a part of a story (title, text or any)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(action: Action, pattern: &str) -> RuleSpec {
        RuleSpec {
            action,
            pattern: pattern.into(),
            feed_id: None,
            field: Field::Any,
        }
    }

    fn caught(pattern: &str, title: &str) -> bool {
        let rules = [spec(Action::Mute, pattern)];
        let set = RuleSet::new(&rules);
        assert!(!set.is_empty(), "{pattern} did not compile");
        set.verdict(&Story {
            feed_id: 1,
            title,
            text: "",
        })
        .mute
    }

    #[test]
    fn words_match_whole_words_whatever_the_case() {
        assert!(caught("bitcoin", "Bitcoin falls again"));
        assert!(caught("BITCOIN", "why bitcoin? because."));
        assert!(!caught("bitcoin", "Bitcoiners gather"));
        assert!(!caught("coin", "Bitcoin falls"));
        // Every word must be there, in any order.
        assert!(caught("falls bitcoin", "Bitcoin falls again"));
        assert!(!caught("bitcoin rises", "Bitcoin falls again"));
    }

    #[test]
    fn quoted_phrases_match_as_phrases() {
        assert!(caught("\"central bank\"", "The Central Bank, again"));
        assert!(!caught("\"central bank\"", "Bank of central Europe"));
        assert!(caught(
            "rates \"central bank\"",
            "Central bank raises rates"
        ));
    }

    #[test]
    fn accents_do_not_matter_either_way() {
        assert!(caught("cafe", "Le Café de Flore ferme"));
        assert!(caught("café", "Cafe culture"));
        assert!(caught("\"creme brulee\"", "La crème brûlée du chef"));
        assert!(!caught("cafe", "Cafétéria fermée"));
    }

    #[test]
    fn chinese_matches_inside_runs() {
        assert!(caught("香港", "香港的天气很好"));
        assert!(caught("天气", "香港的天气很好"));
        assert!(!caught("台北", "香港的天气很好"));
        assert!(caught("AI 香港", "AI在香港发展"));
        // A run is a run: characters apart do not match.
        assert!(!caught("香天", "香港的天气很好"));
    }

    #[test]
    fn regexes_are_case_insensitive_and_see_no_accents() {
        assert!(caught("/^breaking:/", "BREAKING: storm"));
        assert!(!caught("/^breaking:/", "Not breaking: storm"));
        assert!(caught("/caf[eé]s?/", "Les Cafés"));
        assert!(caught(r"/\bcrème\b/", "Creme"));
    }

    #[test]
    fn a_regex_that_would_backtrack_forever_is_bounded() {
        let rules = [
            spec(Action::Mute, "/(a+)+$/"),
            spec(Action::Keep, "/(x+x+)+y/"),
        ];
        let set = RuleSet::new(&rules);
        let text = format!("{}!", "a".repeat(REGEX_TEXT_LIMIT - 1));
        let title = format!("{}z", "x".repeat(5_000));
        let started = std::time::Instant::now();
        let verdict = set.verdict(&Story {
            feed_id: 1,
            title: &title,
            text: &text,
        });
        assert_eq!(verdict, Verdict::default());
        // A backtracking engine takes longer than the age of the universe on these.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn a_regex_sees_only_the_start_of_a_long_text() {
        let rules = [spec(Action::Mute, "/needle/")];
        let set = RuleSet::new(&rules);
        let muted = |text: &str| {
            set.verdict(&Story {
                feed_id: 1,
                title: "",
                text,
            })
            .mute
        };
        let early = format!("needle {}", "é".repeat(REGEX_TEXT_LIMIT));
        let late = format!("{}needle", "é".repeat(REGEX_TEXT_LIMIT));
        assert!(muted(&early));
        assert!(!muted(&late));
    }

    #[test]
    fn patterns_that_cannot_be_rules_say_why() {
        assert_eq!(Pattern::parse("  ").unwrap_err(), RuleError::Empty);
        assert_eq!(Pattern::parse("\"!!\" --").unwrap_err(), RuleError::Empty);
        assert_eq!(Pattern::parse("//").unwrap_err(), RuleError::Empty);
        assert_eq!(
            Pattern::parse("/(unclosed/").unwrap_err().to_string(),
            "not a valid regex: unclosed group"
        );
        assert_eq!(
            Pattern::parse(r"/\w{1000}\w{1000}/").unwrap_err(),
            RuleError::RegexTooLarge {
                limit: REGEX_SIZE_LIMIT
            }
        );
        assert_eq!(
            Pattern::parse(&"word ".repeat(300)).unwrap_err(),
            RuleError::TooLong {
                limit: MAX_PATTERN_CHARS
            }
        );
        // A lone slash is a word pattern with nothing in it, not a regex.
        assert_eq!(Pattern::parse("/").unwrap_err(), RuleError::Empty);
    }

    #[test]
    fn rules_keep_to_their_feed_and_field() {
        let rules = [
            RuleSpec {
                feed_id: Some(2),
                ..spec(Action::Mute, "sport")
            },
            RuleSpec {
                field: Field::Title,
                ..spec(Action::Keep, "rust")
            },
        ];
        let set = RuleSet::new(&rules);
        let story = |feed_id, title, text| Story {
            feed_id,
            title,
            text,
        };
        assert_eq!(
            set.verdict(&story(1, "Sport today", "")),
            Verdict::default()
        );
        assert_eq!(
            set.verdict(&story(2, "Today", "all the sport")),
            Verdict {
                mute: true,
                keep: false
            }
        );
        assert_eq!(
            set.verdict(&story(1, "News", "written in Rust")),
            Verdict::default()
        );
        assert_eq!(
            set.verdict(&story(2, "Rust and sport", "")),
            Verdict {
                mute: true,
                keep: true
            }
        );
    }

    #[test]
    fn actions_and_fields_are_words() {
        assert_eq!("mute".parse::<Action>(), Ok(Action::Mute));
        assert_eq!("title".parse::<Field>(), Ok(Field::Title));
        assert!("delete".parse::<Action>().is_err());
        let rule = Rule {
            id: 3,
            spec: spec(Action::Keep, "rust"),
        };
        assert_eq!(
            serde_json::to_value(&rule).unwrap(),
            serde_json::json!({"id": 3, "action": "keep", "pattern": "rust", "feed_id": null, "field": "any"})
        );
    }
}
