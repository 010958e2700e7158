//! Library-wide commands: the frame's counts and the sources pane (counting reads, on the
//! state's second library handle so they never hold up the list or the reader).

use tauri::State;
use tidings::store::{LibrarySummary, Sources};

use super::CommandError;
use crate::state::AppState;

/// Counts for the frame: feeds, folders, articles, unread, bookmarked.
#[tauri::command]
pub async fn library_summary(state: State<'_, AppState>) -> Result<LibrarySummary, CommandError> {
    state.with_counts(|lib| lib.summary()).await
}

/// The sources pane: smart-list counts and subscriptions with unread counts and last errors.
/// `today_since`: the start of the user's day, in Unix seconds (the UI knows the time zone).
#[tauri::command]
pub async fn sources(
    state: State<'_, AppState>,
    today_since: i64,
) -> Result<Sources, CommandError> {
    state.with_counts(move |lib| lib.sources(today_since)).await
}
