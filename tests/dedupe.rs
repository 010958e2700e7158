//! Duplicate stories folded (issue #22): the same story in three feeds under tracking
//! parameters, http and https, www and an AMP address is shown once, counted right, read and
//! bookmarked as one; a feed that changes every guid brings nothing back unread; a page's own
//! canonical address folds what the links alone could not. Real servers on 127.0.0.1.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tidings::feeds::fetch::{FetchConfig, Fetcher};
use tidings::store::{ArticleFilter, Library, StoryList, StoryRow};
use tidings::sync::SyncReport;

use crate::support::cli::{stdout, tidings};
use crate::support::feeds::{article_page, rss, Item};
use crate::support::{library, Request, Response, TestServer};

fn fetcher() -> Fetcher {
    Fetcher::new(FetchConfig {
        request_timeout: Duration::from_secs(5),
        ..FetchConfig::default()
    })
    .unwrap()
}

fn sync(path: &Path, feeds_only: bool) -> SyncReport {
    library::run_sync_with(path, &fetcher(), feeds_only)
}

/// Three feeds carrying two stories in common, each under its own spelling of the address.
fn three_feeds() -> TestServer {
    TestServer::start(|req: &Request| {
        let body = match req.path.as_str() {
            "/a.xml" => rss(
                "Feed A",
                &[
                    Item::new(
                        "a1",
                        "Harbour bridge opens",
                        "http://news.example/world/harbour-bridge?utm_source=rss&utm_medium=feed",
                    ),
                    Item::new(
                        "a2",
                        "Ferry timetable changes",
                        "http://news.example/city/ferry/",
                    ),
                    Item::new("a3", "Only in A", "http://news.example/only-a"),
                ],
            ),
            "/b.xml" => rss(
                "Feed B",
                &[
                    Item::new(
                        "b1",
                        "Harbour bridge opens",
                        "https://www.news.example/world/harbour-bridge#top",
                    ),
                    Item::new(
                        "b2",
                        "Ferry timetable: what changes",
                        "https://news.example/city/ferry?fbclid=IwAR0x",
                    ),
                    Item::new("b4", "Only in B", "https://news.example/only-b"),
                ],
            ),
            "/c.xml" => rss(
                "Feed C",
                &[
                    Item::new(
                        "c1",
                        "Harbour bridge opens (AMP)",
                        "https://news-example.cdn.ampproject.org/c/s/news.example/world/harbour-bridge/amp",
                    ),
                    Item::new(
                        "c2",
                        "Ferry timetable changes",
                        "https://news.example/amp/city/ferry?gclid=EAIa",
                    ),
                ],
            ),
            _ => return Response::status(404),
        };
        Response::ok(body).header("Content-Type", "application/rss+xml")
    })
}

fn feed_id(lib: &Library, title: &str) -> i64 {
    lib.feeds()
        .unwrap()
        .into_iter()
        .find(|f| f.title == title)
        .unwrap_or_else(|| panic!("no feed {title}"))
        .id
}

fn row<'a>(rows: &'a [StoryRow], title: &str) -> &'a StoryRow {
    rows.iter()
        .find(|r| r.title == title)
        .unwrap_or_else(|| panic!("{title} not listed: {rows:#?}"))
}

fn titles(rows: &[StoryRow]) -> Vec<&str> {
    let mut t: Vec<&str> = rows.iter().map(|r| r.title.as_str()).collect();
    t.sort_unstable();
    t
}

