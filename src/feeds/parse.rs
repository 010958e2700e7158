//! Parsing feed documents into one normalized shape, whatever the format.

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
/// relative links.
pub fn parse(
    bytes: &[u8],
    content_type: Option<&str>,
    feed_url: &Url,
) -> Result<ParsedFeed, ParseError> {
    let _ = (content_type, feed_url);
    let feed = feed_rs::parser::parse(bytes).map_err(|e| ParseError::NotAFeed(e.to_string()))?;
    let _ = feed;
    Err(ParseError::NotAFeed("parser not written yet".into()))
}
