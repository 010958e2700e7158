//! End-to-end tests: the real app binary under Xvfb, driven through tauri-driver and
//! WebKitWebDriver, against temporary library files. `make test` installs what they need.

mod a11y;
mod accounts;
mod autosync;
mod control;
mod harness;
mod highlights;
mod keyboard;
mod launch;
mod manage;
mod reader;
mod saved;
/// Test folders, made as the library's tests make theirs.
#[path = "../../../tests/support/scratch.rs"]
mod scratch;
mod server;
mod storage;
mod webdriver;
mod xcapture;
mod xss;

use std::time::Duration;

use harness::{screenshot_dir, temp_dir, Harness};
use tidings::store::{Library, NewFeed};

const APP: &str = env!("CARGO_BIN_EXE_tidings-app");

/// Waits for the UI to finish its first load and returns its state (`empty`, `ready`, `error`).
fn loaded_state(session: &webdriver::Session) -> String {
    session
        .wait_for(
            "return document.body && document.body.dataset.state || ''",
            Duration::from_secs(30),
        )
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .unwrap_or_else(|e| panic!("the UI never finished loading: {e}"))
}

#[test]
fn reader_journeys() {
    // Subscribe, sync, read, bookmark, mark all read, restart offline, hostile body, languages.
    reader::reader_journeys();
    // The whole XSS corpus, raw and sanitized, opened one story after another.
    xss::every_vector_is_inert_in_the_reader();
}

#[test]
#[ignore = "a measurement on a big library: set TIDINGS_BENCH_LIBRARY (see launch.rs)"]
fn launch_on_a_big_library() {
    launch::launch_on_a_big_library();
}

#[test]
fn accessibility_of_every_view() {
    // axe-core in the running app: every pane, dialog and menu, light and dark.
    a11y::every_view_passes_axe();
}

#[test]
fn keyboard_only_journey() {
    // Add a feed, read, bookmark, search, change a setting and export: keys only.
    keyboard::keyboard_only_journey();
}

#[test]
fn highlights_journey() {
    // The window reads a story's text as the library does (real pages); highlight with the
    // mouse and h, note with n, the Highlights view, search, Markdown export, a revised story,
    // a restart.
    highlights::highlights_journey();
}

#[test]
fn management_journeys() {
    // Search, offline lead images, settings, rename/move/unsubscribe, OPML and bookmark files.
    manage::management_journeys();
}

#[test]
fn control_journey() {
    // #22: one story in three feeds shown once and read as one, rules with their live
    // preview, flagged and muted new stories, a refusing feed, a feed's settings.
    control::control_journey();
}

#[test]
fn saved_pages_journey() {
    // Save a page from the + menu with tags, Saved and the Bookmarks tag filter, tags edited in
    // the reader, a Pocket CSV imported (progress, summary, resumed), read with the server gone.
    saved::saved_pages_journey();
}

#[test]
fn storage_journey() {
    // #24 in the app: Settings → Storage's chart is the file's figures; a budget below the
    // library's size gives up the images of read, unbookmarked stories and old revisions.
    storage::storage_journey();
}

#[test]
fn automatic_sync_journey() {
    // Sync at start (after the stored library is shown) and on the timer, with no key pressed.
    autosync::syncs_at_start_and_on_its_timer();
}

#[test]
fn accounts_journey() {
    // #18 test 8: a real FreshRSS; add the account in Settings, its feeds, read, sync, the
    // server has it read; the server gone is said for that account only.
    accounts::accounts_journey();
}

#[test]
fn skeleton_journeys() {
    // One test function, journeys in sequence: one driver session at a time on two cores.
    empty_library_shows_the_empty_state();
    a_feed_link_on_the_command_line_opens_the_add_dialog_filled_in();
    counts_come_from_the_library_file();
    many_feeds_are_all_listed_and_each_opens();
    an_unreadable_library_is_reported_in_the_window();
}

