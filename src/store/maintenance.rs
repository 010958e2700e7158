//! Keeping the library tidy without losing anything the user kept: unsubscribing, retention,
//! compaction and backups. No path here deletes a bookmarked article (and the schema's trigger
//! would refuse it if one tried).

use std::path::Path;

use rusqlite::params;

use super::accounts::{enqueue_feed_change_in, FeedChange};
use super::{now, Library, Result, StoreError};

/// Pages copied back per step of a vacuum (4 MB of 4 KB pages): progress every few
/// milliseconds.
const COPY_PAGES_PER_STEP: std::os::raw::c_int = 1024;

/// How many times a vacuum starts again when other handles keep writing while it copies.
pub const VACUUM_ATTEMPTS: u32 = 3;

/// Tells whether another connection committed to the library since it started (SQLite's
/// `data_version`, on a connection of its own that never writes).
struct ChangeWatch {
    conn: rusqlite::Connection,
    version: i64,
}

impl ChangeWatch {
    fn start(path: &Path) -> Result<ChangeWatch> {
        let conn = rusqlite::Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let version = Self::version(&conn)?;
        Ok(ChangeWatch { conn, version })
    }

    fn changed(&self) -> Result<bool> {
        Ok(Self::version(&self.conn)? != self.version)
    }

    fn version(conn: &rusqlite::Connection) -> Result<i64> {
        Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }
}

/// How long articles are kept; `None` keeps them forever. Bookmarks are always kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Retention {
    pub read_days: Option<i64>,
    pub unread_days: Option<i64>,
}

const READ_DAYS: &str = "retention.read_days";
const UNREAD_DAYS: &str = "retention.unread_days";

