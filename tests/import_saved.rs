//! Importing read-later archives (issue #19): a file of each format, written here, pointing at
//! the feed farm's pages, a dead page and hostile links (imported, kept as a link, skipped);
//! bad files (the wrong format, truncated, a zip bomb, 500 MB of nothing, text that is not
//! UTF-8: one clear error and nothing written, or the bad rows reported); and the import
//! killed with SIGKILL twenty times, resuming each time, with no entry stored twice and no
//! page fetched twice (the farm's own request counts).

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tidings::feeds::fetch::{FetchConfig, Fetcher};
use tidings::saved::formats::{Format, ReadError};
use tidings::saved::{import_archive, Cancel, ImportOptions, ImportReport, SaveError};
use tidings::store::{Extraction, JournalState, Library, NewFeed};

use crate::support::farm::Farm;
use crate::support::library::{runtime, temp_library};
use crate::support::{Response, TestServer};

/// One saved page as the test writes it into each format.
struct Sample {
    url: String,
    title: String,
    saved_at: i64,
    read: bool,
    tags: Vec<&'static str>,
    /// The page as the app kept it (Wallabag and Omnivore carry it).
    content: Option<String>,
}

const GONE_TEXT: &str = "The lighthouse keeper's diary was found in a chest under the stairs";

fn samples(farm: &Farm, private: &str) -> Vec<Sample> {
    let sample = |url: String, title: &str, saved_at, read, tags| Sample {
        url,
        title: title.to_string(),
        saved_at,
        read,
        tags,
        content: None,
    };
    let mut gone = sample(
        farm.url("/articles/1/999.html"),
        "The lighthouse diary",
        1_600_000_300,
        false,
        vec![],
    );
    gone.content = Some(format!(
        "<article><h1>The lighthouse diary</h1>{}</article>",
        format!("<p>{GONE_TEXT}, and it tells of forty winters on the rock.</p>").repeat(8)
    ));
    vec![
        sample(
            farm.article(1, 0),
            "First story",
            1_600_000_000,
            true,
            vec!["news", "world"],
        ),
        sample(
            farm.article(2, 1),
            "Second story",
            1_600_000_100,
            false,
            vec!["cooking"],
        ),
        // The first page again, with tracking parameters: one story, bookmarked once.
        sample(
            format!("{}?utm_source=pocket&utm_medium=share", farm.article(1, 0)),
            "First story again",
            1_600_000_200,
            false,
            vec!["again"],
        ),
        gone,
        sample(
            "javascript:alert(document.cookie)".into(),
            "Hostile script",
            1_600_000_400,
            false,
            vec![],
        ),
        sample(
            "data:text/html,<script>alert(1)</script>".into(),
            "Hostile data",
            1_600_000_500,
            false,
            vec![],
        ),
        sample(
            "file:///etc/passwd".into(),
            "Hostile file",
            1_600_000_600,
            false,
            vec![],
        ),
        sample(
            private.to_string(),
            "Private address",
            1_600_000_700,
            false,
            vec![],
        ),
    ]
}

fn csv_field(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

fn html_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
}

fn iso(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .unwrap()
        .to_rfc3339()
}

