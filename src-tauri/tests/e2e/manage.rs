//! The second slice of the reader: search, offline lead images, managing subscriptions (rename,
//! move, unsubscribe, OPML and bookmark files) and settings kept in the library. No server: the
//! library is written through the library's own API (images included) and every feed URL points
//! at a closed loopback port, so even a sync could reach nothing outside this machine.

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use super::harness::{temp_dir, Harness};
use super::reader::{frame_for, js, key, now, open_id, shot, text_of, wait, ENTER};
use super::webdriver::Session;
use super::APP;

const ESCAPE: &str = "\u{E00C}";
/// The stored lead image's size (the placeholder is 160 × 90).
const LEAD_W: u32 = 37;
const LEAD_H: u32 = 5;

/// A grey `w` × `h` PNG, written by hand (stored deflate blocks), so its width is known.
pub fn png(w: u32, h: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut raw = Vec::new();
    for _ in 0..h {
        raw.push(0); // filter: none
        raw.extend(std::iter::repeat_n(0x80u8, w as usize));
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &zlib);
    chunk(&mut out, b"IEND", &[]);
    out
}

struct Built {
    /// The story whose lead image is not in its body (stored as a 37 × 5 PNG).
    lead_story: i64,
    lead_src: String,
    /// The story whose lead image is also its body's image.
    inline_story: i64,
    inline_src: String,
    harbour_feed: i64,
    gazette_feed: i64,
    /// A story that changed after it was stored (it has a revision).
    updated_story: i64,
}

