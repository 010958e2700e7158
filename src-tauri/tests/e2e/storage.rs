//! #24 in the app: Settings → Storage. A library written through the library's own API (stories
//! with stored images, one bookmarked, one unread, one revised; every URL on a closed loopback
//! port, so nothing is ever fetched): the chart's parts are the figures `Library::storage_report`
//! reads from the file; a budget below the library's size gives up the images of read,
//! unbookmarked stories and the revision (the file says so) and keeps the bookmarked and the
//! unread story's images; the chart is measured again; an empty budget removes it. Keeping
//! large images at reading size shrinks the unread story's large photo at once; the freed pages
//! go back to the disk.

use std::path::Path;

use serde_json::Value;
use tidings::store::{FeedUpdate, IncomingArticle, Library, NewFeed, StorageReport};

use super::a11y::set_theme;
use super::harness::{temp_dir, Harness};
use super::manage::png;
use super::reader::{js, now, shot, text_of, wait};
use super::webdriver::Session;
use super::APP;

/// Stories in the library; each has one stored image of its own.
const STORIES: usize = 8;
/// The bookmarked story (read too: bookmarks keep their images whatever their state).
const BOOKMARKED: usize = 0;
/// The story left unread.
const UNREAD: usize = 7;
/// The story with a revision.
const REVISED: usize = 3;

/// The stories' image keys, by story index, and the revised story's id.
fn build_library(lib_path: &Path, closed: u16) -> (Vec<String>, i64) {
    use tidings::sync::offline_html;
    let base = format!("http://127.0.0.1:{closed}");
    let mut lib = Library::open(lib_path).unwrap();
    let (feed, _) = lib
        .add_feed(&NewFeed {
            url: format!("{base}/harbour.xml"),
            title: Some("Harbour Wire".into()),
            trusted_host: true,
            ..NewFeed::default()
        })
        .unwrap();
    let at = now();
    let story = |n: usize, extra: &str| {
        let img = format!("{base}/img/photo-{n}.png");
        let (html, image_urls) = offline_html(
            &format!(
                "<p>Harbour report {n}{extra}.</p><p><img src=\"{img}\" alt=\"Photo {n}\"></p>"
            ),
            None,
        );
        IncomingArticle {
            item_key: format!("{base}/story/{n}"),
            url: Some(format!("{base}/story/{n}")),
            title: format!("Harbour report {n}"),
            published_at: Some(at - (STORIES - n) as i64 * 3600),
            content_html: Some(html),
            content_text: Some(format!("Harbour report {n}{extra}.")),
            extraction: tidings::store::Extraction::Feed,
            image_urls,
            ..IncomingArticle::default()
        }
    };
    let items: Vec<_> = (0..STORIES).map(|n| story(n, "")).collect();
    lib.store_feed_result(feed, &FeedUpdate::default(), &items)
        .unwrap();
    lib.store_feed_result(
        feed,
        &FeedUpdate::default(),
        &[story(REVISED, ", with a correction")],
    )
    .unwrap();
    let keys: Vec<String> = (0..STORIES)
        .map(|n| tidings::images::image_key(&format!("{base}/img/photo-{n}.png")))
        .collect();
    for (n, key) in keys.iter().enumerate() {
        // Sizes differ, so no two images share their stored bytes (~160 KB each); the unread
        // story's is a large photo (2,400 × 1,200, ~2.9 MB).
        let bytes = if n == UNREAD {
            png(2400, 1200)
        } else {
            png(400 + n as u32, 400)
        };
        lib.store_image(key, Ok(("image/png", &bytes))).unwrap();
    }
    let mut revised = None;
    let stories = lib.search("harbour", 50).unwrap();
    assert_eq!(stories.len(), STORIES, "every story stored");
    for hit in stories {
        let n: usize = hit
            .article
            .title
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        if n == REVISED {
            assert_eq!(lib.article(hit.article.id).unwrap().revisions, 1);
            revised = Some(hit.article.id);
        }
        if n != UNREAD {
            lib.set_read(hit.article.id, true).unwrap();
        }
        if n == BOOKMARKED {
            lib.set_bookmarked(hit.article.id, true, None).unwrap();
        }
    }
    (keys, revised.expect("the revised story"))
}

/// A size as the dialog writes it (decimal units, one decimal).
fn size_text(bytes: u64) -> String {
    [("GB", 1e9), ("MB", 1e6), ("KB", 1e3)]
        .iter()
        .find(|(_, scale)| bytes as f64 >= *scale)
        .map_or(format!("{bytes} B"), |(unit, scale)| {
            format!("{:.1} {unit}", bytes as f64 / scale)
        })
}

/// The report the library reads from the file now (a handle of the test's own).
fn file_report(lib_path: &Path) -> StorageReport {
    Library::open(lib_path).unwrap().storage_report().unwrap()
}

/// Waits until the Storage view's figures are measured (a measurement asked for has arrived).
fn measured(s: &Session) {
    wait(
        s,
        "the storage figures",
        "return document.getElementById('storage-dialog').dataset.state === 'measured'",
    );
}

