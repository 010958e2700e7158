//! Saved pages: the Saved source, a page stored in it (or a story the library already has,
//! bookmarked instead), the origins the person trusts, and the journal that makes an import of
//! a read-later archive resumable. Every write of an import entry carries its journal row in
//! the same transaction, so a killed import never stores an entry twice.
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use super::{now, Extraction, Library, PageResult, PendingImage, Result, StoreError};

/// The Saved source's address: a feed row that is never fetched (its status is `saved`).
pub const SAVED_SOURCE_URL: &str = "tidings:saved";

/// The Saved source's name as the sources pane shows it.
const SAVED_SOURCE_TITLE: &str = "Saved";

/// The person's own marks on a page they save: kept on the story whether it is new or one the
/// library already had.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedMarks {
    /// When the page was saved (an import keeps the archive's time); `None`: now. A story
    /// bookmarked before keeps the earlier time.
    pub saved_at: Option<i64>,
    /// Read (archived, in a read-later app). Never makes a read story unread.
    pub read: bool,
    pub tags: Vec<String>,
    /// Replaces the bookmark's note when set.
    pub note: Option<String>,
}

/// A page for the Saved source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SavedPage {
    /// The page's address as saved (what is fetched again on a retry).
    pub url: String,
    /// Its canonical address ([`crate::urls::canonical_url`]): its identity in the Saved source.
    pub key: String,
    pub title: String,
    pub published_at: Option<i64>,
    /// What the page gave: [`Extraction::Full`], or [`Extraction::Teaser`] for a page that
    /// could not be had (only the title and the link; `note` says why).
    pub page: PageResult,
}

/// A story of the Saved source, as a save finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedStory {
    pub id: i64,
    /// Its identity in the Saved source (see [`SavedPage::key`]).
    pub item_key: String,
    pub url: String,
    pub title: String,
    pub extraction: Extraction,
}

/// What storing a saved page did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredPage {
    pub article_id: i64,
    /// A new story; `false`: the Saved source's story of the same page was updated.
    pub new: bool,
}

/// Where an import entry stands (the journal's `state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JournalState {
    /// Its page was asked for and nothing was stored yet: the run stopped there.
    Fetching,
    /// The page was fetched and extracted.
    Saved,
    /// The page could not be had; the archive's own copy of it was stored.
    Archived,
    /// The page could not be had: its title and link were stored, with the reason.
    Dead,
    /// The library had the page: that story was bookmarked.
    Already,
    /// Not stored (a hostile or private address, not a web address), with the reason.
    Skipped,
}

impl JournalState {
    fn as_str(self) -> &'static str {
        match self {
            JournalState::Fetching => "fetching",
            JournalState::Saved => "saved",
            JournalState::Archived => "archived",
            JournalState::Dead => "dead",
            JournalState::Already => "already",
            JournalState::Skipped => "skipped",
        }
    }

    fn from_word(word: &str) -> Option<JournalState> {
        [
            JournalState::Fetching,
            JournalState::Saved,
            JournalState::Archived,
            JournalState::Dead,
            JournalState::Already,
            JournalState::Skipped,
        ]
        .into_iter()
        .find(|s| s.as_str() == word)
    }
}

/// Which entry of which import file a write belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JournalEntry<'a> {
    /// The import file's SHA-256, hex.
    pub file_hash: &'a str,
    /// The entry's position in the file (0 first).
    pub entry: u64,
    /// The entry's address, as the file gives it.
    pub url: &'a str,
}

/// An entry's row in the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalRow {
    pub entry: u64,
    pub state: JournalState,
    pub url: String,
    pub article_id: Option<i64>,
    pub reason: Option<String>,
}

impl Library {
    /// The Saved source's story of the page whose canonical address is `key`, if there is one.
    pub fn saved_story(&self, key: &str) -> Result<Option<SavedStory>> {
        self.saved_story_where("a.item_key = ?2", &key)
    }

    /// A story of the Saved source by id ([`StoreError::NotFound`] for any other story).
    pub fn saved_story_by_id(&self, id: i64) -> Result<SavedStory> {
        self.saved_story_where("a.id = ?2", &id)?
            .ok_or(StoreError::NotFound {
                what: "saved page",
                id,
            })
    }

