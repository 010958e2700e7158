//! The reader journeys, against a real local HTTP server and a real library file: a library
//! subscribed (through the library's own API) to a feed on the server; sync with `r` (the feed
//! answers 304 only when the validators it issued come back, and the request log shows they
//! did; slowly, so the progress shows; a story's page answers 404, so it stays a teaser and
//! says why); read with the keyboard, bookmark, mark all read, open the original through a
//! stand-in `xdg-open`; the add dialog's errors and "subscribe anyway"
//! with a failed feed listed after the sync; then a restart with the server gone: the bookmark
//! reads offline, sync says "offline", a hostile stored body runs no script, and Arabic and
//! Chinese stories get their `lang` and `dir`.
//!
//! The feed parser and the extractor are other engineers' work in progress: this journey does
//! not need them (304 and 404 are handled before parsing). Once they land, add a journey that
//! subscribes to a served RSS document through the dialog and sees its stories arrive.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::harness::{assert_shown_near_midday, screenshot_dir, temp_dir, Harness};
use super::server::{Reply, Request, Server};
use super::webdriver::Session;
use super::APP;

pub const WAIT: Duration = Duration::from_secs(30);
pub const ENTER: &str = "\u{E007}";

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The test feed's stories: (number, title, minutes ago, full text in the feed or not).
const STORIES: &[(usize, &str, i64, bool)] = &[
    (4, "Harbour lights return to the old town", 5, true),
    (3, "Night trains are back on the northern line", 40, true),
    (2, "Council publishes the budget in brief", 90, false),
    (1, "A quiet week at the observatory", 150, true),
];

fn long_text(n: usize) -> String {
    let sentence = format!(
        "Story {n} goes on in calm and even sentences, the kind of prose that reads well offline on a train. "
    );
    let link = format!("<p>More on <a href=\"https://example.org/more/{n}\">the wire</a>.</p>");
    format!("<p>{}</p>", sentence.repeat(12)).repeat(3) + &link
}

/// The validators the test feed issues: its ETag and Last-Modified.
const ETAG: &str = "\"wire-1\"";
const LAST_MODIFIED: &str = "Tue, 05 May 2026 08:00:00 GMT";

/// A library subscribed to `feed_url` (in folder "News") with `STORIES` stored as the last
/// sync left them, and the feed's validators. Story 2 is still waiting for its page. Returns
/// the time the stories are dated from (each `STORIES` minutes before it).
fn build_library(lib_path: &Path, base: &str, feed_url: &str) -> i64 {
    use tidings::store::{FeedUpdate, IncomingArticle, Library, NewFeed};
    let mut lib = Library::open(lib_path).unwrap();
    let (feed, _) = lib
        .add_feed(&NewFeed {
            url: feed_url.to_string(),
            title: Some("Tidings Test Wire".into()),
            folder: Some("News".into()),
            trusted_host: true,
            ..NewFeed::default()
        })
        .unwrap();
    let at = now();
    let items: Vec<IncomingArticle> = STORIES
        .iter()
        .map(|(n, title, minutes, full)| IncomingArticle {
            item_key: format!("{base}/story/{n}"),
            url: Some(format!("{base}/story/{n}")),
            title: title.to_string(),
            author: Some("Ada Reporter".into()),
            published_at: Some(at - minutes * 60),
            teaser_html: Some(format!("<p>Teaser of story {n}.</p>")),
            content_html: full.then(|| long_text(*n)),
            content_text: Some(if *full {
                format!("Story {n} goes on in calm and even sentences.")
            } else {
                format!("Teaser of story {n}.")
            }),
            extraction: if *full {
                tidings::store::Extraction::Feed
            } else {
                tidings::store::Extraction::Pending
            },
            ..IncomingArticle::default()
        })
        .collect();
    let update = FeedUpdate {
        title: Some("Tidings Test Wire".into()),
        format: Some("rss2.0".into()),
        etag: Some(ETAG.into()),
        last_modified: Some(LAST_MODIFIED.into()),
        ..FeedUpdate::default()
    };
    lib.store_feed_result(feed, &update, &items).unwrap();
    at
}

