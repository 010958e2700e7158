//! Automatic sync, against a real local HTTP server serving a real RSS document: the window
//! shows the stored library at once (the feed answers slowly, so the first sync cannot have
//! finished), then syncs by itself at start and again on its timer — each time bringing the
//! story the feed has gained since — without a key pressed. The timer's period is shortened to
//! seconds with the test-only `TIDINGS_AUTO_SYNC=every:N` (the setting counts in minutes).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::harness::{temp_dir, Harness};
use super::reader::{js, now, shot, wait};
use super::server::{Reply, Server};
use super::APP;

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
    // How many stories the feed has now, and how often it was asked for.
    let edition = Arc::new(AtomicUsize::new(2));
    let feed_hits = Arc::new(AtomicUsize::new(0));
    let base = Arc::new(std::sync::OnceLock::<String>::new());
    let server = {
        let (edition, feed_hits, base) = (edition.clone(), feed_hits.clone(), base.clone());
        Server::start(move |path| {
            if path == "/feed.xml" {
                feed_hits.fetch_add(1, Ordering::SeqCst);
                let body = rss(
                    base.get().map(String::as_str).unwrap_or(""),
                    edition.load(Ordering::SeqCst),
                );
                Reply {
                    status: 200,
                    content_type: "application/rss+xml",
                    body: body.into_bytes(),
                    delay: Duration::ZERO,
                }
                // Slow enough that the stored library is on screen before the sync ends.
                .delayed(Duration::from_millis(2500))
            } else {
                Reply::not_found()
            }
        })
    };
    base.set(server.url("")).unwrap();
    let feed_url = server.url("/feed.xml");
    build_library(&lib_path, &server.url(""), &feed_url);

    let h = Harness::start(&[
        ("TIDINGS_LIBRARY", &lib_path),
        ("TIDINGS_AUTO_SYNC", Path::new("every:4")),
    ]);
    let s = h.launch(APP);
    wait(&s, "the first load", "return document.body.dataset.loaded");
    // The stored story at once, before the network answered.
    assert_eq!(titles(&s), vec![TITLES[0].to_string()]);
    let started = Instant::now();
    // The sync at start brings story 1 without a key pressed.
    wait(
        &s,
        "the story the sync at start brought",
        &format!(
            "return Array.from(document.querySelectorAll('.row-title')).some(e => e.textContent === {:?})",
            TITLES[1]
        ),
    );
    assert!(feed_hits.load(Ordering::SeqCst) >= 1);
    shot(&s, "autosync-after-start.png");

    // The feed gains a story; the timer's sync brings it.
    edition.store(3, Ordering::SeqCst);
    let hits_before = feed_hits.load(Ordering::SeqCst);
    wait(
        &s,
        "the story the timer's sync brought",
        &format!(
            "return Array.from(document.querySelectorAll('.row-title')).some(e => e.textContent === {:?})",
            TITLES[2]
        ),
    );
    assert!(feed_hits.load(Ordering::SeqCst) > hits_before);
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "the second sync came from the 4 s timer, not at once"
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
