//! Launch: how the window renders, and the launch measurement.
//!
//! Rendering: the app asks WebKitGTK for its software path (`WEBKIT_DISABLE_COMPOSITING_MODE=1`)
//! unless the user set that variable. Measured on the 100k-article library (see DEVELOPERS.md,
//! "Launch"): the GPU compositing path costs about 80 ms before the first stories are painted
//! and about 90 MB of memory across the app's processes, and buys nothing for static pages of
//! text and pictures (the UI has no animation, article bodies no video or canvas).
//! With that path chosen, nothing in the app's own process needs OpenGL, yet GTK and WebKit
//! still load the GL driver there (Mesa and LLVM: ~95 ms of the main thread while the window
//! is built): GTK for its GLX visual probe, and WebKit to find a render node for a DMA-BUF
//! renderer it will not use. [`SOFTWARE_PATH`] turns both off. The variables are the app's
//! own: they are removed again for the programs it starts ([`own_variables`]).
//!
//! Background: the window and web view start in the page's own background colour for the
//! stored theme (or the desktop's, for "system"), so a dark window is never white while its
//! page loads.
//!
//! Showing: the window is made hidden and shown when the page reports "ready" (its first
//! stories, or its error, are in the document), or after [`SHOW_AT_THE_LATEST`]. WebKit's
//! software path paints a shown view by waiting up to 500 ms on the main thread for the web
//! process's first frame; a window shown before its web process runs (as soon as GTK draws)
//! froze there for the full 500 ms, with the page's own requests queued behind it.
//!
//! Measurement: with `TIDINGS_LAUNCH_TRACE=1` the app prints one line on stderr per stage,
//! `tidings-app: launch: STAGE at N ms` (since `main`): `library-open`, `early-read`, `setup`,
//! `webview-built` and `window-built` from the app ([`mark`]); `ready`, `first-stories`,
//! `library-shown` and `all-rows` (every feed's row built, the last of them off screen) from
//! the UI once they are in the page or painted (`launch_mark`). With
//! "ready" the UI also sends its own clock ([`PageTiming`]): one more line says when the page
//! started loading (since `main`) and how long after that its parts arrived.
//! `scripts/bench-desktop` timestamps these lines to time exec to first stories.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::Deserialize;

/// The software path: each variable and the value the app sets, unless the user set any of
/// them (then the user is choosing how WebKit renders, and the app sets none).
const SOFTWARE_PATH: &[(&str, &str)] = &[
    // WebKitGTK's rendering path; "0" (or unset) means composited.
    ("WEBKIT_DISABLE_COMPOSITING_MODE", "1"),
    // No DMA-BUF renderer (the software path has no GPU buffers to share), so the web process
    // never opens a render node ...
    ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
    // ... which lets WebKit take this one as named instead of starting EGL in the app's process
    // to look for one as each web process starts. It is never opened (see above).
    ("WEBKIT_WEB_RENDER_DEVICE_FILE", "/dev/dri/renderD128"),
    // GTK draws the window with cairo: no GLX probe of every X visual at start.
    ("GDK_GL", "disable"),
];
/// Turns the launch trace on.
const TRACE_VAR: &str = "TIDINGS_LAUNCH_TRACE";
/// The stages the UI may report (anything else is ignored).
const UI_STAGES: &[&str] = &["ready", "first-stories", "library-shown", "all-rows"];
/// The window is shown by then even if the page never reports "ready" (a script error).
pub const SHOW_AT_THE_LATEST: std::time::Duration = std::time::Duration::from_secs(2);

/// `--bg` of `ui/style.css`, light and dark (a test keeps them equal).
const LIGHT_BACKGROUND: (u8, u8, u8) = (0xfb, 0xfa, 0xf7);
const DARK_BACKGROUND: (u8, u8, u8) = (0x1c, 0x1d, 0x1f);

/// The background for the stored theme setting, or the desktop's when it is "system" or unset.
pub fn background(theme: Option<&str>, desktop_is_dark: bool) -> tauri::window::Color {
    let dark = match theme {
        Some("dark") => true,
        Some("light") => false,
        _ => desktop_is_dark,
    };
    let (r, g, b) = if dark {
        DARK_BACKGROUND
    } else {
        LIGHT_BACKGROUND
    };
    tauri::window::Color(r, g, b, 0xff)
}

/// When `main` started (monotonic, and wall clock for the page's own clock), if the trace is on.
static TRACE_START: OnceLock<(Instant, SystemTime)> = OnceLock::new();

/// The variables [`start`] set.
static OWN_VARIABLES: OnceLock<Vec<&'static str>> = OnceLock::new();

