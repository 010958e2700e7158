//! Commands the UI calls, one file per domain; each parses arguments, calls one library
//! function and maps the error. `ui/api.js` wraps every one of them by name.

pub mod files;
pub mod highlights;
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
/// `invalid-format`, `export`, `file-in-the-way` (a Markdown export met a file it did not
/// write), `empty-selection`, `not-in-story` (a selection whose words are not in the story's
/// text), `ambiguous-selection`, `kept-by-highlights` (a bookmark its highlights keep),
/// `internal`.
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

/// The kind of a library error.
fn store_kind(err: &tidings::store::StoreError) -> &'static str {
    use tidings::store::{SelectionError, StoreError as E};
    match err {
        E::NotALibrary { .. } => "not-a-library",
        E::TooNew { .. } => "library-too-new",
        E::NotFound { .. } => "not-found",
        E::CreateDir { .. } | E::Open { .. } => "cannot-open",
        E::Selection { source, .. } => match source {
            SelectionError::Empty => "empty-selection",
            SelectionError::NotInStory => "not-in-story",
            SelectionError::Ambiguous { .. } | SelectionError::NoSuchOccurrence { .. } => {
                "ambiguous-selection"
            }
        },
        E::KeptByHighlights { .. } => "kept-by-highlights",
        _ => "library",
    }
}

impl From<tidings::store::StoreError> for CommandError {
    fn from(err: tidings::store::StoreError) -> CommandError {
        CommandError::new(store_kind(&err), err.to_string())
    }
}

impl From<tidings::export::ExportError> for CommandError {
    fn from(err: tidings::export::ExportError) -> CommandError {
        use tidings::export::ExportError as E;
        let kind = match &err {
            E::Store(store) => store_kind(store),
            E::NotOurs { .. } => "file-in-the-way",
            E::File { .. } | E::Io(..) => "file",
            E::Zip(..) => "export",
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
    use super::CommandError;
    use tidings::annotations::Quote;
    use tidings::store::{
        ArticleFilter, FeedUpdate, HighlightColor, IncomingArticle, Library, NewFeed, Selection,
    };

    /// The library's own errors for highlights and the Markdown export, made for real on a
    /// library file, reach the window as their kinds.
    #[test]
    fn highlight_and_export_errors_have_their_kinds() {
        let dir = std::env::temp_dir().join(format!("tidings-app-kinds-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut lib = Library::open(&dir.join("library.sqlite")).unwrap();
        let (feed, _) = lib
            .add_feed(&NewFeed {
                url: "https://example.org/feed.xml".into(),
                ..NewFeed::default()
            })
            .unwrap();
        let story = IncomingArticle {
            item_key: "k".into(),
            title: "The tide table".into(),
            content_html: Some("<p>The tide turns. The tide comes in.</p>".into()),
            content_text: Some("The tide turns. The tide comes in.".into()),
            ..IncomingArticle::default()
        };
        lib.store_feed_result(feed, &FeedUpdate::default(), &[story])
            .unwrap();
        let id = lib.articles(&ArticleFilter::default(), 1, 0).unwrap()[0].id;
        let quote = |exact: &str| Selection::Quote {
            quote: Quote {
                exact: exact.into(),
                ..Quote::default()
            },
            hint: None,
        };
        let kind_of = |lib: &mut Library, selection: &Selection| -> &'static str {
            let err = lib
                .add_highlight(id, selection, HighlightColor::Yellow, None)
                .unwrap_err();
            CommandError::from(err).kind
        };
        assert_eq!(kind_of(&mut lib, &quote("low water")), "not-in-story");
        assert_eq!(kind_of(&mut lib, &quote(" \n ")), "empty-selection");
        let words = Selection::Words {
            exact: "The tide".into(),
            occurrence: None,
        };
        assert_eq!(kind_of(&mut lib, &words), "ambiguous-selection");

        lib.add_highlight(id, &quote("comes in"), HighlightColor::Green, None)
            .unwrap();
        let kept = lib.set_bookmarked(id, false, None).unwrap_err();
        assert_eq!(CommandError::from(kept).kind, "kept-by-highlights");

        let out = dir.join("notes");
        std::fs::create_dir_all(&out).unwrap();
        let theirs = out.join(tidings::export::markdown::file_name("The tide table", id));
        std::fs::write(&theirs, "someone else's notes").unwrap();
        let err = tidings::export::bookmarks_markdown(&lib, &out).unwrap_err();
        assert_eq!(CommandError::from(err).kind, "file-in-the-way");
        assert_eq!(std::fs::read(&theirs).unwrap(), b"someone else's notes");
        std::fs::remove_dir_all(&dir).unwrap();
    }

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
