//! Tags on bookmarks: many per story, beside the note. Tagging a story bookmarks it (a tag says
//! "keep this, filed here"); removing its tags leaves the bookmark. The bookmarks list filters
//! by tag, and search finds a story by its tags as well as by its text.

use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

use super::articles::{story_from_row, StoryRow, STATUS_JOIN, STORY_COLUMNS};
use super::search::{SearchHit, SnippetPart};
use super::{now, Library, Result, StoreError};

/// Characters a tag keeps; the rest of a longer one is cut.
pub const MAX_TAG_CHARS: usize = 100;

/// A tag as stored: whitespace collapsed to single spaces, control characters dropped, at most
/// [`MAX_TAG_CHARS`]; `None` when nothing is left.
pub fn clean_tag(tag: &str) -> Option<String> {
    let words: Vec<&str> = tag
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect();
    let joined: String = words.join(" ").chars().take(MAX_TAG_CHARS).collect();
    let cut = joined.trim_end();
    (!cut.is_empty()).then(|| cut.to_string())
}

/// A bookmarked story as the bookmarks list shows it (`tidings bookmarks --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bookmark {
    pub id: i64,
    pub title: String,
    pub url: Option<String>,
    /// Its tags, in alphabetical order.
    pub tags: Vec<String>,
    pub note: Option<String>,
    /// When it was bookmarked (a page imported from a read-later app: when it was saved there).
    pub saved_at: Option<i64>,
    pub read: bool,
    /// Its source: a feed's name, or "Saved".
    pub source: String,
    /// Why the page could not be had, when the library keeps only its title and link (or the
    /// feed's teaser).
    pub unavailable: Option<String>,
}

/// A tag and how many bookmarks carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagCount {
    pub tag: String,
    pub bookmarks: i64,
}

/// Adds tags to a story inside the caller's transaction (a tag it has, in any case, is kept
/// as it was).
pub(super) fn tag_in(tx: &Transaction<'_>, article_id: i64, tags: &[String]) -> Result<()> {
    let mut insert =
        tx.prepare_cached("INSERT OR IGNORE INTO tags(article_id, tag) VALUES (?1, ?2)")?;
    for tag in tags.iter().filter_map(|t| clean_tag(t)) {
        insert.execute(params![article_id, tag])?;
    }
    Ok(())
}

impl Library {
    /// Tags a story (bookmarking it). Returns its tags afterwards.
    pub fn tag(&mut self, article_id: i64, tags: &[String]) -> Result<Vec<String>> {
        let tx = self.conn.transaction()?;
        let changed = tx.execute(
            "UPDATE articles SET bookmarked = 1, bookmarked_at = coalesce(bookmarked_at, ?2)
             WHERE id = ?1",
            params![article_id, now()],
        )?;
        if changed == 0 {
            return Err(StoreError::NotFound {
                what: "article",
                id: article_id,
            });
        }
        tag_in(&tx, article_id, tags)?;
        tx.commit()?;
        self.tags_of(article_id)
    }

