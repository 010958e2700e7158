//! The window's settings, kept in the library's `settings` table under `ui.*` keys, so they
//! travel with the library file. Only the keys and values listed here are accepted.

use std::collections::BTreeMap;

use serde::Serialize;
use tauri::State;

use super::CommandError;
use crate::state::AppState;

/// Whether a value is allowed for a setting.
type Valid = fn(&str) -> bool;

/// Each setting: its name (stored as `ui.NAME`), its default, and whether a value is allowed.
const SETTINGS: &[(&str, &str, Valid)] = &[
    ("theme", "system", |v| {
        matches!(v, "system" | "light" | "dark")
    }),
    ("text_size", "3", |v| {
        matches!(v, "1" | "2" | "3" | "4" | "5")
    }),
    ("font", "serif", |v| matches!(v, "serif" | "sans")),
    ("sync_interval", "30", |v| {
        matches!(v, "off" | "15" | "30" | "60")
    }),
    ("pane_sources", "", pane_width),
    ("pane_stories", "", pane_width),
];

/// A pane width in CSS pixels, 120 to 900, or empty (the default).
fn pane_width(v: &str) -> bool {
    v.is_empty() || v.parse::<u32>().is_ok_and(|w| (120..=900).contains(&w))
}

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

/// Every setting (stored values, else defaults; a stored value no longer valid reads as the
/// default).
#[tauri::command]
pub async fn settings(state: State<'_, AppState>) -> Result<Settings, CommandError> {
    let values = state
        .with_library(|lib| {
            let mut values = BTreeMap::new();
            for (name, default, valid) in SETTINGS {
                let stored = lib.setting(&format!("ui.{name}"))?;
                let value = stored.filter(|v| valid(v)).unwrap_or(default.to_string());
                values.insert(name.to_string(), value);
            }
            Ok(values)
        })
        .await?;
    Ok(Settings {
        values,
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
    check(&name, &value)?;
    state
        .with_library(move |lib| lib.set_setting(&format!("ui.{name}"), &value))
        .await
}

fn check(name: &str, value: &str) -> Result<(), CommandError> {
    let (_, _, valid) = SETTINGS
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or_else(|| CommandError::new("invalid-setting", format!("no setting {name:?}")))?;
    if valid(value) {
        Ok(())
    } else {
        Err(CommandError::new(
            "invalid-setting",
            format!("{value:?} is not a value for {name}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn only_known_settings_and_values_are_accepted() {
        assert!(check("theme", "dark").is_ok());
        assert!(check("sync_interval", "off").is_ok());
        assert!(check("pane_sources", "240").is_ok());
        assert!(check("pane_sources", "").is_ok());
        for (name, value) in [
            ("theme", "neon"),
            ("text_size", "6"),
            ("sync_interval", "1"),
            ("pane_stories", "5000"),
            ("pane_stories", "wide"),
            ("retention.read_days", "1"),
        ] {
            assert_eq!(
                check(name, value).unwrap_err().kind,
                "invalid-setting",
                "{name}={value}"
            );
        }
    }
}
