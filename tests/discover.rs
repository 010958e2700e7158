//! `feeds::discover`: feed links from HTML pages (pure; the fetching belongs to `sync`).

use tidings::feeds::discover::{common_paths, feed_links, DiscoveredFeed, FeedKind};
use url::Url;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn relative_links_resolve_against_the_page() {
    let page = url("https://example.com/blog/post/1.html");
    let html = br#"<!doctype html><html><head>
        <title>Post</title>
        <link rel="stylesheet" href="/style.css">
        <link rel="alternate" type="application/rss+xml" title="  Posts
            (RSS) " href="../feed.xml">
        <link rel="alternate" type="application/atom+xml" href="/atom.xml">
        <link rel="Alternate" type="application/feed+json; charset=utf-8" title="JSON" href="feed.json">
        <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
        <link rel="alternate" type="application/rss+xml" href="../feed.xml" title="dup">
        <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
        <link rel="alternate" type="application/rss+xml" href="">
        <link rel="alternate" type="application/json" href="//cdn.example.net/f.json">
      </head><body><link rel="alternate" type="application/atom+xml" href="comments.atom"></body></html>"#;
    let found = feed_links(html, &page);
    assert_eq!(
        found,
        vec![
            DiscoveredFeed {
                url: url("https://example.com/blog/feed.xml"),
                title: Some("Posts (RSS)".into()),
                kind: FeedKind::Rss,
            },
            DiscoveredFeed {
                url: url("https://example.com/atom.xml"),
                title: None,
                kind: FeedKind::Atom,
            },
            DiscoveredFeed {
                url: url("https://example.com/blog/post/feed.json"),
                title: Some("JSON".into()),
                kind: FeedKind::Json,
            },
            DiscoveredFeed {
                url: url("https://cdn.example.net/f.json"),
                title: None,
                kind: FeedKind::Json,
            },
            DiscoveredFeed {
                url: url("https://example.com/blog/post/comments.atom"),
                title: None,
                kind: FeedKind::Atom,
            },
        ]
    );
}

#[test]
fn base_href_changes_the_resolution() {
    let page = url("https://example.com/a/b/page.html");
    let html = br#"<html><head>
        <base href="/site/">
        <link rel="alternate" type="application/rss+xml" href="rss">
        <link rel="alternate" type="application/atom+xml" href="https://other.example.org/atom">
      </head></html>"#;
    let found = feed_links(html, &page);
    let urls: Vec<&str> = found.iter().map(|f| f.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://example.com/site/rss",
            "https://other.example.org/atom"
        ]
    );

    // An absolute <base> on another host is honoured too.
    let html = br#"<head><base href="https://mirror.example.net/x/"><link rel=alternate type=application/rss+xml href=feed></head>"#;
    assert_eq!(
        feed_links(html, &page)[0].url.as_str(),
        "https://mirror.example.net/x/feed"
    );
}

#[test]
fn pages_without_feed_links_give_nothing() {
    let page = url("https://example.com/");
    assert!(feed_links(b"", &page).is_empty());
    assert!(feed_links(b"<html><body>no feeds</body></html>", &page).is_empty());
    assert!(feed_links(&[0xff, 0xfe, 0x00, 0xd8], &page).is_empty());
    // rel must contain the token "alternate", not just the substring.
    let html = br#"<link rel="alternateish" type="application/rss+xml" href="/x">"#;
    assert!(feed_links(html, &page).is_empty());
}

#[test]
fn common_paths_are_tried_in_order() {
    let got = common_paths(&url("https://example.com/"));
    let paths: Vec<&str> = got.iter().map(Url::path).collect();
    assert_eq!(
        paths,
        [
            "/feed",
            "/rss.xml",
            "/atom.xml",
            "/feed.xml",
            "/index.xml",
            "/rss",
            "/feed.json"
        ]
    );
    assert!(got.iter().all(|u| u.host_str() == Some("example.com")));
    let blog = common_paths(&url("https://example.com/blog/"));
    assert_eq!(blog[0].as_str(), "https://example.com/blog/feed");
    assert!(blog.contains(&url("https://example.com/feed.json")));
}