/// Two feeds on a closed loopback port: "Harbour Wire" (folder News, three stories with
/// "harbour" in their text, images) and "Quiet Gazette" (two stories, one bookmarked).
fn build_library(lib_path: &Path, closed: u16) -> Built {
    use tidings::store::{FeedUpdate, IncomingArticle, Library, NewFeed};
    use tidings::sync::offline_html;
    let base = format!("http://127.0.0.1:{closed}");
    let mut lib = Library::open(lib_path).unwrap();
    let (harbour, _) = lib
        .add_feed(&NewFeed {
            url: format!("{base}/harbour.xml"),
            title: Some("Harbour Wire".into()),
            folder: Some("News".into()),
            trusted_host: true,
            ..NewFeed::default()
        })
        .unwrap();
    let (gazette, _) = lib
        .add_feed(&NewFeed {
            url: format!("{base}/gazette.xml"),
            title: Some("Quiet Gazette".into()),
            trusted_host: true,
            ..NewFeed::default()
        })
        .unwrap();
    let at = now();
    let body_img = format!("{base}/img/boats.png");
    let lead_img = format!("{base}/img/lead.png");
    let inline_img = format!("{base}/img/tide.png");
    let story = |n: i64, title: &str, html: &str, text: &str, lead: Option<&str>| {
        let (html, mut image_urls) = offline_html(html, None);
        if let Some(lead) = lead {
            if !image_urls.iter().any(|u| u == lead) {
                image_urls.insert(0, lead.to_string());
            }
        }
        IncomingArticle {
            item_key: format!("{base}/story/{n}"),
            url: Some(format!("{base}/story/{n}")),
            title: title.into(),
            author: Some("Ada Reporter".into()),
            published_at: Some(at - n * 600),
            teaser_html: None,
            content_html: Some(html),
            content_text: Some(text.into()),
            lead_image: lead.map(Into::into),
            extraction: tidings::store::Extraction::Feed,
            image_urls,
            ..IncomingArticle::default()
        }
    };
    let items = vec![
        story(
            1,
            "Lighthouse keepers meet at the harbour",
            &format!("<p>A cormorant watched the harbour meeting.</p><p><img src=\"{body_img}\" alt=\"Boats\"></p>"),
            "A cormorant watched the harbour meeting.",
            Some(&lead_img),
        ),
        story(
            2,
            "Tide tables published",
            &format!("<p><img src=\"{inline_img}\" alt=\"Tide\"></p><p>The harbour master published the tables.</p>"),
            "The harbour master published the tables.",
            Some(&inline_img),
        ),
        story(
            3,
            "Ferry timetable changes",
            "<p>Ferries leave the harbour earlier from Monday.</p>",
            "Ferries leave the harbour earlier from Monday.",
            None,
        ),
    ];
    let icon_url = format!("{base}/icon.png");
    let with_icon = FeedUpdate {
        icon_url: Some(icon_url.clone()),
        ..FeedUpdate::default()
    };
    lib.store_feed_result(harbour, &with_icon, &items).unwrap();
    lib.store_image(
        &tidings::images::image_key(&icon_url),
        Ok(("image/png", &png(16, 16))),
    )
    .unwrap();
    // The ferry story changed after it was stored: the earlier version is kept as a revision.
    let changed = story(
        3,
        "Ferry timetable changes",
        "<p>Ferries leave the harbour earlier from Monday, and later on Sundays.</p>",
        "Ferries leave the harbour earlier from Monday, and later on Sundays.",
        None,
    );
    lib.store_feed_result(harbour, &FeedUpdate::default(), &[changed])
        .unwrap();
    let gazette_items = vec![
        story(
            4,
            "Gazette keeps a quiet column",
            "<p>Nothing much happened in the village.</p>",
            "Nothing much happened in the village.",
            None,
        ),
        story(
            5,
            "Gazette story worth keeping",
            "<p>A story someone bookmarked.</p>",
            "A story someone bookmarked.",
            None,
        ),
    ];
    lib.store_feed_result(gazette, &FeedUpdate::default(), &gazette_items)
        .unwrap();
    // The lead image was downloaded; the others were not (they show the placeholder).
    let lead_key = tidings::images::image_key(&lead_img);
    lib.store_image(&lead_key, Ok(("image/png", &png(LEAD_W, LEAD_H))))
        .unwrap();
    let id_of = |lib: &Library, title: &str| -> i64 {
        lib.search(&format!("\"{title}\""), 5)
            .unwrap()
            .into_iter()
            .find(|h| h.article.title == title)
            .unwrap_or_else(|| panic!("story {title} not stored"))
            .article
            .id
    };
    let lead_story = id_of(&lib, "Lighthouse keepers meet at the harbour");
    let inline_story = id_of(&lib, "Tide tables published");
    let kept = id_of(&lib, "Gazette story worth keeping");
    let updated_story = id_of(&lib, "Ferry timetable changes");
    assert_eq!(lib.article(updated_story).unwrap().revisions, 1);
    lib.set_bookmarked(kept, true, None).unwrap();
    Built {
        lead_story,
        lead_src: tidings::images::image_src(&lead_img),
        inline_story,
        inline_src: tidings::images::image_src(&inline_img),
        harbour_feed: harbour,
        gazette_feed: gazette,
        updated_story,
    }
}

