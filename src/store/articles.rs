//! Articles: what sync stores and what the reader lists, opens and keeps.

use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use super::accounts::{enqueue_item_change_in, ItemChange};
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

/// The columns [`summary_from_row`] reads, over `articles a JOIN feeds f JOIN article_status s`
/// (see [`STATUS_JOIN`]).
pub(crate) const SUMMARY_COLUMNS: &str =
    "a.id, a.feed_id, coalesce(f.custom_title, nullif(f.title, ''), f.url), a.title,
     a.url, a.author, a.published_at, s.read, a.bookmarked";

/// The join that brings an article's reading state (`s.read`) beside `articles a`: read
/// state lives in its own table (schema step 4) so marking read never rewrites an article.
pub(crate) const STATUS_JOIN: &str = "JOIN article_status s ON s.article_id = a.id";

pub(crate) fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<ArticleSummary> {
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
    /// A page of articles, newest first. Each filter gets its own statement shape, so SQLite
    /// walks the matching index in order and stops after the page.
    pub fn articles(
        &self,
        filter: &ArticleFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ArticleSummary>> {
        let mut conditions = Vec::new();
        if filter.feed_id.is_some() {
            conditions.push("a.feed_id = ?3");
        }
        if filter.unread_only {
            conditions.push("s.read = 0");
        }
        if filter.bookmarked_only {
            conditions.push("a.bookmarked = 1");
        }
        let where_clause = if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        };
        // The unread list across feeds walks the status table's (read, date) index.
        let order = if filter.unread_only && filter.feed_id.is_none() {
            "s.sort_at DESC, s.article_id DESC"
        } else {
            "a.sort_at DESC, a.id DESC"
        };
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}
             FROM articles a JOIN feeds f ON f.id = a.feed_id {STATUS_JOIN}
             {where_clause}
             ORDER BY {order}
             LIMIT ?1 OFFSET ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = match filter.feed_id {
            Some(feed) => {
                stmt.query_map(rusqlite::params![limit, offset, feed], summary_from_row)?
            }
            None => stmt.query_map(rusqlite::params![limit, offset], summary_from_row)?,
        };
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// One article, everything the reader shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    pub id: i64,
    pub feed_id: i64,
    pub feed_title: String,
    pub title: String,
    pub url: Option<String>,
    pub author: Option<String>,
    pub published_at: Option<i64>,
    pub updated_at: Option<i64>,
    pub fetched_at: i64,
    pub teaser_html: Option<String>,
    pub content_html: Option<String>,
    pub content_text: Option<String>,
    pub lead_image: Option<String>,
    pub lang: Option<String>,
    pub dir: Option<String>,
    pub word_count: Option<i64>,
    pub extraction: String,
    pub extraction_note: Option<String>,
    pub read: bool,
    pub bookmarked: bool,
    pub note: Option<String>,
    pub revisions: i64,
}

impl Library {
    /// One article by id.
    pub fn article(&self, id: i64) -> Result<Article> {
        self.conn
            .query_row(
                &format!("SELECT a.id, a.feed_id, coalesce(f.custom_title, nullif(f.title, ''), f.url), a.title,
                    a.url, a.author, a.published_at, a.updated_at, a.fetched_at, a.teaser_html,
                    a.content_html, a.content_text, a.lead_image, a.lang, a.dir, a.word_count,
                    a.extraction, a.extraction_note, s.read, a.bookmarked, a.note,
                    (SELECT count(*) FROM article_revisions r WHERE r.article_id = a.id)
                 FROM articles a JOIN feeds f ON f.id = a.feed_id {STATUS_JOIN}
                 WHERE a.id = ?1"),
                [id],
                |r| {
                    Ok(Article {
                        id: r.get(0)?,
                        feed_id: r.get(1)?,
                        feed_title: r.get(2)?,
                        title: r.get(3)?,
                        url: r.get(4)?,
                        author: r.get(5)?,
                        published_at: r.get(6)?,
                        updated_at: r.get(7)?,
                        fetched_at: r.get(8)?,
                        teaser_html: r.get(9)?,
                        content_html: r.get(10)?,
                        content_text: r.get(11)?,
                        lead_image: r.get(12)?,
                        lang: r.get(13)?,
                        dir: r.get(14)?,
                        word_count: r.get(15)?,
                        extraction: r.get(16)?,
                        extraction_note: r.get(17)?,
                        read: r.get(18)?,
                        bookmarked: r.get(19)?,
                        note: r.get(20)?,
                        revisions: r.get(21)?,
                    })
                },
            )
            .optional()?
            .ok_or(super::StoreError::NotFound {
                what: "article",
                id,
            })
    }
}

impl Library {
    /// Marks one article read or unread. For an account's story the change is queued for its
    /// server in the same transaction (only when the state changes).
    pub fn set_read(&mut self, id: i64, read: bool) -> Result<()> {
        let tx = self.conn.transaction()?;
        let was: Option<bool> = tx
            .query_row(
                "SELECT read FROM article_status WHERE article_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        match was {
            None => {
                return Err(super::StoreError::NotFound {
                    what: "article",
                    id,
                })
            }
            Some(was) if was == read => return Ok(()),
            Some(_) => {}
        }
        tx.execute(
            "UPDATE article_status SET read = ?2 WHERE article_id = ?1",
            rusqlite::params![id, read],
        )?;
        let change = if read {
            ItemChange::Read
        } else {
            ItemChange::Unread
        };
        enqueue_item_change_in(&tx, id, change)?;
        tx.commit()?;
        Ok(())
    }

    /// Bookmarks an article (kept forever) with an optional note, or removes the bookmark. For
    /// an account's story, starring or unstarring is queued for its server in the same
    /// transaction (only when the bookmark changes; a new note alone stays here).
    pub fn set_bookmarked(&mut self, id: i64, bookmarked: bool, note: Option<&str>) -> Result<()> {
        let tx = self.conn.transaction()?;
        let was: Option<bool> = tx
            .query_row("SELECT bookmarked FROM articles WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(was) = was else {
            return Err(super::StoreError::NotFound {
                what: "article",
                id,
            });
        };
        tx.execute(
            "UPDATE articles SET bookmarked = ?2,
                bookmarked_at = CASE WHEN ?2 THEN coalesce(bookmarked_at, ?3) ELSE NULL END,
                note = CASE WHEN ?2 THEN coalesce(?4, note) ELSE note END
             WHERE id = ?1",
            rusqlite::params![id, bookmarked, super::now(), note],
        )?;
        if was != bookmarked {
            let change = if bookmarked {
                ItemChange::Star
            } else {
                ItemChange::Unstar
            };
            enqueue_item_change_in(&tx, id, change)?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// An earlier version of an article, as it was before a sync replaced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub title: String,
    pub content_text: Option<String>,
    /// When Tidings replaced this version (seconds).
    pub replaced_at: i64,
}

impl Library {
    /// An article's earlier versions, oldest first.
    pub fn revisions(&self, article_id: i64) -> Result<Vec<Revision>> {
        let mut stmt = self.conn.prepare(
            "SELECT title, content_text, seen_at FROM article_revisions
             WHERE article_id = ?1 ORDER BY seen_at, id",
        )?;
        let rows = stmt.query_map([article_id], |r| {
            Ok(Revision {
                title: r.get(0)?,
                content_text: r.get(1)?,
                replaced_at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
