//! Per-feed settings (issue #22): full text off makes no page request, a feed not due by its
//! interval is not fetched, read stories are kept as long as the feed says (never bookmarks),
//! and a feed that refuses readers is fetched as a browser. Real servers on 127.0.0.1.

use std::path::Path;

use tidings::feeds::fetch::{FetchConfig, Fetcher, BROWSER_USER_AGENT};
use tidings::store::{FeedSettings, Library, StoryList, UserAgent};
use tidings::sync::{FailureKind, SyncReport};

use crate::support::cli::tidings;
use crate::support::feeds::{article_page, rss, Item};
use crate::support::{library, Request, Response, TestServer};

fn fetcher() -> Fetcher {
    Fetcher::new(FetchConfig::default()).unwrap()
}

fn sync(path: &Path, feeds_only: bool) -> SyncReport {
    library::run_sync_with(path, &fetcher(), feeds_only)
}

/// Two feeds, each with two short items whose pages are on the same server.
fn two_feeds() -> TestServer {
    TestServer::start(|req: &Request| {
        let base = format!("http://{}", req.header("host").unwrap_or("127.0.0.1"));
        let feed = |name: &str| {
            let links = [
                format!("{base}/{name}/1.html"),
                format!("{base}/{name}/2.html"),
            ];
            let items = [
                Item::new("1", "Quay wall repaired", &links[0]),
                Item::new("2", "Tide tables printed", &links[1]),
            ];
            Response::ok(rss(name, &items)).header("Content-Type", "application/rss+xml")
        };
        match req.path.as_str() {
            "/on.xml" => feed("on"),
            "/off.xml" => feed("off"),
            p if p.ends_with(".html") => {
                Response::ok(article_page("A story", None)).header("Content-Type", "text/html")
            }
            _ => Response::status(404),
        }
    })
}

fn feed_id(path: &Path, title: &str) -> i64 {
    Library::open(path)
        .unwrap()
        .feeds()
        .unwrap()
        .into_iter()
        .find(|f| f.title == title)
        .unwrap()
        .id
}

fn set(path: &Path, feed: i64, change: impl FnOnce(&mut FeedSettings)) {
    let mut lib = Library::open(path).unwrap();
    let mut settings = lib.feed_settings(feed).unwrap();
    change(&mut settings);
    lib.set_feed_settings(feed, &settings).unwrap();
}

fn page_hits(server: &TestServer, feed: &str) -> usize {
    server.hits(&format!("/{feed}/1.html")) + server.hits(&format!("/{feed}/2.html"))
}

#[test]
fn a_new_feed_has_todays_defaults() {
    let path = library::temp_library("feed-settings", "defaults");
    library::subscribe(&path, &["https://news.example/feed.xml".to_string()]);
    let lib = Library::open(&path).unwrap();
    let id = lib.feeds().unwrap()[0].id;
    let settings = lib.feed_settings(id).unwrap();
    assert_eq!(settings, FeedSettings::default());
    assert_eq!(
        (
            settings.full_text,
            settings.interval_minutes,
            settings.keep_days,
            settings.user_agent
        ),
        (true, None, None, UserAgent::Tidings)
    );
    assert!(lib.feed_settings(id + 100).is_err());
}

#[test]
fn full_text_off_makes_no_page_request() {
    let server = two_feeds();
    let path = library::temp_library("feed-settings", "full-text");
    library::subscribe(
        &path,
        &[
            server.url("/on.xml").to_string(),
            server.url("/off.xml").to_string(),
        ],
    );
    // Stored first without pages: both feeds' stories wait for theirs.
    sync(&path, true);
    let off = feed_id(&path, "off");
    set(&path, off, |s| s.full_text = false);
    let report = sync(&path, false);
    assert_eq!(
        report.pages_extracted, 2,
        "only feed 'on' has its pages: {report:#?}"
    );
    assert_eq!(page_hits(&server, "on"), 2);
    assert_eq!(page_hits(&server, "off"), 0);
    let lib = Library::open(&path).unwrap();
    let stories = lib
        .story_page(&StoryList::Feed { id: off }, None, 10)
        .unwrap()
        .stories;
    for story in &stories {
        let article = lib.article(story.id).unwrap();
        assert_eq!(article.extraction, tidings::store::Extraction::Feed);
        assert_eq!(article.content_text.as_deref(), Some("A short teaser."));
    }
}