pub fn management_journeys() {
    let dir = temp_dir("manage");
    let lib_path = dir.join("library.sqlite");
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let built = build_library(&lib_path, closed);
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path), ("HOME", &dir)]);
    let s = h.launch(APP);
    wait(&s, "the first load", "return document.body.dataset.loaded");
    search_as_you_type(&s, &built);
    lead_images_offline(&s, &built);
    story_context_menu(&s, &built);
    settings_are_kept(&s, &built);
    rename_and_move(&s, &built);
    unsubscribe_keeps_bookmarks(&s, &built);
    files(&s, &dir);
    native_file_chooser(&s, &h.display, &dir);
    s.quit().unwrap();
    drop(h);

    // The library file holds what the window did.
    {
        let lib = tidings::store::Library::open(&lib_path).unwrap();
        let feeds = lib.feeds().unwrap();
        let harbour = feeds.iter().find(|f| f.id == built.harbour_feed).unwrap();
        assert_eq!(harbour.title, "Harbour Daily");
        assert_eq!(harbour.folder.as_deref(), Some("Coast"));
        assert!(
            !feeds
                .iter()
                .any(|f| f.id == built.gazette_feed && f.status != "unsubscribed"),
            "the Gazette is unsubscribed"
        );
        assert_eq!(lib.summary().unwrap().bookmarked, 1, "its bookmark is kept");
        assert_eq!(lib.setting("ui.text_size").unwrap().as_deref(), Some("5"));
        assert_eq!(lib.setting("ui.font").unwrap().as_deref(), Some("sans"));
    }

    // A restart reads the settings back from the library: text size, font, pane width.
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path), ("HOME", &dir)]);
    let s = h.launch(APP);
    wait(&s, "the first load", "return document.body.dataset.loaded");
    let saved_width = wait(
        &s,
        "the remembered pane width",
        "return document.documentElement.style.getPropertyValue('--w-sources')",
    );
    let width: i64 = saved_width
        .as_str()
        .unwrap()
        .trim_end_matches("px")
        .parse()
        .unwrap();
    let live = js(
        &s,
        "return Math.round(document.getElementById('sources').getBoundingClientRect().width)",
    );
    assert!(
        (live.as_i64().unwrap() - width).abs() <= 1,
        "{live} vs {width}"
    );
    assert!(width > 260, "the sources pane was dragged wider: {width}");
    all_stories(&s);
    s.click(&format!(".story-row[data-id=\"{}\"]", built.lead_story))
        .unwrap();
    let doc = frame_for(&s, &built.lead_story.to_string());
    assert!(doc.contains("class=\"size-5 font-sans\""), "{doc}");
    shot(&s, "manage-restart-settings.png");
    s.quit().unwrap();
}

fn all_stories(s: &Session) {
    key(s, "ga");
    wait(
        s,
        "All stories",
        "return document.body.dataset.list === 'all' && document.querySelectorAll('.story-row').length >= 3",
    );
}

fn rows(s: &Session) -> Vec<String> {
    js(
        s,
        "return Array.from(document.querySelectorAll('.story-row')).map(r => r.dataset.id)",
    )
    .as_array()
    .unwrap()
    .iter()
    .map(|v| v.as_str().unwrap().to_string())
    .collect()
}

fn search_as_you_type(s: &Session, built: &Built) {
    assert_eq!(rows(s).len(), 5, "five unread stories");
    // "/" focuses the search field.
    key(s, "/");
    assert_eq!(
        js(s, "return document.activeElement.id"),
        "search-input",
        "/ focuses search"
    );
    s.send_keys("#search-input", "cormorant").unwrap();
    let hit = wait(
        s,
        "a highlighted result",
        "return document.body.dataset.list === 'search' \
         && document.querySelectorAll('.story-row').length === 1 \
         ? document.querySelector('.story-row .row-snippet mark')?.textContent : ''",
    );
    assert_eq!(hit.as_str().unwrap().to_lowercase(), "cormorant");
    assert_eq!(rows(s), vec![built.lead_story.to_string()]);
    assert_eq!(
        js(
            s,
            "return document.querySelector('.row-snippet').textContent.includes('watched the harbour')"
        ),
        true
    );
    // Typing on: the results follow (debounced) — three stories mention the harbour.
    js(
        s,
        "document.getElementById('search-input').value = ''; return true;",
    );
    s.send_keys("#search-input", "harbour").unwrap();
    wait(
        s,
        "three results",
        "return document.querySelectorAll('.story-row').length === 3 \
         && document.querySelectorAll('.story-row .row-snippet mark').length >= 3",
    );
    assert!(text_of(s, "#list-title").starts_with("3 results"));
    shot(s, "manage-search.png");
    // Enter opens the first result; j the next.
    s.send_keys("#search-input", ENTER).unwrap();
    let results = rows(s);
    let first = open_id(s);
    assert_eq!(first, results[0]);
    key(s, "j");
    let second = wait(
        s,
        "the second result",
        &format!("const o = document.body.dataset.open; return o && o !== {first:?} ? o : '';"),
    );
    assert_eq!(second.as_str().unwrap(), results[1]);
    key(s, "k");
    wait(
        s,
        "back to the first result",
        &format!("return document.body.dataset.open === {first:?}"),
    );
    // Esc in the field leaves search: back to All unread, less the two stories just read.
    s.send_keys("#search-input", ESCAPE).unwrap();
    wait(
        s,
        "the unread list again",
        "return document.body.dataset.list === 'unread' \
         && document.getElementById('search-input').value === '' \
         && document.querySelectorAll('.story-row').length === 3",
    );
    assert_eq!(text_of(s, "#list-title"), "All unread");
}

