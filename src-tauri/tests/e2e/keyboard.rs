//! The keyboard-only journey: from an empty library, with WebDriver key events only (no click,
//! no script that acts): add a feed served on 127.0.0.1 (`+`, type, Enter, Enter), read its
//! stories (`j`), bookmark one (`s`), search (`/`, type, Enter), change a setting (F10, the
//! menu's arrows, a letter in a list) and export the bookmarks (F10, arrows, type a path,
//! Enter). Scripts only read what the page shows; the library file and the exported file are
//! checked after.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use super::harness::{temp_dir, Harness};
use super::reader::{js, now, shot, wait, ENTER};
use super::server::{Reply, Server};
use super::webdriver::Session;
use super::APP;

pub const ESCAPE: &str = "\u{E00C}";
pub const ARROW_DOWN: &str = "\u{E015}";
pub const F10: &str = "\u{E03A}";
pub const TAB: &str = "\u{E004}";
pub const SHIFT: &str = "\u{E008}";

/// An RSS 2.0 feed of two stories with their full text, dated minutes ago.
fn feed(base: &str) -> String {
    let date = |minutes: i64| {
        let at = now() - minutes * 60;
        // RFC 822 in UTC, from the Unix time (no date crate in the tests).
        let days = at.div_euclid(86400);
        let secs = at.rem_euclid(86400);
        let (y, m, d) = civil(days);
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "{d:02} {} {y} {:02}:{:02}:{:02} +0000",
            MONTHS[(m - 1) as usize],
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )
    };
    let item = |n: usize, title: &str, minutes: i64| {
        format!(
            "<item><title>{title}</title><link>{base}/story/{n}</link><guid>{base}/story/{n}</guid>\
             <pubDate>{}</pubDate><description>&lt;p&gt;{title}: the lighthouse keeper's \
             log, in full. {}&lt;/p&gt;</description></item>",
            date(minutes),
            "The lamp was lit at dusk and the sea stayed calm all night. ".repeat(30)
        )
    };
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Keyboard Gazette</title>\
         <link>{base}/</link><description>Stories for the keyboard journey</description>{}{}\
         </channel></rss>",
        item(1, "Lighthouse log for Monday", 10),
        item(2, "Tide clock repaired", 30)
    )
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

pub fn press(s: &Session, keys: &str) {
    s.press(keys)
        .unwrap_or_else(|e| panic!("pressing {keys:?}: {e}"));
}

