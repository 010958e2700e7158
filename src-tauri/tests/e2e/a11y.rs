//! Accessibility, measured by a real engine in the real app: axe-core is loaded into the
//! running window (WebDriver `execute` of its source) and `axe.run` checks every view: the
//! three panes, the reader, search, bookmarks, the menus, every dialog and settings, the
//! Highlights view and a story with highlights (its marks and its highlights no longer in it;
//! the story frame's own document is checked too), in the light and the dark theme, plus the
//! empty library. A table of every violation is printed; the test fails on any of impact
//! serious or critical.
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

/// An async script: axe on the document it runs in; its violations, or { error }.
const RUN_AXE: &str = "const done = arguments[arguments.length - 1];
     axe.run(document, { resultTypes: ['violations'], iframes: false })
       .then((r) => done(r.violations.map((v) => ({
         rule: v.id, impact: v.impact || 'none', nodes: v.nodes.length,
         example: v.nodes[0] ? v.nodes[0].target.join(' ') : '' }))))
       .catch((e) => done({ error: String(e) }));";

/// Runs axe on the window's document as it is now; the story frame's own document is checked
/// by `check_frame`.
fn check(s: &Session, view: &str) -> Vec<Violation> {
    let result = s
        .execute_async(RUN_AXE, json!([]))
        .unwrap_or_else(|e| panic!("axe.run in {view}: {e}"));
    violations(view, &result)
}

/// Runs axe on the story frame's document, when a story is open. The frame runs no script, so
/// axe (whose checks wait on timers) cannot run in it: it runs in a copy of its document as it
/// is now (marks included), in a frame of the same size over it that may run scripts, loaded
/// there by WebDriver, and removed after.
fn check_frame(s: &Session, view: &str, source: &str) -> Vec<Violation> {
    if js(s, "return !!document.body.dataset.open") != true {
        return Vec::new();
    }
    js(
        s,
        "const story = document.getElementById('story-frame');
         const doc = story.contentDocument.documentElement.cloneNode(true);
         doc.querySelector('meta[http-equiv]').remove();
         const copy = document.createElement('iframe');
         copy.id = 'axe-copy';
         copy.title = story.title;
         const r = story.getBoundingClientRect();
         Object.assign(copy.style, { position: 'fixed', left: r.left + 'px', top: r.top + 'px',
           width: r.width + 'px', height: r.height + 'px', border: '0', zIndex: '100' });
         copy.srcdoc = '<!doctype html>' + doc.outerHTML;
         document.body.append(copy);
         return true;",
    );
    wait(
        s,
        "the copy of the story frame",
        "const f = document.getElementById('axe-copy');
         return f && f.contentDocument && f.contentDocument.readyState === 'complete' && !!f.contentDocument.body;",
    );
    let result = s
        .execute_async_in_frame("#axe-copy", &format!("{source}\n;{RUN_AXE}"))
        .unwrap_or_else(|e| panic!("axe.run in the story frame of {view}: {e}"));
    js(
        s,
        "document.getElementById('axe-copy').remove(); return true",
    );
    violations(&format!("{view}, story frame"), &result)
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

/// Two feeds (one in a folder), a few stories with text, one bookmarked, one read; the first
/// story highlighted twice, with notes, and then revised so one highlight is no longer in it.
fn build_library(lib_path: &Path) {
    use tidings::store::{
        FeedUpdate, HighlightColor, IncomingArticle, Library, NewFeed, Selection,
    };
    let base = "http://127.0.0.1:9";
    let mut lib = Library::open(lib_path).unwrap();
    let at = now();
    let mut ids = Vec::new();
    let mut first_feed = None;
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
                // Links to embedded media too: no words, or a video's poster with no alt text;
                // the name is the title.
                content_html: Some(format!(
                    "<p>The harbour story {n} in calm sentences.</p><p><a href=\"https://example.org/{n}\">More</a></p>\
                     <p><a href=\"https://video.example/{n}\" title=\"Video: video.example\"></a></p>\
                     <p><a href=\"https://video.example/{n}.mp4\" title=\"Video: video.example\">\
                     <img src=\"tidings-img://localhost/poster{n}\" alt=\"\"></a></p>"
                )),
                content_text: Some(format!("The harbour story {n} in calm sentences.")),
                teaser_html: Some(format!("<p>Teaser {n}.</p>")),
                extraction: tidings::store::Extraction::Feed,
                ..IncomingArticle::default()
            })
            .collect();
        lib.store_feed_result(feed, &FeedUpdate::default(), &items)
            .unwrap();
        first_feed = first_feed.or(Some((feed, items)));
        ids.extend(
            lib.search(&format!("\"{name}\""), 10)
                .unwrap()
                .into_iter()
                .map(|h| h.article.id),
        );
    }
    lib.set_bookmarked(ids[1], true, None).unwrap();
    lib.tag(ids[1], &["harbour".into(), "long reads".into()])
        .unwrap();
    // A saved page that could not be had: the Saved source, and the story's reason and Retry.
    lib.store_saved_page(
        &tidings::store::SavedPage {
            url: format!("{base}/gone.html"),
            key: format!("{base}/gone.html"),
            title: "A page that was gone".into(),
            page: tidings::store::PageResult {
                extraction: tidings::store::Extraction::Teaser,
                note: Some("the server answered 404 Not Found".into()),
                ..Default::default()
            },
            ..Default::default()
        },
        &tidings::store::SavedMarks {
            tags: vec!["later".into()],
            ..Default::default()
        },
        None,
    )
    .unwrap();
    lib.set_read(ids[2], true).unwrap();
    add_unreachable_account(&mut lib);
    let words = |exact: &str| Selection::Words {
        exact: exact.into(),
        occurrence: None,
    };
    // The first story of the first feed.
    let (feed, mut items) = first_feed.unwrap();
    let story = &mut items[0];
    let first = lib
        .search(&format!("\"{}\"", story.title), 5)
        .unwrap()
        .into_iter()
        .find(|hit| hit.article.title == story.title)
        .unwrap()
        .article
        .id;
    lib.add_highlight(
        first,
        &words("harbour story"),
        HighlightColor::Green,
        Some("A note that is said"),
    )
    .unwrap();
    lib.add_highlight(
        first,
        &words("calm sentences"),
        HighlightColor::Pink,
        Some("Kept though gone"),
    )
    .unwrap();
    story.content_html = Some("<p>The harbour story, since retold in plain words.</p>".into());
    story.content_text = Some("The harbour story, since retold in plain words.".into());
    lib.store_feed_result(feed, &FeedUpdate::default(), &items)
        .unwrap();
    assert_eq!(
        lib.highlights(Some(first))
            .unwrap()
            .iter()
            .map(|h| h.orphaned)
            .collect::<Vec<_>>(),
        [false, true]
    );
}

