//! Commands the UI calls, one file per domain; each parses arguments, calls one library
//! function and maps the error. `ui/api.js` wraps every one of them by name.

pub mod accounts;
pub mod files;
pub mod highlights;
pub mod library;
pub mod rules;
pub mod saved;
pub mod search;
pub mod settings;
pub mod storage;
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
/// `sign-in-refused` (the server's reason in `message`), `server-unreachable`, `not-an-api`,
/// `rate-limited`, `plain-http` (plain http to a host that is not this machine, not confirmed),
/// `account-exists`, `credentials` (the password store failed), `invalid-rule` (a rule's
/// pattern that cannot be one: the message says why), `is-a-feed` (a page to save is a feed: subscribe instead), `site-has-feed` (a site's front
/// page whose site has a feed), `not-an-archive` (a read-later archive that cannot be read),
/// `import-running`, `sync-running` (compacting while a sync runs), `library-busy` (the library
/// kept changing while it was compacted), `internal`.
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
        E::InvalidRule(..) => "invalid-rule",
        E::ChangedDuringVacuum => "library-busy",
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

impl From<tidings::sync::accounts::AccountError> for CommandError {
    fn from(err: tidings::sync::accounts::AccountError) -> CommandError {
        use tidings::accounts::greader::GReaderError as G;
        use tidings::accounts::ServerUrlError;
        use tidings::sync::accounts::AccountError as E;
        let kind = match &err {
            E::Address(ServerUrlError::PlainHttp { .. }) => "plain-http",
            E::Address(_) => "invalid-address",
            E::Server(G::SignIn { .. }) => "sign-in-refused",
            E::Server(G::Unreachable { .. } | G::Timeout { .. } | G::Http { .. }) => {
                "server-unreachable"
            }
            E::Server(G::RateLimited { .. }) => "rate-limited",
            E::Server(G::Setup(..)) | E::Task(..) => "internal",
            E::Server(_) => "not-an-api",
            E::Credentials(..) => "credentials",
            E::Store(tidings::store::StoreError::AccountExists { .. }) => "account-exists",
            E::Store(store) => store_kind(store),
        };
        let message = match &err {
            // The server's own reason, which the window puts after its words.
            E::Server(G::SignIn { status, reason }) => match reason {
                Some(reason) => format!("HTTP {status}: {reason}"),
                None => format!("HTTP {status}"),
            },
            _ => err.to_string(),
        };
        CommandError::new(kind, message)
    }
}

