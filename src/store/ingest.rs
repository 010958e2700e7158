//! What sync writes: each feed's result in one transaction, fetch state and backoff, and the
//! extracted pages of new stories. Sync writes content columns only; read, bookmark and note
//! belong to the user and no statement here touches them.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::duplicates::{copies_in, set_canonical_in};
use super::{now, Extraction, Library, Result, UserAgent};

/// A feed due for a fetch, with what a conditional GET needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedToSync {
    pub id: i64,
    pub url: String,
    pub title: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub trusted_host: bool,
    /// Fetch each new story's page (the feed's setting); off, the feed's text is the story.
    pub full_text: bool,
    pub user_agent: UserAgent,
}

/// What a successful fetch and parse says about the feed itself.
#[derive(Debug, Clone, Default)]
pub struct FeedUpdate {
    pub title: Option<String>,
    pub site_url: Option<String>,
    pub format: Option<String>,
    /// Problems the parser repaired or skipped; `None` for a clean document.
    pub parse_report: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The feed moved for good (every redirect hop 301/308): its new URL.
    pub moved_to: Option<String>,
    /// The feed's icon (an absolute http(s) URL): queued for download, shown beside the feed.
    pub icon_url: Option<String>,
}

/// What fetching one feed came to, as [`Library::record_feed_fetches`] records it.
#[derive(Debug, Clone)]
pub enum FeedFetch {
    /// Fetched and parsed: the feed's details and its items, to store.
    Stored {
        update: FeedUpdate,
        items: Vec<IncomingArticle>,
    },
    /// The conditional GET was answered 304.
    NotModified {
        etag: Option<String>,
        last_modified: Option<String>,
    },
    /// The fetch or the parse failed: the error is kept and the next attempt waits.
    Failed {
        /// Why, for people.
        error: String,
        /// Why, as the sync's word for it (`sync::FailureKind`: "readers-refused", "http", …):
        /// what the app picks its offer of a fix by.
        kind: String,
        /// The server's Retry-After, in seconds.
        retry_after: Option<i64>,
        /// HTTP 410: the feed is gone for good.
        gone: bool,
    },
}

/// An item as sync hands it to the library.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncomingArticle {
    /// guid, else link, else a hash of title and date (see [`item_key`]).
    pub item_key: String,
    pub url: Option<String>,
    pub title: String,
    pub author: Option<String>,
    pub published_at: Option<i64>,
    pub updated_at: Option<i64>,
    /// Sanitized HTML: the feed's summary.
    pub teaser_html: Option<String>,
    /// Sanitized HTML: the feed's full content, when it has one.
    pub content_html: Option<String>,
    pub content_text: Option<String>,
    /// The words of the feed's content ([`crate::text::word_count`]), when it has one: the
    /// story's length (its reading time) until a page replaces it.
    pub word_count: Option<i64>,
    pub lead_image: Option<String>,
    pub lang: Option<String>,
    /// [`Extraction::Pending`] when the page is still to be fetched, [`Extraction::Feed`] when
    /// the feed's text is the story.
    pub extraction: Extraction,
    /// Original URLs of the images the stored HTML names (lead image included), to download.
    pub image_urls: Vec<String>,
    /// The story's canonical address ([`crate::urls::canonical_url`] of its link): the copies
    /// of one story share it, in one feed or several.
    pub canonical_url: Option<String>,
    /// A mute rule caught it: a new story is stored read.
    pub muted: bool,
    /// A keep rule caught it: the story is flagged (every copy of it).
    pub flagged: bool,
}

/// How a feed's items changed the library. Each item is one of `new`, `muted`, `folded`,
/// `updated` or `unchanged`; `flagged` counts again those a keep rule flagged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IngestCounts {
    /// New stories, unread.
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// New stories a mute rule caught: stored read.
    pub muted: usize,
    /// Copies of stories already in the library (another feed had them, or this one under
    /// another guid): stored, never shown as new.
    pub folded: usize,
    pub flagged: usize,
}

/// A story page to fetch and extract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingPage {
    pub article_id: i64,
    pub url: String,
    /// A URL on the origin the page may reach on a private address when `feed_trusted_host`:
    /// the feed's own (a local subscription), or its account's server (an account's feed).
    pub feed_url: String,
    pub feed_trusted_host: bool,
    /// The user agent of the story's feed.
    pub user_agent: UserAgent,
    /// The words of the feed's own content for the story (not its summary;
    /// [`crate::text::word_count`]); 0 when the feed gave only a summary or nothing (or the
    /// story was stored before the library kept that count). A page that gives far fewer does
    /// not replace it.
    pub feed_words: usize,
}

