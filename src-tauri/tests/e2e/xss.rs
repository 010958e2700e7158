//! The XSS corpus in the real app: every vector of `tests/fixtures/xss/vectors.txt` stored twice
//! in a library file — once raw, written with rusqlite past the sanitizer (proving the reader
//! frame itself is inert: DOMParser, the frame's own strip list, its sandbox without scripts,
//! its CSP), and once through the library's normal path (the feed parser with its sanitizer, then the offline
//! image rewrite, then `store_feed_result`). One app session opens every story in turn with `j`
//! and checks after each, and once more at the end, that no marker was set in any frame: a
//! vector that ran would have set `parent.document.body.dataset.xss` or `top.xss` from where it
//! ran (the story frame, or a frame nested in it, whose parent is the story frame). The check is
//! first shown to see such markers, set by WebDriver from inside the story frame and from inside
//! a `srcdoc` frame nested in it.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use tidings::store::{FeedUpdate, IncomingArticle, Library, NewFeed};

use super::harness::{screenshot_dir, temp_dir, Harness};
use super::webdriver::Session;
use super::APP;

const WAIT: Duration = Duration::from_secs(30);

/// The corpus, as the library's tests read it: (number, vector).
fn vectors() -> Vec<(usize, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/xss/vectors.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("# "))
        .map(|l| {
            l.replace("{TAB}", "\t")
                .replace("{LF}", "\n")
                .replace("{CR}", "\r")
                .replace("{FF}", "\u{c}")
                .replace("{NUL}", "\0")
                .replace("{SOH}", "\u{1}")
        })
        .enumerate()
        .map(|(i, v)| (i + 1, v))
        .collect()
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\0', "")
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Stores every vector sanitized (through the parser and the offline rewrite, as sync does)
/// and raw (straight into the file). Returns story id → ("raw" | "clean", vector number).
fn build_library(lib_path: &Path, all: &[(usize, String)]) -> HashMap<i64, (&'static str, usize)> {
    let mut lib = Library::open(lib_path).unwrap();
    let (clean_feed, _) = lib
        .add_feed(&NewFeed {
            url: "https://hostile.example/clean.xml".into(),
            title: Some("Sanitized Wire".into()),
            ..NewFeed::default()
        })
        .unwrap();
    let (raw_feed, _) = lib
        .add_feed(&NewFeed {
            url: "https://hostile.example/raw.xml".into(),
            title: Some("Raw Wire".into()),
            ..NewFeed::default()
        })
        .unwrap();

    // The normal path: an RSS document with every vector as title, description and content.
    let items: String = all
        .iter()
        .map(|(n, v)| {
            let e = xml_escape(v);
            format!(
                "<item><guid>clean-{n}</guid><title>{e}</title><link>https://hostile.example/{n}</link>\
                 <description>{e}</description><content:encoded>{e}</content:encoded></item>"
            )
        })
        .collect();
    let doc = format!(
        r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Sanitized Wire</title><link>https://hostile.example/</link>{items}</channel></rss>"#
    );
    let base = tauri::Url::parse("https://hostile.example/clean.xml").unwrap();
    let parsed = tidings::feeds::parse(doc.as_bytes(), Some("application/rss+xml"), &base)
        .expect("the corpus feed parses");
    assert_eq!(parsed.entries.len(), all.len(), "every vector is an item");
    let at = now() - 3600;
    let offline = |html: &Option<String>| {
        html.as_deref()
            .map(|h| tidings::sync::offline_html(h, None).0)
    };
    let incoming: Vec<IncomingArticle> = parsed
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| IncomingArticle {
            item_key: e.id.clone().unwrap_or_default(),
            url: e.link.clone(),
            title: e.title.clone().unwrap_or_default(),
            published_at: Some(at - i as i64),
            teaser_html: offline(&e.summary_html),
            content_html: offline(&e.content_html),
            content_text: Some(format!("Vector {}", i + 1)),
            extraction: tidings::store::Extraction::Feed,
            ..IncomingArticle::default()
        })
        .collect();
    let update = FeedUpdate {
        title: Some("Sanitized Wire".into()),
        format: Some("rss2.0".into()),
        ..FeedUpdate::default()
    };
    lib.store_feed_result(clean_feed, &update, &incoming)
        .unwrap();
    // Past the sanitizer: the raw vector as title and body (the store keeps what it is given).
    let raw: Vec<IncomingArticle> = all
        .iter()
        .map(|(n, v)| IncomingArticle {
            item_key: format!("raw-{n}"),
            url: Some(format!("https://hostile.example/raw/{n}")),
            title: v.clone(),
            published_at: Some(at - 1000 - *n as i64),
            content_html: Some(v.clone()),
            content_text: Some(format!("Raw vector {n}")),
            lang: Some("en".into()),
            extraction: tidings::store::Extraction::Full,
            ..IncomingArticle::default()
        })
        .collect();
    lib.store_feed_result(raw_feed, &FeedUpdate::default(), &raw)
        .unwrap();
    drop(lib);

    let conn = rusqlite::Connection::open(lib_path).unwrap();
    let mut ids = HashMap::new();
    let mut find = conn
        .prepare("SELECT id, item_key FROM articles WHERE feed_id = ?1")
        .unwrap();
    for (feed, kind) in [(clean_feed, "clean"), (raw_feed, "raw")] {
        let rows = find
            .query_map([feed], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })
            .unwrap();
        for row in rows {
            let (id, key) = row.unwrap();
            let n: usize = key
                .trim_start_matches(kind)
                .trim_start_matches('-')
                .parse()
                .unwrap();
            ids.insert(id, (kind, n));
        }
    }
    ids
}