fn lead_images_offline(s: &Session, built: &Built) {
    all_stories(s);
    // Feed icons come from the library; a feed without one shows its first letter.
    wait(
        s,
        "the Harbour Wire icon",
        &format!(
            "const i = document.querySelector('.feed[data-feed-id=\"{}\"] img.feed-icon'); \
             return i && i.getAttribute('src').startsWith('tidings-img://localhost/') \
               && i.complete && i.naturalWidth === 16",
            built.harbour_feed
        ),
    );
    assert_eq!(
        js(
            s,
            &format!(
                "return document.querySelector('.feed[data-feed-id=\"{}\"] .feed-icon.letter').textContent",
                built.gazette_feed
            )
        ),
        json!("Q")
    );
    // The list shows the stored lead picture beside its story, and no picture that was not
    // downloaded (the tide image) or not there at all.
    let thumbs = js(
        s,
        "return Array.from(document.querySelectorAll('.story-row')).map(r => { \
           const t = r.querySelector('img.row-thumb'); return [r.dataset.id, t ? t.getAttribute('src') : null]; })",
    );
    for row in thumbs.as_array().unwrap() {
        let id: i64 = row[0].as_str().unwrap().parse().unwrap();
        let expected = (id == built.lead_story).then(|| built.lead_src.clone());
        assert_eq!(row[1].as_str().map(str::to_string), expected, "row {id}");
    }
    wait(
        s,
        "the thumbnail drawn from the library",
        &format!(
            "const t = document.querySelector('.story-row[data-id=\"{}\"] img.row-thumb'); \
             return t && t.complete && t.naturalWidth === {LEAD_W}",
            built.lead_story
        ),
    );
    // A story that changed after it was stored says so.
    s.click(&format!(".story-row[data-id=\"{}\"]", built.updated_story))
        .unwrap();
    frame_for(s, &built.updated_story.to_string());
    assert_eq!(
        js(s, "return document.getElementById('updated-badge').hidden"),
        json!(false)
    );
    let tip = js(s, "return document.getElementById('updated-badge').title");
    assert!(
        tip.as_str().unwrap().contains("1 earlier version is kept"),
        "{tip}"
    );
    shot(s, "manage-updated-story.png");
    s.click(&format!(".story-row[data-id=\"{}\"]", built.lead_story))
        .unwrap();
    let doc = frame_for(s, &built.lead_story.to_string());
    assert_eq!(
        js(s, "return document.getElementById('updated-badge').hidden"),
        json!(true)
    );
    assert_eq!(
        doc.matches(&built.lead_src).count(),
        1,
        "the lead image is shown once: {doc}"
    );
    assert!(doc.contains("class=\"story-lead\""), "{doc}");
    assert!(
        doc.contains("img-src tidings-img:"),
        "the frame's CSP allows the image scheme"
    );
    assert!(
        !doc.contains("http://127.0.0.1"),
        "no image names the network"
    );
    shot(s, "manage-lead-image.png");
    // The lead image is also in the body: not added a second time.
    s.click(&format!(".story-row[data-id=\"{}\"]", built.inline_story))
        .unwrap();
    let doc = frame_for(s, &built.inline_story.to_string());
    assert_eq!(doc.matches(&built.inline_src).count(), 1, "{doc}");
    assert!(!doc.contains("class=\"story-lead\""), "{doc}");

    // The window can't look into the sandboxed frame, but loads the same addresses: the
    // stored picture for the lead image, the placeholder for an unknown key.
    let width = |src: &str| {
        s.execute_async(
            "const done = arguments[arguments.length - 1]; const img = new Image(); \
             img.onload = () => done([img.naturalWidth, img.naturalHeight]); \
             img.onerror = () => done('error'); img.src = arguments[0];",
            json!([src]),
        )
        .unwrap()
    };
    assert_eq!(width(&built.lead_src), json!([LEAD_W, LEAD_H]));
    let unknown = format!("tidings-img://localhost/{}", "0".repeat(32));
    assert_eq!(width(&unknown), json!([160, 90]), "the placeholder");
}