/// Call first thing in `main`, before any thread exists (it may set environment variables).
pub fn start() {
    let settings = software_path(|name| std::env::var_os(name).is_some());
    for (name, value) in &settings {
        // Single-threaded here (first line of main), so setting the environment is sound; the
        // web processes WebKit starts later inherit it.
        std::env::set_var(name, value);
    }
    let _ = OWN_VARIABLES.set(settings.iter().map(|(name, _)| *name).collect());
    if trace_enabled(std::env::var_os(TRACE_VAR).as_deref()) {
        let _ = TRACE_START.set((Instant::now(), SystemTime::now()));
    }
}

/// Whether the launch trace is on (the UI then reports its page timing too).
pub fn trace_on() -> bool {
    TRACE_START.get().is_some()
}

/// What to set for the software path: all of [`SOFTWARE_PATH`], or nothing when the user set
/// any of its variables (any value is theirs, "0" included).
fn software_path(is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    if SOFTWARE_PATH.iter().any(|(name, _)| is_set(name)) {
        return Vec::new();
    }
    SOFTWARE_PATH.to_vec()
}

/// The environment variables the app set for itself: a program it starts (the browser) gets
/// the user's environment without them.
pub fn own_variables() -> &'static [&'static str] {
    OWN_VARIABLES.get().map(Vec::as_slice).unwrap_or_default()
}

fn trace_enabled(value: Option<&OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0")
}

