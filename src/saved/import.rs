//! Importing a read-later archive: every entry's page fetched, extracted and kept in the Saved
//! source (or the story the library already has bookmarked), with its saved time, read state,
//! tags and note; a page that is gone keeps its title and link (or the archive's own copy,
//! when it has one); a hostile or private address is skipped and reported.
//!
//! Long and resumable. The file is read twice as a stream (never whole): once to check it and
//! count its entries, so a broken file is refused before anything is written; then to import.
//! Each entry's outcome is written to the import journal (keyed by the file's SHA-256 and the
//! entry's position) in the same transaction as what it stored, and an entry whose page is
//! being asked for is marked first: run the import again after a crash or a cancel and it
//! goes on where it stopped, storing no entry twice and fetching again only the pages that
//! were in flight (the report counts them). Pages are fetched a few at a time, within the
//! fetcher's per-host limits, as sync does.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use sha2::{Digest, Sha256};
use url::Url;

use super::formats::{self, Entry, Format, Item, ReadError};
use super::page::{self, Fetched};
use super::{article_page, page_key, unavailable_page, SaveError, SaveOptions, Saver};
use crate::feeds::fetch::Fetcher;
use crate::store::{self, JournalEntry, JournalState, Library, OpenOptions, SavedMarks, SavedPage};

/// Problems a report lists one by one; past this many it only counts them.
const MAX_LISTED_PROBLEMS: usize = 1000;

/// How an import runs.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The archive's format; `None`: told from the file.
    pub format: Option<Format>,
    /// Pages fetched at once (the fetcher also limits per host).
    pub concurrency: usize,
    /// Largest page accepted.
    pub max_page_bytes: usize,
    /// How the import opens its own handle on the library.
    pub library: OpenOptions,
}

impl Default for ImportOptions {
    fn default() -> Self {
        let save = SaveOptions::default();
        ImportOptions {
            format: None,
            concurrency: 16,
            max_page_bytes: save.max_page_bytes,
            library: save.library,
        }
    }
}

/// Stops an import from another thread (the app's cancel button): no new entry is started,
/// the ones under way are dropped (their pages are fetched again next time), and the import
/// returns its report with `cancelled` set. Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Progress, for a terminal bar or the app. Serialized with its variant in `event`
/// (kebab-case) beside its fields, e.g. `{"event": "entry-done", "done", "total", "url",
/// "state"}` (`state` is the journal's word: `saved`, `archived`, `dead`, `already`, `skipped`).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum ImportEvent {
    /// The file was read through: its format (and whether it was told from the file), its
    /// readable entries, and how many an earlier run of the same file finished.
    Started {
        format: Format,
        detected: bool,
        entries: usize,
        done_before: usize,
    },
    EntryDone {
        done: usize,
        total: usize,
        url: String,
        state: JournalState,
    },
    /// The images the saved pages name: `done` of `total` downloaded (0 when they start).
    Images { done: usize, total: usize },
}

/// Something the report lists: `{"position", "url", "kind", "reason"}`; `kind` is `dead` (kept
/// as title and link), `skipped` (not stored), `bad` (the entry could not be read) or
/// `repaired` (read, with a repair).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportProblem {
    /// Where in the file: "entry 12" (the 12th entry read), or the reader's "row 40".
    pub position: String,
    pub url: Option<String>,
    pub kind: &'static str,
    pub reason: String,
}

/// The summary of an import, counting every entry of the file (earlier runs' included).
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub format: Format,
    /// The format was told from the file (not named by the caller).
    pub detected: bool,
    /// The file's SHA-256, the journal's key.
    pub file_hash: String,
    /// Readable entries in the file.
    pub entries: usize,
    /// Pages fetched and stored.
    pub saved: usize,
    /// Pages gone, stored from the archive's own copy.
    pub archived: usize,
    /// Pages the library had: those stories bookmarked.
    pub already: usize,
    /// Pages gone: their titles and links kept, with the reasons.
    pub dead: usize,
    /// Entries not stored (hostile, private or not web addresses), with the reasons.
    pub skipped: usize,
    /// Entries that could not be read.
    pub bad: usize,
    /// Entries an earlier run of this file had finished (skipped ones are looked at again).
    pub done_before: usize,
    /// Pages asked for again: an earlier run stopped while they were in flight.
    pub fetched_again: usize,
    pub images_stored: usize,
    pub images_failed: usize,
    /// The first [`MAX_LISTED_PROBLEMS`] dead, skipped, bad and repaired entries.
    pub problems: Vec<ImportProblem>,
    /// More problems than listed.
    pub problems_unlisted: usize,
    /// Stopped by [`Cancel`]: run the import again to go on.
    pub cancelled: bool,
    pub seconds: f64,
}

