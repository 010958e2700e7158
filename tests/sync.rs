//! Sync against a real local server: every feed format, every fault, conditional GET, updates
//! with revisions, and the SSRF guard for story pages. Nothing here touches the internet.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tidings::feeds::fetch::{FetchConfig, Fetcher};
use tidings::store::{ArticleFilter, Library};
use tidings::sync::{FailureKind, SyncReport};

use crate::support::{library, Request, Response, TestServer};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sync")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn temp_library(name: &str) -> PathBuf {
    library::temp_library("sync", name)
}

fn subscribe(path: &Path, urls: &[String]) {
    library::subscribe(path, urls);
}

fn fetcher() -> Fetcher {
    Fetcher::new(FetchConfig {
        request_timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        max_body_bytes: 2 * 1024 * 1024,
        ..FetchConfig::default()
    })
    .unwrap()
}

fn run_sync(path: &Path, feeds_only: bool) -> SyncReport {
    library::run_sync_with(path, &fetcher(), feeds_only)
}

/// A new library subscribed to one feed, synced with its pages: the library, its stories and
/// the sync's report.
fn synced_stories(
    name: &str,
    feed_url: String,
) -> (Library, Vec<tidings::store::StoryRow>, SyncReport) {
    let path = temp_library(name);
    subscribe(&path, &[feed_url]);
    let report = run_sync(&path, false);
    let lib = Library::open(&path).unwrap();
    let stories = lib
        .story_page(&tidings::store::StoryList::All, None, 50)
        .unwrap()
        .stories;
    (lib, stories, report)
}

/// Serves a fixture with an ETag, answering 304 when the client sends it back.
fn with_etag(req: &Request, body: Vec<u8>, content_type: &str) -> Response {
    let etag = format!("\"{}\"", body.len());
    if req.header("if-none-match") == Some(etag.as_str()) {
        return Response::status(304).header("ETag", &etag);
    }
    Response::ok(body)
        .header("Content-Type", content_type)
        .header("ETag", &etag)
}

fn farm() -> TestServer {
    TestServer::start(|req: &Request| {
        let xml = "application/rss+xml; charset=utf-8";
        match req.path.as_str() {
            "/rss.xml" | "/moved-here.xml" => with_etag(req, fixture("rss2.xml"), xml),
            "/atom.xml" => with_etag(req, fixture("atom.xml"), "application/atom+xml"),
            "/feed.json" => with_etag(req, fixture("feed.json"), "application/feed+json"),
            "/hostile.xml" => Response::ok(fixture("hostile.xml")).header("Content-Type", xml),
            "/dupes.xml" => Response::ok(fixture("dupes.xml")).header("Content-Type", xml),
            "/dates.xml" => Response::ok(fixture("dates.xml")).header("Content-Type", xml),
            "/cp1252.xml" => {
                Response::ok(fixture("cp1252-labelled-utf8.xml")).header("Content-Type", xml)
            }
            "/page.html" => Response::ok(fixture("page.html")).header("Content-Type", "text/html"),
            "/truncated.xml" => {
                let full = String::from_utf8(fixture("rss2.xml")).unwrap();
                let cut = full.find("<guid isPermaLink=\"false\">hg-2").unwrap();
                Response::ok(full[..cut].to_string()).header("Content-Type", xml)
            }
            "/old.xml" => Response::redirect(301, "/moved-here.xml"),
            "/loop.xml" => Response::redirect(302, "/loop.xml"),
            "/500.xml" => Response::status(500),
            "/404.xml" => Response::status(404),
            "/410.xml" => Response::status(410),
            "/429.xml" => Response::status(429).header("Retry-After", "7200"),
            "/hang.xml" => Response::ok("late").delay(Duration::from_secs(30)),
            "/huge.xml" => Response::ok("")
                .generated(50 << 20)
                .header("Content-Type", xml),
            _ => Response::status(404),
        }
    })
}

const GOOD: &[&str] = &[
    "/rss.xml",
    "/atom.xml",
    "/feed.json",
    "/hostile.xml",
    "/dupes.xml",
    "/dates.xml",
    "/cp1252.xml",
    "/old.xml",
];
const BAD: &[&str] = &[
    "/500.xml",
    "/404.xml",
    "/410.xml",
    "/429.xml",
    "/hang.xml",
    "/huge.xml",
    "/loop.xml",
    "/page.html",
];

fn titles(lib: &Library, feed_id: i64) -> Vec<String> {
    let filter = ArticleFilter {
        feed_id: Some(feed_id),
        ..Default::default()
    };
    let mut t: Vec<String> = lib
        .articles(&filter, 100, 0)
        .unwrap()
        .into_iter()
        .map(|a| a.title)
        .collect();
    t.sort();
    t
}

