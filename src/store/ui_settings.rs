//! The app window's settings: every key, its default and the values it allows, in one table —
//! the one home of the defaults (the window gets them from `ui_settings`, never a copy). They
//! are stored in the `settings` table under `ui.NAME`, so they travel with the library file.

use std::collections::BTreeMap;

use super::{Library, Result, StoreError};

/// One setting: its name, its default, and whether a value is allowed.
pub struct UiSetting {
    pub name: &'static str,
    pub default: &'static str,
    allows: fn(&str) -> bool,
}

/// Every window setting.
pub const UI_SETTINGS: &[UiSetting] = &[
    UiSetting {
        name: "theme",
        default: "system",
        allows: |v| matches!(v, "system" | "light" | "dark"),
    },
    UiSetting {
        name: "text_size",
        default: "3",
        allows: |v| matches!(v, "1" | "2" | "3" | "4" | "5"),
    },
    UiSetting {
        name: "font",
        default: "serif",
        allows: |v| matches!(v, "serif" | "sans"),
    },
    UiSetting {
        name: "sync_interval",
        default: "30",
        allows: |v| matches!(v, "off" | "15" | "30" | "60"),
    },
    UiSetting {
        name: "pane_sources",
        default: "",
        allows: pane_width,
    },
    UiSetting {
        name: "pane_stories",
        default: "",
        allows: pane_width,
    },
];

/// A pane width in CSS pixels, 120 to 900, or empty (the default).
fn pane_width(v: &str) -> bool {
    v.is_empty() || v.parse::<u32>().is_ok_and(|w| (120..=900).contains(&w))
}

/// Why a window setting was not stored.
#[derive(Debug, thiserror::Error)]
pub enum UiSettingError {
    #[error("no setting {0:?}")]
    Unknown(String),
    #[error("{value:?} is not a value for {name}")]
    NotAllowed { name: String, value: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Checks that `name` is a window setting and allows `value`.
pub fn check_ui_setting(name: &str, value: &str) -> Result<(), UiSettingError> {
    let setting = UI_SETTINGS
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| UiSettingError::Unknown(name.to_string()))?;
    if (setting.allows)(value) {
        Ok(())
    } else {
        Err(UiSettingError::NotAllowed {
            name: name.to_string(),
            value: value.to_string(),
        })
    }
}

fn key(name: &str) -> String {
    format!("ui.{name}")
}

impl Library {
    /// Every window setting by name: its stored value, else its default (a stored value no
    /// longer allowed reads as the default too).
    pub fn ui_settings(&self) -> Result<BTreeMap<String, String>> {
        let mut values = BTreeMap::new();
        for s in UI_SETTINGS {
            let stored = self.setting(&key(s.name))?.filter(|v| (s.allows)(v));
            values.insert(
                s.name.to_string(),
                stored.unwrap_or_else(|| s.default.to_string()),
            );
        }
        Ok(values)
    }

    /// Stores one window setting; an unknown name or a value it does not allow is refused.
    pub fn set_ui_setting(&self, name: &str, value: &str) -> Result<(), UiSettingError> {
        check_ui_setting(name, value)?;
        Ok(self.set_setting(&key(name), value)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library(name: &str) -> Library {
        let dir = crate::scratch::scratch_dir(&format!("ui-settings-{name}"));
        Library::open(&dir.join("library.sqlite")).unwrap()
    }

    #[test]
    fn every_setting_reads_as_stored_or_its_default() {
        let lib = library("defaults");
        let values = lib.ui_settings().unwrap();
        let expected: BTreeMap<String, String> = UI_SETTINGS
            .iter()
            .map(|s| (s.name.to_string(), s.default.to_string()))
            .collect();
        assert_eq!(values, expected);
        assert_eq!(values["sync_interval"], "30");
        lib.set_ui_setting("theme", "dark").unwrap();
        lib.set_ui_setting("pane_sources", "240").unwrap();
        // A value an older or newer build allowed, no longer valid here: the default.
        lib.set_setting("ui.text_size", "9").unwrap();
        let values = lib.ui_settings().unwrap();
        assert_eq!(values["theme"], "dark");
        assert_eq!(values["pane_sources"], "240");
        assert_eq!(values["text_size"], "3");
    }

    #[test]
    fn only_known_settings_and_values_are_stored() {
        let lib = library("refused");
        assert!(check_ui_setting("sync_interval", "off").is_ok());
        assert!(check_ui_setting("pane_sources", "").is_ok());
        for (name, value) in [
            ("theme", "neon"),
            ("text_size", "6"),
            ("sync_interval", "1"),
            ("pane_stories", "5000"),
            ("pane_stories", "wide"),
        ] {
            let err = lib.set_ui_setting(name, value).unwrap_err();
            assert!(matches!(err, UiSettingError::NotAllowed { .. }), "{err}");
        }
        let err = lib.set_ui_setting("retention.read_days", "1").unwrap_err();
        assert!(matches!(err, UiSettingError::Unknown(_)), "{err}");
        assert_eq!(lib.setting("ui.theme").unwrap(), None, "nothing stored");
    }
}
