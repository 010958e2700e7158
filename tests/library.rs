//! The offline library: search in English, Chinese and accented text; reading state.

use std::path::PathBuf;

use tidings::store::{
    ArticleFilter, Extraction, FeedUpdate, IncomingArticle, Library, NewFeed, PageResult,
    SavedMarks, SavedPage, StoryList,
};

fn library(name: &str) -> (Library, PathBuf) {
    let dir = crate::support::scratch::scratch_dir(&format!("lib-{name}"));
    let path = dir.join("library.sqlite");
    (Library::open(&path).unwrap(), path)
}

fn article(key: &str, title: &str, text: &str, published: i64) -> IncomingArticle {
    IncomingArticle {
        item_key: key.into(),
        url: Some(format!("https://news.example/{key}")),
        title: title.into(),
        author: Some("Desk Writer".into()),
        published_at: Some(published),
        content_text: Some(text.into()),
        content_html: Some(format!("<p>{text}</p>")),
        extraction: tidings::store::Extraction::Feed,
        ..IncomingArticle::default()
    }
}

fn seeded(name: &str) -> (Library, Vec<i64>) {
    let (lib, ids, _) = seeded_at(name);
    (lib, ids)
}

fn seeded_at(name: &str) -> (Library, Vec<i64>, PathBuf) {
    let (mut lib, path) = library(name);
    let (feed, _) = lib
        .add_feed(&NewFeed {
            url: "https://news.example/feed".into(),
            folder: Some("World".into()),
            ..NewFeed::default()
        })
        .unwrap();
    let items = vec![
        article(
            "1",
            "Lighthouse reopens after repairs",
            "Visitors can climb the 142 steps again, the harbour master said.",
            1_700_000_000,
        ),
        article(
            "2",
            "香港天气",
            "香港的天气今天很好，气温二十五度。",
            1_700_000_100,
        ),
        article(
            "3",
            "Crème brûlée at the Café Nord",
            "The café's pastry chef explains the caramel.",
            1_700_000_200,
        ),
        article(
            "4",
            "Central bank holds rates",
            "The central bank kept its rate at four percent; economists expected a cut.",
            1_700_000_300,
        ),
    ];
    lib.store_feed_result(feed, &FeedUpdate::default(), &items)
        .unwrap();
    let ids = lib
        .articles(&ArticleFilter::default(), 10, 0)
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    (lib, ids, path)
}

fn titles(hits: &[tidings::store::SearchHit]) -> Vec<&str> {
    hits.iter().map(|h| h.article.title.as_str()).collect()
}

#[test]
fn search_finds_words_prefixes_phrases_accents_and_chinese() {
    let (lib, _) = seeded("search");
    assert_eq!(
        titles(&lib.search("lighthouse", 10).unwrap()),
        ["Lighthouse reopens after repairs"]
    );
    assert_eq!(
        titles(&lib.search("econom*", 10).unwrap()),
        ["Central bank holds rates"]
    );
    assert_eq!(
        titles(&lib.search("\"central bank\"", 10).unwrap()),
        ["Central bank holds rates"]
    );
    assert!(
        lib.search("\"bank central\"", 10).unwrap().is_empty(),
        "a phrase keeps its order"
    );
    assert_eq!(
        titles(&lib.search("cafe", 10).unwrap()),
        ["Crème brûlée at the Café Nord"]
    );
    assert_eq!(titles(&lib.search("香港", 10).unwrap()), ["香港天气"]);
    assert_eq!(titles(&lib.search("气温二十五", 10).unwrap()), ["香港天气"]);
    assert!(lib.search("上海", 10).unwrap().is_empty());
    // Hostile or odd input is never an FTS syntax error.
    for q in ["\"", "*", "NEAR(", "a OR", "-", "^", "(((", "'"] {
        lib.search(q, 10).unwrap_or_else(|e| panic!("{q:?}: {e}"));
    }
    let hit = &lib.search("harbour", 10).unwrap()[0];
    assert!(
        hit.snippet
            .iter()
            .any(|p| p.hit && p.text.eq_ignore_ascii_case("harbour")),
        "{:?}",
        hit.snippet
    );
}