#[test]
fn every_format_syncs_and_every_fault_is_a_clear_per_feed_error() {
    let server = farm();
    let path = temp_library("faults");
    let urls: Vec<String> = GOOD
        .iter()
        .chain(BAD)
        .map(|p| server.url(p).to_string())
        .collect();
    subscribe(&path, &urls);

    let report = run_sync(&path, true);
    assert_eq!(report.feeds_total, GOOD.len() + BAD.len());
    assert_eq!(report.feeds_ok, GOOD.len(), "{report:#?}");
    let failed: Vec<&str> = report.feeds_failed.iter().map(|f| f.url.as_str()).collect();
    for bad in BAD {
        assert!(
            failed.iter().any(|u| u.ends_with(bad)),
            "{bad} should fail: {report:#?}"
        );
    }
    let reason = |path: &str| {
        report
            .feeds_failed
            .iter()
            .find(|f| f.url.ends_with(path))
            .map(|f| f.error.clone())
            .unwrap()
    };
    assert!(reason("/500.xml").contains("500"), "{}", reason("/500.xml"));
    assert!(reason("/404.xml").contains("404"));
    assert!(reason("/410.xml").contains("410"));
    assert!(reason("/429.xml").contains("429"));
    assert!(
        reason("/hang.xml").contains("timed out"),
        "{}",
        reason("/hang.xml")
    );
    assert!(
        reason("/huge.xml").contains("larger than"),
        "{}",
        reason("/huge.xml")
    );
    assert!(
        reason("/loop.xml").contains("redirect"),
        "{}",
        reason("/loop.xml")
    );
    assert!(
        reason("/page.html").contains("web page"),
        "{}",
        reason("/page.html")
    );
    // Each failure also carries its kind, for programs (the app's wording, "offline").
    let kind = |path: &str| {
        report
            .feeds_failed
            .iter()
            .find(|f| f.url.ends_with(path))
            .map(|f| f.kind)
            .unwrap()
    };
    for (path, expected) in [
        ("/500.xml", FailureKind::Http(500)),
        ("/404.xml", FailureKind::Http(404)),
        ("/410.xml", FailureKind::Http(410)),
        ("/429.xml", FailureKind::Http(429)),
        ("/hang.xml", FailureKind::Timeout),
        ("/huge.xml", FailureKind::TooLarge),
        ("/loop.xml", FailureKind::Redirects),
        ("/page.html", FailureKind::NotAFeed),
    ] {
        assert_eq!(kind(path), expected, "{path}");
    }
    assert!(!report.offline, "most feeds answered");

    let lib = Library::open(&path).unwrap();
    assert_eq!(lib.integrity_check().unwrap(), "ok");
    let feeds = lib.feeds().unwrap();
    let feed = |suffix: &str| {
        feeds
            .iter()
            .find(|f| f.url.ends_with(suffix))
            .unwrap_or_else(|| panic!("{suffix}"))
    };

    assert_eq!(feed("/rss.xml").title, "Harbour Gazette");
    assert_eq!(
        titles(&lib, feed("/rss.xml").id),
        [
            "Ferry timetable changes from Monday",
            "Lighthouse reopens after repairs"
        ]
    );
    assert_eq!(
        titles(&lib, feed("/atom.xml").id),
        ["Moss grows faster in cold springs"]
    );
    assert_eq!(
        titles(&lib, feed("/feed.json").id),
        ["Interview: the tram driver", "Songs for the late shift"]
    );
    // 301: the stored URL follows; its items are there.
    let moved = feed("/moved-here.xml");
    assert_eq!(moved.total, 2);
    assert!(!feeds.iter().any(|f| f.url.ends_with("/old.xml")));
    // 410: gone, no longer fetched. 429: backs off at least as long as Retry-After.
    assert_eq!(feed("/410.xml").status, "gone");
    let limited = feed("/429.xml");
    assert!(
        limited.next_attempt_at.unwrap() >= tidings::store::now() + 7000,
        "{limited:?}"
    );
    assert_eq!(limited.error_count, 1);
    // Two different items sharing a guid are both kept; the identical copy is not.
    assert_eq!(
        titles(&lib, feed("/dupes.xml").id),
        ["First story", "Second story, same guid"]
    );
    // Unknown dates stay unknown; never the fetch time, never a wrapped year.
    let dated = lib
        .articles(
            &ArticleFilter {
                feed_id: Some(feed("/dates.xml").id),
                ..Default::default()
            },
            10,
            0,
        )
        .unwrap();
    for a in &dated {
        match a.title.as_str() {
            "Good date" => assert_eq!(a.published_at, Some(1_795_597_200)),
            _ => assert_eq!(a.published_at, None, "{}", a.title),
        }
    }
    // windows-1252 bytes labelled UTF-8: decoded, no mojibake, no replacement characters.
    let cafe = feed("/cp1252.xml");
    assert_eq!(cafe.title, "Café Society");
    assert_eq!(titles(&lib, cafe.id), ["Crème brûlée prices up 5 €"]);
    // Hostile HTML: stored sanitized; the title is text.
    let hostile = lib
        .articles(
            &ArticleFilter {
                feed_id: Some(feed("/hostile.xml").id),
                ..Default::default()
            },
            10,
            0,
        )
        .unwrap();
    let article = lib.article(hostile[0].id).unwrap();
    let stored = format!("{:?}{:?}", article.teaser_html, article.content_html);
    for bad in [
        "<script",
        "onerror",
        "onclick",
        "javascript:",
        "<iframe",
        "<form",
        "<input",
    ] {
        assert!(!stored.contains(bad), "{bad} stored: {stored}");
    }
    assert!(stored.contains("rose."), "{stored}");
    // The title is plain text (shown with textContent), whatever markup it spells.
    assert!(
        article.title.ends_with("Market report"),
        "{}",
        article.title
    );
}