#[test]
fn full_text_off_from_the_start_never_queues_a_page() {
    let server = two_feeds();
    let path = library::temp_library("feed-settings", "full-text-new");
    library::subscribe(&path, &[server.url("/off.xml").to_string()]);
    set(&path, feed_id_before_sync(&path), |s| s.full_text = false);
    let report = sync(&path, false);
    assert_eq!((report.new_articles, report.pages_extracted), (2, 0));
    assert_eq!(page_hits(&server, "off"), 0);
}

/// The id of the only feed of a library that has not synced yet (no title).
fn feed_id_before_sync(path: &Path) -> i64 {
    Library::open(path).unwrap().feeds().unwrap()[0].id
}

#[test]
fn a_feed_not_due_by_its_interval_is_not_fetched() {
    let server = two_feeds();
    let path = library::temp_library("feed-settings", "interval");
    library::subscribe(
        &path,
        &[
            server.url("/on.xml").to_string(),
            server.url("/off.xml").to_string(),
        ],
    );
    let every_hour = feed_id_before_sync(&path);
    set(&path, every_hour, |s| s.interval_minutes = Some(60));
    let first = sync(&path, true);
    assert_eq!(first.feeds_total, 2, "never fetched: due");
    let second = sync(&path, true);
    // Not due even though tests sync ignoring backoff: the interval is the person's choice.
    assert_eq!(second.feeds_total, 1, "{second:#?}");
    assert_eq!(server.hits("/on.xml") + server.hits("/off.xml"), 3);
    // An hour and a minute later it is due again.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE feeds SET last_fetched_at = last_fetched_at - 3660 WHERE id = ?1",
        [every_hour],
    )
    .unwrap();
    assert_eq!(sync(&path, true).feeds_total, 2);
    assert_eq!(server.hits("/on.xml") + server.hits("/off.xml"), 5);
}

#[test]
fn a_feeds_keep_days_expire_its_read_stories_and_never_a_bookmark() {
    let server = two_feeds();
    let path = library::temp_library("feed-settings", "keep-days");
    library::subscribe(
        &path,
        &[
            server.url("/on.xml").to_string(),
            server.url("/off.xml").to_string(),
        ],
    );
    sync(&path, true);
    let (short, other) = (feed_id(&path, "on"), feed_id(&path, "off"));
    set(&path, short, |s| s.keep_days = Some(3));
    let mut lib = Library::open(&path).unwrap();
    lib.mark_read_where(&StoryList::All, None, None).unwrap();
    let short_stories = lib
        .story_page(&StoryList::Feed { id: short }, None, 10)
        .unwrap()
        .stories;
    lib.set_bookmarked(short_stories[0].id, true, None).unwrap();
    // Everything fetched five days ago.
    // Writing a story's row computes its texts: a connection with the store's SQL functions.
    let conn = crate::store::raw_connection(&path);
    conn.execute(
        "UPDATE articles SET fetched_at = fetched_at - 5 * 86400",
        [],
    )
    .unwrap();
    assert_eq!(
        lib.apply_retention().unwrap(),
        1,
        "the short feed's unbookmarked story"
    );
    let total = |lib: &Library, id| lib.feed(id).unwrap().total;
    assert_eq!((total(&lib, short), total(&lib, other)), (1, 2));
    // The library's own retention still rules the other feeds.
    lib.set_retention(tidings::store::Retention {
        read_days: Some(4),
        unread_days: None,
    })
    .unwrap();
    assert_eq!(lib.apply_retention().unwrap(), 2);
    assert_eq!((total(&lib, short), total(&lib, other)), (1, 0));
    // A later sync does not bring them back.
    drop(lib);
    assert_eq!(sync(&path, true).new_articles, 0);
}