fn empty_library_shows_the_empty_state() {
    let dir = temp_dir("empty");
    let lib = dir.join("library.sqlite");
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib)]);
    let s = h.launch(APP);
    assert_eq!(s.title().unwrap(), "Tidings");
    assert_eq!(loaded_state(&s), "empty");
    let empty = s.text("#empty-state .empty-title").unwrap();
    assert_eq!(empty, "No subscriptions yet — add a feed or import OPML");
    for pane in ["#sources", "#stories", "#reader"] {
        s.find(pane)
            .unwrap_or_else(|e| panic!("pane {pane} missing: {e}"));
    }
    let png = s.screenshot_png().unwrap();
    assert!(png.starts_with(b"\x89PNG"), "screenshot is not a PNG");
    std::fs::write(screenshot_dir().join("skeleton-empty.png"), png).unwrap();
    s.quit().unwrap();
    // The app created a real library file where it was told to.
    let opened = Library::open(&lib).unwrap();
    assert_eq!(opened.integrity_check().unwrap(), "ok");
}

/// More feeds than the sources pane builds at once (it builds the rest in chunks after the
/// first paint): every feed is listed, in the library's order, with its count, and a feed
/// built late opens with a click and its menu with a right-click.
fn many_feeds_are_all_listed_and_each_opens() {
    use tidings::store::{Extraction, IncomingArticle};
    let dir = temp_dir("many-feeds");
    let lib_path = dir.join("library.sqlite");
    let (order, last) = {
        let mut lib = Library::open(&lib_path).unwrap();
        for i in 0..450 {
            let folder = (i >= 50).then(|| format!("Shelf {}", (i - 50) / 100));
            let (id, _) = lib
                .add_feed(&NewFeed {
                    url: format!("https://example.org/many/{i:03}.xml"),
                    title: Some(format!("Feed {i:03}")),
                    folder,
                    ..NewFeed::default()
                })
                .unwrap();
            let stories = if i == 449 { 3 } else { 1 };
            let items: Vec<IncomingArticle> = (0..stories)
                .map(|n| IncomingArticle {
                    item_key: format!("{i}-{n}"),
                    title: format!("Story {n} of feed {i:03}"),
                    published_at: Some(1_700_000_000 + i * 10 + n),
                    content_text: Some("A line of text.".into()),
                    extraction: Extraction::Feed,
                    ..IncomingArticle::default()
                })
                .collect();
            lib.store_feed_result(id, &Default::default(), &items)
                .unwrap();
        }
        let order: Vec<i64> = lib.feeds().unwrap().iter().map(|f| f.id).collect();
        let last = *order.last().unwrap();
        (order, last)
    };
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path)]);
    let s = h.launch(APP);
    assert_eq!(loaded_state(&s), "ready");
    let listed = reader::wait(
        &s,
        "every feed's row",
        "const rows = document.querySelectorAll('#feed-tree .feed'); \
         const waiting = [...document.querySelectorAll('#feed-tree ul.feeds')] \
           .some(ul => ul.style.minHeight); \
         return rows.length === 450 && !waiting ? [...rows].map(r => Number(r.dataset.feedId)) : null;",
    );
    let listed: Vec<i64> = serde_json::from_value(listed).unwrap();
    assert_eq!(
        listed, order,
        "the rows are not the library's feeds in its order"
    );
    let count = reader::text_of(&s, &format!(".feed[data-feed-id=\"{last}\"] .count"));
    assert_eq!(count, "3", "the last feed's unread count");
    reader::js(
        &s,
        &format!(
            "const b = document.querySelector('.feed[data-feed-id=\"{last}\"]'); \
             b.scrollIntoView(); b.click(); return true"
        ),
    );
    reader::wait(
        &s,
        "the last feed's stories",
        "return document.querySelectorAll('#story-list .story-row').length === 3",
    );
    let current = reader::js(
        &s,
        "const c = document.querySelectorAll('#feed-tree [aria-current]'); \
         return c.length === 1 ? c[0].dataset.feedId : null",
    );
    assert_eq!(
        current,
        last.to_string(),
        "the clicked feed is the current source"
    );
    reader::js(
        &s,
        &format!(
            "const b = document.querySelector('.feed[data-feed-id=\"{last}\"]'); \
             const r = b.getBoundingClientRect(); \
             b.dispatchEvent(new MouseEvent('contextmenu', {{bubbles: true, cancelable: true, \
               clientX: r.left + 10, clientY: r.top + 5}})); return true"
        ),
    );
    reader::wait(
        &s,
        "the feed's menu",
        "const m = document.getElementById('menu'); return !m.hidden && m.textContent.length > 0",
    );
    control::shots(&s, "many-feeds");
}