/// A right-click on a story offers what the keys do; here, bookmark and then remove it.
fn story_context_menu(s: &Session, built: &Built) {
    all_stories(s);
    let row = format!(".story-row[data-id=\"{}\"]", built.inline_story);
    let menu_for = |label: &str| {
        js(
            s,
            &format!(
                "const r = document.querySelector('{}').getBoundingClientRect(); \
                 document.querySelector('{}').dispatchEvent(new MouseEvent('contextmenu', \
                   {{bubbles: true, cancelable: true, clientX: r.left + 40, clientY: r.top + 10}})); return true;",
                row.replace('\'', "\\'"),
                row.replace('\'', "\\'")
            ),
        );
        wait(
            s,
            "the story menu",
            &format!(
                "const m = document.getElementById('menu'); \
                 return !m.hidden && m.dataset.menu === 'story:{}' \
                   && m.querySelector('[data-action=toggle-bookmark]').textContent === {label:?}",
                built.inline_story
            ),
        );
    };
    menu_for("Bookmark");
    shot(s, "manage-story-menu.png");
    s.click("#menu [data-action=toggle-bookmark]").unwrap();
    wait(
        s,
        "the bookmark from the menu",
        &format!("return document.querySelector('{row}').classList.contains('bookmarked')"),
    );
    menu_for("Remove bookmark");
    s.click("#menu [data-action=toggle-bookmark]").unwrap();
    wait(
        s,
        "the bookmark removed from the menu",
        &format!("return !document.querySelector('{row}').classList.contains('bookmarked')"),
    );
}

fn settings_are_kept(s: &Session, built: &Built) {
    s.click(&format!(".story-row[data-id=\"{}\"]", built.lead_story))
        .unwrap();
    frame_for(s, &built.lead_story.to_string());
    s.click("#settings-button").unwrap();
    wait(
        s,
        "the settings",
        "return document.getElementById('settings-dialog').open",
    );
    // Tests never sync on their own: the dialog says so.
    assert_eq!(
        js(s, "return document.getElementById('settings-note').hidden"),
        false
    );
    for (id, value) in [("set-text-size", "5"), ("set-font", "sans")] {
        js(
            s,
            &format!(
                "const e = document.getElementById({id:?}); e.value = {value:?}; \
                 e.dispatchEvent(new Event('change', {{ bubbles: true }})); return true;"
            ),
        );
    }
    wait(
        s,
        "the story re-rendered",
        "const f = document.getElementById('story-frame'); \
         return f.srcdoc.includes('class=\"size-5 font-sans\"') && f.dataset.loaded;",
    );
    shot(s, "manage-settings.png");
    s.click("#settings-close").unwrap();
    wait(
        s,
        "the settings closed",
        "return !document.getElementById('settings-dialog').open",
    );
    // Drag the sources pane wider.
    let before = js(
        s,
        "return document.getElementById('sources').getBoundingClientRect().width",
    )
    .as_f64()
    .unwrap();
    s.drag("#resize-sources", 80).unwrap();
    let after = wait(
        s,
        "the wider pane",
        &format!(
            "const w = document.getElementById('sources').getBoundingClientRect().width; \
             return w > {before} + 40 ? w : 0;"
        ),
    );
    assert!(after.as_f64().unwrap() <= before + 81.0, "{after}");
    std::thread::sleep(Duration::from_millis(300)); // the setting is saved on release
    shot(s, "manage-wide-sources.png");
}

