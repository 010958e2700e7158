//! Articles: what sync stores and what the reader lists, opens and keeps.

use std::sync::LazyLock;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{OptionalExtension, Row, ToSql};
use serde::Serialize;

use super::accounts::{enqueue_item_change_in, ItemChange};
use super::{Library, Result};

/// One row of a story list: the reader's lists ([`Library::story_page`]), `tidings articles`
/// ([`Library::articles`]) and search hits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoryRow {
    pub id: i64,
    pub feed_id: i64,
    pub feed_title: String,
    pub title: String,
    /// The story's original web address, if the feed gave one.
    pub url: Option<String>,
    pub author: Option<String>,
    /// When the feed dated the story; `None` when it gave no readable date.
    pub published_at: Option<i64>,
    /// The list order: `published_at` when known, else when Tidings first saw the story.
    pub sort_at: i64,
    /// The first words of the story's plain text (at most [`TEASER_CHARS`] characters).
    pub teaser: String,
    pub read: bool,
    pub bookmarked: bool,
    /// The lead image's offline `src` (`tidings-img://localhost/KEY`) when its picture is
    /// stored in the library; `None` otherwise (no placeholder in a list).
    pub thumbnail: Option<String>,
    /// A keep rule caught the story.
    pub flagged: bool,
    /// `None` when this copy is the one lists across feeds show; else the id of that copy (the
    /// story is also in that feed, stored there first).
    pub duplicate_of: Option<i64>,
    /// The other subscribed feeds that carry this story ("also in: Feed B, Feed C"); filled for
    /// the shown copy only.
    pub also_in: Vec<String>,
}

/// Characters of plain text a story row carries as its teaser line.
pub const TEASER_CHARS: i64 = 220;

/// Which articles a list shows. Without `feed_id` a story in several feeds is listed once;
/// with it, that feed's own copies.
#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    pub feed_id: Option<i64>,
    pub unread_only: bool,
    pub bookmarked_only: bool,
}

/// The columns [`story_from_row`] reads, over `articles a JOIN feeds f` and [`STATUS_JOIN`].
pub(crate) static STORY_COLUMNS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "a.id, a.feed_id, coalesce(f.custom_title, nullif(f.title, ''), f.url), a.title, a.url,
         a.author, a.published_at, a.sort_at, substr(a.content_text, 1, {TEASER_CHARS}), s.read,
         a.bookmarked, a.lead_image, s.flagged, s.duplicate_of"
    )
});

/// The join that brings an article's reading state (`s.read`) beside `articles a`: read
/// state lives in its own table (schema step 4) so marking read never rewrites an article.
pub(crate) const STATUS_JOIN: &str = "JOIN article_status s ON s.article_id = a.id";

/// How many columns [`STORY_COLUMNS`] has: a query's own columns come after them.
pub(crate) const STORY_COLUMN_COUNT: usize = 14;

/// A row of [`STORY_COLUMNS`]. Its `thumbnail` holds the lead image's URL as read and its
/// `also_in` is empty: pass the rows through [`Library::finish_rows`] before handing them out.
pub(crate) fn story_from_row(r: &Row<'_>) -> rusqlite::Result<StoryRow> {
    Ok(StoryRow {
        id: r.get(0)?,
        feed_id: r.get(1)?,
        feed_title: r.get(2)?,
        title: r.get(3)?,
        url: r.get(4)?,
        author: r.get(5)?,
        published_at: r.get(6)?,
        sort_at: r.get(7)?,
        teaser: r.get::<_, Option<String>>(8)?.unwrap_or_default(),
        read: r.get(9)?,
        bookmarked: r.get(10)?,
        thumbnail: r.get(11)?,
        flagged: r.get(12)?,
        duplicate_of: r.get(13)?,
        also_in: Vec::new(),
    })
}

/// Lead images looked up at once by [`Library::stored_thumbnails`] (well under SQLite's limit
/// of bound parameters).
const THUMBNAILS_PER_QUERY: usize = 500;

impl Library {
    /// Makes rows read with [`story_from_row`] ready to hand out: thumbnails and "also in".
    pub(crate) fn finish_rows(&self, stories: &mut [StoryRow]) -> Result<()> {
        self.stored_thumbnails(stories)?;
        self.fill_also_in(stories)
    }

