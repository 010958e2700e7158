//! Feed autodiscovery: which feed URLs a web page advertises, and where else to look.
//!
//! Pure: (HTML bytes, page URL) in, candidate feed URLs out. No fetching: `sync` (the
//! orchestrator) fetches the page with [`super::fetch`], calls [`feed_links`], and falls back to
//! trying [`common_paths`] when the page names none.

use encoding_rs::Encoding;
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
/// `html` is decoded from its BOM or `<meta charset>` (first 1024 bytes), else as UTF-8 when
/// valid, else as windows-1252.
pub fn feed_links(html: &[u8], page_url: &Url) -> Vec<DiscoveredFeed> {
    let text = decode_html(html);
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

/// Decodes page bytes: BOM, then `<meta charset>` in the first 1024 bytes, then UTF-8 if
/// valid, else windows-1252 (never fails).
fn decode_html(bytes: &[u8]) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom_len..])
            .0
            .into_owned();
    }
    let head = &bytes[..bytes.len().min(1024)];
    if let Some(enc) = meta_charset(head) {
        return enc.decode_without_bom_handling(bytes).0.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// A rough prescan for `charset=` in the page head.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower = head.to_ascii_lowercase();
    let pos = lower.windows(8).position(|w| w == b"charset=")?;
    let rest = &lower[pos + 8..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(rest.len());
    let enc = Encoding::for_label(&rest[..end])?;
    // A page cannot really be in UTF-16 if its ASCII head parsed; HTML says treat it as UTF-8.
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        return Some(encoding_rs::UTF_8);
    }
    Some(enc)
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
