//! Library helpers the sync-level tests share: a fresh library file, subscriptions, one sync.

use std::path::{Path, PathBuf};

use tidings::feeds::fetch::Fetcher;
use tidings::store::{Library, NewFeed};
use tidings::sync::{sync_library, SyncOptions, SyncReport};

/// A fresh `library.sqlite` path in its own temporary folder (`area` and `name` keep tests apart).
pub fn temp_library(area: &str, name: &str) -> PathBuf {
    super::scratch::scratch_dir(&format!("{area}-{name}")).join("library.sqlite")
}

/// Subscribes to `urls` as the user would (trusted origins); returns how many were new.
pub fn subscribe(path: &Path, urls: &[String]) -> usize {
    let mut lib = Library::open(path).unwrap();
    let feeds: Vec<NewFeed> = urls
        .iter()
        .map(|url| NewFeed {
            url: url.clone(),
            trusted_host: true,
            ..NewFeed::default()
        })
        .collect();
    lib.add_feeds(&feeds).unwrap()
}

/// A runtime like the CLI's (two worker threads), for one library call.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// One sync of the library at `path` with `fetcher`, ignoring backoff, on its own runtime.
pub fn run_sync_with(path: &Path, fetcher: &Fetcher, feeds_only: bool) -> SyncReport {
    let runtime = runtime();
    let options = SyncOptions {
        feeds_only,
        ignore_backoff: true,
        ..SyncOptions::default()
    };
    runtime
        .block_on(sync_library(path, fetcher, &options, &|_| {}))
        .unwrap()
}

/// Fills the library at `path` as sync would store it: `feeds` subscriptions (in folders of
/// ten) with `per_feed` full-text articles each, about `text_bytes` of varied words apiece so
/// the search index has real work. Returns every article id, in storing order.
pub fn fill_library(path: &Path, feeds: usize, per_feed: usize, text_bytes: usize) -> Vec<i64> {
    const WORDS: &[&str] = &[
        "harbour", "council", "ferry", "storm", "budget", "river", "school", "market", "bridge",
        "station", "museum", "library", "festival", "election", "weather", "railway", "garden",
        "hospital", "village", "airport", "quarter", "mayor", "winter", "summer", "island",
    ];
    let mut lib = Library::open(path).unwrap();
    let mut ids = Vec::with_capacity(feeds * per_feed);
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut word = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        WORDS[(state >> 33) as usize % WORDS.len()]
    };
    for f in 0..feeds {
        let (feed, _) = lib
            .add_feed(&NewFeed {
                url: format!("https://fill{f}.example/feed.xml"),
                title: Some(format!("Filled feed {f}")),
                folder: Some(format!("Folder {}", f / 10)),
                ..NewFeed::default()
            })
            .unwrap();
        let items: Vec<tidings::store::IncomingArticle> = (0..per_feed)
            .map(|i| {
                let mut text = String::with_capacity(text_bytes + 16);
                while text.len() < text_bytes {
                    text.push_str(word());
                    text.push(' ');
                }
                tidings::store::IncomingArticle {
                    item_key: format!("fill-{f}-{i}"),
                    url: Some(format!("https://fill{f}.example/{i}.html")),
                    title: format!("{} {} story {i} of feed {f}", word(), word()),
                    author: Some(format!("Writer {}", i % 7)),
                    published_at: Some(1_700_000_000 + (f * per_feed + i) as i64 * 60),
                    content_html: Some(format!("<p>{text}</p>")),
                    content_text: Some(text),
                    extraction: tidings::store::Extraction::Full,
                    ..tidings::store::IncomingArticle::default()
                }
            })
            .collect();
        lib.store_feed_result(feed, &tidings::store::FeedUpdate::default(), &items)
            .unwrap();
        let mut stored: Vec<i64> = lib
            .articles(
                &tidings::store::ArticleFilter {
                    feed_id: Some(feed),
                    ..tidings::store::ArticleFilter::default()
                },
                i64::MAX,
                0,
            )
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        stored.sort_unstable();
        ids.extend(stored);
    }
    ids
}

/// What one run of the `tidings` binary did.
pub struct CliRun {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `tidings --library PATH ARGS...` and waits for it.
pub fn run_cli<S: AsRef<std::ffi::OsStr>>(path: &Path, args: &[S]) -> CliRun {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tidings"))
        .arg("--library")
        .arg(path)
        .args(args)
        .output()
        .unwrap();
    CliRun {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh library with one feed (`https://news.example/feed.xml`, titled `title`): the
/// library, its path and the feed's id.
pub fn library_with_feed(area: &str, name: &str, title: Option<&str>) -> (Library, PathBuf, i64) {
    let path = temp_library(area, name);
    let mut lib = Library::open(&path).unwrap();
    let (feed, _) = lib
        .add_feed(&NewFeed {
            url: "https://news.example/feed.xml".into(),
            title: title.map(str::to_string),
            ..NewFeed::default()
        })
        .unwrap();
    (lib, path, feed)
}
