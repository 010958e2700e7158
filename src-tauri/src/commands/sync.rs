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
    /// No feed could be reached at all (the report's own `offline`, kept here for the window):
    /// it says "offline" once rather than listing errors.
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
                let offline = report.offline;
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
