//! Control over the river from the window: the mute and keep rules (Settings → Rules, with
//! the live preview of what a rule would have caught) and a feed's own settings (its menu →
//! Settings…).

use tauri::State;
use tidings::rules::{Rule, RuleSpec};
use tidings::store::FeedSettings;
use tidings::sync::{preview_rule as preview, RulePreview};

use super::CommandError;
use crate::state::AppState;

/// Every rule, oldest first.
#[tauri::command]
pub async fn rules(state: State<'_, AppState>) -> Result<Vec<Rule>, CommandError> {
    state.with_library(|lib| lib.rules()).await
}

/// Adds a rule; returns its id. A pattern that cannot be a rule is `invalid-rule`.
#[tauri::command]
pub async fn add_rule(state: State<'_, AppState>, rule: RuleSpec) -> Result<i64, CommandError> {
    state.with_library(move |lib| lib.add_rule(&rule)).await
}

/// Removes a rule; what it already muted or flagged stays so.
#[tauri::command]
pub async fn remove_rule(state: State<'_, AppState>, id: i64) -> Result<(), CommandError> {
    state.with_library(move |lib| lib.remove_rule(id)).await
}

/// What `rule` would have caught in the last 30 days (read on the counting handle, so typing
/// in the editor never waits behind a sync's writes).
#[tauri::command]
pub async fn preview_rule(
    state: State<'_, AppState>,
    rule: RuleSpec,
) -> Result<RulePreview, CommandError> {
    state.with_counts(move |lib| preview(lib, &rule)).await
}

/// A feed's settings (the defaults when it has none of its own).
#[tauri::command]
pub async fn feed_settings(
    state: State<'_, AppState>,
    id: i64,
) -> Result<FeedSettings, CommandError> {
    state.with_library(move |lib| lib.feed_settings(id)).await
}

/// Sets a feed's settings; they apply from the next sync.
#[tauri::command]
pub async fn set_feed_settings(
    state: State<'_, AppState>,
    id: i64,
    settings: FeedSettings,
) -> Result<(), CommandError> {
    state
        .with_library(move |lib| lib.set_feed_settings(id, &settings))
        .await
}