#[test]
fn a_resync_is_conditional_and_costs_no_new_articles() {
    let server = farm();
    let path = temp_library("conditional");
    subscribe(
        &path,
        &[
            server.url("/rss.xml").to_string(),
            server.url("/atom.xml").to_string(),
        ],
    );
    let first = run_sync(&path, true);
    assert_eq!((first.feeds_ok, first.new_articles), (2, 3));
    let second = run_sync(&path, true);
    assert_eq!(
        (second.feeds_not_modified, second.new_articles),
        (2, 0),
        "{second:#?}"
    );
    let sent = server.last_request("/rss.xml").unwrap();
    assert!(
        sent.header("if-none-match").is_some(),
        "no validator sent: {sent:?}"
    );
    assert_eq!(server.hits("/rss.xml"), 2);
}

#[test]
fn a_changed_item_is_updated_keeps_a_revision_and_the_users_state() {
    let version = Arc::new(Mutex::new(1));
    let v = version.clone();
    let server = TestServer::start(move |_req: &Request| {
        let n = *v.lock().unwrap();
        let body = String::from_utf8(fixture("rss2.xml")).unwrap().replace(
            "Lighthouse reopens after repairs",
            &format!("Lighthouse reopens after repairs (v{n})"),
        );
        Response::ok(body).header("Content-Type", "application/rss+xml")
    });
    let path = temp_library("revisions");
    subscribe(&path, &[server.url("/rss.xml").to_string()]);
    run_sync(&path, true);
    let id = {
        let mut lib = Library::open(&path).unwrap();
        let all = lib.articles(&ArticleFilter::default(), 10, 0).unwrap();
        let id = all.iter().find(|a| a.title.contains("(v1)")).unwrap().id;
        lib.set_read(id, true).unwrap();
        lib.set_bookmarked(id, true, Some("keep")).unwrap();
        id
    };
    *version.lock().unwrap() = 2;
    let report = run_sync(&path, true);
    assert_eq!(
        (report.new_articles, report.updated_articles),
        (0, 1),
        "{report:#?}"
    );
    let lib = Library::open(&path).unwrap();
    let article = lib.article(id).unwrap();
    assert_eq!(article.title, "Lighthouse reopens after repairs (v2)");
    assert_eq!(article.revisions, 1);
    let revisions = lib.revisions(id).unwrap();
    assert_eq!(revisions[0].title, "Lighthouse reopens after repairs (v1)");
    let diff = tidings::diff::render(&tidings::diff::word_diff(
        &revisions[0].title,
        &article.title,
    ));
    assert_eq!(diff, "Lighthouse reopens after repairs [-(v1)-] {+(v2)+}");
    assert!(
        article.read && article.bookmarked,
        "sync must not touch the user's state"
    );
    assert_eq!(article.note.as_deref(), Some("keep"));
}

#[test]
fn story_links_to_other_private_hosts_are_never_fetched() {
    // A page server on another loopback port: a feed item pointing at it must not reach it.
    let private_pages = TestServer::fixed(Response::ok("<html><body><p>secret</p></body></html>"));
    let secret = private_pages.url("/admin");
    let feed_body = format!(
        r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Public</title><link>https://p.example/</link>
        <item><guid>a</guid><title>Local</title><link>{secret}</link></item>
        <item><guid>b</guid><title>Metadata</title><link>http://169.254.169.254/latest/meta-data/</link></item>
        </channel></rss>"#
    );
    let server =
        TestServer::fixed(Response::ok(feed_body).header("Content-Type", "application/rss+xml"));
    let path = temp_library("ssrf");
    subscribe(&path, &[server.url("/feed.xml").to_string()]);
    let report = run_sync(&path, false);
    assert_eq!(report.new_articles, 2);
    assert_eq!(report.pages_extracted, 0);
    assert_eq!(
        private_pages.total_hits(),
        0,
        "a private host named in a feed was fetched"
    );
    let mut lib = Library::open(&path).unwrap();
    for summary in lib.articles(&ArticleFilter::default(), 10, 0).unwrap() {
        let a = lib.article(summary.id).unwrap();
        assert_eq!(a.extraction, tidings::store::Extraction::Teaser);
        let note = a.extraction_note.unwrap_or_default();
        assert!(note.contains("not a public address"), "{}: {note}", a.title);
    }
    // A retry queues them again; the guard refuses them again, still without a connection.
    assert_eq!(lib.retry_teasers(None).unwrap(), 2);
    drop(lib);
    let again = run_sync(&path, false);
    assert_eq!((again.pages_extracted, again.pages_failed), (0, 2));
    assert_eq!(private_pages.total_hits(), 0);
}