/// `samples` written as `format`, into `dir`.
fn write_archive(dir: &Path, format: Format, samples: &[Sample]) -> PathBuf {
    let (name, bytes): (&str, Vec<u8>) = match format {
        Format::PocketCsv => {
            let mut out = String::from("title,url,time_added,tags,status\n");
            for s in samples {
                out.push_str(&format!(
                    "{},{},{},{},{}\n",
                    csv_field(&s.title),
                    csv_field(&s.url),
                    s.saved_at,
                    s.tags.join("|"),
                    if s.read { "archive" } else { "unread" }
                ));
            }
            ("pocket.csv", out.into_bytes())
        }
        Format::PocketHtml => {
            let section = |read: bool| -> String {
                samples
                    .iter()
                    .filter(|s| s.read == read)
                    .map(|s| {
                        format!(
                            "<li><a href=\"{}\" time_added=\"{}\" tags=\"{}\">{}</a></li>\n",
                            html_attr(&s.url),
                            s.saved_at,
                            s.tags.join(","),
                            html_attr(&s.title)
                        )
                    })
                    .collect()
            };
            let out = format!(
                "<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"><title>Pocket Export</title>\
                 </head><body>\n<h1>Unread</h1>\n<ul>\n{}</ul>\n<h1>Read Archive</h1>\n<ul>\n{}\
                 </ul>\n</body></html>\n",
                section(false),
                section(true)
            );
            ("ril_export.html", out.into_bytes())
        }
        Format::Instapaper => {
            let mut out = String::from("URL,Title,Selection,Folder,Timestamp,Tags\n");
            for s in samples {
                let folder = if s.read { "Archive" } else { "Unread" };
                let tags = serde_json::to_string(&s.tags).unwrap();
                out.push_str(&format!(
                    "{},{},{},{folder},{},{}\n",
                    csv_field(&s.url),
                    csv_field(&s.title),
                    csv_field(&format!("A quote from {}", s.title)),
                    s.saved_at,
                    csv_field(&tags)
                ));
            }
            ("instapaper-export.csv", out.into_bytes())
        }
        Format::Wallabag => {
            let entries: Vec<serde_json::Value> = samples
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    serde_json::json!({
                        "is_archived": i32::from(s.read),
                        "is_starred": 0,
                        "tags": s.tags,
                        "is_public": false,
                        "id": i + 1,
                        "title": s.title,
                        "url": s.url,
                        "content": s.content.clone().unwrap_or_default(),
                        "created_at": iso(s.saved_at).replace("+00:00", "+0000"),
                        "mimetype": "text/html",
                        "reading_time": 3,
                        "domain_name": "example",
                        "annotations": [{"text": "note", "quote": "quote"}],
                    })
                })
                .collect();
            (
                "wallabag.json",
                serde_json::to_vec_pretty(&entries).unwrap(),
            )
        }
        Format::Omnivore => {
            let items: Vec<serde_json::Value> = samples
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    serde_json::json!({
                        "id": format!("id-{i}"),
                        "slug": format!("slug-{i}"),
                        "title": s.title,
                        "description": "",
                        "url": s.url,
                        "state": if s.read { "Archived" } else { "Succeeded" },
                        "readingProgress": 0,
                        "labels": s.tags.iter().map(|t| serde_json::json!({"name": t})).collect::<Vec<_>>(),
                        "savedAt": iso(s.saved_at),
                        "updatedAt": iso(s.saved_at),
                    })
                })
                .collect();
            let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            let split = items.len() / 2;
            for (name, part) in [
                (format!("metadata_0_to_{split}.json"), &items[..split]),
                (
                    format!("metadata_{split}_to_{}.json", items.len()),
                    &items[split..],
                ),
            ] {
                zip.start_file(name, options).unwrap();
                zip.write_all(&serde_json::to_vec(part).unwrap()).unwrap();
            }
            for (i, s) in samples.iter().enumerate() {
                if let Some(content) = &s.content {
                    zip.start_file(format!("content/slug-{i}.html"), options)
                        .unwrap();
                    zip.write_all(content.as_bytes()).unwrap();
                }
            }
            ("omnivore.zip", zip.finish().unwrap().into_inner())
        }
        Format::Bookmarks => {
            // Read links sit in a folder of their own; the rest in the browser's toolbar.
            let link = |s: &Sample| {
                format!(
                    "<DT><A HREF=\"{}\" ADD_DATE=\"{}\" ICON=\"data:image/png;base64,{}\" TAGS=\"{}\"{}>{}</A>\n\
                     <DD>About {}\n",
                    html_attr(&s.url),
                    s.saved_at,
                    "iVBORw0KGgo".repeat(40),
                    s.tags.join(","),
                    if s.read { "" } else { " TOREAD=\"1\"" },
                    html_attr(&s.title),
                    html_attr(&s.title)
                )
            };
            let read: String = samples.iter().filter(|s| s.read).map(link).collect();
            let unread: String = samples.iter().filter(|s| !s.read).map(link).collect();
            let out = format!(
                "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<!-- This is an automatically generated file. -->\n\
                 <META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=UTF-8\">\n\
                 <TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n\
                 <DT><H3 ADD_DATE=\"1\" PERSONAL_TOOLBAR_FOLDER=\"true\">Bookmarks bar</H3>\n<DL><p>\n\
                 {unread}<DT><H3>Long &amp; reads</H3>\n<DL><p>\n{read}</DL><p>\n</DL><p>\n</DL><p>\n"
            );
            ("bookmarks.html", out.into_bytes())
        }
    };
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn import(library: &Path, file: &Path, format: Option<Format>) -> Result<ImportReport, SaveError> {
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    let options = ImportOptions {
        format,
        ..ImportOptions::default()
    };
    runtime().block_on(import_archive(
        library,
        file,
        &fetcher,
        &options,
        &|_| {},
        &Cancel::default(),
    ))
}