#[test]
fn search_follows_updates_and_ranks_titles_first() {
    let (mut lib, _) = seeded("rank");
    let feed = lib.feeds().unwrap()[0].id;
    let mut changed = article(
        "1",
        "Lighthouse keeper retires",
        "After forty years the keeper hands over the key.",
        1_700_000_000,
    );
    changed.author = Some("Desk Writer".into());
    let extra = article(
        "5",
        "Harbour notes",
        "A lighthouse is mentioned only in passing here.",
        1_700_000_400,
    );
    lib.store_feed_result(feed, &FeedUpdate::default(), &[changed, extra])
        .unwrap();
    assert!(
        lib.search("repairs", 10).unwrap().is_empty(),
        "the old text left the index"
    );
    let hits = lib.search("lighthouse", 10).unwrap();
    assert_eq!(
        titles(&hits),
        ["Lighthouse keeper retires", "Harbour notes"]
    );
}

#[test]
fn mark_read_by_feed_folder_and_age() {
    let (mut lib, ids) = seeded("read");
    assert_eq!(lib.summary().unwrap().unread, 4);
    lib.set_read(ids[0], true).unwrap();
    assert_eq!(lib.summary().unwrap().unread, 3);
    assert_eq!(
        lib.mark_read_where(
            &StoryList::Folder {
                name: "World".into()
            },
            None,
            Some(1_700_000_150)
        )
        .unwrap(),
        2
    );
    assert_eq!(lib.summary().unwrap().unread, 1);
    assert_eq!(
        lib.mark_read_where(
            &StoryList::Folder {
                name: "Nowhere".into()
            },
            None,
            None
        )
        .unwrap(),
        0
    );
    assert_eq!(lib.mark_read_where(&StoryList::All, None, None).unwrap(), 1);
    assert_eq!(lib.summary().unwrap().unread, 0);
    assert!(lib.set_read(999_999, true).is_err());
}

#[test]
fn bookmarks_survive_retention_unsubscribe_and_vacuum() {
    let (mut lib, ids, path) = seeded_at("keep");
    let feed = lib.feeds().unwrap()[0].id;
    let kept = ids[1];
    lib.set_bookmarked(kept, true, Some("for later")).unwrap();
    lib.set_read(kept, true).unwrap();
    lib.mark_read_where(&StoryList::All, None, None).unwrap();

    // Retention of read articles: everything read goes, except the bookmark.
    lib.set_retention(tidings::store::Retention {
        read_days: Some(1),
        unread_days: None,
    })
    .unwrap();
    // fetched_at is now; pretend a week passed by moving the clock of the rows back.
    assert_eq!(
        lib.apply_retention().unwrap(),
        0,
        "nothing is a day old yet"
    );
    drop(lib);
    {
        let conn = crate::store::raw_connection(&path);
        conn.execute(
            "UPDATE articles SET fetched_at = fetched_at - 7 * 86400",
            [],
        )
        .unwrap();
    }
    let mut lib = Library::open(&path).unwrap();
    assert_eq!(lib.apply_retention().unwrap(), 3);
    let left = lib.articles(&ArticleFilter::default(), 10, 0).unwrap();
    assert_eq!(left.iter().map(|a| a.id).collect::<Vec<_>>(), [kept]);

    // A resync does not bring the expired ones back (tombstones).
    let again = vec![article(
        "1",
        "Lighthouse reopens after repairs",
        "Visitors can climb the 142 steps again, the harbour master said.",
        1_700_000_000,
    )];
    let counts = lib
        .store_feed_result(feed, &FeedUpdate::default(), &again)
        .unwrap();
    assert_eq!(counts.new, 0);

    // Unsubscribe keeps the bookmark readable; vacuum and backup keep it too.
    assert_eq!(lib.unsubscribe(feed).unwrap(), 1);
    assert!(lib.feeds().unwrap().is_empty());
    // Vacuum and backup tell their progress, never backwards, up to the whole.
    let mut steps = Vec::new();
    lib.vacuum(&mut |done, total| steps.push((done, total)))
        .unwrap();
    assert!(steps.windows(2).all(|w| w[0].0 <= w[1].0), "{steps:?}");
    assert!(
        matches!(steps.last(), Some((d, t)) if d == t && *t > 0),
        "{steps:?}"
    );
    let a = lib.article(kept).unwrap();
    assert!(a.bookmarked);
    assert_eq!(a.note.as_deref(), Some("for later"));
    let backup = path.with_file_name("backup.sqlite");
    let mut steps = Vec::new();
    lib.backup(&backup, &mut |done, total| steps.push((done, total)))
        .unwrap();
    assert!(
        matches!(steps.last(), Some((d, t)) if d == t && *t > 0),
        "{steps:?}"
    );
    assert!(
        lib.backup(&backup, &mut |_, _| {}).is_err(),
        "a backup never overwrites"
    );
    let copy = Library::open(&backup).unwrap();
    assert_eq!(copy.integrity_check().unwrap(), "ok");
    assert_eq!(copy.article(kept).unwrap().title, a.title);
    assert_eq!(
        copy.search("cafe", 5).unwrap().len(),
        1,
        "the search index travels with the backup"
    );
}

