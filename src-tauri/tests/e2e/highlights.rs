//! The highlights journey, in the real app on a real library file, with the library itself as
//! the second witness. A feed served on 127.0.0.1 brings a story (synced with `r`); passages
//! are selected with the mouse in the story frame (WebDriver pointer actions at the text's
//! place on screen), highlighted with `h`, noted with `n`; they are found in the Highlights
//! view, jumped to, searched for and exported as Markdown through the menu. The feed then
//! revises the story: the highlight whose words went is listed as no longer in it, kept. After
//! a restart on the same library the story is still marked; screenshots in light and dark.
//!
//! First, the text the window reads from the story frame (ui/story-text.js) is checked against
//! the text the library stored for real stories: pages of the readability corpus (`../shared`)
//! run through the library's extractor as a sync would (no network: stored by the test).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde_json::json;
use tidings::store::{ArticleFilter, Extraction, FeedUpdate, IncomingArticle, Library, NewFeed};

use super::harness::{screenshot_dir, temp_dir, Harness};
use super::keyboard::{press, ARROW_DOWN, ESCAPE, F10, TAB};
use super::reader::{js, now, shot, wait, ENTER};
use super::server::{Reply, Server};
use super::webdriver::Session;
use super::APP;

const ARROW_RIGHT: &str = "\u{E014}";
const CONTROL: &str = "\u{E009}";

const STORY_TITLE: &str = "The keeper's log";

/// The served story, first as published, then revised (its second paragraph rewritten).
fn story_html(revised: bool) -> String {
    let lamp_room = if revised {
        "<p>Up there the lamp room was swept daily, and the brass shone like a second sun.</p>"
    } else {
        "<p>Up there the lamp room smelled of <em>paraffin</em> and salt, and the brass shone like a second sun.</p>"
    };
    format!(
        "<p>Every evening the keeper climbed the ninety-one steps to the lamp room; at six the tide \
         turned, and the gulls went quiet.</p>{lamp_room}<h2>Storm season</h2><p>In November the wind came \
         from the west for nine days. The keeper wrote that the tide turned twice in one night, which \
         no almanac allowed.</p><ul><li>Wicks trimmed at dusk</li><li>Glass polished at dawn</li></ul>\
         <blockquote><p>Keep the light, and the light keeps them.</p></blockquote><p>When the relief \
         boat came, it brought letters, flour and a new logbook.</p>"
    )
}

/// An RSS 2.0 feed of the one story, its text in the feed (no link: no page to fetch).
fn feed_xml(revised: bool) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Keeper's Log</title>\
         <link>http://127.0.0.1/</link><description>A lighthouse</description><item>\
         <title>{STORY_TITLE}</title><guid isPermaLink=\"false\">keeper-log-1</guid>\
         <description><![CDATA[{}]]></description></item></channel></rss>",
        story_html(revised)
    )
}

/// The readability corpus's pages in `../shared`, by name.
fn corpus_pages() -> Vec<(String, Vec<u8>)> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/readability-test-pages");
    let mut pages: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the readability corpus at {}: {e}", dir.display()))
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let source = std::fs::read(path.join("source.html")).ok()?;
            Some((path.file_name()?.to_string_lossy().into_owned(), source))
        })
        .collect();
    pages.sort();
    pages
}

