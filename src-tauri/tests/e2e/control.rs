//! Control over the river, in the real app against a real local HTTP server: three feeds
//! carry one story under tracking parameters, `https` and an AMP address. The list shows it
//! once with its "also in" line, and reading it reads it in all three feeds (their counts).
//! Settings → Rules: a keep rule and a mute rule are added while the live preview counts what
//! each would have caught (and a broken regex says why inline). The next sync's new stories:
//! the kept one is flagged and under Flagged, the muted one arrives read. A feed that refuses
//! readers (403, also to a browser's headers) offers its settings from the sync's summary; a
//! feed's Settings…, reached with the keyboard, turns full text off, and the next sync asks
//! the server for no page of that feed (its request log), while another feed's page is fetched.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use serde_json::Value;

use super::a11y::set_theme;
use super::harness::{temp_dir, Harness};
use super::keyboard::{ARROW_DOWN, ESCAPE, F10, SHIFT};
use super::reader::{js, key, shot, text_of, wait, ENTER};
use super::server::{Reply, Request, Server};
use super::webdriver::Session;
use super::APP;

const BRIDGE: &str = "Harbour bridge opens to walkers";
const KEEPER: &str = "Lighthouse keeper retires after forty years";
const TALKS: &str = "Ferry strike talks resume";
const LAMP: &str = "New lighthouse lamp lit on the point";
const STRIKE: &str = "Ferry strike called for Friday";

/// Feed `name`'s items in `edition` (1, 2, 3): (guid, title, link). Each edition keeps the
/// items of the ones before, as feeds do.
fn items(name: &str, base: &str, edition: usize) -> Vec<(String, &'static str, String)> {
    let secure = base.replacen("http://", "https://", 1);
    let mut items = match name {
        "a" => vec![
            (
                "a-bridge",
                BRIDGE,
                format!("{base}/world/harbour-bridge?utm_source=rss&utm_medium=feed"),
            ),
            ("a-keeper", KEEPER, format!("{base}/a/keeper")),
        ],
        "b" => vec![
            (
                "b-bridge",
                BRIDGE,
                format!("{secure}/world/harbour-bridge/#top"),
            ),
            ("b-talks", TALKS, format!("{base}/b/talks")),
        ],
        "c" => vec![
            (
                "c-bridge",
                BRIDGE,
                format!("{base}/world/harbour-bridge/amp"),
            ),
            (
                "c-swim",
                "Bay swimmers brave the cold",
                format!("{base}/c/swim"),
            ),
        ],
        _ => vec![],
    };
    let later: &[(usize, &str, &str, &'static str, &str)] = &[
        (2, "a", "a-lamp", LAMP, "/a/lamp"),
        (2, "b", "b-strike", STRIKE, "/b/strike"),
        (3, "a", "a-pool", "Harbour pool reopens", "/pages/a-pool"),
        (
            3,
            "c",
            "c-regatta",
            "Bay regatta postponed",
            "/pages/c-regatta",
        ),
    ];
    for (from, feed, guid, title, path) in later {
        if *feed == name && edition >= *from {
            items.push((guid, title, format!("{base}{path}")));
        }
    }
    items
        .into_iter()
        .map(|(guid, title, link)| (guid.to_string(), title, link))
        .collect()
}

fn rss(name: &str, base: &str, edition: usize) -> String {
    let items: String = items(name, base, edition)
        .iter()
        .rev()
        .map(|(guid, title, link)| {
            let link = link.replace('&', "&amp;");
            format!(
                "<item><title>{title}</title><link>{link}</link><guid isPermaLink=\"false\">{guid}</guid>\
                 <description>{title}. A short teaser from the feed.</description></item>"
            )
        })
        .collect();
    let title = match name {
        "a" => "Harbour Wire",
        "b" => "Coast Courier",
        _ => "Bay Gazette",
    };
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title>\
         <link>{base}/</link><description>Test feed</description>{items}</channel></rss>"
    )
}

