//! Saving pages to read later and bringing a read-later archive home, in the real app against a
//! real server on 127.0.0.1: a page with an image saved from the "+" menu with tags, found
//! under Saved and through the Bookmarks tag filter, its tags edited in the reader, then read
//! with the server gone (text and image from the library); a Pocket CSV of local pages (one
//! gone, one hostile) imported from the app menu with its progress and summary, and imported
//! again to show it resumes without fetching anything twice.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::harness::{temp_dir, Harness};
use super::manage::png;
use super::reader::{frame_for, js, shot, text_of, wait, ENTER};

const CONTROL: &str = "\u{E009}";
const ESCAPE: &str = "\u{E00C}";
use super::server::{Reply, Server};
use super::webdriver::Session;
use super::APP;

/// The saved page's picture (37 × 5): its width tells it was drawn from the library.
const IMAGE_W: u32 = 37;

/// An article page of our own words, long enough to be extracted as one.
fn article(title: &str, image: Option<&str>) -> String {
    let figure = image.map_or_else(String::new, |src| {
        format!("<figure><img src=\"{src}\" alt=\"The tide table\" width=\"{IMAGE_W}\" height=\"5\"></figure>")
    });
    let paragraph = |n: usize| {
        format!(
            "<p>Paragraph {n} of {title}: the tide came in over the flats before dawn, and the \
             harbour master wrote the heights down in the old ledger, as her mother had done, \
             while the boats waited at their moorings for the water to lift them free.</p>"
        )
    };
    let body: String = (1..=6).map(paragraph).collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><nav><a href=\"/\">Home</a></nav><article><h1>{title}</h1>{figure}{body}</article>\
         <footer>Harbour notes</footer></body></html>"
    )
}

/// `back`: the page the archive lists as gone is served again (for Retry).
fn serve(path: &str, back: bool) -> Reply {
    match path {
        "/pocket/gone.html" if back => {
            Reply::ok("text/html; charset=utf-8", article("Back again", None))
        }
        "/dropped.html" => Reply::ok("text/html; charset=utf-8", article("Dropped here", None)),
        // A long archive's pages, each slower than the one before: an import to cancel.
        _ if path.starts_with("/slow/") => {
            let n: u64 = path[6..].trim_end_matches(".html").parse().unwrap_or(0);
            Reply::ok(
                "text/html; charset=utf-8",
                article(&format!("Slow {n}"), None),
            )
            .delayed(Duration::from_millis(300 * n))
        }
        "/long-read.html" => Reply::ok(
            "text/html; charset=utf-8",
            article("The tide ledger", Some("/img/tide.png")),
        ),
        "/img/tide.png" => Reply::ok("image/png", png(IMAGE_W, 5)),
        // The archive's pages come slowly, so the window shows the import under way.
        "/pocket/one.html" => Reply::ok("text/html; charset=utf-8", article("Low water", None))
            .delayed(Duration::from_millis(700)),
        "/pocket/two.html" => Reply::ok("text/html; charset=utf-8", article("Spring tides", None))
            .delayed(Duration::from_millis(1400)),
        _ => Reply::not_found(),
    }
}