/// A library subscribed to the served feed, and a second feed holding corpus pages extracted
/// and stored as the sync's page stage stores them. Returns the corpus stories' ids.
fn build_library(lib_path: &Path, feed_url: &str, corpus_url: &str) -> Vec<(i64, String)> {
    let mut lib = Library::open(lib_path).unwrap();
    lib.add_feed(&NewFeed {
        url: feed_url.to_string(),
        title: Some("Keeper's Log".into()),
        trusted_host: true,
        ..NewFeed::default()
    })
    .unwrap();
    let (corpus, _) = lib
        .add_feed(&NewFeed {
            url: corpus_url.to_string(),
            title: Some("Corpus".into()),
            trusted_host: true,
            ..NewFeed::default()
        })
        .unwrap();
    let at = now() - 86_400;
    let mut extracted = Vec::new();
    for (name, source) in corpus_pages() {
        let url = url::Url::parse(&format!("http://127.0.0.1:9/{name}/")).unwrap();
        if let Ok(article) = tidings::extract::extract(&source, &url) {
            extracted.push((name, url, article));
        }
    }
    let items: Vec<IncomingArticle> = extracted
        .iter()
        .enumerate()
        .map(|(i, (name, url, _))| IncomingArticle {
            item_key: name.clone(),
            url: Some(url.to_string()),
            title: format!("Corpus page {name}"),
            published_at: Some(at - i as i64 * 60),
            teaser_html: Some("<p>A page of the corpus.</p>".into()),
            extraction: Extraction::Pending,
            ..IncomingArticle::default()
        })
        .collect();
    lib.store_feed_result(corpus, &FeedUpdate::default(), &items)
        .unwrap();
    let filter = ArticleFilter {
        feed_id: Some(corpus),
        ..ArticleFilter::default()
    };
    let stored = lib.articles(&filter, i64::MAX, 0).unwrap();
    let mut ids = Vec::new();
    for (name, _, article) in extracted {
        let title = format!("Corpus page {name}");
        let id = stored.iter().find(|a| a.title == title).unwrap().id;
        let (content_html, _) = tidings::sync::offline_html(&article.content_html, None);
        let page = tidings::store::PageResult {
            extraction: Extraction::Full,
            note: None,
            content_html: Some(content_html),
            content_text: Some(article.text),
            author: article.byline,
            // No image is recorded to download: the corpus's images are on the internet.
            lead_image: None,
            lang: article.lang,
            dir: article.dir,
            word_count: Some(article.word_count as i64),
            image_urls: Vec::new(),
            canonical_url: None,
            published_at: None,
        };
        lib.store_page_result(id, &page).unwrap();
        ids.push((id, name));
    }
    ids
}

/// The story's text as the window reads it from the frame, once story `id` is open and marked.
const OPEN_AND_READ: &str = "const [id] = arguments; const done = arguments[arguments.length - 1];
    Promise.all([import('./reader-pane.js'), import('./story-text.js')]).then(async ([pane, text]) => {
      await pane.openStory(id, false);
      const frame = document.getElementById('story-frame');
      for (let t = 0; frame.dataset.marked !== String(id); t += 20) {
        if (t > 20000) return done({ error: 'story ' + id + ' never marked' });
        await new Promise((r) => setTimeout(r, 20));
      }
      const started = performance.now();
      const read = text.storyText(frame.contentDocument);
      done({ text: read.text, ms: performance.now() - started });
    }).catch((e) => done({ error: String(e) }));";

/// The visible characters of `text` (what anchoring compares).
fn visible(text: &str) -> String {
    text.chars()
        .filter(|c| !tidings::annotations::is_ignorable(*c))
        .collect()
}