    /// Turns each row's lead image URL (in `thumbnail` as read) into its offline `src`, kept
    /// only when the picture is stored: one query per [`THUMBNAILS_PER_QUERY`] rows.
    fn stored_thumbnails(&self, stories: &mut [StoryRow]) -> Result<()> {
        let keys: Vec<Option<String>> = stories
            .iter()
            .map(|s| s.thumbnail.as_deref().map(crate::images::image_key))
            .collect();
        let wanted: Vec<&str> = keys.iter().flatten().map(String::as_str).collect();
        let mut stored = std::collections::HashSet::<String>::new();
        for chunk in wanted.chunks(THUMBNAILS_PER_QUERY) {
            let marks = vec!["?"; chunk.len()].join(",");
            let mut stmt = self.conn.prepare(&format!(
                "SELECT key FROM images WHERE status = 'ok' AND key IN ({marks})"
            ))?;
            let rows = stmt.query_map(rusqlite::params_from_iter(chunk), |r| r.get(0))?;
            for key in rows {
                stored.insert(key?);
            }
        }
        for (story, key) in stories.iter_mut().zip(keys) {
            story.thumbnail = key
                .filter(|k| stored.contains(k))
                .map(|k| crate::images::image_src_for_key(&k));
        }
        Ok(())
    }
}

impl Library {
    /// A page of articles, newest first. Each filter gets its own statement shape, so SQLite
    /// walks the matching index in order and stops after the page.
    pub fn articles(
        &self,
        filter: &ArticleFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<StoryRow>> {
        let mut conditions = Vec::new();
        match filter.feed_id {
            Some(_) => conditions.push("a.feed_id = ?3"),
            None => conditions.push("s.duplicate_of IS NULL"),
        }
        if filter.unread_only {
            conditions.push("s.read = 0");
        }
        if filter.bookmarked_only {
            conditions.push("a.bookmarked = 1");
        }
        let where_clause = format!("WHERE {}", conditions.join(" AND "));
        // The unread list across feeds walks the status table's (read, date) index.
        let order = if filter.unread_only && filter.feed_id.is_none() {
            "s.sort_at DESC, s.article_id DESC"
        } else {
            "a.sort_at DESC, a.id DESC"
        };
        let sql = format!(
            "SELECT {columns}
             FROM articles a JOIN feeds f ON f.id = a.feed_id {STATUS_JOIN}
             {where_clause}
             ORDER BY {order}
             LIMIT ?1 OFFSET ?2",
            columns = *STORY_COLUMNS
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = match filter.feed_id {
            Some(feed) => stmt.query_map(rusqlite::params![limit, offset, feed], story_from_row)?,
            None => stmt.query_map(rusqlite::params![limit, offset], story_from_row)?,
        };
        let mut stories = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        self.finish_rows(&mut stories)?;
        Ok(stories)
    }
}

/// How much of a story the library holds. Stored in `articles.extraction` as the lowercase
/// word (the queries in this module name those words too), and serialized the same way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Extraction {
    /// The story's page is still to be fetched and extracted.
    #[default]
    Pending,
    /// The page was extracted: the full article is stored.
    Full,
    /// The feed's own text is the story (long enough, or there is no page to fetch).
    Feed,
    /// Only the feed's teaser: the page could not be had (`extraction_note` says why).
    Teaser,
}

impl Extraction {
    /// The word stored for this state.
    pub fn as_str(self) -> &'static str {
        match self {
            Extraction::Pending => "pending",
            Extraction::Full => "full",
            Extraction::Feed => "feed",
            Extraction::Teaser => "teaser",
        }
    }
}

impl ToSql for Extraction {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Extraction {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let word = value.as_str()?;
        [
            Extraction::Pending,
            Extraction::Full,
            Extraction::Feed,
            Extraction::Teaser,
        ]
        .into_iter()
        .find(|state| state.as_str() == word)
        .ok_or_else(|| FromSqlError::Other(format!("unknown extraction state {word:?}").into()))
    }
}

/// One article, everything the reader shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    pub id: i64,
    pub feed_id: i64,
    pub feed_title: String,
    pub title: String,
    pub url: Option<String>,
    pub author: Option<String>,
    pub published_at: Option<i64>,
    pub updated_at: Option<i64>,
    pub fetched_at: i64,
    pub teaser_html: Option<String>,
    pub content_html: Option<String>,
    pub content_text: Option<String>,
    pub lead_image: Option<String>,
    pub lang: Option<String>,
    pub dir: Option<String>,
    pub word_count: Option<i64>,
    pub extraction: Extraction,
    pub extraction_note: Option<String>,
    pub read: bool,
    pub bookmarked: bool,
    /// When the story was bookmarked (seconds); `None` when it is not.
    pub bookmarked_at: Option<i64>,
    pub note: Option<String>,
    pub revisions: i64,
}

