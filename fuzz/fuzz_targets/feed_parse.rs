//! `tidings::feeds::parse`: any bytes, with any of the content types servers send, parse to a
//! feed or an error, never a panic, and the parsed feed is bounded by the input's size.
//!
//! Input: the first byte picks the `Content-Type` header (and the feed URL), the rest is the
//! document.
#![no_main]

use libfuzzer_sys::fuzz_target;
use url::Url;

const CONTENT_TYPES: &[Option<&str>] = &[
    None,
    Some("application/rss+xml"),
    Some("application/atom+xml; charset=utf-8"),
    Some("text/xml; charset=iso-8859-1"),
    Some("application/feed+json"),
    Some("text/html"),
    Some("text/plain; charset=utf-16"),
    Some("application/xml; charset=windows-1252"),
];

const FEED_URLS: &[&str] = &[
    "https://news.example/feed.xml",
    "http://127.0.0.1:8080/a/b/rss?x=1",
];

/// Output allowed per input byte, plus a constant: every field is the input, decoded, escaped
/// (`<` becomes `&lt;`), with links made absolute and `rel="noopener noreferrer"` added. A
/// super-linear blowup (entity or markup amplification) goes past it on a few KiB of input.
const PER_BYTE: usize = 64;
const CONSTANT: usize = 64 * 1024;

fn len(s: &Option<String>) -> usize {
    s.as_ref().map_or(0, String::len)
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[usize::from(selector) % CONTENT_TYPES.len()];
    let feed_url =
        Url::parse(FEED_URLS[usize::from(selector >> 4) % FEED_URLS.len()]).expect("constant URL");
    let Ok(feed) = tidings::feeds::parse(body, content_type, &feed_url) else {
        return;
    };
    let mut total = len(&feed.title)
        + len(&feed.site_url)
        + len(&feed.description)
        + len(&feed.icon)
        + len(&feed.language)
        + feed.problems.iter().map(String::len).sum::<usize>();
    for e in &feed.entries {
        total += len(&e.id)
            + len(&e.link)
            + len(&e.title)
            + len(&e.author)
            + len(&e.summary_html)
            + len(&e.content_html)
            + len(&e.image)
            + len(&e.language);
        for link in [&e.link, &e.image].into_iter().flatten() {
            let url =
                Url::parse(link).unwrap_or_else(|err| panic!("{link:?}: not absolute: {err}"));
            assert!(
                matches!(url.scheme(), "http" | "https"),
                "entry URL with scheme {}: {link}",
                url.scheme()
            );
        }
    }
    assert!(
        feed.entries.len() <= body.len(),
        "{} entries from {} bytes",
        feed.entries.len(),
        body.len()
    );
    assert!(
        total <= PER_BYTE * body.len() + CONSTANT,
        "{total} bytes of feed from {} bytes of input",
        body.len()
    );
});
