//! The Tidings desktop app: a thin Tauri shell over the `tidings` library.
//!
//! Owns the window, the app state (the open library), the commands the UI calls and the events
//! it listens to (see `commands::sync`). No SQL, no HTML parsing, no HTTP here: every command
//! delegates to the library. The command list below must match `build.rs` (which generates
//! their permissions) and `capabilities/main.json` (which grants them to the main window).
//!
//! Launch arguments: besides `--library PATH`, each argument may be something to open — a
//! `feed:` link, an http(s) feed or site URL, or a feed/OPML file (a path or a `file:` URL), as a
//! desktop passes them for a clicked feed link or a double-clicked file. They reach the window
//! as [`OpenRequest`]s: the first launch's in `window.__TIDINGS_OPEN_REQUESTS__` (set before the
//! page's scripts run), a later launch's as `open-request` events, because one app runs per
//! library: a second launch on the same library hands its arguments over and exits.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod first_page;
mod images;
mod launch;
mod state;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use serde::Serialize;
use tauri::{Emitter, Manager, Runtime};

/// The event a running window gets for each thing a later launch asks it to open.
const OPEN_REQUEST_EVENT: &str = "open-request";
/// The global holding the first launch's requests (an array, possibly empty).
const OPEN_REQUESTS_GLOBAL: &str = "__TIDINGS_OPEN_REQUESTS__";

fn main() {
    launch::start();
    let args: Vec<OsString> = std::env::args_os().collect();
    let library_path = state::library_path_from_args(args.iter().cloned());
    let startup_requests =
        open_requests_from_args(args, &std::env::current_dir().unwrap_or_default());
    let app_state = state::AppState::open(library_path.clone());
    launch::mark("library-open");
    let first_page = first_page::spawn(app_state.library_handle());
    let context = tauri::generate_context!();
    let instance_id = single_instance_id(&context.config().identifier, &library_path);
    let result = tauri::Builder::default()
        // First: a second launch on the same library must stop before anything else starts.
        .plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance_id)
                .callback(|app, argv, cwd| forward_to_window(app, argv, &cwd))
                .build(),
        )
        .plugin(startup_requests_plugin(&startup_requests))
        // The desktop's file chooser, used from Rust only (`choose_file`): the window is
        // granted none of the plugin's own commands.
        .plugin(tauri_plugin_dialog::init())
        .manage(app_state)
        .manage(commands::saved::ImportSlot::default())
        .setup(move |app| {
            launch::mark("setup");
            create_main_window(app.handle(), &first_page::finish(first_page))?;
            launch::mark("window-built");
            Ok(())
        })
        .register_asynchronous_uri_scheme_protocol(tidings::images::IMAGE_SCHEME, images::serve)
        .invoke_handler(tauri::generate_handler![
            commands::library::library_summary,
            commands::library::sources,
            commands::stories::story_page,
            commands::stories::open_story,
            commands::stories::set_read,
            commands::stories::set_bookmarked,
            commands::stories::mark_list_read,
            commands::stories::open_original,
            commands::subscriptions::find_feed,
            commands::subscriptions::add_feed,
            commands::sync::sync_now,
            commands::search::search,
            commands::subscriptions::rename_feed,
            commands::subscriptions::move_feed,
            commands::subscriptions::unsubscribe,
            commands::files::import_opml,
            commands::files::export_opml,
            commands::files::export_bookmarks,
            commands::files::export_markdown,
            commands::files::choose_file,
            commands::settings::settings,
            commands::settings::set_setting,
            commands::highlights::add_highlight,
            commands::highlights::highlights,
            commands::highlights::highlight_marks,
            commands::highlights::set_highlight_note,
            commands::highlights::set_highlight_color,
            commands::highlights::remove_highlight,
            commands::accounts::accounts,
            commands::accounts::add_account,
            commands::accounts::check_account,
            commands::accounts::remove_account,
            commands::rules::rules,
            commands::rules::add_rule,
            commands::rules::remove_rule,
            commands::rules::preview_rule,
            commands::rules::feed_settings,
            commands::rules::set_feed_settings,
            commands::saved::save_page,
            commands::saved::retry_saved,
            commands::saved::clipboard_text,
            commands::saved::story_tags,
            commands::saved::tag_story,
            commands::saved::untag_story,
            commands::saved::bookmark_tags,
            commands::saved::import_saved,
            commands::saved::cancel_import,
            commands::storage::storage_report,
            commands::storage::set_storage_budget,
            commands::storage::set_images_at_reading_size,
            commands::storage::compact_library,
            launch::launch_mark,
        ])
        .run(context);
    if let Err(err) = result {
        eprintln!("tidings-app: cannot start the window: {err}");
        std::process::exit(1);
    }
}