pub fn js(s: &Session, script: &str) -> Value {
    s.execute(script, json!([]))
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Waits for `script` to return something truthy; on time-out saves `failure.png` and shows
/// the page's text.
pub fn wait(s: &Session, what: &str, script: &str) -> Value {
    s.wait_for(script, WAIT).unwrap_or_else(|e| {
        if let Ok(png) = s.screenshot_png() {
            let _ = std::fs::write(screenshot_dir().join("failure.png"), png);
        }
        let page = s
            .execute("return document.body.innerText", json!([]))
            .unwrap_or_default();
        panic!("waiting for {what}: {e}\npage text:\n{page}")
    })
}

pub fn text_of(s: &Session, css: &str) -> String {
    js(
        s,
        &format!("const e = document.querySelector({css:?}); return e ? e.textContent : null;"),
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

pub fn key(s: &Session, keys: &str) {
    s.send_keys("#story-list", keys)
        .unwrap_or_else(|e| panic!("typing {keys:?}: {e}"));
}

pub fn shot(s: &Session, name: &str) {
    let png = s.screenshot_png().unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    std::fs::write(screenshot_dir().join(name), png).unwrap();
}

/// The srcdoc of the story frame once it has loaded story `id`.
pub fn frame_for(s: &Session, id: &str) -> String {
    wait(
        s,
        &format!("story {id} in the frame"),
        &format!(
            "const f = document.getElementById('story-frame'); \
             return f.dataset.loaded === {id:?} ? f.srcdoc : '';"
        ),
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

pub fn open_id(s: &Session) -> String {
    wait(
        s,
        "an open story",
        "return document.body.dataset.open || ''",
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// A stand-in for `xdg-open` that records the URL it was given.
fn fake_opener(dir: &Path) -> (PathBuf, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.join("opened.txt");
    let script = bin.join("xdg-open");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (PathBuf::from(path), log)
}

pub fn reader_journeys() {
    let dir = temp_dir("reader");
    let lib_path = dir.join("library.sqlite");
    let (path_env, opened_log) = fake_opener(&dir);

    // The server: the feed is unchanged (304, slowly) for a client that sends back the
    // validators it issued; any other client gets the whole feed, with a story that gives it
    // away. Every story page is missing (404).
    let server = Server::start(|req: &Request| {
        if req.path != "/feed.xml" {
            return Reply::not_found();
        }
        let reply = if req.header("if-none-match") == Some(ETAG) {
            Reply::not_modified()
        } else {
            Reply::ok("application/rss+xml", UNCONDITIONAL_FEED)
        };
        reply
            .header("ETag", ETAG)
            .header("Last-Modified", LAST_MODIFIED)
            .delayed(Duration::from_millis(1500))
    });
    let feed_url = server.url("/feed.xml");
    let dated_from = build_library(&lib_path, &server.url(""), &feed_url);

    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path), ("PATH", &path_env)]);
    let s = h.launch(APP);
    shows_the_library_at_once(&s, dated_from);
    sync_with_r(&s, &server);
    assert_eq!(
        server.requests_for("/story/2").len(),
        1,
        "story 2's page was asked for"
    );
    let bookmarked = read_bookmark_and_mark_all(&s, &server.url("/story/3"), &opened_log);
    add_dialog_errors_and_subscribe_anyway(&s, &server.url("/missing.xml"));
    // The sync after subscribing asked for the feed again, with the same validators.
    assert_conditional_gets(&server, 2);
    s.quit().unwrap();
    drop(h);

    // Offline: the server is gone; a few stories are written straight into the file.
    drop(server);
    let ids = insert_raw_stories(&lib_path);
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path), ("PATH", &path_env)]);
    let s = h.launch(APP);
    read_offline(&s, &bookmarked);
    hostile_body_runs_no_script(&s, ids.hostile);
    languages_and_directions(&s, ids.arabic, ids.chinese);
    a_story_kept_from_its_feed_says_why(&s, ids.kept_from_feed);
    embedded_media_reads_as_links(&s, ids.embedded);
    s.quit().unwrap();

    let lib = tidings::store::Library::open(&lib_path).unwrap();
    let summary = lib.summary().unwrap();
    assert_eq!(summary.bookmarked, 1, "the bookmark is in the file");
    drop(h);

    long_lists_are_paged();
}

/// What the feed answers a request without its validators: a story the journey would show.
const UNCONDITIONAL_FEED: &str = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>\
    <title>Tidings Test Wire</title><link>http://127.0.0.1/</link>\
    <item><guid>unconditional</guid><title>Fetched without validators</title></item>\
    </channel></rss>";

/// The feed was asked for `count` times, each time as a conditional GET carrying the
/// validators the server issued (which is what earned the 304s).
fn assert_conditional_gets(server: &Server, count: usize) {
    let asked = server.requests_for("/feed.xml");
    assert_eq!(asked.len(), count, "feed requests: {asked:#?}");
    for req in &asked {
        assert_eq!(
            (req.header("if-none-match"), req.header("if-modified-since")),
            (Some(ETAG), Some(LAST_MODIFIED)),
            "a feed request without the stored validators: {req:#?}"
        );
    }
}

/// 700 stories, 40 minutes apart: the list arrives 100 first, then 500 at a time, grouped by
/// day; scrolling (or `j` past the last loaded row) fetches the next page; only the rows near
/// the visible part of the list are in the page (the list is virtualized).
fn long_lists_are_paged() {
    use tidings::store::{FeedUpdate, IncomingArticle, Library, NewFeed};
    let dir = temp_dir("paged");
    let lib_path = dir.join("library.sqlite");
    {
        let mut lib = Library::open(&lib_path).unwrap();
        let (feed, _) = lib
            .add_feed(&NewFeed {
                url: "https://example.org/busy.xml".into(),
                title: Some("Busy Wire".into()),
                ..NewFeed::default()
            })
            .unwrap();
        let at = now();
        let items: Vec<IncomingArticle> = (0..700)
            .map(|i| IncomingArticle {
                item_key: format!("busy-{i}"),
                url: Some(format!("https://example.org/busy/{i}")),
                title: format!("Busy story {i}"),
                published_at: Some(at - i * 40 * 60),
                content_html: Some(format!("<p>Body of busy story {i}.</p>")),
                content_text: Some(format!("Body of busy story {i}.")),
                extraction: tidings::store::Extraction::Feed,
                ..IncomingArticle::default()
            })
            .collect();
        lib.store_feed_result(feed, &FeedUpdate::default(), &items)
            .unwrap();
    }
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path)]);
    let s = h.launch(APP);
    wait(&s, "the first load", "return document.body.dataset.loaded");
    assert_eq!(text_of(&s, "#count-unread"), "700");
    let loaded = "return Number(document.getElementById('story-list').dataset.count)";
    let in_page = "return document.querySelectorAll('.story-row').length";
    assert_eq!(js(&s, loaded), 100, "the first page only");
    let rendered = js(&s, in_page).as_i64().unwrap();
    assert!(
        (10..=50).contains(&rendered),
        "one chunk of rows is in the page, not 100: {rendered}"
    );
    let days = js(&s, "return document.querySelectorAll('.day-head').length");
    assert!(days.as_i64().unwrap() >= 2, "grouped by day: {days}");
    js(
        &s,
        "const l = document.getElementById('story-list'); l.scrollTop = l.scrollHeight; return true;",
    );
    wait(
        &s,
        "the second page",
        "return Number(document.getElementById('story-list').dataset.count) === 600",
    );
    // At the bottom: the last rows are there, the first ones are not.
    js(
        &s,
        "const l = document.getElementById('story-list'); l.scrollTop = l.scrollHeight - l.clientHeight; return true;",
    );
    wait(
        &s,
        "the last loaded rows",
        "return !!document.querySelector('.story-row[data-index=\"599\"]') \
         && !document.querySelector('.story-row[data-index=\"0\"]')",
    );
    let rendered = js(&s, in_page).as_i64().unwrap();
    assert!(
        rendered <= 150,
        "600 stories loaded, {rendered} rows in the page"
    );
    shot(&s, "reader-long-list.png");
    // j past the last loaded row fetches the last page and opens the next story.
    js(
        &s,
        "document.querySelector('.story-row[data-index=\"599\"]').click(); return true;",
    );
    wait(&s, "story 599 open", "return document.body.dataset.open");
    key(&s, "j");
    wait(
        &s,
        "the last page",
        "return Number(document.getElementById('story-list').dataset.count) === 700 \
         && !document.querySelector('.list-more')",
    );
    let id = wait(
        &s,
        "row 600",
        "const r = document.querySelector('.story-row[data-index=\"600\"]'); return r ? r.dataset.id : '';",
    );
    let doc = frame_for(&s, id.as_str().unwrap());
    assert!(doc.contains("Busy story 600"), "{doc}");
    // Back to the top: the first rows come back.
    js(
        &s,
        "document.getElementById('story-list').scrollTop = 0; return true;",
    );
    let first = wait(
        &s,
        "the first rows again",
        "const r = document.querySelector('.story-row[data-index=\"0\"] .row-title'); return r ? r.textContent : '';",
    );
    assert_eq!(first, "Busy story 0");
    s.quit().unwrap();
}

