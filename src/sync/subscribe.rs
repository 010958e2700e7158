//! Subscribing: from what the user typed (a feed URL or a site's address) to a feed URL, by
//! fetching it and, for a web page, following its `<link rel="alternate">` or the common feed
//! paths. The user named this address, so its origin is trusted (an intranet feed works).

use url::Url;

use crate::feeds::discover::{common_paths, feed_links};
use crate::feeds::fetch::{origin_of, FetchError, FetchRequest, FetchResponse, Fetcher};
use crate::feeds::{self, ParseError};

/// A feed found for an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFeed {
    /// The feed's URL (after permanent redirects).
    pub url: Url,
    pub title: Option<String>,
    pub site_url: Option<String>,
    pub format: &'static str,
    pub entries: usize,
    /// The web page it was discovered from, when the address was a site.
    pub discovered_from: Option<Url>,
}

/// Why no feed was found.
#[derive(Debug, thiserror::Error)]
pub enum SubscribeError {
    #[error("invalid address {0}: {1}")]
    InvalidUrl(String, url::ParseError),
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(
        "{url} is a web page that names no feed, and none of the usual feed addresses answered"
    )]
    NoFeedFound { url: Url },
    #[error("{url} is not a feed: {reason}")]
    NotAFeed { url: Url, reason: String },
}

/// Parses what a user typed: a full URL, `feed:` URL, or a bare host (`example.org/news`).
pub fn parse_address(input: &str) -> Result<Url, SubscribeError> {
    let trimmed = input.trim();
    let rewritten = if let Some(rest) = trimmed.strip_prefix("feed:") {
        let rest = rest.trim_start_matches("//");
        if rest.starts_with("http://") || rest.starts_with("https://") {
            rest.to_string()
        } else {
            format!("http://{rest}")
        }
    } else if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("https://{trimmed}")
    };
    Url::parse(&rewritten).map_err(|e| SubscribeError::InvalidUrl(input.to_string(), e))
}

/// Finds the feed for `address`: the address itself when it is a feed, else the first feed its
/// page links to, else the first common feed path that answers with a feed.
pub async fn find_feed(fetcher: &Fetcher, address: &Url) -> Result<FoundFeed, SubscribeError> {
    let trust = origin_of(address);
    let fetch = |url: Url| {
        let request = FetchRequest::feed(url).trusted(trust.clone());
        fetcher.fetch(request)
    };
    let first = match fetch(address.clone()).await? {
        FetchResponse::Ok(f) => f,
        FetchResponse::NotModified { .. } => {
            return Err(SubscribeError::NotAFeed {
                url: address.clone(),
                reason: "the server answered 304 to a request without validators".into(),
            })
        }
    };
    let page_url = first.final_url.clone();
    match feeds::parse(&first.body, first.content_type.as_deref(), &page_url) {
        Ok(feed) => {
            return Ok(FoundFeed {
                url: first.moved_permanently.unwrap_or_else(|| address.clone()),
                title: feed.title,
                site_url: feed.site_url,
                format: feed.format.name(),
                entries: feed.entries.len(),
                discovered_from: None,
            })
        }
        Err(ParseError::Html) => {}
        Err(ParseError::NotAFeed(reason)) => {
            return Err(SubscribeError::NotAFeed {
                url: page_url,
                reason,
            })
        }
    }
    let mut candidates: Vec<Url> = feed_links(&first.body, &page_url)
        .into_iter()
        .map(|d| d.url)
        .collect();
    candidates.extend(common_paths(&page_url));
    let mut seen = std::collections::HashSet::new();
    for candidate in candidates {
        if !seen.insert(candidate.clone()) || candidate == page_url {
            continue;
        }
        let Ok(FetchResponse::Ok(fetched)) = fetch(candidate.clone()).await else {
            continue;
        };
        let final_url = fetched.final_url.clone();
        if let Ok(feed) = feeds::parse(&fetched.body, fetched.content_type.as_deref(), &final_url) {
            return Ok(FoundFeed {
                url: fetched.moved_permanently.unwrap_or(candidate),
                title: feed.title,
                site_url: feed.site_url.or_else(|| Some(page_url.to_string())),
                format: feed.format.name(),
                entries: feed.entries.len(),
                discovered_from: Some(page_url.clone()),
            });
        }
    }
    Err(SubscribeError::NoFeedFound { url: page_url })
}
