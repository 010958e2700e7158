//! Mute and keep rules at sync (issue #22): English, accented and Chinese titles; a regex that
//! would backtrack forever, bounded; muted stories read but still found by search; rules never
//! touch a bookmark; the preview of what a rule would have caught; the CLI. Real servers on
//! 127.0.0.1.

use std::path::Path;
use std::time::{Duration, Instant};

use tidings::feeds::fetch::{FetchConfig, Fetcher};
use tidings::rules::{Action, Field, RuleSpec};
use tidings::store::{ArticleFilter, Library, StoryList, StoryRow};
use tidings::sync::{preview_rule, SyncReport};

use crate::support::cli::{stdout, tidings};
use crate::support::feeds::{rss, Item};
use crate::support::{library, Request, Response, TestServer};

fn sync(path: &Path) -> SyncReport {
    library::run_sync_with(path, &Fetcher::new(FetchConfig::default()).unwrap(), true)
}

fn rule(action: Action, pattern: &str) -> RuleSpec {
    RuleSpec {
        action,
        pattern: pattern.into(),
        feed_id: None,
        field: Field::Any,
    }
}

const TITLES: &[&str] = &[
    "Bitcoin falls again",
    "Bitcoiners gather in the square",
    "Crème brûlée prices up",
    "香港的天气很好",
    "台北下雨",
    "Harbour bridge opens at last",
    "The bridge, opens?",
    "BREAKING: storm on the coast",
];

/// One feed with the titles above, plus one whose title would make a backtracking regex run
/// for ever.
fn news() -> TestServer {
    TestServer::start(|_req: &Request| {
        let links: Vec<String> = (0..=TITLES.len())
            .map(|i| format!("https://news.example/{i}"))
            .collect();
        let runaway = format!("{}!", "a".repeat(5_000));
        let mut items: Vec<Item> = TITLES
            .iter()
            .zip(&links)
            .enumerate()
            .map(|(i, (title, link))| Item {
                guid: ["g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7"][i],
                title,
                link,
                text: "Nothing more to say.",
            })
            .collect();
        items.push(Item::new("g8", &runaway, &links[TITLES.len()]));
        Response::ok(rss("News", &items)).header("Content-Type", "application/rss+xml")
    })
}

fn by_title<'a>(rows: &'a [StoryRow], title: &str) -> &'a StoryRow {
    rows.iter()
        .find(|r| r.title == title)
        .unwrap_or_else(|| panic!("{title} missing: {rows:#?}"))
}

#[test]
fn mute_and_keep_rules_catch_english_accented_and_chinese_titles() {
    let server = news();
    let path = library::temp_library("rules", "titles");
    library::subscribe(&path, &[server.url("/feed.xml").to_string()]);
    {
        let mut lib = Library::open(&path).unwrap();
        for spec in [
            rule(Action::Mute, "bitcoin"),
            rule(Action::Mute, "creme brulee"),
            rule(Action::Mute, "/^(a+)+$/"),
            rule(Action::Keep, "香港"),
            rule(Action::Keep, "\"bridge opens\""),
            RuleSpec {
                field: Field::Text,
                ..rule(Action::Keep, "storm")
            },
        ] {
            lib.add_rule(&spec).unwrap();
        }
    }
    let started = Instant::now();
    let report = sync(&path);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        (
            report.new_articles,
            report.muted_articles,
            report.flagged_articles
        ),
        (7, 2, 3),
        "{report:#?}"
    );

    let lib = Library::open(&path).unwrap();
    let all = lib.articles(&ArticleFilter::default(), 100, 0).unwrap();
    // Whole words: "Bitcoiners" is not "bitcoin". Accents do not matter.
    assert!(by_title(&all, "Bitcoin falls again").read);
    assert!(by_title(&all, "Crème brûlée prices up").read);
    assert!(!by_title(&all, "Bitcoiners gather in the square").read);
    // The runaway regex matched nothing, and the sync did not wait for it.
    assert!(all
        .iter()
        .filter(|r| r.title.starts_with("aaa"))
        .all(|r| !r.read));
    // Chinese: inside a run of characters. Phrases: the words in a row, any punctuation.
    assert!(by_title(&all, "香港的天气很好").flagged);
    assert!(!by_title(&all, "台北下雨").flagged);
    assert!(by_title(&all, "Harbour bridge opens at last").flagged);
    assert!(by_title(&all, "The bridge, opens?").flagged);
    // A rule that reads only the text ignores the title.
    assert!(!by_title(&all, "BREAKING: storm on the coast").flagged);

    let unread = lib.story_page(&StoryList::Unread, None, 100).unwrap();
    assert_eq!(unread.stories.len(), 7);
    assert!(unread
        .stories
        .iter()
        .all(|r| !r.title.contains("Bitcoin falls")));
    let flagged = lib.story_page(&StoryList::Flagged, None, 100).unwrap();
    assert_eq!(flagged.stories.len(), 3);
    assert_eq!(lib.sources(0).unwrap().counts.flagged, 3);
    // A muted story is still found by search.
    let hits = lib.search("bitcoin", 10).unwrap();
    assert!(hits
        .iter()
        .any(|h| h.article.title == "Bitcoin falls again"));
}

