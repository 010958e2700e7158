//! Highlights and their notes: made on a story's plain text (`articles.content_text`),
//! re-anchored in the same transaction whenever that text changes, kept as orphaned (never
//! dropped) when their words are gone. Anchoring itself is [`crate::annotations`]'; this file
//! only stores and reads. A highlighted story is bookmarked and stays so while it has
//! highlights (the schema's triggers see to it, step 5).

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, Row, ToSql};
use serde::{Deserialize, Serialize};

use super::{now, Library, Result, StoreError};
use crate::annotations::{self, Quote, Span};

/// The colours a highlight can be shown in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HighlightColor {
    #[default]
    Yellow,
    Green,
    Blue,
    Pink,
}

impl HighlightColor {
    /// Every colour, in the order a picker shows them.
    pub const ALL: [HighlightColor; 4] = [
        HighlightColor::Yellow,
        HighlightColor::Green,
        HighlightColor::Blue,
        HighlightColor::Pink,
    ];

    /// The word stored (and serialized) for this colour.
    pub fn as_str(self) -> &'static str {
        match self {
            HighlightColor::Yellow => "yellow",
            HighlightColor::Green => "green",
            HighlightColor::Blue => "blue",
            HighlightColor::Pink => "pink",
        }
    }

    /// The colour named `word`, if it is one.
    pub fn from_word(word: &str) -> Option<HighlightColor> {
        HighlightColor::ALL.into_iter().find(|c| c.as_str() == word)
    }
}

impl ToSql for HighlightColor {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for HighlightColor {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let word = value.as_str()?;
        HighlightColor::from_word(word)
            .ok_or_else(|| FromSqlError::Other(format!("unknown highlight colour {word:?}").into()))
    }
}

/// A highlight as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Highlight {
    pub id: i64,
    pub article_id: i64,
    /// The story's title, for lists across the library.
    pub article_title: String,
    /// The highlighted words, as they stood when the highlight was made.
    pub text: String,
    pub prefix: String,
    pub suffix: String,
    /// Where the words stand in the story's plain text (chars); where they last stood when
    /// `orphaned`.
    pub start: i64,
    pub end: i64,
    pub color: HighlightColor,
    pub note: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The words are no longer in the story (it was revised or extracted again).
    pub orphaned: bool,
}

impl Highlight {
    /// The highlight's text-quote selector.
    pub fn quote(&self) -> Quote {
        Quote {
            exact: self.text.clone(),
            prefix: self.prefix.clone(),
            suffix: self.suffix.clone(),
        }
    }
}

/// What to highlight in a story's plain text. As the app sends it (JSON):
/// `{"kind": "quote", "quote": {"exact", "prefix", "suffix"}, "hint": 120}` or
/// `{"kind": "words", "exact": "…", "occurrence": 2}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Selection {
    /// A selection made in a rendered story: its quote, and where it began (chars), if known.
    Quote { quote: Quote, hint: Option<usize> },
    /// Words typed by hand (`tidings highlight`): the `occurrence`th (from 1) place they stand,
    /// required when they stand in more than one.
    Words {
        exact: String,
        occurrence: Option<usize>,
    },
}

/// Why a selection could not be made into a highlight.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectionError {
    #[error("the text to highlight is empty")]
    Empty,
    #[error("the text is not in the story")]
    NotInStory,
    #[error("the text appears {count} times in the story; choose one with an occurrence from 1 to {count}")]
    Ambiguous { count: usize },
    #[error("the text appears {count} times in the story, so there is no occurrence {asked}")]
    NoSuchOccurrence { asked: usize, count: usize },
}

/// A story's highlight and where it stands in a text given by the caller (`None`: not there).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HighlightMark {
    pub highlight: Highlight,
    pub span: Option<Span>,
}

const COLUMNS: &str =
    "h.id, h.article_id, a.title, h.exact, h.prefix, h.suffix, h.start, h.\"end\",
    h.color, h.note, h.created_at, h.updated_at, h.orphaned";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Highlight> {
    Ok(Highlight {
        id: r.get(0)?,
        article_id: r.get(1)?,
        article_title: r.get(2)?,
        text: r.get(3)?,
        prefix: r.get(4)?,
        suffix: r.get(5)?,
        start: r.get(6)?,
        end: r.get(7)?,
        color: r.get(8)?,
        note: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        orphaned: r.get(12)?,
    })
}

