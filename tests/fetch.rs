//! `feeds::fetch` against a real server on 127.0.0.1 (see `support`).

use std::io::Write;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tidings::feeds::fetch::{
    origin_of, FetchConfig, FetchError, FetchRequest, FetchResponse, Fetched, Fetcher,
};

use crate::support::{Request, Response, TestServer};

fn fetcher() -> Fetcher {
    Fetcher::new(FetchConfig::default()).unwrap()
}

fn fetcher_with(f: impl FnOnce(&mut FetchConfig)) -> Fetcher {
    let mut config = FetchConfig::default();
    f(&mut config);
    Fetcher::new(config).unwrap()
}

/// A feed request to `path` on `server`, trusting the server's own origin.
fn trusted_feed(server: &TestServer, path: &str) -> FetchRequest {
    FetchRequest::feed(server.url(path)).trusted(server.origin())
}

fn ok(result: Result<FetchResponse, FetchError>) -> Fetched {
    match result {
        Ok(FetchResponse::Ok(f)) => f,
        other => panic!("expected a 2xx body, got {other:?}"),
    }
}

const FEED: &str = "<rss version=\"2.0\"><channel><title>t</title></channel></rss>";

#[tokio::test]
async fn conditional_get_round_trip_sends_validators_and_maps_304() {
    let server = TestServer::start(|req: &Request| {
        if req.header("if-none-match") == Some("\"v1\"") {
            Response::status(304).header("ETag", "\"v2\"")
        } else {
            Response::ok(FEED)
                .header("Content-Type", "application/rss+xml; charset=utf-8")
                .header("ETag", "\"v1\"")
                .header("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")
        }
    });
    let f = fetcher();

    let first = ok(f.fetch(trusted_feed(&server, "/feed.xml")).await);
    assert_eq!(first.body, FEED.as_bytes());
    assert_eq!(first.status, 200);
    assert_eq!(first.etag.as_deref(), Some("\"v1\""));
    assert_eq!(
        first.last_modified.as_deref(),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    assert_eq!(
        first.content_type.as_deref(),
        Some("application/rss+xml; charset=utf-8")
    );
    assert_eq!(first.moved_permanently, None);
    let req1 = server.last_request("/feed.xml").unwrap();
    assert_eq!(req1.header("if-none-match"), None);
    assert_eq!(req1.header("if-modified-since"), None);

    let second = f
        .fetch(trusted_feed(&server, "/feed.xml").validators(first.etag, first.last_modified))
        .await
        .unwrap();
    // The 304's new ETag is what to store; Last-Modified falls back to the one sent.
    assert_eq!(
        second,
        FetchResponse::NotModified {
            etag: Some("\"v2\"".into()),
            last_modified: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
        }
    );
    let req2 = server.last_request("/feed.xml").unwrap();
    assert_eq!(req2.header("if-none-match"), Some("\"v1\""));
    assert_eq!(
        req2.header("if-modified-since"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
    assert_eq!(server.hits("/feed.xml"), 2);
}

#[tokio::test]
async fn user_agent_accept_and_encodings_are_sent() {
    let server = TestServer::fixed(Response::ok(FEED));
    let f = fetcher();
    ok(f.fetch(trusted_feed(&server, "/f")).await);
    let req = server.last_request("/f").unwrap();
    let ua = req.header("user-agent").unwrap();
    assert_eq!(
        ua,
        format!("Tidings/{} (+offline news reader)", tidings::VERSION)
    );
    assert!(req
        .header("accept")
        .unwrap()
        .contains("application/rss+xml"));
    let encodings = req.header("accept-encoding").unwrap();
    for enc in ["gzip", "br", "deflate"] {
        assert!(encodings.contains(enc), "{encodings}");
    }

    let page = FetchRequest::page(server.url("/p")).trusted(server.origin());
    ok(f.fetch(page).await);
    assert!(server
        .last_request("/p")
        .unwrap()
        .header("accept")
        .unwrap()
        .starts_with("text/html"));

    let custom = fetcher_with(|c| c.user_agent = "Custom/1".into());
    ok(custom.fetch(trusted_feed(&server, "/c")).await);
    assert_eq!(
        server.last_request("/c").unwrap().header("user-agent"),
        Some("Custom/1")
    );
}

#[tokio::test]
async fn gzip_bodies_are_decompressed() {
    let gz = gzip(FEED.as_bytes());
    let server = TestServer::fixed(
        Response::ok(gz.clone())
            .header("Content-Encoding", "gzip")
            .header("Content-Type", "application/rss+xml"),
    );
    let got = ok(fetcher().fetch(trusted_feed(&server, "/gz")).await);
    assert_eq!(got.body, FEED.as_bytes());
    assert_ne!(gz, FEED.as_bytes());
}

#[tokio::test]
async fn bodies_ended_by_close_or_chunks_are_read_whole() {
    let server = TestServer::routes(vec![
        ("/close", Response::ok("").generated(300_000).until_close()),
        ("/chunks", Response::ok("").generated(300_000).chunked()),
        ("/empty", Response::status(204)),
    ]);
    let f = fetcher();
    for path in ["/close", "/chunks"] {
        let got = ok(f.fetch(trusted_feed(&server, path)).await);
        assert_eq!(got.body.len(), 300_000, "{path}");
        assert!(got.body.iter().all(|&b| b == b'x'));
    }
    let got = ok(f.fetch(trusted_feed(&server, "/empty")).await);
    assert_eq!((got.status, got.body.len()), (204, 0));
    let e = f.fetch(trusted_feed(&server, "/nope")).await.unwrap_err();
    assert!(matches!(e, FetchError::NotFound { .. }), "{e:?}");
}

#[tokio::test]
async fn permanent_redirect_chain_sets_moved_permanently() {
    let server = TestServer::start(|req: &Request| match req.path.as_str() {
        "/a" => Response::redirect(301, "/b"),
        "/b" => Response::redirect(308, "c"), // relative to /b
        "/c" => Response::ok(FEED),
        _ => Response::status(404),
    });
    let got = ok(fetcher().fetch(trusted_feed(&server, "/a")).await);
    assert_eq!(got.final_url, server.url("/c"));
    assert_eq!(got.moved_permanently, Some(server.url("/c")));
    assert_eq!(got.body, FEED.as_bytes());
    assert_eq!(
        (server.hits("/a"), server.hits("/b"), server.hits("/c")),
        (1, 1, 1)
    );
}

#[tokio::test]
async fn a_temporary_hop_means_not_moved() {
    let server = TestServer::start(|req: &Request| match req.path.as_str() {
        "/a" => Response::redirect(301, "/b"),
        "/b" => Response::redirect(302, "/c"),
        "/c" => Response::ok(FEED),
        "/t" => Response::redirect(307, "/c"),
        _ => Response::status(404),
    });
    let f = fetcher();
    let got = ok(f.fetch(trusted_feed(&server, "/a")).await);
    assert_eq!(got.final_url, server.url("/c"));
    assert_eq!(got.moved_permanently, None);
    let got = ok(f.fetch(trusted_feed(&server, "/t")).await);
    assert_eq!(got.final_url, server.url("/c"));
    assert_eq!(got.moved_permanently, None);
    assert_eq!(server.hits("/c"), 2);
}

#[tokio::test]
async fn redirect_loop_is_detected() {
    let server = TestServer::start(|req: &Request| match req.path.as_str() {
        "/x" => Response::redirect(302, "/y"),
        _ => Response::redirect(302, "/x"),
    });
    let err = fetcher()
        .fetch(trusted_feed(&server, "/x"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::TooManyRedirects {
                looped: true,
                hops: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains(server.url("/x").as_str()), "{err}");
    // Stopped at the first repeat instead of bouncing until the hop limit.
    assert_eq!((server.hits("/x"), server.hits("/y")), (1, 1));
}

#[tokio::test]
async fn more_than_max_redirects_fails() {
    let server = TestServer::start(|req: &Request| {
        let n: u32 = req.path.trim_start_matches("/r/").parse().unwrap_or(0);
        Response::redirect(301, &format!("/r/{}", n + 1))
    });
    let f = fetcher_with(|c| c.max_redirects = 3);
    let err = f.fetch(trusted_feed(&server, "/r/0")).await.unwrap_err();
    assert!(
        matches!(
            err,
            FetchError::TooManyRedirects {
                looped: false,
                hops: 3,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.total_hits(), 4); // the first request and three hops
    assert_eq!(server.hits("/r/4"), 0);
}

#[tokio::test]
async fn hanging_server_times_out_within_the_limit() {
    let server = TestServer::fixed(Response::ok(FEED).delay(Duration::from_secs(20)));
    let f = fetcher_with(|c| c.request_timeout = Duration::from_millis(400));
    let start = Instant::now();
    let err = f.fetch(trusted_feed(&server, "/hang")).await.unwrap_err();
    let took = start.elapsed();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    assert!(took >= Duration::from_millis(400), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert_eq!(server.hits("/hang"), 1);
    assert!(err.to_string().contains("/hang"), "{err}");
}

#[tokio::test]
async fn a_body_that_trickles_past_the_total_timeout_times_out() {
    let server = TestServer::fixed(
        Response::ok("")
            .generated(1_000_000)
            .slowly(100, Duration::from_millis(50)),
    );
    let f = fetcher_with(|c| c.request_timeout = Duration::from_millis(600));
    let start = Instant::now();
    let err = f.fetch(trusted_feed(&server, "/slow")).await.unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    assert!(start.elapsed() < Duration::from_secs(3));
}

const FIFTY_MB: u64 = 50 * 1024 * 1024;

#[tokio::test]
async fn fifty_megabytes_stop_at_the_cap() {
    let server = TestServer::start(|req: &Request| match req.path.as_str() {
        "/declared" => Response::ok("").generated(FIFTY_MB),
        _ => Response::ok("").generated(FIFTY_MB).chunked(),
    });
    let f = fetcher(); // 10 MiB feed limit
    let start = Instant::now();

    // With Content-Length: refused before reading.
    let err = f
        .fetch(trusted_feed(&server, "/declared"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::TooLarge { limit, .. } if limit == 10 * 1024 * 1024),
        "{err:?}"
    );

    // No length known: read as a stream and cut at the cap. Counted from here on: what the
    // server wrote before the first refusal reached it sits in loopback socket buffers, which
    // can hold several MB, so the bound is the cap plus that slack, well under the 50 MB.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = server.body_bytes_sent();
    let err = f
        .fetch(trusted_feed(&server, "/chunked"))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { .. }), "{err:?}");
    assert!(err.to_string().contains("/chunked"), "{err}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let sent = server.body_bytes_sent() - before;
    assert!(
        sent < 30 * 1024 * 1024,
        "server wrote {sent} bytes for /chunked: the client kept reading"
    );
    assert!(start.elapsed() < Duration::from_secs(20));

    // A per-request limit overrides the default both ways.
    let err = f
        .fetch(trusted_feed(&server, "/chunked").max_bytes(100_000))
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::TooLarge { limit: 100_000, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_body_exactly_at_the_limit_is_accepted() {
    let server = TestServer::fixed(Response::ok("").generated(4096).chunked());
    let got = ok(fetcher()
        .fetch(trusted_feed(&server, "/x").max_bytes(4096))
        .await);
    assert_eq!(got.body.len(), 4096);
    let err = fetcher()
        .fetch(trusted_feed(&server, "/x").max_bytes(4095))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::TooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn gzip_bomb_stops_at_the_cap() {
    const HUGE: usize = 32 * 1024 * 1024;
    let bomb = gzip_zeros(HUGE);
    assert!(bomb.len() < 200 * 1024, "compressed {} bytes", bomb.len());
    let server = TestServer::fixed(Response::ok(bomb).header("Content-Encoding", "gzip"));
    let err = fetcher()
        .fetch(trusted_feed(&server, "/bomb").max_bytes(1024 * 1024))
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::TooLarge { limit, .. } if limit == 1024 * 1024),
        "{err:?}"
    );
    assert_eq!(server.hits("/bomb"), 1);
}

#[tokio::test]
async fn loopback_is_refused_unless_its_origin_is_trusted() {
    let server = TestServer::fixed(Response::ok(FEED));
    let f = fetcher();

    let err = f
        .fetch(FetchRequest::image(server.url("/img.png")))
        .await
        .unwrap_err();
    match &err {
        FetchError::Blocked { url, addr } => {
            assert_eq!(url, &server.url("/img.png"));
            assert_eq!(addr.to_string(), "127.0.0.1");
        }
        other => panic!("expected Blocked, got {other:?}"),
    }
    assert!(err.to_string().contains("/img.png"), "{err}");

    // Trust is per origin: another port on the same host is still refused.
    let other_port = url::Url::parse("http://127.0.0.1:1/").unwrap();
    let err = f
        .fetch(FetchRequest::page(server.url("/p")).trusted(origin_of(&other_port)))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Blocked { .. }), "{err:?}");
    assert_eq!(server.total_hits(), 0, "nothing may reach the server");

    // The subscribed feed's origin: the feed, and an image on that origin, both work.
    let got = ok(f.fetch(trusted_feed(&server, "/feed")).await);
    assert_eq!(got.body, FEED.as_bytes());
    ok(
        f.fetch(FetchRequest::image(server.url("/img.png")).trusted(server.origin()))
            .await,
    );
    assert_eq!(server.total_hits(), 2);
}

#[tokio::test]
async fn host_names_resolving_to_loopback_are_checked_after_dns() {
    let server = TestServer::fixed(Response::ok(FEED));
    let f = fetcher();
    let url = server.localhost_url("/feed");
    let err = f.fetch(FetchRequest::feed(url.clone())).await.unwrap_err();
    match &err {
        FetchError::Blocked { addr, .. } => assert!(addr.is_loopback(), "{addr}"),
        other => panic!("expected Blocked, got {other:?}"),
    }
    // Trusting 127.0.0.1's origin does not trust the name `localhost`.
    let err = f
        .fetch(FetchRequest::feed(url.clone()).trusted(server.origin()))
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Blocked { .. }), "{err:?}");
    assert_eq!(server.total_hits(), 0);

    let got = ok(f
        .fetch(FetchRequest::feed(url.clone()).trusted(origin_of(&url)))
        .await);
    assert_eq!(got.body, FEED.as_bytes());
    assert_eq!(server.hits("/feed"), 1);
    // Earlier trust of the name does not leak into untrusted requests on the same fetcher.
    let err = f.fetch(FetchRequest::feed(url)).await.unwrap_err();
    assert!(matches!(err, FetchError::Blocked { .. }), "{err:?}");
    assert_eq!(server.hits("/feed"), 1);
}

#[tokio::test]
async fn a_trusted_origin_cannot_redirect_to_another_private_origin() {
    let internal = TestServer::fixed(Response::ok("secret"));
    let internal_url = internal.url("/admin");
    let server = TestServer::start(move |req: &Request| match req.path.as_str() {
        "/to-other-port" => Response::redirect(302, internal_url.as_str()),
        "/to-metadata" => Response::redirect(301, "http://169.254.169.254/latest/meta-data/"),
        _ => Response::status(404),
    });
    let f = fetcher();
    let err = f
        .fetch(trusted_feed(&server, "/to-other-port"))
        .await
        .unwrap_err();
    match &err {
        FetchError::Blocked { url, .. } => assert_eq!(url, &internal.url("/admin")),
        other => panic!("expected Blocked, got {other:?}"),
    }
    let err = f
        .fetch(trusted_feed(&server, "/to-metadata"))
        .await
        .unwrap_err();
    match &err {
        FetchError::Blocked { addr, .. } => assert_eq!(addr.to_string(), "169.254.169.254"),
        other => panic!("expected Blocked, got {other:?}"),
    }
    assert_eq!(internal.total_hits(), 0);
    assert_eq!(server.hits("/to-other-port"), 1);
}

#[tokio::test]
async fn statuses_map_to_their_own_errors() {
    let server = TestServer::start(|req: &Request| match req.path.as_str() {
        "/404" => Response::status(404),
        "/410" => Response::status(410),
        "/429" => Response::status(429).header("Retry-After", "120"),
        "/503" => Response::status(503).header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"),
        "/503-bare" => Response::status(503),
        "/500" => Response::status(500),
        "/403" => Response::status(403),
        "/300" => Response::status(301), // a redirect without Location
        _ => Response::ok(FEED),
    });
    let f = fetcher();
    let err = |path: &'static str| {
        let f = f.clone();
        let req = trusted_feed(&server, path);
        async move { f.fetch(req).await.unwrap_err() }
    };
    let e = err("/404").await;
    assert!(matches!(e, FetchError::NotFound { .. }), "{e:?}");
    assert!(e.to_string().contains("/404"), "{e}");
    assert!(matches!(err("/410").await, FetchError::Gone { .. }));
    let e = err("/429").await;
    assert!(
        matches!(e, FetchError::RateLimited { code: 429, retry_after: Some(d), .. } if d == Duration::from_secs(120)),
        "{e:?}"
    );
    // A date in the past means "now".
    let e = err("/503").await;
    assert!(
        matches!(
            e,
            FetchError::RateLimited {
                code: 503,
                retry_after: Some(Duration::ZERO),
                ..
            }
        ),
        "{e:?}"
    );
    let e = err("/503-bare").await;
    assert!(
        matches!(
            e,
            FetchError::RateLimited {
                retry_after: None,
                ..
            }
        ),
        "{e:?}"
    );
    let e = err("/500").await;
    assert!(matches!(e, FetchError::Status { code: 500, .. }), "{e:?}");
    assert!(e.to_string().contains("500") && e.to_string().contains("/500"));
    // A 403 is a refusal, asked once more as a browser asks (tests/refusal.rs).
    assert!(matches!(
        err("/403").await,
        FetchError::Refused { code: 403, .. }
    ));
    assert!(matches!(
        err("/300").await,
        FetchError::Status { code: 301, .. }
    ));
}

#[tokio::test]
async fn retry_after_is_read_from_an_http_date_in_the_future() {
    let when = chrono::Utc::now() + chrono::Duration::seconds(300);
    let date = when.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let server = TestServer::fixed(Response::status(503).header("Retry-After", &date));
    let e = fetcher()
        .fetch(trusted_feed(&server, "/"))
        .await
        .unwrap_err();
    match e {
        FetchError::RateLimited {
            retry_after: Some(d),
            ..
        } => assert!((295..=300).contains(&d.as_secs()), "{d:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn connection_refused_and_bad_urls() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }; // closed again: nothing listens there now
    let url = url::Url::parse(&format!("http://127.0.0.1:{port}/feed")).unwrap();
    let e = fetcher()
        .fetch(FetchRequest::feed(url.clone()).trusted(origin_of(&url)))
        .await
        .unwrap_err();
    assert!(matches!(e, FetchError::Connect { .. }), "{e:?}");
    assert!(std::error::Error::source(&e).is_some());
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "{e}");

    let ftp = url::Url::parse("ftp://example.com/feed").unwrap();
    let e = fetcher().fetch(FetchRequest::feed(ftp)).await.unwrap_err();
    assert!(matches!(e, FetchError::InvalidUrl { .. }), "{e:?}");
    assert!(e.to_string().contains("ftp://example.com/feed"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_host_limit_bounds_concurrency() {
    let server = TestServer::fixed(Response::ok(FEED).delay(Duration::from_millis(300)));
    let run = |per_host: usize, n: usize| {
        let f = fetcher_with(|c| c.per_host = per_host);
        let reqs: Vec<_> = (0..n)
            .map(|i| trusted_feed(&server, &format!("/f{i}")))
            .collect();
        async move {
            let results =
                futures_util::future::join_all(reqs.into_iter().map(|r| f.fetch(r))).await;
            for r in results {
                ok(r);
            }
        }
    };
    run(2, 8).await;
    assert_eq!(server.total_hits(), 8);
    assert_eq!(server.max_in_flight(), 2);

    // The control: with a higher limit the same load does overlap more.
    let control = TestServer::fixed(Response::ok(FEED).delay(Duration::from_millis(300)));
    let f = fetcher_with(|c| c.per_host = 8);
    let reqs: Vec<_> = (0..8)
        .map(|i| trusted_feed(&control, &format!("/g{i}")))
        .collect();
    for r in futures_util::future::join_all(reqs.into_iter().map(|r| f.fetch(r))).await {
        ok(r);
    }
    assert!(control.max_in_flight() > 2, "{}", control.max_in_flight());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_limit_bounds_concurrency_across_hosts() {
    // One server reached under two host names (two per-host slots pools).
    let server = TestServer::fixed(Response::ok(FEED).delay(Duration::from_millis(300)));
    let f = fetcher_with(|c| {
        c.per_host = 8;
        c.max_concurrent = 3;
    });
    let by_name = server.localhost_url("/");
    let mut reqs = Vec::new();
    for i in 0..4 {
        reqs.push(trusted_feed(&server, &format!("/ip{i}")));
        let url = by_name.join(&format!("/name{i}")).unwrap();
        reqs.push(FetchRequest::feed(url).trusted(origin_of(&by_name)));
    }
    for r in futures_util::future::join_all(reqs.into_iter().map(|r| f.fetch(r))).await {
        ok(r);
    }
    assert_eq!(server.total_hits(), 8);
    assert_eq!(server.max_in_flight(), 3);
}

#[tokio::test]
async fn clones_share_limits() {
    let server = TestServer::fixed(Response::ok(FEED).delay(Duration::from_millis(200)));
    let f = fetcher_with(|c| c.per_host = 1);
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..3 {
        let (f, req, done) = (
            f.clone(),
            trusted_feed(&server, &format!("/c{i}")),
            Arc::clone(&done),
        );
        tasks.push(tokio::spawn(async move {
            ok(f.fetch(req).await);
            done.fetch_add(1, Ordering::SeqCst);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(done.load(Ordering::SeqCst), 3);
    assert_eq!(server.max_in_flight(), 1);
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// `len` zero bytes, gzip-compressed (about 1000:1).
fn gzip_zeros(len: usize) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![0u8; 1024 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(block.len());
        enc.write_all(&block[..n]).unwrap();
        left -= n;
    }
    enc.finish().unwrap()
}