#[test]
fn one_story_in_three_feeds_is_shown_once_and_read_as_one() {
    let server = three_feeds();
    let path = library::temp_library("dedupe", "three");
    // One feed after the other: A's copies are the earliest (the ones shown), then B's.
    let mut counts = Vec::new();
    for feed in ["/a.xml", "/b.xml", "/c.xml"] {
        library::subscribe(&path, &[server.url(feed).to_string()]);
        let report = sync(&path, true);
        counts.push((report.new_articles, report.folded_articles));
    }
    assert_eq!(counts, [(3, 0), (1, 2), (0, 2)], "only 'Only in B' is new");

    let mut lib = Library::open(&path).unwrap();
    let (a, b, c) = (
        feed_id(&lib, "Feed A"),
        feed_id(&lib, "Feed B"),
        feed_id(&lib, "Feed C"),
    );

    // Across feeds: each story once, as feed A's copy, with the feeds that also carry it.
    let all = lib.articles(&ArticleFilter::default(), 100, 0).unwrap();
    assert_eq!(
        titles(&all),
        [
            "Ferry timetable changes",
            "Harbour bridge opens",
            "Only in A",
            "Only in B"
        ]
    );
    let bridge = row(&all, "Harbour bridge opens");
    assert_eq!((bridge.feed_id, bridge.duplicate_of), (a, None));
    assert_eq!(bridge.also_in, ["Feed B", "Feed C"]);
    assert!(row(&all, "Only in A").also_in.is_empty());
    let page = lib.story_page(&StoryList::Unread, None, 50).unwrap();
    assert_eq!(titles(&page.stories), titles(&all));
    // Search finds a story once, as its shown copy, whichever copies' words matched (the
    // AMP copy is the only one whose title says "AMP").
    for (query, title) in [
        ("harbour bridge", "Harbour bridge opens"),
        ("ferry timetable", "Ferry timetable changes"),
        ("amp", "Harbour bridge opens"),
    ] {
        let hits: Vec<(String, Option<i64>)> = lib
            .search(query, 20)
            .unwrap()
            .into_iter()
            .map(|h| (h.article.title, h.article.duplicate_of))
            .collect();
        assert_eq!(hits, [(title.to_string(), None)], "{query}");
    }

    // A feed's own list and count keep its copies, which point at the shown one.
    let own_b = lib
        .story_page(&StoryList::Feed { id: b }, None, 50)
        .unwrap()
        .stories;
    assert_eq!(own_b.len(), 3);
    assert_eq!(
        row(&own_b, "Harbour bridge opens").duplicate_of,
        Some(bridge.id)
    );
    assert_eq!(row(&own_b, "Only in B").duplicate_of, None);
    let sources = lib.sources(0).unwrap();
    let count = |id: i64| {
        let f = sources.feeds.iter().find(|f| f.id == id).unwrap();
        (f.unread, f.total)
    };
    assert_eq!((count(a), count(b), count(c)), ((3, 3), (3, 3), (2, 2)));
    assert_eq!((sources.counts.unread, sources.counts.all), (4, 4));
    assert_eq!(lib.summary().unwrap().unread, 4);

    // Reading one copy (here feed C's AMP one) reads them all.
    let amp = lib
        .story_page(&StoryList::Feed { id: c }, None, 50)
        .unwrap()
        .stories;
    lib.open_story(row(&amp, "Harbour bridge opens (AMP)").id)
        .unwrap();
    let sources = lib.sources(0).unwrap();
    let unread = |id: i64| sources.feeds.iter().find(|f| f.id == id).unwrap().unread;
    assert_eq!((unread(a), unread(b), unread(c)), (2, 2, 1));
    assert_eq!(sources.counts.unread, 3);
    // Marking a feed's whole list read reads the other feeds' copies too.
    lib.mark_read_where(&StoryList::Feed { id: c }, None, None)
        .unwrap();
    let sources = lib.sources(0).unwrap();
    let unread = |id: i64| sources.feeds.iter().find(|f| f.id == id).unwrap().unread;
    assert_eq!((unread(a), unread(b), unread(c)), (1, 1, 0));
    lib.set_read(bridge.id, false).unwrap();
    assert_eq!(lib.sources(0).unwrap().counts.unread, 3);

    // Bookmarking one copy bookmarks the story: listed once among bookmarks.
    lib.set_bookmarked(
        row(&own_b, "Ferry timetable: what changes").id,
        true,
        Some("why"),
    )
    .unwrap();
    let kept = lib.story_page(&StoryList::Bookmarks, None, 50).unwrap();
    assert_eq!(titles(&kept.stories), ["Ferry timetable changes"]);
    assert_eq!(lib.summary().unwrap().bookmarked, 1);
    let ferry_in_c = row(&amp, "Ferry timetable changes").id;
    assert!(lib.article(ferry_in_c).unwrap().bookmarked);

    // Unsubscribing feed A removes no story B or C still has: B's copies are shown now.
    lib.unsubscribe(a).unwrap();
    let all = lib.articles(&ArticleFilter::default(), 100, 0).unwrap();
    assert_eq!(
        titles(&all),
        [
            "Ferry timetable: what changes",
            "Harbour bridge opens",
            "Only in B"
        ]
    );
    let bridge = row(&all, "Harbour bridge opens");
    assert_eq!((bridge.feed_id, bridge.duplicate_of), (b, None));
    assert_eq!(bridge.also_in, ["Feed C"]);
    assert_eq!(row(&all, "Ferry timetable: what changes").feed_id, b);
    let sources = lib.sources(0).unwrap();
    assert_eq!(sources.counts.all, 3);
    assert_eq!(sources.counts.bookmarks, 1);
    // A's bookmarked copy is kept (bookmarks are never deleted), pointing at B's.
    let kept = lib.story_page(&StoryList::Bookmarks, None, 50).unwrap();
    assert_eq!(kept.stories.len(), 1);
    assert_eq!(kept.stories[0].feed_id, b);
    assert_eq!(lib.integrity_check().unwrap(), "ok");
}

