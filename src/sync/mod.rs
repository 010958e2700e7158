//! Sync: the one orchestrator. Fetches every due feed concurrently, parses it, stores its items
//! (one transaction per feed, so a crash loses nothing already committed), then fetches and
//! extracts new stories' pages. One broken feed never stops the others: each gets its own
//! outcome in the [`SyncReport`], and the library keeps its error and backoff.
//!
//! Blocking work (SQLite, parsing, extraction) runs on tokio's blocking pool, never on the
//! threads that drive the network.

pub mod accounts;
pub mod subscribe;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use url::Url;

use crate::extract;
use crate::feeds::fetch::{origin_of, FetchError, FetchRequest, FetchResponse, Fetcher};
use crate::feeds::{self, ParseError, ParsedEntry, ParsedFeed};
use crate::store::{
    self, item_key, FeedToSync, FeedUpdate, IncomingArticle, Library, PageResult, PendingPage,
    StoreError,
};

/// How a sync runs.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Skip fetching story pages (for comparing with feed-only readers).
    pub feeds_only: bool,
    /// Feeds fetched at once (the fetcher also limits per host).
    pub concurrency: usize,
    /// Fetch feeds even while they back off after failures.
    pub ignore_backoff: bool,
    /// Largest story page accepted.
    pub max_page_bytes: usize,
    /// A feed item whose own content has at least this many words is taken as the full story,
    /// and its page is not fetched.
    pub full_text_words: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            feeds_only: false,
            concurrency: 32,
            ignore_backoff: false,
            max_page_bytes: 5 * 1024 * 1024,
            full_text_words: 300,
        }
    }
}

/// What happened to one feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FeedOutcome {
    Updated {
        new: usize,
        updated: usize,
        problems: usize,
    },
    NotModified,
    Failed {
        error: String,
    },
}

/// Progress, for a terminal bar or the app's status line.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum SyncEvent {
    FeedsStarted {
        total: usize,
    },
    FeedDone {
        done: usize,
        total: usize,
        feed_id: i64,
        title: String,
        outcome: FeedOutcome,
    },
    PagesStarted {
        total: usize,
    },
    PageDone {
        done: usize,
        total: usize,
        article_id: i64,
        ok: bool,
    },
    ImagesStarted {
        total: usize,
    },
    ImageDone {
        done: usize,
        total: usize,
    },
    /// A batch of an account's new items stored.
    AccountProgress {
        account_id: i64,
        name: String,
        done: usize,
        total: usize,
    },
    /// An account's turn ended (`error` says why when it did not go through).
    AccountDone {
        account_id: i64,
        name: String,
        status: store::AccountStatus,
        error: Option<String>,
    },
}

/// A failed feed, for the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedFailure {
    pub feed_id: i64,
    pub title: String,
    pub url: String,
    pub error: String,
}

/// The summary of a sync.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    pub feeds_total: usize,
    pub feeds_ok: usize,
    pub feeds_not_modified: usize,
    pub feeds_failed: Vec<FeedFailure>,
    pub new_articles: usize,
    pub updated_articles: usize,
    pub pages_extracted: usize,
    pub pages_failed: usize,
    pub images_stored: usize,
    pub images_failed: usize,
    /// Articles deleted by the retention rules (never bookmarked ones).
    pub articles_expired: usize,
    /// Each reader-server account's sync.
    pub accounts: Vec<accounts::AccountReport>,
    pub seconds: f64,
}

/// Why a sync could not run at all (a single feed's failure is never one).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the HTTP client could not start: {0}")]
    Fetch(#[from] FetchError),
    #[error("a sync task failed: {0}")]
    Task(String),
}

/// The library shared by the sync's tasks; every use goes through the blocking pool.
#[derive(Clone)]
struct SharedLibrary(Arc<Mutex<Library>>);

