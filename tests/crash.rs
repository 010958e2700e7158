//! Crash safety: `tidings sync` killed with SIGKILL at random moments, again and again, against
//! a slow local server. After every kill the library opens, passes `integrity_check`, and still
//! holds every article and bookmark committed before.

use std::collections::HashSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use tidings::store::{ArticleFilter, Library, NewFeed};

use crate::support::{Request, Response, TestServer};

const FEEDS: usize = 30;
const KILLS: usize = 50;

fn feed_xml(feed: usize, base: &str) -> String {
    let mut items = String::new();
    for i in 0..20 {
        items.push_str(&format!(
            "<item><guid>f{feed}-i{i}</guid><title>Story {i} of feed {feed}</title>\
             <link>{base}/articles/{feed}/{i}.html</link>\
             <pubDate>Tue, 24 Nov 2026 {:02}:{:02}:00 GMT</pubDate>\
             <description>Teaser {i} with enough words to be indexed by the search engine.</description></item>",
            i % 24,
            feed % 60
        ));
    }
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Feed {feed}</title>\
         <link>{base}/</link>{items}</channel></rss>"
    )
}

/// A tiny deterministic generator, so a failing run can be replayed from its seed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

#[test]
fn sigkill_during_sync_never_corrupts_or_loses_committed_data() {
    let base = std::sync::Arc::new(std::sync::OnceLock::<String>::new());
    let b = base.clone();
    let server = TestServer::start(move |req: &Request| {
        let base = b.get().cloned().unwrap_or_default();
        let path = req.path.as_str();
        if let Some(n) = path
            .strip_prefix("/feeds/")
            .and_then(|p| p.strip_suffix(".xml"))
        {
            let n: usize = n.parse().unwrap_or(0);
            return Response::ok(feed_xml(n, &base))
                .header("Content-Type", "application/rss+xml")
                .delay(Duration::from_millis(15 + (n as u64 * 7) % 40));
        }
        if path.starts_with("/articles/") {
            let body = format!(
                "<html><head><title>Story</title></head><body><article><h1>Story</h1>{}</article></body></html>",
                "<p>Paragraph of a long story that keeps going with detail and quotes.</p>".repeat(20)
            );
            return Response::ok(body)
                .header("Content-Type", "text/html")
                .delay(Duration::from_millis(10));
        }
        Response::status(404)
    });
    base.set(server.url("").to_string().trim_end_matches('/').to_string())
        .unwrap();

    let dir = std::env::temp_dir().join(format!("tidings-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("library.sqlite");
    {
        let mut lib = Library::open(&path).unwrap();
        for n in 0..FEEDS {
            lib.add_feed(&NewFeed {
                url: server.url(&format!("/feeds/{n}.xml")).to_string(),
                trusted_host: true,
                ..NewFeed::default()
            })
            .unwrap();
        }
    }

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(7);
    eprintln!("crash test seed: {seed}");
    let mut rng = Lcg(seed);
    let mut committed: HashSet<i64> = HashSet::new();
    let mut bookmark: Option<i64> = None;
    for kill in 0..KILLS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tidings"))
            .arg("--library")
            .arg(&path)
            .args(["sync", "--force"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.next(400)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();

        let mut lib = Library::open(&path)
            .unwrap_or_else(|e| panic!("kill {kill} (seed {seed}): library does not open: {e}"));
        assert_eq!(
            lib.integrity_check().unwrap(),
            "ok",
            "kill {kill} (seed {seed})"
        );
        let now: HashSet<i64> = lib
            .articles(&ArticleFilter::default(), i64::MAX, 0)
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        let lost: Vec<_> = committed.difference(&now).collect();
        assert!(
            lost.is_empty(),
            "kill {kill} (seed {seed}): lost articles {lost:?}"
        );
        if let Some(id) = bookmark {
            assert!(
                lib.article(id).unwrap().bookmarked,
                "kill {kill}: bookmark lost"
            );
        } else if let Some(&id) = now.iter().next() {
            lib.set_bookmarked(id, true, Some("survive")).unwrap();
            bookmark = Some(id);
        }
        committed = now;
    }
    assert!(
        bookmark.is_some(),
        "no sync ever committed anything in {KILLS} runs"
    );
    // A last sync to the end completes normally over the library the kills left.
    let status = Command::new(env!("CARGO_BIN_EXE_tidings"))
        .arg("--library")
        .arg(&path)
        .args(["sync", "--force", "--feeds-only"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let lib = Library::open(&path).unwrap();
    assert_eq!(lib.summary().unwrap().articles, (FEEDS * 20) as i64);
}
