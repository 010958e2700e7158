//! Commands the UI calls, one file per domain; each parses arguments, calls one library
//! function and maps the error. `ui/api.js` wraps every one of them by name.

pub mod library;
pub mod stories;
pub mod subscriptions;
pub mod sync;

use serde::Serialize;

/// The one error shape the UI sees: `kind` picks the wording, `message` is for details.
///
/// Kinds: `not-a-library`, `library-too-new`, `not-found`, `cannot-open`, `library`,
/// `invalid-address`, `offline` (the host could not be reached), `fetch`, `no-feed-found`,
/// `not-a-feed`, `no-link`, `cannot-open-browser`, `sync` (in the `sync-failed` event), `internal`.
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
        use tidings::feeds::fetch::FetchError as E;
        let kind = match &err {
            E::Connect { .. } | E::Timeout { .. } => "offline",
            _ => "fetch",
        };
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