impl SharedLibrary {
    async fn run<T, F>(&self, work: F) -> Result<T, SyncError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> store::Result<T> + Send + 'static,
    {
        let lib = self.0.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = lib
                .lock()
                .map_err(|_| SyncError::Task("library lock poisoned".into()))?;
            work(&mut guard).map_err(SyncError::from)
        })
        .await
        .map_err(|e| SyncError::Task(e.to_string()))?
    }
}

/// Syncs every due feed of the library at `path`, then (unless `feeds_only`) the pages of the
/// stories still waiting for extraction. `progress` is called from the sync's tasks.
pub async fn sync_library(
    path: &Path,
    fetcher: &Fetcher,
    options: &SyncOptions,
    progress: &(dyn Fn(SyncEvent) + Send + Sync),
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let path: PathBuf = path.to_path_buf();
    let lib = tokio::task::spawn_blocking(move || Library::open(&path))
        .await
        .map_err(|e| SyncError::Task(e.to_string()))??;
    let lib = SharedLibrary(Arc::new(Mutex::new(lib)));
    let ignore_backoff = options.ignore_backoff;
    let feeds = lib.run(move |l| l.feeds_to_sync(ignore_backoff)).await?;
    let total = feeds.len();
    let mut report = SyncReport {
        feeds_total: total,
        ..SyncReport::default()
    };
    progress(SyncEvent::FeedsStarted { total });

    let mut outcomes = stream::iter(feeds)
        .map(|feed| {
            let lib = lib.clone();
            async move {
                let outcome = sync_feed(&lib, fetcher, &feed, options).await;
                (feed, outcome)
            }
        })
        .buffer_unordered(options.concurrency.max(1));
    let mut done = 0;
    while let Some((feed, outcome)) = outcomes.next().await {
        done += 1;
        let outcome = match outcome {
            Ok(o) => o,
            // The library itself failed (disk full, I/O): stop, nothing half-written stays.
            Err(SyncError::Store(e)) => return Err(SyncError::Store(e)),
            Err(e) => FeedOutcome::Failed {
                error: e.to_string(),
            },
        };
        match &outcome {
            FeedOutcome::Updated { new, updated, .. } => {
                report.feeds_ok += 1;
                report.new_articles += new;
                report.updated_articles += updated;
            }
            FeedOutcome::NotModified => report.feeds_not_modified += 1,
            FeedOutcome::Failed { error } => report.feeds_failed.push(FeedFailure {
                feed_id: feed.id,
                title: feed.title.clone(),
                url: feed.url.clone(),
                error: error.clone(),
            }),
        }
        progress(SyncEvent::FeedDone {
            done,
            total,
            feed_id: feed.id,
            title: feed.title,
            outcome,
        });
    }
    drop(outcomes);
    report.accounts = accounts::sync_accounts(&lib, fetcher, options, progress).await?;

    if !options.feeds_only {
        let pages = lib.run(|l| l.pending_pages(i64::MAX)).await?;
        let total = pages.len();
        progress(SyncEvent::PagesStarted { total });
        let mut results = stream::iter(pages)
            .map(|page| {
                let lib = lib.clone();
                async move {
                    let id = page.article_id;
                    let result = sync_page(fetcher, &page, options).await;
                    let ok = result.extraction == "full";
                    lib.run(move |l| l.store_page_result(id, &result)).await?;
                    Ok::<_, SyncError>((id, ok))
                }
            })
            .buffer_unordered(options.concurrency.max(1));
        let mut done = 0;
        while let Some(result) = results.next().await {
            let (article_id, ok) = result?;
            done += 1;
            if ok {
                report.pages_extracted += 1;
            } else {
                report.pages_failed += 1;
            }
            progress(SyncEvent::PageDone {
                done,
                total,
                article_id,
                ok,
            });
        }
    }
    if !options.feeds_only {
        let images = lib.run(|l| l.pending_images(i64::MAX)).await?;
        let total = images.len();
        progress(SyncEvent::ImagesStarted { total });
        let mut results = stream::iter(images)
            .map(|image| {
                let lib = lib.clone();
                async move {
                    let key = image.key.clone();
                    let result = fetch_image(fetcher, &image).await;
                    let ok = result.is_ok();
                    lib.run(move |l| match &result {
                        Ok((mime, bytes)) => l.store_image(&key, Ok((mime, bytes))),
                        Err(e) => l.store_image(&key, Err(e)),
                    })
                    .await?;
                    Ok::<_, SyncError>(ok)
                }
            })
            .buffer_unordered(options.concurrency.max(1));
        let mut done = 0;
        while let Some(result) = results.next().await {
            if result? {
                report.images_stored += 1;
            } else {
                report.images_failed += 1;
            }
            done += 1;
            progress(SyncEvent::ImageDone { done, total });
        }
    }
    report.articles_expired = lib.run(|l| l.apply_retention()).await?;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// Fetches, parses and stores one feed. Network and parse failures are recorded on the feed
/// and returned as `Failed`; only library errors are `Err`.
async fn sync_feed(
    lib: &SharedLibrary,
    fetcher: &Fetcher,
    feed: &FeedToSync,
    options: &SyncOptions,
) -> Result<FeedOutcome, SyncError> {
    let id = feed.id;
    let url = match Url::parse(&feed.url) {
        Ok(u) => u,
        Err(e) => {
            let error = format!("invalid feed URL {}: {e}", feed.url);
            return record_failure(lib, id, error, None, false).await;
        }
    };
    let mut request =
        FetchRequest::feed(url.clone()).validators(feed.etag.clone(), feed.last_modified.clone());
    if feed.trusted_host {
        request = request.trusted(origin_of(&url));
    }
    let fetched = match fetcher.fetch(request).await {
        Ok(FetchResponse::NotModified {
            etag,
            last_modified,
        }) => {
            lib.run(move |l| l.record_not_modified(id, etag.as_deref(), last_modified.as_deref()))
                .await?;
            return Ok(FeedOutcome::NotModified);
        }
        Ok(FetchResponse::Ok(fetched)) => fetched,
        Err(err) => {
            let (retry_after, gone) = match &err {
                FetchError::RateLimited { retry_after, .. } => {
                    (retry_after.map(|d| d.as_secs() as i64), false)
                }
                FetchError::Gone { .. } => (None, true),
                _ => (None, false),
            };
            return record_failure(lib, id, err.to_string(), retry_after, gone).await;
        }
    };

    let body = fetched.body;
    let content_type = fetched.content_type.clone();
    let base = fetched.final_url.clone();
    let full_text_words = options.full_text_words;
    let parsed = tokio::task::spawn_blocking(move || {
        feeds::parse(&body, content_type.as_deref(), &base)
            .map(|feed| (to_incoming(&feed, full_text_words), feed))
    })
    .await
    .map_err(|e| SyncError::Task(e.to_string()))?;
    let (items, parsed) = match parsed {
        Ok(ok) => ok,
        Err(err) => {
            let error = match err {
                ParseError::Html => format!(
                    "{} is a web page, not a feed (add the site's address to find its feed)",
                    fetched.final_url
                ),
                other => format!("{}: {other}", fetched.final_url),
            };
            return record_failure(lib, id, error, None, false).await;
        }
    };
    let problems = parsed.problems.len();
    let update = FeedUpdate {
        title: parsed.title.clone(),
        site_url: parsed.site_url.clone(),
        format: Some(parsed.format.name().to_string()),
        parse_report: (!parsed.problems.is_empty()).then(|| parsed.problems.join("; ")),
        etag: fetched.etag,
        last_modified: fetched.last_modified,
        moved_to: fetched.moved_permanently.map(String::from),
        icon_url: feed_icon_url(
            parsed.icon.as_deref(),
            parsed.site_url.as_deref(),
            fetched.final_url.as_str(),
        ),
    };
    let counts = lib
        .run(move |l| l.store_feed_result(id, &update, &items))
        .await?;
    Ok(FeedOutcome::Updated {
        new: counts.new,
        updated: counts.updated,
        problems,
    })
}

async fn record_failure(
    lib: &SharedLibrary,
    id: i64,
    error: String,
    retry_after: Option<i64>,
    gone: bool,
) -> Result<FeedOutcome, SyncError> {
    let stored = error.clone();
    lib.run(move |l| l.record_feed_failure(id, &stored, retry_after, gone))
        .await?;
    Ok(FeedOutcome::Failed { error })
}

/// Parsed entries as the library stores them.
fn to_incoming(feed: &ParsedFeed, full_text_words: usize) -> Vec<IncomingArticle> {
    feed.entries
        .iter()
        .map(|e| incoming_article(e, feed.language.as_deref(), full_text_words))
        .collect()
}

fn incoming_article(
    entry: &ParsedEntry,
    feed_language: Option<&str>,
    full_text_words: usize,
) -> IncomingArticle {
    let title = entry.title.clone().unwrap_or_default();
    let mut image_urls = Vec::new();
    let mut offline = |html: &Option<String>| {
        html.as_deref().map(|h| {
            let (rewritten, urls) = crate::sanitize::rewrite_images(h, None);
            for url in urls {
                if !image_urls.contains(&url) {
                    image_urls.push(url);
                }
            }
            rewritten
        })
    };
    let teaser_html = offline(&entry.summary_html);
    let content_html = offline(&entry.content_html);
    if let Some(lead) = entry.image.as_ref().filter(|u| !is_tracker_url(u)) {
        if !image_urls.contains(lead) {
            image_urls.push(lead.clone());
        }
    }
    let published_at = entry.published.or(entry.updated).map(|d| d.timestamp());
    let content_text = entry
        .content_html
        .as_deref()
        .or(entry.summary_html.as_deref())
        .map(html_to_text);
    let words = entry
        .content_html
        .as_deref()
        .map(|h| html_to_text(h).split_whitespace().count())
        .unwrap_or(0);
    // The feed's text is the story when it is long, or when there is no page to fetch.
    let extraction = if words >= full_text_words || entry.link.is_none() {
        "feed"
    } else {
        "pending"
    };
    IncomingArticle {
        item_key: item_key(
            entry.id.as_deref(),
            entry.link.as_deref(),
            &title,
            published_at,
        ),
        url: entry.link.clone(),
        title,
        author: entry.author.clone(),
        published_at,
        updated_at: entry.updated.map(|d| d.timestamp()),
        teaser_html,
        content_html,
        content_text,
        lead_image: entry.image.clone(),
        lang: entry
            .language
            .clone()
            .or_else(|| feed_language.map(str::to_string)),
        extraction,
        image_urls,
    }
}

/// Plain text of sanitized HTML, for search and word counts.
fn html_to_text(html: &str) -> String {
    let fragment = scraper::Html::parse_fragment(html);
    let mut out = String::with_capacity(html.len() / 2);
    for text in fragment.root_element().text() {
        out.push_str(text);
        out.push(' ');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Fetches and extracts one story page; every failure becomes a `teaser` result with its reason.
async fn sync_page(fetcher: &Fetcher, page: &PendingPage, options: &SyncOptions) -> PageResult {
    let teaser = |note: String| PageResult {
        extraction: "teaser",
        note: Some(note),
        ..PageResult::default()
    };
    let url = match Url::parse(&page.url) {
        Ok(u) => u,
        Err(e) => return teaser(format!("invalid story URL: {e}")),
    };
    let mut request = FetchRequest::page(url.clone()).max_bytes(options.max_page_bytes);
    if page.feed_trusted_host {
        if let Ok(feed_url) = Url::parse(&page.feed_url) {
            request = request.trusted(origin_of(&feed_url));
        }
    }
    let fetched = match fetcher.fetch(request).await {
        Ok(FetchResponse::Ok(f)) => f,
        Ok(FetchResponse::NotModified { .. }) => return teaser("page not modified".into()),
        Err(e) => return teaser(e.to_string()),
    };
    let final_url = fetched.final_url;
    let body = fetched.body;
    let extracted = tokio::task::spawn_blocking(move || extract::extract(&body, &final_url)).await;
    match extracted {
        Ok(Ok(article)) => {
            let (content_html, mut image_urls) =
                crate::sanitize::rewrite_images(&article.content_html, None);
            if let Some(lead) = article.lead_image.as_ref().filter(|u| !is_tracker_url(u)) {
                if !image_urls.contains(lead) {
                    image_urls.insert(0, lead.clone());
                }
            }
            PageResult {
                extraction: "full",
                note: None,
                image_urls,
                content_html: Some(content_html),
                content_text: Some(article.text),
                author: article.byline,
                lead_image: article.lead_image,
                lang: article.lang,
                dir: article.dir,
                word_count: Some(article.word_count as i64),
            }
        }
        Ok(Err(e)) => teaser(e.to_string()),
        Err(e) => teaser(format!("extraction failed: {e}")),
    }
}

/// Downloads one image for offline reading: size-capped, and kept only when its bytes are a
/// raster format (the server's Content-Type is not trusted).
async fn fetch_image(
    fetcher: &Fetcher,
    image: &store::PendingImage,
) -> Result<(&'static str, Vec<u8>), String> {
    let url = Url::parse(&image.url).map_err(|e| format!("invalid image URL: {e}"))?;
    let mut request = FetchRequest::image(url).max_bytes(crate::images::MAX_IMAGE_BYTES);
    if image.feed_trusted_host {
        if let Ok(feed_url) = Url::parse(&image.feed_url) {
            request = request.trusted(origin_of(&feed_url));
        }
    }
    match fetcher.fetch(request).await {
        Ok(FetchResponse::Ok(f)) => match crate::images::sniff(&f.body) {
            Some(mime) => Ok((mime, f.body)),
            None => Err("not a raster image (png, jpeg, gif, webp, avif, ico)".into()),
        },
        Ok(FetchResponse::NotModified { .. }) => Err("not modified".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Whether an image URL names a known tracker (never downloaded, not even as a lead image).
fn is_tracker_url(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| crate::sanitize::is_tracker(&u))
}

/// A feed's icon: the one the feed names (RSS image, Atom icon or logo, JSON Feed icon), else
/// the site's `/favicon.ico` (the site's address, else the feed's own). Web addresses only.
fn feed_icon_url(named: Option<&str>, site_url: Option<&str>, feed_url: &str) -> Option<String> {
    let web = |u: &str| {
        Url::parse(u.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
    };
    if let Some(named) = named.and_then(web) {
        return Some(named.to_string());
    }
    let site = site_url.and_then(web).or_else(|| web(feed_url))?;
    site.join("/favicon.ico").ok().map(|u| u.to_string())
}

#[cfg(test)]
mod tests {
    use super::feed_icon_url;

    #[test]
    fn the_feed_names_its_icon_else_the_site_favicon() {
        let feed = "https://feeds.example/news/rss.xml";
        assert_eq!(
            feed_icon_url(Some("https://cdn.example/logo.png"), None, feed).as_deref(),
            Some("https://cdn.example/logo.png")
        );
        assert_eq!(
            feed_icon_url(
                Some("javascript:alert(1)"),
                Some("https://www.example/about/"),
                feed
            )
            .as_deref(),
            Some("https://www.example/favicon.ico")
        );
        assert_eq!(
            feed_icon_url(None, Some("not a url"), feed).as_deref(),
            Some("https://feeds.example/favicon.ico")
        );
        assert_eq!(feed_icon_url(None, None, "file:///tmp/feed.xml"), None);
    }
}
