//! Articles: what sync stores and what the reader lists, opens and keeps.

use rusqlite::Row;
use serde::Serialize;

use super::{Library, Result};

/// One row of a story list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleSummary {
    pub id: i64,
    pub feed_id: i64,
    pub feed_title: String,
    pub title: String,
    pub url: Option<String>,
    pub author: Option<String>,
    pub published_at: Option<i64>,
    pub read: bool,
    pub bookmarked: bool,
}

/// Which articles a list shows.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    pub feed_id: Option<i64>,
    pub unread_only: bool,
    pub bookmarked_only: bool,
}

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<ArticleSummary> {
    Ok(ArticleSummary {
        id: r.get(0)?,
        feed_id: r.get(1)?,
        feed_title: r.get(2)?,
        title: r.get(3)?,
        url: r.get(4)?,
        author: r.get(5)?,
        published_at: r.get(6)?,
        read: r.get(7)?,
        bookmarked: r.get(8)?,
    })
}

impl Library {
    /// A page of articles, newest first.
    pub fn articles(
        &self,
        filter: &ArticleFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ArticleSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.feed_id, coalesce(f.custom_title, nullif(f.title, ''), f.url), a.title,
                    a.url, a.author, a.published_at, a.read, a.bookmarked
             FROM articles a JOIN feeds f ON f.id = a.feed_id
             WHERE (?1 IS NULL OR a.feed_id = ?1)
               AND (?2 = 0 OR a.read = 0)
               AND (?3 = 0 OR a.bookmarked = 1)
             ORDER BY a.sort_at DESC, a.id DESC
             LIMIT ?4 OFFSET ?5",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![
                filter.feed_id,
                filter.unread_only,
                filter.bookmarked_only,
                limit,
                offset
            ],
            summary_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
