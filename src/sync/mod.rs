//! Sync: the one orchestrator, in stages the way Miniflux splits its processor. Each stage is a
//! module of its own, with the per-item work beside the loop that runs it:
//! - `sync/feeds.rs`: every due feed fetched concurrently, parsed, its items made ready
//!   for storing and stored in batches of feeds (one transaction each, every feed in it whole,
//!   so a crash loses nothing committed and leaves no feed half written).
//! - `sync/pages.rs`: new stories' pages fetched and extracted.
//! - `sync/images.rs`: the images stored HTML names, downloaded into the library (and
//!   [`offline_html`], how stored HTML names them).
//!
//! Mute and keep rules meet the library in [`rules`](self::rules): each new item's verdict,
//! and [`preview_rule`], what a rule would have caught.
//!
//! This module holds what a sync is: its options, its progress events, its report, and
//! [`sync_library`], which composes the stages. One broken feed never stops the others: each
//! gets its own outcome in the [`SyncReport`] with a [`FailureKind`], and the library keeps its
//! error and backoff. Only a library error (disk full, I/O) stops a sync.
//!
//! Blocking work (SQLite, parsing, extraction) runs on tokio's blocking pool, never on the
//! threads that drive the network.

pub mod accounts;
mod failure;
mod feeds;
pub(crate) mod images;
pub(crate) mod pages;
mod reading_size;
mod rules;
pub mod subscribe;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;

use crate::feeds::fetch::{FetchError, Fetcher};
use crate::store::{self, Library, OpenOptions, StoreError};

pub use failure::FailureKind;
pub use images::offline_html;
pub use reading_size::{fit_stored_images, FitReport};
pub use rules::{preview_rule, RulePreview, PREVIEW_CHECKS, PREVIEW_DAYS, PREVIEW_LISTED};

/// How a sync runs.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Skip fetching story pages (for comparing with feed-only readers).
    pub feeds_only: bool,
    /// Feeds fetched at once (the fetcher also limits per host).
    pub concurrency: usize,
    /// Fetch feeds even while they back off after failures.
    pub ignore_backoff: bool,
    /// Largest story page accepted.
    pub max_page_bytes: usize,
    /// A feed item whose own content has at least this many words is taken as the full story,
    /// and its page is not fetched.
    pub full_text_words: usize,
    /// How the sync opens its own handle on the library.
    pub library: OpenOptions,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            feeds_only: false,
            concurrency: 32,
            ignore_backoff: false,
            max_page_bytes: 5 * 1024 * 1024,
            full_text_words: 300,
            library: OpenOptions::default(),
        }
    }
}

/// What happened to one feed. Serialized with its variant in `kind` (`"updated"`,
/// `"not-modified"`, `"failed"`); a failure's [`FailureKind`] is in `failure`:
/// `{"kind": "failed", "error": "could not connect to …", "failure": "offline"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FeedOutcome {
    Updated {
        /// New stories, unread.
        new: usize,
        updated: usize,
        /// New stories a mute rule marked read.
        muted: usize,
        /// Copies of stories the library already had (see [`SyncReport::folded_articles`]).
        folded: usize,
        /// Stories a keep rule flagged.
        flagged: usize,
        problems: usize,
    },
    NotModified,
    Failed {
        /// For people: what went wrong, naming the URL.
        error: String,
        /// For programs: what kind of failure it was.
        #[serde(rename = "failure")]
        kind: FailureKind,
    },
}

/// Progress, for a terminal bar or the app's status line. Serialized with its variant in
/// `event` (kebab-case) beside the variant's fields:
/// `{"event": "feed-done", "done", "total", "feed_id", "title", "outcome": FeedOutcome}`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum SyncEvent {
    FeedsStarted {
        total: usize,
    },
    FeedDone {
        done: usize,
        total: usize,
        feed_id: i64,
        title: String,
        outcome: FeedOutcome,
    },
    PagesStarted {
        total: usize,
    },
    PageDone {
        done: usize,
        total: usize,
        article_id: i64,
        ok: bool,
    },
    ImagesStarted {
        total: usize,
    },
    ImageDone {
        done: usize,
        total: usize,
    },
    /// A batch of an account's new items stored.
    AccountProgress {
        account_id: i64,
        name: String,
        done: usize,
        total: usize,
    },
    /// An account's turn ended (`error` says why when it did not go through).
    AccountDone {
        account_id: i64,
        name: String,
        status: store::AccountStatus,
        error: Option<String>,
    },
}

