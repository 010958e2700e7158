//! Searching the whole library from the window's search field.

use tauri::State;
use tidings::store::SearchHit;

use super::CommandError;
use crate::state::AppState;

/// The most results one search returns (the list shows them all; ranking keeps the best first).
const MAX_RESULTS: i64 = 200;

/// Best matches first for what the user typed; each hit's snippet comes as plain-text parts
/// marked `hit` or not, so the window builds `<mark>` elements and never parses markup.
#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
    limit: Option<i64>,
) -> Result<Vec<SearchHit>, CommandError> {
    let limit = limit.unwrap_or(MAX_RESULTS).clamp(1, MAX_RESULTS);
    state
        .with_library(move |lib| lib.search(&query, limit))
        .await
}
