//! The feeds stage: every due feed fetched (a conditional GET), parsed and stored, concurrently.
//! Each feed's items become what the library stores: their HTML pointed at offline images, their
//! plain text, and whether the feed's own text is the whole story. A failed feed is recorded on
//! it (error, backoff); only a library error stops the stage.
//!
//! Each feed's settings apply here: a feed not due by its interval is not fetched (the store
//! leaves it out), one with full text off stores its own text as the story, one with the browser
//! user agent is fetched as a browser. Mute and keep rules give each item its verdict, and each
//! item gets its canonical address, by which the store folds copies of one story.
//!
//! Offline: a feed whose host could not be reached is recorded only once every feed is done.
//! When no feed at all could be reached (on two servers or more), the machine is offline, not the
//! feeds broken: nothing is recorded on them (no error, no backoff) and the report says
//! `offline` once.

use futures_util::future::OptionFuture;
use futures_util::stream::{self, StreamExt};
use url::Url;

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::{FailureKind, FeedFailure, FeedOutcome, SyncError, SyncEvent, SyncReport, SyncRun};
use crate::feeds::fetch::{origin_of, FetchError, FetchRequest, FetchResponse};
use crate::feeds::{self, ParseError, ParsedEntry, ParsedFeed};
use crate::rules::RuleSet;
use crate::store::{
    self, item_key, Extraction, FeedFetch, FeedToSync, FeedUpdate, IncomingArticle, IngestCounts,
    Library, UserAgent,
};

/// Most items written in one transaction. Feeds are written in batches: a commit per feed cost
/// more than its stories (WAL frames, checkpoints, a segment of the search index and merging
/// it). A batch stays short (a fifth of a second), so another writer (the app marking stories
/// read) never waits long.
const BATCH_ITEMS: usize = 2_000;

/// How long a fetched feed waits for others to share its transaction, unless a batch is full or
/// no more feeds are coming.
const BATCH_WAIT: Duration = Duration::from_millis(200);

/// Feeds fetched and waiting to be written, at most: fetching pauses beyond it.
const MAX_WAITING: usize = 256;

/// One feed fetched: what the library records for it, and its outcome for the report (an
/// `Updated` outcome gets its counts once the feed is written).
struct Fetched {
    feed: FeedToSync,
    fetch: FeedFetch,
    outcome: FeedOutcome,
}

/// A failure: what the library records, and the outcome.
fn failed(
    kind: FailureKind,
    error: String,
    retry_after: Option<i64>,
    gone: bool,
) -> (FeedFetch, FeedOutcome) {
    let outcome = FeedOutcome::Failed {
        error: error.clone(),
        kind,
    };
    let fetch = FeedFetch::Failed {
        error,
        kind: kind.as_str().to_owned(),
        retry_after,
        gone,
    };
    (fetch, outcome)
}

impl Fetched {
    /// A failure that may be the whole network's, not the feed's.
    fn is_unreachable(&self) -> bool {
        matches!(&self.outcome, FeedOutcome::Failed { kind, .. } if kind.is_unreachable())
    }

    fn items(&self) -> usize {
        match &self.fetch {
            FeedFetch::Stored { items, .. } => items.len().max(1),
            _ => 1,
        }
    }
}

/// Fetched feeds waiting for the writer.
#[derive(Default)]
struct Waiting {
    feeds: Vec<Fetched>,
    items: usize,
    /// When the first of them arrived.
    since: Option<Instant>,
}

impl Waiting {
    fn push(&mut self, fetched: Fetched) {
        self.items += fetched.items();
        self.since.get_or_insert_with(Instant::now);
        self.feeds.push(fetched);
    }

    fn is_full(&self) -> bool {
        self.feeds.len() >= MAX_WAITING
    }

    /// When the first waiting feed has waited long enough.
    fn deadline(&self) -> Option<Instant> {
        self.since.map(|since| since + BATCH_WAIT)
    }

    /// Whether to write a batch now: a full one (by items, or by feeds: fetching waits for
    /// room), one whose first feed waited long enough, or the last one.
    fn ready(&self, fetching: bool) -> bool {
        !self.feeds.is_empty()
            && (!fetching
                || self.items >= BATCH_ITEMS
                || self.is_full()
                || self.deadline().is_some_and(|d| d <= Instant::now()))
    }

    /// The first waiting feeds, up to [`BATCH_ITEMS`] items (at least one feed).
    fn take_batch(&mut self) -> Vec<Fetched> {
        let mut items = 0;
        let end = self
            .feeds
            .iter()
            .position(|f| {
                items += f.items();
                items > BATCH_ITEMS
            })
            .unwrap_or(self.feeds.len())
            .max(1);
        let batch: Vec<Fetched> = self.feeds.drain(..end).collect();
        self.items -= batch.iter().map(Fetched::items).sum::<usize>();
        self.since = (!self.feeds.is_empty()).then(Instant::now);
        batch
    }
}