pub fn saved_pages_journey() {
    let dir = temp_dir("saved");
    let lib_path = dir.join("library.sqlite");
    let back = Arc::new(AtomicBool::new(false));
    let server = {
        let back = Arc::clone(&back);
        Server::start(move |r| serve(&r.path, back.load(Ordering::SeqCst)))
    };
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path)]);
    let s = h.launch(APP);
    wait(
        &s,
        "the window",
        "return document.body.dataset.loaded === 'true'",
    );

    let id = save_from_the_add_menu(&s, &server.url("/long-read.html"));
    // Key a opens the same dialog, the copied address filled in; Esc closes it.
    s.send_keys("#story-list", "a").unwrap();
    wait(
        &s,
        "the save dialog by key",
        &format!(
            "return document.getElementById('save-dialog').open \
             && document.getElementById('save-url').value === {:?}",
            server.url("/long-read.html")
        ),
    );
    s.press(ESCAPE).unwrap();
    wait(
        &s,
        "the save dialog closed",
        "return !document.getElementById('save-dialog').open",
    );
    tags_in_the_reader(&s, &id, &lib_path);
    import_a_pocket_csv(&s, &server, &dir);
    bookmarks_filtered_by_tag(&s, &id);
    cancel_an_import_and_go_on(&s, &server, &dir);
    back.store(true, Ordering::SeqCst);
    retry_a_page_that_was_gone(&s);
    save_a_dropped_link(&s, &server.url("/dropped.html"));

    // The server is gone: the saved page is read from the library, text and image.
    drop(server);
    // Another list first, so the Saved list is surely read again (no row of the old one).
    s.click("[data-list=all]").unwrap();
    wait(
        &s,
        "All stories",
        "return document.body.dataset.list === 'all'",
    );
    s.click("#saved-sources .source").unwrap();
    wait(
        &s,
        "the saved story in the Saved list",
        &format!(
            "return document.body.dataset.list.startsWith('feed:') \
             && !!document.querySelector('.story-row[data-id=\"{id}\"]')"
        ),
    );
    s.click(&format!(".story-row[data-id=\"{id}\"]")).unwrap();
    let doc = frame_for(&s, &id);
    assert!(
        doc.contains("the harbour master wrote the heights down"),
        "{doc}"
    );
    wait(
        &s,
        "the saved image drawn offline",
        &format!(
            "const d = document.getElementById('story-frame').contentDocument; \
             const i = d && d.querySelector('img'); \
             return i && i.getAttribute('src').startsWith('tidings-img://') \
               && i.complete && i.naturalWidth === {IMAGE_W}"
        ),
    );
    shot(&s, "saved-offline.png");
    s.click("#theme-button").unwrap();
    s.click("#theme-button").unwrap();
    shot(&s, "saved-offline-other-theme.png");
    s.quit().unwrap();
    drop(h);
    a_page_named_at_launch_is_offered_for_saving(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `tidings-app https://…` of a page: the add dialog looks for its feed, finds none and offers
/// to save the page, which is saved.
fn a_page_named_at_launch_is_offered_for_saving(dir: &std::path::Path) {
    let server = Server::start(|r| serve(&r.path, false));
    let url = server.url("/long-read.html");
    let lib_path = dir.join("launch.sqlite");
    let h = Harness::start(&[("TIDINGS_LIBRARY", &lib_path)]);
    let s = h.launch_with_args(APP, &[&url]);
    wait(
        &s,
        "the add dialog for the address",
        &format!(
            "const d = document.getElementById('add-dialog'); \
             return d.open && document.getElementById('add-address').value === {url:?}"
        ),
    );
    s.click("#add-submit").unwrap();
    wait(
        &s,
        "the offer to save the page",
        "return !document.getElementById('add-save-instead').hidden",
    );
    s.click("#add-save-instead").unwrap();
    wait(
        &s,
        "the save dialog",
        &format!(
            "return document.getElementById('save-dialog').open \
             && document.getElementById('save-url').value === {url:?}"
        ),
    );
    s.click("#save-submit").unwrap();
    let id = wait(
        &s,
        "the page saved and open",
        "const id = document.body.dataset.savedStory; \
         return id && id === document.body.dataset.open ? id : ''",
    );
    let doc = frame_for(&s, id.as_str().unwrap());
    assert!(doc.contains("Paragraph 1 of The tide ledger"), "{doc}");
    s.quit().unwrap();
}

/// Copies `text` as a person does: typed in a field, selected, Ctrl+C (the field is then
/// emptied again).
fn copy_to_clipboard(s: &Session, text: &str) {
    s.send_keys("#search-input", text).unwrap();
    js(
        s,
        "document.getElementById('search-input').select(); return true",
    );
    s.press_with(CONTROL, "c").unwrap();
    js(
        s,
        "const i = document.getElementById('search-input'); i.value = ''; \
         i.dispatchEvent(new Event('input', { bubbles: true })); i.blur(); return true",
    );
    s.send_keys("#story-list", ESCAPE).unwrap();
}

/// "+" → "Save a page…" (the copied address filled in) and two tags: the story opens when
/// saved, under Saved.
fn save_from_the_add_menu(s: &Session, url: &str) -> String {
    copy_to_clipboard(s, url);
    s.click("#add-button").unwrap();
    wait(
        s,
        "the + menu",
        "return document.getElementById('menu').dataset.menu === 'add' \
         && !document.getElementById('menu').hidden",
    );
    s.click("#menu [data-action=save-page]").unwrap();
    wait(
        s,
        "the save dialog",
        "return document.getElementById('save-dialog').open",
    );
    wait(
        s,
        "the clipboard's address filled in, and focus on the tags",
        &format!(
            "return document.getElementById('save-url').value === {url:?} \
             && document.activeElement === document.getElementById('save-tags')"
        ),
    );
    s.send_keys("#save-tags", "harbour, long reads").unwrap();
    shot(s, "saved-dialog.png");
    s.click("#save-submit").unwrap();
    let id = wait(
        s,
        "the saved story open",
        "return !document.getElementById('save-dialog').open && document.body.dataset.savedStory \
         && document.body.dataset.open === document.body.dataset.savedStory \
         ? document.body.dataset.open : ''",
    )
    .as_str()
    .unwrap()
    .to_string();
    let doc = frame_for(s, &id);
    assert!(doc.contains("The tide ledger"), "{doc}");
    // Under Saved, which is the list showing.
    wait(
        s,
        "the Saved source with its story",
        &format!(
            "const b = document.querySelector('#saved-sources .source'); \
             return b && b.getAttribute('aria-current') === 'true' \
               && document.getElementById('list-title').textContent === 'Saved' \
               && !!document.querySelector('.story-row[data-id=\"{id}\"]')"
        ),
    );
    // Saved is not a subscription: no subscription menu for it.
    assert_eq!(
        js(
            s,
            "return document.querySelectorAll('#feed-tree .feed').length"
        ),
        0
    );
    id
}

fn chips(s: &Session) -> String {
    js(
        s,
        "return Array.from(document.querySelectorAll('#tag-chips .tag-name')).map(t => t.textContent).join('|')",
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// The story's tags under the reader bar: one added with t and Enter, one removed by its ×.
fn tags_in_the_reader(s: &Session, id: &str, lib_path: &std::path::Path) {
    wait(
        s,
        "the story's tags",
        "return document.querySelectorAll('#tag-chips .tag-chip').length === 2",
    );
    assert_eq!(chips(s), "harbour|long reads");
    s.send_keys("#story-list", "t").unwrap();
    wait(
        s,
        "the tag field focused",
        "return document.activeElement === document.getElementById('tag-input')",
    );
    s.send_keys("#tag-input", &format!("neap tides{ENTER}"))
        .unwrap();
    wait(
        s,
        "three tags",
        "return document.querySelectorAll('#tag-chips .tag-chip').length === 3",
    );
    s.click("#tag-chips [aria-label='Remove tag long reads']")
        .unwrap();
    wait(
        s,
        "two tags",
        "return document.querySelectorAll('#tag-chips .tag-chip').length === 2",
    );
    assert_eq!(chips(s), "harbour|neap tides");
    shot(s, "saved-reader-tags.png");
    // Search finds a story by a tag (no "neap" in its text).
    js(
        s,
        "const i = document.getElementById('search-input'); i.value = 'neap tides'; \
         i.dispatchEvent(new Event('input', { bubbles: true })); return true",
    );
    wait(
        s,
        "the story found by its tag",
        &format!(
            "return document.body.dataset.list === 'search' \
             && document.querySelectorAll('.story-row').length === 1 \
             && !!document.querySelector('.story-row[data-id=\"{id}\"]')"
        ),
    );
    s.send_keys("#search-input", ESCAPE).unwrap();
    wait(
        s,
        "the search left",
        "return document.body.dataset.list !== 'search'",
    );
    // The library has them, for this story.
    let lib = tidings::store::Library::open(lib_path).unwrap();
    assert_eq!(
        lib.tags_of(id.parse().unwrap()).unwrap(),
        ["harbour", "neap tides"]
    );
}

/// Bookmarks (the saved page and the three imported) shows its tags with their counts; a tag
/// shows only its stories.
fn bookmarks_filtered_by_tag(s: &Session, id: &str) {
    s.click("[data-list=bookmarks]").unwrap();
    wait(
        s,
        "the tag filter",
        "const b = document.querySelector('#tag-filter [data-key=\"tag:harbour\"]'); \
         return !document.getElementById('tag-filter').hidden && b && b.textContent === 'harbour2' \
           && document.querySelectorAll('.story-row').length === 4",
    );
    s.click("#tag-filter [data-key='tag:neap tides']").unwrap();
    wait(
        s,
        "the stories tagged neap tides",
        &format!(
            "return document.querySelector('#tag-filter [data-key=\"tag:neap tides\"]')\
               .getAttribute('aria-pressed') === 'true' \
             && document.querySelectorAll('.story-row').length === 1 \
             && !!document.querySelector('.story-row[data-id=\"{id}\"]')"
        ),
    );
    shot(s, "saved-bookmarks-tag.png");
    // The archive's tags came with it.
    s.click("#tag-filter [data-key='tag:tides']").unwrap();
    wait(
        s,
        "the stories tagged tides",
        "const rows = document.querySelectorAll('.story-row'); \
         return rows.length === 1 && rows[0].querySelector('.row-title').textContent === 'Low water'",
    );
}

/// App menu → import: a Pocket CSV of three local pages (one gone) and a hostile link.
fn import_a_pocket_csv(s: &Session, server: &Server, dir: &std::path::Path) {
    let csv = dir.join("pocket.csv");
    std::fs::write(
        &csv,
        format!(
            "title,url,time_added,tags,status\n\
             Low water,{},1700000000,harbour|tides,unread\n\
             Spring tides,{},1700000100,,archive\n\
             Gone,{},1700000200,,unread\n\
             Hostile,javascript:alert(1),1700000300,,unread\n",
            server.url("/pocket/one.html"),
            server.url("/pocket/two.html"),
            server.url("/pocket/gone.html"),
        ),
    )
    .unwrap();
    let path = csv.to_string_lossy().into_owned();
    let run = |expect_running: bool| {
        start_import(s, &path);
        if expect_running {
            // Under way: the format named, entries counted, a Cancel offered.
            let during = wait(
                s,
                "the import under way",
                "const c = document.getElementById('import-saved-count').textContent; \
                 return document.getElementById('import-saved-dialog').dataset.running === 'true' \
                   && !document.getElementById('import-saved-stop').hidden \
                   && / of 4 entries/.test(c) ? \
                   document.getElementById('import-saved-format').textContent + ' / ' + c : ''",
            );
            let during = during.as_str().unwrap().to_string();
            assert!(during.contains("Read as a Pocket CSV export"), "{during}");
            shot(s, "saved-import-progress.png");
        }
        import_summary(s)
    };
    let first = run(true);
    assert!(
        first.contains("Imported a Pocket CSV export: 4 entries"),
        "{first}"
    );
    assert!(
        first.contains("Saved 2, already in your library 0, kept as title and link 1, skipped 1"),
        "{first}"
    );
    let problems = text_of(s, "#import-saved-problems");
    assert!(problems.contains("/pocket/gone.html"), "{problems}");
    assert!(problems.contains("javascript:alert(1)"), "{problems}");
    shot(s, "saved-import-summary.png");
    s.click("#import-saved-close").unwrap();

    // Again: every entry was done, nothing is fetched again.
    let fetched = server.requests().len();
    let again = run(false);
    assert!(
        again.contains("entries were done by an earlier import"),
        "{again}"
    );
    assert!(again.contains("Saved 2"), "{again}");
    let new_requests: Vec<String> = server.requests()[fetched..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert!(
        new_requests.iter().all(|p| !p.starts_with("/pocket/")),
        "pages fetched again: {new_requests:?}"
    );
    s.click("#import-saved-close").unwrap();
}

/// The page the import kept as its title and link says why, and Retry fetches it again.
fn retry_a_page_that_was_gone(s: &Session) {
    s.click("#saved-sources .source").unwrap();
    wait(
        s,
        "the gone page under Saved",
        "const row = Array.from(document.querySelectorAll('.story-row')).find((r) => \
           r.querySelector('.row-title').textContent === 'Gone'); \
         if (row) row.click(); return !!row;",
    );
    let reason = wait(
        s,
        "the reason and Retry",
        "const n = document.getElementById('saved-note'); \
         return !n.hidden && document.getElementById('teaser-note').hidden \
           && !document.getElementById('retry-save').disabled \
           ? document.getElementById('saved-reason').textContent : ''",
    );
    let reason = reason.as_str().unwrap().to_string();
    assert!(
        reason.starts_with("Could not get the page — not found (404)"),
        "{reason}"
    );
    shot(s, "saved-unavailable.png");
    let id = js(s, "return document.body.dataset.open");
    let id = id.as_str().unwrap().to_string();
    s.click("#retry-save").unwrap();
    wait(
        s,
        "the page fetched again",
        &format!(
            "const f = document.getElementById('story-frame'); \
             return f.dataset.loaded === {id:?} && f.srcdoc.includes('Paragraph 1 of Back again') \
               && document.getElementById('saved-note').hidden"
        ),
    );
}

/// A link dropped on the window is looked up as a feed; it is a page, which can be saved.
fn save_a_dropped_link(s: &Session, url: &str) {
    js(
        s,
        &format!(
            "const data = new DataTransfer(); data.setData('text/uri-list', {url:?}); \
             document.getElementById('story-list').dispatchEvent(new DragEvent('drop', \
               {{ dataTransfer: data, bubbles: true, cancelable: true }})); return true"
        ),
    );
    wait(
        s,
        "the add dialog offering to save the page",
        &format!(
            "return document.getElementById('add-dialog').open \
             && document.getElementById('add-address').value === {url:?} \
             && !document.getElementById('add-save-instead').hidden"
        ),
    );
    shot(s, "saved-dropped-link.png");
    s.click("#add-save-instead").unwrap();
    wait(
        s,
        "the save dialog with the dropped address",
        &format!(
            "return document.getElementById('save-dialog').open \
             && document.getElementById('save-url').value === {url:?}"
        ),
    );
    let before = js(s, "return document.body.dataset.savedStory");
    s.click("#save-submit").unwrap();
    let id = wait(
        s,
        "the dropped page saved and open",
        &format!(
            "const id = document.body.dataset.savedStory; \
             return id !== {before} && id === document.body.dataset.open ? id : ''"
        ),
    );
    let doc = frame_for(s, id.as_str().unwrap());
    assert!(doc.contains("Paragraph 1 of Dropped here"), "{doc}");
}

/// App menu → "Import a read-later archive…", the file at `path`, Import.
fn start_import(s: &Session, path: &str) {
    s.click("#menu-button").unwrap();
    s.click("#menu [data-action=import-saved]").unwrap();
    wait(
        s,
        "the import dialog",
        "return document.getElementById('import-saved-dialog').open",
    );
    js(
        s,
        "document.getElementById('import-saved-path').value = ''; return true",
    );
    s.send_keys("#import-saved-path", path).unwrap();
    s.click("#import-saved-submit").unwrap();
}

/// The summary once the import has ended.
fn import_summary(s: &Session) -> String {
    wait(
        s,
        "the import's summary",
        "return !document.getElementById('import-saved-summary').hidden \
         && document.getElementById('import-saved-dialog').dataset.running === 'false'",
    );
    text_of(s, "#import-saved-result")
}

/// Cancel stops a long import between entries; importing the file again goes on from there,
/// fetching again only the pages that were under way.
fn cancel_an_import_and_go_on(s: &Session, server: &Server, dir: &std::path::Path) {
    const ENTRIES: usize = 20;
    let csv = dir.join("pocket-long.csv");
    let rows: String = (1..=ENTRIES)
        .map(|n| {
            format!(
                "Slow {n},{},1700001000,,unread\n",
                server.url(&format!("/slow/{n}.html"))
            )
        })
        .collect();
    std::fs::write(&csv, format!("title,url,time_added,tags,status\n{rows}")).unwrap();
    let path = csv.to_string_lossy().into_owned();
    start_import(s, &path);
    wait(
        s,
        "a few entries done",
        "return /^([3-9]|1[0-9]) of 20 entries/.test(document.getElementById('import-saved-count').textContent)",
    );
    s.click("#import-saved-stop").unwrap();
    let stopped = import_summary(s);
    assert!(
        stopped.starts_with("Stopped a Pocket CSV export"),
        "{stopped}"
    );
    assert!(
        stopped.contains("Import the same file again to go on"),
        "{stopped}"
    );
    let done: usize = js(
        s,
        "return document.getElementById('import-saved-bar').value",
    )
    .as_f64()
    .unwrap() as usize;
    assert!(
        (3..ENTRIES).contains(&done),
        "{done} entries done before the cancel"
    );
    shot(s, "saved-import-cancelled.png");
    s.click("#import-saved-close").unwrap();

    start_import(s, &path);
    let again = import_summary(s);
    assert!(
        again.starts_with("Imported a Pocket CSV export: 20 entries"),
        "{again}"
    );
    assert!(again.contains("Saved 20"), "{again}");
    assert!(
        again.contains(&format!("{done} entries were done by an earlier import")),
        "{again}"
    );
    // Each page fetched once, but those under way at the cancel, fetched twice.
    let mut hits = std::collections::HashMap::<String, usize>::new();
    for r in server
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/slow/"))
    {
        *hits.entry(r.path.clone()).or_default() += 1;
    }
    assert_eq!(hits.len(), ENTRIES, "{hits:?}");
    let once = hits.values().filter(|&&n| n == 1).count();
    assert!(hits.values().all(|&n| n <= 2), "{hits:?}");
    assert!(
        once >= done,
        "{done} done before, only {once} pages fetched once: {hits:?}"
    );
    s.click("#import-saved-close").unwrap();
}
