//! What takes the space in the library file, and the budget that keeps it under a size the
//! person chose. Over budget, the library gives up what can be had again or was only kept for
//! comparison, in this order: the images of read stories nobody protects (oldest stories
//! first), then old revisions. Never a story's text, never a bookmarked or otherwise protected
//! story's images or revisions.

use rusqlite::params;
use serde::Serialize;

use super::images::insert_blob;
use super::{Library, Result};

/// A stored image's bytes, as a pass over them reads them.
#[derive(Debug, Clone)]
pub struct StoredImage {
    /// Its row: where the pass goes on from.
    pub row: i64,
    /// The content hash its images name it by.
    pub hash: String,
    pub bytes: Vec<u8>,
}

/// The stories the budget never takes anything from: bookmarked, highlighted, and the pages of
/// the Saved source. One place: a new kind of protection is one more `UNION` of story ids here.
pub(crate) const PROTECTED_STORIES: &str = "SELECT id FROM articles WHERE bookmarked = 1
    UNION SELECT article_id FROM highlights
    UNION SELECT a.id FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE f.status = 'saved'";

/// The setting that holds the budget in bytes.
const BUDGET: &str = "storage.budget_bytes";

/// The setting that keeps large images at reading size ("1"; absent: originals).
const READING_SIZE: &str = "storage.images_at_reading_size";

/// Rows given up per transaction while bringing the library under its budget.
const EVICT_BATCH: i64 = 200;

/// What takes the space in the library file, in bytes (whole pages; they sum to `file`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StorageReport {
    /// The stories: their texts (compressed) and what each row holds.
    pub text: u64,
    /// Downloaded images and the records of which story uses which.
    pub images: u64,
    /// The full-text search index.
    pub search_index: u64,
    /// Earlier versions of stories.
    pub revisions: u64,
    /// Everything else: subscriptions, reading state, the lists' indexes, settings.
    pub other: u64,
    /// Free pages inside the file: reused by later syncs, given back to the disk by a vacuum.
    pub free: u64,
    /// The file's size (what the pages above add up to).
    pub file: u64,
    /// The budget, if the person set one: the size the library keeps its contents under.
    pub budget: Option<u64>,
    /// Whether large images are kept at reading size (see [`Library::images_at_reading_size`]).
    pub images_at_reading_size: bool,
}

impl StorageReport {
    /// The bytes the library's contents take: the file less its free pages (what the budget
    /// counts: free pages are reused before the file grows).
    pub fn used(&self) -> u64 {
        self.file.saturating_sub(self.free)
    }
}

/// What [`Library::enforce_budget`] gave up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Eviction {
    /// Images dropped (stories show their placeholder).
    pub images: u64,
    /// Revisions deleted.
    pub revisions: u64,
    /// The bytes the contents take now.
    pub used: u64,
    /// Whether they are within the budget now (not when only protected things are left).
    pub within_budget: bool,
}

