//! The library file: the only module that knows SQL.
//!
//! Owns the schema and its migrations ([`schema`]), the pragmas every connection gets, and every
//! query. Callers get models ([`Feed`], [`StoryRow`], [`LibrarySummary`] …), never a
//! `Connection` or a `Row`. Every write runs in a transaction; a library file that is not ours,
//! is unreadable, or was written by a newer Tidings is refused with a clear error and never
//! modified.

pub mod schema;

mod accounts;
mod articles;
mod body;
mod duplicates;
mod feed_settings;
mod feeds;
mod highlights;
mod images;
mod ingest;
mod maintenance;
mod rank;
mod reader;
mod rules;
mod saved;
mod search;
mod storage;
mod tags;
mod ui_settings;
mod upgrade;

// The API callers use, by name: models in and out, never a `Connection` or a `Row`.
pub use accounts::{
    Account, AccountIngest, AccountItem, AccountStatus, AccountSyncResult, MarkAllScope,
    NewAccount, OutboxChange, OutboxEntry, RemoteFeed, RemovedAccount, StateChanges,
    SubscriptionChanges,
};
pub use articles::{Article, ArticleFilter, Extraction, Revision, StoryRow, TEASER_CHARS};
pub use body::{register_functions, BodyError};
pub use feed_settings::{FeedSettings, UserAgent};
pub use feeds::{Feed, NewFeed};
pub use highlights::{Highlight, HighlightColor, HighlightMark, Selection, SelectionError};
pub use images::PendingImage;
pub use ingest::{
    item_key, FeedFetch, FeedToSync, FeedUpdate, IncomingArticle, IngestCounts, PageResult,
    PendingPage,
};
pub use maintenance::Retention;
pub use reader::{SmartCounts, Sources, StoryCursor, StoryList, StoryPage};
pub use saved::{
    JournalEntry, JournalRow, JournalState, SavedMarks, SavedPage, SavedStory, StoredPage,
    SAVED_SOURCE_URL,
};
pub use search::{SearchHit, SnippetPart};
pub use storage::{Eviction, StorageReport, StoredImage};
pub use tags::{clean_tag, Bookmark, TagCount, MAX_TAG_CHARS};
pub use ui_settings::{UiSetting, UiSettingError, UI_SETTINGS};
pub use upgrade::{UpgradeProgress, UPGRADE_BATCH};

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use serde::Serialize;

/// What can go wrong with the library file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the folder for the library {path}: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the library {path}: {source}")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path} is not a Tidings library (it is not a SQLite database, or belongs to another program)")]
    NotALibrary { path: PathBuf },
    #[error("{path} was written by a newer Tidings (library version {found}, this build knows up to {known}); it was left untouched")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("upgrading the library {path} to version {version} failed: {source}")]
    Migration {
        path: PathBuf,
        version: i64,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path} already exists; a backup never overwrites a file")]
    BackupExists { path: PathBuf },
    #[error("the copy of the library stopped before it was complete")]
    CopyStopped,
    #[error("the library kept changing while it was being compacted (a sync or the app writing); nothing was lost: compact it again when they are done")]
    ChangedDuringVacuum,
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: i64 },
    #[error(transparent)]
    Body(#[from] BodyError),
    #[error("cannot highlight in article {article_id}: {source}")]
    Selection {
        article_id: i64,
        #[source]
        source: SelectionError,
    },
    #[error("article {id} has {count} highlights, so it stays bookmarked; remove them first (tidings highlights --article {id})")]
    KeptByHighlights { id: i64, count: i64 },
    #[error("the account {name} is already in this library")]
    AccountExists { name: String },
    #[error("invalid rule: {0}")]
    InvalidRule(#[from] crate::rules::RuleError),
    #[error("library query failed: {0}")]
    Sql(#[from] rusqlite::Error),
}

/// A result with [`StoreError`].
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Counts shown by the app's frame and `tidings` status lines. `articles` counts every stored
/// copy; `unread` and `bookmarked` count a story in several feeds once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LibrarySummary {
    pub folders: i64,
    pub feeds: i64,
    pub articles: i64,
    pub unread: i64,
    pub bookmarked: i64,
    pub schema_version: i64,
}

/// How a library file is opened. `Default` is how the app and the CLI open it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenOptions {
    /// Caps the file at this many pages (SQLite's `max_page_count`, applied after migrations;
    /// never below the file's current size), so tests can run a sync into a full disk. `None`:
    /// no cap.
    pub max_pages: Option<u32>,
}