#[test]
fn a_refusing_feed_fails_with_the_advice_and_passes_with_the_browser_user_agent() {
    let server = TestServer::start(|req: &Request| {
        if req.header("user-agent") == Some(BROWSER_USER_AGENT) {
            let items = [Item::new(
                "1",
                "Behind the wall",
                "https://guarded.example/1",
            )];
            Response::ok(rss("Guarded", &items)).header("Content-Type", "application/rss+xml")
        } else {
            Response::status(403)
        }
    });
    let path = library::temp_library("feed-settings", "user-agent");
    library::subscribe(&path, &[server.url("/feed.xml").to_string()]);
    let report = sync(&path, true);
    assert_eq!(report.feeds_failed.len(), 1, "{report:#?}");
    let failure = &report.feeds_failed[0];
    assert_eq!(failure.kind, FailureKind::ReadersRefused);
    assert!(
        failure.error.contains("browser user agent"),
        "{}",
        failure.error
    );
    assert_eq!(server.total_hits(), 2);
    let feed = failure.feed_id;
    let stored = |path| {
        let f = Library::open(path).unwrap().feed(feed).unwrap();
        (f.last_error, f.last_error_kind)
    };
    let (error, kind) = stored(&path);
    assert!(error.unwrap().contains("browser user agent"));
    assert_eq!(kind.as_deref(), Some("readers-refused"));
    // The CLI names the command that fixes it, in its list and after a sync.
    let fix = format!("try: tidings feed-settings {feed} --user-agent browser");
    for args in [&["feeds"][..], &["sync", "--feeds-only", "--force"][..]] {
        let out = tidings(&path, args);
        let out = String::from_utf8_lossy(&out.stdout);
        assert!(out.contains(&fix), "{args:?}: {out}");
    }
    assert_eq!(server.total_hits(), 4, "the CLI's sync asked twice too");
    set(&path, feed, |s| s.user_agent = UserAgent::Browser);
    let report = sync(&path, true);
    assert_eq!(
        (report.feeds_ok, report.new_articles),
        (1, 1),
        "{report:#?}"
    );
    assert_eq!(server.total_hits(), 5);
    assert_eq!(stored(&path), (None, None), "a success clears both");
}

#[test]
fn a_feed_refused_even_as_a_browser_offers_no_user_agent_fix() {
    let server = TestServer::start(|_: &Request| Response::status(403));
    let path = library::temp_library("feed-settings", "refused-as-browser");
    library::subscribe(&path, &[server.url("/feed.xml").to_string()]);
    let feed = feed_id_before_sync(&path);
    set(&path, feed, |s| s.user_agent = UserAgent::Browser);
    let report = sync(&path, true);
    assert_eq!(report.feeds_failed.len(), 1, "{report:#?}");
    let failure = &report.feeds_failed[0];
    assert_eq!(failure.kind, FailureKind::Http(403));
    assert!(
        failure.error.contains("even as a browser"),
        "{}",
        failure.error
    );
    let stored = Library::open(&path).unwrap().feed(feed).unwrap();
    assert_eq!(stored.last_error_kind.as_deref(), Some("http"));
}

#[test]
fn the_cli_shows_and_sets_a_feeds_settings() {
    let path = library::temp_library("feed-settings", "cli");
    library::subscribe(&path, &["https://news.example/feed.xml".to_string()]);
    let id = feed_id_before_sync(&path).to_string();
    let tidings = |args: &[&str]| tidings(&path, args);
    let shown = tidings(&["feed-settings", &id]);
    assert!(shown.status.success());
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(text.contains("full text:  on"), "{text}");
    assert!(text.contains("at every sync"), "{text}");

    let set = tidings(&[
        "feed-settings",
        &id,
        "--full-text",
        "off",
        "--interval",
        "30",
        "--keep-days",
        "7",
        "--user-agent",
        "browser",
        "--json",
    ]);
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&set.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"full_text": false, "interval_minutes": 30, "keep_days": 7, "user_agent": "browser"})
    );
    // Zero goes back to the default; other settings stay.
    let reset = tidings(&["feed-settings", &id, "--interval", "0", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&reset.stdout).unwrap();
    assert_eq!(json["interval_minutes"], serde_json::Value::Null);
    assert_eq!(json["keep_days"], 7);

    let bad = tidings(&["feed-settings", &id, "--user-agent", "curl"]);
    assert!(!bad.status.success());
    let missing = tidings(&["feed-settings", "9999"]);
    assert!(!missing.status.success());
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(err.contains("no feed with id 9999"), "{err}");
}
