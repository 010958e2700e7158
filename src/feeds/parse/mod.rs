//! Parsing feed documents into one normalized shape, whatever the format.
//!
//! Every fetched feed goes through [`parse`]: bytes in (with the HTTP content type and the
//! feed URL), a [`ParsedFeed`] out, or a [`ParseError`] saying why the document is not a feed.
//! The stages, one submodule each:
//! - `repair`: bytes to valid UTF-8 (BOM, HTTP charset, XML declaration, windows-1252
//!   fallback for bytes that claim UTF-8 but are not).
//! - `xml` and `entities`: a tolerant XML reader (HTML entities, bad nesting, truncation)
//!   building a small tree; `xmlfeed` maps RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF from it.
//! - `json`: JSON Feed 1.0/1.1.
//! - `normalize` and `dates`: plain-text titles, sanitized HTML bodies (every body goes
//!   through `crate::sanitize`, or through a fast pass that tests hold to the same bytes for the
//!   simple markup most feeds carry), absolute URLs, liberal dates.
//!
//! It does no I/O and knows nothing of the library file; `sync` stores what it returns.
//! feed-rs is the peer it is benchmarked against (`scripts/bench-parse`), not a stage: its
//! XML layer re-serializes inline XHTML without escaping text (so `&lt;blink&gt;` becomes a
//! tag), stops at the first malformed byte, and would make every feed be parsed twice.

mod dates;
mod entities;
mod json;
mod mathml;
mod normalize;
mod repair;
mod xml;
mod xmlfeed;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use url::Url;

/// The format a document was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeedFormat {
    Rss0,
    Rss1,
    Rss2,
    Atom03,
    Atom10,
    JsonFeed,
    /// Microsoft's Channel Definition Format (1997): `<CHANNEL HREF>` with `<ITEM HREF>`s.
    Cdf,
}

impl FeedFormat {
    /// A short name for reports (`rss2`, `atom1.0`, …).
    pub fn name(self) -> &'static str {
        match self {
            FeedFormat::Rss0 => "rss0.9x",
            FeedFormat::Rss1 => "rss1.0",
            FeedFormat::Rss2 => "rss2.0",
            FeedFormat::Atom03 => "atom0.3",
            FeedFormat::Atom10 => "atom1.0",
            FeedFormat::JsonFeed => "jsonfeed",
            FeedFormat::Cdf => "cdf",
        }
    }
}

/// A feed, normalized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParsedFeed {
    pub format: FeedFormat,
    /// Plain text.
    pub title: Option<String>,
    pub site_url: Option<String>,
    pub description: Option<String>,
    pub icon: Option<String>,
    pub language: Option<String>,
    pub entries: Vec<ParsedEntry>,
    /// What had to be repaired or skipped; empty for a clean document.
    pub problems: Vec<String>,
}

/// One item of a feed, normalized.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ParsedEntry {
    /// The guid/id as published.
    pub id: Option<String>,
    /// Absolute URL of the story page.
    pub link: Option<String>,
    /// Plain text (entities decoded, markup removed).
    pub title: Option<String>,
    /// The author's name (plain text).
    pub author: Option<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub updated: Option<DateTime<FixedOffset>>,
    /// Sanitized HTML of the summary/description.
    pub summary_html: Option<String>,
    /// Sanitized HTML of the full content (`content:encoded`, Atom content, JSON `content_html`).
    pub content_html: Option<String>,
    /// Absolute URL of the entry's image (media:thumbnail, media:content, enclosure, JSON image).
    pub image: Option<String>,
    pub language: Option<String>,
}

/// Why a document could not be read as a feed at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not a feed: the document is HTML")]
    Html,
    #[error("not a feed: {0}")]
    NotAFeed(String),
}

/// Parses a feed document. `content_type` is the HTTP header, if any; `feed_url` resolves
/// relative links. A document that could only be read in part is returned with its
/// [`ParsedFeed::problems`] listed.
pub fn parse(
    bytes: &[u8],
    content_type: Option<&str>,
    feed_url: &Url,
) -> Result<ParsedFeed, ParseError> {
    let html_hint = content_type.is_some_and(|ct| {
        let ct = ct.trim_start().to_ascii_lowercase();
        ct.starts_with("text/html") || ct.starts_with("application/xhtml")
    });
    let decoded = repair::decode(bytes, content_type);
    let mut problems = decoded.problems;
    let text = decoded
        .text
        .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    match text.as_bytes().first() {
        None => return Err(ParseError::NotAFeed("empty document".into())),
        Some(b'{') => {
            let mut feed = json::parse(text, feed_url)?;
            problems.append(&mut feed.problems);
            feed.problems = problems;
            return Ok(feed);
        }
        _ => {}
    }
    let mut text = text;
    if let Some(p) = memchr::memmem::find(&text.as_bytes()[..text.len().min(4096)], b"<?xml") {
        if p > 0 {
            problems.push("junk before the XML declaration skipped".into());
            text = &text[p..];
        }
    }
    match first_element_name(text) {
        None if html_hint => return Err(ParseError::Html),
        None => return Err(ParseError::NotAFeed("neither XML nor JSON".into())),
        Some(name) if name.eq_ignore_ascii_case("html") => return Err(ParseError::Html),
        Some(_) => {}
    }
    let doc = xml::parse(text);
    let mut feed = xmlfeed::map(&doc, feed_url, html_hint)?;
    problems.extend(doc.problems.iter().cloned());
    feed.problems = problems;
    Ok(feed)
}

/// The name of the first element, skipping the prolog, comments and doctype; `None` when the
/// text has no element.
fn first_element_name(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'<', &b[i..]).map(|p| p + i) {
        let rest = &text[p..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            i = p + 4 + comment.find("-->")? + 3;
        } else if let Some(pi) = rest.strip_prefix("<?") {
            i = p + 2 + pi.find("?>")? + 2;
        } else if rest.starts_with("<!") {
            // A doctype says little (feeds carry XHTML ones); the first element decides.
            i = p + rest.find('>')? + 1;
        } else {
            let name_end = rest[1..]
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .map_or(rest.len(), |e| e + 1);
            let name = &rest[1..name_end];
            if name.is_empty() || !name.as_bytes()[0].is_ascii_alphabetic() {
                i = p + 1;
                continue;
            }
            return Some(name);
        }
    }
    None
}
