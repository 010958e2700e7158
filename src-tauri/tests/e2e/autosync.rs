//! Automatic sync, against a real local HTTP server serving a real RSS document: the window
//! shows the stored library at once (the feed answers slowly, so the first sync cannot have
//! finished), then syncs by itself at start and again on its timer — each time bringing the
//! story the feed has gained since — without a key pressed. The timer's period is shortened to
//! seconds with the test-only `TIDINGS_AUTO_SYNC=every:N` (the setting counts in minutes). The
//! server's request log shows the timer caused the second sync: nothing was asked between the
//! end of the sync at start and the first moment the timer could be due, then one round.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::harness::{temp_dir, Harness};
use super::reader::{js, now, shot, wait};
use super::server::{Reply, Request, Server};
use super::APP;

/// The timer's period (`TIDINGS_AUTO_SYNC=every:8`): long enough that the sync at start (the
/// feed answers after `FEED_DELAY`) ends seconds before the timer can first be due.
const PERIOD: Duration = Duration::from_secs(8);
const FEED_DELAY: Duration = Duration::from_millis(2500);
/// How late the timer's request may reach the server after the timer was due at the latest
/// (a busy two-core machine, the web view's timer, the sync's start).
const TIMER_SLACK: Duration = Duration::from_secs(3);

const TITLES: &[&str] = &[
    "Morning ferry leaves on time",
    "Library opens a reading room by the sea",
    "Lighthouse keepers meet for the last time",
];

/// The feed with its first `n` stories, newest first. No dates: a story is then listed by when
/// Tidings first saw it, so each sync's new story goes on top.
fn rss(base: &str, n: usize) -> String {
    let items: String = (0..n)
        .rev()
        .map(|i| {
            format!(
                "<item><title>{}</title><link>{base}/story/{i}</link><guid>{base}/story/{i}</guid>\
                 <description>Teaser of story {i}.</description></item>",
                TITLES[i]
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Coast Wire</title>\
         <link>{base}/</link><description>Test wire</description>{items}</channel></rss>"
    )
}

/// A library subscribed to `feed_url` holding the feed's first story, as a sync left it.
fn build_library(lib_path: &Path, base: &str, feed_url: &str) {
    use tidings::store::{FeedUpdate, IncomingArticle, Library, NewFeed};
    let mut lib = Library::open(lib_path).unwrap();
    let (feed, _) = lib
        .add_feed(&NewFeed {
            url: feed_url.to_string(),
            title: Some("Coast Wire".into()),
            trusted_host: true,
            ..NewFeed::default()
        })
        .unwrap();
    let story = IncomingArticle {
        item_key: format!("{base}/story/0"),
        url: Some(format!("{base}/story/0")),
        title: TITLES[0].to_string(),
        published_at: Some(now() - 3600),
        teaser_html: Some("<p>Teaser of story 0.</p>".into()),
        content_text: Some("Teaser of story 0.".into()),
        extraction: tidings::store::Extraction::Teaser,
        ..IncomingArticle::default()
    };
    lib.store_feed_result(feed, &FeedUpdate::default(), &[story])
        .unwrap();
}

fn titles(s: &super::webdriver::Session) -> Vec<String> {
    js(
        s,
        "return Array.from(document.querySelectorAll('.story-row .row-title')).map(e => e.textContent)",
    )
    .as_array()
    .unwrap()
    .iter()
    .map(|v| v.as_str().unwrap().to_string())
    .collect()
}

pub fn syncs_at_start_and_on_its_timer() {
    let dir = temp_dir("autosync");
    let lib_path = dir.join("library.sqlite");
    // How many stories the feed has now.
    let edition = Arc::new(AtomicUsize::new(2));
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let server = {
        let (edition, base) = (edition.clone(), base.clone());
        Server::start(move |req: &Request| {
            if req.path != "/feed.xml" {
                return Reply::not_found();
            }
            let base = base.get().map(String::as_str).unwrap_or("");
            Reply::ok(
                "application/rss+xml",
                rss(base, edition.load(Ordering::SeqCst)),
            )
            // Slow enough that the stored library is on screen before the sync ends.
            .delayed(FEED_DELAY)
        })
    };
    base.set(server.url("")).unwrap();
    let feed_url = server.url("/feed.xml");
    build_library(&lib_path, &server.url(""), &feed_url);

    let period = format!("every:{}", PERIOD.as_secs());
    let h = Harness::start(&[
        ("TIDINGS_LIBRARY", &lib_path),
        ("TIDINGS_AUTO_SYNC", Path::new(&period)),
    ]);
    let s = h.launch(APP);
    wait(&s, "the first load", "return document.body.dataset.loaded");
    // The stored story at once, before the network answered.
    assert_eq!(titles(&s), vec![TITLES[0].to_string()]);
    // Times from here on are offsets from the page's start (its `performance.now()` origin).
    // The timer is set after it (when the settings are read) and before the page has loaded,
    // so it is first due between PERIOD and `loaded` + PERIOD.
    let loaded =
        Duration::from_secs_f64(js(&s, "return performance.now()").as_f64().unwrap() / 1000.0);
    let page_start = Instant::now() - loaded;

    // The sync at start brings story 1 without a key pressed.
    wait(
        &s,
        "the story the sync at start brought, and the sync's end",
        &format!(
            "return document.body.dataset.sync === 'idle' && Array.from(document.querySelectorAll('.row-title')).some(e => e.textContent === {:?})",
            TITLES[1]
        ),
    );
    let start_sync_done = page_start.elapsed();
    shot(&s, "autosync-after-start.png");
    assert!(
        start_sync_done + Duration::from_secs(1) < PERIOD,
        "the sync at start ended at {start_sync_done:?}, too close to the timer's period \
         ({PERIOD:?}) to tell the timer's sync from one that follows at once"
    );

    // The feed gains a story; the timer's sync brings it.
    edition.store(3, Ordering::SeqCst);
    wait(
        &s,
        "the story the timer's sync brought",
        &format!(
            "return Array.from(document.querySelectorAll('.row-title')).some(e => e.textContent === {:?})",
            TITLES[2]
        ),
    );
    // The feed was asked for once at start, then not again until the timer could be due (a
    // sync that followed the first at once would have asked seconds earlier), then once in
    // the timer's round.
    let asked: Vec<Duration> = server
        .requests_for("/feed.xml")
        .iter()
        .map(|r| r.at.saturating_duration_since(page_start))
        .collect();
    let before_due = asked.iter().filter(|&&at| at < PERIOD).count();
    assert_eq!(
        before_due, 1,
        "feed requests at {asked:?}: more than the sync at start's before the {PERIOD:?} timer \
         could first be due (the sync at start ended at {start_sync_done:?})"
    );
    assert_eq!(
        asked.len(),
        2,
        "one feed request in the timer's round: {asked:?}"
    );
    assert!(
        asked[1] <= loaded + PERIOD + TIMER_SLACK,
        "the timer's round asked at {:?}, though the timer was due by {:?}",
        asked[1],
        loaded + PERIOD
    );
    assert_eq!(
        titles(&s),
        TITLES
            .iter()
            .rev()
            .map(|t| t.to_string())
            .collect::<Vec<_>>(),
        "newest first, each story once"
    );
    s.quit().unwrap();
    drop(h);
    drop(server);
}
