//! The window's settings: the library owns the keys, their defaults and allowed values
//! (`tidings::store::UI_SETTINGS`); these commands hand them over and store a change.

use std::collections::BTreeMap;

use serde::Serialize;
use tauri::State;
use tidings::store::UiSettingError;

use super::CommandError;
use crate::state::AppState;

/// What `settings` returns.
#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// Every setting by name, stored value or default.
    pub values: BTreeMap<String, String>,
    /// False when the app was started with `TIDINGS_AUTO_SYNC=off` (tests): the window never
    /// syncs on its own then, whatever `sync_interval` says.
    pub auto_sync: bool,
    /// Set by `TIDINGS_AUTO_SYNC=every:SECONDS` (tests): the timer's period in seconds.
    pub auto_sync_seconds: Option<u64>,
    /// The user's home folder, to suggest where exported files go.
    pub home_dir: Option<String>,
}

/// Every setting, defaults filled in.
#[tauri::command]
pub async fn settings(state: State<'_, AppState>) -> Result<Settings, CommandError> {
    Ok(Settings {
        values: state.with_library(|lib| lib.ui_settings()).await?,
        auto_sync: state.auto_sync,
        auto_sync_seconds: state.auto_sync_seconds,
        home_dir: std::env::var_os("HOME").map(|h| h.to_string_lossy().into_owned()),
    })
}

/// Stores one setting; an unknown name or a value it does not allow is refused.
#[tauri::command]
pub async fn set_setting(
    state: State<'_, AppState>,
    name: String,
    value: String,
) -> Result<(), CommandError> {
    state
        .with_library_io(move |lib| Ok(lib.set_ui_setting(&name, &value)?))
        .await
}

impl From<UiSettingError> for CommandError {
    fn from(err: UiSettingError) -> CommandError {
        match err {
            UiSettingError::Store(store) => store.into(),
            _ => CommandError::new("invalid-setting", err.to_string()),
        }
    }
}
