//! Launch: how the window renders, and the launch measurement.
//!
//! Rendering: the app asks WebKitGTK for its software path (`WEBKIT_DISABLE_COMPOSITING_MODE=1`)
//! unless the user set that variable. Measured on the 100k-article library (see DEVELOPERS.md,
//! "Launch"): the GPU compositing path costs about 80 ms before the first stories are painted
//! and about 90 MB of memory across the app's processes, and buys nothing for static pages of
//! text and pictures (the UI has no animation, article bodies no video or canvas).
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
//! `tidings-app: launch: STAGE at N ms` (since `main`): `window-built` from here, and
//! `first-stories` and `library-shown` from the UI once they are painted (`launch_mark`).
//! `scripts/bench-desktop` timestamps these lines to time exec to first stories.

use std::ffi::OsStr;
use std::sync::OnceLock;
use std::time::Instant;

/// The variable WebKitGTK reads for its rendering path; "0" (or unset) means composited.
const COMPOSITING_VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
/// Turns the launch trace on.
const TRACE_VAR: &str = "TIDINGS_LAUNCH_TRACE";
/// The stages the UI may report (anything else is ignored).
const UI_STAGES: &[&str] = &["ready", "first-stories", "library-shown"];
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

/// When `main` started, if the trace is on.
static TRACE_START: OnceLock<Instant> = OnceLock::new();

/// Call first thing in `main`, before any thread exists (it may set an environment variable).
pub fn start() {
    if let Some(value) = compositing_value(std::env::var_os(COMPOSITING_VAR).as_deref()) {
        // Single-threaded here (first line of main), so setting the environment is sound; the
        // web processes WebKit starts later inherit it.
        std::env::set_var(COMPOSITING_VAR, value);
    }
    if trace_enabled(std::env::var_os(TRACE_VAR).as_deref()) {
        let _ = TRACE_START.set(Instant::now());
    }
}

/// What to set the compositing variable to: "1" unless the user chose (any value is theirs).
fn compositing_value(current: Option<&OsStr>) -> Option<&'static str> {
    current.is_none().then_some("1")
}

fn trace_enabled(value: Option<&OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "0")
}

/// Prints the stage's time since `main` when the trace is on.
pub fn mark(stage: &str) {
    if let Some(start) = TRACE_START.get() {
        eprintln!(
            "tidings-app: launch: {stage} at {:.1} ms",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// The UI reports a launch stage (see the module comment); "ready" shows the window.
#[tauri::command]
pub fn launch_mark<R: tauri::Runtime>(window: tauri::WebviewWindow<R>, stage: String) {
    if !UI_STAGES.contains(&stage.as_str()) {
        return;
    }
    if stage == "ready" {
        show(&window);
    }
    mark(&stage);
}

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

    #[test]
    fn software_rendering_is_asked_for_unless_the_user_chose() {
        assert_eq!(compositing_value(None), Some("1"));
        assert_eq!(compositing_value(Some(OsStr::new("0"))), None);
        assert_eq!(compositing_value(Some(OsStr::new("1"))), None);
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
    fn the_trace_is_on_only_when_asked() {
        assert!(!trace_enabled(None));
        assert!(!trace_enabled(Some(OsStr::new(""))));
        assert!(!trace_enabled(Some(OsStr::new("0"))));
        assert!(trace_enabled(Some(OsStr::new("1"))));
    }
}