/// What the highlights' search index's CJK column holds.
fn cjk_of(exact: &str, note: Option<&str>) -> String {
    super::search::cjk_bigrams(&format!("{exact} {}", note.unwrap_or("")))
}

/// A note as stored: trimmed, and `None` when nothing is left.
fn clean_note(note: Option<&str>) -> Option<&str> {
    note.map(str::trim).filter(|n| !n.is_empty())
}

/// Where `selection` stands in `text`, with the quote to store.
fn resolve(text: &str, selection: &Selection) -> Result<(Quote, Span), SelectionError> {
    match selection {
        Selection::Quote { quote, hint } => {
            if quote.exact.chars().all(annotations::is_ignorable) {
                return Err(SelectionError::Empty);
            }
            let span = annotations::anchor(text, quote, *hint).ok_or(SelectionError::NotInStory)?;
            // The context stored is as long as a quote made here would have (a window may
            // send more).
            let prefix: Vec<char> = quote.prefix.chars().collect();
            let kept = Quote {
                exact: quote.exact.clone(),
                prefix: prefix[prefix.len().saturating_sub(annotations::CONTEXT_CHARS)..]
                    .iter()
                    .collect(),
                suffix: quote
                    .suffix
                    .chars()
                    .take(annotations::CONTEXT_CHARS)
                    .collect(),
            };
            Ok((kept, span))
        }
        Selection::Words { exact, occurrence } => {
            if exact.chars().all(annotations::is_ignorable) {
                return Err(SelectionError::Empty);
            }
            let found = annotations::occurrences(text, exact);
            let span = match (found.len(), occurrence) {
                (0, _) => return Err(SelectionError::NotInStory),
                (1, None) => found[0],
                (count, None) => return Err(SelectionError::Ambiguous { count }),
                (count, Some(n)) => *found
                    .get(n.wrapping_sub(1))
                    .ok_or(SelectionError::NoSuchOccurrence { asked: *n, count })?,
            };
            Ok((annotations::quote_at(text, span), span))
        }
    }
}