/// The outcome of fetching and extracting a story page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageResult {
    /// [`Extraction::Full`] (the extracted page is stored), [`Extraction::Teaser`] (only the
    /// feed's text; `note` says why) or [`Extraction::Feed`] (the page gave far less than the
    /// feed's own content, which stays the story; `note` says so).
    pub extraction: Extraction,
    pub note: Option<String>,
    pub content_html: Option<String>,
    pub content_text: Option<String>,
    pub author: Option<String>,
    pub lead_image: Option<String>,
    pub lang: Option<String>,
    pub dir: Option<String>,
    pub word_count: Option<i64>,
    /// Original URLs of the images the extracted HTML names (lead image included).
    pub image_urls: Vec<String>,
    /// The canonical address the page declares, as a key ([`crate::urls::declared_canonical_url`]):
    /// the story is folded with the other copies of that page.
    pub canonical_url: Option<String>,
    /// When the page says it was published (Unix seconds): the story's date when its feed gave
    /// none (a feed's own date is never replaced).
    pub published_at: Option<i64>,
}

/// The identity of an item within its feed: its guid, else its link, else a hash of its title
/// and date (so an item with neither is still seen once).
pub fn item_key(
    guid: Option<&str>,
    link: Option<&str>,
    title: &str,
    published_at: Option<i64>,
) -> String {
    let clean = |s: Option<&str>| {
        s.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    clean(guid).or_else(|| clean(link)).unwrap_or_else(|| {
        let digest = short_hash(&[title, &published_at.unwrap_or(0).to_string()]);
        format!("hash:{digest}")
    })
}

fn short_hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn content_hash(a: &IncomingArticle) -> String {
    short_hash(&[
        &a.title,
        a.url.as_deref().unwrap_or(""),
        a.teaser_html.as_deref().unwrap_or(""),
        a.content_html.as_deref().unwrap_or(""),
    ])
}

/// The stored body of an incoming article's texts.
fn body_of(item: &IncomingArticle) -> Result<Vec<u8>> {
    Ok(super::body::encode(
        item.content_text.as_deref(),
        item.content_html.as_deref(),
        item.teaser_html.as_deref(),
    )?)
}

/// An article as stored before an update: id, content hash, title, HTML, text.
type StoredVersion = (i64, String, String, Option<String>, Option<String>);

fn stored_version(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredVersion> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

/// Waiting time after `failures` consecutive failures: 5 minutes doubling, at most a day.
pub(crate) fn backoff_seconds(failures: i64) -> i64 {
    let exp = failures.clamp(1, 20) - 1;
    (300i64 << exp.min(9)).min(86_400)
}

impl Library {
    /// Active feeds due for a fetch: not backing off after failures (unless `ignore_backoff`),
    /// and not fetched more recently than the feed's own interval (whatever `ignore_backoff`
    /// says: the interval is the person's choice, the backoff the sync's own).
    pub fn feeds_to_sync(&self, ignore_backoff: bool) -> Result<Vec<FeedToSync>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, url, coalesce(custom_title, nullif(title, ''), url), etag, last_modified,
                trusted_host, full_text, user_agent
             FROM feeds
             WHERE status = 'active' AND (?1 OR next_attempt_at IS NULL OR next_attempt_at <= ?2)
               AND id NOT IN (SELECT feed_id FROM account_feeds)
               AND (interval_minutes IS NULL OR last_fetched_at IS NULL
                    OR last_fetched_at + interval_minutes * 60 <= ?2)
             ORDER BY id",
        )?;
        let rows = stmt.query_map(params![ignore_backoff, now()], |r| {
            Ok(FeedToSync {
                id: r.get(0)?,
                url: r.get(1)?,
                title: r.get(2)?,
                etag: r.get(3)?,
                last_modified: r.get(4)?,
                trusted_host: r.get(5)?,
                full_text: r.get(6)?,
                user_agent: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Stores a fetched feed and its items in one transaction: new items are added, changed
    /// items updated with their previous version kept as a revision, tombstoned items skipped.
    ///
    /// An item under a new key whose canonical address and title are those of a story this
    /// feed already has, under a key the document no longer carries, is that story with a new
    /// guid: it is updated, not added. An item whose canonical address another stored story
    /// has is a copy of that story: added, folded with it (one reading state), never new.
    /// A mute rule's verdict applies to new stories only.
    pub fn store_feed_result(
        &mut self,
        feed_id: i64,
        update: &FeedUpdate,
        items: &[IncomingArticle],
    ) -> Result<IngestCounts> {
        let tx = self.conn.transaction()?;
        let mut new_stories = NewStories::new(now());
        let counts = store_feed_in(&tx, feed_id, update, items, &mut new_stories)?;
        new_stories.write(&tx)?;
        tx.commit()?;
        Ok(counts)
    }

    /// Records what fetching each feed came to, all in one transaction: a feed fetched is
    /// stored as [`Library::store_feed_result`] stores it, a 304 as
    /// [`Library::record_not_modified`], a failure as [`Library::record_feed_failure`]. One
    /// commit for many feeds: a sync writes its feeds in batches. Returns each fetch's counts
    /// (zero for all but stored feeds), in order.
    pub fn record_feed_fetches(
        &mut self,
        fetches: &[(i64, FeedFetch)],
    ) -> Result<Vec<IngestCounts>> {
        let tx = self.conn.transaction()?;
        let at = now();
        let mut new_stories = NewStories::new(at);
        let mut counts = Vec::with_capacity(fetches.len());
        for (feed_id, fetch) in fetches {
            counts.push(match fetch {
                FeedFetch::Stored { update, items } => {
                    store_feed_in(&tx, *feed_id, update, items, &mut new_stories)?
                }
                FeedFetch::NotModified {
                    etag,
                    last_modified,
                } => {
                    not_modified_in(&tx, *feed_id, etag.as_deref(), last_modified.as_deref(), at)?;
                    IngestCounts::default()
                }
                FeedFetch::Failed {
                    error,
                    kind,
                    retry_after,
                    gone,
                } => {
                    failure_in(&tx, *feed_id, error, kind, *retry_after, *gone, at)?;
                    IngestCounts::default()
                }
            });
        }
        new_stories.write(&tx)?;
        tx.commit()?;
        Ok(counts)
    }

    /// A conditional GET answered 304: nothing to parse, the feed is healthy.
    pub fn record_not_modified(
        &mut self,
        feed_id: i64,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<()> {
        not_modified_in(&self.conn, feed_id, etag, last_modified, now())
    }

    /// A failed fetch or parse: the error is kept, and the next attempt waits (exponential
    /// backoff, or the server's Retry-After when longer). `gone` (HTTP 410) stops fetching.
    pub fn record_feed_failure(
        &mut self,
        feed_id: i64,
        error: &str,
        kind: &str,
        retry_after: Option<i64>,
        gone: bool,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        failure_in(&tx, feed_id, error, kind, retry_after, gone, now())?;
        tx.commit()?;
        Ok(())
    }

    /// Story pages still to fetch, oldest first.
    pub fn pending_pages(&self, limit: i64) -> Result<Vec<PendingPage>> {
        let mut stmt = self.conn.prepare(
            "SELECT a.id, a.url, t.trusted_url, t.trusted, f.user_agent, a.word_count
             FROM articles a JOIN feeds f ON f.id = a.feed_id JOIN feed_trust t ON t.feed_id = f.id
             WHERE a.extraction = 'pending' AND a.url IS NOT NULL AND f.status != 'unsubscribed'
             ORDER BY a.id LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok(PendingPage {
                article_id: r.get(0)?,
                url: r.get(1)?,
                feed_url: r.get(2)?,
                feed_trusted_host: r.get(3)?,
                user_agent: r.get(4)?,
                // A pending story's count is its feed content's (see `IncomingArticle`).
                feed_words: r.get::<_, Option<i64>>(5)?.map_or(0, |n| n.max(0) as usize),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Queues teaser-only stories (one, or all when `article_id` is `None`) for another page
    /// fetch at the next sync. Returns how many were queued.
    pub fn retry_teasers(&mut self, article_id: Option<i64>) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE articles SET extraction = 'pending', extraction_note = NULL
             WHERE extraction = 'teaser' AND url IS NOT NULL AND (?1 IS NULL OR id = ?1)",
            [article_id],
        )?)
    }

    /// Stores what a story page gave. A `teaser` result keeps the feed's own text. A canonical
    /// address the page declares folds the story with the other copies of that page.
    pub fn store_page_result(&mut self, article_id: i64, page: &PageResult) -> Result<()> {
        let tx = self.conn.transaction()?;
        if let Some(url) = &page.canonical_url {
            set_canonical_in(&tx, article_id, url)?;
        }
        if page.extraction == Extraction::Full {
            // The feed's teaser stays beside the extracted page, in the same body.
            let teaser: Option<String> = tx.query_row(
                "SELECT teaser_html FROM articles WHERE id = ?1",
                [article_id],
                |r| r.get(0),
            )?;
            let body = super::body::encode(
                page.content_text.as_deref(),
                page.content_html.as_deref(),
                teaser.as_deref(),
            )?;
            tx.execute(
                "UPDATE articles SET extraction = 'full', extraction_note = NULL, body = ?2,
                    author = coalesce(author, ?3), lead_image = coalesce(lead_image, ?4),
                    lang = coalesce(?5, lang), dir = coalesce(?6, dir), word_count = ?7,
                    published_at = coalesce(published_at, ?8)
                 WHERE id = ?1",
                params![
                    article_id,
                    body,
                    page.author,
                    page.lead_image,
                    page.lang,
                    page.dir,
                    page.word_count,
                    page.published_at,
                ],
            )?;
            super::images::link_images_in(&tx, article_id, &page.image_urls)?;
            super::highlights::reanchor_in(&tx, article_id)?;
        } else {
            tx.execute(
                "UPDATE articles SET extraction = ?2, extraction_note = ?3 WHERE id = ?1",
                params![article_id, page.extraction, page.note],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// Stores a fetched feed and its items inside the caller's transaction (see
/// [`Library::store_feed_result`]); its new stories wait in `new_stories`.
fn store_feed_in<'a>(
    tx: &rusqlite::Transaction<'_>,
    feed_id: i64,
    update: &FeedUpdate,
    items: &'a [IncomingArticle],
    new_stories: &mut NewStories<'a>,
) -> Result<IngestCounts> {
    let at = new_stories.at;
    if let Some(new_url) = &update.moved_to {
        // Another subscription may already have the new URL: then keep ours as it was.
        let taken: Option<i64> = tx
            .query_row(
                "SELECT id FROM feeds WHERE url = ?1 AND id != ?2",
                params![new_url, feed_id],
                |r| r.get(0),
            )
            .optional()?;
        if taken.is_none() {
            tx.execute(
                "UPDATE feeds SET url = ?2 WHERE id = ?1",
                params![feed_id, new_url],
            )?;
        }
    }
    tx.prepare_cached(
        "UPDATE feeds SET
            title = coalesce(nullif(?2, ''), title),
            site_url = coalesce(?3, site_url),
            format = ?4, parse_report = ?5, etag = ?6, last_modified = ?7,
            last_fetched_at = ?8, last_success_at = ?8,
            last_error = NULL, last_error_kind = NULL, error_count = 0, next_attempt_at = NULL
         WHERE id = ?1",
    )?
    .execute(params![
        feed_id,
        update.title,
        update.site_url,
        update.format,
        update.parse_report,
        update.etag,
        update.last_modified,
        at
    ])?;
    if let Some(icon) = update.icon_url.as_deref() {
        set_feed_icon_in(tx, feed_id, icon)?;
    }
    let (counts, _) = stage_items_in(tx, feed_id, items, new_stories)?;
    Ok(counts)
}

/// A 304, recorded inside the caller's transaction (see [`Library::record_not_modified`]).
fn not_modified_in(
    conn: &rusqlite::Connection,
    feed_id: i64,
    etag: Option<&str>,
    last_modified: Option<&str>,
    at: i64,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE feeds SET etag = coalesce(?2, etag), last_modified = coalesce(?3, last_modified),
            last_fetched_at = ?4, last_success_at = ?4, last_error = NULL,
            last_error_kind = NULL, error_count = 0, next_attempt_at = NULL
         WHERE id = ?1",
    )?
    .execute(params![feed_id, etag, last_modified, at])?;
    Ok(())
}

/// A failure, recorded inside the caller's transaction (see [`Library::record_feed_failure`]).
fn failure_in(
    conn: &rusqlite::Connection,
    feed_id: i64,
    error: &str,
    kind: &str,
    retry_after: Option<i64>,
    gone: bool,
    at: i64,
) -> Result<()> {
    let failures: i64 = conn
        .query_row(
            "SELECT error_count + 1 FROM feeds WHERE id = ?1",
            [feed_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(1);
    let wait = backoff_seconds(failures).max(retry_after.unwrap_or(0));
    conn.execute(
        "UPDATE feeds SET last_error = ?2, last_error_kind = ?7, error_count = ?3,
            last_fetched_at = ?4, next_attempt_at = ?5,
            status = CASE WHEN ?6 THEN 'gone' ELSE status END
         WHERE id = ?1",
        params![feed_id, error, failures, at, at + wait, gone, kind],
    )?;
    Ok(())
}

/// Sets a feed's icon and queues its download, inside the caller's transaction.
pub(crate) fn set_feed_icon_in(
    tx: &rusqlite::Transaction<'_>,
    feed_id: i64,
    icon: &str,
) -> Result<()> {
    let key = crate::images::image_key(icon);
    tx.execute(
        "UPDATE feeds SET icon_url = ?2, icon_key = ?3 WHERE id = ?1",
        params![feed_id, icon, key],
    )?;
    tx.execute(
        "INSERT INTO images(key, url) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
        params![key, icon],
    )?;
    Ok(())
}

/// Stores one feed's items inside the caller's transaction: new items are added, changed items
/// updated with their previous version kept as a revision, tombstoned items skipped. Returns
/// the counts and, for each item, its article's id (`None` when skipped: tombstoned, or a
/// second identical copy in the same batch).
pub(crate) fn store_items_in(
    tx: &rusqlite::Transaction<'_>,
    feed_id: i64,
    items: &[IncomingArticle],
    at: i64,
) -> Result<(IngestCounts, Vec<Option<i64>>)> {
    let mut new_stories = NewStories::new(at);
    let stored = stage_items_in(tx, feed_id, items, &mut new_stories)?;
    new_stories.write(tx)?;
    Ok(stored)
}

/// [`store_items_in`], its new stories left waiting in `new_stories` (their ids are final).
fn stage_items_in<'a>(
    tx: &rusqlite::Transaction<'_>,
    feed_id: i64,
    items: &'a [IncomingArticle],
    new_stories: &mut NewStories<'a>,
) -> Result<(IngestCounts, Vec<Option<i64>>)> {
    let at = new_stories.at;
    let mut counts = IngestCounts::default();
    let mut ids = Vec::with_capacity(items.len());
    let mut tombstoned =
        tx.prepare_cached("SELECT 1 FROM tombstones WHERE feed_id = ?1 AND item_key = ?2")?;
    let mut existing = tx.prepare_cached(
        "SELECT id, content_hash, title, content_html, content_text
             FROM articles WHERE feed_id = ?1 AND item_key = ?2",
    )?;
    let mut revise = tx.prepare_cached(
        "INSERT INTO article_revisions(article_id, title, body, seen_at)
             VALUES (?1, ?2, ?3, ?4)",
    )?;
    let mut rekey = tx.prepare_cached("UPDATE articles SET item_key = ?2 WHERE id = ?1")?;
    let mut update_article = tx.prepare_cached(
        "UPDATE articles SET url = ?2, title = ?3, author = ?4, published_at = ?5,
                updated_at = ?6, body = ?7, lead_image = coalesce(?8, lead_image),
                lang = coalesce(?9, lang), extraction = ?10, extraction_note = NULL,
                content_hash = ?11, word_count = ?12
             WHERE id = ?1",
    )?;
    let mut seen_in_batch = std::collections::HashMap::<String, String>::new();
    let keys_in_document: std::collections::HashSet<&str> =
        items.iter().map(|i| i.item_key.as_str()).collect();
    for item in items {
        let hash = content_hash(item);
        // The same key twice in one document: identical copies collapse; different
        // items that share a guid are both kept, told apart by their content.
        let key = match seen_in_batch.get(&item.item_key) {
            Some(h) if *h == hash => {
                ids.push(None);
                continue;
            }
            Some(_) => format!("{}#{}", item.item_key, &hash[..8]),
            None => item.item_key.clone(),
        };
        seen_in_batch.insert(key.clone(), hash.clone());
        if tombstoned.exists(params![feed_id, key])? {
            ids.push(None);
            continue;
        }
        let mut found: Option<StoredVersion> = existing
            .query_row(params![feed_id, key], stored_version)
            .optional()?;
        let copies = match (&found, &item.canonical_url) {
            (None, Some(url)) => {
                // A story of this batch may be a copy of it: stored first, so it is found.
                if new_stories.urls.contains(url.as_str()) {
                    new_stories.write(tx)?;
                }
                copies_in(tx, url)?
            }
            _ => Vec::new(),
        };
        // A new guid for a story this feed already has (same canonical address and title,
        // and its old key gone from the document): the same story, re-keyed.
        let new_guid = copies.iter().find(|c| {
            c.feed_id == feed_id
                && c.title == item.title
                && !keys_in_document.contains(c.item_key.as_str())
        });
        if let Some(same) = new_guid {
            rekey.execute(params![same.id, key])?;
            found = existing
                .query_row(params![feed_id, key], stored_version)
                .optional()?;
        }
        match found {
            None => {
                let muted = item.muted && copies.is_empty();
                let folded = !copies.is_empty();
                let story = NewStory {
                    feed_id,
                    item,
                    muted,
                    folded,
                };
                let id = new_stories.add(tx, &key, &hash, story)?;
                ids.push(Some(id));
                counts.flagged += usize::from(item.flagged);
                if folded {
                    counts.folded += 1;
                } else if muted {
                    counts.muted += 1;
                } else {
                    counts.new += 1;
                }
            }
            Some((id, old_hash, ..)) if old_hash == hash => {
                ids.push(Some(id));
                counts.unchanged += 1;
            }
            Some((id, _, old_title, old_html, old_text)) => {
                let old_body = super::body::encode(old_text.as_deref(), old_html.as_deref(), None)?;
                revise.execute(params![id, old_title, old_body, at])?;
                execute_with_item(&mut update_article, id, item, &hash, &[])?;
                super::images::link_images_in(tx, id, &item.image_urls)?;
                super::highlights::reanchor_in(tx, id)?;
                ids.push(Some(id));
                counts.updated += 1;
            }
        }
    }
    Ok((counts, ids))
}

/// A new story decided on, waiting in `temp.staged_articles` to be written.
struct NewStory<'a> {
    feed_id: i64,
    item: &'a IncomingArticle,
    muted: bool,
    /// A copy of a stored story: folded with it.
    folded: bool,
}

/// The new stories of a transaction, written into `articles` by one statement.
///
/// FTS5 writes what it holds in memory as a segment of its index whenever a statement opens a
/// savepoint, which every statement writing through the search index's trigger does: one
/// `INSERT` per story made one segment per story, and flushing and merging them took a fifth
/// of a cold sync's CPU. So new stories wait in a temporary table, with the ids SQLite would
/// have given them (the largest id plus one, in order: nothing else adds articles meanwhile),
/// until every feed of the transaction is staged or a later item needs to see them (its
/// canonical address is one of theirs); then one `INSERT … SELECT` writes them, and their
/// images, states and canonical addresses follow in order. Nothing else a later item reads
/// (its own feed's stories by key, tombstones) can be among them.
struct NewStories<'a> {
    /// When the stories were fetched.
    at: i64,
    /// The waiting stories and their ids.
    waiting: Vec<(i64, NewStory<'a>)>,
    /// The canonical addresses of the waiting stories.
    urls: std::collections::HashSet<&'a str>,
    /// The id the last staged story took.
    last_id: Option<i64>,
}

impl<'a> NewStories<'a> {
    fn new(at: i64) -> NewStories<'a> {
        NewStories {
            at,
            waiting: Vec::new(),
            urls: Default::default(),
            last_id: None,
        }
    }

    /// Stages a new story under `key` (with its content `hash`); returns its id.
    fn add(
        &mut self,
        tx: &rusqlite::Transaction<'_>,
        key: &str,
        hash: &str,
        story: NewStory<'a>,
    ) -> Result<i64> {
        let id = match self.last_id {
            Some(last) => last.checked_add(1),
            None => {
                tx.execute_batch(
                    "CREATE TEMP TABLE IF NOT EXISTS staged_articles(
                        id INTEGER PRIMARY KEY, feed_id, item_key, url, title, author,
                        published_at, updated_at, fetched_at, body, lead_image, lang,
                        extraction, content_hash, word_count)",
                )?;
                let max: i64 =
                    tx.query_row("SELECT coalesce(max(id), 0) FROM articles", [], |r| {
                        r.get(0)
                    })?;
                max.checked_add(1)
            }
        }
        .ok_or_else(no_id_left)?;
        let mut stage = tx.prepare_cached(
            "INSERT INTO temp.staged_articles(id, url, title, author, published_at, updated_at,
                body, lead_image, lang, extraction, content_hash, word_count, feed_id, item_key,
                fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?;
        let item = story.item;
        execute_with_item(
            &mut stage,
            id,
            item,
            hash,
            &[&story.feed_id, &key, &self.at],
        )?;
        self.last_id = Some(id);
        if let Some(url) = item.canonical_url.as_deref() {
            self.urls.insert(url);
        }
        self.waiting.push((id, story));
        Ok(id)
    }

    /// Writes the waiting stories into `articles` (the triggers index them in one go), then
    /// what follows each: its images, a rule's verdict, its canonical address.
    fn write(&mut self, tx: &rusqlite::Transaction<'_>) -> Result<()> {
        if self.waiting.is_empty() {
            return Ok(());
        }
        tx.prepare_cached(
            "INSERT INTO articles(id, feed_id, item_key, url, title, author, published_at,
                updated_at, fetched_at, sort_at, body, lead_image, lang, extraction,
                content_hash, word_count)
             SELECT id, feed_id, item_key, url, title, author, published_at, updated_at,
                fetched_at, coalesce(published_at, fetched_at), body, lead_image, lang,
                extraction, content_hash, word_count
             FROM temp.staged_articles ORDER BY id",
        )?
        .execute([])?;
        tx.prepare_cached("DELETE FROM temp.staged_articles")?
            .execute([])?;
        let mut mark = tx.prepare_cached(
            "UPDATE article_status SET read = ?2, flagged = ?3 WHERE article_id = ?1",
        )?;
        let mut canonical =
            tx.prepare_cached("INSERT INTO canonical_urls(article_id, url) VALUES (?1, ?2)")?;
        for (id, story) in self.waiting.drain(..) {
            super::images::link_images_in(tx, id, &story.item.image_urls)?;
            if story.muted || story.item.flagged {
                mark.execute(params![id, story.muted, story.item.flagged])?;
            }
            match story.item.canonical_url.as_deref() {
                Some(url) if story.folded => set_canonical_in(tx, id, url)?,
                Some(url) => {
                    canonical.execute(params![id, url])?;
                }
                None => {}
            }
        }
        self.urls.clear();
        Ok(())
    }
}

/// Runs an insert or update of an article: `id` and the item's columns as `?1` to `?11` (url,
/// title, author, published_at, updated_at, body, lead_image, lang, extraction, content hash),
/// then `more` from `?12` on.
fn execute_with_item(
    stmt: &mut rusqlite::CachedStatement<'_>,
    id: i64,
    item: &IncomingArticle,
    hash: &str,
    more: &[&dyn rusqlite::ToSql],
) -> Result<()> {
    let body = body_of(item)?;
    let columns: [&dyn rusqlite::ToSql; 12] = [
        &id,
        &item.url,
        &item.title,
        &item.author,
        &item.published_at,
        &item.updated_at,
        &body,
        &item.lead_image,
        &item.lang,
        &item.extraction,
        &hash,
        &item.word_count,
    ];
    stmt.execute(rusqlite::params_from_iter(columns.iter().chain(more)))?;
    Ok(())
}

/// Ids go from the largest plus one; past `i64::MAX` (only a file edited by hand gets there)
/// the library says it is full rather than guess one.
fn no_id_left() -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
        Some("no article id is left".into()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_key_prefers_guid_then_link_then_hash() {
        assert_eq!(item_key(Some(" g "), Some("l"), "t", None), "g");
        assert_eq!(item_key(Some(""), Some("l"), "t", None), "l");
        let a = item_key(None, None, "t", Some(1));
        assert!(a.starts_with("hash:"));
        assert_ne!(a, item_key(None, None, "t", Some(2)));
        assert_eq!(a, item_key(None, None, "t", Some(1)));
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_seconds(1), 300);
        assert_eq!(backoff_seconds(2), 600);
        assert_eq!(backoff_seconds(3), 1200);
        assert_eq!(backoff_seconds(50), 86_400);
    }
}
