//! Accessibility, measured by a real engine in the real app: axe-core is loaded into the
//! running window (WebDriver `execute` of its source) and `axe.run` checks every view: the
//! three panes, the reader, search, bookmarks, the menus, every dialog and settings, in the
//! light and the dark theme, plus the empty library. A table of every violation is printed;
//! the test fails on any of impact serious or critical.
//!
//! axe-core is third-party code and is not in the repo: `scripts/install-deps test` installs the
//! version pinned in `a11y/package-lock.json` into `~/.cache/tidings/axe` (or `TIDINGS_AXE_DIR`).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::harness::{temp_dir, Harness};
use super::reader::{js, now, shot, wait};
use super::webdriver::Session;
use super::APP;

/// axe-core's script, from the cache `scripts/install-deps test` fills.
fn axe_source() -> String {
    let dir = std::env::var_os("TIDINGS_AXE_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/tidings/axe")))
        .expect("HOME or TIDINGS_AXE_DIR");
    let script = dir.join("node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&script).unwrap_or_else(|e| {
        panic!(
            "axe-core is not installed at {} ({e}): run scripts/install-deps test",
            script.display()
        )
    })
}

/// One violation of one rule in one view.
#[derive(Debug, Clone)]
struct Violation {
    view: String,
    rule: String,
    impact: String,
    nodes: u64,
    example: String,
}

/// Runs axe on the window's document as it is now; the story frame's own document is checked
/// by `check_frame`.
fn check(s: &Session, view: &str) -> Vec<Violation> {
    let result = s
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { resultTypes: ['violations'], iframes: false })
               .then((r) => done(r.violations.map((v) => ({
                 rule: v.id, impact: v.impact || 'none', nodes: v.nodes.length,
                 example: v.nodes[0] ? v.nodes[0].target.join(' ') : '' }))))
               .catch((e) => done({ error: String(e) }));",
            json!([]),
        )
        .unwrap_or_else(|e| panic!("axe.run in {view}: {e}"));
    violations(view, &result)
}