#[test]
fn images_are_stored_in_the_library_and_html_never_points_at_the_network() {
    let png = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("icons/32x32.png")).unwrap();
    let other_host =
        TestServer::fixed(Response::ok(png.clone()).header("Content-Type", "image/png"));
    let foreign = other_host.url("/stolen.png");
    let png_for_server = png.clone();
    let server = TestServer::start(move |req: &Request| {
        match req.path.as_str() {
        "/feed.xml" => Response::ok(format!(
            r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
            <channel><title>Pictures</title><link>https://pics.example/</link>
            <item><guid>p1</guid><title>With pictures</title>
            <content:encoded><![CDATA[<p>{}</p><p><img src="/img/a.png" alt="a"> <img src="/img/same.png"> <img src="/img/evil.svg"> <img src="/img/missing.png"> <img src="{foreign}"></p>]]></content:encoded>
            </item></channel></rss>"#,
            "word ".repeat(400)
        ))
        .header("Content-Type", "application/rss+xml"),
        "/img/a.png" | "/img/same.png" => Response::ok(png_for_server.clone()).header("Content-Type", "image/png"),
        "/img/evil.svg" => Response::ok(r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#)
            .header("Content-Type", "image/svg+xml"),
        _ => Response::status(404),
    }
    });
    let path = temp_library("images");
    subscribe(&path, &[server.url("/feed.xml").to_string()]);
    let report = run_sync(&path, false);
    assert_eq!(report.new_articles, 1);
    // Failed: the SVG, the missing one, the foreign host's, and the feed's icon (the site has
    // no /favicon.ico).
    assert_eq!(
        (report.images_stored, report.images_failed),
        (2, 4),
        "{report:#?}"
    );
    assert_eq!(
        other_host.total_hits(),
        0,
        "an image on another private host was fetched"
    );
    drop(server); // reading needs no network from here on

    let lib = Library::open(&path).unwrap();
    let id = lib.articles(&ArticleFilter::default(), 1, 0).unwrap()[0].id;
    let article = lib.article(id).unwrap();
    assert_eq!(
        article.extraction,
        tidings::store::Extraction::Feed,
        "a long feed body is the full story"
    );
    let html = article.content_html.unwrap();
    assert!(
        !html.contains("src=\"http"),
        "stored HTML names the network: {html}"
    );
    let a_url = html
        .split("src=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect::<Vec<_>>();
    assert_eq!(a_url.len(), 5, "{html}");
    let stored: Vec<Option<(String, Vec<u8>)>> = a_url
        .iter()
        .map(|src| {
            lib.image(tidings::images::key_from_src(src).unwrap())
                .unwrap()
        })
        .collect();
    assert_eq!(
        stored[0].as_ref().unwrap(),
        &("image/png".to_string(), png.clone())
    );
    assert_eq!(stored[1].as_ref().unwrap().1, png, "same bytes, second URL");
    assert!(stored[2].is_none(), "SVG is never stored");
    assert!(stored[3].is_none() && stored[4].is_none());

    // A sync keeps the library under its budget: once the story is read, its pictures go.
    drop(lib);
    let mut lib = Library::open(&path).unwrap();
    lib.set_storage_budget(Some(1)).unwrap();
    let report = run_sync(&path, true);
    assert_eq!(
        report.budget.images, 0,
        "an unread story keeps its pictures"
    );
    lib.set_read(id, true).unwrap();
    let report = run_sync(&path, true);
    assert!(report.budget.images >= 1, "{:?}", report.budget);
    let key = tidings::images::key_from_src(&a_url[0]).unwrap();
    assert!(
        lib.image(key).unwrap().is_none(),
        "a read story's picture given up"
    );
}

/// A camera-sized JPEG with grain (so it does not compress to nothing), `width` × `height`.
fn photo(width: u32, height: u32, seed: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        let g =
            (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503) ^ seed).rotate_left(7) as u8;
        image::Rgb([
            (x * 200 / width) as u8 + (g & 31),
            g & 63,
            (y * 200 / height) as u8,
        ])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&pixels)
        .unwrap();
    out
}

