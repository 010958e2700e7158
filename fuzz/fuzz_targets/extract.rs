//! `tidings::extract::extract`: any page bytes at any URL give an article or an error, never
//! a panic, and the article is bounded by the page's size.
//!
//! Input: when the bytes start with a line that parses as a URL, that line is the page URL and
//! the rest the page; otherwise the page URL is a fixed one and all the bytes are the page.
#![no_main]

use libfuzzer_sys::fuzz_target;
use url::Url;

/// Output allowed per input byte, plus a constant (see `feed_parse`).
const PER_BYTE: usize = 64;
const CONSTANT: usize = 64 * 1024;

fuzz_target!(|data: &[u8]| {
    let (url, page) = split_url(data);
    let Ok(article) = tidings::extract::extract(page, &url) else {
        return;
    };
    let meta = [
        &article.title,
        &article.byline,
        &article.site_name,
        &article.published,
        &article.modified,
        &article.lead_image,
        &article.lang,
        &article.dir,
    ];
    let total = article.content_html.len()
        + article.text.len()
        + meta
            .iter()
            .map(|m| m.as_ref().map_or(0, String::len))
            .sum::<usize>();
    assert!(
        total <= PER_BYTE * page.len() + CONSTANT,
        "{total} bytes of article from {} bytes of page",
        page.len()
    );
    assert!(
        article.word_count <= page.len(),
        "{} words from {} bytes",
        article.word_count,
        page.len()
    );
    if let Some(dir) = &article.dir {
        assert!(dir == "ltr" || dir == "rtl", "dir {dir:?}");
    }
    if let Some(image) = &article.lead_image {
        let parsed =
            Url::parse(image).unwrap_or_else(|e| panic!("lead image {image:?} not absolute: {e}"));
        assert!(
            matches!(parsed.scheme(), "http" | "https"),
            "lead image {image}"
        );
    }
});

fn split_url(data: &[u8]) -> (Url, &[u8]) {
    let fallback = || Url::parse("https://news.example/2026/11/story.html").expect("constant URL");
    let Some(nl) = data.iter().take(256).position(|&b| b == b'\n') else {
        return (fallback(), data);
    };
    match std::str::from_utf8(&data[..nl])
        .ok()
        .and_then(|s| Url::parse(s).ok())
    {
        Some(url) => (url, &data[nl + 1..]),
        None => (fallback(), data),
    }
}