impl Library {
    /// Renames a feed (`None` goes back to the feed's own title). An account's feed is renamed
    /// on its server too, at the next sync.
    pub fn rename_feed(&mut self, id: i64, title: Option<&str>) -> Result<()> {
        let title = title.map(str::trim).filter(|t| !t.is_empty());
        let tx = self.conn.transaction()?;
        if let Some(title) = title {
            enqueue_feed_change_in(&tx, id, FeedChange::Rename(title))?;
        }
        let n = tx.execute(
            "UPDATE feeds SET custom_title = ?2 WHERE id = ?1",
            params![id, title],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound { what: "feed", id });
        }
        tx.commit()?;
        Ok(())
    }

    /// Moves a feed into a folder (created if missing), or out of any folder with `None`. An
    /// account's feed moves on its server too, at the next sync.
    pub fn move_feed(&mut self, id: i64, folder: Option<&str>) -> Result<()> {
        let tx = self.conn.transaction()?;
        let folder = folder.map(str::trim).filter(|f| !f.is_empty());
        enqueue_feed_change_in(&tx, id, FeedChange::Move { to: folder })?;
        let folder_id: Option<i64> = match folder {
            Some(name) => Some(super::feeds::folder_id_in(&tx, name)?),
            None => None,
        };
        let n = tx.execute(
            "UPDATE feeds SET folder_id = ?2 WHERE id = ?1",
            params![id, folder_id],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound { what: "feed", id });
        }
        tx.commit()?;
        Ok(())
    }

    /// Unsubscribes: the feed's articles go, except bookmarked ones, which stay readable
    /// (the feed is then kept, hidden, as their source). Returns how many articles were kept.
    /// An account's feed is unsubscribed on its server too, at the next sync. A story another
    /// feed also has stays there (that feed's copy is then the one shown).
    pub fn unsubscribe(&mut self, id: i64) -> Result<usize> {
        let tx = self.conn.transaction()?;
        enqueue_feed_change_in(&tx, id, FeedChange::Unsubscribe)?;
        let kept = unsubscribe_in(&tx, id)?;
        tx.commit()?;
        self.collect_unused_images()?;
        Ok(kept)
    }

    /// The retention rules in force.
    pub fn retention(&self) -> Result<Retention> {
        let days = |key| -> Result<Option<i64>> {
            Ok(self
                .setting(key)?
                .and_then(|v| v.parse::<i64>().ok())
                .filter(|d| *d > 0))
        };
        Ok(Retention {
            read_days: days(READ_DAYS)?,
            unread_days: days(UNREAD_DAYS)?,
        })
    }

    /// Sets the retention rules.
    pub fn set_retention(&mut self, retention: Retention) -> Result<()> {
        for (key, value) in [
            (READ_DAYS, retention.read_days),
            (UNREAD_DAYS, retention.unread_days),
        ] {
            match value {
                Some(days) if days > 0 => self.set_setting(key, &days.to_string())?,
                _ => self.clear_setting(key)?,
            }
        }
        Ok(())
    }

    /// Deletes articles past the retention rules (never bookmarked ones), leaving tombstones so
    /// a later sync does not bring them back. A feed's own keep time
    /// ([`super::FeedSettings::keep_days`]) replaces the library's for its read articles.
    /// Returns how many were deleted.
    pub fn apply_retention(&mut self) -> Result<usize> {
        let rules = self.retention()?;
        let per_feed: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM feeds WHERE keep_days IS NOT NULL)",
            [],
            |r| r.get(0),
        )?;
        let at = now();
        let tx = self.conn.transaction()?;
        let mut deleted = 0;
        // Each rule: read state, and the days an article of feed `feed_id` is kept (NULL: ever).
        let read_days = "coalesce((SELECT keep_days FROM feeds WHERE id = feed_id), ?3)";
        let mut expiring = Vec::new();
        if rules.read_days.is_some() || per_feed {
            expiring.push((1, read_days, rules.read_days));
        }
        if rules.unread_days.is_some() {
            expiring.push((0, "?3", rules.unread_days));
        }
        for (read, days, library_days) in expiring {
            let expired = format!(
                "bookmarked = 0 AND fetched_at < ?2 - {days} * 86400
                   AND (SELECT read FROM article_status WHERE article_id = id) = ?1"
            );
            tx.execute(
                &format!(
                    "INSERT OR IGNORE INTO tombstones(feed_id, item_key, deleted_at)
                     SELECT feed_id, item_key, ?2 FROM articles WHERE {expired}"
                ),
                params![read, at, library_days],
            )?;
            deleted += tx.execute(
                &format!("DELETE FROM articles WHERE {expired}"),
                params![read, at, library_days],
            )?;
        }
        tx.commit()?;
        if deleted > 0 {
            self.collect_unused_images()?;
        }
        Ok(deleted)
    }

    /// Compacts the file and the search index: a compacted copy is written beside the library
    /// (`VACUUM INTO`), then copied over the library's pages in one write transaction
    /// (SQLite's backup API), so a kill leaves the library as it was or compacted. Another
    /// handle (the app, a sync) may write while the copy is made: the copy is then stale, is
    /// not copied back (it would undo those writes), and the compaction starts again, up to
    /// [`VACUUM_ATTEMPTS`] times ([`StoreError::ChangedDuringVacuum`] after that). `progress`
    /// hears (done, total) in bytes: the copy as it grows, then the pages copied back.
    pub fn vacuum(&mut self, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        self.conn
            .execute_batch("INSERT INTO articles_fts(articles_fts) VALUES ('optimize');")?;
        let copy = self.path.with_extension("sqlite-vacuum");
        let used = self.used_bytes()?;
        let total = used * 2;
        let mut attempt = 1;
        loop {
            // A copy a killed vacuum left behind: ours, by its name, and never the library.
            let _ = std::fs::remove_file(&copy);
            // Commits by other handles from here on make the copy stale.
            let watch = ChangeWatch::start(&self.path)?;
            self.compacted_copy(&copy, &mut |written| progress(written.min(used), total))?;
            let result = self.copy_back(&copy, &watch, &mut |done| {
                progress(used + done.min(used), total)
            });
            let _ = std::fs::remove_file(&copy);
            match result {
                Err(StoreError::ChangedDuringVacuum) if attempt < VACUUM_ATTEMPTS => attempt += 1,
                result => break result?,
            }
        }
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        progress(total, total);
        Ok(())
    }

    /// Copies the compacted file at `copy` over the library's pages, in one transaction, unless
    /// another handle committed since `watch` started (the copy would undo that).
    fn copy_back(
        &mut self,
        copy: &Path,
        watch: &ChangeWatch,
        progress: &mut dyn FnMut(u64),
    ) -> Result<()> {
        use rusqlite::backup::{Backup, StepResult};
        let source = rusqlite::Connection::open_with_flags(
            copy,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let page_size = self.page_size()?;
        let backup = Backup::new(&source, &mut self.conn)?;
        // A step of no pages takes the library's write lock: from here on nobody else commits,
        // so this is the last moment a write could have slipped in.
        let mut pages = 0;
        loop {
            let step = backup.step(pages)?;
            if pages == 0 && matches!(step, StepResult::More | StepResult::Done) {
                if watch.changed()? {
                    // Dropping the backup rolls its transaction back: nothing was copied.
                    return Err(StoreError::ChangedDuringVacuum);
                }
                pages = COPY_PAGES_PER_STEP;
                continue;
            }
            let at = backup.progress();
            progress((at.pagecount - at.remaining).max(0) as u64 * page_size);
            match step {
                StepResult::Done => return Ok(()),
                StepResult::More => {}
                // Another connection holds a lock: wait as the store's busy timeout would.
                _ => std::thread::sleep(std::time::Duration::from_millis(50)),
            }
        }
    }

    /// Writes a compacted, consistent copy of the library to `dest` (`VACUUM INTO` on a
    /// connection of its own, in a thread), telling `progress` how many bytes it has written.
    fn compacted_copy(&self, dest: &Path, progress: &mut dyn FnMut(u64)) -> Result<()> {
        let source = self.path.clone();
        let dest_text = dest.to_string_lossy().to_string();
        let worker = std::thread::spawn(move || -> Result<()> {
            let conn = rusqlite::Connection::open_with_flags(
                &source,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            super::body::register_functions(&conn)?;
            conn.execute("VACUUM INTO ?1", [dest_text])?;
            Ok(())
        });
        while !worker.is_finished() {
            progress(std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0));
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        worker.join().map_err(|_| StoreError::CopyStopped)??;
        progress(std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0));
        Ok(())
    }

    /// Writes a consistent, compacted copy of the library to `dest` while it stays in use (the
    /// app may be running), telling `progress` (done, total) in bytes. Refuses to overwrite an
    /// existing file.
    pub fn backup(&self, dest: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        if dest.exists() {
            return Err(StoreError::BackupExists {
                path: dest.to_path_buf(),
            });
        }
        let used = self.used_bytes()?;
        self.compacted_copy(dest, &mut |written| progress(written.min(used), used))?;
        progress(used, used);
        Ok(())
    }
}