fn violations(view: &str, result: &Value) -> Vec<Violation> {
    let list = result
        .as_array()
        .unwrap_or_else(|| panic!("axe failed in {view}: {result}"));
    list.iter()
        .map(|v| Violation {
            view: view.to_string(),
            rule: v["rule"].as_str().unwrap_or_default().to_string(),
            impact: v["impact"].as_str().unwrap_or_default().to_string(),
            nodes: v["nodes"].as_u64().unwrap_or_default(),
            example: v["example"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

/// Loads axe into the window (once per page load).
fn load_axe(s: &Session, source: &str) {
    let loaded = s
        .execute(&format!("{source}\n;return typeof axe.run"), json!([]))
        .unwrap_or_else(|e| panic!("loading axe-core: {e}"));
    assert_eq!(loaded, "function", "axe-core did not load");
}

/// Two feeds (one in a folder), a few stories with text, one bookmarked, one read.
fn build_library(lib_path: &Path) {
    use tidings::store::{FeedUpdate, IncomingArticle, Library, NewFeed};
    let base = "http://127.0.0.1:9";
    let mut lib = Library::open(lib_path).unwrap();
    let at = now();
    let mut ids = Vec::new();
    for (f, (name, folder)) in [("Harbour Wire", Some("News")), ("Quiet Gazette", None)]
        .into_iter()
        .enumerate()
    {
        let (feed, _) = lib
            .add_feed(&NewFeed {
                url: format!("{base}/feed{f}.xml"),
                title: Some(name.into()),
                folder: folder.map(Into::into),
                ..NewFeed::default()
            })
            .unwrap();
        let items: Vec<IncomingArticle> = (0..4)
            .map(|n| IncomingArticle {
                item_key: format!("{base}/{f}/story/{n}"),
                url: Some(format!("{base}/{f}/story/{n}")),
                title: format!("{name}: harbour story number {n}"),
                author: Some("Ada Reporter".into()),
                published_at: Some(at - (n + 4 * f as i64) * 3000),
                content_html: Some(format!(
                    "<p>The harbour story {n} in calm sentences.</p><p><a href=\"https://example.org/{n}\">More</a></p>"
                )),
                content_text: Some(format!("The harbour story {n} in calm sentences.")),
                teaser_html: Some(format!("<p>Teaser {n}.</p>")),
                extraction: tidings::store::Extraction::Feed,
                ..IncomingArticle::default()
            })
            .collect();
        lib.store_feed_result(feed, &FeedUpdate::default(), &items)
            .unwrap();
        ids.extend(
            lib.search(&format!("\"{name}\""), 10)
                .unwrap()
                .into_iter()
                .map(|h| h.article.id),
        );
    }
    lib.set_bookmarked(ids[1], true, None).unwrap();
    lib.set_read(ids[2], true).unwrap();
}

/// Closes any dialog or menu and goes back to "All unread" with no story open.
fn reset(s: &Session) {
    js(
        s,
        "for (const d of document.querySelectorAll('dialog[open]')) d.close();
         document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
         document.querySelector('[data-list=unread]').click();
         return true;",
    );
    wait(
        s,
        "All unread, nothing open",
        "return document.body.dataset.list === 'unread' && !document.body.dataset.open \
         && document.getElementById('menu').hidden && !document.querySelector('dialog[open]')",
    );
}

fn set_theme(s: &Session, theme: &str) {
    for _ in 0..3 {
        if js(s, "return document.body.dataset.theme") == theme {
            return;
        }
        click(s, "#theme-button");
    }
    assert_eq!(js(s, "return document.body.dataset.theme"), theme);
}

/// A click by script: this test looks at views, the keyboard journey drives them.
fn click(s: &Session, css: &str) {
    let found = js(
        s,
        &format!("const e = document.querySelector({css:?}); if (e) e.click(); return !!e;"),
    );
    assert_eq!(found, true, "nothing to click at {css}");
}

fn open_dialog(s: &Session, dialog: &str) {
    wait(
        s,
        dialog,
        &format!("return document.getElementById({dialog:?}).open"),
    );
}

/// Each view: a name and how to get there from `reset`.
type View = (&'static str, fn(&Session));

const VIEWS: &[View] = &[
    ("three panes", |s| {
        click(s, ".story-row");
        wait(s, "a selected row", "return document.body.dataset.open");
        js(
            s,
            "document.getElementById('back-button').click(); return true",
        );
    }),
    ("reader", |s| {
        click(s, ".story-row");
        wait(
            s,
            "the story",
            "return document.getElementById('story-frame').dataset.loaded",
        );
    }),
    ("search", |s| {
        js(
            s,
            "const i = document.getElementById('search-input'); i.value = 'harbour'; \
             i.dispatchEvent(new Event('input', { bubbles: true })); return true;",
        );
        wait(s, "results", "return document.body.dataset.list === 'search' && document.querySelectorAll('.story-row').length > 0");
    }),
    ("bookmarks", |s| {
        click(s, "[data-list=bookmarks]");
        wait(s, "bookmarks", "return document.body.dataset.list === 'bookmarks' && document.querySelectorAll('.story-row').length === 1");
    }),
    ("app menu", |s| {
        click(s, "#menu-button");
        wait(
            s,
            "the menu",
            "return !document.getElementById('menu').hidden",
        );
    }),
    ("feed menu", |s| {
        click(s, ".feed-more");
        wait(
            s,
            "the menu",
            "return !document.getElementById('menu').hidden",
        );
    }),
    ("story menu", |s| {
        js(
            s,
            "document.querySelector('.story-row').dispatchEvent(new MouseEvent('contextmenu', \
             { bubbles: true, cancelable: true, clientX: 300, clientY: 200 })); return true;",
        );
        wait(
            s,
            "the menu",
            "return !document.getElementById('menu').hidden",
        );
    }),
    ("add dialog", |s| {
        click(s, "#add-button");
        open_dialog(s, "add-dialog");
    }),
    ("edit subscription", |s| {
        click(s, ".feed-more");
        click(s, "#menu [data-action=rename]");
        open_dialog(s, "feed-dialog");
    }),
    ("unsubscribe", |s| {
        click(s, ".feed-more");
        click(s, "#menu [data-action=unsubscribe]");
        open_dialog(s, "unsubscribe-dialog");
    }),
    ("import OPML", |s| {
        click(s, "#menu-button");
        click(s, "#menu [data-action=import-opml]");
        open_dialog(s, "file-dialog");
    }),
    ("export bookmarks", |s| {
        click(s, "#menu-button");
        click(s, "#menu [data-action=export-epub]");
        open_dialog(s, "file-dialog");
    }),
    ("settings", |s| {
        click(s, "#settings-button");
        open_dialog(s, "settings-dialog");
    }),
    ("keyboard help", |s| {
        click(s, "#help-button");
        open_dialog(s, "help-dialog");
    }),
];

/// Prints a table of the views (violations by impact) and one of every violation, and returns
/// those of impact serious or critical.
fn report<'a>(views: &[String], all: &'a [Violation]) -> Vec<&'a Violation> {
    const IMPACTS: [&str; 4] = ["critical", "serious", "moderate", "minor"];
    println!("axe-core: {} views, {} violations", views.len(), all.len());
    println!("| {:<28} | critical | serious | moderate | minor |", "view");
    for view in views {
        let n = |impact: &str| {
            all.iter()
                .filter(|v| &v.view == view && v.impact == impact)
                .count()
        };
        println!(
            "| {:<28} | {:>8} | {:>7} | {:>8} | {:>5} |",
            view,
            n(IMPACTS[0]),
            n(IMPACTS[1]),
            n(IMPACTS[2]),
            n(IMPACTS[3])
        );
    }
    println!(
        "| {:<28} | {:<24} | {:<8} | {:>5} | example",
        "view", "rule", "impact", "nodes"
    );
    for v in all {
        println!(
            "| {:<28} | {:<24} | {:<8} | {:>5} | {}",
            v.view, v.rule, v.impact, v.nodes, v.example
        );
    }
    all.iter()
        .filter(|v| IMPACTS[..2].contains(&v.impact.as_str()))
        .collect()
}

pub fn every_view_passes_axe() {
    let source = axe_source();
    let mut all = Vec::new();
    let mut views = Vec::new();

    let dir = temp_dir("a11y");
    let lib = dir.join("library.sqlite");
    build_library(&lib);
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib)]);
    let s = h.launch(APP);
    wait(&s, "the library", "return document.body.dataset.loaded");
    load_axe(&s, &source);
    for theme in ["light", "dark"] {
        set_theme(&s, theme);
        for (name, go) in VIEWS {
            reset(&s);
            go(&s);
            let view = format!("{name} ({theme})");
            all.extend(check(&s, &view));
            views.push(view);
            shot(&s, &format!("a11y-{}-{theme}.png", name.replace(' ', "-")));
        }
    }
    s.quit().unwrap();
    drop(h);

    let empty_dir = temp_dir("a11y-empty");
    let h = Harness::start(&[("TIDINGS_LIBRARY", &empty_dir.join("library.sqlite"))]);
    let s = h.launch(APP);
    wait(
        &s,
        "the empty library",
        "return document.body.dataset.state === 'empty'",
    );
    load_axe(&s, &source);
    for theme in ["light", "dark"] {
        set_theme(&s, theme);
        let view = format!("empty library ({theme})");
        all.extend(check(&s, &view));
        views.push(view);
    }
    s.quit().unwrap();

    let serious: Vec<String> = report(&views, &all)
        .iter()
        .map(|v| format!("{}: {} ({})", v.view, v.rule, v.example))
        .collect();
    assert!(
        serious.is_empty(),
        "{} serious or critical accessibility violations:\n{}",
        serious.len(),
        serious.join("\n")
    );
}