fn photo_feed(title: &str, images: &[&str]) -> Response {
    let imgs: String = images
        .iter()
        .map(|src| format!(r#"<img src="{src}"> "#))
        .collect();
    Response::ok(format!(
        r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
        <channel><title>{title}</title><link>https://pics.example/</link>
        <item><guid>{title}</guid><title>{title}</title>
        <content:encoded><![CDATA[<p>{}</p><p>{imgs}</p>]]></content:encoded>
        </item></channel></rss>"#,
        "word ".repeat(400)
    ))
    .header("Content-Type", "application/rss+xml")
}

/// The stored image a story's `n`th `<img>` names.
fn stored_image(lib: &Library, title: &str, n: usize) -> (String, Vec<u8>) {
    let id = lib
        .articles(&ArticleFilter::default(), 10, 0)
        .unwrap()
        .into_iter()
        .find(|a| a.title == title)
        .unwrap()
        .id;
    let html = lib.article(id).unwrap().content_html.unwrap();
    let src = html
        .split("src=\"")
        .nth(n + 1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    lib.image(tidings::images::key_from_src(src).unwrap())
        .unwrap()
        .unwrap_or_else(|| panic!("{title}: image {n} not stored"))
}

#[test]
fn large_images_are_kept_at_reading_size_only_once_asked() {
    let big = photo(3200, 1600, 1);
    let later = photo(1200, 2400, 2);
    let third = photo(2000, 2000, 3);
    let icon =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("icons/32x32.png")).unwrap();
    let jpeg = |bytes: &Vec<u8>| Response::ok(bytes.clone()).header("Content-Type", "image/jpeg");
    let server = TestServer::routes(vec![
        (
            "/first.xml",
            photo_feed("First", &["/big.jpg", "/icon.png"]),
        ),
        ("/second.xml", photo_feed("Second", &["/later.jpg"])),
        ("/big.jpg", jpeg(&big)),
        ("/later.jpg", jpeg(&later)),
        ("/third.xml", photo_feed("Third", &["/third.jpg"])),
        ("/third.jpg", jpeg(&third)),
        (
            "/icon.png",
            Response::ok(icon.clone()).header("Content-Type", "image/png"),
        ),
    ]);
    let path = temp_library("reading-size");
    subscribe(&path, &[server.url("/first.xml").to_string()]);
    run_sync(&path, false);
    let lib = Library::open(&path).unwrap();
    assert!(
        !lib.storage_report().unwrap().images_at_reading_size,
        "off by default"
    );
    assert_eq!(
        stored_image(&lib, "First", 0),
        ("image/jpeg".into(), big.clone()),
        "the original is the default"
    );

    // Turned on (`tidings storage --reading-size on`): the stored photo is shrunk in place, the
    // small icon is left alone.
    let out = crate::support::cli::tidings(&path, &["storage", "--reading-size", "on"]);
    let printed = crate::support::cli::stdout(&out);
    assert!(
        printed.contains("Kept 1 of 1 large images at reading size"),
        "{printed}"
    );
    assert!(
        printed.contains("Large images are kept at reading size"),
        "{printed}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("shrink: 1 of 1 images"),
        "{out:?}"
    );
    let (mime, shrunk) = stored_image(&lib, "First", 0);
    assert_eq!(mime, "image/jpeg");
    assert_eq!(tidings::images::dimensions(&shrunk), Some((1600, 800)));
    assert!(
        shrunk.len() < big.len() / 2,
        "{} vs {}",
        shrunk.len(),
        big.len()
    );
    assert_eq!(
        stored_image(&lib, "First", 1).1,
        icon,
        "a small image stays as it was"
    );
    assert!(lib.storage_report().unwrap().images_at_reading_size);
    // Nothing is left to shrink.
    let mut seen = Vec::new();
    let again =
        tidings::sync::fit_stored_images(&path, |done, total| seen.push((done, total))).unwrap();
    assert_eq!((again.checked, again.shrunk, again.bytes_before), (1, 0, 0));
    assert_eq!(seen, [(0, 1), (1, 1)]);

    // New downloads come in at reading size, upright as stored (portrait stays portrait).
    subscribe(&path, &[server.url("/second.xml").to_string()]);
    run_sync(&path, false);
    assert_eq!(
        server.hits("/big.jpg"),
        1,
        "a shrunk image is not fetched again"
    );
    let (mime, fitted) = stored_image(&lib, "Second", 0);
    assert_eq!(mime, "image/jpeg");
    assert_eq!(tidings::images::dimensions(&fitted), Some((800, 1600)));

    // Turned off: new images are kept as they come.
    crate::support::cli::stdout(&crate::support::cli::tidings(
        &path,
        &["storage", "--reading-size", "off"],
    ));
    subscribe(&path, &[server.url("/third.xml").to_string()]);
    run_sync(&path, false);
    assert_eq!(stored_image(&lib, "Third", 0).1, third);
}

#[test]
fn feed_icons_are_stored_offline_and_kept_while_their_feed_is() {
    let png = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("icons/32x32.png")).unwrap();
    // A Windows icon: one 1×1 entry (its bitmap is not checked, only the header is sniffed).
    let ico = b"\0\0\x01\0\x01\0\x01\x01\0\0\x01\0\x20\0\x28\0\0\0\x16\0\0\0".to_vec();
    let rss = |title: &str, image: &str| {
        format!(
            r#"<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>
            <link>/</link>{image}<item><guid>1</guid><title>One</title>
            <description>A story.</description></item></channel></rss>"#
        )
    };
    let server = TestServer::routes(vec![
        (
            "/named.xml",
            Response::ok(rss("Named", "<image><url>/logo.png</url></image>"))
                .header("Content-Type", "application/rss+xml"),
        ),
        (
            "/plain.xml",
            Response::ok(rss("Plain", "")).header("Content-Type", "application/rss+xml"),
        ),
        (
            "/logo.png",
            Response::ok(png.clone()).header("Content-Type", "image/png"),
        ),
        (
            "/favicon.ico",
            Response::ok(ico.clone()).header("Content-Type", "image/vnd.microsoft.icon"),
        ),
    ]);
    let path = temp_library("icons");
    subscribe(
        &path,
        &[
            server.url("/named.xml").to_string(),
            server.url("/plain.xml").to_string(),
        ],
    );
    let report = run_sync(&path, false);
    assert_eq!(report.feeds_failed.len(), 0, "{report:#?}");
    drop(server);

    let mut lib = Library::open(&path).unwrap();
    let icons = |lib: &Library| -> Vec<(String, Option<Vec<u8>>)> {
        lib.feeds()
            .unwrap()
            .into_iter()
            .map(|f| {
                let bytes = f.icon.as_deref().map(|src| {
                    lib.image(tidings::images::key_from_src(src).unwrap())
                        .unwrap()
                        .unwrap()
                        .1
                });
                (f.title, bytes)
            })
            .collect()
    };
    let expected = vec![
        ("Named".to_string(), Some(png.clone())),
        ("Plain".to_string(), Some(ico.clone())),
    ];
    assert_eq!(icons(&lib), expected);
    // No article names the icons, yet they stay while their feeds do.
    lib.collect_unused_images().unwrap();
    assert_eq!(icons(&lib), expected);
}

/// A loopback URL nothing listens on: connecting to it is refused at once, as when offline.
fn closed_port_url(path: &str) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}{path}")
}