/// A library that trusts the farm's origin (it is subscribed to one of its feeds).
fn library_trusting(farm: &Farm, name: &str) -> PathBuf {
    let path = temp_library("import", name);
    Library::open(&path)
        .unwrap()
        .add_feed(&NewFeed {
            url: farm.feed(7),
            trusted_host: true,
            ..NewFeed::default()
        })
        .unwrap();
    path
}

fn saved_stories(lib: &Library) -> Vec<tidings::store::Bookmark> {
    lib.bookmarks(None)
        .unwrap()
        .into_iter()
        .filter(|b| b.source == "Saved")
        .collect()
}

#[test]
fn every_format_brings_pages_home_keeps_dead_ones_and_skips_hostile_links() {
    let Some(farm) = Farm::start("import-formats", 4, 3, 0) else {
        return;
    };
    let private = TestServer::start(|_| Response::ok("<html>secret</html>"));
    let samples = samples(&farm, private.url("/secret").as_str());
    for format in Format::ALL {
        let what = format.name();
        let path = library_trusting(&farm, what);
        let file = write_archive(path.parent().unwrap(), format, &samples);
        let report = import(&path, &file, None).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!((report.format, report.detected), (format, true), "{what}");
        assert_eq!(report.entries, samples.len(), "{what}");
        let keeps_copies = matches!(format, Format::Wallabag | Format::Omnivore);
        assert_eq!(
            (report.saved, report.already, report.skipped, report.bad),
            (2, 1, 4, 0),
            "{what}: {report:#?}"
        );
        assert_eq!(
            (report.archived, report.dead),
            if keeps_copies { (1, 0) } else { (0, 1) },
            "{what}: {report:#?}"
        );
        let reasons: Vec<&str> = report.problems.iter().map(|p| p.reason.as_str()).collect();
        for expected in [
            "a javascript: link",
            "a data: link",
            "a file: link",
            "not a public address",
        ] {
            assert!(
                reasons.iter().any(|r| r.contains(expected)),
                "{what}: no {expected:?} in {reasons:?}"
            );
        }
        assert_eq!(
            private.total_hits(),
            0,
            "{what}: a private address was fetched"
        );

        let lib = Library::open(&path).unwrap();
        let stories = saved_stories(&lib);
        assert_eq!(stories.len(), 3, "{what}: {stories:#?}");
        let by_url = |url: &str| {
            stories
                .iter()
                .find(|b| b.url.as_deref() == Some(url))
                .unwrap_or_else(|| panic!("{what}: {url} not stored"))
        };
        let first = by_url(&samples[0].url);
        assert_eq!(first.saved_at, Some(1_600_000_000), "{what}");
        assert!(first.read, "{what}: archived is read");
        let mut expected_tags = vec!["again", "news", "world"];
        if format == Format::Bookmarks {
            expected_tags.push("Long & reads");
        }
        expected_tags.sort_by_key(|t| t.to_lowercase());
        assert_eq!(first.tags, expected_tags, "{what}");
        let second = by_url(&samples[1].url);
        assert!(!second.read, "{what}");
        assert_eq!(second.tags, ["cooking"], "{what}");
        assert_eq!(second.saved_at, Some(1_600_000_100), "{what}");
        let article = lib.article(second.id).unwrap();
        assert_eq!(article.extraction, Extraction::Full, "{what}");
        if format == Format::Instapaper {
            assert_eq!(
                second.note.as_deref(),
                Some("A quote from Second story"),
                "{what}"
            );
        }
        if format == Format::Bookmarks {
            assert_eq!(second.note.as_deref(), Some("About Second story"), "{what}");
        }
        let gone = by_url(&samples[3].url);
        let gone_story = lib.article(gone.id).unwrap();
        assert_eq!(gone.title, "The lighthouse diary", "{what}");
        if keeps_copies {
            assert_eq!(gone_story.extraction, Extraction::Full, "{what}");
            assert!(
                gone_story
                    .content_text
                    .unwrap_or_default()
                    .contains(GONE_TEXT),
                "{what}"
            );
        } else {
            assert!(
                gone.unavailable
                    .as_deref()
                    .is_some_and(|r| r.contains("404")),
                "{what}: {gone:?}"
            );
        }
    }
}