/// For every corpus story the window reads the same visible characters as the library stored
/// (all that anchoring compares), and nearly always the same text to the character. (Not
/// always: a <pre> that starts with a line break loses it when the stored HTML is parsed
/// again, by HTML's own rule, so the whitespace can differ there.)
fn window_text_agrees_with_the_library(s: &Session, lib_path: &Path, ids: &[(i64, String)]) {
    let lib = Library::open(lib_path).unwrap();
    let mut exact = 0;
    let mut differ = Vec::new();
    let mut slowest = (0.0, String::new());
    for (id, name) in ids {
        let read = s
            .execute_async(OPEN_AND_READ, json!([id]))
            .unwrap_or_else(|e| panic!("reading {name}: {e}"));
        let window = read["text"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: {read}"));
        let stored = lib.article(*id).unwrap().content_text.unwrap_or_default();
        let ms = read["ms"].as_f64().unwrap_or_default();
        if ms > slowest.0 {
            slowest = (ms, format!("{name}, {} chars", stored.chars().count()));
        }
        if window == stored {
            exact += 1;
            continue;
        }
        // Where they part: in their visible characters, and in the texts as read.
        let around = |a: &str, b: &str| {
            let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
            let near =
                |t: &str| -> String { t.chars().skip(at.saturating_sub(20)).take(50).collect() };
            format!("at {at}: window {:?}, library {:?}", near(a), near(b))
        };
        let (w, l) = (visible(window), visible(&stored));
        differ.push(format!(
            "{name}: visible characters {} ({}); the texts differ {}",
            if w == l { "agree" } else { "DIFFER" },
            around(&w, &l),
            around(window, &stored),
        ));
    }
    println!(
        "story text: {exact} of {} corpus stories read exactly as the library stored them",
        ids.len()
    );
    println!(
        "story text: the slowest read took {:.0} ms ({})",
        slowest.0, slowest.1
    );
    for line in &differ {
        println!("  {line}");
    }
    assert!(ids.len() >= 50, "only {} corpus pages extracted", ids.len());
    assert!(
        differ
            .iter()
            .all(|d| d.contains(": visible characters agree")),
        "the window reads other characters than the library stored:\n{}",
        differ.join("\n")
    );
    assert!(
        differ.len() * 20 <= ids.len(),
        "more than one story in 20 read with other whitespace than the library's"
    );
}

/// Where on screen (window viewport, CSS pixels) the first character of the `nth` `start` and
/// the last of the next `end` after it stand in the story frame, scrolled into view first.
fn text_points(s: &Session, start: &str, nth: usize, end: &str) -> ((i64, i64), (i64, i64)) {
    let v = s
        .execute(
            "const [start, nth, end] = arguments;
             const frame = document.getElementById('story-frame');
             const doc = frame.contentDocument;
             const nodes = []; let text = '';
             const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
             for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push([n, text.length]); text += n.data; }
             let from = -1;
             for (let k = 0; k < nth; k++) from = text.indexOf(start, from + 1);
             const to = text.indexOf(end, from) + end.length - 1;
             if (from < 0 || to < from) return null;
             const place = (i) => { let j = nodes.length - 1; while (nodes[j][1] > i) j--; return [nodes[j][0], i - nodes[j][1]]; };
             const box = (i) => { const [n, o] = place(i); const r = doc.createRange(); r.setStart(n, o); r.setEnd(n, o + 1); return r.getBoundingClientRect(); };
             place(from)[0].parentElement.scrollIntoView({ block: 'center' });
             const f = frame.getBoundingClientRect(), a = box(from), b = box(to);
             return [Math.round(f.left + a.left + 1), Math.round(f.top + a.top + a.height / 2),
                     Math.round(f.left + b.right - 1), Math.round(f.top + b.top + b.height / 2)];",
            json!([start, nth, end]),
        )
        .unwrap();
    let n = |i: usize| {
        v[i].as_i64()
            .unwrap_or_else(|| panic!("{start:?}…{end:?} not in the story: {v}"))
    };
    ((n(0), n(1)), (n(2), n(3)))
}

/// Selects from the `nth` `start` to the next `end` with the mouse, as a user drags.
fn drag_select(s: &Session, start: &str, nth: usize, end: &str) {
    let (from, to) = text_points(s, start, nth, end);
    s.mouse_between(0, from, to).unwrap();
    // The app gives the keyboard back to the list after a click in the story (the frame runs
    // no script, so keys pressed in it would reach nothing).
    wait(
        s,
        "the keyboard back in the window",
        "return document.activeElement && document.activeElement.id === 'story-list'",
    );
}

