//! What the desktop reader asks of the library: the sources pane (smart lists and feeds with
//! their counts), story lists paged by a keyset cursor, opening a story (which marks it read),
//! marking a whole list read, and a story's original URL.
//!
//! Lists are paged with a `(sort_at, id)` cursor rather than an offset, so marking stories read
//! while a list is open never shifts the next page. "Mark all read" is bounded by the newest
//! story id the list had when it was loaded, so stories a sync adds meanwhile stay unread.

use rusqlite::{OptionalExtension, ToSql};
use serde::{Deserialize, Serialize};

use super::accounts::ReadScope;
use super::articles::{story_from_row, StoryRow, STATUS_JOIN, STORY_COLUMNS};
use super::{Article, Feed, Library, Result, StoreError};

/// Which stories a list shows. Stories of unsubscribed feeds appear only in `Bookmarks` (and
/// in their own `Feed` list, which the sources pane no longer offers). A story in several
/// feeds is listed once, as its first stored copy, except in a `Feed` list, which shows that
/// feed's own copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum StoryList {
    /// Every unread story.
    Unread,
    /// Every story.
    All,
    /// Stories dated (or first seen) at or after `since` (the start of the user's day).
    Today { since: i64 },
    /// Bookmarked stories, whatever their feed's status.
    Bookmarks,
    /// Bookmarked stories tagged `tag` (any case): the Bookmarks view filtered by a tag.
    Tagged { tag: String },
    /// One feed's stories.
    Feed { id: i64 },
    /// The stories of the feeds in one folder.
    Folder { name: String },
    /// Stories a keep rule flagged.
    Flagged,
}

/// Where the next page of a list starts: just after this story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryCursor {
    pub sort_at: i64,
    pub id: i64,
}

/// A page of a story list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoryPage {
    pub stories: Vec<StoryRow>,
    /// Where the next page starts; `None` when this page is the last.
    pub next: Option<StoryCursor>,
    /// The newest story id in the library when the page was read: pass it to
    /// [`Library::mark_list_read`] so stories added later are not marked.
    pub as_of: i64,
}

/// The smart lists' counts for the sources pane.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SmartCounts {
    pub unread: i64,
    /// Unread stories of today.
    pub today: i64,
    pub bookmarks: i64,
    pub all: i64,
    /// Stories a keep rule flagged.
    pub flagged: i64,
}

/// Everything the sources pane shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sources {
    pub counts: SmartCounts,
    /// Subscriptions in [`Library::feeds`] order (folderless first, then by folder), with
    /// unread counts and their last error.
    pub feeds: Vec<Feed>,
}

/// The columns a list is ordered by (date, then id), newest first. The unread list walks the
/// status table's (read, date) index; every other list the articles' own date indexes.
fn list_order(list: &StoryList) -> (&'static str, &'static str) {
    match list {
        StoryList::Unread | StoryList::Flagged => ("s.sort_at", "s.article_id"),
        _ => ("a.sort_at", "a.id"),
    }
}

/// The rows a list's `WHERE` clause is written over.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FilterOn {
    /// `articles a JOIN feeds f` and [`STATUS_JOIN`]: the rows a page of the list shows.
    Stories,
    /// `article_status s` alone: marking a list read walks the small status rows through their
    /// own indexes and never reads a story's row (on a million stories, reading the stories'
    /// rows cost seconds).
    Status,
}