/// Unsubscribes inside the caller's transaction (see [`Library::unsubscribe`]); queues nothing
/// for a server. Returns how many (bookmarked) articles were kept.
pub(crate) fn unsubscribe_in(tx: &rusqlite::Transaction<'_>, id: i64) -> Result<usize> {
    let exists: i64 = tx.query_row("SELECT count(*) FROM feeds WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    if exists == 0 {
        return Err(StoreError::NotFound { what: "feed", id });
    }
    tx.execute(
        "DELETE FROM articles WHERE feed_id = ?1 AND bookmarked = 0",
        [id],
    )?;
    tx.execute("DELETE FROM tombstones WHERE feed_id = ?1", [id])?;
    let kept: i64 = tx.query_row(
        "SELECT count(*) FROM articles WHERE feed_id = ?1",
        [id],
        |r| r.get(0),
    )?;
    if kept == 0 {
        tx.execute("DELETE FROM feeds WHERE id = ?1", [id])?;
    } else {
        tx.execute(
            "UPDATE feeds SET status = 'unsubscribed', etag = NULL, last_modified = NULL WHERE id = ?1",
            [id],
        )?;
        // A kept story another feed also has is shown as that feed's copy now.
        let kept_urls: Vec<String> = tx
            .prepare(
                "SELECT DISTINCT c.url FROM canonical_urls c JOIN articles a ON a.id = c.article_id
                 WHERE a.feed_id = ?1",
            )?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for url in &kept_urls {
            super::duplicates::choose_shown_in(tx, url)?;
        }
    }
    tx.execute(
        "DELETE FROM folders WHERE id NOT IN (SELECT folder_id FROM feeds WHERE folder_id IS NOT NULL)",
        [],
    )?;
    Ok(kept as usize)
}