fn rename_and_move(s: &Session, built: &Built) {
    // Right-click the feed: its menu.
    js(
        s,
        &format!(
            "const b = document.querySelector('.feed[data-feed-id=\"{}\"]'); const r = b.getBoundingClientRect(); \
             b.dispatchEvent(new MouseEvent('contextmenu', {{ bubbles: true, cancelable: true, clientX: r.left + 20, clientY: r.top + 10 }})); return true;",
            built.harbour_feed
        ),
    );
    wait(
        s,
        "the feed menu",
        "return !document.getElementById('menu').hidden",
    );
    shot(s, "manage-feed-menu.png");
    s.click("#menu [data-action=rename]").unwrap();
    wait(
        s,
        "the edit dialog",
        "return document.getElementById('feed-dialog').open",
    );
    assert_eq!(
        js(s, "return document.activeElement.id"),
        "feed-name",
        "Rename… puts the cursor in the name"
    );
    js(
        s,
        "document.getElementById('feed-name').value = ''; document.getElementById('feed-folder').value = ''; return true;",
    );
    s.send_keys("#feed-name", "Harbour Daily").unwrap();
    s.send_keys("#feed-folder", "Coast").unwrap();
    shot(s, "manage-edit-feed.png");
    s.click("#feed-save").unwrap();
    wait(
        s,
        "the renamed feed in its new folder",
        &format!(
            "const b = document.querySelector('.feed[data-feed-id=\"{}\"]'); \
             return !document.getElementById('feed-dialog').open && b \
             && b.querySelector('.source-name').textContent === 'Harbour Daily' \
             && b.closest('.folder')?.querySelector('.folder-name .source-name').textContent === 'Coast';",
            built.harbour_feed
        ),
    );
    // The empty folder "News" is gone; story rows carry the new name.
    let folders = js(
        s,
        "return Array.from(document.querySelectorAll('.folder-name .source-name')).map(e => e.textContent)",
    );
    assert_eq!(folders, json!(["Coast"]));
    wait(
        s,
        "rows with the new name",
        "return Array.from(document.querySelectorAll('.row-source')).some(e => e.textContent === 'Harbour Daily')",
    );
}