/// A part's name (a `StorageReport` field) and its bytes, in the chart's order.
type Parts = Vec<(String, u64)>;

/// The parts shown by the elements at `css` (the list's items or the bar's segments).
fn shown_parts(s: &Session, css: &str) -> Parts {
    let v = js(
        s,
        &format!(
            "return [...document.querySelectorAll({css:?})]
               .map((e) => [e.dataset.part, e.dataset.bytes])"
        ),
    );
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let bytes = p[1].as_str().unwrap().parse().unwrap();
            (p[0].as_str().unwrap().to_string(), bytes)
        })
        .collect()
}

/// The chart shows exactly what the file holds: every part in the list, the non-empty ones as
/// segments of the bar, and the file's total.
fn assert_chart_matches_file(s: &Session, report: &StorageReport) {
    let expected: Parts = [
        ("text", report.text),
        ("images", report.images),
        ("search_index", report.search_index),
        ("revisions", report.revisions),
        ("other", report.other),
        ("free", report.free),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let (list, bar) = (
        shown_parts(s, "#storage-parts li"),
        shown_parts(s, "#storage-chart .storage-part"),
    );
    assert_eq!(list, expected, "the list's figures are the file's");
    let non_empty: Vec<_> = expected.into_iter().filter(|(_, b)| *b > 0).collect();
    assert_eq!(bar, non_empty, "the bar's segments are the file's parts");
    assert_eq!(
        js(
            s,
            "return document.getElementById('storage-total').dataset.file"
        ),
        Value::String(report.file.to_string())
    );
    // The chart's accessible name says the same figures as the list, in words.
    let label = js(
        s,
        "return document.getElementById('storage-chart').getAttribute('aria-label')",
    );
    let label = label.as_str().unwrap();
    for name in [
        "Text",
        "Images",
        "Search index",
        "Revisions",
        "Other",
        "Free",
    ] {
        assert!(label.contains(name), "{name} missing from {label:?}");
    }
}

pub fn storage_journey() {
    let dir = temp_dir("storage");
    let lib_path = dir.join("library.sqlite");
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let (keys, revised) = build_library(&lib_path, closed);
    let before = file_report(&lib_path);
    assert!(before.images > 1_000_000, "{before:?}");
    assert!(before.revisions > 0, "{before:?}");
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path), ("HOME", &dir)]);
    let s = h.launch(APP);
    wait(&s, "the first load", "return document.body.dataset.loaded");

    // Settings → Storage: measured when it opens.
    js(
        &s,
        "document.getElementById('settings-button').click(); return true",
    );
    wait(
        &s,
        "Settings",
        "return document.getElementById('settings-dialog').open",
    );
    js(
        &s,
        "document.getElementById('settings-storage').click(); return true",
    );
    measured(&s);
    assert_chart_matches_file(&s, &file_report(&lib_path));
    assert_eq!(text_of(&s, "#storage-status"), "No budget.");
    let images_item = text_of(&s, "#storage-parts [data-part=images]");
    assert!(
        images_item.starts_with("Images") && images_item.contains(" MB ("),
        "{images_item:?}"
    );

    // A budget below the library's size (0.1 MB: less than its texts alone).
    js(
        &s,
        "document.getElementById('storage-unit').value = '1000000'; return true",
    );
    s.send_keys("#storage-budget", "0.1").unwrap();
    js(
        &s,
        "document.getElementById('storage-save').click(); return true",
    );
    wait(
        &s,
        "what the budget gave up",
        "return document.getElementById('storage-result').dataset.images !== undefined",
    );
    measured(&s);
    let lib = Library::open(&lib_path).unwrap();
    assert_eq!(lib.storage_budget().unwrap(), Some(100_000));
    for (n, key) in keys.iter().enumerate() {
        let kept = lib.image(key).unwrap().is_some();
        let protected = n == BOOKMARKED || n == UNREAD;
        assert_eq!(
            kept, protected,
            "story {n}'s image: kept {kept} (only the bookmarked and the unread story keep theirs)"
        );
    }
    assert_eq!(
        lib.article(revised).unwrap().revisions,
        0,
        "the revision went"
    );
    let given_up = (STORIES - 2).to_string();
    let result = text_of(&s, "#storage-result");
    assert_eq!(
        js(
            &s,
            "return document.getElementById('storage-result').dataset.images"
        ),
        Value::String(given_up.clone()),
        "{result}"
    );
    assert!(
        result.starts_with(&format!(
            "Gave up {given_up} images of read stories and 1 old revision; the library takes "
        )) && result.contains("Still over the budget"),
        "{result:?}"
    );
    // The chart was measured again: fewer images, no revision, the pages freed.
    let after = file_report(&lib_path);
    assert_chart_matches_file(&s, &after);
    assert!(after.images < before.images, "{before:?} {after:?}");
    assert!(after.revisions <= before.revisions, "{before:?} {after:?}");
    assert!(after.free > before.free, "{before:?} {after:?}");
    assert!(
        text_of(&s, "#storage-status").starts_with("Budget 100.0 KB: over it"),
        "{}",
        text_of(&s, "#storage-status")
    );
    shot(&s, "storage-light.png");
    set_theme(&s, "dark");
    shot(&s, "storage-dark.png");
    set_theme(&s, "light");

    // The freed pages go back to the disk: the file shrinks to what is in use.
    let freed = file_report(&lib_path);
    assert_eq!(
        text_of(&s, "#storage-compact"),
        format!("Give back {} of free space", size_text(freed.free))
    );
    js(
        &s,
        "document.getElementById('storage-compact').click(); return true",
    );
    wait(
        &s,
        "the compaction",
        "return document.getElementById('storage-compact-status').dataset.done === 'true'",
    );
    let compacted = file_report(&lib_path);
    assert_eq!(compacted.free, 0, "{compacted:?}");
    assert!(compacted.file < freed.file, "{freed:?} {compacted:?}");
    assert_eq!(
        text_of(&s, "#storage-compact-status"),
        format!(
            "Done: the file is {} (was {}).",
            size_text(compacted.file),
            size_text(freed.file)
        )
    );
    assert_chart_matches_file(&s, &compacted);
    assert_eq!(
        js(
            &s,
            "return document.getElementById('storage-compact').disabled"
        ),
        Value::Bool(true),
        "nothing left to give back"
    );
    shot(&s, "storage-compacted.png");

    // Opened again, from the app menu (⋯ → Storage…), the budget is in the field as set;
    // emptied and saved, there is none.
    js(
        &s,
        "document.getElementById('storage-dialog').close(); \
         document.getElementById('settings-dialog').close(); \
         document.getElementById('menu-button').click(); return true",
    );
    wait(
        &s,
        "the app menu",
        "return !!document.querySelector('#menu:not([hidden]) [data-action=storage]')",
    );
    js(
        &s,
        "document.querySelector('#menu [data-action=storage]').click(); return true",
    );
    measured(&s);
    assert_eq!(
        js(
            &s,
            "return [document.getElementById('storage-budget').value, \
             document.getElementById('storage-unit').value]"
        ),
        serde_json::json!(["0.1", "1000000"])
    );
    // A budget the library is within: nothing more is given up.
    js(
        &s,
        "document.getElementById('storage-budget').value = '10'; \
         document.getElementById('storage-save').click(); return true",
    );
    wait(
        &s,
        "a budget met",
        "return document.getElementById('storage-result').textContent.startsWith('Nothing needed giving up')",
    );
    measured(&s);
    assert_eq!(text_of(&s, "#storage-status"), "Budget 10.0 MB: within it.");
    assert!(Library::open(&lib_path)
        .unwrap()
        .image(&keys[UNREAD])
        .unwrap()
        .is_some());
    js(
        &s,
        "document.getElementById('storage-budget').value = ''; \
         document.getElementById('storage-save').click(); return true",
    );
    wait(
        &s,
        "no budget",
        "return document.getElementById('storage-result').textContent.startsWith('No budget')",
    );
    measured(&s);
    assert_eq!(text_of(&s, "#storage-status"), "No budget.");
    assert_eq!(
        Library::open(&lib_path).unwrap().storage_budget().unwrap(),
        None
    );
    // Keeping large images at reading size: the unread story's photo is shrunk at once.
    let switch = "return document.getElementById('storage-reading-size').checked";
    assert_eq!(js(&s, switch), Value::Bool(false), "originals by default");
    js(
        &s,
        "document.getElementById('storage-reading-size').click(); return true",
    );
    wait(
        &s,
        "the large images shrunk",
        "return document.getElementById('storage-shrink').dataset.shrunk !== undefined",
    );
    measured(&s);
    let shrunk = text_of(&s, "#storage-shrink");
    assert!(
        shrunk.starts_with("Shrank 1 large image: 2.9 MB became ")
            && shrunk.ends_with("New images are kept at reading size."),
        "{shrunk:?}"
    );
    assert_eq!(
        js(&s, switch),
        Value::Bool(true),
        "measured again, still on"
    );
    let lib = Library::open(&lib_path).unwrap();
    assert!(lib.images_at_reading_size().unwrap());
    let (mime, photo) = lib.image(&keys[UNREAD]).unwrap().unwrap();
    assert_eq!(mime, "image/jpeg");
    assert_eq!(tidings::images::dimensions(&photo), Some((1600, 800)));
    shot(&s, "storage-reading-size.png");

    // A size below nothing is refused and changes nothing.
    s.send_keys("#storage-budget", "-3").unwrap();
    js(
        &s,
        "document.getElementById('storage-save').click(); return true",
    );
    wait(
        &s,
        "the refusal",
        "return !document.getElementById('storage-error').hidden",
    );
    s.quit().unwrap();
    let lib = Library::open(&lib_path).unwrap();
    assert_eq!(lib.storage_budget().unwrap(), None);
    assert!(lib.image(&keys[BOOKMARKED]).unwrap().is_some());
    assert_eq!(lib.integrity_check().unwrap(), "ok");
}