/// Bytes that do not compress, so an image takes its size in the file.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

#[test]
fn the_budget_gives_up_old_read_images_then_old_revisions_and_never_a_protected_story() {
    const IMAGE: usize = 40_000;
    let (mut lib, _) = library("budget");
    let (feed, _) = lib
        .add_feed(&NewFeed {
            url: "https://news.example/feed".into(),
            ..NewFeed::default()
        })
        .unwrap();
    // Six stories, oldest first, each with a picture of its own; s2 and s4 share one more.
    let picture = |n: usize| format!("https://news.example/img/{n}.jpg");
    let story = |n: usize, version: &str| {
        let mut a = article(
            &format!("s{n}"),
            &format!("Story {n}"),
            &format!("Text of story {n}, {version}."),
            1_700_000_000 + n as i64 * 3600,
        );
        a.image_urls = vec![picture(n)];
        if n == 2 || n == 4 {
            a.image_urls.push(picture(99));
        }
        a
    };
    let first: Vec<IncomingArticle> = (1..=6).map(|n| story(n, "first version")).collect();
    lib.store_feed_result(feed, &FeedUpdate::default(), &first)
        .unwrap();
    // A second version of each: the first stays as a revision.
    let second: Vec<IncomingArticle> = (1..=6).map(|n| story(n, "second version")).collect();
    lib.store_feed_result(feed, &FeedUpdate::default(), &second)
        .unwrap();
    for n in [1, 2, 3, 4, 5, 6, 99] {
        let jpeg = [&[0xFF, 0xD8, 0xFF][..], &noise(n, IMAGE)].concat();
        lib.store_image(
            &tidings::images::image_key(&picture(n as usize)),
            Ok(("image/jpeg", &jpeg[..])),
        )
        .unwrap();
    }
    let id_of = |lib: &Library, n: usize| -> i64 {
        lib.articles(&ArticleFilter::default(), 10, 0)
            .unwrap()
            .into_iter()
            .find(|a| a.title == format!("Story {n}"))
            .unwrap()
            .id
    };
    let ids: Vec<i64> = (0..=6)
        .map(|n| if n == 0 { 0 } else { id_of(&lib, n) })
        .collect();
    // s1, the oldest, is bookmarked; s4 and s6 are unread.
    lib.set_bookmarked(ids[1], true, None).unwrap();
    for n in [1, 2, 3, 5] {
        lib.set_read(ids[n], true).unwrap();
    }
    // A page saved before them all, with picture 7, read and no longer bookmarked: a page of
    // the Saved source stays protected.
    let saved = lib
        .store_saved_page(
            &SavedPage {
                url: "https://pages.example/kept".into(),
                key: "https://pages.example/kept".into(),
                title: "A saved page".into(),
                published_at: None,
                page: PageResult {
                    extraction: Extraction::Full,
                    content_text: Some("A saved page's text.".into()),
                    content_html: Some("<p>A saved page's text.</p>".into()),
                    image_urls: vec![picture(7)],
                    ..PageResult::default()
                },
            },
            &SavedMarks {
                saved_at: Some(1_600_000_000),
                read: true,
                ..SavedMarks::default()
            },
            None,
        )
        .unwrap()
        .article_id;
    lib.set_bookmarked(saved, false, None).unwrap();
    lib.store_image(
        &tidings::images::image_key(&picture(7)),
        Ok((
            "image/jpeg",
            &[&[0xFF, 0xD8, 0xFF][..], &noise(7, IMAGE)].concat()[..],
        )),
    )
    .unwrap();
    let stored = |lib: &Library| -> Vec<usize> {
        [1, 2, 3, 4, 5, 6, 7, 99]
            .into_iter()
            .filter(|n| {
                lib.image(&tidings::images::image_key(&picture(*n)))
                    .unwrap()
                    .is_some()
            })
            .collect()
    };
    let revisions = |lib: &Library| -> Vec<usize> {
        (1..=6)
            .filter(|n| !lib.revisions(ids[*n]).unwrap().is_empty())
            .collect()
    };
    assert_eq!(stored(&lib), [1, 2, 3, 4, 5, 6, 7, 99]);
    assert_eq!(lib.enforce_budget().unwrap().images, 0, "no budget set");

    // Just over budget: the oldest read, unprotected story's own picture goes, and only it.
    let used = lib.storage_report().unwrap().used();
    lib.set_storage_budget(Some(used - 1000)).unwrap();
    let eviction = lib.enforce_budget().unwrap();
    assert_eq!(
        (eviction.images, eviction.revisions),
        (1, 0),
        "{eviction:?}"
    );
    assert!(eviction.within_budget);
    assert_eq!(stored(&lib), [1, 3, 4, 5, 6, 7, 99]);
    assert!(lib.storage_report().unwrap().used() <= used - 1000);

    // Far over budget: every other read picture (not the one an unread story shares), then
    // the revisions of unprotected stories, oldest first; never the bookmark's.
    lib.set_storage_budget(Some(1)).unwrap();
    let eviction = lib.enforce_budget().unwrap();
    assert_eq!(
        (eviction.images, eviction.revisions),
        (2, 5),
        "{eviction:?}"
    );
    assert!(!eviction.within_budget, "only protected things are left");
    assert_eq!(stored(&lib), [1, 4, 6, 7, 99]);
    assert_eq!(revisions(&lib), [1]);
    for (n, id) in ids.iter().enumerate().skip(1) {
        let a = lib.article(*id).unwrap();
        assert_eq!(
            a.content_text.as_deref(),
            Some(format!("Text of story {n}, second version.").as_str())
        );
    }
    assert!(lib.article(ids[1]).unwrap().bookmarked);

    // The report adds up, and a budget can be taken off.
    let report = lib.storage_report().unwrap();
    assert_eq!(
        report.text
            + report.images
            + report.search_index
            + report.revisions
            + report.other
            + report.free,
        report.file,
        "{report:?}"
    );
    assert!(report.images >= 5 * IMAGE as u64, "{report:?}");
    assert!(
        report.free > 0,
        "the dropped images' pages are free: {report:?}"
    );
    lib.set_storage_budget(None).unwrap();
    assert_eq!(lib.storage_report().unwrap().budget, None);
}