impl From<tidings::saved::SaveError> for CommandError {
    fn from(err: tidings::saved::SaveError) -> CommandError {
        use tidings::saved::SaveError as E;
        let kind = match err {
            E::Fetch(fetch) => return fetch.into(),
            E::Store(store) => return store.into(),
            E::Read(..) => "not-an-archive",
            E::NotAWebAddress(..) => "invalid-address",
            E::Feed { .. } => "is-a-feed",
            E::Site { .. } => "site-has-feed",
            E::Task(..) => "internal",
        };
        CommandError::new(kind, err.to_string())
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

    /// Answers every connection on 127.0.0.1 with `response` (status line, headers and body).
    fn answering(response: &'static str) -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let _ = stream.write_all(response.as_bytes());
            }
        });
        format!("http://127.0.0.1:{port}/api/greader.php")
    }

    /// Adding and checking an account fail for real (servers on 127.0.0.1, a real library and
    /// credentials file), and each failure reaches the window as its kind; none names the
    /// password.
    #[test]
    fn account_errors_have_their_kinds() {
        use tidings::accounts::credentials::Credentials;
        use tidings::accounts::greader::ClientConfig;
        use tidings::store::NewAccount;
        use tidings::sync::accounts::{add_account, check_account, AccountSignIn};

        let dir = std::env::temp_dir().join(format!("tidings-app-accounts-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let library = dir.join("library.sqlite");
        let credentials = Credentials::file_only(dir.join("credentials.json"));
        let config = ClientConfig::default();
        let add = |server: &str, allow_http: bool| {
            let request = AccountSignIn {
                server,
                username: "ada",
                password: "tide-secret",
                allow_http,
            };
            let err = tauri::async_runtime::block_on(add_account(
                &library,
                &credentials,
                &config,
                request,
            ))
            .unwrap_err();
            let err = CommandError::from(err);
            assert!(!err.message.contains("tide-secret"), "{}", err.message);
            err
        };
        let refused = add(
            &answering("HTTP/1.1 401 Unauthorized\r\nContent-Length: 24\r\nConnection: close\r\n\r\nError=BadAuthentication\n"),
            false,
        );
        assert_eq!(refused.kind, "sign-in-refused");
        assert!(
            refused.message.contains("BadAuthentication"),
            "{}",
            refused.message
        );
        let html = add(
            &answering("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 22\r\nConnection: close\r\n\r\n<html><p>Hi</p></html>"),
            false,
        );
        assert_eq!(html.kind, "not-an-api");
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let port = listener.local_addr().unwrap().port();
            format!("http://127.0.0.1:{port}/api/greader.php")
        };
        assert_eq!(add(&closed, false).kind, "server-unreachable");
        assert_eq!(
            add("http://news.example/api/greader.php", false).kind,
            "plain-http"
        );
        assert_eq!(add("not an address", false).kind, "invalid-address");

        let mut lib = Library::open(&library).unwrap();
        let id = lib
            .add_account(&NewAccount {
                server_url: "https://news.example/api/greader.php".into(),
                username: "ada".into(),
                name: "ada@news.example".into(),
                credential_key: "account-test".into(),
                credential_store: "file".into(),
                plain_http: false,
            })
            .unwrap();
        assert_eq!(
            add("https://news.example/api/greader.php", false).kind,
            "account-exists"
        );
        // A damaged credentials file: checking the account cannot read its password.
        std::fs::write(credentials.file_path(), "not json").unwrap();
        let err = tauri::async_runtime::block_on(check_account(
            &library,
            &credentials,
            &config,
            id,
            None,
        ))
        .unwrap_err();
        assert_eq!(CommandError::from(err).kind, "credentials");
        assert_eq!(lib.accounts().unwrap().len(), 1, "nothing was added");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A rule the library refuses (a regex that does not compile, made for real on a library
    /// file) reaches the window as `invalid-rule`, with the reason in its message.
    #[test]
    fn a_rule_the_library_refuses_is_invalid_rule() {
        use tidings::rules::{Action, Field, RuleSpec};
        let dir = std::env::temp_dir().join(format!("tidings-app-rule-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut lib = Library::open(&dir.join("library.sqlite")).unwrap();
        let spec = RuleSpec {
            action: Action::Mute,
            pattern: "/(unclosed/".into(),
            feed_id: None,
            field: Field::Any,
        };
        let err = CommandError::from(lib.add_rule(&spec).unwrap_err());
        assert_eq!(err.kind, "invalid-rule");
        assert!(err.message.contains("regex"), "{}", err.message);
        assert!(lib.rules().unwrap().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A page to save that is a feed, a site's front page with a feed, or no web address, and
    /// an archive that is none, reach the window as their kinds (the save dialog offers
    /// subscribing for the first two). Real saves against a real server on 127.0.0.1.
    #[test]
    fn save_and_import_errors_have_their_kinds() {
        use std::io::{Read, Write};
        use tidings::feeds::fetch::{FetchConfig, Fetcher};
        use tidings::saved::{import_archive, save_page, Cancel, ImportOptions, SaveOptions};

        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let feed_link = format!("{base}/feed.xml");
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut head = [0u8; 2048];
                let n = stream.read(&mut head).unwrap_or(0);
                let head = String::from_utf8_lossy(&head[..n]).to_string();
                let (kind, body) = if head.starts_with("GET /feed.xml ") {
                    (
                        "application/rss+xml",
                        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>\
                        <title>Tides</title><link>/</link><item><title>High water</title>\
                        <link>/high.html</link></item></channel></rss>"
                            .to_string(),
                    )
                } else {
                    (
                        "text/html",
                        "<!doctype html><html><head><title>Tides</title>\
                        <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\">\
                        </head><body><h1>Tides</h1><p>Today's tides.</p></body></html>"
                            .to_string(),
                    )
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        let dir =
            std::env::temp_dir().join(format!("tidings-app-save-kinds-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let lib = dir.join("library.sqlite");
        let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
        let kind_of = |url: &str| -> &'static str {
            let request = tidings::saved::SaveRequest {
                url: url.into(),
                ..Default::default()
            };
            let result = tauri::async_runtime::block_on(save_page(
                &lib,
                &fetcher,
                &request,
                &SaveOptions::default(),
            ));
            CommandError::from(result.unwrap_err()).kind
        };
        assert_eq!(kind_of(&feed_link), "is-a-feed");
        assert_eq!(kind_of(&format!("{base}/")), "site-has-feed");
        assert_eq!(kind_of("javascript:alert(1)"), "invalid-address");

        let junk = dir.join("archive.csv");
        std::fs::write(&junk, b"\x00\x01 not an archive of any kind \xff\xfe").unwrap();
        let err = tauri::async_runtime::block_on(import_archive(
            &lib,
            &junk,
            &fetcher,
            &ImportOptions::default(),
            &|_| {},
            &Cancel::default(),
        ))
        .unwrap_err();
        assert_eq!(CommandError::from(err).kind, "not-an-archive");
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