/// A story's page: an article the extractor can read.
fn page(path: &str) -> String {
    let sentence = format!("The story at {path} goes on in calm, even sentences for the reader. ");
    format!(
        "<!doctype html><html><head><title>Story</title></head><body><article><h1>Story</h1>\
         <p>{}</p><p>{}</p><p>{}</p></article></body></html>",
        sentence.repeat(6),
        sentence.repeat(5),
        sentence.repeat(4)
    )
}

struct Feeds {
    a: i64,
    b: i64,
    c: i64,
    refusing: i64,
}

fn build_library(lib_path: &std::path::Path, server: &Server) -> Feeds {
    use tidings::store::{Library, NewFeed};
    let mut lib = Library::open(lib_path).unwrap();
    let mut add = |path: &str, title: &str| {
        lib.add_feed(&NewFeed {
            url: server.url(path),
            title: Some(title.into()),
            trusted_host: true,
            ..NewFeed::default()
        })
        .unwrap()
        .0
    };
    Feeds {
        a: add("/a.xml", "Harbour Wire"),
        b: add("/b.xml", "Coast Courier"),
        c: add("/c.xml", "Bay Gazette"),
        refusing: add("/d.xml", "Guarded Times"),
    }
}

/// Syncs with `r` and waits for the summary of this sync (the last one's is hidden first).
fn sync(s: &Session) -> String {
    js(
        s,
        "document.getElementById('sync-summary').hidden = true; return true",
    );
    key(s, "r");
    wait(
        s,
        "the sync's summary",
        "const t = document.getElementById('sync-summary-text').textContent; \
         return document.body.dataset.sync === 'idle' && !document.getElementById('sync-summary').hidden ? t : '';",
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

fn feed_count(s: &Session, feed: i64) -> String {
    text_of(s, &format!(".feed[data-feed-id=\"{feed}\"] .count"))
}

/// `name`-light.png and `name`-dark.png of what is on screen now. An open story is shown again
/// in each theme (a moment after the switch): the shot waits for its frame to have it.
pub fn shots(s: &Session, name: &str) {
    for theme in ["light", "dark"] {
        set_theme(s, theme);
        wait(
            s,
            &format!("the story frame in the {theme} theme"),
            &format!(
                "const f = document.getElementById('story-frame'); \
                 const root = f && f.contentDocument && f.contentDocument.documentElement; \
                 return !document.body.dataset.open || \
                   (!!root && root.classList.contains('theme-{theme}'));"
            ),
        );
        shot(s, &format!("{name}-{theme}.png"));
    }
    set_theme(s, "light");
}

fn rows_titled(s: &Session, title: &str) -> Value {
    js(
        s,
        &format!(
            "return Array.from(document.querySelectorAll('.story-row')).filter(r => \
             r.querySelector('.row-title').textContent === {title:?}).map(r => ({{ id: r.dataset.id, \
             unread: r.classList.contains('unread'), label: r.getAttribute('aria-label'), \
             also: r.querySelector('.row-also-in')?.textContent ?? null, \
             flag: !!r.querySelector('.row-flag') }}))"
        ),
    )
}

pub fn control_journey() {
    let dir = temp_dir("control");
    let lib_path = dir.join("library.sqlite");
    let edition = Arc::new(AtomicUsize::new(1));
    let base = Arc::new(OnceLock::<String>::new());
    let server = {
        let (edition, base) = (edition.clone(), base.clone());
        Server::start(move |req: &Request| {
            let base = base.get().map(String::as_str).unwrap_or("");
            let path = req.path.split('?').next().unwrap_or("");
            match path {
                "/d.xml" => Reply {
                    status: 403,
                    ..Reply::ok("text/plain", "Forbidden")
                },
                "/a.xml" | "/b.xml" | "/c.xml" => Reply::ok(
                    "application/rss+xml",
                    rss(&path[1..2], base, edition.load(Ordering::SeqCst)),
                ),
                _ => Reply::ok("text/html; charset=utf-8", page(path)),
            }
        })
    };
    base.set(server.url("")).unwrap();
    let feeds = build_library(&lib_path, &server);
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path), ("HOME", &dir)]);
    let s = h.launch(APP);
    wait(&s, "the first load", "return document.body.dataset.loaded");

    let summary = sync(&s);
    assert!(
        summary.contains("new stories") && summary.contains("1 feed failed"),
        "{summary}"
    );
    a_refusing_feed_offers_its_settings(&s, &feeds);
    one_story_in_three_feeds(&s, &feeds);
    rules_with_their_preview(&s);
    new_stories_meet_the_rules(&s, &feeds, &edition);
    full_text_off_fetches_no_page(&s, &feeds, &edition, &server);
    s.quit().unwrap();
    drop(h);

    // The library file holds the rules and the settings the window stored.
    let lib = tidings::store::Library::open(&lib_path).unwrap();
    let rules: Vec<(String, String)> = lib
        .rules()
        .unwrap()
        .iter()
        .map(|r| (r.spec.action.as_str().to_string(), r.spec.pattern.clone()))
        .collect();
    assert_eq!(
        rules,
        [
            ("keep".to_string(), "lighthouse".to_string()),
            ("mute".to_string(), "\"ferry strike\"".to_string())
        ]
    );
    assert!(!lib.feed_settings(feeds.c).unwrap().full_text);
    assert!(lib.feed_settings(feeds.a).unwrap().full_text);
    assert_eq!(
        lib.feed_settings(feeds.refusing).unwrap().user_agent,
        tidings::store::UserAgent::Browser
    );
    drop(lib);
    let _ = std::fs::remove_dir_all(&dir);
}