#[test]
fn a_cancelled_import_stops_between_entries_and_goes_on_when_run_again() {
    let Some(farm) = Farm::start("import-cancel", 6, 5, 10) else {
        return;
    };
    let path = library_trusting(&farm, "cancel");
    let file = path.parent().unwrap().join("pocket.csv");
    let mut lines = String::from("title,url,time_added,tags,status\n");
    for f in 0..6 {
        for j in 0..5 {
            lines.push_str(&format!("S,{},1600000000,,unread\n", farm.article(f, j)));
        }
    }
    std::fs::write(&file, lines).unwrap();
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    let options = ImportOptions {
        concurrency: 2,
        ..ImportOptions::default()
    };
    // The app's cancel button, pressed once five entries are done.
    let cancel = Cancel::default();
    let events = std::sync::Mutex::new(Vec::new());
    let progress = |event: tidings::saved::ImportEvent| {
        if let tidings::saved::ImportEvent::EntryDone { done, .. } = &event {
            if *done == 5 {
                cancel.cancel();
            }
        }
        events
            .lock()
            .unwrap()
            .push(serde_json::to_value(&event).unwrap());
    };
    let report = runtime()
        .block_on(import_archive(
            &path, &file, &fetcher, &options, &progress, &cancel,
        ))
        .unwrap();
    assert!(report.cancelled);
    assert!(report.saved >= 5 && report.saved < 30, "{report:#?}");
    let events = events.into_inner().unwrap();
    assert_eq!(events[0]["event"], "started");
    assert_eq!(events[0]["format"], "pocket-csv");
    assert_eq!(events[1]["event"], "entry-done");
    assert_eq!(events[1]["state"], "saved");
    assert!(
        events.iter().all(|e| e["event"] != "images"),
        "a cancelled import downloads no images"
    );

    let report = import(&path, &file, None).unwrap();
    assert!(!report.cancelled);
    assert_eq!(report.saved, 30, "{report:#?}");
    assert!(report.done_before >= 5);
    assert_eq!(saved_stories(&Library::open(&path).unwrap()).len(), 30);
}