fn counts_come_from_the_library_file() {
    let dir = temp_dir("counts");
    let lib_path = dir.join("library.sqlite");
    {
        let mut lib = Library::open(&lib_path).unwrap();
        for (i, folder) in ["News", "Tech", "News"].iter().enumerate() {
            lib.add_feed(&NewFeed {
                url: format!("https://example.org/feed{i}.xml"),
                folder: Some(folder.to_string()),
                ..NewFeed::default()
            })
            .unwrap();
        }
    }
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path)]);
    let s = h.launch(APP);
    assert_eq!(loaded_state(&s), "ready");
    let feeds = s
        .execute(
            "return document.getElementById('library-counts').dataset.feeds",
            serde_json::json!([]),
        )
        .unwrap();
    assert_eq!(feeds, "3", "the UI must show the library's real feed count");
    let empty_hidden = s
        .execute(
            "return document.getElementById('empty-state').hidden",
            serde_json::json!([]),
        )
        .unwrap();
    assert_eq!(empty_hidden, true);
    // The page first laid out at the window's size, though the window was still hidden (else
    // it starts at 0x0 and lays out again once shown).
    let viewports = s
        .execute(
            "return [document.body.dataset.startViewport, `${innerWidth}x${innerHeight}`]",
            serde_json::json!([]),
        )
        .unwrap();
    assert_eq!(viewports[0], viewports[1], "{viewports}");
    let png = s.screenshot_png().unwrap();
    std::fs::write(screenshot_dir().join("skeleton-counts.png"), png).unwrap();
    s.quit().unwrap();
}

fn an_unreadable_library_is_reported_in_the_window() {
    let dir = temp_dir("bad");
    let lib_path = dir.join("library.sqlite");
    let junk = b"definitely not sqlite ".repeat(100);
    std::fs::write(&lib_path, &junk).unwrap();
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path)]);
    let s = h.launch(APP);
    assert_eq!(loaded_state(&s), "error");
    let detail = s.text("#error-detail").unwrap();
    assert!(detail.contains("not a Tidings library"), "{detail}");
    s.quit().unwrap();
    assert_eq!(
        std::fs::read(&lib_path).unwrap(),
        junk,
        "the file must be left alone"
    );
}

fn a_feed_link_on_the_command_line_opens_the_add_dialog_filled_in() {
    let dir = temp_dir("open-request");
    let lib = dir.join("library.sqlite");
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib)]);
    // A closed loopback port: nothing answers, and nothing is fetched unless the user confirms.
    let s = h.launch_with_args(APP, &["feed:http://127.0.0.1:9/feed.xml"]);
    loaded_state(&s);
    let filled = s
        .wait_for(
            "const d = document.getElementById('add-dialog');
             return d && d.open ? document.getElementById('add-address').value : ''",
            Duration::from_secs(20),
        )
        .unwrap_or_else(|e| panic!("the add dialog did not open for the link: {e}"));
    assert_eq!(filled, "http://127.0.0.1:9/feed.xml");
    s.quit().unwrap();
    let opened = Library::open(&lib).unwrap();
    assert_eq!(
        opened.summary().unwrap().feeds,
        0,
        "a link never subscribes by itself"
    );
}
