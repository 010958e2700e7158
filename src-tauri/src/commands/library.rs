//! Library-wide commands.

use tauri::State;
use tidings::store::LibrarySummary;

use super::CommandError;
use crate::state::AppState;

/// Counts for the frame: feeds, folders, articles, unread, bookmarked.
#[tauri::command]
pub async fn library_summary(state: State<'_, AppState>) -> Result<LibrarySummary, CommandError> {
    state.with_library(|lib| lib.summary()).await
}