/// Prints the stage's time since `main` when the trace is on.
pub fn mark(stage: &str) {
    if let Some((start, _)) = TRACE_START.get() {
        eprintln!(
            "tidings-app: launch: {stage} at {:.1} ms",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// The page's own clock at "ready", sent only when the trace is on: `time_origin` is the
/// page's navigation start (ms since the Unix epoch, `performance.timeOrigin`); the rest are
/// ms after it: the HTML, the stylesheet and the last module received, the UI's start
/// (`DOMContentLoaded`), and the first rows in the document.
#[derive(Debug, Deserialize)]
pub struct PageTiming {
    time_origin: f64,
    html: f64,
    styles: f64,
    modules: f64,
    start: f64,
    rows: f64,
    /// Every `performance.mark` the page made by then (a finer split when looking into it).
    #[serde(default)]
    marks: BTreeMap<String, f64>,
}

/// The UI reports a launch stage (see the module comment); "ready" shows the window.
#[tauri::command]
pub fn launch_mark<R: tauri::Runtime>(
    window: tauri::WebviewWindow<R>,
    stage: String,
    page: Option<PageTiming>,
) {
    if !UI_STAGES.contains(&stage.as_str()) {
        return;
    }
    if stage == "ready" {
        show(&window);
    }
    mark(&stage);
    if let (Some(page), Some((_, main_wall))) = (page, TRACE_START.get()) {
        eprintln!("tidings-app: launch: {}", page_line(&page, *main_wall));
    }
}

/// `navigation at N ms; page: html +a, …` (N since `main`, the rest after navigation).
fn page_line(page: &PageTiming, main_wall: SystemTime) -> String {
    let main_ms = main_wall
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or_default();
    format!(
        "navigation at {:.1} ms; page: html +{:.0}, styles +{:.0}, modules +{:.0}, start +{:.0}, rows +{:.0} ms",
        page.time_origin - main_ms,
        page.html,
        page.styles,
        page.modules,
        page.start,
        page.rows
    ) + &page
        .marks
        .iter()
        .map(|(name, at)| format!("; {name} +{at:.0}"))
        .collect::<String>()
}

/// Lays the hidden window out at its size, so the page is laid out once, at that size. WebKit
/// sizes the page from the web view's GTK allocation, which a hidden window's children never
/// get: the page started at 0x0 and was laid out again once the window was shown (measured,
/// 6 launches each: first stories on screen 398 -> 378 ms after exec).
#[cfg(target_os = "linux")]
pub fn lay_out_hidden<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    use gtk::prelude::{BinExt, GtkWindowExt, WidgetExt};
    let Ok(gtk_window) = window.gtk_window() else {
        return;
    };
    // The default size until the window is mapped (then whatever the desktop gives it).
    let (width, height) = gtk_window.size();
    // The web view and its box were made hidden along with the window.
    if let Some(child) = gtk_window.child() {
        child.show_all();
    }
    // GTK asks for a size request before an allocation.
    let _ = gtk_window.preferred_size();
    gtk_window.size_allocate(&gtk::Allocation::new(0, 0, width, height));
}

#[cfg(not(target_os = "linux"))]
pub fn lay_out_hidden<R: tauri::Runtime>(_window: &tauri::WebviewWindow<R>) {}

/// Shows the window (once; later calls do nothing visible).
pub fn show<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    if !window.is_visible().unwrap_or(false) {
        if let Err(err) = window.show() {
            eprintln!("tidings-app: cannot show the window: {err}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The modules `main.js` reaches, each named once in `index.html`'s `modulepreload` list:
    /// a module missing there is fetched only after the one importing it has been parsed, one
    /// round trip later at every launch.
    #[test]
    fn every_module_the_page_imports_is_preloaded() {
        use std::collections::BTreeSet;
        let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui");
        let read = |name: &str| {
            std::fs::read_to_string(ui.join(name)).unwrap_or_else(|e| panic!("ui/{name}: {e}"))
        };
        // "dialogs/add.js" importing "../dom.js" reaches "dom.js".
        let resolve = |from: &str, import: &str| {
            let mut parts: Vec<&str> = from.split('/').collect();
            parts.pop();
            for part in import.split('/') {
                match part {
                    "." => {}
                    ".." => {
                        parts.pop();
                    }
                    name => parts.push(name),
                }
            }
            parts.join("/")
        };
        let from = " from \"";
        let mut reached = BTreeSet::new();
        let mut queue = vec!["main.js".to_string()];
        while let Some(module) = queue.pop() {
            let source = read(&module);
            for (i, _) in source.match_indices(from) {
                let rest = &source[i + from.len()..];
                let Some(end) = rest.find('"') else { continue };
                let target = resolve(&module, &rest[..end]);
                if reached.insert(target.clone()) {
                    queue.push(target);
                }
            }
        }
        let html = read("index.html");
        let preloaded: BTreeSet<String> = html
            .split("<link rel=\"modulepreload\" href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(str::to_string)
            .collect();
        assert!(
            reached.len() > 10,
            "the import walk found too little: {reached:?}"
        );
        assert_eq!(
            preloaded, reached,
            "modulepreload list vs the modules main.js imports"
        );
    }

    #[test]
    fn software_rendering_is_asked_for_unless_the_user_chose() {
        let all = software_path(|_| false);
        let names: Vec<&str> = all.iter().map(|(name, _)| *name).collect();
        assert_eq!(
            names,
            [
                "WEBKIT_DISABLE_COMPOSITING_MODE",
                "WEBKIT_DISABLE_DMABUF_RENDERER",
                "WEBKIT_WEB_RENDER_DEVICE_FILE",
                "GDK_GL"
            ]
        );
        assert!(all.contains(&("WEBKIT_DISABLE_COMPOSITING_MODE", "1")));
        // Any one of them set by the user (say WEBKIT_DISABLE_COMPOSITING_MODE=0 for the GPU
        // path, or a DMA-BUF choice): the app sets none, so no half of the path is forced.
        for (user_set, _) in SOFTWARE_PATH {
            assert_eq!(
                software_path(|name| name == *user_set),
                Vec::new(),
                "{user_set}"
            );
        }
    }

    #[test]
    fn the_background_follows_the_theme_and_matches_the_page() {
        let rgb = |c: tauri::window::Color| (c.0, c.1, c.2);
        assert_eq!(rgb(background(Some("dark"), false)), DARK_BACKGROUND);
        assert_eq!(rgb(background(Some("light"), true)), LIGHT_BACKGROUND);
        assert_eq!(rgb(background(Some("system"), true)), DARK_BACKGROUND);
        assert_eq!(rgb(background(None, false)), LIGHT_BACKGROUND);
        let css = include_str!("../../ui/style.css");
        for (r, g, b) in [LIGHT_BACKGROUND, DARK_BACKGROUND] {
            let bg = format!("--bg: #{r:02x}{g:02x}{b:02x};");
            assert!(css.contains(&bg), "ui/style.css has no {bg}");
        }
    }

    #[test]
    fn the_page_timing_reads_against_main() {
        let main_wall = UNIX_EPOCH + std::time::Duration::from_millis(1_000_000);
        let page: PageTiming = serde_json::from_str(
            r#"{"time_origin":1000250.0,"html":20,"styles":31.4,"modules":70,"start":90,"rows":128.6}"#,
        )
        .unwrap();
        assert_eq!(
            page_line(&page, main_wall),
            "navigation at 250.0 ms; page: html +20, styles +31, modules +70, start +90, rows +129 ms"
        );
    }

    #[test]
    fn the_trace_is_on_only_when_asked() {
        assert!(!trace_enabled(None));
        assert!(!trace_enabled(Some(OsStr::new(""))));
        assert!(!trace_enabled(Some(OsStr::new("0"))));
        assert!(trace_enabled(Some(OsStr::new("1"))));
    }
}