    fn saved_story_where(
        &self,
        condition: &str,
        value: &dyn rusqlite::ToSql,
    ) -> Result<Option<SavedStory>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT a.id, a.item_key, coalesce(a.url, ''), a.title, a.extraction
                 FROM articles a JOIN feeds f ON f.id = a.feed_id
                 WHERE f.url = ?1 AND {condition}"
            ))?
            .query_row(params![SAVED_SOURCE_URL, value], |r| {
                Ok(SavedStory {
                    id: r.get(0)?,
                    item_key: r.get(1)?,
                    url: r.get(2)?,
                    title: r.get(3)?,
                    extraction: r.get(4)?,
                })
            })
            .optional()?)
    }

    /// The first stored story outside the Saved source whose canonical address is `key` (the
    /// address its page declares, else its link's: [`crate::urls`]): how a save tells that a
    /// feed already brought the page.
    pub fn story_by_page_key(&self, key: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT c.article_id FROM canonical_urls c
                 JOIN articles a ON a.id = c.article_id JOIN feeds f ON f.id = a.feed_id
                 WHERE c.url = ?1 AND f.url != ?2 ORDER BY c.article_id LIMIT 1",
            )?
            .query_row(params![key, SAVED_SOURCE_URL], |r| r.get(0))
            .optional()?)
    }

    /// Stores a page in the Saved source, bookmarked with `marks`, and the entry's journal row
    /// when it comes from an import (`state` is what the journal says it became). A page the
    /// Saved source already has (same `key`) is updated instead: its copy is replaced when the
    /// new one is the full article or the old one was not.
    pub fn store_saved_page(
        &mut self,
        saved: &SavedPage,
        marks: &SavedMarks,
        journal: Option<(JournalEntry<'_>, JournalState)>,
    ) -> Result<StoredPage> {
        let tx = self.conn.transaction()?;
        let source = saved_source_in(&tx)?;
        let at = now();
        let saved_at = marks.saved_at.unwrap_or(at);
        let page = &saved.page;
        // Saved pages have no feed teaser.
        let body = super::body::encode(
            page.content_text.as_deref(),
            page.content_html.as_deref(),
            None,
        )?;
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM articles WHERE feed_id = ?1 AND item_key = ?2",
                params![source, saved.key],
                |r| r.get(0),
            )
            .optional()?;
        // A page saved again keeps its place in the lists and its first date; its copy is
        // replaced by a full article, or when it had none.
        tx.execute(
            "INSERT INTO articles(feed_id, item_key, url, title, author, published_at,
                fetched_at, sort_at, body, lead_image, lang, dir, word_count, extraction,
                extraction_note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT(feed_id, item_key) DO UPDATE SET url = excluded.url,
                title = excluded.title, author = excluded.author,
                published_at = coalesce(excluded.published_at, published_at),
                fetched_at = excluded.fetched_at, body = excluded.body,
                lead_image = excluded.lead_image, lang = excluded.lang, dir = excluded.dir,
                word_count = excluded.word_count, extraction = excluded.extraction,
                extraction_note = excluded.extraction_note
             WHERE excluded.extraction = 'full' OR extraction != 'full'",
            params![
                source,
                saved.key,
                saved.url,
                saved.title,
                page.author,
                saved.published_at,
                at,
                saved_at,
                body,
                page.lead_image,
                page.lang,
                page.dir,
                page.word_count,
                page.extraction,
                page.note,
            ],
        )?;
        let stored = StoredPage {
            article_id: existing.unwrap_or_else(|| tx.last_insert_rowid()),
            new: existing.is_none(),
        };
        super::images::link_images_in(&tx, stored.article_id, &page.image_urls)?;
        mark_in(&tx, stored.article_id, marks, saved_at)?;
        if let Some((entry, state)) = journal {
            journal_in(
                &tx,
                &entry,
                state,
                Some(stored.article_id),
                page.note.as_deref(),
            )?;
        }
        tx.commit()?;
        Ok(stored)
    }

    /// Bookmarks a story the library already has, with `marks` (its tags added, its note
    /// replaced when one is given, read when `marks.read`), and the import entry's journal row.
    pub fn bookmark_saved(
        &mut self,
        article_id: i64,
        marks: &SavedMarks,
        journal: Option<JournalEntry<'_>>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        let exists: bool = tx
            .query_row("SELECT 1 FROM articles WHERE id = ?1", [article_id], |_| {
                Ok(true)
            })
            .optional()?
            .unwrap_or(false);
        if !exists {
            return Err(StoreError::NotFound {
                what: "article",
                id: article_id,
            });
        }
        mark_in(&tx, article_id, marks, marks.saved_at.unwrap_or_else(now))?;
        if let Some(entry) = journal {
            journal_in(&tx, &entry, JournalState::Already, Some(article_id), None)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Writes an import entry's journal row on its own: `Fetching` before its page is asked
    /// for, `Skipped` with the reason it was not stored.
    pub fn journal_entry(
        &mut self,
        entry: JournalEntry<'_>,
        state: JournalState,
        reason: Option<&str>,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        journal_in(&tx, &entry, state, None, reason)?;
        tx.commit()?;
        Ok(())
    }

    /// The journal of the import file `file_hash`, by entry.
    pub fn import_journal(&self, file_hash: &str) -> Result<Vec<JournalRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT entry, state, url, article_id, reason FROM import_journal
             WHERE file_hash = ?1 ORDER BY entry",
        )?;
        let rows = stmt.query_map([file_hash], |r| {
            let word: String = r.get(1)?;
            let state = JournalState::from_word(&word).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    1,
                    rusqlite::types::Type::Text,
                    format!("unknown import journal state {word:?}").into(),
                )
            })?;
            Ok(JournalRow {
                entry: r.get::<_, i64>(0)? as u64,
                state,
                url: r.get(2)?,
                article_id: r.get(3)?,
                reason: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Remembers that the person saved a page from `origin` by hand (`scheme://host[:port]`):
    /// its private addresses may be fetched from now on, as a subscribed feed's are.
    pub fn trust_origin(&mut self, origin: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO trusted_origins(origin, added_at) VALUES (?1, ?2)
             ON CONFLICT(origin) DO NOTHING",
            params![origin, now()],
        )?;
        Ok(())
    }

    /// The addresses whose origins the person trusts: the feeds they subscribed to directly and
    /// the origins they saved a page from by hand.
    pub fn trusted_addresses(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT url FROM feeds WHERE trusted_host = 1
             UNION SELECT origin FROM trusted_origins",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Images the Saved source's stories name that are still to download, each with the
    /// address of a story that names it (in `feed_url`: the origin a save may trust for it).
    /// `feed_trusted_host` is false: the caller decides the trust.
    pub fn pending_saved_images(&self) -> Result<Vec<PendingImage>> {
        let mut stmt = self.conn.prepare(
            "SELECT i.key, i.url, min(a.url) FROM images i
             JOIN article_images ai ON ai.key = i.key
             JOIN articles a ON a.id = ai.article_id JOIN feeds f ON f.id = a.feed_id
             WHERE i.status = 'pending' AND f.url = ?1
             GROUP BY i.key ORDER BY i.rowid",
        )?;
        let rows = stmt.query_map([SAVED_SOURCE_URL], |r| {
            Ok(PendingImage {
                key: r.get(0)?,
                url: r.get(1)?,
                feed_url: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                feed_trusted_host: false,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// The Saved source's feed id, made when missing (and listed again if it was unsubscribed).
fn saved_source_in(tx: &Transaction<'_>) -> Result<i64> {
    tx.execute(
        "INSERT INTO feeds(url, title, status, created_at) VALUES (?1, ?2, 'saved', ?3)
         ON CONFLICT(url) DO UPDATE SET status = 'saved'",
        params![SAVED_SOURCE_URL, SAVED_SOURCE_TITLE, now()],
    )?;
    Ok(tx.query_row(
        "SELECT id FROM feeds WHERE url = ?1",
        [SAVED_SOURCE_URL],
        |r| r.get(0),
    )?)
}

/// Bookmarks a story with the person's marks (see [`SavedMarks`]).
fn mark_in(tx: &Transaction<'_>, article_id: i64, marks: &SavedMarks, saved_at: i64) -> Result<()> {
    tx.execute(
        "UPDATE articles SET bookmarked = 1, bookmarked_at = min(coalesce(bookmarked_at, ?2), ?2),
            note = coalesce(?3, note)
         WHERE id = ?1",
        params![article_id, saved_at, marks.note],
    )?;
    if marks.read {
        tx.execute(
            "UPDATE article_status SET read = 1 WHERE article_id = ?1",
            [article_id],
        )?;
    }
    super::tags::tag_in(tx, article_id, &marks.tags)
}

fn journal_in(
    tx: &Transaction<'_>,
    entry: &JournalEntry<'_>,
    state: JournalState,
    article_id: Option<i64>,
    reason: Option<&str>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO import_journal(file_hash, entry, state, url, article_id, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(file_hash, entry) DO UPDATE SET state = excluded.state,
            article_id = excluded.article_id, reason = excluded.reason",
    )?
    .execute(params![
        entry.file_hash,
        entry.entry as i64,
        state.as_str(),
        entry.url,
        article_id,
        reason
    ])?;
    Ok(())
}
