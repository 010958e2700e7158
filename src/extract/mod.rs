//! Article extraction: (HTML bytes, page URL) in, the clean [`Article`] out.
//!
//! Pure: no I/O, no clock, no global state. Sync fetches the page and calls [`extract`] off the
//! async runtime; the CLI's `tidings extract` calls it on files.

use serde::Serialize;
use url::Url;

/// The clean story found in a page.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Article {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub site_name: Option<String>,
    /// RFC 3339 with the page's own offset, when the page states one.
    pub published: Option<String>,
    pub modified: Option<String>,
    pub lead_image: Option<String>,
    pub lang: Option<String>,
    /// `ltr` or `rtl`.
    pub dir: Option<String>,
    /// Sanitized HTML of the story body.
    pub content_html: String,
    /// Plain text with a line break at every block boundary.
    pub text: String,
    pub word_count: usize,
    pub reading_minutes: usize,
}

/// Why a page gave no article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("the page is too large to extract ({0} bytes)")]
    TooLarge(usize),
    #[error("the page has no readable text")]
    Empty,
    #[error("no article found in the page (too short: {0} words)")]
    TooShort(usize),
}

/// Extracts the article from a page.
pub fn extract(_html: &[u8], _url: &Url) -> Result<Article, ExtractError> {
    Err(ExtractError::Empty)
}