/// An open library file.
pub struct Library {
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").field("path", &self.path).finish()
    }
}

/// Seconds since the Unix epoch, the one time unit stored in the library.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl Library {
    /// Opens the library at `path`, creating it (and its folder) if missing, and upgrades an
    /// older file in place.
    pub fn open(path: &Path) -> Result<Library> {
        Library::open_with(path, OpenOptions::default())
    }

    /// [`Library::open`] with `options`.
    pub fn open_with(path: &Path, options: OpenOptions) -> Result<Library> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        })?;
        let mut lib = Library {
            conn,
            path: path.to_path_buf(),
        };
        lib.prepare()?;
        if let Some(pages) = options.max_pages {
            lib.limit_pages(pages)?;
        }
        Ok(lib)
    }

    /// The file this library reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Pragmas (outside any transaction), identity checks, then migrations.
    fn prepare(&mut self) -> Result<()> {
        let path = self.path.clone();
        let not_a_library = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => {
                StoreError::NotALibrary { path: path.clone() }
            }
            _ => StoreError::Open {
                path: path.clone(),
                source: e,
            },
        };
        self.conn
            .busy_timeout(Duration::from_secs(10))
            .map_err(&not_a_library)?;
        body::register_functions(&self.conn).map_err(&not_a_library)?;
        rank::register(&self.conn).map_err(&not_a_library)?;
        // Reading the header first tells "not a database" apart before anything is written.
        let app_id: i32 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(&not_a_library)?;
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(&not_a_library)?;
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .map_err(&not_a_library)?;
        if app_id != schema::APPLICATION_ID && (app_id != 0 || tables > 0) {
            return Err(StoreError::NotALibrary { path });
        }
        let known = schema::current_version();
        if version > known {
            return Err(StoreError::TooNew {
                path,
                found: version,
                known,
            });
        }
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(&not_a_library)?;
        self.conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(&not_a_library)?;
        self.conn
            .pragma_update(None, "foreign_keys", "ON")
            .map_err(&not_a_library)?;
        // `canonical_url(address)` in SQL is `urls::canonical_url` (schema step 8 fills the
        // canonical addresses of stories stored before it with it). Anything but text is NULL.
        self.conn
            .create_scalar_function(
                "canonical_url",
                1,
                FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
                |ctx| {
                    Ok(ctx
                        .get_raw(0)
                        .as_str()
                        .ok()
                        .and_then(crate::urls::canonical_url))
                },
            )
            .map_err(&not_a_library)?;
        self.migrate(version)
    }

    /// Caps the file at `pages` pages (see [`OpenOptions::max_pages`]).
    fn limit_pages(&self, pages: u32) -> Result<()> {
        let _: i64 = self
            .conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                r.get(0)
            })?;
        Ok(())
    }

    fn migrate(&mut self, from: i64) -> Result<()> {
        for (index, step) in schema::MIGRATIONS.iter().enumerate().skip(from as usize) {
            let version = index as i64 + 1;
            let path = self.path.clone();
            let wrap = |source| StoreError::Migration {
                path: path.clone(),
                version,
                source,
            };
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(wrap)?;
            tx.execute_batch(step).map_err(wrap)?;
            tx.pragma_update(None, "application_id", schema::APPLICATION_ID)
                .map_err(wrap)?;
            tx.pragma_update(None, "user_version", version)
                .map_err(wrap)?;
            tx.commit().map_err(wrap)?;
        }
        Ok(())
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check`: `"ok"` for a sound file.
    pub fn integrity_check(&self) -> Result<String> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let lines = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(lines.join("\n"))
    }

    /// The journal mode in force (`"wal"` for every library this build opens).
    pub fn journal_mode(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))?)
    }

    /// Counts for the app's frame and status lines.
    pub fn summary(&self) -> Result<LibrarySummary> {
        let mut s = self.conn.query_row(
            "SELECT
                (SELECT count(*) FROM folders),
                (SELECT count(*) FROM feeds WHERE status != 'unsubscribed'),
                (SELECT coalesce(sum(stories), 0) FROM feed_counts),
                (SELECT coalesce(sum(unread), 0) FROM feed_counts)
                  - (SELECT count(*) FROM article_status
                     WHERE duplicate_of IS NOT NULL AND +read = 0),
                (SELECT count(*) FROM articles a JOIN article_status s ON s.article_id = a.id
                  WHERE a.bookmarked = 1 AND s.duplicate_of IS NULL)",
            [],
            |r| {
                Ok(LibrarySummary {
                    folders: r.get(0)?,
                    feeds: r.get(1)?,
                    articles: r.get(2)?,
                    unread: r.get(3)?,
                    bookmarked: r.get(4)?,
                    schema_version: 0,
                })
            },
        )?;
        s.schema_version = self.schema_version()?;
        Ok(s)
    }

    /// A setting's value, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Sets a setting.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// Removes a setting (its default applies again).
    pub(crate) fn clear_setting(&self, key: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM settings WHERE key = ?1", [key])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_path(name: &str) -> PathBuf {
        crate::scratch::scratch_dir(&format!("store-{name}")).join("library.sqlite")
    }

    #[test]
    fn creates_a_wal_library_with_current_schema() {
        let path = temp_path("create");
        let lib = Library::open(&path).unwrap();
        assert_eq!(lib.journal_mode().unwrap(), "wal");
        assert_eq!(lib.integrity_check().unwrap(), "ok");
        assert_eq!(lib.schema_version().unwrap(), schema::current_version());
        let s = lib.summary().unwrap();
        assert_eq!((s.feeds, s.articles), (0, 0));
    }

    #[test]
    fn refuses_a_file_that_is_not_a_database_and_leaves_it_alone() {
        let path = temp_path("garbage");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let junk = b"this is a text file, not a library\n".repeat(200);
        std::fs::write(&path, &junk).unwrap();
        let err = Library::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::NotALibrary { .. }), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), junk);
    }

    #[test]
    fn refuses_a_newer_library_and_leaves_it_alone() {
        let path = temp_path("newer");
        drop(Library::open(&path).unwrap());
        {
            let c = Connection::open(&path).unwrap();
            c.pragma_update(None, "user_version", 999).unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = Library::open(&path).unwrap_err();
        assert!(
            matches!(err, StoreError::TooNew { found: 999, .. }),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn refuses_another_programs_database() {
        let path = temp_path("other");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE rss_item(id INTEGER);")
                .unwrap();
        }
        let err = Library::open(&path).unwrap_err();
        assert!(matches!(err, StoreError::NotALibrary { .. }), "{err}");
    }

    #[test]
    fn only_the_open_options_cap_the_file() {
        let path = temp_path("cap");
        let size = |lib: &Library| -> (i64, i64) {
            lib.conn
                .query_row(
                    "SELECT * FROM pragma_page_count, pragma_max_page_count",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap()
        };
        let (pages, uncapped) = size(&Library::open(&path).unwrap());
        assert!(uncapped > 1_000_000, "no cap by default: {uncapped}");
        let cap = pages as u32 + 2;
        let mut capped = Library::open_with(
            &path,
            OpenOptions {
                max_pages: Some(cap),
            },
        )
        .unwrap();
        assert_eq!(size(&capped), (pages, i64::from(cap)));
        let many: Vec<NewFeed> = (0..2_000)
            .map(|i| NewFeed {
                url: format!("https://feed{i}.example/rss.xml"),
                ..NewFeed::default()
            })
            .collect();
        let err = capped.add_feeds(&many).unwrap_err();
        assert!(err.to_string().contains("full"), "{err}");
        drop(capped);
        let lib = Library::open(&path).unwrap();
        assert_eq!(lib.summary().unwrap().feeds, 0, "all or nothing");
        assert_eq!(lib.integrity_check().unwrap(), "ok");
    }
}
