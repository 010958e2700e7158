//! A feed's own settings: whether its stories' pages are fetched, how often it is fetched, how
//! long its read stories are kept, and the user agent it is fetched with. The defaults are how
//! every feed behaves without settings.

use rusqlite::types::{FromSql, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{params, OptionalExtension, ToSql};
use serde::{Deserialize, Serialize};

use super::{Library, Result, StoreError};

/// The user agent a feed is fetched with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UserAgent {
    /// Tidings' own, saying what it is.
    #[default]
    Tidings,
    /// A web browser's, with a browser's `Accept` headers: for sites that refuse readers.
    Browser,
}

impl UserAgent {
    /// The word stored and typed for this user agent.
    pub fn as_str(self) -> &'static str {
        match self {
            UserAgent::Tidings => "tidings",
            UserAgent::Browser => "browser",
        }
    }
}

/// Stored as its word; a word this build does not know reads as the default, not an error.
impl FromSql for UserAgent {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        Ok(value.as_str()?.parse().unwrap_or_default())
    }
}

impl ToSql for UserAgent {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl std::str::FromStr for UserAgent {
    type Err = String;
    fn from_str(word: &str) -> std::result::Result<UserAgent, String> {
        [UserAgent::Tidings, UserAgent::Browser]
            .into_iter()
            .find(|u| u.as_str() == word)
            .ok_or_else(|| format!("{word:?} is not a user agent (tidings or browser)"))
    }
}

/// One feed's settings. `Default` is how a feed without settings behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedSettings {
    /// Fetch each new story's page for the full article; off, the feed's own text is the story
    /// and no page is requested.
    pub full_text: bool,
    /// Fetch the feed at most every this many minutes; `None`: at every sync.
    pub interval_minutes: Option<i64>,
    /// Keep the feed's read stories this many days; `None`: as the library's retention says.
    /// Bookmarks are always kept.
    pub keep_days: Option<i64>,
    pub user_agent: UserAgent,
}

impl Default for FeedSettings {
    fn default() -> Self {
        FeedSettings {
            full_text: true,
            interval_minutes: None,
            keep_days: None,
            user_agent: UserAgent::Tidings,
        }
    }
}

impl Library {
    /// A feed's settings.
    pub fn feed_settings(&self, feed_id: i64) -> Result<FeedSettings> {
        self.conn
            .query_row(
                "SELECT full_text, interval_minutes, keep_days, user_agent FROM feeds WHERE id = ?1",
                [feed_id],
                |r| {
                    Ok(FeedSettings {
                        full_text: r.get(0)?,
                        interval_minutes: r.get(1)?,
                        keep_days: r.get(2)?,
                        user_agent: r.get(3)?,
                    })
                },
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "feed",
                id: feed_id,
            })
    }

    /// Sets a feed's settings (a zero or negative interval or keep time means "not set").
    /// Turning full text off also stops the page fetches still waiting for the feed's stories:
    /// their feed text is the story.
    pub fn set_feed_settings(&mut self, feed_id: i64, settings: &FeedSettings) -> Result<()> {
        let positive = |v: Option<i64>| v.filter(|n| *n > 0);
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE feeds SET full_text = ?2, interval_minutes = ?3, keep_days = ?4,
                user_agent = ?5
             WHERE id = ?1",
            params![
                feed_id,
                settings.full_text,
                positive(settings.interval_minutes),
                positive(settings.keep_days),
                settings.user_agent
            ],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound {
                what: "feed",
                id: feed_id,
            });
        }
        if !settings.full_text {
            tx.execute(
                "UPDATE articles SET extraction = 'feed'
                 WHERE feed_id = ?1 AND extraction = 'pending'",
                [feed_id],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}