#[test]
fn private_addresses_are_fetched_once_their_origin_is_trusted() {
    let server = TestServer::start(|_| {
        Response::ok(format!(
            "<html><head><title>Wiki page</title></head><body><article><h1>Wiki page</h1>{}\
             </article></body></html>",
            "<p>How the ferry rota works in winter, written by the crew for the crew, with \
             every detail of the harbour timetable.</p>"
                .repeat(6)
        ))
        .header("Content-Type", "text/html")
    });
    let path = temp_library("import", "trust");
    let dir = path.parent().unwrap().to_path_buf();
    let file = dir.join("wiki.csv");
    std::fs::write(
        &file,
        format!(
            "title,url,time_added,tags,status\nWiki,{},1600000000,,unread\n",
            server.url("/wiki/ferries")
        ),
    )
    .unwrap();
    let report = import(&path, &file, None).unwrap();
    assert_eq!(report.skipped, 1, "{report:#?}");
    assert_eq!(server.total_hits(), 0);

    // The person saves a page from that origin by hand: from then on it is trusted, and the
    // same import run again fetches the entry it skipped.
    let fetcher = Fetcher::new(FetchConfig::default()).unwrap();
    runtime()
        .block_on(tidings::saved::save_page(
            &path,
            &fetcher,
            &tidings::saved::SaveRequest {
                url: server.url("/wiki/start").to_string(),
                ..Default::default()
            },
            &Default::default(),
        ))
        .unwrap();
    let report = import(&path, &file, None).unwrap();
    assert_eq!((report.saved, report.skipped), (1, 0), "{report:#?}");
    assert_eq!(server.hits("/wiki/ferries"), 1);
}

/// Asserts the library holds nothing an import would have written.
fn assert_untouched(path: &Path, what: &str) {
    let lib = Library::open(path).unwrap();
    assert_eq!(lib.summary().unwrap().articles, 0, "{what}");
    assert!(saved_stories(&lib).is_empty(), "{what}");
    assert_eq!(lib.integrity_check().unwrap(), "ok", "{what}");
}

