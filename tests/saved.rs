//! Saving pages by hand (issue #19): the feed farm's story pages saved by address and checked
//! against their truth, with their images, then read with the farm stopped; a page already in
//! the library bookmarked instead of copied; a page that cannot be had kept as title and link,
//! and fetched again on a retry; feeds and sites named instead of saved; tags, the bookmarks
//! list and search; the `tidings save` contract (the id alone on stdout's last line).

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tidings::feeds::fetch::{FetchConfig, Fetcher};
use tidings::saved::{
    retry_saved, save_page, SaveError, SaveOptions, SaveOutcome, SaveRequest, SavedAs,
};
use tidings::store::{Extraction, Library, NewFeed, StoryList};

use crate::support::farm::Farm;
use crate::support::library::{run_sync_with, runtime, temp_library};
use crate::support::{Response, TestServer};

fn save_with(
    path: &Path,
    fetcher: &Fetcher,
    url: &str,
    tags: &[&str],
    note: Option<&str>,
) -> Result<SaveOutcome, SaveError> {
    let request = SaveRequest {
        url: url.to_string(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        note: note.map(str::to_string),
    };
    runtime().block_on(save_page(path, fetcher, &request, &SaveOptions::default()))
}

fn save(path: &Path, url: &str, tags: &[&str]) -> Result<SaveOutcome, SaveError> {
    save_with(path, &fetcher(), url, tags, None)
}

fn fetcher() -> Fetcher {
    Fetcher::new(FetchConfig::default()).unwrap()
}

fn tidings(path: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tidings"))
        .arg("--library")
        .arg(path)
        .args(args)
        .output()
        .unwrap()
}

/// Whitespace collapsed, for comparing texts laid out differently.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn farm_pages_saved_by_address_match_their_truth_and_read_offline_with_images() {
    let Some(farm) = Farm::start("saved-truth", 10, 4, 0) else {
        return;
    };
    let path = temp_library("saved", "truth");
    // One page of each of the farm's five layouts.
    let pages: Vec<(usize, usize)> = (0..5).map(|f| (f, f % 4)).collect();
    let mut saved = Vec::new();
    for &(f, j) in &pages {
        let outcome = save_with(
            &path,
            &fetcher(),
            &farm.article(f, j),
            &["farm", "Layout"],
            Some("for the train"),
        )
        .unwrap_or_else(|e| panic!("saving {}: {e}", farm.article(f, j)));
        assert_eq!(outcome.saved_as, SavedAs::Saved, "{outcome:?}");
        assert!(outcome.images_stored > 0, "no image stored: {outcome:?}");
        assert_eq!(outcome.images_failed, 0, "{outcome:?}");
        saved.push((f, j, outcome.article_id, farm.truth(f, j)));
    }
    drop(farm); // from here on, offline

    let lib = Library::open(&path).unwrap();
    for (f, j, id, truth) in &saved {
        let what = format!("page {f}/{j} (article {id})");
        let a = lib.article(*id).unwrap();
        assert_eq!(a.feed_title, "Saved", "{what}");
        assert!(a.bookmarked, "{what}");
        assert_eq!(a.note.as_deref(), Some("for the train"), "{what}");
        assert_eq!(a.extraction, Extraction::Full, "{what}");
        assert_eq!(a.title, truth["title"].as_str().unwrap(), "{what}");
        assert_eq!(a.author.as_deref(), truth["byline"].as_str(), "{what}");
        let text = flat(a.content_text.as_deref().unwrap_or(""));
        for paragraph in truth["body_text"].as_str().unwrap().split("\n\n") {
            assert!(
                text.contains(&flat(paragraph)),
                "{what}: the saved text lacks {paragraph:?}"
            );
        }
        // Every picture the story shows is in the library: nothing points at the network.
        let html = a.content_html.as_deref().unwrap_or("");
        for src in html.split(" src=\"").skip(1) {
            assert!(src.starts_with("tidings-img://"), "{what}: {html}");
        }
        let keys: Vec<&str> = html
            .split("tidings-img://localhost/")
            .skip(1)
            .map(|rest| rest.split(['"', '\'', ' ']).next().unwrap_or(""))
            .collect();
        assert!(!keys.is_empty(), "{what}: no offline image in {html}");
        for key in keys {
            let (mime, bytes) = lib
                .image(key)
                .unwrap()
                .unwrap_or_else(|| panic!("{what}: image {key} is not stored"));
            assert!(mime.starts_with("image/") && !bytes.is_empty(), "{what}");
        }
        assert_eq!(lib.tags_of(*id).unwrap(), ["farm", "Layout"], "{what}");
    }
    let list = lib
        .story_page(
            &StoryList::Tagged {
                tag: "LAYOUT".into(),
            },
            None,
            50,
        )
        .unwrap();
    assert_eq!(
        list.stories.len(),
        pages.len(),
        "the tag filters the bookmarks"
    );
}