    /// Removes tags from a story (matched without regard to case); its bookmark stays. Returns
    /// its tags afterwards.
    pub fn untag(&mut self, article_id: i64, tags: &[String]) -> Result<Vec<String>> {
        let tx = self.conn.transaction()?;
        let exists = tx
            .query_row("SELECT 1 FROM articles WHERE id = ?1", [article_id], |_| {
                Ok(())
            })
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::NotFound {
                what: "article",
                id: article_id,
            });
        }
        {
            let mut delete =
                tx.prepare_cached("DELETE FROM tags WHERE article_id = ?1 AND tag = ?2")?;
            for tag in tags.iter().filter_map(|t| clean_tag(t)) {
                delete.execute(params![article_id, tag])?;
            }
        }
        tx.commit()?;
        self.tags_of(article_id)
    }

    /// A story's tags, in alphabetical order.
    pub fn tags_of(&self, article_id: i64) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT tag FROM tags WHERE article_id = ?1 ORDER BY tag")?;
        let rows = stmt.query_map([article_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every tag on a bookmark, with how many bookmarks carry it, alphabetically: the
    /// Bookmarks view's filter.
    pub fn bookmark_tags(&self) -> Result<Vec<TagCount>> {
        let mut stmt = self.conn.prepare(
            "SELECT min(t.tag), count(*) FROM tags t JOIN articles a ON a.id = t.article_id
             WHERE a.bookmarked = 1 GROUP BY t.tag ORDER BY t.tag",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(TagCount {
                tag: r.get(0)?,
                bookmarks: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Bookmarked stories, most recently saved first; only those tagged `tag` (any case) when
    /// one is given.
    pub fn bookmarks(&self, tag: Option<&str>) -> Result<Vec<Bookmark>> {
        let tag = tag.map(|t| clean_tag(t).unwrap_or_default());
        let mut stmt = self.conn.prepare(&format!(
            "SELECT a.id, a.title, a.url,
                (SELECT json_group_array(tag) FROM
                    (SELECT tag FROM tags WHERE article_id = a.id ORDER BY tag)),
                a.note, a.bookmarked_at, s.read,
                coalesce(f.custom_title, nullif(f.title, ''), f.url),
                CASE WHEN a.extraction = 'teaser' THEN a.extraction_note END
             FROM articles a JOIN feeds f ON f.id = a.feed_id {STATUS_JOIN}
             WHERE a.bookmarked = 1
               AND (?1 IS NULL OR a.id IN (SELECT article_id FROM tags WHERE tag = ?1))
             ORDER BY a.bookmarked_at DESC, a.id DESC"
        ))?;
        let rows = stmt.query_map([tag], |r| {
            let tags: String = r.get(3)?;
            Ok(Bookmark {
                id: r.get(0)?,
                title: r.get(1)?,
                url: r.get(2)?,
                tags: serde_json::from_str(&tags).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        3,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?,
                note: r.get(4)?,
                saved_at: r.get(5)?,
                read: r.get(6)?,
                source: r.get(7)?,
                unavailable: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Stories whose tag is the whole `query` (any case; a last word ending in `*` matches the
    /// tags it begins), most recent first, at most `limit`: what search finds by tag.
    pub(super) fn tag_hits(&self, query: &str, limit: i64) -> Result<Vec<SearchHit>> {
        let words: Vec<&str> = query
            .split(|c: char| c.is_whitespace() || c == '"')
            .filter(|w| !w.is_empty())
            .collect();
        let Some(last) = words.last() else {
            return Ok(Vec::new());
        };
        let prefix = last.ends_with('*');
        let joined = words.join(" ");
        let wanted = joined.trim_end_matches('*');
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let pattern = if prefix {
            let escaped: String = wanted
                .chars()
                .flat_map(|c| match c {
                    '%' | '_' | '\\' => vec!['\\', c],
                    c => vec![c],
                })
                .collect();
            format!("{escaped}%")
        } else {
            wanted.to_string()
        };
        let matching = if prefix {
            "t.tag LIKE ?1 ESCAPE '\\'"
        } else {
            "t.tag = ?1"
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {columns}, (SELECT min(t.tag) FROM tags t WHERE t.article_id = a.id AND {matching})
             FROM articles a JOIN feeds f ON f.id = a.feed_id {STATUS_JOIN}
             WHERE a.id IN (SELECT t.article_id FROM tags t WHERE {matching})
             ORDER BY a.sort_at DESC, a.id DESC LIMIT ?2",
            columns = *STORY_COLUMNS
        ))?;
        let rows = stmt.query_map(params![pattern, limit], |r| {
            Ok((
                story_from_row(r)?,
                r.get::<_, String>(super::articles::STORY_COLUMN_COUNT)?,
            ))
        })?;
        let (mut stories, tags): (Vec<StoryRow>, Vec<String>) = rows
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .unzip();
        self.finish_rows(&mut stories)?;
        Ok(stories
            .into_iter()
            .zip(tags)
            .map(|(article, tag)| SearchHit {
                article,
                snippet: vec![
                    SnippetPart {
                        text: "Tagged ".into(),
                        hit: false,
                    },
                    SnippetPart {
                        text: tag,
                        hit: true,
                    },
                ],
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::clean_tag;

    #[test]
    fn tags_are_cleaned_and_capped() {
        assert_eq!(
            clean_tag("  read \t later \n").as_deref(),
            Some("read later")
        );
        assert_eq!(clean_tag("a\u{0}b").as_deref(), Some("a b"));
        assert_eq!(clean_tag(" \u{7} "), None);
        let long = "x".repeat(300);
        assert_eq!(clean_tag(&long).map(|t| t.len()), Some(MAX));
    }

    const MAX: usize = super::MAX_TAG_CHARS;
}