#[test]
fn rules_apply_to_new_stories_only_and_never_to_a_bookmark() {
    let version = std::sync::Arc::new(std::sync::Mutex::new(1));
    let v = std::sync::Arc::clone(&version);
    let server = TestServer::start(move |req: &Request| {
        let n = *v.lock().unwrap();
        let body = match req.path.as_str() {
            "/a.xml" => rss(
                "A",
                &[Item::new(
                    "a1",
                    "Budget vote tonight",
                    "https://council.example/budget",
                )],
            ),
            _ if n == 1 => rss("B", &[]),
            _ => rss(
                "B",
                &[
                    Item::new(
                        "b1",
                        "Budget vote tonight",
                        "https://council.example/budget",
                    ),
                    Item::new(
                        "b2",
                        "Budget cuts for libraries",
                        "https://council.example/cuts",
                    ),
                ],
            ),
        };
        Response::ok(body).header("Content-Type", "application/rss+xml")
    });
    let path = library::temp_library("rules", "bookmarks");
    library::subscribe(
        &path,
        &[
            server.url("/a.xml").to_string(),
            server.url("/b.xml").to_string(),
        ],
    );
    sync(&path);
    let b = {
        let mut lib = Library::open(&path).unwrap();
        let story = &lib.articles(&ArticleFilter::default(), 10, 0).unwrap()[0];
        lib.set_bookmarked(story.id, true, None).unwrap();
        let b = lib
            .feeds()
            .unwrap()
            .into_iter()
            .find(|f| f.title == "B")
            .unwrap()
            .id;
        lib.add_rule(&RuleSpec {
            feed_id: Some(b),
            ..rule(Action::Mute, "budget")
        })
        .unwrap();
        b
    };
    *version.lock().unwrap() = 2;
    let report = sync(&path);
    // B's copy of the bookmarked story is not a new story: the mute rule leaves it (and the
    // story) as they were; B's genuinely new story is muted.
    assert_eq!(
        (
            report.new_articles,
            report.muted_articles,
            report.folded_articles
        ),
        (0, 1, 1),
        "{report:#?}"
    );
    let lib = Library::open(&path).unwrap();
    let own_b = lib
        .story_page(&StoryList::Feed { id: b }, None, 10)
        .unwrap()
        .stories;
    let copy = by_title(&own_b, "Budget vote tonight");
    assert!(copy.bookmarked && !copy.read, "{copy:#?}");
    assert!(by_title(&own_b, "Budget cuts for libraries").read);
    let kept = lib.story_page(&StoryList::Bookmarks, None, 10).unwrap();
    assert_eq!(kept.stories.len(), 1);
    assert!(!kept.stories[0].read);
}

