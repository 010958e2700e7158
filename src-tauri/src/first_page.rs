//! The first page of the first list ("All unread"), handed to the window with its page.
//!
//! Read on a thread while GTK and the web view start, then set as a global by an init script
//! (main frame only) before the page's own scripts run: the list paints its first stories
//! without waiting for an IPC round trip. `ui/api.js` takes it once, for the first request of
//! that list, and asks the app for everything else. If it is missing (no library, an error),
//! the UI asks as usual.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde::Serialize;
use tidings::store::{Library, StoryList, StoryPage};

/// The global the init script sets.
const GLOBAL: &str = "__TIDINGS_FIRST_PAGE__";
/// The size of the UI's first page of a list (`PAGE` in `ui/app.js`; a test keeps them equal).
pub const LIMIT: i64 = 100;

/// What the UI gets: the list's kind (as the UI names it), the limit asked for, and the page.
#[derive(Serialize)]
struct FirstPage<'a> {
    list: &'static str,
    limit: i64,
    page: &'a StoryPage,
}

/// Starts reading the page on its own thread.
pub fn spawn(library: Option<Arc<Mutex<Library>>>) -> Option<JoinHandle<Option<StoryPage>>> {
    let library = library?;
    std::thread::Builder::new()
        .name("first-page".into())
        .spawn(move || {
            let lib = library.lock().ok()?;
            match lib.story_page(&StoryList::Unread, None, LIMIT) {
                Ok(page) => Some(page),
                Err(err) => {
                    eprintln!("tidings-app: cannot read the first stories early: {err}");
                    None
                }
            }
        })
        .ok()
}

/// The init script for the page read by [`spawn`], if it was read.
pub fn script(reading: Option<JoinHandle<Option<StoryPage>>>) -> Option<String> {
    let page = reading?.join().ok()??;
    script_for(&page)
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
        let app_js = include_str!("../../ui/app.js");
        assert!(
            app_js.contains(&format!("const PAGE = {LIMIT};")),
            "ui/app.js's PAGE must equal first_page::LIMIT"
        );
        let api_js = include_str!("../../ui/api.js");
        assert!(api_js.contains(GLOBAL), "ui/api.js must read {GLOBAL}");
    }

    #[test]
    fn a_library_page_becomes_a_script_setting_the_global() {
        let dir = std::env::temp_dir().join(format!("tidings-first-page-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let library = Library::open(&dir.join("library.sqlite")).unwrap();
        let handle = spawn(Some(Arc::new(Mutex::new(library))));
        let script = script(handle).expect("an empty library still has a first page");
        assert!(
            script.starts_with("window.__TIDINGS_FIRST_PAGE__ = {"),
            "{script}"
        );
        let json = script
            .trim_start_matches("window.__TIDINGS_FIRST_PAGE__ = ")
            .trim_end_matches(';');
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(value["list"], "unread");
        assert_eq!(value["limit"], LIMIT);
        assert_eq!(value["page"]["stories"].as_array().map(Vec::len), Some(0));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn no_library_no_script() {
        assert!(spawn(None).is_none());
        assert!(script(None).is_none());
    }
}
