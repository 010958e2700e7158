//! Settings → Storage: what takes the space in the library file, and the budget that keeps it
//! under a size the person chose (`tidings::store::storage`).

use tauri::State;
use tidings::store::{Eviction, StorageReport};

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
