//! Sync from the window: `sync_now` starts the library's sync on a spawned task with its own
//! library handle and returns at once; the window follows it through events.
//!
//! Events (to the `main` window):
//! - `sync-progress`: a [`SyncEvent`] as the library emits it (`{"event": "feeds-started",
//!   "total"}`, `{"event": "feed-done", "done", "total", "feed_id", "title", "outcome"}` where
//!   a failed outcome is `{"kind": "failed", "error", "failure"}` with `failure` a
//!   [`FailureKind`](tidings::sync::FailureKind) word, `{"event": "pages-started", "total"}`,
//!   `{"event": "page-done", "done", "total", "article_id", "ok"}`, `{"event":
//!   "images-started", "total"}`, `{"event": "image-done", "done", "total"}`); page events are
//!   thinned to one per 100 ms (the last always sent).
//! - `sync-finished`: [`SyncFinished`] `{"report": SyncReport, "offline": bool}`; each of the
//!   report's `feeds_failed` is `{"feed_id", "title", "url", "error", "kind"}`.
//! - `sync-failed`: a [`CommandError`] when the sync could not run at all.

use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use tidings::sync::{sync_library, SyncEvent, SyncOptions, SyncReport};

use super::CommandError;
use crate::state::AppState;

/// The payload of `sync-finished`.
#[derive(Debug, Clone, Serialize)]
pub struct SyncFinished {
    pub report: SyncReport,
    /// No feed could be reached at all: the window says "offline" rather than listing errors.
    pub offline: bool,
}

/// Whether `sync_now` started a sync (`false`: one was already running; its events continue).
#[derive(Debug, Clone, Serialize)]
pub struct SyncStarted {
    pub started: bool,
}

/// Starts a sync of every subscription (backoff ignored: the user asked) unless one runs.
#[tauri::command]
pub async fn sync_now(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<SyncStarted, CommandError> {
    if let Some(err) = state.library_error() {
        return Err(err);
    }
    let fetcher = state.fetcher()?;
    if state.syncing.swap(true, Ordering::SeqCst) {
        return Ok(SyncStarted { started: false });
    }
    let syncing = state.syncing.clone();
    let path = state.library_path.clone();
    tauri::async_runtime::spawn(async move {
        let options = SyncOptions {
            ignore_backoff: true,
            ..SyncOptions::default()
        };
        let last_page_event = Mutex::new(Instant::now() - Duration::from_secs(1));
        let progress = |event: SyncEvent| {
            if let SyncEvent::PageDone { done, total, .. } = &event {
                let Ok(mut last) = last_page_event.lock() else {
                    return;
                };
                if done < total && last.elapsed() < Duration::from_millis(100) {
                    return;
                }
                *last = Instant::now();
            }
            let _ = app.emit_to("main", "sync-progress", &event);
        };
        let result = sync_library(&path, &fetcher, &options, &progress).await;
        syncing.store(false, Ordering::SeqCst);
        let _ = match result {
            Ok(report) => {
                let offline = looks_offline(&report);
                app.emit_to("main", "sync-finished", SyncFinished { report, offline })
            }
            Err(err) => app.emit_to(
                "main",
                "sync-failed",
                CommandError::new("sync", err.to_string()),
            ),
        };
    });
    Ok(SyncStarted { started: true })
}

/// True when there were feeds to fetch and every one failed to connect or timed out: the
/// network (not the feeds) is the problem. Decided by each failure's kind.
pub fn looks_offline(report: &SyncReport) -> bool {
    report.feeds_total > 0
        && report.feeds_failed.len() == report.feeds_total
        && report.feeds_failed.iter().all(|f| f.kind.is_unreachable())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings::sync::{FailureKind, FeedFailure};

    fn failure(kind: FailureKind) -> FeedFailure {
        FeedFailure {
            feed_id: 1,
            title: "A".into(),
            url: "https://a.example/feed".into(),
            error: "a message for people, never read by code".into(),
            kind,
        }
    }

    #[test]
    fn offline_only_when_every_feed_failed_to_connect() {
        let mut report = SyncReport {
            feeds_total: 2,
            feeds_failed: vec![failure(FailureKind::Offline), failure(FailureKind::Timeout)],
            ..SyncReport::default()
        };
        assert!(looks_offline(&report));
        report.feeds_failed[1] = failure(FailureKind::Http(404));
        assert!(!looks_offline(&report));
        report.feeds_failed.truncate(1);
        report.feeds_failed[0] = failure(FailureKind::Offline);
        assert!(!looks_offline(&report), "one feed answered");
        assert!(!looks_offline(&SyncReport::default()), "nothing to sync");
    }
}