/// Imports the read-later archive `file` into the library at `path`. `progress` is called from
/// the import's tasks; `cancel` stops it between entries.
pub async fn import_archive(
    path: &Path,
    file: &Path,
    fetcher: &Fetcher,
    options: &ImportOptions,
    progress: &(dyn Fn(ImportEvent) + Send + Sync),
    cancel: &Cancel,
) -> Result<ImportReport, SaveError> {
    let started = Instant::now();
    let survey = {
        let file = file.to_path_buf();
        let format = options.format;
        tokio::task::spawn_blocking(move || survey(&file, format))
            .await
            .map_err(|e| SaveError::Task(e.to_string()))??
    };
    let saver = Saver::open(
        path,
        fetcher,
        &SaveOptions {
            max_page_bytes: options.max_page_bytes,
            concurrency: options.concurrency,
            library: options.library,
        },
    )
    .await?;
    let hash = survey.hash.clone();
    let journal: HashMap<u64, JournalState> = saver
        .lib
        .run(move |l| l.import_journal(&hash))
        .await?
        .into_iter()
        .map(|row| (row.entry, row.state))
        .collect();
    let done_before = journal.values().filter(|s| is_done(**s)).count();
    let fetched_again = journal
        .values()
        .filter(|s| **s == JournalState::Fetching)
        .count();
    progress(ImportEvent::Started {
        format: survey.format,
        detected: survey.detected,
        entries: survey.entries,
        done_before,
    });

    let run = ImportRun {
        saver: &saver,
        hash: survey.hash.clone(),
        locks: KeyLocks::default(),
    };
    let items = formats::read(file, survey.format)?;
    let todo = items.enumerate().filter_map(|(index, item)| match item {
        Ok(Item::Entry(entry)) => {
            let index = index as u64;
            match journal.get(&index) {
                Some(state) if is_done(*state) => None,
                _ => Some(Ok((index, entry))),
            }
        }
        Ok(Item::Bad(_)) => None,
        Err(err) => Some(Err(err)),
    });
    let mut results = stream::iter(todo)
        .take_while(|_| std::future::ready(!cancel.is_cancelled()))
        .map(|item| {
            let run = &run;
            async move {
                let (index, entry) = item?;
                let url = entry.url.clone();
                let state = import_entry(run, index, entry).await?;
                Ok::<_, SaveError>((url, state))
            }
        })
        .buffer_unordered(options.concurrency.max(1));
    let mut done = done_before;
    while let Some(result) = results.next().await {
        let (url, state) = result?;
        done += 1;
        progress(ImportEvent::EntryDone {
            done,
            total: survey.entries,
            url,
            state,
        });
        if cancel.is_cancelled() {
            break;
        }
    }
    drop(results);
    let cancelled = cancel.is_cancelled();
    let (mut images_stored, mut images_failed) = (0, 0);
    if !cancelled {
        let total = saver.lib.run(|l| l.pending_saved_images()).await?.len();
        progress(ImportEvent::Images { done: 0, total });
        let mut done = 0;
        (images_stored, images_failed) = saver
            .download_images(|_| {
                done += 1;
                progress(ImportEvent::Images { done, total });
            })
            .await?;
    }
    let hash = survey.hash.clone();
    let rows = saver.lib.run(move |l| l.import_journal(&hash)).await?;
    let mut report = ImportReport {
        format: survey.format,
        detected: survey.detected,
        file_hash: survey.hash,
        entries: survey.entries,
        saved: 0,
        archived: 0,
        already: 0,
        dead: 0,
        skipped: 0,
        bad: survey.bad,
        done_before,
        fetched_again,
        images_stored,
        images_failed,
        problems: Vec::new(),
        problems_unlisted: 0,
        cancelled,
        seconds: 0.0,
    };
    let mut problems = survey.problems;
    for row in rows {
        let kind = match row.state {
            JournalState::Saved => {
                report.saved += 1;
                continue;
            }
            JournalState::Archived => {
                report.archived += 1;
                continue;
            }
            JournalState::Already => {
                report.already += 1;
                continue;
            }
            JournalState::Fetching => continue,
            JournalState::Dead => {
                report.dead += 1;
                "dead"
            }
            JournalState::Skipped => {
                report.skipped += 1;
                "skipped"
            }
        };
        problems.push(ImportProblem {
            position: format!("entry {}", row.entry + 1),
            url: Some(row.url),
            kind,
            reason: row.reason.unwrap_or_default(),
        });
    }
    report.problems_unlisted = problems.len().saturating_sub(MAX_LISTED_PROBLEMS);
    problems.truncate(MAX_LISTED_PROBLEMS);
    report.problems = problems;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Whether an earlier run finished an entry for good. One it skipped stored nothing and
/// fetched nothing, so it is looked at again (its origin may be trusted by now); one whose
/// page was in flight is fetched again.
fn is_done(state: JournalState) -> bool {
    !matches!(state, JournalState::Fetching | JournalState::Skipped)
}

/// What the first pass over the file found.
struct Survey {
    format: Format,
    detected: bool,
    hash: String,
    /// Readable entries.
    entries: usize,
    /// Entries that could not be read.
    bad: usize,
    /// Bad and repaired entries, at most [`MAX_LISTED_PROBLEMS`].
    problems: Vec<ImportProblem>,
}

/// Reads the file through once: its format, its hash, its entries counted, the bad ones
/// listed. A file that cannot be read to its end is refused here, before anything is stored.
fn survey(file: &Path, format: Option<Format>) -> Result<Survey, ReadError> {
    let (format, detected) = match format {
        Some(format) => (format, false),
        None => (formats::detect(file)?, true),
    };
    let mut survey = Survey {
        format,
        detected,
        hash: String::new(),
        entries: 0,
        bad: 0,
        problems: Vec::new(),
    };
    for (index, item) in formats::read(file, format)?.enumerate() {
        let problem = match item? {
            Item::Entry(Entry { problem: None, .. }) => {
                survey.entries += 1;
                continue;
            }
            Item::Entry(entry) => {
                survey.entries += 1;
                ImportProblem {
                    position: format!("entry {}", index + 1),
                    url: Some(entry.url),
                    kind: "repaired",
                    reason: entry.problem.unwrap_or_default(),
                }
            }
            Item::Bad(bad) => {
                survey.bad += 1;
                ImportProblem {
                    position: bad.position,
                    url: None,
                    kind: "bad",
                    reason: bad.reason,
                }
            }
        };
        if survey.problems.len() < MAX_LISTED_PROBLEMS {
            survey.problems.push(problem);
        }
    }
    // Hashed once the file reads to its end: a broken one is refused without it.
    survey.hash = file_hash(file)?;
    Ok(survey)
}

/// The file's SHA-256, hex: the journal's key for it.
fn file_hash(file: &Path) -> Result<String, ReadError> {
    let io = |source| ReadError::Io {
        path: file.to_path_buf(),
        source,
    };
    let mut reader = std::fs::File::open(file).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = reader.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// One import under way.
struct ImportRun<'a> {
    saver: &'a Saver<'a>,
    hash: String,
    locks: KeyLocks,
}

impl ImportRun<'_> {
    /// Runs `work` on the library with entry `index`'s journal key (its address as the file
    /// gives it), to write in one transaction with what it stores.
    async fn write<T, F>(&self, index: u64, url: &str, work: F) -> Result<T, SaveError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library, JournalEntry<'_>) -> store::Result<T> + Send + 'static,
    {
        let (hash, url) = (self.hash.clone(), url.to_string());
        let result = self
            .saver
            .lib
            .run(move |l| {
                let entry = JournalEntry {
                    file_hash: &hash,
                    entry: index,
                    url: &url,
                };
                work(l, entry)
            })
            .await?;
        Ok(result)
    }
}