/// The id of the element that has focus (what the next key goes to).
fn focused(s: &Session) -> String {
    js(
        s,
        "return document.activeElement ? document.activeElement.id : ''",
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// F10 opens the app menu; `keys` move to the item `action`; Enter opens its dialog `dialog`.
fn app_menu_item(s: &Session, keys: &str, action: &str, dialog: &str) {
    press(s, F10);
    wait(
        s,
        "the app menu",
        "return !document.getElementById('menu').hidden",
    );
    press(s, keys);
    assert_eq!(
        js(s, "return document.activeElement.dataset.action"),
        action
    );
    press(s, ENTER);
    wait(
        s,
        dialog,
        &format!("return document.getElementById({dialog:?}).open"),
    );
}

pub fn keyboard_only_journey() {
    let dir = temp_dir("keyboard");
    let lib_path = dir.join("library.sqlite");
    let export = dir.join("bookmarks.html");
    let feed_hits = Arc::new(AtomicUsize::new(0));
    let server = {
        let hits = Arc::clone(&feed_hits);
        let base = Arc::new(std::sync::OnceLock::<String>::new());
        let served = Arc::clone(&base);
        let server = Server::start(move |request| {
            if request.path == "/feed.xml" {
                hits.fetch_add(1, Ordering::SeqCst);
                Reply::ok(
                    "application/rss+xml",
                    feed(served.get().map(String::as_str).unwrap_or("")),
                )
            } else {
                Reply::not_found()
            }
        });
        let _ = base.set(server.url(""));
        server
    };
    let feed_url = server.url("/feed.xml");

    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path)]);
    let s = h.launch(APP);
    wait(
        &s,
        "the empty library",
        "return document.body.dataset.loaded && document.body.dataset.state === 'empty'",
    );
    assert_eq!(focused(&s), "story-list", "the list has focus at start");

    // Add the feed: "+", the address, Enter finds it, Enter subscribes (then it syncs).
    press(&s, "+");
    wait(
        &s,
        "the add dialog",
        "return document.getElementById('add-dialog').open",
    );
    assert_eq!(focused(&s), "add-address");
    press(&s, &format!("{feed_url}{ENTER}"));
    wait(
        &s,
        "the feed found",
        "return document.body.dataset.addFound",
    );
    assert_eq!(
        js(
            &s,
            "return document.getElementById('found-title').textContent"
        ),
        "Keyboard Gazette"
    );
    press(&s, ENTER);
    wait(
        &s,
        "the dialog closed",
        "return !document.getElementById('add-dialog').open",
    );
    assert_eq!(focused(&s), "story-list", "focus came back to the list");
    wait(
        &s,
        "the feed's stories",
        "return document.body.dataset.sync === 'idle' && document.querySelectorAll('.story-row').length === 2",
    );
    assert!(feed_hits.load(Ordering::SeqCst) >= 1);

    // Read: j opens the first story; its row says it is read now.
    press(&s, "j");
    wait(
        &s,
        "the story open",
        "return document.getElementById('story-frame').dataset.loaded",
    );
    let first = js(&s, "return document.body.dataset.open")
        .as_str()
        .unwrap_or_default()
        .to_string();
    let row_name = js(
        &s,
        &format!("return document.getElementById('story-{first}').getAttribute('aria-label')"),
    );
    assert!(
        row_name
            .as_str()
            .unwrap_or_default()
            .starts_with("Lighthouse log"),
        "{row_name}"
    );

    // Bookmark it: s.
    press(&s, "s");
    wait(
        &s,
        "the bookmark",
        "return document.getElementById('bookmark-toggle').getAttribute('aria-pressed') === 'true'",
    );

    // Search: "/", a word, Enter opens the first hit.
    press(&s, "/");
    assert_eq!(focused(&s), "search-input");
    press(&s, "clock");
    wait(&s, "one result", "return document.body.dataset.list === 'search' && document.querySelectorAll('.story-row').length === 1");
    press(&s, ENTER);
    wait(
        &s,
        "the hit open",
        &format!("return document.body.dataset.open && document.body.dataset.open !== '{first}'"),
    );
    // Esc closes the story, Esc again leaves search.
    press(&s, ESCAPE);
    press(&s, ESCAPE);
    wait(
        &s,
        "back to the list",
        "return document.body.dataset.list === 'unread'",
    );

    // Storage is the item before it (End, Up); Esc closes it.
    app_menu_item(&s, "\u{E010}\u{E013}", "storage", "storage-dialog"); // End, Up
    press(&s, ESCAPE);
    wait(
        &s,
        "the storage dialog closed",
        "return !document.getElementById('storage-dialog').open",
    );

    // A setting: F10 opens the app menu; the last item is Settings; "d" picks the dark theme.
    app_menu_item(&s, "\u{E010}", "settings", "settings-dialog"); // End
    assert_eq!(focused(&s), "set-theme");
    press(&s, "d");
    wait(
        &s,
        "the dark theme",
        "return document.documentElement.dataset.theme === 'dark'",
    );
    shot(&s, "keyboard-settings-dark.png");
    press(&s, ESCAPE);
    wait(
        &s,
        "settings closed",
        "return !document.getElementById('settings-dialog').open",
    );

    // Export the bookmarks as a web page: F10, down to it, a path typed over the suggested one.
    app_menu_item(&s, &ARROW_DOWN.repeat(2), "export-html", "file-dialog");
    assert_eq!(focused(&s), "file-path");
    press(&s, &format!("{}{ENTER}", export.display()));
    wait(
        &s,
        "the export",
        "return !document.getElementById('file-dialog').open",
    );
    assert_eq!(
        focused(&s),
        "story-list",
        "focus back where the menu was opened from"
    );
    wait(
        &s,
        "the export's message",
        "return document.getElementById('status-line').textContent === 'Exported 1 bookmark.'",
    );
    shot(&s, "keyboard-exported.png");

    // Unsubscribe: Shift+Tab back to the feed in the sources pane, Shift+F10 for its menu,
    // End, Enter; Tab to the confirm button, Enter. The feed's button is gone with it, so
    // focus goes to the list (not lost to the page).
    let mut on_feed = false;
    for _ in 0..30 {
        s.press_with(SHIFT, TAB).unwrap();
        on_feed = js(
            &s,
            "return document.activeElement.classList.contains('feed')",
        ) == true;
        if on_feed {
            break;
        }
    }
    assert!(on_feed, "Shift+Tab reaches the feed in the sources pane");
    s.press_with(SHIFT, F10).unwrap();
    wait(
        &s,
        "the feed's menu",
        "return (document.getElementById('menu').dataset.menu || '').startsWith('feed:') \
         && !document.getElementById('menu').hidden",
    );
    press(&s, &format!("\u{E010}{ENTER}")); // End, Enter
    wait(
        &s,
        "the unsubscribe dialog",
        "return document.getElementById('unsubscribe-dialog').open",
    );
    assert_eq!(focused(&s), "unsubscribe-cancel", "the safe choice first");
    press(&s, &format!("{TAB}{ENTER}"));
    wait(
        &s,
        "unsubscribed",
        "return !document.getElementById('unsubscribe-dialog').open \
         && document.querySelectorAll('#feed-tree .feed').length === 0",
    );
    assert_eq!(focused(&s), "story-list", "focus is not lost with the feed");
    s.quit().unwrap();

    let html = std::fs::read_to_string(&export).expect("the exported file");
    assert!(
        html.contains("Lighthouse log for Monday"),
        "the bookmark is in the export"
    );
    assert!(
        !html.contains("Tide clock repaired"),
        "only bookmarks are exported"
    );
    let lib = tidings::store::Library::open(&lib_path).unwrap();
    assert_eq!(
        lib.ui_settings().unwrap()["theme"],
        "dark",
        "the setting was stored"
    );
    let summary = lib.summary().unwrap();
    assert_eq!(
        (summary.feeds, summary.bookmarked),
        (0, 1),
        "the bookmark is kept"
    );
}