#[test]
fn the_cli_lists_a_folded_story_once_and_says_what_it_folds_into() {
    let server = three_feeds();
    let path = library::temp_library("dedupe", "cli");
    library::subscribe(&path, &[server.url("/a.xml").to_string()]);
    sync(&path, true);
    library::subscribe(&path, &[server.url("/b.xml").to_string()]);
    sync(&path, true);
    let b = feed_id(&Library::open(&path).unwrap(), "Feed B");

    let tidings = |args: &[&str]| stdout(&tidings(&path, args));
    let json =
        |args: &[&str]| -> Vec<serde_json::Value> { serde_json::from_str(&tidings(args)).unwrap() };

    let all = json(&["articles", "--json"]);
    assert_eq!(all.len(), 4, "{all:#?}");
    assert!(all.iter().all(|a| a["duplicate_of"].is_null()), "{all:#?}");
    let bridge = all
        .iter()
        .find(|a| a["title"] == "Harbour bridge opens")
        .unwrap();
    assert_eq!(bridge["also_in"], serde_json::json!(["Feed B"]));

    let own = json(&["articles", "--feed", &b.to_string(), "--json"]);
    assert_eq!(own.len(), 3);
    let folded: Vec<&serde_json::Value> = own
        .iter()
        .filter(|a| !a["duplicate_of"].is_null())
        .collect();
    assert_eq!(folded.len(), 2, "{own:#?}");
    assert!(folded.iter().any(|a| a["duplicate_of"] == bridge["id"]));
    assert!(own.iter().all(|a| a.get("duplicate_of").is_some()));

    let text = tidings(&["articles"]);
    assert!(text.contains("(also in: Feed B)"), "{text}");
    assert_eq!(text.matches("Harbour bridge opens").count(), 1, "{text}");
}

#[test]
fn a_feed_that_changes_every_guid_brings_nothing_back_unread() {
    let version = Arc::new(Mutex::new(1));
    let v = Arc::clone(&version);
    let server = TestServer::start(move |_req: &Request| {
        let items: Vec<Item> = match *v.lock().unwrap() {
            1 => vec![
                Item::new(
                    "g1",
                    "Storm closes the coast road",
                    "https://coast.example/storm",
                ),
                Item::new(
                    "g2",
                    "Council votes on the budget",
                    "https://coast.example/budget",
                ),
                Item::new(
                    "g3",
                    "School wins the rowing cup",
                    "https://coast.example/rowing",
                ),
            ],
            _ => vec![
                // Every guid new, the same stories (one link now with a tracking parameter).
                Item::new(
                    "x1",
                    "Storm closes the coast road",
                    "https://coast.example/storm",
                ),
                Item::new(
                    "x2",
                    "Council votes on the budget",
                    "https://coast.example/budget?utm_source=rss",
                ),
                Item::new(
                    "x3",
                    "School wins the rowing cup",
                    "https://coast.example/rowing",
                ),
                // A genuinely new story.
                Item::new("x4", "Harbour seals counted", "https://coast.example/seals"),
            ],
        };
        Response::ok(rss("Coast News", &items)).header("Content-Type", "application/rss+xml")
    });
    let path = library::temp_library("dedupe", "guids");
    library::subscribe(&path, &[server.url("/feed.xml").to_string()]);
    assert_eq!(sync(&path, true).new_articles, 3);
    let storm = |lib: &Library| {
        lib.articles(&ArticleFilter::default(), 10, 0)
            .unwrap()
            .into_iter()
            .find(|r| r.title.starts_with("Storm"))
            .unwrap()
    };
    {
        let mut lib = Library::open(&path).unwrap();
        let id = storm(&lib).id;
        lib.set_read(id, true).unwrap();
    }

    *version.lock().unwrap() = 2;
    let report = sync(&path, true);
    assert_eq!(
        (report.new_articles, report.folded_articles),
        (1, 0),
        "{report:#?}"
    );
    let lib = Library::open(&path).unwrap();
    let feed = &lib.feeds().unwrap()[0];
    assert_eq!((feed.unread, feed.total), (3, 4), "{feed:#?}");
    assert!(
        storm(&lib).read,
        "the read story stays read under its new guid"
    );
    drop(lib);
    // The new guids are the stories' keys now: the next sync changes nothing.
    let again = sync(&path, true);
    assert_eq!((again.new_articles, again.updated_articles), (0, 0));
}