fn unsubscribe_keeps_bookmarks(s: &Session, built: &Built) {
    assert_eq!(text_of(s, "#count-bookmarked"), "1");
    // The feed's "…" button opens the same menu.
    js(
        s,
        &format!(
            "document.querySelector('.feed-more[data-feed-id=\"{}\"]').click(); return true;",
            built.gazette_feed
        ),
    );
    wait(
        s,
        "the feed menu",
        &format!(
            "return document.getElementById('menu').dataset.menu === 'feed:{}' && !document.getElementById('menu').hidden",
            built.gazette_feed
        ),
    );
    s.click("#menu [data-action=unsubscribe]").unwrap();
    wait(
        s,
        "the confirmation",
        "return document.getElementById('unsubscribe-dialog').open",
    );
    let text = js(
        s,
        "return document.querySelector('#unsubscribe-dialog .dialog-body').textContent",
    );
    let text = text.as_str().unwrap();
    assert!(text.contains("“Quiet Gazette”"), "{text}");
    assert!(text.contains("Bookmarked stories are kept"), "{text}");
    shot(s, "manage-unsubscribe.png");
    // Cancel leaves it alone.
    s.click("#unsubscribe-cancel").unwrap();
    assert_eq!(
        js(
            s,
            &format!(
                "return !!document.querySelector('.feed[data-feed-id=\"{}\"]')",
                built.gazette_feed
            )
        ),
        true
    );
    js(
        s,
        &format!(
            "document.querySelector('.feed-more[data-feed-id=\"{}\"]').click(); return true;",
            built.gazette_feed
        ),
    );
    wait(
        s,
        "the feed menu",
        "return !document.getElementById('menu').hidden",
    );
    s.click("#menu [data-action=unsubscribe]").unwrap();
    wait(
        s,
        "the confirmation",
        "return document.getElementById('unsubscribe-dialog').open",
    );
    s.click("#unsubscribe-confirm").unwrap();
    let line = wait(
        s,
        "the feed gone",
        &format!(
            "return !document.getElementById('unsubscribe-dialog').open \
             && !document.querySelector('.feed[data-feed-id=\"{}\"]') \
             ? document.getElementById('status-line').textContent : '';",
            built.gazette_feed
        ),
    );
    assert_eq!(
        line,
        "Unsubscribed from Quiet Gazette; 1 bookmarked story kept."
    );
    assert_eq!(text_of(s, "#count-bookmarked"), "1");
    key(s, "gb");
    wait(
        s,
        "the kept bookmark",
        "return document.body.dataset.list === 'bookmarks' \
         && Array.from(document.querySelectorAll('.row-title')).map(e => e.textContent).join() === 'Gazette story worth keeping'",
    );
}

/// Opens the app menu and, from it, the file dialog of `action`.
fn open_file_dialog(s: &Session, action: &str) {
    s.click("#menu-button").unwrap();
    wait(
        s,
        "the app menu",
        "return !document.getElementById('menu').hidden",
    );
    s.click(&format!("#menu [data-action={action}]")).unwrap();
    wait(
        s,
        "the file dialog",
        "return document.getElementById('file-dialog').open",
    );
}

fn file_action(s: &Session, action: &str, path: &Path) -> String {
    open_file_dialog(s, action);
    js(
        s,
        "document.getElementById('file-path').value = ''; return true;",
    );
    s.send_keys("#file-path", path.to_str().unwrap()).unwrap();
    s.click("#file-submit").unwrap();
    wait(
        s,
        "the file action's outcome",
        "const d = document.getElementById('file-dialog'); const e = document.getElementById('file-error'); \
         return !d.open ? 'closed:' + document.getElementById('status-line').textContent \
                        : (!e.hidden ? 'error:' + e.textContent : '');",
    )
    .as_str()
    .unwrap()
    .to_string()
}

