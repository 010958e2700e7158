//! Feeds that refuse readers (issue #22): a 403 or a CDN challenge page is asked again once
//! with a browser's `Accept` and `Accept-Language` headers, never more; a refusal of that ask
//! says so and points at the browser user agent. Real servers on 127.0.0.1.

use tidings::feeds::fetch::{
    FetchConfig, FetchError, FetchRequest, FetchResponse, Fetcher, BROWSER_USER_AGENT,
};

use crate::support::feeds::{rss, Item};
use crate::support::{Request, Response, TestServer};

fn fetcher() -> Fetcher {
    Fetcher::new(FetchConfig::default()).unwrap()
}

fn feed_body() -> String {
    rss(
        "Guarded",
        &[Item::new(
            "1",
            "Behind the wall",
            "https://guarded.example/1",
        )],
    )
}

/// Whether a request carries a browser's headers: HTML first in `Accept`, and a language.
fn asks_like_a_browser(req: &Request) -> bool {
    req.header("accept")
        .is_some_and(|a| a.starts_with("text/html"))
        && req.header("accept-language").is_some()
}

#[tokio::test]
async fn a_403_that_passes_with_a_browsers_headers_is_asked_again_once() {
    let server = TestServer::start(|req: &Request| {
        if asks_like_a_browser(req) {
            Response::ok(feed_body()).header("Content-Type", "application/rss+xml")
        } else {
            Response::status(403).body("Forbidden")
        }
    });
    let request = FetchRequest::feed(server.url("/feed.xml")).trusted(server.origin());
    let fetched = match fetcher().fetch(request).await {
        Ok(FetchResponse::Ok(f)) => f,
        other => panic!("expected the feed, got {other:?}"),
    };
    assert!(String::from_utf8_lossy(&fetched.body).contains("Behind the wall"));
    let asked = server.requests();
    assert_eq!(asked.len(), 2);
    assert!(!asks_like_a_browser(&asked[0]), "{:?}", asked[0]);
    assert!(asks_like_a_browser(&asked[1]), "{:?}", asked[1]);
    // Only the headers change: Tidings still says who it is.
    let agent = asked[1].header("user-agent").unwrap_or_default();
    assert!(agent.starts_with("Tidings/"), "{agent}");
}

/// The error a feed request to a server always giving `answer` ends with, and how many
/// requests the server saw.
async fn failure_against(answer: Response) -> (FetchError, usize) {
    let server = TestServer::fixed(answer);
    let request = FetchRequest::feed(server.url("/feed.xml")).trusted(server.origin());
    let err = fetcher().fetch(request).await.unwrap_err();
    (err, server.total_hits())
}

#[tokio::test]
async fn a_403_that_never_passes_is_asked_twice_and_the_reason_points_at_the_user_agent() {
    let (err, hits) = failure_against(Response::status(403).body("Go away")).await;
    assert!(
        matches!(
            err,
            FetchError::Refused {
                code: 403,
                challenge: false,
                as_browser: false,
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("403"), "{message}");
    assert!(message.contains("browser user agent"), "{message}");
    assert!(message.contains("/feed.xml"), "{message}");
    assert_eq!(hits, 2, "asked twice, never in a loop");
}

#[tokio::test]
async fn a_cdn_challenge_page_is_asked_again_and_named_when_it_stays() {
    let (err, hits) = failure_against(
        Response::status(503)
            .header("cf-mitigated", "challenge")
            .body("<html><title>Just a moment...</title></html>"),
    )
    .await;
    assert!(
        matches!(
            err,
            FetchError::Refused {
                code: 503,
                challenge: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("challenge page"), "{err}");
    assert_eq!(hits, 2);
    // A plain 503 is the server's trouble, not a refusal: asked once.
    let (err, hits) = failure_against(Response::status(503)).await;
    assert!(matches!(err, FetchError::RateLimited { .. }), "{err:?}");
    assert_eq!(hits, 1);
}

#[tokio::test]
async fn a_request_sent_as_a_browser_is_one_from_the_start_and_not_asked_again() {
    let server = TestServer::start(|req: &Request| {
        if req.header("user-agent") == Some(BROWSER_USER_AGENT) && asks_like_a_browser(req) {
            Response::ok(feed_body())
        } else {
            Response::status(403)
        }
    });
    let request = FetchRequest::feed(server.url("/ok.xml"))
        .trusted(server.origin())
        .as_browser();
    assert!(matches!(
        fetcher().fetch(request).await,
        Ok(FetchResponse::Ok(_))
    ));
    assert_eq!(server.total_hits(), 1);

    let refusing = TestServer::fixed(Response::status(403));
    let request = FetchRequest::feed(refusing.url("/feed.xml"))
        .trusted(refusing.origin())
        .as_browser();
    let err = fetcher().fetch(request).await.unwrap_err();
    assert!(err.to_string().contains("even as a browser"), "{err}");
    assert_eq!(refusing.total_hits(), 1);
}