/// The feed state a failure would change: (last error, error count, next attempt).
fn failure_state(lib: &Library) -> Vec<(Option<String>, i64, Option<i64>)> {
    lib.feeds()
        .unwrap()
        .into_iter()
        .map(|f| (f.last_error, f.error_count, f.next_attempt_at))
        .collect()
}

#[test]
fn offline_is_said_once_and_marks_no_feed_failing() {
    // Online once: a story whose page is still to fetch (a short teaser with a link).
    let server = TestServer::start(|req: &Request| match req.path.as_str() {
        "/feed.xml" => Response::ok(
            r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>
            <item><guid>w1</guid><title>Waiting for its page</title><link>/story.html</link>
            <description>Short.</description></item></channel></rss>"#,
        )
        .header("Content-Type", "application/rss+xml"),
        _ => Response::status(404),
    });
    let path = temp_library("offline");
    subscribe(&path, &[server.url("/feed.xml").to_string()]);
    assert_eq!(run_sync(&path, true).new_articles, 1);
    drop(server);
    subscribe(
        &path,
        &[closed_port_url("/a.xml"), closed_port_url("/b.xml")],
    );
    let before = failure_state(&Library::open(&path).unwrap());

    // Offline: no feed can be reached.
    let report = run_sync(&path, false);
    assert!(report.offline, "{report:#?}");
    assert_eq!(report.feeds_failed.len(), 3, "{report:#?}");
    assert!(
        report
            .feeds_failed
            .iter()
            .all(|f| f.kind == FailureKind::Offline),
        "{report:#?}"
    );
    assert_eq!(
        (
            report.pages_extracted,
            report.pages_failed,
            report.images_failed
        ),
        (0, 0, 0),
        "the pages and images wait for the network"
    );
    let lib = Library::open(&path).unwrap();
    assert_eq!(failure_state(&lib), before, "no feed is marked failing");
    assert!(failure_state(&lib)
        .iter()
        .all(|(error, ..)| error.is_none()));
    let story = lib.articles(&ArticleFilter::default(), 1, 0).unwrap()[0].id;
    assert_eq!(
        lib.article(story).unwrap().extraction,
        tidings::store::Extraction::Pending,
        "the story still waits for its page, not a teaser for good"
    );
    drop(lib);

    // The real command says it once, and lists no failing feed.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tidings"))
        .arg("--library")
        .arg(&path)
        .arg("sync")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert_eq!(stdout.matches("Offline").count(), 1, "{stdout}");
    assert!(!stdout.contains("failed:"), "{stdout}");
    assert_eq!(failure_state(&Library::open(&path).unwrap()), before);
}

#[test]
fn one_feed_answering_means_the_unreachable_ones_are_failing() {
    let server = farm();
    let path = temp_library("partly-offline");
    let closed = closed_port_url("/gone-quiet.xml");
    subscribe(&path, &[server.url("/rss.xml").to_string(), closed.clone()]);
    let report = run_sync(&path, true);
    assert!(!report.offline, "{report:#?}");
    assert_eq!(report.feeds_ok, 1);
    assert_eq!(report.feeds_failed.len(), 1);
    assert_eq!(report.feeds_failed[0].kind, FailureKind::Offline);
    let lib = Library::open(&path).unwrap();
    let quiet = lib
        .feeds()
        .unwrap()
        .into_iter()
        .find(|f| f.url == closed)
        .unwrap();
    assert_eq!(quiet.error_count, 1, "{quiet:?}");
    assert!(
        quiet
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("could not connect"),
        "{quiet:?}"
    );
    assert!(quiet.next_attempt_at.is_some(), "it backs off: {quiet:?}");
}

#[test]
fn one_dead_server_is_failing_feeds_not_offline() {
    // Every feed on one server that does not answer: the server is down, not the network.
    let dead = closed_port_url("/a.xml");
    let same_server = format!("{}b.xml", dead.trim_end_matches("a.xml"));
    let path = temp_library("one-dead-server");
    subscribe(&path, &[dead, same_server]);
    let report = run_sync(&path, true);
    assert!(!report.offline, "{report:#?}");
    assert_eq!(report.feeds_failed.len(), 2, "{report:#?}");
    let lib = Library::open(&path).unwrap();
    assert!(
        failure_state(&lib)
            .iter()
            .all(|(error, count, next)| { error.is_some() && *count == 1 && next.is_some() }),
        "{:?}",
        failure_state(&lib)
    );
}