impl Library {
    /// One article by id.
    pub fn article(&self, id: i64) -> Result<Article> {
        self.conn
            .query_row(
                &format!("SELECT a.id, a.feed_id, coalesce(f.custom_title, nullif(f.title, ''), f.url), a.title,
                    a.url, a.author, a.published_at, a.updated_at, a.fetched_at, a.teaser_html,
                    a.content_html, a.content_text, a.lead_image, a.lang, a.dir, a.word_count,
                    a.extraction, a.extraction_note, s.read, a.bookmarked, a.note,
                    (SELECT count(*) FROM article_revisions r WHERE r.article_id = a.id),
                    a.bookmarked_at
                 FROM articles a JOIN feeds f ON f.id = a.feed_id {STATUS_JOIN}
                 WHERE a.id = ?1"),
                [id],
                |r| {
                    Ok(Article {
                        id: r.get(0)?,
                        feed_id: r.get(1)?,
                        feed_title: r.get(2)?,
                        title: r.get(3)?,
                        url: r.get(4)?,
                        author: r.get(5)?,
                        published_at: r.get(6)?,
                        updated_at: r.get(7)?,
                        fetched_at: r.get(8)?,
                        teaser_html: r.get(9)?,
                        content_html: r.get(10)?,
                        content_text: r.get(11)?,
                        lead_image: r.get(12)?,
                        lang: r.get(13)?,
                        dir: r.get(14)?,
                        word_count: r.get(15)?,
                        extraction: r.get(16)?,
                        extraction_note: r.get(17)?,
                        read: r.get(18)?,
                        bookmarked: r.get(19)?,
                        note: r.get(20)?,
                        revisions: r.get(21)?,
                        bookmarked_at: r.get(22)?,
                    })
                },
            )
            .optional()?
            .ok_or(super::StoreError::NotFound {
                what: "article",
                id,
            })
    }
}

impl Library {
    /// Marks a story read or unread: every copy of it, in every feed. For a copy from an
    /// account, the change is queued for its server in the same transaction (only when that
    /// copy's state changes).
    pub fn set_read(&mut self, id: i64, read: bool) -> Result<()> {
        let tx = self.conn.transaction()?;
        let copies = super::duplicates::story_copies_in(&tx, id)?;
        let change = if read {
            ItemChange::Read
        } else {
            ItemChange::Unread
        };
        let mut mark = tx.prepare_cached(
            "UPDATE article_status SET read = ?2 WHERE article_id = ?1 AND read != ?2",
        )?;
        for copy in copies {
            if mark.execute(rusqlite::params![copy, read])? > 0 {
                enqueue_item_change_in(&tx, copy, change)?;
            }
        }
        drop(mark);
        tx.commit()?;
        Ok(())
    }

    /// Bookmarks a story (kept forever) with an optional note, or removes the bookmark: every
    /// copy of it, in every feed. Removing it is refused while a copy has highlights. For a copy
    /// from an account, starring or unstarring is queued for its server in the same transaction
    /// (only when that copy's bookmark changes; a new note alone stays here).
    pub fn set_bookmarked(&mut self, id: i64, bookmarked: bool, note: Option<&str>) -> Result<()> {
        let tx = self.conn.transaction()?;
        let copies = super::duplicates::story_copies_in(&tx, id)?;
        if !bookmarked {
            for &copy in &copies {
                let count = super::highlights::highlight_count_in(&tx, copy)?;
                if count > 0 {
                    return Err(super::StoreError::KeptByHighlights { id: copy, count });
                }
            }
        }
        let change = if bookmarked {
            ItemChange::Star
        } else {
            ItemChange::Unstar
        };
        let mut was_bookmarked =
            tx.prepare_cached("SELECT bookmarked FROM articles WHERE id = ?1")?;
        let mut keep = tx.prepare_cached(
            "UPDATE articles SET bookmarked = ?2,
                bookmarked_at = CASE WHEN ?2 THEN coalesce(bookmarked_at, ?3) ELSE NULL END,
                note = CASE WHEN ?2 THEN coalesce(?4, note) ELSE note END
             WHERE id = ?1",
        )?;
        for copy in copies {
            let was: bool = was_bookmarked.query_row([copy], |r| r.get(0))?;
            keep.execute(rusqlite::params![copy, bookmarked, super::now(), note])?;
            if was != bookmarked {
                enqueue_item_change_in(&tx, copy, change)?;
            }
        }
        drop((was_bookmarked, keep));
        tx.commit()?;
        Ok(())
    }
}

/// An earlier version of an article, as it was before a sync replaced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub title: String,
    pub content_text: Option<String>,
    /// When Tidings replaced this version (seconds).
    pub replaced_at: i64,
}

impl Library {
    /// An article's earlier versions, oldest first.
    pub fn revisions(&self, article_id: i64) -> Result<Vec<Revision>> {
        let mut stmt = self.conn.prepare(
            "SELECT title, content_text, seen_at FROM article_revisions
             WHERE article_id = ?1 ORDER BY seen_at, id",
        )?;
        let rows = stmt.query_map([article_id], |r| {
            Ok(Revision {
                title: r.get(0)?,
                content_text: r.get(1)?,
                replaced_at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
