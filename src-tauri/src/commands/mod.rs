//! Commands the UI calls, one file per domain; each parses arguments, calls one library
//! function and maps the error.

pub mod library;

use serde::Serialize;

/// The one error shape the UI sees: `kind` picks the wording, `message` is for details.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub kind: &'static str,
    pub message: String,
}

impl CommandError {
    pub fn internal(message: impl Into<String>) -> CommandError {
        CommandError {
            kind: "internal",
            message: message.into(),
        }
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
        CommandError {
            kind,
            message: err.to_string(),
        }
    }
}