impl Library {
    /// What takes the space in the library file. Reads every page's header (SQLite's `dbstat`):
    /// about a second per gigabyte on a cold disk.
    pub fn storage_report(&self) -> Result<StorageReport> {
        let mut report = StorageReport {
            budget: self.storage_budget()?,
            images_at_reading_size: self.images_at_reading_size()?,
            ..StorageReport::default()
        };
        let mut stmt = self.conn.prepare(
            "SELECT coalesce(s.tbl_name, d.name), d.name, sum(d.pgsize)
             FROM dbstat d LEFT JOIN sqlite_schema s ON s.name = d.name
             GROUP BY d.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        for row in rows {
            let (table, name, bytes) = row?;
            let bytes = bytes.max(0) as u64;
            let slot = match table.as_str() {
                // The table itself; its indexes serve the lists.
                "articles" if name == "articles" => &mut report.text,
                "image_blobs" | "images" | "article_images" => &mut report.images,
                "article_revisions" => &mut report.revisions,
                t if t.starts_with("articles_fts") => &mut report.search_index,
                _ => continue,
            };
            *slot += bytes;
        }
        let (pages, free, page_size) = self.page_counts()?;
        report.free = free * page_size;
        report.file = pages * page_size;
        // Everything else, and the pages no table owns (the lock-byte page of a file past 1 GB).
        report.other = report.file.saturating_sub(
            report.text + report.images + report.search_index + report.revisions + report.free,
        );
        Ok(report)
    }

    /// The file's page size in bytes.
    pub(crate) fn page_size(&self) -> Result<u64> {
        Ok(self.page_counts()?.2)
    }

    /// Pages in the file, free pages, and the page size.
    fn page_counts(&self) -> Result<(u64, u64, u64)> {
        Ok(self.conn.query_row(
            "SELECT * FROM pragma_page_count, pragma_freelist_count, pragma_page_size",
            [],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?.max(0) as u64,
                    r.get::<_, i64>(1)?.max(0) as u64,
                    r.get::<_, i64>(2)?.max(0) as u64,
                ))
            },
        )?)
    }

    /// The bytes the library's contents take (the file less its free pages); cheap.
    pub(crate) fn used_bytes(&self) -> Result<u64> {
        let (pages, free, page_size) = self.page_counts()?;
        Ok(pages.saturating_sub(free) * page_size)
    }

    /// The budget in bytes, if one is set.
    pub fn storage_budget(&self) -> Result<Option<u64>> {
        Ok(self
            .setting(BUDGET)?
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|b| *b > 0))
    }

    /// Sets the budget (`None` or 0: no budget).
    pub fn set_storage_budget(&mut self, bytes: Option<u64>) -> Result<()> {
        match bytes.filter(|b| *b > 0) {
            Some(b) => self.set_setting(BUDGET, &b.to_string()),
            None => self.clear_setting(BUDGET),
        }
    }

    /// Whether large images are kept at reading size: shrunk as they are downloaded (and, when
    /// the person turns it on, the stored ones; `sync::fit_stored_images`). Off by default: the
    /// originals are kept.
    pub fn images_at_reading_size(&self) -> Result<bool> {
        Ok(self.setting(READING_SIZE)?.as_deref() == Some("1"))
    }

    /// Turns keeping large images at reading size on or off. Off keeps the images downloaded
    /// from then on as they are; those already shrunk stay so.
    pub fn set_images_at_reading_size(&mut self, on: bool) -> Result<()> {
        if on {
            self.set_setting(READING_SIZE, "1")
        } else {
            self.clear_setting(READING_SIZE)
        }
    }

    /// The last stored image's row and how many images of at least `min_bytes` are stored up to
    /// it: where a pass over them stops, and its total.
    pub fn stored_images_extent(&self, min_bytes: u64) -> Result<(i64, u64)> {
        Ok(self.conn.query_row(
            "SELECT coalesce(max(rowid), 0), count(*) FILTER (WHERE size >= ?1) FROM image_blobs",
            [min_bytes as i64],
            |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)),
        )?)
    }

    /// Up to `limit` stored images of at least `min_bytes`, after row `after` and up to row
    /// `last`, in row order: a page of a pass over them.
    pub fn stored_images_page(
        &self,
        after: i64,
        last: i64,
        min_bytes: u64,
        limit: i64,
    ) -> Result<Vec<StoredImage>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT rowid, hash, data FROM image_blobs
             WHERE rowid > ?1 AND rowid <= ?2 AND size >= ?3 ORDER BY rowid LIMIT ?4",
        )?;
        let rows = stmt.query_map(params![after, last, min_bytes as i64, limit], |r| {
            Ok(StoredImage {
                row: r.get(0)?,
                hash: r.get(1)?,
                bytes: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Stores `bytes` (of type `mime`) in place of the stored image `old_hash`: every image
    /// that named the old bytes names the new ones, and the old bytes go. One transaction.
    pub fn replace_stored_image(&mut self, old_hash: &str, mime: &str, bytes: &[u8]) -> Result<()> {
        let tx = self.conn.transaction()?;
        let hash = insert_blob(&tx, mime, bytes)?;
        tx.execute(
            "UPDATE images SET hash = ?2 WHERE hash = ?1",
            params![old_hash, hash],
        )?;
        if hash != old_hash {
            tx.execute("DELETE FROM image_blobs WHERE hash = ?1", [old_hash])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Brings the library's contents under its budget, if one is set and exceeded: the images
    /// of read, unprotected stories go first (oldest stories first), then revisions of
    /// unprotected stories (oldest first). Texts and protected stories are never touched.
    /// Each batch is its own transaction, so a kill loses nothing but the batch in flight.
    pub fn enforce_budget(&mut self) -> Result<Eviction> {
        let mut eviction = Eviction {
            used: self.used_bytes()?,
            within_budget: true,
            ..Eviction::default()
        };
        let Some(budget) = self.storage_budget()? else {
            return Ok(eviction);
        };
        // Images first, then revisions: each kind until within budget or none is left.
        for images in [true, false] {
            while eviction.used > budget {
                let need = eviction.used - budget;
                let given_up = if images {
                    self.drop_oldest_images(need)?
                } else {
                    self.delete_oldest_revisions(need)?
                };
                if given_up == 0 {
                    break;
                }
                *if images {
                    &mut eviction.images
                } else {
                    &mut eviction.revisions
                } += given_up;
                eviction.used = self.used_bytes()?;
            }
        }
        eviction.within_budget = eviction.used <= budget;
        Ok(eviction)
    }

    /// Drops images (a batch, about `bytes` of them) whose every story is read and
    /// unprotected, those of the oldest stories first; feed icons stay. The image stays known
    /// as `evicted` (its stories show the placeholder and it is not fetched again); its bytes
    /// go once no image names them.
    fn drop_oldest_images(&mut self, bytes: u64) -> Result<u64> {
        let tx = self.conn.transaction()?;
        let keys = take_about(
            &tx,
            &format!(
                "SELECT i.key, b.size FROM images i
                 JOIN image_blobs b ON b.hash = i.hash
                 JOIN article_images ai ON ai.key = i.key
                 JOIN article_status s ON s.article_id = ai.article_id
                 WHERE i.status = 'ok'
                   AND i.key NOT IN (SELECT icon_key FROM feeds WHERE icon_key IS NOT NULL)
                 GROUP BY i.key
                 HAVING min(s.read) = 1 AND sum(ai.article_id IN ({PROTECTED_STORIES})) = 0
                 ORDER BY max(s.sort_at), i.key
                 LIMIT {EVICT_BATCH}"
            ),
            bytes,
        )?;
        let mut evict = tx.prepare(
            "UPDATE images SET status = 'evicted', hash = NULL, fetched_at = ?2 WHERE key = ?1",
        )?;
        for key in &keys {
            evict.execute(params![key, super::now()])?;
        }
        drop(evict);
        tx.execute(
            "DELETE FROM image_blobs WHERE hash NOT IN (SELECT hash FROM images WHERE hash IS NOT NULL)",
            [],
        )?;
        tx.commit()?;
        Ok(keys.len() as u64)
    }

    /// Deletes the oldest revisions (a batch, about `bytes` of them) of unprotected stories.
    fn delete_oldest_revisions(&mut self, bytes: u64) -> Result<u64> {
        let tx = self.conn.transaction()?;
        let ids = take_about(
            &tx,
            &format!(
                "SELECT id, length(body) + length(title) FROM article_revisions
                 WHERE article_id NOT IN ({PROTECTED_STORIES})
                 ORDER BY seen_at, id LIMIT {EVICT_BATCH}"
            ),
            bytes,
        )?;
        let mut delete = tx.prepare("DELETE FROM article_revisions WHERE id = ?1")?;
        for id in &ids {
            delete.execute([id])?;
        }
        drop(delete);
        tx.commit()?;
        Ok(ids.len() as u64)
    }
}

/// The first rows of `sql` (each a key and its size in bytes, in the order to give them up)
/// until their sizes add up to `bytes`.
fn take_about(
    tx: &rusqlite::Transaction<'_>,
    sql: &str,
    bytes: u64,
) -> Result<Vec<rusqlite::types::Value>> {
    let mut stmt = tx.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut taken = Vec::new();
    let mut sum: u64 = 0;
    while sum < bytes {
        let Some(row) = rows.next()? else { break };
        taken.push(row.get(0)?);
        sum += row.get::<_, Option<i64>>(1)?.unwrap_or(0).max(1) as u64;
    }
    Ok(taken)
}
