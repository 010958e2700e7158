//! Mute and keep rules with the library: each new item's verdict as the feeds stage makes it
//! ready to store, and, for the rules editor's live preview, what a rule would have caught.

use serde::Serialize;

use crate::rules::{Pattern, RuleSet, RuleSpec, Story};
use crate::store::{self, IncomingArticle, Library, StoreError, StoryRow};

/// What the rules say about an item (its title and the feed's own text), written on it.
pub(super) fn with_verdict(
    mut item: IncomingArticle,
    feed_id: i64,
    rules: &RuleSet,
) -> IncomingArticle {
    if rules.is_empty() {
        return item;
    }
    let verdict = rules.verdict(&Story {
        feed_id,
        title: &item.title,
        text: item.content_text.as_deref().unwrap_or(""),
    });
    item.muted = verdict.mute;
    item.flagged = verdict.keep;
    item
}

/// How far back a preview looks, in days.
pub const PREVIEW_DAYS: i64 = 30;

/// Stories a preview checks at most: the newest of the period (for words and phrases, the
/// newest the search index finds with them).
pub const PREVIEW_CHECKS: i64 = 2_000;

/// Matching stories a preview lists at most.
pub const PREVIEW_LISTED: usize = 50;

/// What a rule would have caught among the stories of the last [`PREVIEW_DAYS`] days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulePreview {
    /// The newest matching stories, at most [`PREVIEW_LISTED`].
    pub stories: Vec<StoryRow>,
    /// How many of the stories checked match.
    pub matched: usize,
    /// How many stories were checked.
    pub checked: usize,
    /// Every story of the period that could match was checked (else only the newest
    /// [`PREVIEW_CHECKS`]).
    pub complete: bool,
}

/// What `spec` would have caught in the last [`PREVIEW_DAYS`] days: the stories it matches now
/// in the library (their titles and stored text; bookmarks never count, a story in several
/// feeds counts once). A pattern that cannot be a rule is [`StoreError::InvalidRule`].
pub fn preview_rule(lib: &Library, spec: &RuleSpec) -> Result<RulePreview, StoreError> {
    let pattern = Pattern::parse(&spec.pattern)?;
    let words = (!pattern.is_regex()).then_some(spec.pattern.as_str());
    let since = store::now() - PREVIEW_DAYS * 86_400;
    let candidates = lib.rule_candidates(since, spec.feed_id, words, PREVIEW_CHECKS)?;
    let checked = candidates.len();
    let rules = RuleSet::new([spec]);
    let mut matched = 0;
    let mut stories = Vec::new();
    for (row, text) in candidates {
        let verdict = rules.verdict(&Story {
            feed_id: row.feed_id,
            title: &row.title,
            text: &text,
        });
        if verdict.mute || verdict.keep {
            matched += 1;
            if stories.len() < PREVIEW_LISTED {
                stories.push(row);
            }
        }
    }
    lib.finish_rows(&mut stories)?;
    Ok(RulePreview {
        stories,
        matched,
        checked,
        complete: (checked as i64) < PREVIEW_CHECKS,
    })
}
