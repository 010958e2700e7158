//! The offline library: search in English, Chinese and accented text; reading state.

use std::path::PathBuf;

use tidings::store::{
    ArticleFilter, Extraction, FeedUpdate, IncomingArticle, Library, NewFeed, PageResult,
    SavedMarks, SavedPage, StoryList,
};

fn library(name: &str) -> (Library, PathBuf) {
    let dir = std::env::temp_dir().join(format!("tidings-lib-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
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