#[test]
fn a_page_already_in_the_library_is_bookmarked_not_copied() {
    let Some(farm) = Farm::start("saved-already", 4, 3, 0) else {
        return;
    };
    let path = temp_library("saved", "already");
    let mut lib = Library::open(&path).unwrap();
    lib.add_feed(&NewFeed {
        url: farm.feed(0),
        trusted_host: true,
        ..NewFeed::default()
    })
    .unwrap();
    drop(lib);
    run_sync_with(&path, &fetcher(), true);
    let before = Library::open(&path).unwrap().summary().unwrap();
    assert_eq!(before.articles, 3);
    farm.reset_hits();

    // A feed's story, saved through a link with tracking parameters and a fragment.
    let link = format!(
        "{}?utm_source=newsletter&fbclid=x#comments",
        farm.article(0, 1)
    );
    let outcome = save(&path, &link, &["later"]).unwrap();
    assert_eq!(outcome.saved_as, SavedAs::Already);
    assert_eq!(farm.hits("article"), 0, "the page was fetched all the same");
    let lib = Library::open(&path).unwrap();
    assert_eq!(lib.summary().unwrap().articles, before.articles);
    let story = lib.article(outcome.article_id).unwrap();
    assert!(story.bookmarked);
    assert_eq!(story.url.as_deref(), Some(farm.article(0, 1).as_str()));
    assert_eq!(lib.tags_of(story.id).unwrap(), ["later"]);

    // A page saved by hand, saved again under another spelling of its address.
    let first = save(&path, &farm.article(1, 0), &[]).unwrap();
    assert_eq!(first.saved_as, SavedAs::Saved);
    let again = save(
        &path,
        &farm.article(1, 0).replace("http://", "https://"),
        &["again"],
    );
    let again = again.unwrap();
    assert_eq!(
        (again.saved_as, again.article_id),
        (SavedAs::Already, first.article_id)
    );
    assert_eq!(again.tags, ["again"]);
    assert_eq!(
        Library::open(&path).unwrap().summary().unwrap().articles,
        before.articles + 1
    );
}

