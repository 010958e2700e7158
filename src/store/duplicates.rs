//! Duplicate stories: copies of one story (one canonical address, see [`crate::urls`]) in
//! several feeds, or twice in one. Lists and search across feeds show one copy, the first stored
//! in a subscribed feed (its `article_status.duplicate_of` is NULL; every other copy carries its
//! id); a feed's own list and counts keep its own copy. Reading, bookmarking and a keep rule's flag
//! act on every copy, so a story read in one feed never waits unread in another.
//!
//! The helpers here run inside the caller's transaction; schema step 8 has the trigger that
//! hands the shown role on when the shown copy is deleted.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::accounts::{enqueue_item_change_in, ItemChange};
use super::articles::StoryRow;
use super::{Library, Result, StoreError};

/// A stored copy of a story, as ingest compares a new item with it.
#[derive(Debug, Clone)]
pub(crate) struct StoredCopy {
    pub id: i64,
    pub feed_id: i64,
    pub title: String,
    pub item_key: String,
}

/// The stored stories whose canonical address is `url`, first stored first.
pub(crate) fn copies_in(conn: &Connection, url: &str) -> Result<Vec<StoredCopy>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.feed_id, a.title, a.item_key
         FROM canonical_urls c JOIN articles a ON a.id = c.article_id
         WHERE c.url = ?1 ORDER BY a.id",
    )?;
    let rows = stmt.query_map([url], |r| {
        Ok(StoredCopy {
            id: r.get(0)?,
            feed_id: r.get(1)?,
            title: r.get(2)?,
            item_key: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Records `url` as the canonical address of `article_id` (replacing an earlier one), and folds
/// the story with the other copies of that address: who is shown, and one reading state. The
/// group it leaves is folded again too.
pub(crate) fn set_canonical_in(conn: &Connection, article_id: i64, url: &str) -> Result<()> {
    let before: Option<String> = conn
        .query_row(
            "SELECT url FROM canonical_urls WHERE article_id = ?1",
            [article_id],
            |r| r.get(0),
        )
        .optional()?;
    if before.as_deref() == Some(url) {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO canonical_urls(article_id, url) VALUES (?1, ?2)
         ON CONFLICT(article_id) DO UPDATE SET url = excluded.url",
    )?
    .execute(params![article_id, url])?;
    if let Some(left) = before {
        choose_shown_in(conn, &left)?;
    }
    choose_shown_in(conn, url)?;
    share_state_in(conn, url)
}

/// Chooses which copy of the story at `url` lists across feeds show: the first stored one in
/// a subscribed feed (else the first stored one); the others point at it.
pub(crate) fn choose_shown_in(conn: &Connection, url: &str) -> Result<()> {
    let shown: Option<i64> = conn
        .prepare_cached(
            "SELECT c.article_id FROM canonical_urls c
             JOIN article_status s ON s.article_id = c.article_id JOIN feeds f ON f.id = s.feed_id
             WHERE c.url = ?1 ORDER BY f.status = 'unsubscribed', c.article_id LIMIT 1",
        )?
        .query_row([url], |r| r.get(0))
        .optional()?;
    let Some(shown) = shown else {
        return Ok(());
    };
    conn.prepare_cached(
        "UPDATE article_status SET duplicate_of = nullif(?2, article_id)
         WHERE article_id IN (SELECT article_id FROM canonical_urls WHERE url = ?1)
           AND duplicate_of IS NOT nullif(?2, article_id)",
    )?
    .execute(params![url, shown])?;
    Ok(())
}

/// Gives every copy of the story at `url` one state: read when any copy was read, flagged when
/// any was flagged, bookmarked (with the first bookmark's time and note) when any was.
pub(crate) fn share_state_in(conn: &Connection, url: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE article_status SET read = story.read, flagged = story.flagged
         FROM (SELECT max(s.read) AS read, max(s.flagged) AS flagged
               FROM canonical_urls c JOIN article_status s ON s.article_id = c.article_id
               WHERE c.url = ?1) AS story
         WHERE article_status.article_id IN (SELECT article_id FROM canonical_urls WHERE url = ?1)
           AND (article_status.read != story.read OR article_status.flagged != story.flagged)",
    )?
    .execute([url])?;
    conn.prepare_cached(
        "UPDATE articles SET bookmarked = 1, bookmarked_at = kept.at,
            note = coalesce(articles.note, kept.kept_note)
         FROM (SELECT a.bookmarked_at AS at, a.note AS kept_note
               FROM canonical_urls c JOIN articles a ON a.id = c.article_id
               WHERE c.url = ?1 AND a.bookmarked = 1 ORDER BY a.id LIMIT 1) AS kept
         WHERE articles.bookmarked = 0
           AND articles.id IN (SELECT article_id FROM canonical_urls WHERE url = ?1)",
    )?
    .execute([url])?;
    Ok(())
}

/// Every copy of the story `article_id` belongs to (itself included): what reading or
/// bookmarking it acts on. [`StoreError::NotFound`] when there is no such article.
pub(crate) fn story_copies_in(conn: &Connection, article_id: i64) -> Result<Vec<i64>> {
    let shown: Option<i64> = conn
        .query_row(
            "SELECT coalesce(duplicate_of, article_id) FROM article_status WHERE article_id = ?1",
            [article_id],
            |r| r.get(0),
        )
        .optional()?;
    let Some(shown) = shown else {
        return Err(StoreError::NotFound {
            what: "article",
            id: article_id,
        });
    };
    let mut stmt = conn.prepare_cached(
        "SELECT article_id FROM article_status WHERE article_id = ?1
         UNION ALL SELECT article_id FROM article_status WHERE duplicate_of = ?1",
    )?;
    let ids = stmt.query_map([shown], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// After a whole list was marked read: the other copies of every story read in it are read
/// too, and a copy that is an account's item is queued for its server. Walks only the copies:
/// `+read` keeps SQLite from walking every unread story by the `read` index instead.
pub(crate) fn spread_read_in(tx: &Transaction<'_>) -> Result<()> {
    // Twice: a read copy reads its shown story, which then reads the other copies.
    for _ in 0..2 {
        let unread_copies: Vec<i64> = tx
            .prepare_cached(
                "SELECT article_id FROM article_status WHERE +read = 0 AND article_id IN (
                    SELECT duplicate_of FROM article_status
                    WHERE duplicate_of IS NOT NULL AND +read = 1)
                 UNION
                 SELECT copy.article_id FROM article_status copy
                 JOIN article_status shown ON shown.article_id = copy.duplicate_of
                 WHERE copy.duplicate_of IS NOT NULL AND +copy.read = 0 AND +shown.read = 1",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut mark =
            tx.prepare_cached("UPDATE article_status SET read = 1 WHERE article_id = ?1")?;
        for id in unread_copies {
            enqueue_item_change_in(tx, id, ItemChange::Read)?;
            mark.execute([id])?;
        }
    }
    Ok(())
}

/// Rows of [`StoryRow::also_in`] looked up at once (well under SQLite's limit of bound
/// parameters).
const COPIES_PER_QUERY: usize = 500;

impl Library {
    /// Fills each shown row's `also_in`: the other subscribed feeds that carry a copy of it.
    pub(crate) fn fill_also_in(&self, stories: &mut [StoryRow]) -> Result<()> {
        let shown: Vec<i64> = stories
            .iter()
            .filter(|s| s.duplicate_of.is_none())
            .map(|s| s.id)
            .collect();
        // Most libraries hold no copy at all: one probe of the copies' index says so.
        let any_copies: bool = self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM article_status WHERE duplicate_of IS NOT NULL)",
            )?
            .query_row([], |r| r.get(0))?;
        if shown.is_empty() || !any_copies {
            return Ok(());
        }
        let mut copies: HashMap<i64, Vec<(i64, String)>> = HashMap::new();
        for chunk in shown.chunks(COPIES_PER_QUERY) {
            let marks = vec!["?"; chunk.len()].join(",");
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT s.duplicate_of, f.id, coalesce(f.custom_title, nullif(f.title, ''), f.url)
                 FROM article_status s JOIN feeds f ON f.id = s.feed_id
                 WHERE s.duplicate_of IN ({marks}) AND f.status != 'unsubscribed'
                 ORDER BY s.article_id"
            ))?;
            let rows = stmt.query_map(rusqlite::params_from_iter(chunk), |r| {
                Ok((r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?)))
            })?;
            for row in rows {
                let (shown, feed) = row?;
                copies.entry(shown).or_default().push(feed);
            }
        }
        for story in stories.iter_mut() {
            for (feed_id, title) in copies.remove(&story.id).unwrap_or_default() {
                if feed_id != story.feed_id && !story.also_in.contains(&title) {
                    story.also_in.push(title);
                }
            }
        }
        Ok(())
    }
}