/// A reader-server account (plain http, confirmed) with one feed in a folder, whose server was
/// unreachable at the last sync: the sources pane and the Accounts dialog show its status.
fn add_unreachable_account(lib: &mut tidings::store::Library) {
    use tidings::store::{AccountStatus, AccountSyncResult, NewAccount, RemoteFeed};
    let id = lib
        .add_account(&NewAccount {
            server_url: "http://192.0.2.7/api/greader.php".into(),
            username: "ada".into(),
            name: "ada@192.0.2.7".into(),
            credential_key: "account-a11y".into(),
            credential_store: "file".into(),
            plain_http: true,
        })
        .unwrap();
    let feed = RemoteFeed {
        stream_id: "feed/1".into(),
        url: "http://127.0.0.1:9/remote.xml".into(),
        title: "Remote Tide Notes".into(),
        site_url: None,
        folder: Some("Remote".into()),
        icon_url: None,
    };
    lib.apply_account_subscriptions(id, &[feed]).unwrap();
    let failed = AccountSyncResult::Failed {
        status: AccountStatus::Unreachable,
        error: "server unreachable: could not connect to http://192.0.2.7/api/greader.php",
        retry_after: None,
    };
    lib.record_account_sync(id, failed).unwrap();
}

/// Opens the story with highlights and waits for its marks and its list of highlights no
/// longer in it.
fn open_highlighted_story(s: &Session) {
    click(s, "[data-list=all]");
    wait(
        s,
        "the highlighted story in All stories",
        "const row = Array.from(document.querySelectorAll('.story-row')).find((r) =>
           r.querySelector('.row-title').textContent === 'Harbour Wire: harbour story number 0');
         if (row) row.click(); return !!row;",
    );
    wait(
        s,
        "the story marked",
        "const f = document.getElementById('story-frame');
         return f.dataset.marked && f.contentDocument.querySelector('mark[data-highlight-id]')
           && !document.getElementById('orphans').hidden",
    );
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