/// Something a launch asks the window to open. JSON: `{"kind":"subscribe","url":"https://…"}`
/// or `{"kind":"import","path":"/abs/file.opml"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum OpenRequest {
    /// Subscribe to this http(s) URL (a feed, or a site whose feed is to be found).
    Subscribe { url: String },
    /// Import this existing local file (OPML, or a feed document): an absolute path.
    Import { path: String },
}

/// A later launch on the same library: bring the window forward and hand it the requests.
fn forward_to_window<R: Runtime>(app: &tauri::AppHandle<R>, argv: Vec<String>, cwd: &str) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    let requests = open_requests_from_args(argv.into_iter().map(OsString::from), Path::new(cwd));
    for request in requests {
        eprintln!("tidings-app: another launch asks to open {request:?}");
        if let Err(err) = app.emit_to("main", OPEN_REQUEST_EVENT, &request) {
            eprintln!("tidings-app: cannot pass {request:?} to the window: {err}");
        }
    }
}

/// Sets the first launch's requests as a global before the page's own scripts run (an event
/// sent now would arrive before the page listens).
fn startup_requests_plugin<R: Runtime>(requests: &[OpenRequest]) -> tauri::plugin::TauriPlugin<R> {
    let json = serde_json::to_string(requests).unwrap_or_else(|_| "[]".to_owned());
    tauri::plugin::Builder::new("open-requests")
        .js_init_script(format!("window.{OPEN_REQUESTS_GLOBAL} = {json};"))
        .build()
}

/// The main window (from `tauri.conf.json`, created here rather than by Tauri so it can have
/// its handlers). A link the user clicks in a story asks for a new window (story links target
/// `_blank`; the frame runs no script, so only a click does): none is ever made; an http(s)
/// link opens in the system browser instead. And the window never navigates away from the
/// app's own pages. `early`: the first stories (an init script) and the theme, whose
/// background the window starts in (see `first_page`, `launch::background`).
fn create_main_window<R: Runtime>(
    app: &tauri::AppHandle<R>,
    early: &first_page::EarlyRead,
) -> tauri::Result<()> {
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == "main") else {
        return Err(tauri::Error::WindowNotFound);
    };
    let mut builder = tauri::WebviewWindowBuilder::from_config(app, config)?;
    if let Some(script) = early.script() {
        builder = builder.initialization_script(script);
    }
    if launch::trace_on() {
        // The UI then sends its page timing with "ready" (ui/api.js, launchMark).
        builder = builder.initialization_script("window.__TIDINGS_TRACE__ = true;");
    }
    let window = builder
        .on_new_window(|url, _features| {
            if matches!(url.scheme(), "http" | "https") {
                if let Err(err) = commands::stories::open_in_browser(url) {
                    eprintln!("tidings-app: {}", err.message);
                }
            }
            tauri::webview::NewWindowResponse::Deny
        })
        .on_navigation(is_own_page)
        // A link dropped on the window reaches the page (which offers to save it) as a drop
        // event; Tauri's own handler would keep it from the page.
        .disable_drag_drop_handler()
        .build()?;
    launch::mark("webview-built");
    // Set before the window's first draw (it happens on a later turn of the main loop).
    let desktop_is_dark = matches!(window.theme(), Ok(tauri::Theme::Dark));
    let background = launch::background(early.theme.as_deref(), desktop_is_dark);
    if let Err(err) = window.set_background_color(Some(background)) {
        eprintln!("tidings-app: cannot set the window's background: {err}");
    }
    // Before the page's first layout (it happens on a later turn of the main loop).
    launch::lay_out_hidden(&window);
    // Shown when the page is ready (launch_mark), or by then whatever happens.
    std::thread::spawn(move || {
        std::thread::sleep(launch::SHOW_AT_THE_LATEST);
        launch::show(&window);
    });
    Ok(())
}