fn shows_the_library_at_once(s: &Session, dated_from: i64) {
    wait(s, "the first load", "return document.body.dataset.loaded");
    assert_eq!(js(s, "return document.body.dataset.state"), "ready");
    assert_eq!(text_of(s, "#count-unread"), "4");
    assert_eq!(text_of(s, "#count-today"), "4");
    assert_eq!(text_of(s, ".folder-name .source-name"), "News");
    assert_eq!(text_of(s, ".feed .source-name"), "Tidings Test Wire");
    assert_eq!(text_of(s, ".feed .count"), "4");
    let titles = js(
        s,
        "return Array.from(document.querySelectorAll('.story-row .row-title')).map(t => t.textContent)",
    );
    let expected: Vec<&str> = STORIES.iter().map(|s| s.1).collect();
    assert_eq!(titles, json!(expected), "newest first");
    assert_eq!(text_of(s, ".day-head"), "Today");
    // The newest story's full date, as its row shows it on hover, is in the harness's midday
    // zone.
    let newest = js(
        s,
        "return document.querySelector('.story-row .row-time').title",
    );
    assert_shown_near_midday(
        newest.as_str().unwrap_or_default(),
        dated_from - STORIES[0].2 * 60,
    );
    assert_eq!(
        js(
            s,
            "return document.querySelectorAll('.story-row.unread').length"
        ),
        4
    );
    shot(s, "reader-list-light.png");

    // Clicking a feed or a folder selects its list; then back to All unread.
    for (css, title) in [(".feed", "Tidings Test Wire"), (".folder-name", "News")] {
        s.click(css).unwrap();
        wait(
            s,
            title,
            &format!(
                "return document.getElementById('list-title').textContent === {title:?} \
                 && document.querySelectorAll('.story-row').length === 4"
            ),
        );
    }
    s.click("#smart-lists [data-list=unread]").unwrap();
    wait(
        s,
        "All unread",
        "return document.body.dataset.list === 'unread' && document.querySelectorAll('.story-row').length === 4",
    );
}

