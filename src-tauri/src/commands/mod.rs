//! Commands the UI calls, one file per domain; each parses arguments, calls one library
//! function and maps the error. `ui/api.js` wraps every one of them by name.

pub mod files;
pub mod library;
pub mod search;
pub mod settings;
pub mod stories;
pub mod subscriptions;
pub mod sync;

use serde::Serialize;

/// The one error shape the UI sees: `kind` picks the wording, `message` is for details.
///
/// Kinds: `not-a-library`, `library-too-new`, `not-found`, `cannot-open`, `library`,
/// `invalid-address`, `offline` (the host could not be reached), `fetch`, `no-feed-found`,
/// `not-a-feed`, `no-link`, `cannot-open-browser`, `sync` (in the `sync-failed` event),
/// `invalid-setting`, `invalid-path`, `file-exists`, `file-not-found`, `file`, `not-opml`,
/// `invalid-format`, `export`, `internal`.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub kind: &'static str,
    pub message: String,
}

impl CommandError {
    pub fn new(kind: &'static str, message: impl Into<String>) -> CommandError {
        CommandError {
            kind,
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> CommandError {
        CommandError::new("internal", message)
    }
}

impl From<tidings::store::StoreError> for CommandError {
    fn from(err: tidings::store::StoreError) -> CommandError {
        use tidings::store::StoreError as E;
        let kind = match &err {
            E::NotALibrary { .. } => "not-a-library",
            E::TooNew { .. } => "library-too-new",
            E::NotFound { .. } => "not-found",
            E::CreateDir { .. } | E::Open { .. } => "cannot-open",
            _ => "library",
        };
        CommandError::new(kind, err.to_string())
    }
}

impl From<tidings::feeds::fetch::FetchError> for CommandError {
    fn from(err: tidings::feeds::fetch::FetchError) -> CommandError {
        // One rule for "offline", the sync's: nothing answered.
        let unreachable = tidings::sync::FailureKind::from(&err).is_unreachable();
        let kind = if unreachable { "offline" } else { "fetch" };
        CommandError::new(kind, err.to_string())
    }
}

impl From<tidings::sync::subscribe::SubscribeError> for CommandError {
    fn from(err: tidings::sync::subscribe::SubscribeError) -> CommandError {
        use tidings::sync::subscribe::SubscribeError as E;
        match err {
            E::Fetch(fetch) => fetch.into(),
            E::InvalidUrl(..) => CommandError::new("invalid-address", err.to_string()),
            E::NoFeedFound { .. } => CommandError::new("no-feed-found", err.to_string()),
            E::NotAFeed { .. } => CommandError::new("not-a-feed", err.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every command is registered (main.rs), has a generated permission (build.rs) and is
    /// granted to the main window (capabilities/main.json), and nothing else is.
    #[test]
    fn commands_permissions_and_grants_agree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap();
        let quoted = |text: &str| -> Vec<String> {
            text.split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect()
        };
        let build = read("build.rs");
        let list = &build[build.find("COMMANDS").unwrap()..build.find("];").unwrap()];
        let mut built = quoted(list);
        let main = read("src/main.rs");
        let handler = &main[main.find("generate_handler![").unwrap()..];
        let handler = &handler[..handler.find(']').unwrap()];
        let mut registered: Vec<String> = handler
            .split(',')
            .filter_map(|item| item.trim().rsplit("::").next())
            .filter(|name| !name.is_empty() && !name.contains('['))
            .map(str::to_string)
            .collect();
        let caps: serde_json::Value =
            serde_json::from_str(&read("capabilities/main.json")).unwrap();
        let mut granted: Vec<String> = caps["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect();
        built.sort();
        registered.sort();
        granted.sort();
        assert!(built.len() >= 20, "{built:?}");
        assert_eq!(built, registered, "build.rs vs main.rs");
        assert_eq!(built, granted, "build.rs vs capabilities/main.json");
    }
}