/// The highlights marked in the frame: [[id, text, classes, title]] in document order (one
/// entry per highlight, its marks' text joined).
fn frame_marks(s: &Session) -> Vec<(i64, String, String, String)> {
    let v = js(
        s,
        "const doc = document.getElementById('story-frame').contentDocument;
         const out = [];
         for (const m of doc.querySelectorAll('mark[data-highlight-id]')) {
           const id = Number(m.dataset.highlightId);
           const seen = out.find((e) => e[0] === id);
           if (seen) seen[1] += m.textContent; else out.push([id, m.textContent, m.className, m.title]);
         }
         return out;",
    );
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e[0].as_i64().unwrap(),
                e[1].as_str().unwrap().to_string(),
                e[2].as_str().unwrap().to_string(),
                e[3].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn wait_marked(s: &Session, id: i64, marks: usize) {
    wait(
        s,
        &format!("story {id} with {marks} highlights marked"),
        &format!(
            "const f = document.getElementById('story-frame');
             if (f.dataset.marked !== '{id}') return false;
             const ids = new Set(Array.from(f.contentDocument.querySelectorAll('mark[data-highlight-id]'), (m) => m.dataset.highlightId));
             return ids.size === {marks};"
        ),
    );
}

/// Clicks story `id`'s row once the list shows it (a sync redraws the list).
fn click_row(s: &Session, id: i64) {
    wait(
        s,
        &format!("story {id} in the list, clicked"),
        &format!("const row = document.getElementById('story-{id}'); if (row) row.click(); return !!row;"),
    );
}

/// Every highlight in the library, newest first (the second witness).
fn stored(lib_path: &Path) -> Vec<tidings::store::Highlight> {
    Library::open(lib_path).unwrap().highlights(None).unwrap()
}

/// Where (in chars) `words` stand in the story's stored text.
fn places_in_story(lib_path: &Path, story: i64, words: &str) -> Vec<usize> {
    let lib = Library::open(lib_path).unwrap();
    let text = lib.article(story).unwrap().content_text.unwrap_or_default();
    text.match_indices(words)
        .map(|(at, _)| text[..at].chars().count())
        .collect()
}

/// The id of the one story of the served feed.
fn story_id(lib_path: &Path) -> i64 {
    let lib = Library::open(lib_path).unwrap();
    let stories = lib
        .articles(&ArticleFilter::default(), i64::MAX, 0)
        .unwrap();
    stories.iter().find(|a| a.title == STORY_TITLE).unwrap().id
}

pub fn highlights_journey() {
    let dir = temp_dir("highlights");
    let lib_path = dir.join("library.sqlite");
    let notes_dir = dir.join("notes");
    let revised = Arc::new(AtomicBool::new(false));
    let server = {
        let revised = Arc::clone(&revised);
        Server::start(move |req| match req.path.as_str() {
            "/feed.xml" => Reply::ok(
                "application/rss+xml",
                feed_xml(revised.load(Ordering::SeqCst)),
            ),
            "/corpus.xml" => Reply::ok(
                "application/rss+xml",
                "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Corpus</title>\
                 <link>http://127.0.0.1/</link><description>Pages</description></channel></rss>",
            ),
            _ => Reply::not_found(),
        })
    };
    let ids = build_library(
        &lib_path,
        &server.url("/feed.xml"),
        &server.url("/corpus.xml"),
    );

    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path)]);
    let s = h.launch(APP);
    wait(&s, "the library", "return document.body.dataset.loaded");
    window_text_agrees_with_the_library(&s, &lib_path, &ids);

    // Sync with r: the feed's story arrives; open it.
    press(&s, ESCAPE);
    press(&s, "r");
    wait(
        &s,
        "the synced story",
        &format!(
            "return document.body.dataset.sync === 'idle' && Array.from(document.querySelectorAll('.row-title')).some((t) => t.textContent === {STORY_TITLE:?})"
        ),
    );
    let story = story_id(&lib_path);
    click_row(&s, story);
    wait_marked(&s, story, 0);
    make_highlights(&s, &lib_path, story);
    find_them_again(&s, &lib_path, story, &notes_dir);

    // The feed revises the story: the first highlight's words are gone from it.
    revised.store(true, Ordering::SeqCst);
    press(&s, "r");
    wait(
        &s,
        "the revision synced",
        "return document.body.dataset.sync === 'idle'",
    );
    no_longer_in_the_story(&s, &lib_path, story);
    s.quit().unwrap();
    drop(h);

    after_a_restart(&lib_path, story);
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Three highlights made with the mouse and `h` (one inside a paragraph across an <em>, the
/// second place of repeated words, one across a list item and a quote), a note with `n`.
fn make_highlights(s: &Session, lib_path: &Path, story: i64) {
    assert_eq!(
        js(
            s,
            "return document.getElementById('bookmark-toggle').getAttribute('aria-pressed')"
        ),
        "false"
    );
    drag_select(s, "the lamp room smelled", 1, "and salt");
    press(s, "h");
    wait_marked(s, story, 1);
    let marks = frame_marks(s);
    assert_eq!(marks[0].1, "the lamp room smelled of paraffin and salt");
    assert!(marks[0].2.contains("hl-yellow"), "{marks:?}");
    // A highlighted story is bookmarked, and the window shows it at once.
    wait(
        s,
        "the bookmark shown",
        &format!(
            "return document.getElementById('bookmark-toggle').getAttribute('aria-pressed') === 'true' \
             && document.getElementById('story-{story}').classList.contains('bookmarked')"
        ),
    );
    let lib = stored(lib_path);
    assert_eq!(lib.len(), 1);
    assert_eq!(lib[0].text, "the lamp room smelled of paraffin and salt");
    assert_eq!(lib[0].article_id, story);

    // n: the caret is in the new highlight, so n writes its note (Ctrl+Enter saves).
    press(s, "n");
    wait(
        s,
        "the note dialog",
        "return document.getElementById('note-dialog').open",
    );
    assert_eq!(
        js(
            s,
            "return document.getElementById('note-quote').textContent"
        ),
        "the lamp room smelled of paraffin and salt"
    );
    press(s, "For the memoir: paraffin, brine, quiet");
    s.press_with(CONTROL, ENTER).unwrap();
    wait(
        s,
        "the note saved",
        "return !document.getElementById('note-dialog').open",
    );
    wait_marked(s, story, 1);
    assert_eq!(
        frame_marks(s)[0].3,
        "Highlight. Note: For the memoir: paraffin, brine, quiet"
    );
    assert_eq!(
        stored(lib_path)[0].note.as_deref(),
        Some("For the memoir: paraffin, brine, quiet")
    );

    // Words the story has twice, selected where they stand the second time: the library
    // tells the two apart by what surrounds them, and marks the one selected.
    drag_select(s, "the tide turned", 2, "the tide turned");
    press(s, "h");
    wait_marked(s, story, 2);
    let tide = stored(lib_path)[0].clone();
    assert_eq!(tide.text, "the tide turned");
    let places = places_in_story(lib_path, story, "the tide turned");
    assert_eq!(places.len(), 2, "{places:?}");
    assert_eq!(
        tide.start as usize, places[1],
        "the second place, as selected"
    );
    let marked = js(
        s,
        &format!(
            "return document.getElementById('story-frame').contentDocument
               .querySelector('mark[data-highlight-id=\"{}\"]').closest('p').textContent",
            tide.id
        ),
    );
    assert!(marked.as_str().unwrap().contains("almanac"), "{marked}");

    // Across a list item and a quote; then its colour changed to green in the dialog.
    drag_select(s, "Glass polished", 1, "Keep the light");
    press(s, "h");
    wait_marked(s, story, 3);
    let across = stored(lib_path)[0].clone();
    assert_eq!(
        visible(&across.text),
        visible("Glass polished at dawn Keep the light")
    );
    press(s, "n");
    wait(
        s,
        "the note dialog",
        "return document.getElementById('note-dialog').open",
    );
    press(s, &format!("{TAB}{ARROW_RIGHT}{ENTER}"));
    wait(
        s,
        "the colour saved",
        "return !document.getElementById('note-dialog').open",
    );
    wait(
        s,
        "the green marks",
        &format!(
            "return document.getElementById('story-frame').contentDocument.querySelectorAll('mark.hl-green[data-highlight-id=\"{}\"]').length === 2",
            across.id
        ),
    );
    assert_eq!(
        stored(lib_path)[0].color,
        tidings::store::HighlightColor::Green
    );
    shot(s, "highlights-story-light.png");
}

/// The Highlights view (g then h), a jump to a highlight, search on a note, the Markdown
/// export from the menu.
fn find_them_again(s: &Session, lib_path: &Path, story: i64, notes_dir: &Path) {
    press(s, ESCAPE);
    press(s, "gh");
    wait(
        s,
        "the Highlights view",
        "return document.body.dataset.list === 'highlights' && document.getElementById('highlight-list').dataset.count === '3'",
    );
    assert_eq!(
        js(
            s,
            "return document.getElementById('count-highlights').textContent"
        ),
        "3"
    );
    let entries = js(
        s,
        "return Array.from(document.querySelectorAll('#highlight-list li'), (li) => [
           li.querySelector('.hl-story').textContent, li.querySelector('.hl-words').textContent,
           li.querySelector('.hl-note') ? li.querySelector('.hl-note').textContent : null])",
    );
    assert_eq!(entries[0][0], STORY_TITLE);
    assert_eq!(entries[1][1], "the tide turned");
    assert_eq!(
        entries[2],
        json!([
            STORY_TITLE,
            "the lamp room smelled of paraffin and salt",
            "For the memoir: paraffin, brine, quiet"
        ])
    );
    shot(s, "highlights-view-light.png");

    // Go to the oldest: its story opens, scrolled to it, outlined, the caret in it (n edits it).
    let oldest = stored(lib_path)[2].id;
    js(
        s,
        &format!(
            "document.querySelector('#highlight-list li[data-highlight-id=\"{oldest}\"] [data-action=go]').focus(); return true"
        ),
    );
    press(s, ENTER);
    wait_marked(s, story, 3);
    wait(
        s,
        "the highlight in view",
        &format!(
            "const f = document.getElementById('story-frame');
             const m = f.contentDocument.querySelector('mark.hl-at[data-highlight-id=\"{oldest}\"]');
             if (!m) return false;
             const r = m.getBoundingClientRect();
             return r.top >= 0 && r.bottom <= f.clientHeight;"
        ),
    );
    press(s, "n");
    wait(
        s,
        "its note",
        "return document.getElementById('note-dialog').open",
    );
    assert_eq!(
        js(s, "return document.getElementById('note-text').value"),
        "For the memoir: paraffin, brine, quiet"
    );
    press(s, ESCAPE);

    // Search finds the note's words; the hit opens the story.
    press(s, ESCAPE);
    press(s, "/memoir");
    wait(
        s,
        "the hit",
        &format!(
            "return document.body.dataset.list === 'search' && document.querySelectorAll('.story-row').length === 1 \
             && !!document.getElementById('story-{story}')"
        ),
    );
    press(s, ENTER);
    wait_marked(s, story, 3);
    press(s, ESCAPE);
    press(s, ESCAPE);

    // The Markdown export, from the app menu: a folder, each story a file with its highlights.
    press(s, F10);
    press(s, &ARROW_DOWN.repeat(4));
    assert_eq!(
        js(s, "return document.activeElement.dataset.action"),
        "export-markdown"
    );
    press(s, ENTER);
    wait(
        s,
        "the export dialog",
        "return document.getElementById('file-dialog').open",
    );
    press(s, &format!("{}{ENTER}", notes_dir.display()));
    wait(
        s,
        "the export",
        "return document.getElementById('status-line').textContent === 'Exported 1 bookmark as Markdown.'",
    );
    let files: Vec<PathBuf> = std::fs::read_dir(notes_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let markdown = std::fs::read_to_string(&files[0]).unwrap();
    // Beside the screenshots, for a person to read.
    std::fs::write(screenshot_dir().join("highlights-export.md"), &markdown).unwrap();
    for expected in [
        "## Highlights",
        "> the lamp room smelled of paraffin and salt",
        "For the memoir: paraffin, brine, quiet",
        "> the tide turned\n",
    ] {
        assert!(markdown.contains(expected), "{expected:?} in:\n{markdown}");
    }
}

