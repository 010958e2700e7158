//! What the window needs before its page runs, read on a thread while GTK and the web view
//! start: the first page of the first list ("All unread") and the stored theme.
//!
//! The page is set as a global by an init script (main frame only) before the page's own
//! scripts run: the list paints its first stories without waiting for an IPC round trip.
//! `ui/api.js` takes it once, for the first request of that list, and asks the app for
//! everything else. If it is missing (no library, an error), the UI asks as usual. The theme
//! picks the window's background before the page paints (`launch::background`).

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde::Serialize;
use tidings::store::{Library, StoryList, StoryPage};

/// The global the init script sets.
const GLOBAL: &str = "__TIDINGS_FIRST_PAGE__";
/// The size of the UI's first page of a list (`PAGE` in `ui/list.js`; a test keeps them equal).
pub const LIMIT: i64 = 100;

/// What the UI gets: the list's kind (as the UI names it), the limit asked for, and the page.
#[derive(Serialize)]
struct FirstPage<'a> {
    list: &'static str,
    limit: i64,
    page: &'a StoryPage,
}

/// What was read early; empty when there is no library or a read failed.
#[derive(Default)]
pub struct EarlyRead {
    page: Option<StoryPage>,
    /// The stored `theme` setting ("system", "light" or "dark"), if any.
    pub theme: Option<String>,
}

/// Starts reading on its own thread.
pub fn spawn(library: Option<Arc<Mutex<Library>>>) -> Option<JoinHandle<EarlyRead>> {
    let library = library?;
    std::thread::Builder::new()
        .name("first-page".into())
        .spawn(move || {
            let Ok(lib) = library.lock() else {
                return EarlyRead::default();
            };
            let page = lib
                .story_page(&StoryList::Unread, None, LIMIT)
                .map_err(|err| eprintln!("tidings-app: cannot read the first stories early: {err}"))
                .ok();
            let theme = lib.setting("ui.theme").ok().flatten();
            crate::launch::mark("early-read");
            EarlyRead { page, theme }
        })
        .ok()
}

/// Waits for what [`spawn`] reads (it is done long before GTK is).
pub fn finish(reading: Option<JoinHandle<EarlyRead>>) -> EarlyRead {
    reading
        .and_then(|handle| handle.join().ok())
        .unwrap_or_default()
}

impl EarlyRead {
    /// The init script: the first page as a global, and an explicit light or dark theme on
    /// the root element (user scripts run once it exists, before the page's first paint, so
    /// a dark window never paints light first). `None` when there is neither.
    pub fn script(&self) -> Option<String> {
        let page = self.page.as_ref().and_then(script_for);
        let theme = match self.theme.as_deref() {
            // Only the two names the stylesheet knows; anything else is left to the UI.
            Some(theme @ ("light" | "dark")) => Some(format!(
                "document.documentElement.dataset.theme = \"{theme}\";"
            )),
            _ => None,
        };
        let parts: Vec<String> = page.into_iter().chain(theme).collect();
        (!parts.is_empty()).then(|| parts.join("\n"))
    }
}

fn script_for(page: &StoryPage) -> Option<String> {
    let json = serde_json::to_string(&FirstPage {
        list: "unread",
        limit: LIMIT,
        page,
    })
    .ok()?;
    // JSON is a JavaScript expression: strings from feeds stay string literals.
    Some(format!("window.{GLOBAL} = {json};"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_the_uis_first_page() {
        let list_js = include_str!("../../ui/list.js");
        assert!(
            list_js.contains(&format!("export const PAGE = {LIMIT};")),
            "ui/list.js's PAGE must equal first_page::LIMIT"
        );
        let api_js = include_str!("../../ui/api.js");
        assert!(api_js.contains(GLOBAL), "ui/api.js must read {GLOBAL}");
    }

    #[test]
    fn a_library_page_becomes_a_script_setting_the_global() {
        let dir = std::env::temp_dir().join(format!("tidings-first-page-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let library = Library::open(&dir.join("library.sqlite")).unwrap();
        library.set_setting("ui.theme", "dark").unwrap();
        let early = finish(spawn(Some(Arc::new(Mutex::new(library)))));
        assert_eq!(early.theme.as_deref(), Some("dark"));
        let script = early
            .script()
            .expect("an empty library still has a first page");
        let (page, theme) = script.split_once('\n').unwrap();
        assert_eq!(theme, "document.documentElement.dataset.theme = \"dark\";");
        assert!(
            page.starts_with("window.__TIDINGS_FIRST_PAGE__ = {"),
            "{page}"
        );
        let json = page
            .trim_start_matches("window.__TIDINGS_FIRST_PAGE__ = ")
            .trim_end_matches(';');
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(value["list"], "unread");
        assert_eq!(value["limit"], LIMIT);
        assert_eq!(value["page"]["stories"].as_array().map(Vec::len), Some(0));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_an_explicit_light_or_dark_theme_is_set_early() {
        let with = |theme: &str| EarlyRead {
            page: None,
            theme: Some(theme.to_string()),
        };
        assert!(with("light")
            .script()
            .unwrap()
            .contains("theme = \"light\""));
        assert!(with("system").script().is_none());
        assert!(with("\";alert(1);\"").script().is_none());
    }

    #[test]
    fn no_library_no_script() {
        assert!(spawn(None).is_none());
        let early = finish(None);
        assert!(early.script().is_none() && early.theme.is_none());
    }
}