#[test]
fn bad_files_get_one_clear_error_or_their_bad_rows_reported_and_nothing_half_written() {
    let path = temp_library("import", "bad");
    let dir = path.parent().unwrap().to_path_buf();
    let write = |name: &str, bytes: &[u8]| {
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        file
    };

    // Not an archive at all.
    let png = write("picture.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10");
    let err = import(&path, &png, None).unwrap_err();
    assert!(
        matches!(err, SaveError::Read(ReadError::Unknown { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("picture.png"), "{err}");
    assert_untouched(&path, "a picture");

    // A Wallabag file named as a Pocket CSV: its first row has no url column.
    let json = write(
        "wallabag.json",
        br#"[{"url": "https://e.example/a", "is_archived": 0}]"#,
    );
    let err = import(&path, &json, Some(Format::PocketCsv)).unwrap_err();
    assert!(err.to_string().contains("no url column"), "{err}");
    assert_untouched(&path, "the wrong format");

    // A JSON export cut off in the middle: refused whole, before anything is stored.
    let cut = write(
        "cut.json",
        br#"[{"url": "https://e.example/a", "is_archived": 0, "title": "A"},
             {"url": "https://e.example/b", "is_arch"#,
    );
    let err = import(&path, &cut, None).unwrap_err();
    assert!(err.to_string().contains("entry 2"), "{err}");
    assert!(err.to_string().contains("truncated"), "{err}");
    assert_untouched(&path, "a truncated JSON file");

    // A zip bomb: a metadata list that inflates past its cap.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("metadata_0_to_1.json", deflated).unwrap();
    zip.write_all(b"[").unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..80 {
        zip.write_all(&spaces).unwrap();
    }
    zip.write_all(b"]").unwrap();
    let bomb = zip.finish().unwrap().into_inner();
    assert!(bomb.len() < 1 << 20, "the bomb is small: {}", bomb.len());
    let bomb = write("omnivore.zip", &bomb);
    let err = import(&path, &bomb, None).unwrap_err();
    assert!(
        matches!(err, SaveError::Read(ReadError::TooLarge { .. })),
        "{err}"
    );
    assert_untouched(&path, "a zip bomb");

    // 500 MB of nothing (a sparse file): one clear error, whatever format it is read as.
    let huge = dir.join("huge.csv");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(500 << 20)
        .unwrap();
    let started = Instant::now();
    let err = import(&path, &huge, None).unwrap_err();
    assert!(
        matches!(err, SaveError::Read(ReadError::Unknown { .. })),
        "{err}"
    );
    let err = import(&path, &huge, Some(Format::PocketCsv)).unwrap_err();
    assert!(
        matches!(err, SaveError::Read(ReadError::TooLarge { .. })),
        "{err}"
    );
    let err = import(&path, &huge, Some(Format::Wallabag)).unwrap_err();
    assert!(err.to_string().contains("not a JSON list"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    let _ = std::fs::remove_file(&huge);
    assert_untouched(&path, "500 MB of nothing");

    // A CSV cut short, with a row that is not UTF-8: best effort, the bad row reported.
    let csv = write(
        "pocket.csv",
        b"title,url,time_added,tags,status\n\
          Caf\xe9 culture,javascript:void(0),1600000000,food,unread\n\
          Kept,data:text/plain,1600000001,,archive\n\
          Cut off in the midd",
    );
    let report = import(&path, &csv, None).unwrap();
    assert_eq!((report.entries, report.bad, report.skipped), (2, 1, 2));
    let kinds: Vec<(&str, &str)> = report
        .problems
        .iter()
        .map(|p| (p.kind, p.reason.as_str()))
        .collect();
    assert!(
        kinds.contains(&("repaired", "its text is not UTF-8 (read as Windows-1252)")),
        "{kinds:?}"
    );
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.kind == "bad" && p.position == "row 4"),
        "{kinds:?}"
    );
    assert_untouched(&path, "hostile links only");
}

#[test]
fn a_killed_import_resumes_storing_nothing_twice_and_fetching_no_page_twice() {
    const KILLS: usize = 20;
    const FEEDS: usize = 20;
    const ITEMS: usize = 8;
    let Some(farm) = Farm::start("import-kills", FEEDS, ITEMS, 20) else {
        return;
    };
    let path = library_trusting(&farm, "kills");
    let dir = path.parent().unwrap().to_path_buf();
    // Every farm page once, some twice (tracking parameters), and dead pages.
    let mut lines = String::from("title,url,time_added,tags,status\n");
    let mut pages = 0;
    for f in 0..FEEDS {
        for j in 0..ITEMS {
            lines.push_str(&format!(
                "Story {f}-{j},{},{},feed{f}|all,unread\n",
                farm.article(f, j),
                1_600_000_000 + (f * ITEMS + j) as i64
            ));
            pages += 1;
            if j == 0 {
                lines.push_str(&format!(
                    "Again {f},{}?utm_campaign=x,1600000000,again,archive\n",
                    farm.article(f, j)
                ));
            }
        }
        lines.push_str(&format!(
            "Gone {f},{},1600000000,,unread\n",
            farm.url(&format!("/articles/{f}/{}.html", 900 + f))
        ));
        pages += 1;
    }
    let file = dir.join("pocket.csv");
    std::fs::write(&file, &lines).unwrap();
    let hash = sha256_hex(&std::fs::read(&file).unwrap());
    let import_into = |library: &Path| {
        Command::new(env!("CARGO_BIN_EXE_tidings"))
            .arg("--library")
            .arg(library)
            .args(["import-saved", "--concurrency", "6", "--per-host", "6"])
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(7);
    eprintln!("import kill test seed {seed}");
    let mut rng = seed;
    let mut next = |below: u64| {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (rng >> 33) % below.max(1)
    };
    let fetched_states = [JournalState::Saved, JournalState::Dead];
    let stored_in = |library: &Path| {
        Library::open(library)
            .and_then(|l| l.import_journal(&hash))
            .map(|rows| {
                rows.iter()
                    .filter(|r| fetched_states.contains(&r.state))
                    .count()
            })
            .unwrap_or(0)
    };
    let mut fetched_before = 0usize;
    let mut hits_before = 0u64;
    let mut in_flight_total = 0usize;
    let mut mid_import = 0usize;
    for kill in 0..KILLS {
        let what = format!("kill {kill} (seed {seed})");
        // Killed once this run has stored a random number of pages, up to a twelfth of those
        // left, and a random few milliseconds more: by what the run has done, not by time, so
        // that the kills land mid-import on a busy machine too, some in the middle of a write.
        let left = pages - fetched_before;
        let goal = fetched_before + 1 + next((left / 12) as u64) as usize;
        let jitter = Duration::from_millis(next(30));
        let mut child = import_into(&path);
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() && stored_in(&path) < goal {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(jitter);
        let after = started.elapsed();
        let running = child.try_wait().unwrap().is_none();
        let _ = child.kill();
        let _ = child.wait();

        let lib = Library::open(&path).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(lib.integrity_check().unwrap(), "ok", "{what}");
        let journal = lib.import_journal(&hash).unwrap();
        let fetched = journal
            .iter()
            .filter(|r| fetched_states.contains(&r.state))
            .count();
        let in_flight = journal
            .iter()
            .filter(|r| r.state == JournalState::Fetching)
            .count();
        let hits = farm.hits("article");
        // This run's requests: the pages it stored, and those in flight when it was killed;
        // a page an earlier run had stored was never asked for again.
        assert!(
            (hits - hits_before) as usize <= fetched - fetched_before + in_flight,
            "{what}: {} requests for {} pages stored and {in_flight} in flight",
            hits - hits_before,
            fetched - fetched_before
        );
        if running && fetched > fetched_before {
            mid_import += 1;
        }
        eprintln!(
            "{what}: after {after:?} running {running}, {fetched} pages stored, {in_flight} in \
             flight, {hits} requests"
        );
        let stored = saved_stories(&lib);
        let keys: HashSet<&Option<String>> = stored.iter().map(|b| &b.url).collect();
        assert_eq!(keys.len(), stored.len(), "{what}: a page stored twice");
        in_flight_total += in_flight;
        fetched_before = fetched;
        hits_before = hits;
    }
    assert!(
        mid_import * 2 >= KILLS,
        "only {mid_import} of {KILLS} kills landed while pages were being stored"
    );

    // A last run to the end.
    let status = import_into(&path).wait().unwrap();
    assert!(status.success());
    let lib = Library::open(&path).unwrap();
    let journal = lib.import_journal(&hash).unwrap();
    assert!(journal.iter().all(|r| r.state != JournalState::Fetching));
    let fetched = journal
        .iter()
        .filter(|r| fetched_states.contains(&r.state))
        .count();
    assert_eq!(fetched, pages, "every page was fetched and kept once");
    assert_eq!(
        journal
            .iter()
            .filter(|r| r.state == JournalState::Already)
            .count(),
        FEEDS
    );
    let stored = saved_stories(&lib);
    assert_eq!(stored.len(), pages, "no entry stored twice");
    let hits = farm.hits("article") as usize;
    eprintln!(
        "{pages} pages, {hits} page requests over {KILLS} kills ({mid_import} mid-import, \
         {in_flight_total} pages in flight at a kill)"
    );
    assert!(
        hits <= pages + in_flight_total,
        "{hits} page requests for {pages} pages, {in_flight_total} in flight at kills"
    );
    let again = stored
        .iter()
        .filter(|b| b.tags.iter().any(|t| t == "again"))
        .count();
    assert_eq!(
        again, FEEDS,
        "the duplicates' tags reached the first copies"
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
