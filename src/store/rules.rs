//! Mute and keep rules as the library keeps them. What a rule catches is `crate::rules`' job;
//! here a rule is checked (its pattern compiles, its feed exists) and stored, listed, removed,
//! and the stories a preview checks it against are read.

use rusqlite::{params, OptionalExtension, Row};

use super::articles::{story_from_row, StoryRow, STATUS_JOIN, STORY_COLUMNS, STORY_COLUMN_COUNT};
use super::{now, Library, Result, StoreError};
use crate::rules::{Action, Field, Pattern, Rule, RuleSpec};

fn rule_from_row(r: &Row<'_>) -> rusqlite::Result<Rule> {
    let word = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    let bad = |i: usize, e: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    };
    Ok(Rule {
        id: r.get(0)?,
        spec: RuleSpec {
            action: word(1)?.parse::<Action>().map_err(|e| bad(1, e))?,
            pattern: r.get(2)?,
            feed_id: r.get(3)?,
            field: word(4)?.parse::<Field>().map_err(|e| bad(4, e))?,
        },
    })
}

impl Library {
    /// Adds a rule; returns its id. A pattern that cannot be a rule is refused with the reason
    /// ([`StoreError::InvalidRule`]), as is a feed that does not exist.
    pub fn add_rule(&mut self, spec: &RuleSpec) -> Result<i64> {
        Pattern::parse(&spec.pattern)?;
        if let Some(feed) = spec.feed_id {
            let exists: Option<i64> = self
                .conn
                .query_row("SELECT id FROM feeds WHERE id = ?1", [feed], |r| r.get(0))
                .optional()?;
            if exists.is_none() {
                return Err(StoreError::NotFound {
                    what: "feed",
                    id: feed,
                });
            }
        }
        self.conn.execute(
            "INSERT INTO rules(action, pattern, feed_id, field, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                spec.action.as_str(),
                spec.pattern.trim(),
                spec.feed_id,
                spec.field.as_str(),
                now()
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Every rule, oldest first.
    pub fn rules(&self) -> Result<Vec<Rule>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, action, pattern, feed_id, field FROM rules ORDER BY id")?;
        let rows = stmt.query_map([], rule_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Removes a rule. Stories it already muted or flagged stay as they are.
    pub fn remove_rule(&mut self, id: i64) -> Result<()> {
        if self.conn.execute("DELETE FROM rules WHERE id = ?1", [id])? == 0 {
            return Err(StoreError::NotFound { what: "rule", id });
        }
        Ok(())
    }
}

impl Library {
    /// Stories dated `since` or later (newest first; shown copies only, never bookmarked
    /// ones), each with its stored plain text: what a rule is checked against for a preview
    /// ([`crate::sync::preview_rule`]). `words` (words and "phrases", as search reads them)
    /// narrows them with the search index first; `None` gives every story. At most `limit`.
    pub fn rule_candidates(
        &self,
        since: i64,
        feed_id: Option<i64>,
        words: Option<&str>,
        limit: i64,
    ) -> Result<Vec<(StoryRow, String)>> {
        let expression = words
            .map(|w| {
                super::search::fts_expression(
                    &super::search::terms(w),
                    super::search::ARTICLE_WORDS,
                )
            })
            .filter(|e| !e.is_empty());
        let kept = "a.sort_at >= ?2 AND a.bookmarked = 0 AND s.duplicate_of IS NULL
            AND f.status != 'unsubscribed' AND (?3 IS NULL OR a.feed_id = ?3)";
        let columns = &*STORY_COLUMNS;
        let sql = match expression {
            // The index hands matches newest first from the first story of the period on.
            Some(_) => format!(
                "SELECT {columns}, coalesce(a.content_text, '')
                 FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
                 JOIN feeds f ON f.id = a.feed_id {STATUS_JOIN}
                 WHERE articles_fts MATCH ?1
                   AND articles_fts.rowid >= (SELECT coalesce(min(id), 0) FROM articles
                                              WHERE sort_at >= ?2)
                   AND {kept}
                 ORDER BY articles_fts.rowid DESC LIMIT ?4"
            ),
            None => format!(
                "SELECT {columns}, coalesce(a.content_text, '')
                 FROM articles a JOIN feeds f ON f.id = a.feed_id {STATUS_JOIN}
                 WHERE ?1 IS NULL AND {kept}
                 ORDER BY a.sort_at DESC, a.id DESC LIMIT ?4"
            ),
        };
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![expression, since, feed_id, limit], |r| {
            Ok((story_from_row(r)?, r.get(STORY_COLUMN_COUNT)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