#[test]
fn two_items_of_one_document_are_not_taken_for_a_guid_change() {
    let server = TestServer::start(|_req: &Request| {
        let items = [
            Item::new("p1", "Pier repairs begin", "https://pier.example/repairs"),
            Item::new("p2", "Pier repairs begin", "https://pier.example/repairs/"),
        ];
        Response::ok(rss("Pier", &items)).header("Content-Type", "application/rss+xml")
    });
    let path = library::temp_library("dedupe", "same-document");
    library::subscribe(&path, &[server.url("/feed.xml").to_string()]);
    let first = sync(&path, true);
    assert_eq!((first.new_articles, first.folded_articles), (1, 1));
    let again = sync(&path, true);
    assert_eq!(
        (
            again.new_articles,
            again.folded_articles,
            again.updated_articles
        ),
        (0, 0, 0),
        "{again:#?}"
    );
    let lib = Library::open(&path).unwrap();
    assert_eq!(lib.feeds().unwrap()[0].total, 2);
    assert_eq!(
        lib.articles(&ArticleFilter::default(), 10, 0)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_pages_own_canonical_address_folds_its_story_on_its_site_only() {
    let server = TestServer::start(|req: &Request| {
        let base = format!("http://{}", req.header("host").unwrap_or("127.0.0.1"));
        let page = |canonical: Option<&str>| {
            Response::ok(article_page("Night ferry returns", canonical))
                .header("Content-Type", "text/html; charset=utf-8")
        };
        match req.path.split('?').next().unwrap_or_default() {
            // Feed D links the story's AMP-less short address; its page names the real one.
            "/d.xml" => Response::ok(rss(
                "Feed D",
                &[Item::new(
                    "d1",
                    "Night ferry returns",
                    &format!("{base}/s/8812"),
                )],
            )),
            "/s/8812" => page(Some("/stories/night-ferry")),
            // Feed E links the real address; feed F a page claiming another site's story (feed
            // G's, on `localhost`: another host name).
            "/e.xml" => Response::ok(rss(
                "Feed E",
                &[Item::new(
                    "e1",
                    "Night ferry returns",
                    &format!("{base}/stories/night-ferry/?utm_source=e"),
                )],
            )),
            "/stories/night-ferry/" | "/stories/night-ferry" => page(None),
            "/f.xml" => Response::ok(rss(
                "Feed F",
                &[Item::new(
                    "f1",
                    "Night ferry returns",
                    &format!("{base}/copied"),
                )],
            )),
            "/copied" => {
                let port = base.rsplit(':').next().unwrap_or_default();
                page(Some(&format!("http://localhost:{port}/g/8812")))
            }
            // Subscribed as `localhost`: `base` names that host.
            "/g.xml" => Response::ok(rss(
                "Feed G",
                &[Item::new(
                    "g1",
                    "Night ferry returns",
                    &format!("{base}/g/8812"),
                )],
            )),
            "/g/8812" => page(None),
            _ => Response::status(404),
        }
    });
    let path = library::temp_library("dedupe", "canonical");
    library::subscribe(&path, &[server.url("/d.xml").to_string()]);
    let first = sync(&path, false);
    assert_eq!(first.pages_extracted, 1, "{first:#?}");
    library::subscribe(
        &path,
        &[
            server.url("/e.xml").to_string(),
            server.url("/f.xml").to_string(),
            server.localhost_url("/g.xml").to_string(),
        ],
    );
    let second = sync(&path, false);
    assert_eq!(
        (second.new_articles, second.folded_articles),
        (2, 1),
        "E's item is D's story (by D's page); F's and G's are new: {second:#?}"
    );
    assert_eq!(second.pages_extracted, 3, "{second:#?}");
    let lib = Library::open(&path).unwrap();
    let all = lib.articles(&ArticleFilter::default(), 10, 0).unwrap();
    // F's page claimed G's story on another host: not believed.
    assert_eq!(all.len(), 3, "{all:#?}");
    let d = feed_id(&lib, "Feed D");
    let shown: Vec<i64> = all.iter().map(|r| r.feed_id).collect();
    assert!(shown.contains(&d), "{all:#?}");
    assert_eq!(
        all.iter().find(|r| r.feed_id == d).unwrap().also_in,
        ["Feed E"]
    );
}