/// After the revision: the highlight whose words went is listed under the story, kept with its
/// note; the others are still marked where their words are.
fn no_longer_in_the_story(s: &Session, lib_path: &Path, story: i64) {
    let lamp = stored(lib_path)
        .into_iter()
        .find(|h| h.text.contains("paraffin"))
        .unwrap();
    assert!(lamp.orphaned, "the library keeps it as orphaned");
    press(s, "ga");
    click_row(s, story);
    wait_marked(s, story, 2);
    wait(
        s,
        "the list of highlights no longer in the story",
        "return !document.getElementById('orphans').hidden",
    );
    assert_eq!(
        js(
            s,
            "return Array.from(document.querySelectorAll('#orphan-list li'), (li) => \
             [li.querySelector('.hl-words').textContent, li.querySelector('.hl-note').textContent])"
        ),
        json!([[
            "the lamp room smelled of paraffin and salt",
            "For the memoir: paraffin, brine, quiet"
        ]])
    );
    assert_eq!(
        js(
            s,
            "return document.getElementById('orphans-title').textContent"
        ),
        "1 highlight no longer in this story"
    );
    assert_eq!(stored(lib_path).len(), 3, "never dropped");
}

/// A restart on the same library: the story is still marked, in light and dark; the
/// highlight no longer in it is removed from its list (by the user: the library loses it).
fn after_a_restart(lib_path: &Path, story: i64) {
    let h = Harness::start(&[("TIDINGS_LIBRARY", lib_path)]);
    let s = h.launch(APP);
    wait(&s, "the library", "return document.body.dataset.loaded");
    press(&s, "gb");
    wait(
        &s,
        "the bookmarks",
        &format!("return !!document.getElementById('story-{story}')"),
    );
    click_row(&s, story);
    wait_marked(&s, story, 2);
    let marks = frame_marks(&s);
    assert_eq!(marks[0].1, "the tide turned");
    assert!(marks[1].2.contains("hl-green"), "{marks:?}");
    for theme in ["light", "dark"] {
        js(
            &s,
            &format!("import('./settings.js').then((m) => m.applyTheme({theme:?})); return true"),
        );
        wait(
            &s,
            "the theme",
            &format!("return document.body.dataset.theme === {theme:?}"),
        );
        wait_marked(&s, story, 2);
        shot(&s, &format!("highlights-story-restarted-{theme}.png"));
    }
    press(&s, "gh");
    wait(
        &s,
        "the Highlights view",
        "return document.getElementById('highlight-list').dataset.count === '3'",
    );
    shot(&s, "highlights-view-dark.png");
    // The highlight no longer in the story, removed from the list under it.
    let gone = stored(lib_path).into_iter().find(|h| h.orphaned).unwrap();
    js(
        &s,
        &format!(
            "document.querySelector('#highlight-list li[data-highlight-id=\"{}\"] [data-action=go]').click(); return true",
            gone.id
        ),
    );
    wait(
        &s,
        "its entry under the story",
        &format!(
            "return document.activeElement && document.activeElement.closest('#orphan-list li[data-highlight-id=\"{}\"]')",
            gone.id
        ),
    );
    js(
        &s,
        &format!(
            "document.querySelector('#orphan-list li[data-highlight-id=\"{}\"] [data-action=remove]').click(); return true",
            gone.id
        ),
    );
    wait(
        &s,
        "the list gone",
        "return document.getElementById('orphans').hidden",
    );
    assert_eq!(stored(lib_path).len(), 2);
    words_typed(&s, lib_path, story);
    right_click_in_the_story(&s);
    s.quit().unwrap();
}