/// A story of the batch test: its canonical address `canonical`, an image of its own.
fn batch_story(key: &str, canonical: &str, title: &str) -> IncomingArticle {
    let text = format!("{title}: the harbour ferry runs again");
    IncomingArticle {
        item_key: key.into(),
        url: Some(format!("https://{canonical}")),
        canonical_url: Some(canonical.into()),
        title: title.into(),
        published_at: Some(1_700_000_000),
        content_html: Some(format!("<p>{text}</p>")),
        content_text: Some(text),
        image_urls: vec![format!("https://img.example/{key}.png")],
        extraction: Extraction::Feed,
        ..IncomingArticle::default()
    }
}

/// Every story as stored: id, feed, key, title, text, read, flagged, the copy it folds
/// into, its canonical address, its images.
fn stored_stories(path: &std::path::Path) -> Vec<Vec<String>> {
    let conn = crate::store::raw_connection(path);
    let mut stmt = conn
        .prepare(
            "SELECT a.id, a.feed_id, a.item_key, a.title, a.content_text, s.read, s.flagged,
                s.duplicate_of, c.url,
                (SELECT group_concat(key) FROM article_images i WHERE i.article_id = a.id)
             FROM articles a JOIN article_status s ON s.article_id = a.id
             LEFT JOIN canonical_urls c ON c.article_id = a.id ORDER BY a.id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        (0..10)
            .map(|i| Ok(format!("{:?}", r.get::<_, rusqlite::types::Value>(i)?)))
            .collect()
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// A feed's fetch state: etag, error count, error, status, whether it was fetched.
type FetchState = (Option<String>, i64, Option<String>, String, bool);

/// Each feed's fetch state.
fn fetch_states(path: &std::path::Path) -> Vec<FetchState> {
    let conn = crate::store::raw_connection(path);
    let mut stmt = conn
        .prepare(
            "SELECT etag, error_count, last_error, status, last_fetched_at IS NOT NULL
             FROM feeds ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// Sync writes its feeds in batches, one transaction for many: a batch ends as the same feeds
/// written one at a time do (ids, copies folded within a feed and across feeds, rules'
/// verdicts, images, the search index, fetch states).
#[test]
fn feeds_written_in_one_batch_end_as_written_one_at_a_time() {
    use tidings::store::FeedFetch;
    let first = vec![
        batch_story("a1", "c.example/one", "One"),
        batch_story("a2", "c.example/two", "Two"),
        // A copy of a1 in the same document, under another title.
        batch_story("a3", "c.example/one", "One again"),
        IncomingArticle {
            muted: true,
            ..batch_story("a4", "c.example/four", "Four")
        },
        IncomingArticle {
            flagged: true,
            ..batch_story("a5", "c.example/five", "Five")
        },
    ];
    let second = vec![
        batch_story("b1", "c.example/two", "Two elsewhere"),
        IncomingArticle {
            muted: true,
            ..batch_story("b2", "c.example/four", "Four elsewhere")
        },
        batch_story("b3", "c.example/six", "Six"),
    ];
    let fetches = vec![
        FeedFetch::Stored {
            update: FeedUpdate::default(),
            items: first.clone(),
        },
        FeedFetch::Stored {
            update: FeedUpdate::default(),
            items: second.clone(),
        },
        FeedFetch::Failed {
            error: "HTTP 500".into(),
            kind: "http".into(),
            retry_after: None,
            gone: false,
        },
        FeedFetch::NotModified {
            etag: Some("\"v2\"".into()),
            last_modified: None,
        },
    ];
    let subscribe = |lib: &mut Library| -> Vec<i64> {
        (0..fetches.len())
            .map(|n| {
                lib.add_feed(&NewFeed {
                    url: format!("https://feed{n}.example/rss"),
                    ..NewFeed::default()
                })
                .unwrap()
                .0
            })
            .collect()
    };

    let (mut one, one_path) = library("batch-one-at-a-time");
    let feeds = subscribe(&mut one);
    let mut counts = Vec::new();
    for (feed, fetch) in feeds.iter().zip(&fetches) {
        counts.push(match fetch {
            FeedFetch::Stored { update, items } => {
                one.store_feed_result(*feed, update, items).unwrap()
            }
            FeedFetch::Failed {
                error,
                kind,
                retry_after,
                gone,
            } => {
                one.record_feed_failure(*feed, error, kind, *retry_after, *gone)
                    .unwrap();
                Default::default()
            }
            FeedFetch::NotModified {
                etag,
                last_modified,
            } => {
                one.record_not_modified(*feed, etag.as_deref(), last_modified.as_deref())
                    .unwrap();
                Default::default()
            }
        });
    }

    let (mut batch, batch_path) = library("batch-all");
    assert_eq!(subscribe(&mut batch), feeds);
    let batched: Vec<(i64, FeedFetch)> = feeds.iter().copied().zip(fetches.clone()).collect();
    assert_eq!(batch.record_feed_fetches(&batched).unwrap(), counts);

    let (a, b) = (&counts[0], &counts[1]);
    assert_eq!((a.new, a.folded, a.muted, a.flagged), (3, 1, 1, 1), "{a:?}");
    assert_eq!((b.new, b.folded, b.muted), (1, 2, 0), "{b:?}");
    let stories = stored_stories(&batch_path);
    assert_eq!(stories, stored_stories(&one_path));
    let id_of = |key: &str| {
        let quoted = format!("Text({key:?})");
        let row = stories.iter().find(|r| r[2] == quoted).unwrap();
        row[0].clone()
    };
    let folds_into = |key: &str| {
        let quoted = format!("Text({key:?})");
        let row = stories.iter().find(|r| r[2] == quoted).unwrap();
        row[7].clone()
    };
    assert_eq!(folds_into("a3"), id_of("a1"));
    assert_eq!(folds_into("b1"), id_of("a2"));
    assert_eq!(folds_into("b2"), id_of("a4"));
    assert_eq!(folds_into("b3"), "Null");

    let hits = |lib: &Library| {
        let mut ids: Vec<i64> = lib
            .search("harbour", 50)
            .unwrap()
            .iter()
            .map(|h| h.article.id)
            .collect();
        ids.sort_unstable();
        ids
    };
    // Every story is in the search index; search folds the copies into their shown story.
    let indexed = |path: &std::path::Path| -> i64 {
        crate::store::raw_connection(path)
            .query_row(
                "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'harbour'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let all = (first.len() + second.len()) as i64;
    assert_eq!((indexed(&batch_path), indexed(&one_path)), (all, all));
    let folded = stories.iter().filter(|r| r[7] != "Null").count();
    assert_eq!(hits(&batch).len(), all as usize - folded);
    assert_eq!(hits(&batch), hits(&one));
    let states = fetch_states(&batch_path);
    assert_eq!(states, fetch_states(&one_path));
    assert_eq!(states[2].1, 1, "the failure is counted: {states:?}");
    assert_eq!(states[3].0.as_deref(), Some("\"v2\""), "{states:?}");
}

#[test]
fn a_vacuum_never_undoes_what_another_handle_wrote_meanwhile() {
    let path = crate::support::library::temp_library("lib", "vacuum-race");
    let ids = crate::support::library::fill_library(&path, 20, 150, 2_000);
    // Free pages to give back, so the compaction has work to do.
    Library::open(&path)
        .unwrap()
        .unsubscribe(Library::open(&path).unwrap().feeds().unwrap()[0].id)
        .unwrap();
    let kept: Vec<i64> = ids[150..].to_vec();

    // Another handle (the app, a sync) marks stories read one by one while the library is
    // compacted; every mark that committed must be there afterwards.
    // The compaction starts once the writer has committed its first mark, so that a slow
    // start of the writer's thread never leaves the race untried.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (writing, has_written) = std::sync::mpsc::channel();
    let writer = {
        let (path, stop, kept) = (path.clone(), stop.clone(), kept.clone());
        std::thread::spawn(move || {
            let mut lib = Library::open(&path).unwrap();
            let mut committed = Vec::new();
            let mut writing = Some(writing);
            for id in kept {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                if lib.set_read(id, true).is_ok() {
                    committed.push(id);
                    if let Some(w) = writing.take() {
                        let _ = w.send(());
                    }
                }
            }
            committed
        })
    };
    let mut lib = Library::open(&path).unwrap();
    has_written
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the writer never wrote");
    let during = lib.vacuum(&mut |_, _| {});
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let committed = writer.join().unwrap();
    // Undisturbed, it compacts.
    lib.vacuum(&mut |_, _| {}).unwrap();
    let unread: std::collections::HashSet<i64> = lib
        .articles(
            &ArticleFilter {
                unread_only: true,
                ..ArticleFilter::default()
            },
            10_000,
            0,
        )
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    let lost: Vec<&i64> = committed.iter().filter(|id| unread.contains(id)).collect();
    assert!(
        lost.is_empty(),
        "{} of {} marks undone by the vacuum ({during:?})",
        lost.len(),
        committed.len()
    );
    assert_eq!(lib.integrity_check().unwrap(), "ok");
    assert_eq!(lib.storage_report().unwrap().free, 0, "compacted");
}