/// A story whose feed gives no date takes the date its page states; a feed's own date stays.
#[test]
fn a_story_without_a_date_takes_its_pages_date() {
    let page = |stated: Option<&str>| {
        let meta = stated
            .map(|d| format!("<meta property=\"article:published_time\" content=\"{d}\">"))
            .unwrap_or_default();
        let paragraph = "<p>The lock keepers opened the new gates on the river at dawn, two \
            years after the old ones failed in a spring flood, and the first barges passed \
            through before the town's market opened.</p>";
        format!(
            "<!doctype html><html lang=\"en\"><head><title>Gates open</title>{meta}</head>\
             <body><article><h1>Gates open</h1>{}</article></body></html>",
            paragraph.repeat(6)
        )
    };
    let server = TestServer::start(move |req: &Request| {
        let base = format!("http://{}", req.header("host").unwrap_or("127.0.0.1"));
        match req.path.as_str() {
            "/feed.xml" => Response::ok(format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Locks</title>\
                 <item><guid>undated</guid><title>Gates open</title>\
                 <link>{base}/undated.html</link></item>\
                 <item><guid>dated</guid><title>Gates open again</title>\
                 <link>{base}/dated.html</link>\
                 <pubDate>Tue, 02 Jan 2024 08:00:00 GMT</pubDate></item>\
                 <item><guid>silent</guid><title>Gates said nothing</title>\
                 <link>{base}/silent.html</link></item>\
                 </channel></rss>"
            ))
            .header("Content-Type", "application/rss+xml"),
            "/undated.html" | "/dated.html" => {
                Response::ok(page(Some("2023-05-17T06:30:00Z"))).header("Content-Type", "text/html")
            }
            "/silent.html" => Response::ok(page(None)).header("Content-Type", "text/html"),
            _ => Response::status(404),
        }
    });
    let path = temp_library("page-date");
    subscribe(&path, &[server.url("/feed.xml").to_string()]);
    run_sync(&path, false);
    let lib = Library::open(&path).unwrap();
    let date_of = |title: &str| {
        let id = lib
            .story_page(&tidings::store::StoryList::All, None, 50)
            .unwrap()
            .stories
            .into_iter()
            .find(|s| s.title == title)
            .unwrap_or_else(|| panic!("{title} not found"))
            .id;
        let article = lib.article(id).unwrap();
        assert_eq!(
            article.extraction,
            tidings::store::Extraction::Full,
            "{title}"
        );
        article.published_at
    };
    assert_eq!(
        date_of("Gates open"),
        Some(1_684_305_000),
        "the page's date"
    );
    assert_eq!(
        date_of("Gates open again"),
        Some(1_704_182_400),
        "the feed's date stays"
    );
    assert_eq!(date_of("Gates said nothing"), None, "no date anywhere");
}

#[test]
fn a_page_in_a_legacy_encoding_is_read_by_its_header_or_its_bytes() {
    let story = "Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая \
                 электрификация южных губерний даст мощный толчок подъёму сельского хозяйства, \
                 а в чащах юга жил бы цитрус, но фальшивый экземпляр.";
    // Declared nowhere in the page: only the header, or nothing, names its encoding.
    let html = format!(
        "<!doctype html><html lang=\"ru\"><head><title>Булки</title></head>\
         <body><article><h1>Булки</h1>{}</article></body></html>",
        format!("<p>{story}</p>").repeat(4)
    );
    // x-mac-cyrillic is not among the encodings a detector guesses: only the header tells.
    let headed = encoding_rs::X_MAC_CYRILLIC.encode(&html).0.into_owned();
    let bare = encoding_rs::WINDOWS_1251.encode(&html).0.into_owned();
    let server = TestServer::start(move |req: &Request| {
        let base = format!("http://{}", req.header("host").unwrap_or("127.0.0.1"));
        match req.path.as_str() {
            "/feed.xml" => Response::ok(format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Булочная</title>\
                 <item><guid>headed</guid><title>By its header</title>\
                 <link>{base}/headed.html</link></item>\
                 <item><guid>bare</guid><title>By its bytes</title>\
                 <link>{base}/bare.html</link></item>\
                 </channel></rss>"
            ))
            .header("Content-Type", "application/rss+xml"),
            "/headed.html" => Response::ok(headed.clone())
                .header("Content-Type", "text/html; charset=x-mac-cyrillic"),
            "/bare.html" => Response::ok(bare.clone()).header("Content-Type", "text/html"),
            _ => Response::status(404),
        }
    });
    let (lib, stories, _) = synced_stories("legacy-encoding", server.url("/feed.xml").to_string());
    assert_eq!(stories.len(), 2);
    for s in stories {
        let html = lib.article(s.id).unwrap().content_html.unwrap_or_default();
        assert!(
            html.contains("Съешь же ещё этих мягких"),
            "{}: {html}",
            s.title
        );
        assert!(!html.contains('\u{FFFD}'), "{}: {html}", s.title);
    }
}