fn one_story_in_three_feeds(s: &Session, feeds: &Feeds) {
    wait(
        s,
        "the synced stories",
        "return document.querySelectorAll('.story-row').length === 4",
    );
    // Shown once, in one feed's list, naming the other two.
    let bridge = rows_titled(s, BRIDGE);
    let shown = bridge.as_array().unwrap();
    assert_eq!(shown.len(), 1, "{bridge}");
    let also = shown[0]["also"].as_str().unwrap_or_default().to_string();
    let names = ["Harbour Wire", "Coast Courier", "Bay Gazette"];
    let listed: Vec<&str> = names.iter().copied().filter(|n| also.contains(n)).collect();
    assert!(also.starts_with("also in: ") && listed.len() == 2, "{also}");
    let label = shown[0]["label"].as_str().unwrap();
    assert!(label.contains(&also), "the row's name says it too: {label}");
    // Each feed's own count has its copy.
    assert_eq!(text_of(s, "#count-unread"), "4");
    for feed in [feeds.a, feeds.b, feeds.c] {
        assert_eq!(feed_count(s, feed), "2", "feed {feed}");
    }

    // Reading it reads every copy: every feed's count drops.
    let id = shown[0]["id"].as_str().unwrap().to_string();
    s.click(&format!(".story-row[data-id=\"{id}\"]")).unwrap();
    wait(
        s,
        "the counts of every copy's feed",
        &format!(
            "const n = id => document.querySelector(`.feed[data-feed-id=\"${{id}}\"] .count`).textContent; \
             return document.getElementById('count-unread').textContent === '3' \
             && [{}, {}, {}].every(id => n(id) === '1');",
            feeds.a, feeds.b, feeds.c
        ),
    );
    assert_eq!(text_of(s, "#also-in-line"), also, "the reader's header");
    assert_eq!(
        js(s, "return document.getElementById('also-in-line').hidden"),
        false
    );
    shots(s, "control-also-in");
    // In a feed's own list its copy is there, read.
    for feed in [feeds.a, feeds.b, feeds.c] {
        s.click(&format!(".feed[data-feed-id=\"{feed}\"]")).unwrap();
        wait(
            s,
            "the feed's list",
            &format!(
                "return document.body.dataset.list === 'feed:{feed}' && document.querySelectorAll('.story-row').length === 2"
            ),
        );
        let copy = rows_titled(s, BRIDGE);
        assert_eq!(copy[0]["unread"], false, "feed {feed}: {copy}");
    }
    s.click("#smart-lists [data-list=unread]").unwrap();
}