/// A failed feed, for the summary: `{"feed_id", "title", "url", "error", "kind"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedFailure {
    pub feed_id: i64,
    pub title: String,
    pub url: String,
    /// For people: what went wrong, naming the URL.
    pub error: String,
    /// For programs: what kind of failure it was (serialized as a word, see [`FailureKind`]).
    pub kind: FailureKind,
}

/// The summary of a sync.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    pub feeds_total: usize,
    pub feeds_ok: usize,
    pub feeds_not_modified: usize,
    pub feeds_failed: Vec<FeedFailure>,
    /// New stories, unread (not the muted or folded ones).
    pub new_articles: usize,
    pub updated_articles: usize,
    /// New stories a mute rule marked read as they arrived.
    pub muted_articles: usize,
    /// Copies of stories the library already had: the same story from another feed, or from
    /// this feed under a new guid. Stored, never new.
    pub folded_articles: usize,
    /// Stories a keep rule flagged.
    pub flagged_articles: usize,
    pub pages_extracted: usize,
    /// Pages that could not be had or read: their stories keep the feed's teaser.
    pub pages_failed: usize,
    /// Pages that gave far less than the feed's own content, which stays the story.
    pub pages_feed_kept: usize,
    pub images_stored: usize,
    pub images_failed: usize,
    /// Articles deleted by the retention rules (never bookmarked ones).
    pub articles_expired: usize,
    /// No feed could be reached at all (every one attempted, on two servers or more, failed to
    /// connect or timed out): the machine is offline. The failures are in `feeds_failed` but were
    /// not recorded on the feeds (no error, no backoff), and the pages and images stages did not
    /// run (they would only have failed the same way, leaving stories teaser-only).
    pub offline: bool,
    /// Each reader-server account's sync.
    pub accounts: Vec<accounts::AccountReport>,
    /// What keeping the library under its storage budget gave up (nothing without a budget).
    pub budget: crate::store::Eviction,
    pub seconds: f64,
}

/// Why a sync could not run at all (a single feed's failure is never one).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the HTTP client could not start: {0}")]
    Fetch(#[from] FetchError),
    #[error("a sync task failed: {0}")]
    Task(String),
}

/// The library shared by the sync's tasks (and a save's); every use goes through the blocking
/// pool.
#[derive(Clone)]
pub(crate) struct SharedLibrary(Arc<Mutex<Library>>);

impl SharedLibrary {
    /// Opens the library at `path` (on the blocking pool).
    pub(crate) async fn open(
        path: &Path,
        options: OpenOptions,
    ) -> Result<SharedLibrary, SyncError> {
        let path: PathBuf = path.to_path_buf();
        let lib = tokio::task::spawn_blocking(move || Library::open_with(&path, options))
            .await
            .map_err(|e| SyncError::Task(e.to_string()))??;
        Ok(SharedLibrary(Arc::new(Mutex::new(lib))))
    }

    /// Runs `work` on the library, on the blocking pool.
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, SyncError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> store::Result<T> + Send + 'static,
    {
        let lib = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = lib
                .lock()
                .map_err(|_| SyncError::Task("library lock poisoned".into()))?;
            work(&mut guard).map_err(SyncError::from)
        })
        .await
        .map_err(|e| SyncError::Task(e.to_string()))?
    }
}

/// Where a sync's progress events go (called from the sync's tasks).
type Progress<'a> = &'a (dyn Fn(SyncEvent) + Send + Sync);

/// One sync under way: what every stage works with.
struct SyncRun<'a> {
    lib: SharedLibrary,
    fetcher: &'a Fetcher,
    options: &'a SyncOptions,
    progress: Progress<'a>,
}

/// Syncs every due feed of the library at `path`, then every reader-server account, then (unless
/// `feeds_only`) the pages of the stories still waiting for extraction and the images stored
/// stories name; then applies retention and the storage budget. `progress` is called from the
/// sync's tasks.
pub async fn sync_library(
    path: &Path,
    fetcher: &Fetcher,
    options: &SyncOptions,
    progress: &(dyn Fn(SyncEvent) + Send + Sync),
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let run = SyncRun {
        lib: SharedLibrary::open(path, options.library).await?,
        fetcher,
        options,
        progress,
    };
    let mut report = SyncReport::default();
    feeds::run(&run, &mut report).await?;
    report.accounts =
        accounts::sync_accounts(&run.lib, run.fetcher, run.options, run.progress).await?;
    if !options.feeds_only && !report.offline {
        pages::run(&run, &mut report).await?;
        images::run(&run, &mut report).await?;
    }
    report.articles_expired = run.lib.run(|l| l.apply_retention()).await?;
    report.budget = run.lib.run(|l| l.enforce_budget()).await?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}