fn sync_with_r(s: &Session, server: &Server) {
    key(s, "r");
    let progress = wait(
        s,
        "the progress line",
        "const p = document.getElementById('sync-progress'); \
         const t = document.getElementById('sync-text').textContent; \
         return !p.hidden && t.includes(' of ') ? t : '';",
    );
    assert_eq!(progress, "0 of 1 feed");
    shot(s, "reader-syncing.png");
    let summary = wait(
        s,
        "the sync summary",
        "const t = document.getElementById('sync-summary-text').textContent; \
         return document.body.dataset.sync === 'idle' && !document.getElementById('sync-summary').hidden ? t : '';",
    );
    assert_conditional_gets(server, 1);
    assert_eq!(summary, "No new stories");
    assert_eq!(js(s, "return document.body.dataset.network"), "online");
    assert!(js(s, "return document.getElementById('sync-progress').hidden") == true);
    assert!(js(s, "return document.getElementById('sync-failures').hidden") == true);
    assert_eq!(
        text_of(s, "#count-unread"),
        "4",
        "a sync never touches read state"
    );
}

fn add_dialog_errors_and_subscribe_anyway(s: &Session, missing_url: &str) {
    key(s, "+");
    wait(
        s,
        "the add dialog",
        "return document.getElementById('add-dialog').open",
    );
    s.send_keys("#add-address", missing_url).unwrap();
    s.click("#add-submit").unwrap();
    let error = wait(
        s,
        "the 404 error",
        "const e = document.getElementById('add-error'); return e.hidden ? '' : e.textContent;",
    );
    assert!(error.as_str().unwrap().contains("404"), "{error}");
    assert!(js(s, "return document.getElementById('add-anyway').hidden") == true);

    // An address nothing listens on: offered to subscribe anyway.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let unreachable = format!("http://127.0.0.1:{closed}/feed.xml");
    js(
        s,
        "document.getElementById('add-address').value = ''; return true;",
    );
    s.send_keys("#add-address", &unreachable).unwrap();
    s.click("#add-submit").unwrap();
    wait(
        s,
        "the offline offer",
        "return !document.getElementById('add-anyway').hidden",
    );
    let error = text_of(s, "#add-error");
    assert!(error.contains("offline"), "{error}");
    shot(s, "reader-add-offline.png");
    s.click("#add-anyway").unwrap();
    wait(
        s,
        "the dialog to close",
        "return !document.getElementById('add-dialog').open",
    );
    // The new subscription is synced at once; it fails and is listed, the other answers 304.
    let summary = wait(
        s,
        "the sync after subscribing",
        "const t = document.getElementById('sync-summary-text').textContent; \
         return document.body.dataset.sync === 'idle' && t.includes('failed') ? t : '';",
    );
    assert_eq!(summary, "No new stories · 1 feed failed");
    assert!(js(s, "return document.getElementById('sync-failures').hidden") == false);
    let failure = text_of(s, "#sync-failure-list li");
    assert!(
        failure.contains(&format!("127.0.0.1:{closed}")) && failure.contains("could not connect"),
        "{failure}"
    );
    wait(
        s,
        "the failing feed's mark",
        "return document.querySelectorAll('.feed.feed-error').length === 1",
    );
    let tooltip = js(
        s,
        "return document.querySelector('.feed.feed-error').getAttribute('title')",
    );
    assert!(
        tooltip.as_str().unwrap().contains("could not connect"),
        "{tooltip}"
    );
    js(
        s,
        "document.querySelector('#sync-failures').open = true; return true;",
    );
    shot(s, "reader-sync-failed.png");
}