/// The `WHERE` clause and its parameters for a list, over the rows `on` names.
fn list_filter(list: &StoryList, on: FilterOn) -> (String, Vec<Box<dyn ToSql>>) {
    let stories = on == FilterOn::Stories;
    let (feed_id, sort_at, id) = if stories {
        ("a.feed_id", "a.sort_at", "a.id")
    } else {
        ("s.feed_id", "s.sort_at", "s.article_id")
    };
    let subscribed = if stories {
        "f.status != 'unsubscribed'".to_string()
    } else {
        format!("{feed_id} IN (SELECT id FROM feeds WHERE status != 'unsubscribed')")
    };
    let bookmarked = if stories {
        "a.bookmarked = 1".to_string()
    } else {
        format!("{id} IN (SELECT id FROM articles WHERE bookmarked = 1)")
    };
    let in_folder = if stories {
        "f.folder_id = (SELECT id FROM folders WHERE name = ?)".to_string()
    } else {
        format!(
            "{feed_id} IN (SELECT id FROM feeds
                WHERE folder_id = (SELECT id FROM folders WHERE name = ?))"
        )
    };
    let once = "s.duplicate_of IS NULL";
    match list {
        StoryList::Unread => (format!("{subscribed} AND {once} AND s.read = 0"), vec![]),
        StoryList::All => (format!("{subscribed} AND {once}"), vec![]),
        StoryList::Today { since } => (
            format!("{subscribed} AND {once} AND {sort_at} >= ?"),
            vec![Box::new(*since)],
        ),
        StoryList::Bookmarks => (format!("{once} AND {bookmarked}"), vec![]),
        StoryList::Tagged { tag } => (
            format!(
                "{once} AND {bookmarked} AND {id} IN (SELECT article_id FROM tags WHERE tag = ?)"
            ),
            vec![Box::new(tag.clone())],
        ),
        StoryList::Feed { id } => (format!("{feed_id} = ?"), vec![Box::new(*id)]),
        StoryList::Folder { name } => (
            format!("{subscribed} AND {once} AND {in_folder}"),
            vec![Box::new(name.clone())],
        ),
        StoryList::Flagged => (format!("{subscribed} AND {once} AND s.flagged = 1"), vec![]),
    }
}