fn js(s: &Session, script: &str) -> Value {
    s.execute(script, json!([]))
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Every marker a vector could have set, read inside every frame of the window (the page, the
/// story frame, and any frame nested in it): `["<frame> body: <marker>", "<frame> window:
/// <marker>", ...]` from `document.body.dataset.xss` and `window.xss`, or `null` when there is
/// none. A frame the check cannot read counts as a finding too.
const MARKERS: &str = "(() => {
  const found = [];
  const visit = (w, where) => {
    let body;
    try { body = w.document.body; } catch (e) { found.push(`${where}: unreadable`); return; }
    if (body && body.dataset.xss !== undefined) found.push(`${where} body: ${body.dataset.xss}`);
    if (w.xss !== undefined) found.push(`${where} window: ${w.xss}`);
    for (let i = 0; i < w.frames.length; i++) {
      const element = w.frames[i].frameElement;
      visit(w.frames[i], `${where} > ${element && element.id ? '#' + element.id : 'frame ' + i}`);
    }
  };
  visit(window.top, 'page');
  return found.length ? found : null;
})()";

/// Removes every marker [`MARKERS`] reads.
const CLEAR_MARKERS: &str = "const clear = (w) => {
  delete w.document.body.dataset.xss;
  delete w.xss;
  for (let i = 0; i < w.frames.length; i++) clear(w.frames[i]);
};
clear(window.top);
return true;";

/// Shows that [`MARKERS`] sees what a vector that ran would leave: markers written by scripts
/// run (by WebDriver) inside the story frame and inside a `srcdoc` frame nested in it, where
/// the corpus's nested-`srcdoc` vector would run. Needs a story open; leaves no marker behind.
fn markers_are_seen_from_inside_the_frames(s: &Session) {
    let story = ["#story-frame"];
    let nested = ["#story-frame", "#probe-frame"];
    s.execute_in_frame(
        &story,
        "const f = document.createElement('iframe');
         f.id = 'probe-frame';
         f.srcdoc = '<p>A nested frame.</p>';
         document.body.append(f);
         return true;",
    )
    .unwrap_or_else(|e| panic!("a frame nested in the story frame: {e}"));
    s.wait_for(
        "const f = document.getElementById('story-frame').contentDocument.getElementById('probe-frame');
         return !!(f && f.contentDocument && f.contentDocument.body
                   && f.contentDocument.body.textContent === 'A nested frame.');",
        WAIT,
    )
    .unwrap_or_else(|e| panic!("the nested srcdoc frame never loaded: {e}"));
    let probes: [(&[&str], &str, &str); 4] = [
        (
            &story,
            "parent.document.body.dataset.xss = 'probe'",
            "page body: probe",
        ),
        (&story, "top.xss = 'probe'", "page window: probe"),
        (
            &nested,
            "parent.document.body.dataset.xss = 'probe'",
            "page > #story-frame body: probe",
        ),
        (
            &nested,
            "window.xss = 'probe'",
            "page > #story-frame > #probe-frame window: probe",
        ),
    ];
    for (frames, write, expected) in probes {
        s.execute_in_frame(frames, &format!("{write}; return true;"))
            .unwrap_or_else(|e| panic!("{write} in {frames:?}: {e}"));
        assert_eq!(
            js(s, &format!("return {MARKERS}")),
            json!([expected]),
            "the marker check missed `{write}` run in {frames:?}"
        );
        js(s, CLEAR_MARKERS);
    }
    s.execute_in_frame(
        &story,
        "document.getElementById('probe-frame').remove(); return true;",
    )
    .unwrap();
    // WebDriver's visits left the keyboard focus in the frames (keys would go nowhere): give
    // it back to the window.
    js(s, "window.focus(); return true;");
    assert_eq!(js(s, &format!("return {MARKERS}")), Value::Null);
}

