//! Settings → Storage: what takes the space in the library file, the budget that keeps it
//! under a size the person chose (`tidings::store::storage`), and keeping large images at
//! reading size, and compacting the file. Events: `shrink-progress` { done, total } while
//! stored images are shrunk, `compact-progress` { done, total } (bytes) while it compacts.

use std::sync::atomic::Ordering;

use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use tidings::store::{Eviction, Library, StorageReport};
use tidings::sync::FitReport;

use super::CommandError;
use crate::state::AppState;

/// What takes the space. Reads every page's header (about a second per GB on a cold disk), on
/// the counting handle so the lists and a sync's writes never wait behind it.
#[tauri::command]
pub async fn storage_report(state: State<'_, AppState>) -> Result<StorageReport, CommandError> {
    state.with_counts(|lib| lib.storage_report()).await
}

/// Sets the budget in bytes (`None`: no budget) and brings the library under it at once.
#[tauri::command]
pub async fn set_storage_budget(
    state: State<'_, AppState>,
    bytes: Option<u64>,
) -> Result<Eviction, CommandError> {
    state
        .with_library(move |lib| {
            lib.set_storage_budget(bytes)
                .and_then(|()| lib.enforce_budget())
        })
        .await
}

/// The payload of `shrink-progress` (`done` of `total` large stored images looked at) and of
/// `compact-progress` (bytes).
#[derive(Clone, Serialize)]
struct Count {
    done: u64,
    total: u64,
}

/// Turns keeping large images at reading size on or off. On, the stored ones are shrunk at
/// once, on a handle of their own (the window keeps reading), reporting through
/// `shrink-progress`; returns what was shrunk (nothing when turned off).
#[tauri::command]
pub async fn set_images_at_reading_size(
    app: AppHandle,
    state: State<'_, AppState>,
    on: bool,
) -> Result<FitReport, CommandError> {
    state
        .with_library(move |lib| lib.set_images_at_reading_size(on))
        .await?;
    if !on {
        return Ok(FitReport::default());
    }
    let path = state.library_path.clone();
    tauri::async_runtime::spawn_blocking(move || {
        tidings::sync::fit_stored_images(&path, |done, total| {
            let _ = app.emit_to("main", "shrink-progress", Count { done, total });
        })
    })
    .await
    .map_err(|e| CommandError::internal(format!("shrinking images failed: {e}")))?
    .map_err(CommandError::from)
}

/// Gives the library file's free pages back to the disk (`Library::vacuum`, on a handle of its
/// own so the window keeps reading), reporting through `compact-progress`. Refused while a sync
/// runs (its writes would make the compaction start over).
#[tauri::command]
pub async fn compact_library(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<(), CommandError> {
    if let Some(err) = state.library_error() {
        return Err(err);
    }
    if state.syncing.load(Ordering::SeqCst) {
        return Err(CommandError::new("sync-running", "a sync is running"));
    }
    let path = state.library_path.clone();
    tauri::async_runtime::spawn_blocking(move || {
        Library::open(&path)?.vacuum(&mut |done, total| {
            let _ = app.emit_to("main", "compact-progress", Count { done, total });
        })
    })
    .await
    .map_err(|e| CommandError::internal(format!("compacting failed: {e}")))?
    .map_err(CommandError::from)
}