/// The app's own pages: its bundled UI and the story frame's srcdoc.
fn is_own_page(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "about" => matches!(url.path(), "srcdoc" | "blank"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

/// The D-Bus name base for "one app per library": the bundle identifier and a stable hash of
/// the library's path. Launches on the same library share one window; on different libraries
/// (a test's, a second profile's) they run side by side.
fn single_instance_id(identifier: &str, library: &Path) -> String {
    let absolute = std::fs::canonicalize(library)
        .or_else(|_| std::path::absolute(library))
        .unwrap_or_else(|_| library.to_path_buf());
    // FNV-1a: the same for every build of the app (std's hasher is not promised to be).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in absolute.as_os_str().as_encoded_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{identifier}.library_{hash:016x}")
}

/// The things to open named on a command line (`argv[0]` first), skipping `--library PATH` and
/// other options; relative paths are taken from `cwd`. Arguments that name nothing Tidings can
/// open are reported on stderr and skipped.
fn open_requests_from_args(
    args: impl IntoIterator<Item = OsString>,
    cwd: &Path,
) -> Vec<OpenRequest> {
    let mut requests = Vec::new();
    let mut args = args.into_iter().skip(1);
    let mut options_done = false;
    while let Some(arg) = args.next() {
        if !options_done {
            if arg == "--" {
                options_done = true;
                continue;
            }
            if arg == "--library" {
                args.next();
                continue;
            }
            if arg.to_str().is_some_and(|a| a.starts_with('-')) {
                continue;
            }
        }
        match open_request(&arg, cwd) {
            Ok(request) => requests.push(request),
            Err(why) => eprintln!("tidings-app: not opening {}: {why}", arg.to_string_lossy()),
        }
    }
    requests
}

/// One argument as a request: `feed://host/x` (http), `feed:https://host/x`, `http(s)://…`,
/// `file:///path`, or a path to an existing file.
fn open_request(arg: &OsStr, cwd: &Path) -> Result<OpenRequest, &'static str> {
    if let Some(text) = arg.to_str() {
        if let Some(rest) = strip_prefix_ignore_case(text, "feed:") {
            let target = match rest.strip_prefix("//") {
                Some(after) if has_web_scheme(after) => after.to_owned(),
                Some(after) => format!("http://{after}"),
                None => rest.to_owned(),
            };
            return subscribe(&target);
        }
        if has_web_scheme(text) {
            return subscribe(text);
        }
        if strip_prefix_ignore_case(text, "file:").is_some() {
            let path = url::Url::parse(text)
                .ok()
                .and_then(|u| u.to_file_path().ok())
                .ok_or("not a local file URL")?;
            return import(&path);
        }
        if has_scheme(text) && !cwd.join(text).exists() {
            return Err("not a feed link, web address or file");
        }
    }
    import(&cwd.join(arg))
}

fn subscribe(target: &str) -> Result<OpenRequest, &'static str> {
    let url = url::Url::parse(target).map_err(|_| "not a valid web address")?;
    let web = matches!(url.scheme(), "http" | "https");
    if !web || url.host_str().is_none_or(str::is_empty) {
        return Err("not an http(s) address");
    }
    Ok(OpenRequest::Subscribe {
        url: url.to_string(),
    })
}

fn import(path: &Path) -> Result<OpenRequest, &'static str> {
    if !path.is_file() {
        return Err("no such file");
    }
    let absolute: PathBuf = std::fs::canonicalize(path).map_err(|_| "cannot resolve the path")?;
    let path = absolute
        .into_os_string()
        .into_string()
        .map_err(|_| "the path is not UTF-8")?;
    Ok(OpenRequest::Import { path })
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn has_web_scheme(text: &str) -> bool {
    strip_prefix_ignore_case(text, "http://").is_some()
        || strip_prefix_ignore_case(text, "https://").is_some()
}

