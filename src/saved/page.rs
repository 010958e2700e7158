//! One page fetched for saving: what it turned out to be (an article, a feed, or nothing to
//! read, with the reason), and what the library stores of it. Fetching goes through the one
//! polite [`Fetcher`] (its per-host limits, its SSRF guard); extracting and storing are sync's
//! own page stage ([`crate::sync::pages`]).

use url::Url;

use crate::extract::Article;
use crate::feeds::discover::feed_links;
use crate::feeds::fetch::{FetchError, FetchRequest, FetchResponse, Fetcher, Origin};
use crate::store::{Extraction, PageResult};
use crate::sync::pages::{extract_page, page_result};

/// What a page turned out to be.
#[derive(Debug)]
pub(super) enum Fetched {
    /// An article was found in it.
    Article {
        /// The page's address after redirects.
        final_url: Url,
        article: Box<Article>,
        /// Feeds the page names (its site's).
        feeds: Vec<Url>,
        /// The page is a site's front page naming a feed (its address's path is `/`, or
        /// what was found reads as a list, not a story: no date, no byline, few words): a
        /// person saving it by hand likely wants to subscribe.
        front_page: bool,
    },
    /// The address is a feed.
    Feed { url: Url },
    /// Nothing to read: why, for people.
    Unavailable {
        reason: String,
        /// The address was refused (not public, and not an origin the person trusts): the
        /// import skips it rather than keep it.
        refused: bool,
        /// No article was found in a page that names feeds: the first feed it names.
        site_feed: Option<Url>,
    },
}

/// Fetches `url` as a page (trusting `trusted`, the origin the person trusts for it, if any),
/// and reads it.
pub(super) async fn fetch_page(
    fetcher: &Fetcher,
    url: &Url,
    trusted: Option<Origin>,
    max_bytes: usize,
) -> Fetched {
    let mut request = FetchRequest::page(url.clone()).max_bytes(max_bytes);
    if let Some(origin) = trusted {
        request = request.trusted(origin);
    }
    let fetched = match fetcher.fetch(request).await {
        Ok(FetchResponse::Ok(fetched)) => fetched,
        Ok(FetchResponse::NotModified { .. }) => {
            return unavailable(format!(
                "{url} answered 304 Not Modified to a plain request"
            ))
        }
        Err(err) => {
            let refused = matches!(
                err,
                FetchError::Blocked { .. } | FetchError::InvalidUrl { .. }
            );
            return Fetched::Unavailable {
                reason: err.to_string(),
                refused,
                site_feed: None,
            };
        }
    };
    let final_url = fetched.final_url.clone();
    let content_type = fetched.content_type.clone();
    let body = fetched.body;
    let (is_feed, feeds, body) = {
        let base = final_url.clone();
        let content_type = content_type.clone();
        let judged = tokio::task::spawn_blocking(move || {
            let is_feed = crate::feeds::parse(&body, content_type.as_deref(), &base).is_ok();
            let feeds: Vec<Url> = feed_links(&body, &base)
                .into_iter()
                .map(|f| f.url)
                .collect();
            (is_feed, feeds, body)
        })
        .await;
        match judged {
            Ok(judged) => judged,
            Err(e) => return unavailable(format!("reading {final_url} failed: {e}")),
        }
    };
    if is_feed {
        return Fetched::Feed { url: final_url };
    }
    if let Some(kind) = content_type
        .as_deref()
        .map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|kind| !kind.is_empty() && !is_page_type(kind))
    {
        return unavailable(format!("{final_url} is not a web page ({kind})"));
    }
    match extract_page(body, final_url.clone(), content_type).await {
        Ok(article) => {
            let listing = article.published.is_none()
                && article.byline.is_none()
                && article.word_count < LISTING_WORDS;
            let front_page = !feeds.is_empty() && (matches!(url.path(), "" | "/") || listing);
            Fetched::Article {
                final_url,
                article: Box::new(article),
                feeds,
                front_page,
            }
        }
        Err(reason) => Fetched::Unavailable {
            reason: format!("{final_url}: {reason}"),
            refused: false,
            site_feed: feeds.into_iter().next(),
        },
    }
}

/// Fewer words than this, with no date and no byline, reads as a list of links, not a story.
const LISTING_WORDS: usize = 300;

fn unavailable(reason: String) -> Fetched {
    Fetched::Unavailable {
        reason,
        refused: false,
        site_feed: None,
    }
}

/// Content types read as pages (text/html and its kin); the rest (PDF, images, feeds served
/// as text/plain are caught before) are not web pages.
fn is_page_type(kind: &str) -> bool {
    matches!(
        kind,
        "text/html" | "application/xhtml+xml" | "application/xml" | "text/xml" | "text/plain"
    )
}

/// What the library keeps of a page that could not be had: its title and link, and why.
pub(super) fn unavailable_result(reason: &str) -> PageResult {
    PageResult {
        extraction: Extraction::Teaser,
        note: Some(reason.to_string()),
        ..PageResult::default()
    }
}

/// The library's copy of a page a read-later app kept (`html`, for the page at `url`) when the
/// page itself is gone; `why` says what happened to the page. `None` when the copy holds no
/// article either.
pub(super) async fn archived_copy(html: String, url: &Url, why: &str) -> Option<PageResult> {
    let article = extract_page(html.into_bytes(), url.clone(), None)
        .await
        .ok()?;
    let mut result = page_result(&article, url);
    result.note = Some(format!(
        "the page could not be had ({why}): this is the copy the archive kept"
    ));
    Some(result)
}
