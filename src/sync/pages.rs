//! The pages stage: each story still waiting for extraction has its page fetched (from a public
//! host, or its feed's own trusted host) and extracted; the article, with its HTML pointed at
//! offline images, replaces the feed's teaser. A page that cannot be had leaves the story as a
//! teaser with the reason; only a library error stops the stage. The canonical address a page
//! declares for itself (on its own site only) folds its story with the other copies of that page.

use futures_util::stream::{self, StreamExt};
use url::Url;

use super::{SyncError, SyncEvent, SyncReport, SyncRun};
use crate::extract;
use crate::feeds::fetch::{origin_of, FetchRequest, FetchResponse};
use crate::store::{Extraction, PageResult, PendingPage, UserAgent};

/// Runs the stage: fills the report's page counts and sends a `PageDone` event per page.
pub(super) async fn run(run: &SyncRun<'_>, report: &mut SyncReport) -> Result<(), SyncError> {
    let pages = run.lib.run(|l| l.pending_pages(i64::MAX)).await?;
    let total = pages.len();
    (run.progress)(SyncEvent::PagesStarted { total });
    let mut results = stream::iter(pages)
        .map(|page| async move {
            let id = page.article_id;
            let result = sync_page(run, &page).await;
            let extraction = result.extraction;
            run.lib
                .run(move |l| l.store_page_result(id, &result))
                .await?;
            Ok::<_, SyncError>((id, extraction))
        })
        .buffer_unordered(run.options.concurrency.max(1));
    let mut done = 0;
    while let Some(result) = results.next().await {
        let (article_id, extraction) = result?;
        done += 1;
        let ok = extraction == Extraction::Full;
        match extraction {
            Extraction::Full => report.pages_extracted += 1,
            Extraction::Feed => report.pages_feed_kept += 1,
            _ => report.pages_failed += 1,
        }
        (run.progress)(SyncEvent::PageDone {
            done,
            total,
            article_id,
            ok,
        });
    }
    Ok(())
}

/// Fetches and extracts one story page; every failure becomes a teaser result with its reason.
async fn sync_page(run: &SyncRun<'_>, page: &PendingPage) -> PageResult {
    let teaser = |note: String| PageResult {
        extraction: Extraction::Teaser,
        note: Some(note),
        ..PageResult::default()
    };
    let url = match Url::parse(&page.url) {
        Ok(u) => u,
        Err(e) => return teaser(format!("invalid story URL: {e}")),
    };
    let mut request = FetchRequest::page(url.clone()).max_bytes(run.options.max_page_bytes);
    if page.feed_trusted_host {
        if let Ok(feed_url) = Url::parse(&page.feed_url) {
            request = request.trusted(origin_of(&feed_url));
        }
    }
    if page.user_agent == UserAgent::Browser {
        request = request.as_browser();
    }
    let fetched = match run.fetcher.fetch(request).await {
        Ok(FetchResponse::Ok(f)) => f,
        Ok(FetchResponse::NotModified { .. }) => return teaser("page not modified".into()),
        Err(e) => return teaser(e.to_string()),
    };
    let page_url = fetched.final_url.clone();
    let kept_from_feed = |why: String| PageResult {
        extraction: Extraction::Feed,
        note: Some(format!("{why}: the feed's text is kept")),
        ..PageResult::default()
    };
    let article = match extract_page(fetched.body, fetched.final_url, fetched.content_type).await {
        Ok(article) => article,
        // The page was had but holds no article: the feed's own content, when it has one, is
        // the story; trying again would give the same page.
        Err(reason) if page.feed_words > 0 => return kept_from_feed(reason),
        Err(reason) => return teaser(reason),
    };
    if gives_far_less(article.word_count, page.feed_words) {
        return kept_from_feed(format!(
            "the page gave {} words, the feed {}",
            article.word_count, page.feed_words
        ));
    }
    page_result(&article, &page_url)
}

/// Whether a page's article (`page_words`, counted by [`crate::text::word_count`]) is far
/// shorter than the feed's own content for the story (`feed_words`): under half of it. The
/// page is then a stub (a cookie or log-in wall, a paywall, "enable JavaScript") or its
/// article was missed, and the feed's text is the better story. Pages somewhat shorter than
/// the feed are kept: extraction drops the feed's own furniture ("The post … appeared first
/// on …") and the page brings its pictures.
fn gives_far_less(page_words: usize, feed_words: usize) -> bool {
    page_words * 2 < feed_words
}

/// Extracts the article from a fetched page (`content_type`: the header it came with), off
/// the async runtime; an error is the reason for people.
pub(crate) async fn extract_page(
    body: Vec<u8>,
    url: Url,
    content_type: Option<String>,
) -> Result<extract::Article, String> {
    let extracting = move || extract::extract_served(&body, &url, content_type.as_deref());
    match tokio::task::spawn_blocking(extracting).await {
        Ok(Ok(article)) => Ok(article),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(format!("extraction failed: {e}")),
    }
}

/// An extracted article as the library stores a story's page (fetched from `page_url`): its
/// HTML pointed at offline images, the images to download (the lead image first when the body
/// does not show it), and the canonical address the page declares for itself.
pub(crate) fn page_result(article: &extract::Article, page_url: &Url) -> PageResult {
    let (content_html, mut image_urls) = super::offline_html(&article.content_html, None);
    if let Some(lead) = article
        .lead_image
        .as_ref()
        .filter(|u| !super::images::is_tracker_url(u))
    {
        if !image_urls.contains(lead) {
            image_urls.insert(0, lead.clone());
        }
    }
    PageResult {
        extraction: Extraction::Full,
        note: None,
        image_urls,
        content_html: Some(content_html),
        content_text: Some(article.text.clone()),
        author: article.byline.clone(),
        lead_image: article.lead_image.clone(),
        lang: article.lang.clone(),
        dir: article.dir.clone(),
        word_count: Some(article.word_count as i64),
        canonical_url: article
            .canonical_url
            .as_deref()
            .and_then(|declared| crate::urls::declared_canonical_url(page_url.as_str(), declared)),
        published_at: article
            .published
            .as_deref()
            .and_then(|p| chrono::DateTime::parse_from_rfc3339(p).ok())
            .map(|d| d.timestamp()),
    }
}