/// Types `pattern` in the editor as a rule doing `action`.
fn type_rule(s: &Session, action: &str, pattern: &str) {
    js(
        s,
        &format!(
            "const a = document.getElementById('rule-action'); a.value = {action:?}; \
             a.dispatchEvent(new Event('change', {{ bubbles: true }})); \
             document.getElementById('rule-pattern').value = ''; return true;"
        ),
    );
    s.send_keys("#rule-pattern", pattern).unwrap();
}

/// The preview's (matched, checked) once it is the preview of `pattern`.
fn preview_counts(s: &Session, pattern: &str) -> (i64, i64) {
    let v = wait(
        s,
        "the rule's preview",
        &format!(
            "const p = document.getElementById('rule-preview').dataset; \
             return p.pattern === {pattern:?} && p.matched !== undefined ? [Number(p.matched), Number(p.checked)] : null;"
        ),
    );
    (v[0].as_i64().unwrap(), v[1].as_i64().unwrap())
}

/// Waits for the editor to list `n` rules.
fn rules_listed(s: &Session, n: usize) {
    wait(
        s,
        &format!("{n} rules listed"),
        &format!("return document.getElementById('rules-list').dataset.count === '{n}'"),
    );
}

fn rules_with_their_preview(s: &Session) {
    // Settings → Rules.
    s.click("#settings-button").unwrap();
    wait(
        s,
        "settings",
        "return document.getElementById('settings-dialog').open",
    );
    s.click("#settings-rules").unwrap();
    wait(
        s,
        "the rules editor",
        "return document.getElementById('rules-dialog').open",
    );
    assert_eq!(js(s, "return document.activeElement.id"), "rule-pattern");

    // A regex that is not one says why, at once, and nothing is added.
    type_rule(s, "keep", "/(unclosed/");
    let why = wait(
        s,
        "the regex's reason",
        "const e = document.getElementById('rule-error'); \
         return document.getElementById('rule-preview').dataset.pattern === '/(unclosed/' && !e.hidden ? e.textContent : '';",
    );
    assert!(why.as_str().unwrap().contains("regex"), "{why}");

    type_rule(s, "keep", "lighthouse");
    let (matched, checked) = preview_counts(s, "lighthouse");
    assert_eq!(matched, 1, "the keeper's story");
    assert!(checked >= 1);
    assert_eq!(
        js(s, "return document.getElementById('rule-error').hidden"),
        true
    );
    let listed = text_of(s, "#rule-preview-list");
    assert!(listed.contains(KEEPER), "{listed}");
    s.click("#rule-add").unwrap();
    rules_listed(s, 1);

    type_rule(s, "mute", "\"ferry strike\"");
    let (matched, _) = preview_counts(s, "\"ferry strike\"");
    assert_eq!(matched, 1, "the talks story");
    assert!(text_of(s, "#rule-preview-count").contains("muted"));
    // The editor: the kept rule listed, the mute rule typed with its preview.
    shots(s, "control-rules");
    s.send_keys("#rule-pattern", ENTER).unwrap();
    rules_listed(s, 2);
    // A rule added by mistake is removed from the list (and the library: see the end).
    type_rule(s, "keep", "regatta");
    s.click("#rule-add").unwrap();
    rules_listed(s, 3);
    s.click("#rules-list li:last-child .rule-remove").unwrap();
    rules_listed(s, 2);
    let listed = text_of(s, "#rules-list");
    assert!(!listed.contains("regatta"), "{listed}");
    assert!(
        listed.contains("lighthouse") && listed.contains("\"ferry strike\""),
        "{listed}"
    );
    s.click("#rules-close").unwrap();
    wait(
        s,
        "back in settings",
        "return !document.getElementById('rules-dialog').open",
    );
    assert_eq!(js(s, "return document.activeElement.id"), "settings-rules");
    s.click("#settings-close").unwrap();
    wait(
        s,
        "no dialog",
        "return !document.querySelector('dialog[open]')",
    );
}