/// h with nothing selected asks for the words (the keyboard's way to highlight): words that
/// stand twice are refused until the place is given.
fn words_typed(s: &Session, lib_path: &Path, story: i64) {
    js(
        s,
        "document.getElementById('story-frame').contentDocument.getSelection().removeAllRanges(); \
         document.getElementById('story-list').focus(); return true",
    );
    press(s, "h");
    wait(
        s,
        "the words dialog",
        "return document.getElementById('words-dialog').open",
    );
    press(s, &format!("the light{ENTER}"));
    wait(
        s,
        "the words refused",
        "return !document.getElementById('words-error').hidden",
    );
    let said = js(
        s,
        "return document.getElementById('words-error').textContent",
    );
    assert!(said.as_str().unwrap().contains("2 times"), "{said}");
    press(s, &format!("{TAB}2{ENTER}"));
    wait(
        s,
        "the dialog closed",
        "return !document.getElementById('words-dialog').open",
    );
    wait_marked(s, story, 3);
    let newest = stored(lib_path)[0].clone();
    assert_eq!(newest.text, "the light");
    let places = places_in_story(lib_path, story, "the light");
    assert_eq!(newest.start as usize, places[1], "{places:?}");
}

/// Why the highlight commands are on keys, the reader bar and the story's menu, not on a
/// right-click in the story: a `contextmenu` listener the window adds to the frame's document
/// is not heard when the user right-clicks there (WebKit runs no listener in a frame without
/// `allow-scripts`, whoever added it). Should that change, the story's own menu could offer
/// them too.
fn right_click_in_the_story(s: &Session) {
    js(
        s,
        "document.getElementById('story-frame').contentDocument.addEventListener('contextmenu', \
         () => (document.body.dataset.heard = 'contextmenu')); return true",
    );
    let (at, _) = text_points(s, "the tide turned", 2, "the tide turned");
    s.mouse_between(2, at, at).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(
        js(s, "return document.body.dataset.heard || null"),
        json!(null),
        "the window heard a right-click in the story frame: it may offer its own menu there"
    );
}