/// Shows `theme` ("light" or "dark"), clicking the theme button by script (also while a
/// modal dialog makes it inert to a real click).
pub fn set_theme(s: &Session, theme: &str) {
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
        wait(s, "bookmarks", "return document.body.dataset.list === 'bookmarks' && document.querySelectorAll('.story-row').length === 3 \
             && document.querySelectorAll('#tag-filter .tag-filter-button').length === 4");
    }),
    ("bookmarks with a tag", |s| {
        click(s, "[data-list=bookmarks]");
        wait(
            s,
            "the tag filter",
            "return !!document.querySelector('#tag-filter [data-key=\"tag:harbour\"]')",
        );
        click(s, "#tag-filter [data-key=\"tag:harbour\"]");
        wait(s, "one tagged story", "return document.body.dataset.list === 'tag:harbour' && document.querySelectorAll('.story-row').length === 1");
    }),
    ("saved page that could not be had", |s| {
        click(s, "#saved-sources .source");
        wait(
            s,
            "the Saved list",
            "return document.querySelectorAll('.story-row').length === 1",
        );
        click(s, ".story-row");
        wait(
            s,
            "its reason, Retry and tags",
            "return document.getElementById('story-frame').dataset.loaded && !document.getElementById('saved-note').hidden \
             && document.querySelectorAll('#tag-chips .tag-chip').length === 1",
        );
    }),
    ("add menu", |s| {
        click(s, "#add-button");
        wait(
            s,
            "the menu",
            "return document.getElementById('menu').dataset.menu === 'add' && !document.getElementById('menu').hidden",
        );
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
        click(s, "#menu [data-action=add-feed]");
        open_dialog(s, "add-dialog");
    }),
    ("save dialog", |s| {
        click(s, "#add-button");
        click(s, "#menu [data-action=save-page]");
        open_dialog(s, "save-dialog");
    }),
    ("import archive dialog", |s| {
        click(s, "#menu-button");
        click(s, "#menu [data-action=import-saved]");
        open_dialog(s, "import-saved-dialog");
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
    ("accounts", |s| {
        click(s, "#settings-button");
        click(s, "#settings-accounts");
        wait(
            s,
            "the accounts",
            "return document.querySelectorAll('#account-list .account-item').length === 1",
        );
    }),
    ("add account", |s| {
        click(s, "#settings-button");
        click(s, "#settings-accounts");
        click(s, "#account-add");
        open_dialog(s, "account-dialog");
        // As after a refused plain-http address: the confirmation and an error shown.
        js(
            s,
            "document.getElementById('account-http').hidden = false;              const e = document.getElementById('account-error');              e.textContent = 'The server refused the sign-in (HTTP 401).'; e.hidden = false; return true",
        );
    }),
    ("storage", |s| {
        click(s, "#settings-button");
        click(s, "#settings-storage");
        wait(
            s,
            "the storage figures",
            "return document.getElementById('storage-dialog').dataset.state === 'measured'",
        );
    }),
    ("remove account", |s| {
        click(s, "#settings-button");
        click(s, "#settings-accounts");
        click(s, "#account-list [data-action=remove]");
        open_dialog(s, "account-remove-dialog");
    }),
    ("keyboard help", |s| {
        click(s, "#help-button");
        open_dialog(s, "help-dialog");
    }),
    ("rules editor", |s| {
        click(s, "#menu-button");
        click(s, "#menu [data-action=rules]");
        open_dialog(s, "rules-dialog");
        js(
            s,
            "const i = document.getElementById('rule-pattern'); i.value = 'harbour'; \
             i.dispatchEvent(new Event('input', { bubbles: true })); return true;",
        );
        wait(
            s,
            "the rule's preview",
            "return document.getElementById('rule-preview').dataset.checked",
        );
    }),
    ("feed settings", |s| {
        click(s, ".feed-more");
        click(s, "#menu [data-action=feed-settings]");
        open_dialog(s, "feed-settings-dialog");
    }),
    ("story with highlights", open_highlighted_story),
    ("highlights view", |s| {
        click(s, "[data-list=highlights]");
        wait(
            s,
            "the Highlights view",
            "return document.getElementById('highlight-list').dataset.count === '2'",
        );
    }),
    ("highlight words dialog", |s| {
        open_highlighted_story(s);
        click(s, "#highlight-button");
        open_dialog(s, "words-dialog");
    }),
    ("note dialog", |s| {
        open_highlighted_story(s);
        click(s, "#orphan-list [data-action=note]");
        open_dialog(s, "note-dialog");
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
            all.extend(check_frame(&s, &view, &source));
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
