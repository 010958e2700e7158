//! A sync that one dead server cannot hold (issue #24): a server that falls silent is given up
//! after the idle timeout (10 s unless set); one that keeps sending goes on up to the body cap
//! and the total timeout. Real servers on 127.0.0.1.

use std::time::{Duration, Instant};

use tidings::feeds::fetch::{FetchConfig, FetchError, FetchRequest, Fetcher};
use tidings::sync::FailureKind;

use crate::support::feeds::{rss, Item};
use crate::support::{library, Response, TestServer};

fn fetcher(idle: Duration, total: Duration) -> Fetcher {
    Fetcher::new(FetchConfig {
        idle_timeout: idle,
        request_timeout: total,
        ..FetchConfig::default()
    })
    .unwrap()
}

#[test]
fn a_server_is_given_ten_seconds_of_silence_by_default() {
    assert_eq!(FetchConfig::default().idle_timeout, Duration::from_secs(10));
    assert!(FetchConfig::default().request_timeout > Duration::from_secs(10));
}

#[tokio::test]
async fn a_server_that_accepts_and_sends_nothing_is_given_up_after_the_idle_timeout() {
    let server = TestServer::fixed(Response::ok("late").delay(Duration::from_secs(60)));
    let f = fetcher(Duration::from_secs(1), Duration::from_secs(30));
    let started = Instant::now();
    let request = FetchRequest::feed(server.url("/silent.xml")).trusted(server.origin());
    let err = f.fetch(request).await.unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, FetchError::Stalled { .. }), "{err:?}");
    assert!(took >= Duration::from_secs(1), "{took:?}");
    assert!(took < Duration::from_secs(5), "{took:?}");
    let message = err.to_string();
    assert!(message.contains("sent nothing for 1s"), "{message}");
    assert!(message.contains("/silent.xml"), "{message}");
}

#[tokio::test]
async fn a_body_that_falls_silent_midway_is_given_up_too() {
    // 2 KB at once, then a pause longer than the idle timeout before the next byte.
    let server = TestServer::fixed(
        Response::ok("")
            .generated(10_000)
            .slowly(2_000, Duration::from_secs(30)),
    );
    let f = fetcher(Duration::from_secs(1), Duration::from_secs(30));
    let started = Instant::now();
    let request = FetchRequest::feed(server.url("/halting")).trusted(server.origin());
    let err = f.fetch(request).await.unwrap_err();
    assert!(matches!(err, FetchError::Stalled { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_server_sending_a_byte_a_second_goes_on_until_the_total_timeout() {
    let server = TestServer::fixed(
        Response::ok("")
            .generated(1_000)
            .slowly(1, Duration::from_secs(1)),
    );
    let f = fetcher(Duration::from_secs(2), Duration::from_secs(5));
    let started = Instant::now();
    let request = FetchRequest::feed(server.url("/trickle")).trusted(server.origin());
    let err = f.fetch(request).await.unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(err, FetchError::Timeout { after, .. } if after == Duration::from_secs(5)),
        "{err:?}"
    );
    // Never given up for silence: it ran to the total timeout, bytes arriving all along.
    assert!(took >= Duration::from_millis(4_900), "{took:?}");
    assert!(took < Duration::from_secs(8), "{took:?}");
    assert!(
        server.body_bytes_sent() >= 4,
        "{}",
        server.body_bytes_sent()
    );
}

#[tokio::test]
async fn a_body_that_keeps_arriving_goes_on_up_to_the_size_cap() {
    let server = TestServer::fixed(
        Response::ok("")
            .generated(1_000_000)
            .slowly(1_000, Duration::from_millis(20)),
    );
    let f = fetcher(Duration::from_secs(1), Duration::from_secs(30));
    let request = FetchRequest::feed(server.url("/stream"))
        .trusted(server.origin())
        .max_bytes(20_000);
    let err = f.fetch(request).await.unwrap_err();
    assert!(
        matches!(err, FetchError::TooLarge { limit: 20_000, .. }),
        "{err:?}"
    );
}

#[test]
fn a_silent_feed_holds_a_sync_no_longer_than_the_idle_timeout() {
    let silent = TestServer::fixed(Response::ok("late").delay(Duration::from_secs(60)));
    let alive = TestServer::fixed(
        Response::ok(rss(
            "Alive",
            &[Item::new("1", "Still here", "https://alive.example/1")],
        ))
        .header("Content-Type", "application/rss+xml"),
    );
    let path = library::temp_library("dead-server", "sync");
    library::subscribe(
        &path,
        &[
            silent.url("/feed.xml").to_string(),
            alive.url("/feed.xml").to_string(),
        ],
    );
    let started = Instant::now();
    let report = library::run_sync_with(
        &path,
        &fetcher(Duration::from_secs(1), Duration::from_secs(30)),
        true,
    );
    assert!(started.elapsed() < Duration::from_secs(5), "{report:#?}");
    assert_eq!((report.feeds_ok, report.new_articles), (1, 1));
    let failure = &report.feeds_failed[0];
    assert_eq!(failure.kind, FailureKind::Timeout);
    assert!(failure.error.contains("sent nothing"), "{}", failure.error);
}