impl Library {
    /// The sources pane: smart-list counts (`today_since` is the start of the user's day) and
    /// the subscriptions with their unread counts.
    pub fn sources(&self, today_since: i64) -> Result<Sources> {
        // Unread and all are the sums of the feeds' own counts (index ranges per feed): as two
        // joins over every story they cost 115 ms more on a 100k-story library. Less the
        // copies those sums count again: a walk of the copies only (`+s.read` keeps SQLite
        // from walking every unread story instead).
        let feeds = self.feeds()?;
        let (today, bookmarks, flagged, copies, unread_copies): (i64, i64, i64, i64, i64) =
            self.conn.query_row(
                "SELECT
                (SELECT count(*) FROM article_status s JOIN feeds f ON f.id = s.feed_id
                  WHERE s.read = 0 AND s.duplicate_of IS NULL AND s.sort_at >= ?1
                    AND f.status != 'unsubscribed'),
                (SELECT count(*) FROM articles a JOIN article_status s ON s.article_id = a.id
                  WHERE a.bookmarked = 1 AND s.duplicate_of IS NULL),
                (SELECT count(*) FROM article_status s JOIN feeds f ON f.id = s.feed_id
                  WHERE s.flagged = 1 AND s.duplicate_of IS NULL AND f.status != 'unsubscribed'),
                (SELECT count(*) FROM article_status s JOIN feeds f ON f.id = s.feed_id
                  WHERE s.duplicate_of IS NOT NULL AND f.status != 'unsubscribed'),
                (SELECT count(*) FROM article_status s JOIN feeds f ON f.id = s.feed_id
                  WHERE s.duplicate_of IS NOT NULL AND +s.read = 0
                    AND f.status != 'unsubscribed')",
                [today_since],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?;
        let counts = SmartCounts {
            unread: feeds.iter().map(|f| f.unread).sum::<i64>() - unread_copies,
            today,
            bookmarks,
            all: feeds.iter().map(|f| f.total).sum::<i64>() - copies,
            flagged,
        };
        Ok(Sources { counts, feeds })
    }

    /// One page of a list, newest first, starting after `after` (the first page when `None`).
    /// `limit` is clamped to 1..=500.
    pub fn story_page(
        &self,
        list: &StoryList,
        after: Option<StoryCursor>,
        limit: i64,
    ) -> Result<StoryPage> {
        let limit = limit.clamp(1, 500);
        let (filter, mut args) = list_filter(list, FilterOn::Stories);
        let (by_date, by_id) = list_order(list);
        let cursor = match after {
            Some(c) => {
                args.push(Box::new(c.sort_at));
                args.push(Box::new(c.id));
                format!(" AND ({by_date}, {by_id}) < (?, ?)")
            }
            None => String::new(),
        };
        // One more than asked tells whether there is a next page.
        args.push(Box::new(limit + 1));
        let sql = format!(
            "SELECT {columns}
             FROM articles a JOIN feeds f ON f.id = a.feed_id {STATUS_JOIN}
             WHERE {filter}{cursor}
             ORDER BY {by_date} DESC, {by_id} DESC
             LIMIT ?",
            columns = *STORY_COLUMNS
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let params: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
        let mut stories = stmt
            .query_map(params.as_slice(), story_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let next = if stories.len() as i64 > limit {
            stories.truncate(limit as usize);
            stories.last().map(|s| StoryCursor {
                sort_at: s.sort_at,
                id: s.id,
            })
        } else {
            None
        };
        self.finish_rows(&mut stories)?;
        let as_of = self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM articles", [], |r| {
                r.get(0)
            })?;
        Ok(StoryPage {
            stories,
            next,
            as_of,
        })
    }

    /// Opens a story for reading: marks it read and returns everything the reader shows.
    pub fn open_story(&mut self, id: i64) -> Result<Article> {
        self.set_read(id, true)?;
        self.article(id)
    }

    /// Marks every unread story of `list` read, up to story id `as_of` (from the list's
    /// [`StoryPage`]). Returns how many were marked.
    pub fn mark_list_read(&mut self, list: &StoryList, as_of: i64) -> Result<usize> {
        self.mark_read_where(list, Some(as_of), None)
    }

    /// Marks every unread story of `list` read, optionally only those up to story id `as_of`
    /// and those dated before `before` (seconds). Returns how many were marked.
    pub fn mark_read_where(
        &mut self,
        list: &StoryList,
        as_of: Option<i64>,
        before: Option<i64>,
    ) -> Result<usize> {
        let (filter, filter_args) = list_filter(list, FilterOn::Status);
        // Bookmarks are few: SQLite is kept from walking every unread story's index entry to
        // find them. A date bound is only written when given: an unbounded one would make the
        // unread-by-date index look better than a feed's own.
        let unread = match list {
            StoryList::Bookmarks | StoryList::Tagged { .. } => "+s.read = 0",
            _ => "s.read = 0",
        };
        let dated = if before.is_some() {
            " AND s.sort_at < ?"
        } else {
            ""
        };
        let marked = format!("{unread} AND s.article_id <= ?{dated} AND {filter}");
        // An account's server can mark whole feeds, a folder or everything read up to a time,
        // when the list holds all of their stories up to what the person saw.
        let scope = match list {
            _ if before.is_some() => ReadScope::Stories,
            StoryList::Today { .. }
            | StoryList::Bookmarks
            | StoryList::Tagged { .. }
            | StoryList::Flagged => ReadScope::Stories,
            StoryList::Feed { .. } => ReadScope::Feeds,
            StoryList::Folder { name } => ReadScope::Folder(name),
            StoryList::Unread | StoryList::All => ReadScope::Everything,
        };
        let as_of = as_of.unwrap_or(i64::MAX);
        let mut params: Vec<&dyn ToSql> = vec![&as_of];
        if let Some(before) = &before {
            params.push(before);
        }
        params.extend(filter_args.iter().map(|b| b.as_ref()));
        let tx = self.conn.transaction()?;
        super::accounts::enqueue_marked_read_in(&tx, &marked, params.as_slice(), scope)?;
        let changed = tx.execute(
            &format!("UPDATE article_status AS s SET read = 1 WHERE {marked}"),
            params.as_slice(),
        )?;
        super::duplicates::spread_read_in(&tx)?;
        tx.commit()?;
        Ok(changed)
    }

    /// The original web address of a story, if the feed gave one.
    pub fn story_url(&self, id: i64) -> Result<Option<String>> {
        self.conn
            .query_row("SELECT url FROM articles WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "article",
                id,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Extraction, IncomingArticle, NewFeed, TEASER_CHARS};

    fn library(name: &str) -> Library {
        let dir = crate::scratch::scratch_dir(&format!("reader-{name}"));
        Library::open(&dir.join("library.sqlite")).unwrap()
    }

    fn story(key: &str, at: i64) -> IncomingArticle {
        IncomingArticle {
            item_key: key.into(),
            url: Some(format!("https://example.org/{key}")),
            title: format!("Story {key}"),
            published_at: Some(at),
            content_text: Some(format!("text of {key} ").repeat(40)),
            extraction: Extraction::Feed,
            ..IncomingArticle::default()
        }
    }

    fn feed_with(lib: &mut Library, url: &str, folder: Option<&str>, n: i64) -> i64 {
        let (id, _) = lib
            .add_feed(&NewFeed {
                url: url.into(),
                folder: folder.map(str::to_string),
                ..NewFeed::default()
            })
            .unwrap();
        let items: Vec<_> = (0..n)
            .map(|i| story(&format!("{url}#{i}"), 1_000_000 + i * 60))
            .collect();
        lib.store_feed_result(id, &Default::default(), &items)
            .unwrap();
        id
    }

    #[test]
    fn pages_with_a_cursor_do_not_shift_when_stories_are_read() {
        let mut lib = library("pages");
        feed_with(&mut lib, "https://a.example/feed", Some("News"), 25);
        let first = lib.story_page(&StoryList::Unread, None, 10).unwrap();
        assert_eq!(first.stories.len(), 10);
        assert_eq!(first.stories[0].title, "Story https://a.example/feed#24");
        for s in &first.stories {
            lib.open_story(s.id).unwrap();
        }
        let second = lib.story_page(&StoryList::Unread, first.next, 10).unwrap();
        assert_eq!(second.stories[0].title, "Story https://a.example/feed#14");
        let third = lib.story_page(&StoryList::Unread, second.next, 10).unwrap();
        assert_eq!(third.stories.len(), 5);
        assert_eq!(third.next, None);
        assert!(third.stories[0].teaser.chars().count() as i64 <= TEASER_CHARS);
        assert!(third.stories[0].teaser.starts_with("text of"));
    }

    #[test]
    fn lists_filter_and_mark_read_stops_at_as_of() {
        let mut lib = library("lists");
        let a = feed_with(&mut lib, "https://a.example/feed", Some("News"), 3);
        feed_with(&mut lib, "https://b.example/feed", Some("Tech"), 2);
        let page = lib
            .story_page(&StoryList::Feed { id: a }, None, 100)
            .unwrap();
        assert_eq!(page.stories.len(), 3);
        let tech = StoryList::Folder {
            name: "Tech".into(),
        };
        assert_eq!(lib.story_page(&tech, None, 100).unwrap().stories.len(), 2);
        lib.set_bookmarked(page.stories[0].id, true, None).unwrap();
        let marks = lib.story_page(&StoryList::Bookmarks, None, 100).unwrap();
        assert_eq!(marks.stories.len(), 1);
        assert!(marks.stories[0].bookmarked);

        let unread = lib.story_page(&StoryList::Unread, None, 100).unwrap();
        // A story arriving after the list was loaded stays unread.
        lib.store_feed_result(a, &Default::default(), &[story("late", 2_000_000)])
            .unwrap();
        let marked = lib
            .mark_list_read(&StoryList::Unread, unread.as_of)
            .unwrap();
        assert_eq!(marked, 5);
        let s = lib.sources(1_500_000).unwrap();
        assert_eq!(s.counts.unread, 1);
        assert_eq!(s.counts.today, 1);
        assert_eq!(s.counts.bookmarks, 1);
        assert_eq!(s.counts.all, 6);
        assert_eq!(s.feeds.len(), 2);
        let today = StoryList::Today { since: 1_500_000 };
        assert_eq!(lib.story_page(&today, None, 100).unwrap().stories.len(), 1);
    }

    /// Every kind of list over one library: feeds in folders and not, an unsubscribed feed
    /// with a bookmark, a copy of a story in a second feed, a flagged story and a tagged
    /// bookmark. Returns the feed to list and the day's start.
    fn every_kind_of_story(lib: &mut Library) -> (i64, i64) {
        let a = feed_with(lib, "https://a.example/feed", Some("News"), 4);
        let b = feed_with(lib, "https://b.example/feed", Some("Tech"), 3);
        let c = feed_with(lib, "https://c.example/feed", None, 3);
        let gone = feed_with(lib, "https://gone.example/feed", Some("News"), 2);
        let ids = |lib: &Library, feed: i64| -> Vec<i64> {
            let list = StoryList::Feed { id: feed };
            let page = lib.story_page(&list, None, 100).unwrap();
            page.stories.iter().map(|s| s.id).collect()
        };
        let (in_a, in_b, in_c, in_gone) = (ids(lib, a), ids(lib, b), ids(lib, c), ids(lib, gone));
        lib.set_bookmarked(in_gone[0], true, None).unwrap();
        lib.unsubscribe(gone).unwrap();
        lib.tag(in_a[1], &["later".to_string()]).unwrap();
        lib.set_bookmarked(in_b[2], true, None).unwrap();
        lib.set_read(in_c[2], true).unwrap();
        lib.conn
            .execute(
                "UPDATE article_status SET duplicate_of = ?1 WHERE article_id = ?2",
                [in_a[0], in_b[0]],
            )
            .unwrap();
        lib.conn
            .execute(
                "UPDATE article_status SET flagged = 1 WHERE article_id = ?1",
                [in_c[0]],
            )
            .unwrap();
        (a, 1_000_000 + 2 * 60)
    }

    #[test]
    fn marking_a_list_read_reads_the_unread_stories_it_shows_and_their_copies() {
        let lists = |feed: i64, since: i64| {
            vec![
                StoryList::Unread,
                StoryList::All,
                StoryList::Today { since },
                StoryList::Bookmarks,
                StoryList::Tagged {
                    tag: "LATER".into(),
                },
                StoryList::Feed { id: feed },
                StoryList::Folder {
                    name: "News".into(),
                },
                StoryList::Flagged,
            ]
        };
        for i in 0..lists(0, 0).len() {
            let mut lib = library(&format!("mark-list-{i}"));
            let (feed, since) = every_kind_of_story(&mut lib);
            let list = lists(feed, since).swap_remove(i);
            let unread = |lib: &Library| -> std::collections::BTreeSet<i64> {
                let mut stmt = lib
                    .conn
                    .prepare("SELECT article_id FROM article_status WHERE read = 0")
                    .unwrap();
                let ids = stmt.query_map([], |r| r.get(0)).unwrap();
                ids.map(Result::unwrap).collect()
            };
            let shown: Vec<i64> = lib
                .story_page(&list, None, 500)
                .unwrap()
                .stories
                .iter()
                .filter(|s| !s.read)
                .map(|s| s.id)
                .collect();
            assert!(!shown.is_empty(), "{list:?} shows no unread story");
            let copies: Vec<i64> = {
                let mut stmt = lib
                    .conn
                    .prepare(
                        "SELECT article_id FROM article_status WHERE duplicate_of = ?1
                         UNION SELECT duplicate_of FROM article_status
                         WHERE article_id = ?1 AND duplicate_of IS NOT NULL",
                    )
                    .unwrap();
                shown
                    .iter()
                    .flat_map(|id| {
                        let found = stmt.query_map([id], |r| r.get::<_, i64>(0)).unwrap();
                        found.map(Result::unwrap).collect::<Vec<_>>()
                    })
                    .collect()
            };
            let before = unread(&lib);
            let marked = lib.mark_read_where(&list, None, None).unwrap();
            let read_now: std::collections::BTreeSet<i64> =
                before.difference(&unread(&lib)).copied().collect();
            let expected: std::collections::BTreeSet<i64> = shown
                .iter()
                .chain(copies.iter().filter(|id| before.contains(id)))
                .copied()
                .collect();
            assert_eq!(read_now, expected, "{list:?}");
            assert_eq!(marked, shown.len(), "{list:?}");
        }
    }

    /// The kept counts after every kind of change: stories stored, read one by one and by
    /// lists, copies read with their story, a feed unsubscribed (its stories deleted but a
    /// bookmark), old stories deleted by retention.
    #[test]
    fn feed_counts_agree_with_counting_every_story() {
        let mut lib = library("feed-counts");
        let (feed, _) = every_kind_of_story(&mut lib);
        let kept = |lib: &Library| -> Vec<(i64, i64, i64)> {
            let mut stmt = lib
                .conn
                .prepare(
                    "SELECT feed_id, stories, unread FROM feed_counts
                     WHERE stories != 0 OR unread != 0 ORDER BY feed_id",
                )
                .unwrap();
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap();
            rows.map(Result::unwrap).collect()
        };
        let counted = |lib: &Library| -> Vec<(i64, i64, i64)> {
            let mut stmt = lib
                .conn
                .prepare(
                    "SELECT feed_id, count(*), sum(read = 0) FROM article_status
                     GROUP BY feed_id ORDER BY feed_id",
                )
                .unwrap();
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap();
            rows.map(Result::unwrap).collect()
        };
        assert_eq!(kept(&lib), counted(&lib), "after storing");
        lib.mark_read_where(&StoryList::Feed { id: feed }, None, None)
            .unwrap();
        assert_eq!(kept(&lib), counted(&lib), "after marking a feed read");
        let one = lib.story_page(&StoryList::Unread, None, 1).unwrap().stories[0].id;
        lib.set_read(one, true).unwrap();
        lib.set_read(feed, false).unwrap();
        assert_eq!(kept(&lib), counted(&lib), "after reading one by one");
        lib.conn
            .execute(
                "UPDATE articles SET fetched_at = fetched_at - 10 * 86400",
                [],
            )
            .unwrap();
        lib.set_retention(super::super::Retention {
            read_days: Some(1),
            unread_days: None,
        })
        .unwrap();
        assert!(
            lib.apply_retention().unwrap() > 0,
            "retention deleted nothing"
        );
        assert_eq!(kept(&lib), counted(&lib), "after retention");
        let c = lib.feeds().unwrap()[0].id;
        lib.unsubscribe(c).unwrap();
        assert_eq!(kept(&lib), counted(&lib), "after unsubscribing");
        let summary = lib.summary().unwrap();
        let articles: i64 = lib
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
            .unwrap();
        assert_eq!(summary.articles, articles);
    }

    #[test]
    fn smart_counts_agree_with_counting_every_story() {
        let mut lib = library("smart-counts");
        let a = feed_with(&mut lib, "https://a.example/feed", Some("News"), 4);
        let b = feed_with(&mut lib, "https://b.example/feed", None, 3);
        let gone = feed_with(&mut lib, "https://c.example/feed", None, 2);
        let first = |lib: &Library, feed: i64| {
            lib.story_page(&StoryList::Feed { id: feed }, None, 1)
                .unwrap()
                .stories[0]
                .id
        };
        lib.set_read(first(&lib, a), true).unwrap();
        lib.set_bookmarked(first(&lib, b), true, None).unwrap();
        // A bookmark outlives its feed; the feed's other stories go with it.
        lib.set_bookmarked(first(&lib, gone), true, None).unwrap();
        lib.unsubscribe(gone).unwrap();
        let today_since = 1_000_000 + 2 * 60;
        let s = lib.sources(today_since).unwrap();
        let by_joins: (i64, i64, i64, i64) = lib
            .conn
            .query_row(
                "SELECT
                    (SELECT count(*) FROM article_status s JOIN feeds f ON f.id = s.feed_id
                      WHERE s.read = 0 AND f.status != 'unsubscribed'),
                    (SELECT count(*) FROM article_status s JOIN feeds f ON f.id = s.feed_id
                      WHERE s.read = 0 AND s.sort_at >= ?1 AND f.status != 'unsubscribed'),
                    (SELECT count(*) FROM articles WHERE bookmarked = 1),
                    (SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id
                      WHERE f.status != 'unsubscribed')",
                [today_since],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap();
        let c = &s.counts;
        assert_eq!((c.unread, c.today, c.bookmarks, c.all), by_joins);
        assert_eq!((c.unread, c.today, c.bookmarks, c.all), (6, 2, 2, 7));
        assert_eq!(s.feeds.len(), 2);
    }

    #[test]
    fn open_story_marks_it_read_and_unknown_ids_are_not_found() {
        let mut lib = library("open");
        feed_with(&mut lib, "https://a.example/feed", None, 1);
        let id = lib.story_page(&StoryList::All, None, 1).unwrap().stories[0].id;
        let article = lib.open_story(id).unwrap();
        assert!(article.read);
        assert_eq!(
            lib.story_url(id).unwrap().as_deref(),
            Some("https://example.org/https://a.example/feed#0")
        );
        assert!(matches!(
            lib.open_story(9999),
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            lib.story_url(9999),
            Err(StoreError::NotFound { .. })
        ));
    }

    #[test]
    fn reading_state_has_one_row_per_article_and_goes_with_it() {
        let mut lib = library("status");
        let a = feed_with(&mut lib, "https://a.example/feed", None, 3);
        let b = feed_with(&mut lib, "https://b.example/feed", None, 2);
        let status_rows = |lib: &Library| -> (i64, i64) {
            lib.conn
                .query_row(
                    "SELECT count(*), (SELECT count(*) FROM articles) FROM article_status",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap()
        };
        assert_eq!(status_rows(&lib), (5, 5));
        let first_b = lib
            .story_page(&StoryList::Feed { id: b }, None, 1)
            .unwrap()
            .stories[0]
            .id;
        lib.set_read(first_b, true).unwrap();
        // A story whose date changes moves in the unread list too.
        lib.conn
            .execute(
                "UPDATE articles SET sort_at = 9999999999 WHERE feed_id = ?1",
                [a],
            )
            .unwrap();
        let unread = lib.story_page(&StoryList::Unread, None, 10).unwrap();
        assert_eq!(unread.stories.len(), 4);
        assert!(unread.stories[..3].iter().all(|s| s.feed_id == a));
        lib.unsubscribe(a).unwrap();
        assert_eq!(status_rows(&lib), (2, 2));
        let counts = lib.sources(0).unwrap();
        assert_eq!((counts.counts.unread, counts.counts.all), (1, 2));
        assert_eq!(counts.feeds[0].unread, 1);
    }

    #[test]
    fn rows_carry_a_thumbnail_only_when_the_lead_picture_is_stored() {
        let mut lib = library("thumbs");
        let (feed, _) = lib
            .add_feed(&NewFeed {
                url: "https://a.example/feed".into(),
                ..NewFeed::default()
            })
            .unwrap();
        let with_lead = |key: &str, at: i64, lead: &str| IncomingArticle {
            lead_image: Some(lead.to_string()),
            image_urls: vec![lead.to_string()],
            ..story(key, at)
        };
        let stored = "https://a.example/stored.png";
        let failed = "https://a.example/failed.png";
        let items = vec![
            with_lead("one", 3_000, stored),
            with_lead("two", 2_000, failed),
            story("three", 1_000),
        ];
        lib.store_feed_result(feed, &Default::default(), &items)
            .unwrap();
        let png = b"\x89PNG\r\n\x1a\n";
        lib.store_image(&crate::images::image_key(stored), Ok(("image/png", png)))
            .unwrap();
        lib.store_image(&crate::images::image_key(failed), Err("404"))
            .unwrap();
        let rows = lib.story_page(&StoryList::All, None, 10).unwrap().stories;
        let thumbs: Vec<_> = rows.iter().map(|r| r.thumbnail.clone()).collect();
        assert_eq!(
            thumbs,
            vec![Some(crate::images::image_src(stored)), None, None]
        );
    }

    #[test]
    fn lists_articles_and_search_give_the_same_row_for_a_story() {
        let mut lib = library("one-row");
        let feed = feed_with(&mut lib, "https://a.example/feed", None, 0);
        // More stories with a stored lead picture than one thumbnail query looks up.
        let n = 1_100;
        let lead = |i: i64| format!("https://a.example/lead-{i}.png");
        let items: Vec<_> = (0..n)
            .map(|i| IncomingArticle {
                lead_image: Some(lead(i)),
                image_urls: vec![lead(i)],
                author: Some("Ann".into()),
                ..story(&format!("s{i}"), 1_000 + i)
            })
            .collect();
        lib.store_feed_result(feed, &Default::default(), &items)
            .unwrap();
        let png = b"\x89PNG\r\n\x1a\n";
        for i in 0..n {
            lib.store_image(&crate::images::image_key(&lead(i)), Ok(("image/png", png)))
                .unwrap();
        }
        let listed = lib.articles(&Default::default(), i64::MAX, 0).unwrap();
        assert_eq!(listed.len() as i64, n);
        assert!(
            listed.iter().all(|r| r.thumbnail.is_some()),
            "every stored lead picture is a thumbnail"
        );
        let paged = lib.story_page(&StoryList::All, None, 500).unwrap().stories;
        assert_eq!(paged[..], listed[..500]);
        let oldest = listed.last().unwrap();
        assert_eq!(oldest.url.as_deref(), Some("https://example.org/s0"));
        assert!(oldest.teaser.starts_with("text of s0"));
        assert_eq!(
            oldest.thumbnail.as_deref(),
            Some(crate::images::image_src(&lead(0)).as_str())
        );
        let hits = lib.search("\"text of s0\"", 5).unwrap();
        assert_eq!(hits[0].article, *oldest);
    }

    #[test]
    fn extraction_states_are_stored_as_their_words() {
        let mut lib = library("extraction");
        let feed = feed_with(&mut lib, "https://a.example/feed", None, 0);
        let states = [
            Extraction::Pending,
            Extraction::Full,
            Extraction::Feed,
            Extraction::Teaser,
        ];
        let items: Vec<_> = states
            .iter()
            .enumerate()
            .map(|(i, state)| IncomingArticle {
                extraction: *state,
                ..story(state.as_str(), 1_000 + i as i64)
            })
            .collect();
        lib.store_feed_result(feed, &Default::default(), &items)
            .unwrap();
        let stored: Vec<(String, Extraction)> = lib
            .conn
            .prepare("SELECT extraction, id FROM articles ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|row| {
                let (word, id): (String, i64) = row.unwrap();
                (word, lib.article(id).unwrap().extraction)
            })
            .collect();
        let expected: Vec<(String, Extraction)> = ["pending", "full", "feed", "teaser"]
            .into_iter()
            .map(String::from)
            .zip(states)
            .collect();
        assert_eq!(stored, expected);
        assert_eq!(
            serde_json::to_string(&Extraction::Teaser).unwrap(),
            r#""teaser""#
        );
        // Only what the page stage looks for is pending.
        assert_eq!(lib.pending_pages(10).unwrap().len(), 1);
        // A word this build does not know is a clear error, not a guess.
        lib.conn
            .execute(
                "UPDATE articles SET extraction = 'later' WHERE extraction = 'feed'",
                [],
            )
            .unwrap();
        let id: i64 = lib
            .conn
            .query_row(
                "SELECT id FROM articles WHERE extraction = 'later'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let err = lib.article(id).unwrap_err().to_string();
        assert!(err.contains("unknown extraction state \"later\""), "{err}");
    }
}