#[test]
fn a_page_that_cannot_be_had_keeps_its_title_and_link_and_a_retry_fetches_it() {
    let up = Arc::new(AtomicBool::new(false));
    let server_up = up.clone();
    let story = format!(
        "<html><head><title>Harbour bridge reopens</title></head><body><article>\
         <h1>Harbour bridge reopens</h1>{}</article></body></html>",
        "<p>The harbour bridge reopened to traffic on Monday after a year of repairs, \
         the council said, and the ferries go back to their winter timetable.</p>"
            .repeat(8)
    );
    let server = TestServer::start(move |req| match req.path.as_str() {
        "/story" if server_up.load(Ordering::SeqCst) => {
            Response::ok(story.clone()).header("Content-Type", "text/html; charset=utf-8")
        }
        "/story" => Response::status(404),
        "/slow" => Response::ok("late").delay(Duration::from_secs(5)),
        "/report.pdf" => Response::ok("%PDF-1.4 ...").header("Content-Type", "application/pdf"),
        _ => Response::status(404),
    });
    let path = temp_library("saved", "unavailable");
    let url = server.url("/story").to_string();

    let dead = save(&path, &url, &["bridges"]).unwrap();
    assert_eq!(dead.saved_as, SavedAs::Unavailable);
    let reason = dead.reason.clone().unwrap_or_default();
    assert!(reason.contains("404"), "{reason}");
    {
        let lib = Library::open(&path).unwrap();
        let a = lib.article(dead.article_id).unwrap();
        assert!(a.bookmarked);
        assert_eq!(a.title, url);
        assert_eq!(a.url.as_deref(), Some(url.as_str()));
        assert_eq!(a.extraction, Extraction::Teaser);
        let listed = lib.bookmarks(Some("bridges")).unwrap();
        assert_eq!(listed[0].unavailable.as_deref(), Some(reason.as_str()));
    }

    // The page comes back: `tidings save --retry ID` fetches it into the same story.
    up.store(true, Ordering::SeqCst);
    let out = tidings(&path, &["save", "--retry", &dead.article_id.to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lib = Library::open(&path).unwrap();
    let a = lib.article(dead.article_id).unwrap();
    assert_eq!(a.extraction, Extraction::Full);
    assert_eq!(a.title, "Harbour bridge reopens");
    assert!(a
        .content_text
        .unwrap_or_default()
        .contains("winter timetable"));
    assert_eq!(
        lib.tags_of(a.id).unwrap(),
        ["bridges"],
        "the retry kept the tags"
    );
    assert_eq!(lib.summary().unwrap().articles, 1);
    drop(lib);

    // Re-saving a page kept whole fetches nothing again.
    let hits = server.hits("/story");
    assert_eq!(save(&path, &url, &[]).unwrap().saved_as, SavedAs::Already);
    assert_eq!(server.hits("/story"), hits);

    // A timeout and a document that is not a web page are kept the same way, with the reason.
    let quick = Fetcher::new(FetchConfig {
        request_timeout: Duration::from_millis(500),
        ..FetchConfig::default()
    })
    .unwrap();
    let slow = save_with(&path, &quick, server.url("/slow").as_str(), &[], None).unwrap();
    assert_eq!(slow.saved_as, SavedAs::Unavailable);
    assert!(slow.reason.unwrap_or_default().contains("timed out"));
    let pdf = save(&path, server.url("/report.pdf").as_str(), &[]).unwrap();
    assert_eq!(pdf.saved_as, SavedAs::Unavailable);
    assert!(pdf
        .reason
        .unwrap_or_default()
        .contains("not a web page (application/pdf)"));
}

#[test]
fn feeds_and_sites_with_a_feed_are_named_not_saved() {
    let Some(farm) = Farm::start("saved-feeds", 4, 3, 0) else {
        return;
    };
    let path = temp_library("saved", "feeds");
    match save(&path, &farm.feed(1), &[]) {
        Err(SaveError::Feed { url }) => assert_eq!(url, farm.feed(1)),
        other => panic!("a feed was {other:?}"),
    }
    match save(&path, &farm.url("/site/2/"), &[]) {
        Err(SaveError::Site { feed, .. }) => assert_eq!(feed, farm.url("/feeds/2.xml")),
        other => panic!("a site's front page was {other:?}"),
    }
    let out = tidings(&path, &["save", &farm.feed(1)]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("tidings add {}", farm.feed(1))),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(out.stdout.is_empty());
    assert_eq!(Library::open(&path).unwrap().summary().unwrap().articles, 0);
}

#[test]
fn the_cli_saves_tags_lists_and_searches_bookmarks() {
    let Some(farm) = Farm::start("saved-cli", 4, 3, 0) else {
        return;
    };
    let path = temp_library("saved", "cli");
    let out = tidings(
        &path,
        &[
            "save",
            &farm.article(2, 1),
            "--tag",
            "Long reads",
            "--tag",
            "economy",
            "--note",
            "for the train",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let id: i64 = stdout
        .lines()
        .last()
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| panic!("the last line of stdout is not the id alone: {stdout:?}"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Saved"));

    let out = tidings(&path, &["tag", &id.to_string(), "to cook", "ECONOMY"]);
    assert!(out.status.success());
    let out = tidings(&path, &["untag", &id.to_string(), "long READS"]);
    assert!(out.status.success());
    let out = tidings(&path, &["bookmarks", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let b = &listed[0];
    assert_eq!(b["id"], id);
    assert_eq!(b["tags"], serde_json::json!(["economy", "to cook"]));
    assert_eq!(b["note"], "for the train");
    assert_eq!(b["url"], farm.article(2, 1));
    assert_eq!(b["read"], false);
    assert!(b["saved_at"].as_i64().unwrap() > 0);
    assert!(b["title"].as_str().is_some_and(|t| !t.is_empty()));

    // Another bookmark without the tag: the filter leaves it out.
    let other = save(&path, &farm.article(3, 0), &[]).unwrap();
    let out = tidings(&path, &["bookmarks", "--tag", "To Cook", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [id]);
    let all = Library::open(&path).unwrap().bookmarks(None).unwrap();
    assert_eq!(all.len(), 2);
    assert!(all.iter().any(|b| b.id == other.article_id));

    // Search finds the story by a tag none of its words carry.
    let out = tidings(&path, &["search", "to cook", "--json"]);
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits[0]["article"]["id"], id, "{hits}");
    let out = tidings(&path, &["search", "to coo*", "--json"]);
    let hits: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(hits[0]["article"]["id"], id, "{hits}");
}

#[test]
fn a_private_address_is_saved_by_hand_and_its_origin_trusted_from_then_on() {
    let server = TestServer::start(|_| {
        Response::ok(format!(
            "<html><head><title>Intranet notes</title></head><body><article><h1>Intranet \
             notes</h1>{}<img src=\"/pic.png\"></article></body></html>",
            "<p>Minutes of the Tuesday meeting about the new harbour timetable and the \
             ferry crews' rota for the winter months ahead.</p>"
                .repeat(6)
        ))
        .header("Content-Type", "text/html")
    });
    let path = temp_library("saved", "trust");
    let outcome = save(&path, server.url("/notes").as_str(), &[]).unwrap();
    assert_eq!(outcome.saved_as, SavedAs::Saved);
    let lib = Library::open(&path).unwrap();
    let trusted = lib.trusted_addresses().unwrap();
    assert!(
        trusted.contains(&server.origin().ascii_serialization()),
        "{trusted:?}"
    );
    // Retrying goes through the same trust; a story that is not a saved page cannot be.
    let err = runtime()
        .block_on(retry_saved(&path, &fetcher(), 999, &SaveOptions::default()))
        .unwrap_err();
    assert!(err.to_string().contains("999"), "{err}");
}