/// One lock per canonical address, so two entries for the same page never fetch it both.
#[derive(Default)]
struct KeyLocks(Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl KeyLocks {
    async fn lock(&self, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
            // Locks no entry holds or waits for go, so the map stays the size of the work
            // under way.
            map.retain(|_, lock| Arc::strong_count(lock) > 1);
            Arc::clone(map.entry(key.to_string()).or_default())
        };
        lock.lock_owned().await
    }
}

/// Imports one entry and returns what became of it (its journal row is written).
async fn import_entry(
    run: &ImportRun<'_>,
    index: u64,
    entry: Entry,
) -> Result<JournalState, SaveError> {
    let saver = run.saver;
    let journal = |state: JournalState, reason: Option<String>| {
        run.write(index, &entry.url, move |l, e| {
            l.journal_entry(e, state, reason.as_deref())
        })
    };
    let url = match Url::parse(entry.url.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => url,
        Ok(url) => {
            let reason = format!("a {}: link, not a web page", url.scheme());
            journal(JournalState::Skipped, Some(reason)).await?;
            return Ok(JournalState::Skipped);
        }
        Err(e) => {
            let reason = format!("not a web address ({e})");
            journal(JournalState::Skipped, Some(reason)).await?;
            return Ok(JournalState::Skipped);
        }
    };
    let key = crate::urls::canonical_url(url.as_str()).unwrap_or_else(|| url.to_string());
    let _one_at_a_time = run.locks.lock(&key).await;
    let marks = SavedMarks {
        saved_at: entry.saved_at,
        read: entry.read,
        tags: entry.tags.clone(),
        note: entry.note.clone(),
    };
    if let Some(found) = saver.story_at(&key).await? {
        return already(run, index, &entry.url, found.id(), marks).await;
    }
    journal(JournalState::Fetching, None).await?;
    let fetched = page::fetch_page(
        saver.fetcher,
        &url,
        saver.trust_for(&url),
        saver.max_page_bytes,
    )
    .await;
    let (page, state) = match fetched {
        Fetched::Article {
            final_url, article, ..
        } => {
            let declared = page_key(&final_url, &article);
            if declared != key {
                if let Some(found) = saver.story_at(&declared).await? {
                    return already(run, index, &entry.url, found.id(), marks).await;
                }
            }
            (
                article_page(&final_url, &article, declared),
                JournalState::Saved,
            )
        }
        Fetched::Unavailable {
            reason,
            refused: true,
            ..
        } => {
            journal(JournalState::Skipped, Some(reason)).await?;
            return Ok(JournalState::Skipped);
        }
        Fetched::Feed { url: feed } => {
            let reason = format!("{feed} is a feed, not a page: subscribe to it instead");
            (
                unavailable_page(&url, entry.title.as_deref(), key, &reason),
                JournalState::Dead,
            )
        }
        Fetched::Unavailable { reason, .. } => {
            let copy = match entry.content_html.clone() {
                Some(html) => page::archived_copy(html, &url, &reason).await,
                None => None,
            };
            match copy {
                Some(result) => (
                    SavedPage {
                        page: result,
                        ..unavailable_page(&url, entry.title.as_deref(), key, &reason)
                    },
                    JournalState::Archived,
                ),
                None => (
                    unavailable_page(&url, entry.title.as_deref(), key, &reason),
                    JournalState::Dead,
                ),
            }
        }
    };
    run.write(index, &entry.url, move |l, e| {
        l.store_saved_page(&page, &marks, Some((e, state)))
    })
    .await?;
    Ok(state)
}

/// Bookmarks the story the library has for an entry, and journals it.
async fn already(
    run: &ImportRun<'_>,
    index: u64,
    url: &str,
    id: i64,
    marks: SavedMarks,
) -> Result<JournalState, SaveError> {
    run.write(index, url, move |l, e| {
        l.bookmark_saved(id, &marks, Some(e))
    })
    .await?;
    Ok(JournalState::Already)
}