fn read_bookmark_and_mark_all(s: &Session, story3_url: &str, opened_log: &Path) -> String {
    // j opens the newest story and marks it read.
    key(s, "j");
    let first = open_id(s);
    let doc = frame_for(s, &first);
    assert!(
        doc.contains("Harbour lights return to the old town"),
        "{doc}"
    );
    assert!(doc.contains("Story 4 goes on"), "{doc}");
    assert!(
        doc.contains("Content-Security-Policy"),
        "the frame has its own CSP"
    );
    assert_eq!(
        js(
            s,
            "return document.getElementById('story-frame').getAttribute('sandbox')"
        ),
        "allow-same-origin allow-popups",
        "the frame is sandboxed: no scripts, forms or navigation"
    );
    wait(
        s,
        "3 unread after opening",
        "return document.getElementById('count-unread').textContent === '3'",
    );
    assert_eq!(
        js(
            s,
            &format!("return document.querySelector('.story-row[data-id=\"{first}\"]').classList.contains('unread')")
        ),
        false
    );
    assert!(js(s, "return document.getElementById('teaser-note').hidden") == true);

    // j then Enter: the second story.
    key(s, "j");
    key(s, ENTER);
    let second = wait(
        s,
        "the second story",
        &format!("const o = document.body.dataset.open; return o && o !== {first:?} ? o : '';"),
    )
    .as_str()
    .unwrap()
    .to_string();
    let doc = frame_for(s, &second);
    assert!(doc.contains("Night trains are back"), "{doc}");

    // s bookmarks it.
    key(s, "s");
    wait(
        s,
        "the bookmark",
        &format!(
            "return document.querySelector('.story-row[data-id=\"{second}\"]').classList.contains('bookmarked') \
             && document.getElementById('count-bookmarked').textContent === '1'"
        ),
    );
    assert_eq!(
        js(
            s,
            "return document.getElementById('bookmark-toggle').getAttribute('aria-pressed')"
        ),
        "true"
    );

    // v opens the original page through xdg-open (here, the stand-in).
    key(s, "v");
    let opened = (0..100)
        .find_map(|_| {
            std::thread::sleep(Duration::from_millis(100));
            std::fs::read_to_string(opened_log).ok()
        })
        .expect("xdg-open was not run");
    assert_eq!(opened.trim(), story3_url);
    shot(s, "reader-story-light.png");

    // Space pages down through the story (the window scrolls the script-less frame).
    let top =
        "return document.getElementById('story-frame').contentDocument.scrollingElement.scrollTop";
    assert_eq!(js(s, top), json!(0));
    key(s, " ");
    wait(s, "the story paged down", &format!("{top} > 0"));

    // A click on a link in the story goes to the system browser, never into the window.
    s.click_in_frame("#story-frame", "a[href=\"https://example.org/more/3\"]")
        .unwrap();
    (0..100)
        .find(|_| {
            std::thread::sleep(Duration::from_millis(100));
            std::fs::read_to_string(opened_log)
                .is_ok_and(|log| log.lines().any(|l| l == "https://example.org/more/3"))
        })
        .expect("the clicked link was not opened");
    assert_eq!(js(s, "return document.body.dataset.open"), json!(second));
    assert_eq!(
        js(
            s,
            "return document.getElementById('story-frame').contentWindow.location.href"
        ),
        json!("about:srcdoc"),
        "the story stays in place"
    );

    // A click in the story (the frame runs no script, so keys there would be lost) hands the
    // keyboard back to the window: at the story's end, space goes on to the next unread story,
    // the teaser-only one.
    s.click("#story-frame").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        js(
            s,
            "return document.activeElement && document.activeElement.id"
        ),
        "story-list",
        "focus came back from the frame"
    );
    let mut third = String::new();
    for _ in 0..30 {
        s.press(" ").unwrap();
        std::thread::sleep(Duration::from_millis(150));
        let open = js(s, "return document.body.dataset.open");
        if open != json!(second) {
            third = open.as_str().unwrap_or_default().to_string();
            break;
        }
    }
    assert!(!third.is_empty(), "space never went past the story's end");
    frame_for(s, &third);
    let note = text_of(s, "#teaser-note");
    assert!(
        note.starts_with("Teaser only — ") && note.contains("404"),
        "{note}"
    );

    // Dark theme (the setting cycles system → light → dark), with a story open.
    s.click("#theme-button").unwrap();
    s.click("#theme-button").unwrap();
    assert_eq!(
        js(s, "return document.documentElement.dataset.theme"),
        "dark"
    );
    key(s, "k");
    let doc = frame_for(s, &second);
    assert!(
        doc.contains("class=\"theme-dark\""),
        "the frame follows the theme"
    );
    shot(s, "reader-story-dark.png");
    key(s, "?");
    wait(
        s,
        "the help",
        "return document.getElementById('help-dialog').open",
    );
    shot(s, "reader-help-dark.png");
    s.click("#help-close").unwrap();
    s.click("#theme-button").unwrap(); // back to the system theme (light under Xvfb)

    // m toggles read; n and p jump between unread stories.
    let unread = |n: &str| {
        wait(
            s,
            &format!("{n} unread"),
            &format!("return document.getElementById('count-unread').textContent === {n:?}"),
        )
    };
    unread("1");
    key(s, "m");
    unread("2");
    assert_eq!(
        js(s, &format!("return document.querySelector('.story-row[data-id=\"{second}\"]').classList.contains('unread')")),
        true
    );
    key(s, "m");
    unread("1");
    key(s, "n");
    let last = wait(
        s,
        "the last unread story",
        &format!("const o = document.body.dataset.open; return o && o !== {second:?} ? o : '';"),
    );
    let doc = frame_for(s, last.as_str().unwrap());
    assert!(doc.contains("A quiet week at the observatory"), "{doc}");
    unread("");
    key(s, "p");
    wait(
        s,
        "no unread above",
        "return document.getElementById('status-line').textContent === 'No unread stories above.'",
    );
    key(s, "m");
    unread("1");

    // g b: Bookmarks holds exactly the bookmarked story.
    key(s, "gb");
    wait(
        s,
        "the bookmarks list",
        "return document.body.dataset.list === 'bookmarks' \
         && document.getElementById('list-title').textContent === 'Bookmarks'",
    );
    let rows = js(
        s,
        "return Array.from(document.querySelectorAll('.story-row')).map(r => r.dataset.id)",
    );
    assert_eq!(rows, json!([second]));

    // g u, then Shift+A marks every unread story of the list read.
    key(s, "gu");
    wait(
        s,
        "the unread list",
        "return document.body.dataset.list === 'unread' && document.querySelectorAll('.story-row').length > 0",
    );
    key(s, "A");
    wait(
        s,
        "all read",
        "return document.getElementById('count-unread').textContent === '' \
         && document.querySelectorAll('.story-row.unread').length === 0",
    );
    shot(s, "reader-all-read.png");
    second
}

