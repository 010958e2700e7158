//! Library helpers the sync-level tests share: a fresh library file, subscriptions, one sync.

use std::path::{Path, PathBuf};

use tidings::feeds::fetch::Fetcher;
use tidings::store::{Library, NewFeed};
use tidings::sync::{sync_library, SyncOptions, SyncReport};

/// A fresh `library.sqlite` path in its own temporary folder (`area` and `name` keep tests apart).
pub fn temp_library(area: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tidings-{area}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("library.sqlite")
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

/// One sync of the library at `path` with `fetcher`, ignoring backoff, on its own runtime.
pub fn run_sync_with(path: &Path, fetcher: &Fetcher, feeds_only: bool) -> SyncReport {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let options = SyncOptions {
        feeds_only,
        ignore_backoff: true,
        ..SyncOptions::default()
    };
    runtime
        .block_on(sync_library(path, fetcher, &options, &|_| {}))
        .unwrap()
}