/// Re-anchors every highlight of `article_id` in its current plain text: called by each
/// statement path that changes `articles.content_text`, inside its transaction. Highlights
/// whose words are gone are marked orphaned (with their last place kept); ones whose words came
/// back are anchored again.
pub(crate) fn reanchor_in(conn: &Connection, article_id: i64) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, exact, prefix, suffix, start, \"end\", orphaned FROM highlights
         WHERE article_id = ?1",
    )?;
    let stored = stmt
        .query_map([article_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Quote {
                    exact: r.get(1)?,
                    prefix: r.get(2)?,
                    suffix: r.get(3)?,
                },
                (
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, bool>(6)?,
                ),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if stored.is_empty() {
        return Ok(());
    }
    let text: Option<String> = conn.query_row(
        "SELECT content_text FROM articles WHERE id = ?1",
        [article_id],
        |r| r.get(0),
    )?;
    let text = text.unwrap_or_default();
    let mut update = conn.prepare_cached(
        "UPDATE highlights SET start = ?2, \"end\" = ?3, orphaned = ?4 WHERE id = ?1",
    )?;
    for (id, quote, (start, end, orphaned)) in stored {
        let hint = usize::try_from(start).ok();
        let now_at = match annotations::anchor(&text, &quote, hint) {
            Some(span) => (span.start as i64, span.end as i64, false),
            None => (start, end, true),
        };
        if now_at != (start, end, orphaned) {
            update.execute(params![id, now_at.0, now_at.1, now_at.2])?;
        }
    }
    Ok(())
}

impl Library {
    /// Highlights `selection` in story `article_id`'s plain text, with a colour and an
    /// optional note; the story becomes bookmarked.
    pub fn add_highlight(
        &mut self,
        article_id: i64,
        selection: &Selection,
        color: HighlightColor,
        note: Option<&str>,
    ) -> Result<Highlight> {
        let tx = self.conn.transaction()?;
        let text: Option<Option<String>> = tx
            .query_row(
                "SELECT content_text FROM articles WHERE id = ?1",
                [article_id],
                |r| r.get(0),
            )
            .optional()?;
        let text = text
            .ok_or(StoreError::NotFound {
                what: "article",
                id: article_id,
            })?
            .unwrap_or_default();
        let (quote, span) = resolve(&text, selection)
            .map_err(|source| StoreError::Selection { article_id, source })?;
        let note = clean_note(note);
        let at = now();
        tx.execute(
            "INSERT INTO highlights(article_id, exact, prefix, suffix, start, \"end\", color, note,
                created_at, updated_at, search_cjk)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)",
            params![
                article_id,
                quote.exact,
                quote.prefix,
                quote.suffix,
                span.start as i64,
                span.end as i64,
                color,
                note,
                at,
                cjk_of(&quote.exact, note)
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        self.highlight(id)
    }

    /// One highlight by id.
    pub fn highlight(&self, id: i64) -> Result<Highlight> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM highlights h JOIN articles a ON a.id = h.article_id
                     WHERE h.id = ?1"
                ),
                [id],
                from_row,
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "highlight",
                id,
            })
    }

    /// A story's highlights in reading order (`Some(id)`), or every highlight in the library,
    /// newest first (`None`).
    pub fn highlights(&self, article_id: Option<i64>) -> Result<Vec<Highlight>> {
        let sql = match article_id {
            Some(_) => format!(
                "SELECT {COLUMNS} FROM highlights h JOIN articles a ON a.id = h.article_id
                 WHERE h.article_id = ?1 ORDER BY h.start, h.id"
            ),
            None => format!(
                "SELECT {COLUMNS} FROM highlights h JOIN articles a ON a.id = h.article_id
                 ORDER BY h.created_at DESC, h.id DESC"
            ),
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = match article_id {
            Some(id) => stmt.query_map([id], from_row)?,
            None => stmt.query_map([], from_row)?,
        };
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Sets (or with `None` or blank text, removes) a highlight's note.
    pub fn set_highlight_note(&mut self, id: i64, note: Option<&str>) -> Result<Highlight> {
        let note = clean_note(note);
        let text = self.highlight(id)?.text;
        self.conn.execute(
            "UPDATE highlights SET note = ?2, updated_at = ?3, search_cjk = ?4 WHERE id = ?1",
            params![id, note, now(), cjk_of(&text, note)],
        )?;
        self.highlight(id)
    }

    /// Shows a highlight in another colour.
    pub fn set_highlight_color(&mut self, id: i64, color: HighlightColor) -> Result<Highlight> {
        self.highlight(id)?;
        self.conn.execute(
            "UPDATE highlights SET color = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, color, now()],
        )?;
        self.highlight(id)
    }

    /// Removes a highlight (its story stays bookmarked) and returns it as it was.
    pub fn remove_highlight(&mut self, id: i64) -> Result<Highlight> {
        let highlight = self.highlight(id)?;
        self.conn
            .execute("DELETE FROM highlights WHERE id = ?1", [id])?;
        Ok(highlight)
    }

    /// A story's highlights, each anchored in `text`: the text a reader shows (its visible
    /// characters in order), so the window can mark them where they stand there.
    pub fn highlight_marks(&self, article_id: i64, text: &str) -> Result<Vec<HighlightMark>> {
        Ok(self
            .highlights(Some(article_id))?
            .into_iter()
            .map(|highlight| {
                let hint = usize::try_from(highlight.start).ok();
                let span = annotations::anchor(text, &highlight.quote(), hint);
                HighlightMark { highlight, span }
            })
            .collect())
    }

    /// How many highlights story `article_id` has.
    pub fn highlight_count(&self, article_id: i64) -> Result<i64> {
        highlight_count_in(&self.conn, article_id)
    }
}

/// How many highlights the article has (inside a caller's transaction).
pub(crate) fn highlight_count_in(conn: &rusqlite::Connection, article_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM highlights WHERE article_id = ?1",
        [article_id],
        |r| r.get(0),
    )?)
}