struct RawIds {
    hostile: i64,
    arabic: i64,
    chinese: i64,
    kept_from_feed: i64,
    embedded: i64,
}

/// A feed item whose body embeds a video and a player frame, as publishers write them.
const EMBEDDED_MEDIA_FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel>
    <title>Tidings Test Wire</title><item><title>The new ferry, on film</title>
    <description><![CDATA[<p>The new ferry made its first crossing on Monday.</p>
    <p><iframe src="https://www.video.example/embed/ferry" width="560" height="315" allowfullscreen></iframe></p>
    <video controls poster="https://media.example/ferry.jpg"><source src="https://media.example/ferry.mp4" type="video/mp4">Your browser does not support video.</video>
    <p>It carries 300 passengers and 40 cars.</p>]]></description></item></channel></rss>"#;

/// A 16:9 picture for a video's poster: sky over sea.
fn poster_png() -> Vec<u8> {
    let (width, height) = (480u32, 270u32);
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let sea = y > height * 3 / 5;
            let shade = (x * 40 / width) as u8;
            pixels.extend(if sea {
                [20, 70 + shade, 120 + shade]
            } else {
                [150 + shade, 190, 225]
            });
        }
    }
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder
        .write_header()
        .and_then(|mut w| w.write_image_data(&pixels))
        .unwrap();
    bytes
}