pub fn every_vector_is_inert_in_the_reader() {
    let all = vectors();
    assert!(all.len() >= 100, "only {} vectors", all.len());
    let dir = temp_dir("xss");
    let lib_path = dir.join("library.sqlite");
    let ids = build_library(&lib_path, &all);
    assert_eq!(ids.len(), 2 * all.len());

    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path)]);
    let s = h.launch(APP);
    s.wait_for("return document.body.dataset.loaded", WAIT)
        .unwrap_or_else(|e| panic!("the UI never loaded: {e}"));
    assert_eq!(js(&s, "return document.body.dataset.state"), "ready");
    s.send_keys("#story-list", "ga").unwrap();
    s.wait_for(
        "return document.body.dataset.list === 'all' && document.querySelectorAll('.story-row').length > 0",
        WAIT,
    )
    .unwrap_or_else(|e| panic!("the All list: {e}"));

    let mut opened: BTreeSet<i64> = BTreeSet::new();
    let mut refused: Vec<usize> = Vec::new();
    let mut raw_with_markup = 0;
    let mut previous = String::new();
    let ran = |kind: &str, n: usize, markers: &Value| {
        assert!(
            markers.is_null(),
            "{kind} vector {n} ran a script (markers {markers}): {:?}",
            all[n - 1].1
        );
    };
    for step in 0..ids.len() {
        if let Some(&(kind, n)) = previous.parse().ok().and_then(|id: i64| ids.get(&id)) {
            // Once more before `j` replaces the open story's document (and any marker a late
            // handler set in it).
            ran(kind, n, &js(&s, &format!("return {MARKERS}")));
        }
        // A story the reader could not render says so in #reader-error; clear it first so a
        // message seen after `j` is about the next story.
        js(
            &s,
            "document.getElementById('reader-error').hidden = true; return true;",
        );
        s.send_keys("#story-list", "j").unwrap();
        let seen = s
            .wait_for(
                &format!(
                    "const f = document.getElementById('story-frame'); \
                     const row = document.querySelector('.story-row[aria-selected=\"true\"]'); \
                     const id = row ? row.dataset.id : ''; \
                     if (!id || id === {previous:?}) return null; \
                     const marker = {MARKERS}; \
                     const err = document.getElementById('reader-error'); \
                     if (!err.hidden && err.textContent) return {{id, marker, refused: err.textContent}}; \
                     if (document.body.dataset.open !== id || f.dataset.loaded !== id) return null; \
                     return {{id, marker, markup: /xss/i.test(f.srcdoc)}};"
                ),
                WAIT,
            )
            .unwrap_or_else(|e| {
                if let Ok(png) = s.screenshot_png() {
                    let _ = std::fs::write(screenshot_dir().join("xss-failure.png"), png);
                }
                panic!("step {step}: the next story never opened: {e}")
            });
        let id_text = seen["id"].as_str().unwrap_or_default().to_string();
        let id: i64 = id_text.parse().unwrap();
        let (kind, n) = ids[&id];
        ran(kind, n, &seen["marker"]);
        if let Some(message) = seen["refused"].as_str() {
            // Only a raw body (past the sanitizer) may be one the reader cannot render.
            assert_eq!(
                kind, "raw",
                "sanitized vector {n} could not be opened: {message}"
            );
            eprintln!("raw vector {n} not rendered by the reader: {message}");
            refused.push(n);
        }
        if kind == "raw" && seen["markup"] == true {
            raw_with_markup += 1;
        }
        if step == 0 {
            markers_are_seen_from_inside_the_frames(&s);
        }
        if step == ids.len() / 2 {
            let png = s.screenshot_png().unwrap();
            assert!(png.starts_with(b"\x89PNG"));
            std::fs::write(screenshot_dir().join("xss-reader.png"), png).unwrap();
        }
        opened.insert(id);
        previous = id_text;
    }
    // Every story opens, even a raw body that was only a <frameset> (the reader gives it a
    // <body> once the frameset is removed).
    assert!(refused.is_empty(), "raw vectors not rendered: {refused:?}");
    assert_eq!(opened.len(), ids.len(), "every story was opened");
    // The raw bodies really reached the frame (a handler attribute naming the marker survives
    // into the srcdoc for most of them; the frame's sandbox and CSP are what keep them inert).
    assert!(
        raw_with_markup * 2 >= all.len(),
        "only {raw_with_markup} raw bodies reached the frame with their markup"
    );
    // Give late handlers (timers, animations, failed loads) every chance to run.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(js(&s, &format!("return {MARKERS}")), Value::Null);
    s.quit().unwrap();
}