/// Runs the stage: fills the report's feed counts and sends a `FeedDone` event per feed (once
/// its feed is written). Fetching and parsing run concurrently; one batch at a time is written
/// while the next feeds are fetched. A library error (disk full, I/O) stops the stage: the
/// batch being written is rolled back whole, its feeds are fetched again next time.
pub(super) async fn run(run: &SyncRun<'_>, report: &mut SyncReport) -> Result<(), SyncError> {
    let ignore_backoff = run.options.ignore_backoff;
    let feeds = run
        .lib
        .run(move |l| l.feeds_to_sync(ignore_backoff))
        .await?;
    let total = feeds.len();
    report.feeds_total = total;
    (run.progress)(SyncEvent::FeedsStarted { total });
    let rules = run.lib.run(|l| l.rules()).await?;
    let rules = Arc::new(RuleSet::new(rules.iter().map(|r| &r.spec)));

    let mut fetches = stream::iter(feeds)
        .map(|feed| {
            let rules = Arc::clone(&rules);
            async move {
                let fetched = fetch_feed(run, &feed, rules).await;
                (feed, fetched)
            }
        })
        .buffer_unordered(run.options.concurrency.max(1));
    let mut tally = Tally {
        report,
        progress: run.progress,
        done: 0,
        total,
    };
    let mut waiting = Waiting::default();
    let mut writing = None;
    let mut fetching = true;
    let mut unreachable = Vec::new();
    loop {
        if writing.is_none() && waiting.ready(fetching) {
            let batch = waiting.take_batch();
            writing = Some(Box::pin(run.lib.run(move |l| write_batch(l, batch))));
        }
        let deadline = waiting.deadline();
        tokio::select! {
            next = fetches.next(), if fetching && !waiting.is_full() => match next {
                Some((feed, Ok((fetch, outcome)))) => {
                    let fetched = Fetched { feed, fetch, outcome };
                    if fetched.is_unreachable() {
                        // Held until every feed is done: this may be the whole network.
                        tally.feed_done(&fetched.feed, fetched.outcome.clone());
                        unreachable.push(fetched);
                    } else {
                        waiting.push(fetched);
                    }
                }
                // The parse could not run (its task panicked): the feed's failure, not recorded.
                Some((feed, Err(e))) => {
                    let outcome = FeedOutcome::Failed {
                        error: e.to_string(),
                        kind: FailureKind::Internal,
                    };
                    tally.feed_done(&feed, outcome);
                }
                None => fetching = false,
            },
            Some(written) = OptionFuture::from(writing.as_mut()) => {
                writing = None;
                for (feed, outcome) in written? {
                    tally.feed_done(&feed, outcome);
                }
            }
            () = tokio::time::sleep_until(deadline.unwrap_or_else(Instant::now)),
                if writing.is_none() && deadline.is_some() => {}
            else => break,
        }
    }
    drop(fetches);
    tally.report.offline = total > 0
        && unreachable.len() == total
        && spans_two_origins(unreachable.iter().map(|f| f.feed.url.as_str()));
    if !tally.report.offline && !unreachable.is_empty() {
        run.lib.run(move |l| write_batch(l, unreachable)).await?;
    }
    Ok(())
}

/// Writes a batch of fetched feeds in one transaction; returns each feed with its outcome.
fn write_batch(
    lib: &mut Library,
    batch: Vec<Fetched>,
) -> store::Result<Vec<(FeedToSync, FeedOutcome)>> {
    let (fetches, feeds): (Vec<_>, Vec<_>) = batch
        .into_iter()
        .map(|f| ((f.feed.id, f.fetch), (f.feed, f.outcome)))
        .unzip();
    let counts = lib.record_feed_fetches(&fetches)?;
    Ok(feeds
        .into_iter()
        .zip(counts)
        .map(|((feed, outcome), counts)| (feed, with_counts(outcome, counts)))
        .collect())
}

/// An `Updated` outcome with the counts of its feed's write.
fn with_counts(outcome: FeedOutcome, counts: IngestCounts) -> FeedOutcome {
    match outcome {
        FeedOutcome::Updated { problems, .. } => FeedOutcome::Updated {
            new: counts.new,
            updated: counts.updated,
            muted: counts.muted,
            folded: counts.folded,
            flagged: counts.flagged,
            problems,
        },
        other => other,
    }
}

/// The report's feed counts and the `FeedDone` events, as feeds finish.
struct Tally<'r, 'p> {
    report: &'r mut SyncReport,
    progress: super::Progress<'p>,
    done: usize,
    total: usize,
}

impl Tally<'_, '_> {
    fn feed_done(&mut self, feed: &FeedToSync, outcome: FeedOutcome) {
        self.done += 1;
        let report = &mut *self.report;
        match &outcome {
            FeedOutcome::Updated {
                new,
                updated,
                muted,
                folded,
                flagged,
                ..
            } => {
                report.feeds_ok += 1;
                report.new_articles += new;
                report.updated_articles += updated;
                report.muted_articles += muted;
                report.folded_articles += folded;
                report.flagged_articles += flagged;
            }
            FeedOutcome::NotModified => report.feeds_not_modified += 1,
            FeedOutcome::Failed { error, kind } => report.feeds_failed.push(FeedFailure {
                feed_id: feed.id,
                title: feed.title.clone(),
                url: feed.url.clone(),
                error: error.clone(),
                kind: *kind,
            }),
        }
        (self.progress)(SyncEvent::FeedDone {
            done: self.done,
            total: self.total,
            feed_id: feed.id,
            title: feed.title.clone(),
            outcome,
        });
    }
}