/// `scheme:` at the start (RFC 3986: a letter, then letters, digits, `+`, `-`, `.`).
fn has_scheme(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once(':') else {
        return false;
    };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use sha2::{Digest, Sha256};

    fn requests(args: &[&str], cwd: &Path) -> Vec<OpenRequest> {
        let argv = std::iter::once("tidings-app").chain(args.iter().copied());
        open_requests_from_args(argv.map(OsString::from), cwd)
    }

    fn sub(url: &str) -> OpenRequest {
        OpenRequest::Subscribe {
            url: url.to_owned(),
        }
    }

    /// A real file in a fresh folder (removed by the caller).
    fn scratch_file(name: &str) -> (PathBuf, PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("tidings-app-open-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(name);
        std::fs::write(&file, "<opml version=\"2.0\"><body/></opml>").unwrap();
        (
            std::fs::canonicalize(&dir).unwrap(),
            std::fs::canonicalize(&file).unwrap(),
        )
    }

    #[test]
    fn feed_links_and_web_addresses_become_subscriptions() {
        let cwd = Path::new("/");
        assert_eq!(
            requests(
                &[
                    "feed://example.com/rss.xml",
                    "feed:https://example.com/a?b=1",
                    "FEED://https://example.org/atom",
                    "https://news.example/",
                    "HTTP://Example.COM/feed",
                ],
                cwd
            ),
            vec![
                sub("http://example.com/rss.xml"),
                sub("https://example.com/a?b=1"),
                sub("https://example.org/atom"),
                sub("https://news.example/"),
                sub("http://example.com/feed"),
            ]
        );
        // Nothing else is passed on: other schemes, empty hosts, feed: wrapping a non-web URL.
        assert_eq!(
            requests(
                &[
                    "javascript:alert(1)",
                    "feed:javascript:alert(1)",
                    "https://",
                    "mailto:a@b.c",
                    "feed:"
                ],
                cwd
            ),
            vec![]
        );
    }

    #[test]
    fn files_become_imports_with_absolute_paths() {
        let (dir, file) = scratch_file("subs.opml");
        let file_url = url::Url::from_file_path(&file).unwrap().to_string();
        let got = requests(
            &[
                "subs.opml",
                &file_url,
                "missing.opml",
                file.to_str().unwrap(),
            ],
            &dir,
        );
        let import = OpenRequest::Import {
            path: file.to_str().unwrap().to_owned(),
        };
        assert_eq!(got, vec![import.clone(), import.clone(), import]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn options_and_the_library_flag_are_not_requests() {
        let (dir, file) = scratch_file("lib-or-not.opml");
        let name = file.to_str().unwrap();
        assert_eq!(
            requests(
                &["--library", name, &format!("--library={name}"), "--verbose"],
                &dir
            ),
            vec![]
        );
        // After `--`, a name starting with a dash is a file.
        let dashed = dir.join("-x.opml");
        std::fs::write(&dashed, "x").unwrap();
        assert_eq!(
            requests(&["--", "-x.opml"], &dir),
            vec![OpenRequest::Import {
                path: dashed.to_str().unwrap().to_owned()
            }]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn requests_serialize_as_the_documented_json() {
        let json = serde_json::to_string(&[
            sub("https://a.example/feed"),
            OpenRequest::Import {
                path: "/tmp/x.opml".to_owned(),
            },
        ])
        .unwrap();
        assert_eq!(
            json,
            r#"[{"kind":"subscribe","url":"https://a.example/feed"},{"kind":"import","path":"/tmp/x.opml"}]"#
        );
    }

    #[test]
    fn the_window_stays_on_its_own_pages() {
        let own = |u: &str| is_own_page(&tauri::Url::parse(u).unwrap());
        assert!(own("tauri://localhost/index.html"));
        assert!(own("about:srcdoc"));
        assert!(own("about:blank"));
        assert!(!own("https://example.org/story"));
        assert!(!own("tauri://evil.example/"));
        assert!(!own("file:///etc/passwd"));
        assert!(!own("javascript:alert(1)"));
        assert!(!own("data:text/html,hi"));
    }

    #[test]
    fn one_instance_per_library_with_a_valid_dbus_name() {
        let a = single_instance_id(
            "app.tidings.reader",
            Path::new("/nonexistent/a/library.sqlite"),
        );
        let a2 = single_instance_id(
            "app.tidings.reader",
            Path::new("/nonexistent/a/library.sqlite"),
        );
        let b = single_instance_id(
            "app.tidings.reader",
            Path::new("/nonexistent/b/library.sqlite"),
        );
        assert_eq!(a, a2);
        assert_ne!(a, b);
        assert!(a.starts_with("app.tidings.reader.library_"), "{a}");
        assert!(a.len() < 200);
        for element in a.split('.') {
            assert!(
                !element.is_empty() && !element.starts_with(|c: char| c.is_ascii_digit()),
                "{a}"
            );
            assert!(
                element
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{a}"
            );
        }
    }

    /// The story frame's one inline `<style>` must be allowed by hash in the window's CSP
    /// (srcdoc frames inherit it); edit `ui/frame-css.js` and this test gives the new hash.
    #[test]
    fn frame_css_hash_is_in_the_csp() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let js = std::fs::read_to_string(root.join("../ui/frame-css.js")).unwrap();
        let start = js.find("String.raw`").expect("FRAME_CSS template") + "String.raw`".len();
        let end = start + js[start..].find("`;").expect("end of FRAME_CSS");
        let css = &js[start..end];
        assert!(
            css.is_ascii() && !css.contains("${"),
            "keep FRAME_CSS plain ASCII"
        );
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css));
        let conf: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap())
                .unwrap();
        let style_src = conf["app"]["security"]["csp"]["style-src"]
            .as_str()
            .unwrap_or_default();
        assert!(
            style_src.contains(&format!("'sha256-{hash}'")),
            "style-src must allow the frame stylesheet: add 'sha256-{hash}' (and drop the old hash)"
        );
        let script_src = conf["app"]["security"]["csp"]["script-src"]
            .as_str()
            .unwrap_or_default();
        assert!(
            !script_src.contains("unsafe"),
            "no unsafe scripts: {script_src}"
        );
    }
}