/// Writes stories straight into the library, past the sanitizer (the store keeps what it is
/// given), as a hostile feed or a buggy build could have left them.
fn insert_raw_stories(lib_path: &Path) -> RawIds {
    use tidings::store::{ArticleFilter, Extraction, FeedUpdate, IncomingArticle, PageResult};
    let mut lib = tidings::store::Library::open(lib_path).unwrap();
    let feed = lib
        .feeds()
        .unwrap()
        .into_iter()
        .find(|f| f.title == "Tidings Test Wire")
        .unwrap()
        .id;
    let at = now() - 3 * 3600;
    let mut insert =
        |key: &str, title: &str, html: &str, lang: &str, dir: Option<&str>, images: &[String]| {
            let url = format!("https://example.org/{key}");
            let story = IncomingArticle {
                item_key: key.into(),
                url: Some(url.clone()),
                title: title.into(),
                published_at: Some(at),
                ..IncomingArticle::default()
            };
            lib.store_feed_result(feed, &FeedUpdate::default(), &[story])
                .unwrap();
            let filter = ArticleFilter {
                feed_id: Some(feed),
                ..ArticleFilter::default()
            };
            let id = lib
                .articles(&filter, i64::MAX, 0)
                .unwrap()
                .into_iter()
                .find(|a| a.url.as_deref() == Some(url.as_str()))
                .unwrap()
                .id;
            // The words between the tags, but a script's, as the story's plain text (the
            // list's snippet).
            let mut words = html.to_string();
            while let Some(start) = words.find("<script>") {
                let end = words[start..]
                    .find("</script>")
                    .map_or(words.len(), |e| start + e + "</script>".len());
                words.replace_range(start..end, " ");
            }
            let mut text = String::new();
            let mut in_tag = false;
            for c in words.chars() {
                match c {
                    '<' => {
                        in_tag = true;
                        text.push(' ');
                    }
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let page = PageResult {
                extraction: Extraction::Full,
                content_html: Some(html.into()),
                content_text: Some(text.trim().into()),
                lang: Some(lang.into()),
                dir: dir.map(Into::into),
                image_urls: images.to_vec(),
                ..PageResult::default()
            };
            lib.store_page_result(id, &page).unwrap();
            id
        };
    let hostile = insert(
        "hostile",
        "Hostile body",
        "<p>Before the trap.</p><img src=x onerror=\"parent.document.body.dataset.pwned=1\">\
         <script>parent.document.body.dataset.pwned=2</script><p>After the trap.</p>",
        "en",
        None,
        &[],
    );
    let arabic = insert(
        "arabic",
        "عودة أضواء الميناء إلى المدينة القديمة",
        "<p>عادت الأضواء إلى الميناء القديم بعد سنوات من الظلام، واجتمع السكان على الرصيف لمشاهدتها.</p>",
        "ar",
        Some("rtl"),
        &[],
    );
    let chinese = insert(
        "chinese",
        "夜间列车重返北线",
        "<p>北线的夜间列车在停运多年后重新开行，乘客可以在旅途中安静地阅读。</p>",
        "zh-Hans",
        None,
        &[],
    );
    // A body as the feed parser leaves it: what it embeds is links.
    let feed_url = url::Url::parse("https://example.org/feed.xml").unwrap();
    let parsed = tidings::feeds::parse(EMBEDDED_MEDIA_FEED.as_bytes(), None, &feed_url).unwrap();
    let body = parsed.entries[0].summary_html.clone().unwrap();
    // The video's poster is stored offline, as the sync's image stage leaves it.
    let (body, pictures) = tidings::sync::offline_html(&body, None);
    assert_eq!(pictures, ["https://media.example/ferry.jpg"], "{body}");
    let embedded = insert(
        "embedded",
        "The new ferry, on film",
        &body,
        "en",
        None,
        &pictures,
    );
    lib.store_image(
        &tidings::images::image_key(&pictures[0]),
        Ok(("image/png", &poster_png())),
    )
    .unwrap();
    // A story whose page gave far less than the feed: the sync kept the feed's text, and says so.
    let kept_url = "https://example.org/kept";
    let kept = IncomingArticle {
        item_key: "kept".into(),
        url: Some(kept_url.into()),
        title: "Ferry rota agreed".into(),
        published_at: Some(at),
        content_html: Some(
            "<p>The ferry crews agreed a new rota with the harbour board.</p>".into(),
        ),
        content_text: Some("The ferry crews agreed a new rota with the harbour board.".into()),
        ..IncomingArticle::default()
    };
    lib.store_feed_result(feed, &FeedUpdate::default(), &[kept])
        .unwrap();
    let kept_from_feed = lib
        .articles(
            &ArticleFilter {
                feed_id: Some(feed),
                ..ArticleFilter::default()
            },
            i64::MAX,
            0,
        )
        .unwrap()
        .into_iter()
        .find(|a| a.url.as_deref() == Some(kept_url))
        .unwrap()
        .id;
    let note = "the page gave 9 words, the feed 120: the feed's text is kept";
    lib.store_page_result(
        kept_from_feed,
        &PageResult {
            extraction: Extraction::Feed,
            note: Some(note.into()),
            ..PageResult::default()
        },
    )
    .unwrap();
    RawIds {
        hostile,
        arabic,
        chinese,
        kept_from_feed,
        embedded,
    }
}

/// A story whose page gave far less than its feed shows the feed's text and says why.
fn a_story_kept_from_its_feed_says_why(s: &Session, id: i64) {
    s.click(&format!(".story-row[data-id=\"{id}\"]")).unwrap();
    let doc = frame_for(s, &id.to_string());
    assert!(doc.contains("agreed a new rota"), "{doc}");
    let note = text_of(s, "#teaser-note");
    assert_eq!(
        note,
        "From the feed — the page gave 9 words, the feed 120: the feed's text is kept."
    );
    shot(s, "reader-kept-from-feed.png");
}

/// A video and a player frame in a story are links to them (the frame plays nothing), the
/// video's shows its poster (stored offline), and the video's fallback text is gone.
fn embedded_media_reads_as_links(s: &Session, id: i64) {
    s.click(&format!(".story-row[data-id=\"{id}\"]")).unwrap();
    let doc = frame_for(s, &id.to_string());
    assert!(
        doc.contains("https://www.video.example/embed/ferry")
            && doc.contains(r#"title="Embedded content: www.video.example""#),
        "{doc}"
    );
    assert!(
        doc.contains("https://media.example/ferry.mp4")
            && doc.contains(r#"title="Video: media.example""#),
        "{doc}"
    );
    assert!(
        !doc.contains("<iframe") && !doc.contains("does not support"),
        "{doc}"
    );
    // The frame shows each title as the link's words (its stylesheet); the story's text, which
    // highlights count in, does not hold them.
    let shown = js(
        s,
        "const d = document.getElementById('story-frame').contentDocument; \
         return Array.from(d.querySelectorAll('a[title]')).map(a => { \
           const img = a.querySelector('img'); \
           return [getComputedStyle(a, '::after').content, a.getBoundingClientRect().width > 40, \
             a.textContent, img && img.complete && img.naturalWidth === 480 \
               && img.getBoundingClientRect().height > 100]; });",
    );
    assert_eq!(
        shown,
        json!([
            ["\"Embedded content: www.video.example\"", true, "", null],
            ["\"Video: media.example\"", true, "", true]
        ])
    );
    super::control::shots(s, "reader-embedded-media");
}

fn read_offline(s: &Session, bookmarked: &str) {
    wait(s, "the first load", "return document.body.dataset.loaded");
    assert_eq!(js(s, "return document.body.dataset.state"), "ready");
    // The raw stories are unread; everything synced before was marked read.
    assert_eq!(text_of(s, "#count-unread"), "5");
    assert_eq!(text_of(s, "#count-bookmarked"), "1");
    key(s, "gb");
    wait(
        s,
        "the bookmarks list",
        "return document.body.dataset.list === 'bookmarks' && document.querySelectorAll('.story-row').length === 1",
    );
    key(s, "j");
    assert_eq!(open_id(s), bookmarked);
    let doc = frame_for(s, bookmarked);
    assert!(
        doc.contains("Night trains are back") && doc.contains("Story 3 goes on"),
        "{doc}"
    );
    shot(s, "reader-offline-bookmark.png");
    // Sync with the server gone says "offline", not an error dump.
    key(s, "r");
    let summary = wait(
        s,
        "the offline sync",
        "const t = document.getElementById('sync-summary-text').textContent; \
         return document.body.dataset.sync === 'idle' && t;",
    );
    // When it is not, the failed feeds' errors say why.
    assert!(
        summary.as_str().unwrap().starts_with("Offline"),
        "{summary}: {}",
        text_of(s, "#sync-failure-list")
    );
    assert_eq!(js(s, "return document.body.dataset.network"), "offline");
    assert!(js(s, "return document.getElementById('sync-failures').hidden") == true);
    shot(s, "reader-offline.png");
}

fn hostile_body_runs_no_script(s: &Session, id: i64) {
    key(s, "ga");
    wait(
        s,
        "all stories",
        &format!("return document.body.dataset.list === 'all' && !!document.querySelector('.story-row[data-id=\"{id}\"]')"),
    );
    s.click(&format!(".story-row[data-id=\"{id}\"]")).unwrap();
    let doc = frame_for(s, &id.to_string());
    assert!(
        doc.contains("onerror") && doc.contains("After the trap"),
        "the hostile markup must reach the frame for this test to mean anything: {doc}"
    );
    // Give an error handler every chance to run.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        js(s, "return document.body.dataset.pwned === undefined"),
        true,
        "a script in the story ran"
    );
}

fn languages_and_directions(s: &Session, arabic: i64, chinese: i64) {
    s.click(&format!(".story-row[data-id=\"{arabic}\"]"))
        .unwrap();
    let doc = frame_for(s, &arabic.to_string());
    assert!(
        doc.contains("<html lang=\"ar\" dir=\"rtl\""),
        "{}",
        &doc[..doc.len().min(300)]
    );
    shot(s, "reader-arabic.png");
    s.click(&format!(".story-row[data-id=\"{chinese}\"]"))
        .unwrap();
    let doc = frame_for(s, &chinese.to_string());
    assert!(
        doc.contains("<html lang=\"zh-Hans\" dir=\"ltr\""),
        "{}",
        &doc[..doc.len().min(300)]
    );
    shot(s, "reader-chinese.png");
}