/// Whether the unreachable feeds live on at least two origins. One server that is down looks
/// the same as a machine that is offline; only several servers all unreachable at once tell the
/// network is gone, so a library whose feeds share one dead server still sees them failing.
fn spans_two_origins<'u>(urls: impl Iterator<Item = &'u str>) -> bool {
    let origin = |url: &str| Url::parse(url).map(|u| u.origin()).ok();
    let mut origins = urls.map(origin);
    let Some(first) = origins.next() else {
        return false;
    };
    origins.any(|other| other != first)
}

/// Fetches and parses one feed: what the library is to record for it, and its outcome.
/// Network and parse failures are [`FeedFetch::Failed`]; `Err` only when the work itself
/// could not run.
async fn fetch_feed(
    run: &SyncRun<'_>,
    feed: &FeedToSync,
    rules: Arc<RuleSet>,
) -> Result<(FeedFetch, FeedOutcome), SyncError> {
    let id = feed.id;
    let url = match Url::parse(&feed.url) {
        Ok(u) => u,
        Err(e) => {
            let error = format!("invalid feed URL {}: {e}", feed.url);
            return Ok(failed(FailureKind::InvalidUrl, error, None, false));
        }
    };
    let mut request =
        FetchRequest::feed(url.clone()).validators(feed.etag.clone(), feed.last_modified.clone());
    if feed.trusted_host {
        request = request.trusted(origin_of(&url));
    }
    if feed.user_agent == UserAgent::Browser {
        request = request.as_browser();
    }
    let fetched = match run.fetcher.fetch(request).await {
        Ok(FetchResponse::NotModified {
            etag,
            last_modified,
        }) => {
            let fetch = FeedFetch::NotModified {
                etag,
                last_modified,
            };
            return Ok((fetch, FeedOutcome::NotModified));
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
            return Ok(failed(
                FailureKind::from(&err),
                err.to_string(),
                retry_after,
                gone,
            ));
        }
    };

    let body = fetched.body;
    let content_type = fetched.content_type.clone();
    let base = fetched.final_url.clone();
    // Full text off: no item waits for its page.
    let full_text_words = if feed.full_text {
        run.options.full_text_words
    } else {
        0
    };
    let parsed = tokio::task::spawn_blocking(move || {
        feeds::parse(&body, content_type.as_deref(), &base).map(|parsed| {
            let items = to_incoming(&parsed, full_text_words)
                .into_iter()
                .map(|item| super::rules::with_verdict(item, id, &rules))
                .collect::<Vec<_>>();
            (items, parsed)
        })
    })
    .await
    .map_err(|e| SyncError::Task(e.to_string()))?;
    let (items, parsed) = match parsed {
        Ok(ok) => ok,
        Err(err) => {
            let error = match &err {
                ParseError::Html => format!(
                    "{} is a web page, not a feed (add the site's address to find its feed)",
                    fetched.final_url
                ),
                other => format!("{}: {other}", fetched.final_url),
            };
            return Ok(failed(FailureKind::from(&err), error, None, false));
        }
    };
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
    let outcome = FeedOutcome::Updated {
        new: 0,
        updated: 0,
        muted: 0,
        folded: 0,
        flagged: 0,
        problems: parsed.problems.len(),
    };
    Ok((FeedFetch::Stored { update, items }, outcome))
}

/// Parsed entries as the library stores them.
fn to_incoming(feed: &ParsedFeed, full_text_words: usize) -> Vec<IncomingArticle> {
    feed.entries
        .iter()
        .map(|e| incoming_article(e, feed.language.as_deref(), full_text_words))
        .collect()
}

pub(super) fn incoming_article(
    entry: &ParsedEntry,
    feed_language: Option<&str>,
    full_text_words: usize,
) -> IncomingArticle {
    let title = entry.title.clone().unwrap_or_default();
    let mut image_urls = Vec::new();
    let mut offline = |html: &Option<String>| {
        html.as_deref().map(|h| {
            let (rewritten, urls) = super::offline_html(h, None);
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
    if let Some(lead) = entry
        .image
        .as_ref()
        .filter(|u| !super::images::is_tracker_url(u))
    {
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
    // The content's words (its text is `content_text` when it has content).
    let words = match (&entry.content_html, &content_text) {
        (Some(_), Some(text)) => crate::text::word_count(text),
        _ => 0,
    };
    // The feed's text is the story when it is long, or when there is no page to fetch.
    let extraction = if words >= full_text_words || entry.link.is_none() {
        Extraction::Feed
    } else {
        Extraction::Pending
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
        word_count: (words > 0).then_some(words as i64),
        image_urls,
        canonical_url: entry.link.as_deref().and_then(crate::urls::canonical_url),
        muted: false,
        flagged: false,
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
