//! Feed autodiscovery: which feed URLs a web page advertises, and where else to look.
//!
//! Pure: (HTML bytes, page URL) in, candidate feed URLs out. No fetching: `sync` (the
//! orchestrator) fetches the page with [`super::fetch`], calls [`feed_links`], and falls back to
//! trying [`common_paths`] when the page names none.

use scraper::{Html, Selector};
use url::Url;

/// The kind of feed a `<link>` announces, from its `type` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedKind {
    /// `application/rss+xml`.
    Rss,
    /// `application/atom+xml`.
    Atom,
    /// `application/feed+json` or `application/json`.
    Json,
}

/// One feed a page links to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredFeed {
    /// Absolute `http`/`https` URL (resolved against `<base href>`, else the page URL).
    pub url: Url,
    /// The link's `title` attribute, whitespace collapsed; `None` when absent or blank.
    pub title: Option<String>,
    /// What the `type` attribute says it is.
    pub kind: FeedKind,
}

/// Feeds announced by `<link rel="alternate" type="…">` in `html`, in page order, each URL
/// once. Links with other types, non-http(s) targets or unparseable hrefs are skipped.
///
/// `html` is decoded by [`crate::charset::decode_html`].
pub fn feed_links(html: &[u8], page_url: &Url) -> Vec<DiscoveredFeed> {
    let text = crate::charset::decode_html(html, None, Some(page_url));
    let doc = Html::parse_document(&text);
    let (Ok(base_sel), Ok(link_sel)) = (Selector::parse("base[href]"), Selector::parse("link"))
    else {
        return Vec::new();
    };
    let base = doc
        .select(&base_sel)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|href| page_url.join(href.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .unwrap_or_else(|| page_url.clone());

    let mut found: Vec<DiscoveredFeed> = Vec::new();
    for link in doc.select(&link_sel) {
        let el = link.value();
        let is_alternate = el.attr("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|t| t.eq_ignore_ascii_case("alternate"))
        });
        if !is_alternate {
            continue;
        }
        let Some(kind) = el.attr("type").and_then(kind_of) else {
            continue;
        };
        let Some(href) = el.attr("href").map(str::trim).filter(|h| !h.is_empty()) else {
            continue;
        };
        let Ok(url) = base.join(href) else { continue };
        if !matches!(url.scheme(), "http" | "https") || found.iter().any(|f| f.url == url) {
            continue;
        }
        let title = el
            .attr("title")
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty());
        found.push(DiscoveredFeed { url, title, kind });
    }
    found
}

fn kind_of(mime: &str) -> Option<FeedKind> {
    let essence = mime.split(';').next().unwrap_or_default().trim();
    if essence.eq_ignore_ascii_case("application/rss+xml") {
        Some(FeedKind::Rss)
    } else if essence.eq_ignore_ascii_case("application/atom+xml") {
        Some(FeedKind::Atom)
    } else if essence.eq_ignore_ascii_case("application/feed+json")
        || essence.eq_ignore_ascii_case("application/json")
    {
        Some(FeedKind::Json)
    } else {
        None
    }
}

/// The conventional feed locations to try for `site`, most likely first, no duplicates:
/// `/feed`, `/rss.xml`, `/atom.xml`, `/feed.xml`, `/index.xml`, `/rss`, `/feed.json`.
///
/// When `site` has a path below the root (`https://example.com/blog/`), the same names under
/// that directory come first (`/blog/feed`, …), then the ones at the root. Query and fragment
/// are dropped.
pub fn common_paths(site: &Url) -> Vec<Url> {
    const NAMES: [&str; 7] = [
        "feed",
        "rss.xml",
        "atom.xml",
        "feed.xml",
        "index.xml",
        "rss",
        "feed.json",
    ];
    let mut dir = site.clone();
    dir.set_query(None);
    dir.set_fragment(None);
    if !dir.path().ends_with('/') {
        // `https://example.com/blog` is most likely the directory `blog/`.
        let path = format!("{}/", dir.path());
        dir.set_path(&path);
    }
    let mut out: Vec<Url> = Vec::new();
    for base in [dir.as_str(), "/"] {
        let Ok(base) = dir.join(base) else { continue };
        for name in NAMES {
            if let Ok(u) = base.join(name) {
                if !out.contains(&u) {
                    out.push(u);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_declared_charsets() {
        let page = b"<html><head><meta charset=\"iso-8859-1\"><link rel=alternate type=application/rss+xml title=\"Caf\xe9\" href=/f></head></html>";
        let base = Url::parse("https://example.com/").unwrap();
        let found = feed_links(page, &base);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].title.as_deref(), Some("Café"));
    }

    #[test]
    fn common_paths_for_root_and_subdirectory() {
        let root = common_paths(&Url::parse("https://example.com/?x=1#y").unwrap());
        let got: Vec<&str> = root.iter().map(Url::as_str).collect();
        assert_eq!(
            got,
            [
                "https://example.com/feed",
                "https://example.com/rss.xml",
                "https://example.com/atom.xml",
                "https://example.com/feed.xml",
                "https://example.com/index.xml",
                "https://example.com/rss",
                "https://example.com/feed.json",
            ]
        );
        let blog = common_paths(&Url::parse("https://example.com/blog").unwrap());
        assert_eq!(blog.len(), 14);
        assert_eq!(blog[0].as_str(), "https://example.com/blog/feed");
        assert_eq!(blog[7].as_str(), "https://example.com/feed");
    }
}