#[test]
fn a_page_giving_far_less_than_the_feed_leaves_the_feeds_text_as_the_story() {
    let sentence = "The ferry crews agreed a new rota with the harbour board after a week of \
                    talks, and the morning crossings run again from Monday. ";
    // The feed's own content: about 120 words, under the length that skips the page.
    let feed_text = sentence.repeat(5);
    let feed_words = tidings::text::word_count(&feed_text) as i64;
    let article = |paragraphs: usize| {
        format!(
            "<!doctype html><html lang=\"en\"><head><title>Ferries</title></head><body>\
             <article><h1>Ferries</h1>{}</article></body></html>",
            format!("<p>{sentence}</p>").repeat(paragraphs)
        )
    };
    let stub = "<!doctype html><html><head><title>Ferries</title></head><body><main>\
                <p>Please enable JavaScript and cookies to continue to this site.</p>\
                </main></body></html>"
        .to_string();
    let (long, shorter) = (article(12), article(4));
    // Chinese writes no spaces between words: the feed's phrases, spaced, hold more "words"
    // than the page's whole article, which is still the story.
    let chinese_sentence = "北线的夜间列车在停运多年后重新开行，乘客可以在旅途中安静地阅读，\
                            沿线的小站也重新亮起了灯。";
    let chinese_feed =
        "北线 夜间列车 停运多年后 重新开行 乘客 可以 安静地 阅读 小站 亮灯 ".repeat(3);
    let chinese = format!(
        "<!doctype html><html lang=\"zh\"><head><title>北线夜车</title></head><body>\
         <article><h1>北线夜车</h1>{}</article></body></html>",
        format!("<p>{chinese_sentence}</p>").repeat(6)
    );
    let server = TestServer::start(move |req: &Request| {
        let base = format!("http://{}", req.header("host").unwrap_or("127.0.0.1"));
        let item = |guid: &str, title: &str, content: &str| {
            format!(
                "<item><guid>{guid}</guid><title>{title}</title><link>{base}/{guid}.html</link>\
                 <content:encoded><![CDATA[<p>{content}</p>]]></content:encoded></item>"
            )
        };
        match req.path.as_str() {
            "/feed.xml" => Response::ok(format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\" \
                 xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>\
                 <title>Harbour</title>{}{}{}{}{}</channel></rss>",
                item("stub", "Behind a wall", &feed_text),
                item("long", "The whole story", &feed_text),
                item("shorter", "A little shorter", &feed_text),
                item("chinese", "北线夜车", &chinese_feed),
                item("empty", "Nothing to read", &feed_text)
            ))
            .header("Content-Type", "application/rss+xml"),
            "/stub.html" => Response::ok(stub.clone()).header("Content-Type", "text/html"),
            "/long.html" => Response::ok(long.clone()).header("Content-Type", "text/html"),
            "/shorter.html" => Response::ok(shorter.clone()).header("Content-Type", "text/html"),
            "/chinese.html" => Response::ok(chinese.clone()).header("Content-Type", "text/html"),
            // A page built by script: no text at all.
            "/empty.html" => Response::ok(
                "<!doctype html><html><head><title>App</title></head>\
                 <body><div id=\"app\"></div><script>render()</script></body></html>",
            )
            .header("Content-Type", "text/html"),
            _ => Response::status(404),
        }
    });
    let (lib, stories, report) =
        synced_stories("page-far-less", server.url("/feed.xml").to_string());
    assert_eq!(
        (
            report.pages_extracted,
            report.pages_feed_kept,
            report.pages_failed
        ),
        (3, 2, 0),
        "{report:#?}"
    );
    let story = |title: &str| {
        let id = stories.iter().find(|s| s.title == title).unwrap().id;
        lib.article(id).unwrap()
    };
    let walled = story("Behind a wall");
    assert_eq!(walled.extraction, tidings::store::Extraction::Feed);
    assert_eq!(
        walled.word_count,
        Some(feed_words),
        "the feed's length, not the stub's"
    );
    let text = walled.content_text.unwrap_or_default();
    assert!(text.contains("morning crossings"), "{text}");
    assert!(!text.contains("enable JavaScript"), "{text}");
    let note = walled.extraction_note.unwrap_or_default();
    assert!(note.contains("the feed's text is kept"), "{note}");
    let read = crate::support::cli::tidings(lib.path(), &["read", &walled.id.to_string()]);
    let read = String::from_utf8_lossy(&read.stdout);
    assert!(read.contains(&format!("[from the feed: {note}]")), "{read}");
    // A page with no text at all leaves the feed's text too (not a teaser to fetch again).
    let empty = story("Nothing to read");
    assert_eq!(empty.extraction, tidings::store::Extraction::Feed);
    let note = empty.extraction_note.unwrap_or_default();
    assert!(
        note.contains("no readable text") && note.contains("the feed's text is kept"),
        "{note}"
    );
    // A page with more, or a little less, than the feed is the story.
    for title in ["The whole story", "A little shorter", "北线夜车"] {
        let s = story(title);
        assert_eq!(s.extraction, tidings::store::Extraction::Full, "{title}");
        assert!(
            s.content_html.unwrap_or_default().contains("<p>"),
            "{title}"
        );
    }
    assert!(story("The whole story").word_count.unwrap_or(0) > 200);
}

#[test]
fn a_chinese_feed_with_the_whole_story_needs_no_page() {
    // 336 Chinese characters: 336 words as word processors count them, past the 300 that make
    // the feed's text the story; split at spaces they would be 8 "words".
    let sentence = "北线的夜间列车在停运多年后重新开行，乘客可以在旅途中安静地阅读，\
                    沿线的小站也重新亮起了灯。";
    let content = format!("{sentence} ").repeat(8);
    let server = TestServer::start(move |req: &Request| {
        let base = format!("http://{}", req.header("host").unwrap_or("127.0.0.1"));
        match req.path.as_str() {
            "/feed.xml" => Response::ok(format!(
                "<?xml version=\"1.0\"?><rss version=\"2.0\" \
                 xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel>\
                 <title>北线</title><item><guid>1</guid><title>北线夜车</title>\
                 <link>{base}/story.html</link>\
                 <content:encoded><![CDATA[<p>{content}</p>]]></content:encoded></item>\
                 </channel></rss>"
            ))
            .header("Content-Type", "application/rss+xml"),
            _ => Response::status(404),
        }
    });
    let (lib, stories, report) =
        synced_stories("chinese-full", server.url("/feed.xml").to_string());
    assert_eq!(server.hits("/story.html"), 0, "{report:#?}");
    let story = lib.article(stories[0].id).unwrap();
    assert_eq!(story.extraction, tidings::store::Extraction::Feed);
    assert_eq!(
        story.word_count,
        Some(336),
        "the reading time counts the feed's words"
    );
}