fn new_stories_meet_the_rules(s: &Session, feeds: &Feeds, edition: &AtomicUsize) {
    edition.store(2, Ordering::SeqCst);
    let summary = sync(s);
    assert!(summary.contains("new stor"), "{summary}");
    // The kept story: unread, flagged, under Flagged.
    wait(
        s,
        "the Flagged count",
        "return document.getElementById('count-flagged').textContent === '1'",
    );
    wait(
        s,
        "the new stories listed",
        &format!(
            "return Array.from(document.querySelectorAll('.row-title')).some(t => t.textContent === {LAMP:?})"
        ),
    );
    let lamp = rows_titled(s, LAMP);
    assert_eq!(lamp[0]["unread"], true, "{lamp}");
    assert_eq!(lamp[0]["flag"], true, "{lamp}");
    assert!(
        lamp[0]["label"]
            .as_str()
            .unwrap()
            .starts_with("Unread, Flagged, "),
        "{lamp}"
    );
    // The muted one never shows as new: not in All unread, read in its feed.
    assert_eq!(rows_titled(s, STRIKE), serde_json::json!([]));
    assert_eq!(
        feed_count(s, feeds.b),
        "1",
        "the muted story is not counted"
    );
    assert_eq!(feed_count(s, feeds.a), "2");
    s.click(&format!(".feed[data-feed-id=\"{}\"]", feeds.b))
        .unwrap();
    wait(
        s,
        "Coast Courier's list",
        "return document.querySelectorAll('.story-row').length === 3",
    );
    assert_eq!(rows_titled(s, STRIKE)[0]["unread"], false);

    key(s, "gf");
    wait(
        s,
        "the Flagged list",
        "return document.body.dataset.list === 'flagged' && document.querySelectorAll('.story-row').length === 1",
    );
    assert_eq!(text_of(s, ".story-row .row-title"), LAMP);
    assert_eq!(
        js(
            s,
            "return document.querySelector('#smart-lists [data-list=flagged]').getAttribute('aria-label')"
        ),
        "Flagged, 1 stories"
    );
    s.click(".story-row").unwrap();
    wait(
        s,
        "the flag in the reader",
        "return document.body.dataset.open && !document.getElementById('flag-badge').hidden",
    );
    assert_eq!(text_of(s, "#flag-badge"), "⚑ Flagged");
    shots(s, "control-flagged");
    s.click("#smart-lists [data-list=unread]").unwrap();
}