#[test]
fn the_preview_shows_what_a_rule_would_have_caught_and_changes_nothing() {
    let server = news();
    let path = library::temp_library("rules", "preview");
    library::subscribe(&path, &[server.url("/feed.xml").to_string()]);
    sync(&path);
    let lib = Library::open(&path).unwrap();
    let preview = preview_rule(&lib, &rule(Action::Mute, "bitcoin")).unwrap();
    assert_eq!(
        (preview.matched, preview.complete),
        (1, true),
        "{preview:#?}"
    );
    assert_eq!(preview.stories[0].title, "Bitcoin falls again");
    // Words the search index finds more often than the rule (Bitcoiners) are checked whole.
    let regex = preview_rule(&lib, &rule(Action::Mute, "/^bitcoin/")).unwrap();
    assert_eq!((regex.matched, regex.checked), (2, 9), "{regex:#?}");
    let chinese = preview_rule(&lib, &rule(Action::Keep, "天气")).unwrap();
    assert_eq!(chinese.stories.len(), 1);
    let titles_only = preview_rule(
        &lib,
        &RuleSpec {
            field: Field::Title,
            ..rule(Action::Keep, "nothing")
        },
    )
    .unwrap();
    assert_eq!(titles_only.matched, 0);
    // Every story's text but the runaway one's says "Nothing more to say."
    assert_eq!(
        preview_rule(&lib, &rule(Action::Keep, "nothing"))
            .unwrap()
            .matched,
        8
    );
    let bad = preview_rule(&lib, &rule(Action::Mute, "/(unclosed/")).unwrap_err();
    assert!(bad.to_string().contains("not a valid regex"), "{bad}");
    // Nothing changed.
    assert_eq!(lib.summary().unwrap().unread, 9);
}

#[test]
fn the_cli_adds_lists_previews_and_removes_rules_and_refuses_bad_ones() {
    let server = news();
    let path = library::temp_library("rules", "cli");
    library::subscribe(&path, &[server.url("/feed.xml").to_string()]);
    let feed = Library::open(&path).unwrap().feeds().unwrap()[0]
        .id
        .to_string();

    let added = stdout(&tidings(
        &path,
        &["rule", "add", "mute", "bitcoin", "\"central bank\""],
    ));
    assert_eq!(added.lines().count(), 2, "{added}");
    stdout(&tidings(
        &path,
        &[
            "rule", "add", "keep", "香港", "--feed", &feed, "--in", "title",
        ],
    ));
    let listed: Vec<serde_json::Value> =
        serde_json::from_str(&stdout(&tidings(&path, &["rule", "list", "--json"]))).unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[2]["action"], "keep");
    assert_eq!(listed[2]["field"], "title");
    assert_eq!(listed[2]["feed_id"].to_string(), feed);
    let text = stdout(&tidings(&path, &["rule", "list"]));
    assert!(text.contains("mute bitcoin"), "{text}");

    let synced = stdout(&tidings(&path, &["sync", "--feeds-only"]));
    assert!(synced.contains("1 muted, 1 flagged"), "{synced}");
    let preview = stdout(&tidings(&path, &["rule", "preview", "/^bitcoin/"]));
    assert!(preview.starts_with("2 of 9 stories"), "{preview}");

    let id = listed[0]["id"].to_string();
    stdout(&tidings(&path, &["rule", "remove", &id]));
    assert_eq!(Library::open(&path).unwrap().rules().unwrap().len(), 2);

    for bad in [
        vec!["rule", "add", "mute", "/(a/"],
        vec!["rule", "add", "mute", "  "],
        vec!["rule", "add", "mute", r"/\w{1000}\w{1000}/"],
        vec!["rule", "add", "mute", "x", "--feed", "999"],
        vec!["rule", "remove", "999"],
    ] {
        let out = tidings(&path, &bad);
        assert!(!out.status.success(), "{bad:?} succeeded");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{bad:?}: one clear line: {err}");
    }
    assert!(!tidings(&path, &["rule", "add", "delete", "x"])
        .status
        .success());
    let err = String::from_utf8_lossy(&tidings(&path, &["rule", "add", "mute", "/(a/"]).stderr)
        .into_owned();
    assert!(err.contains("not a valid regex"), "{err}");
    assert_eq!(Library::open(&path).unwrap().rules().unwrap().len(), 2);
}