/// "Choose…" opens the desktop's own file chooser (GTK, a real X window: driven with xdotool,
/// since WebDriver sees only the page); the file named there fills the field.
fn native_file_chooser(s: &Session, display: &str, dir: &Path) {
    let xdotool = |args: &[&str]| -> String {
        let out = std::process::Command::new("xdotool")
            .args(args)
            .env("DISPLAY", display)
            .output()
            .expect("xdotool must be installed (make test installs it)");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    open_file_dialog(s, "export-opml");
    s.click("#file-choose").unwrap();
    let start = std::time::Instant::now();
    let chooser = loop {
        let found = xdotool(&[
            "search",
            "--onlyvisible",
            "--name",
            "^Export subscriptions$",
        ]);
        if let Some(id) = found.lines().next().filter(|l| !l.is_empty()) {
            break id.to_string();
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(15),
            "the desktop's file chooser did not open"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    let chosen = dir.join("chosen.opml");
    xdotool(&["windowfocus", "--sync", &chooser]);
    xdotool(&["key", "ctrl+a"]);
    xdotool(&["type", "--delay", "5", chosen.to_str().unwrap()]);
    xdotool(&["key", "Return"]);
    wait(
        s,
        "the chosen path in the field",
        &format!(
            "return document.getElementById('file-path').value === {:?}",
            chosen.to_str().unwrap()
        ),
    );
    s.click("#file-submit").unwrap();
    wait(
        s,
        "the export to the chosen file",
        "return !document.getElementById('file-dialog').open",
    );
    let text = std::fs::read_to_string(&chosen).unwrap();
    assert!(text.contains("Harbour Daily"), "{text}");
}

fn files(s: &Session, dir: &Path) {
    // The suggested path is in the user's home folder.
    s.click("#menu-button").unwrap();
    wait(
        s,
        "the app menu",
        "return !document.getElementById('menu').hidden",
    );
    shot(s, "manage-app-menu.png");
    s.click("#menu [data-action=export-opml]").unwrap();
    wait(
        s,
        "the file dialog",
        "return document.getElementById('file-dialog').open",
    );
    assert_eq!(
        js(s, "return document.getElementById('file-path').value"),
        json!(format!("{}/tidings-subscriptions.opml", dir.display()))
    );
    shot(s, "manage-export-dialog.png");
    s.click("#file-cancel").unwrap();

    let opml = dir.join("out.opml");
    let outcome = file_action(s, "export-opml", &opml);
    assert_eq!(outcome, "closed:Exported 1 subscription.");
    let text = std::fs::read_to_string(&opml).unwrap();
    assert!(
        text.contains("Harbour Daily") && text.contains("Coast") && !text.contains("Gazette"),
        "{text}"
    );
    // Never over an existing file.
    let outcome = file_action(s, "export-opml", &opml);
    assert!(
        outcome.starts_with("error:That file already exists"),
        "{outcome}"
    );
    assert_eq!(std::fs::read_to_string(&opml).unwrap(), text, "untouched");
    s.click("#file-cancel").unwrap();

    let html = dir.join("bookmarks.html");
    assert_eq!(
        file_action(s, "export-html", &html),
        "closed:Exported 1 bookmark."
    );
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("Gazette story worth keeping"), "{page}");
    let epub = dir.join("bookmarks.epub");
    assert_eq!(
        file_action(s, "export-epub", &epub),
        "closed:Exported 1 bookmark."
    );
    assert!(std::fs::read(&epub).unwrap().starts_with(b"PK"));

    // Import: a broken file is refused in the dialog; a good one adds its feeds (on a closed
    // loopback port: the sync that follows reaches nothing).
    let junk = dir.join("junk.opml");
    std::fs::write(&junk, "<rss><channel></channel></rss>").unwrap();
    let outcome = file_action(s, "import-opml", &junk);
    assert!(
        outcome.starts_with("error:That is not an OPML file"),
        "{outcome}"
    );
    s.click("#file-cancel").unwrap();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let list = dir.join("in.opml");
    std::fs::write(
        &list,
        format!(
            "<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>Mine</title></head><body>\
             <outline text=\"Weather\"><outline text=\"Rain Report\" type=\"rss\" xmlUrl=\"http://127.0.0.1:{closed}/rain.xml\"/></outline>\
             <outline text=\"Harbour again\" type=\"rss\" xmlUrl=\"{}\"/></body></opml>",
            text.split("xmlUrl=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap()
        ),
    )
    .unwrap();
    let outcome = file_action(s, "import-opml", &list);
    assert_eq!(outcome, "closed:Imported 2 subscriptions (1 new).");
    wait(
        s,
        "the imported feed in its folder",
        "return Array.from(document.querySelectorAll('.folder-name .source-name')).map(e => e.textContent).includes('Weather') \
         && Array.from(document.querySelectorAll('.feed .source-name')).map(e => e.textContent).includes('Rain Report')",
    );
    // The new feed is synced at once; nothing answers there.
    wait(
        s,
        "the sync after importing",
        "return document.body.dataset.sync === 'idle' && !document.getElementById('sync-summary').hidden",
    );
    shot(s, "manage-imported.png");
}