fn a_refusing_feed_offers_its_settings(s: &Session, feeds: &Feeds) {
    // The sync's refusal: its kind offers the browser user agent, and a button sets it.
    js(
        s,
        "document.getElementById('sync-failures').open = true; return true",
    );
    // The feed's own menu offers it first.
    js(
        s,
        &format!(
            "const b = document.querySelector('.feed[data-feed-id=\"{}\"]'); const r = b.getBoundingClientRect(); \
             b.dispatchEvent(new MouseEvent('contextmenu', {{ bubbles: true, cancelable: true, clientX: r.left + 20, clientY: r.top + 10 }})); return true;",
            feeds.refusing
        ),
    );
    let first = wait(
        s,
        "the refusing feed's menu",
        "const m = document.getElementById('menu'); return m.hidden ? '' : m.querySelector('.menu-item').dataset.action;",
    );
    assert_eq!(first, "browser-agent");
    s.press(ESCAPE).unwrap();
    wait(
        s,
        "the menu closed",
        "return document.getElementById('menu').hidden",
    );
    let fix = format!(".failure-fix[data-feed-id=\"{}\"]", feeds.refusing);
    s.click(&fix).unwrap();
    wait(
        s,
        "the refusing feed's settings",
        "return document.getElementById('feed-settings-dialog').open",
    );
    let refused = text_of(s, "#feed-settings-refused");
    assert!(
        refused.contains("403") && refused.contains("browser user agent"),
        "{refused}"
    );
    assert_eq!(js(s, "return document.activeElement.id"), "feed-user-agent");
    assert_eq!(
        js(s, "return document.getElementById('feed-user-agent').value"),
        "tidings"
    );
    shots(s, "control-refused-settings");
    js(
        s,
        "const u = document.getElementById('feed-user-agent'); u.value = 'browser'; \
         u.dispatchEvent(new Event('change', { bubbles: true })); return true;",
    );
    s.click("#feed-settings-save").unwrap();
    wait(
        s,
        "saved",
        "return !document.getElementById('feed-settings-dialog').open",
    );
    js(
        s,
        "document.getElementById('sync-summary').hidden = true; return true",
    );
}

fn full_text_off_fetches_no_page(
    s: &Session,
    feeds: &Feeds,
    edition: &AtomicUsize,
    server: &Server,
) {
    // The keyboard path: the feed focused, Shift+F10, down to Settings…, Enter.
    js(
        s,
        &format!(
            "document.querySelector('.feed[data-feed-id=\"{}\"]').focus(); return true",
            feeds.c
        ),
    );
    s.press_with(SHIFT, F10).unwrap();
    wait(
        s,
        "the feed's menu",
        &format!(
            "return document.getElementById('menu').dataset.menu === 'feed:{}'",
            feeds.c
        ),
    );
    for _ in 0..4 {
        if js(s, "return document.activeElement.dataset.action") == "feed-settings" {
            break;
        }
        s.press(ARROW_DOWN).unwrap();
    }
    assert_eq!(
        js(s, "return document.activeElement.dataset.action"),
        "feed-settings"
    );
    s.press(ENTER).unwrap();
    wait(
        s,
        "the feed settings dialog",
        "return document.getElementById('feed-settings-dialog').open",
    );
    // Today's defaults.
    let shown = js(
        s,
        "return [document.getElementById('feed-full-text').checked, \
         document.getElementById('feed-interval').value, \
         document.getElementById('feed-keep-days').value, \
         document.getElementById('feed-user-agent').value, \
         document.getElementById('feed-settings-name').textContent, \
         document.getElementById('feed-settings-refused').hidden]",
    );
    assert_eq!(
        shown,
        serde_json::json!([true, "", "", "tidings", "Bay Gazette", true])
    );
    assert_eq!(js(s, "return document.activeElement.id"), "feed-full-text");
    shots(s, "control-feed-settings");
    s.press(" ").unwrap(); // the checkbox, off
    assert_eq!(
        js(
            s,
            "return document.getElementById('feed-full-text').checked"
        ),
        false
    );
    s.click("#feed-settings-save").unwrap();
    wait(
        s,
        "saved",
        "return !document.getElementById('feed-settings-dialog').open",
    );

    edition.store(3, Ordering::SeqCst);
    let before = server.requests_for("/c.xml").len();
    let summary = sync(s);
    assert!(summary.contains("new stor"), "{summary}");
    assert!(
        server.requests_for("/c.xml").len() > before,
        "Bay Gazette was fetched"
    );
    assert!(
        !server.requests_for("/pages/a-pool").is_empty(),
        "a full-text feed's new story has its page fetched"
    );
    assert_eq!(
        server.requests_for("/pages/c-regatta").len(),
        0,
        "full text off: no page request"
    );
}
