//! Offline images: which articles use which images, what is still to download, and the bytes.

use rusqlite::{params, OptionalExtension};

use super::{now, Library, Result};
use crate::images::{content_hash, image_key};

/// An image still to download, with the feed whose origin may be trusted for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingImage {
    pub key: String,
    pub url: String,
    /// A URL on the origin the image may reach on a private address when `feed_trusted_host`
    /// (see [`super::PendingPage::feed_url`]).
    pub feed_url: String,
    pub feed_trusted_host: bool,
}

/// Links an article to the images its stored HTML (and lead image) names; new ones are queued
/// for download. Runs inside the caller's transaction.
pub(crate) fn link_images_in(
    tx: &rusqlite::Transaction<'_>,
    article_id: i64,
    urls: &[String],
) -> Result<()> {
    let mut image = tx.prepare_cached(
        "INSERT INTO images(key, url) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
    )?;
    let mut link =
        tx.prepare_cached("INSERT OR IGNORE INTO article_images(article_id, key) VALUES (?1, ?2)")?;
    for url in urls {
        let key = image_key(url);
        image.execute(params![key, url])?;
        link.execute(params![article_id, key])?;
    }
    Ok(())
}

/// Stores an image's bytes once (de-duplicated by content) and returns the hash images name
/// them by. Runs inside the caller's transaction.
pub(crate) fn insert_blob(
    tx: &rusqlite::Transaction<'_>,
    mime: &str,
    bytes: &[u8],
) -> Result<String> {
    let hash = content_hash(bytes);
    tx.execute(
        "INSERT INTO image_blobs(hash, mime, size, data) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(hash) DO NOTHING",
        params![hash, mime, bytes.len() as i64, bytes],
    )?;
    Ok(hash)
}

impl Library {
    /// Images waiting for a download, oldest first.
    pub fn pending_images(&self, limit: i64) -> Result<Vec<PendingImage>> {
        let mut stmt = self.conn.prepare(
            "SELECT i.key, i.url,
                coalesce((SELECT t.trusted_url FROM article_images ai JOIN articles a ON a.id = ai.article_id
                   JOIN feed_trust t ON t.feed_id = a.feed_id WHERE ai.key = i.key LIMIT 1),
                   (SELECT t.trusted_url FROM feeds f JOIN feed_trust t ON t.feed_id = f.id
                    WHERE f.icon_key = i.key LIMIT 1)),
                max(coalesce((SELECT max(t.trusted) FROM article_images ai
                   JOIN articles a ON a.id = ai.article_id JOIN feed_trust t ON t.feed_id = a.feed_id
                   WHERE ai.key = i.key), 0),
                   coalesce((SELECT max(t.trusted) FROM feeds f JOIN feed_trust t ON t.feed_id = f.id
                    WHERE f.icon_key = i.key), 0))
             FROM images i WHERE i.status = 'pending' ORDER BY i.rowid LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(PendingImage {
                key: r.get(0)?,
                url: r.get(1)?,
                feed_url: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                feed_trusted_host: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Stores a downloaded image (de-duplicated by content), or why it could not be had.
    pub fn store_image(
        &mut self,
        key: &str,
        result: std::result::Result<(&str, &[u8]), &str>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        match result {
            Ok((mime, bytes)) => {
                let hash = insert_blob(&tx, mime, bytes)?;
                tx.execute(
                    "UPDATE images SET status = 'ok', hash = ?2, error = NULL, fetched_at = ?3 WHERE key = ?1",
                    params![key, hash, now()],
                )?;
            }
            Err(error) => {
                tx.execute(
                    "UPDATE images SET status = 'failed', error = ?2, fetched_at = ?3 WHERE key = ?1",
                    params![key, error, now()],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// An image's type and bytes, if it was downloaded.
    pub fn image(&self, key: &str) -> Result<Option<(String, Vec<u8>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT b.mime, b.data FROM images i JOIN image_blobs b ON b.hash = i.hash WHERE i.key = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Deletes images no article uses any more and no feed has as its icon, and bytes no image
    /// names. Returns how many images went.
    pub fn collect_unused_images(&mut self) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let gone = tx.execute(
            "DELETE FROM images WHERE key NOT IN (SELECT key FROM article_images)
               AND key NOT IN (SELECT icon_key FROM feeds WHERE icon_key IS NOT NULL)",
            [],
        )?;
        tx.execute(
            "DELETE FROM image_blobs WHERE hash NOT IN (SELECT hash FROM images WHERE hash IS NOT NULL)",
            [],
        )?;
        tx.commit()?;
        Ok(gone)
    }
}
