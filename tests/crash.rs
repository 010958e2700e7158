//! Crash safety: `tidings sync` killed with SIGKILL at random moments, again and again, against
//! a slow local server. After every kill the library opens, passes `integrity_check`, and still
//! holds every article and bookmark (with its note) committed before. The same for `tidings
//! import`, `tidings retention --apply` and `tidings vacuum` over a filled library. Each test
//! counts where its kills landed and fails when too few landed inside the operation.

use std::collections::HashSet;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tidings::store::{ArticleFilter, Library, NewFeed};

use crate::support::library::{fill_library, temp_library};
use crate::support::{Lcg, Request, Response, TestServer};

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

    let path = temp_library("crash", "sync");
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

    let seed = test_seed();
    eprintln!("sync crash test seed: {seed}");
    let mut rng = Lcg(seed);
    let mut kills = Kills::default();
    let mut committed: HashSet<i64> = HashSet::new();
    let mut bookmark: Option<i64> = None;
    for kill in 0..KILLS {
        // Mid-sync: the run had reached the network (its first request came in) and not
        // finished.
        let asked_before = server.total_hits();
        run_killed(
            &path,
            &["sync", "--force"],
            Duration::from_millis(rng.next(400)),
            &mut kills,
            |_| server.total_hits() > asked_before,
        );
        let what = format!("sync kill {kill} (seed {seed})");
        let mut lib = reopen(&path, &what);
        let now = article_ids(&lib);
        let lost: Vec<_> = committed.difference(&now).collect();
        assert!(lost.is_empty(), "{what}: lost articles {lost:?}");
        assert_feeds_whole(&path, &what);
        if let Some(id) = bookmark {
            assert_bookmarks(&lib, &[id], &what);
        } else if let Some(&id) = now.iter().next() {
            lib.set_bookmarked(id, true, Some(&note_for(id))).unwrap();
            bookmark = Some(id);
        }
        committed = now;
    }
    kills.assert_enough("sync");
    assert!(
        bookmark.is_some(),
        "no sync ever committed anything in {KILLS} runs"
    );
    // A last sync to the end completes normally over the library the kills left.
    timed_run(&path, &["sync", "--force", "--feeds-only"]);
    let lib = reopen(&path, "final sync");
    assert_eq!(lib.summary().unwrap().articles, (FEEDS * 20) as i64);
    assert_bookmarks(&lib, bookmark.as_slice(), "final sync");
}

// ---------------------------------------------------------------------------------------------
// SIGKILL during `tidings import`, `tidings retention --apply` and `tidings vacuum`: each run
// killed at a random moment in its measured full duration (or up to half as long again past
// it, so some runs finish), against a library big enough that most kills land inside the
// operation. After every kill: the library
// opens, `integrity_check` is ok, everything committed before is there, bookmarks are there,
// and the operation took effect whole or not at all.

/// Where the kills of one test landed.
#[derive(Debug, Default)]
struct Kills {
    /// Runs started.
    runs: usize,
    /// Runs still going when the kill came (the others had finished).
    killed: usize,
    /// Killed inside the operation itself: after start-up (process start and library open,
    /// timed by `tidings summary`), or for sync, after its first request reached the server.
    mid_operation: usize,
}

impl Kills {
    /// Fails when too few kills landed inside the operation: the library is too small for the
    /// test to mean anything. (About half of them do on two cores; a fifth leaves room for a
    /// fast or a busy machine.)
    fn assert_enough(&self, what: &str) {
        eprintln!("{what}: {self:?}");
        assert!(
            self.mid_operation * 5 >= self.runs,
            "{what}: only {} of {} kills landed mid-operation ({self:?})",
            self.mid_operation,
            self.runs
        );
    }
}

fn tidings_cmd(path: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tidings"));
    cmd.arg("--library")
        .arg(path)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

/// Runs `tidings args` to the end and returns how long it took.
fn timed_run(path: &Path, args: &[&str]) -> Duration {
    let start = Instant::now();
    let status = tidings_cmd(path, args).status().unwrap();
    assert!(status.success(), "tidings {args:?}: {status}");
    start.elapsed()
}

/// Process start-up and library open: the fastest of three `tidings summary` runs.
fn startup_time(path: &Path) -> Duration {
    (0..3)
        .map(|_| timed_run(path, &["summary"]))
        .min()
        .unwrap_or_default()
}

/// Starts `tidings args`, SIGKILLs it after `after` unless it has exited, and records where the
/// kill landed: `inside(elapsed)`, asked just before the kill, says whether the operation had
/// begun.
fn run_killed(
    path: &Path,
    args: &[&str],
    after: Duration,
    kills: &mut Kills,
    inside: impl FnOnce(Duration) -> bool,
) {
    let start = Instant::now();
    let mut child = tidings_cmd(path, args).spawn().unwrap();
    std::thread::sleep(after);
    kills.runs += 1;
    if child.try_wait().unwrap().is_none() {
        let mid_operation = inside(start.elapsed());
        let _ = child.kill(); // SIGKILL
        kills.killed += 1;
        if mid_operation {
            kills.mid_operation += 1;
        }
    }
    let _ = child.wait();
}

/// A kill moment anywhere in a run of `full` (and half as long again, so some runs finish).
fn kill_after(rng: &mut Lcg, full: Duration) -> Duration {
    let ms = (full.as_millis() as u64 * 3 / 2).max(1);
    Duration::from_millis(rng.next(ms))
}

fn test_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(7)
}

/// Opens the library after a kill and checks the file itself.
fn reopen(path: &Path, what: &str) -> Library {
    let lib = Library::open(path).unwrap_or_else(|e| panic!("{what}: library does not open: {e}"));
    assert_eq!(lib.integrity_check().unwrap(), "ok", "{what}");
    lib
}

fn article_ids(lib: &Library) -> HashSet<i64> {
    lib.articles(&ArticleFilter::default(), i64::MAX, 0)
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect()
}

/// Every feed was written whole or not at all, whatever batch it was written in: its 20
/// stories and its fetch state (`last_success_at`) together, or neither.
fn assert_feeds_whole(path: &Path, what: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT f.id, f.last_success_at IS NOT NULL,
                (SELECT count(*) FROM articles a WHERE a.feed_id = f.id)
             FROM feeds f ORDER BY f.id",
        )
        .unwrap();
    let feeds = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap);
    for (feed, fetched, stories) in feeds {
        assert!(
            (fetched, stories) == (true, 20) || (fetched, stories) == (false, 0),
            "{what}: feed {feed} is half written: {stories} stories, fetch state kept: {fetched}"
        );
    }
}

/// The note bookmark `id` carries in these tests.
fn note_for(id: i64) -> String {
    format!("note {id}")
}

/// Bookmarks `ids` with a note each.
fn bookmark_all(path: &Path, ids: &[i64]) {
    let mut lib = Library::open(path).unwrap();
    for &id in ids {
        lib.set_bookmarked(id, true, Some(&note_for(id))).unwrap();
    }
}

fn assert_bookmarks(lib: &Library, ids: &[i64], what: &str) {
    for &id in ids {
        let a = lib
            .article(id)
            .unwrap_or_else(|e| panic!("{what}: bookmarked article {id} gone: {e}"));
        assert!(a.bookmarked, "{what}: article {id} lost its bookmark");
        assert_eq!(
            a.note.as_deref(),
            Some(note_for(id).as_str()),
            "{what}: article {id} lost its note"
        );
    }
}

#[test]
fn sigkill_during_opml_import_keeps_each_import_whole() {
    const KILLS: usize = 25;
    const PER_FILE: usize = 2500;
    let path = temp_library("crash", "import");
    let ids = fill_library(&path, 4, 25, 400);
    let bookmarks = [ids[0], ids[ids.len() - 1]];
    bookmark_all(&path, &bookmarks);
    let articles = article_ids(&Library::open(&path).unwrap());
    let dir = path.parent().unwrap().to_path_buf();
    // Batch `b` is one OPML file of PER_FILE feeds on its own host, in nested folders.
    let host = |b: usize| format!("https://b{b}.example/");
    let opml_file = |b: usize| -> String {
        let mut body = String::new();
        for folder in 0..10 {
            body.push_str(&format!(
                "<outline text=\"Batch {b}\"><outline text=\"Topic {folder}\">"
            ));
            for i in (folder..PER_FILE).step_by(10) {
                body.push_str(&format!(
                    "<outline type=\"rss\" text=\"Feed {i} &amp; more\" xmlUrl=\"{}feed/{i}.xml\" htmlUrl=\"{}{i}/\"/>\n",
                    host(b),
                    host(b)
                ));
            }
            body.push_str("</outline></outline>\n");
        }
        let file = dir.join(format!("batch-{b}.opml"));
        std::fs::write(
            &file,
            format!("<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>Batch {b}</title></head><body>{body}</body></opml>"),
        )
        .unwrap();
        file.to_string_lossy().into_owned()
    };
    // Feeds per batch, as stored.
    let batches = |lib: &Library| -> std::collections::HashMap<String, (usize, usize)> {
        let mut counts = std::collections::HashMap::new();
        for feed in lib.feeds_for_export().unwrap() {
            if let Some(rest) = feed.url.strip_prefix("https://b") {
                let b = rest.split('.').next().unwrap_or_default().to_string();
                let entry = counts.entry(b).or_insert((0, 0));
                entry.0 += 1;
                if feed.folder.is_some() {
                    entry.1 += 1;
                }
            }
        }
        counts
    };

    let startup = startup_time(&path);
    let full = timed_run(&path, &["import", &opml_file(0)]);
    let seed = test_seed();
    eprintln!("import crash test seed: {seed}; start-up {startup:?}, one import {full:?}");
    let mut rng = Lcg(seed);
    let mut kills = Kills::default();
    let mut complete: HashSet<String> = HashSet::from(["0".to_string()]);
    for kill in 0..KILLS {
        let file = opml_file(kill + 1);
        run_killed(
            &path,
            &["import", &file],
            kill_after(&mut rng, full),
            &mut kills,
            |at| at > startup,
        );
        let what = format!("import kill {kill} (seed {seed})");
        let lib = reopen(&path, &what);
        let now = batches(&lib);
        for (b, &(feeds, in_folders)) in &now {
            assert_eq!(feeds, PER_FILE, "{what}: batch {b} imported in part");
            assert_eq!(in_folders, PER_FILE, "{what}: batch {b} lost folders");
        }
        for b in &complete {
            assert!(now.contains_key(b), "{what}: imported batch {b} lost");
        }
        complete.extend(now.into_keys());
        assert_eq!(article_ids(&lib), articles, "{what}: articles changed");
        assert_bookmarks(&lib, &bookmarks, &what);
    }
    eprintln!(
        "import: {} of {} batches committed",
        complete.len(),
        KILLS + 1
    );
    kills.assert_enough("import");
    // A killed file imported again over what the kills left completes.
    if let Some(b) = (0..=KILLS).find(|b| !complete.contains(&b.to_string())) {
        timed_run(&path, &["import", &opml_file(b)]);
        let lib = reopen(&path, "final import");
        assert_eq!(
            batches(&lib).get(&b.to_string()),
            Some(&(PER_FILE, PER_FILE))
        );
    }
}

#[test]
fn sigkill_during_retention_deletes_all_or_nothing_and_never_a_bookmark() {
    const KILLS: usize = 25;
    const SLICE: usize = 150;
    let path = temp_library("crash", "retention");
    let ids = fill_library(&path, 41, 100, 600);
    // A slice for each of the two timed runs and for each killed run.
    assert!(ids.len() >= SLICE * (KILLS + 2));
    // One in 25 articles is bookmarked, old ones included: retention must skip them.
    let bookmarks: Vec<i64> = ids.iter().copied().step_by(25).collect();
    bookmark_all(&path, &bookmarks);
    {
        let mut lib = Library::open(&path).unwrap();
        lib.set_retention(tidings::store::Retention {
            read_days: Some(1),
            unread_days: Some(2),
        })
        .unwrap();
    }
    // Ages slice `s` past the rules (half read, half unread); returns its unbookmarked ids.
    let age_slice = |s: usize| -> HashSet<i64> {
        let slice = &ids[s * SLICE..(s + 1) * SLICE];
        let mut conn = crate::store::raw_connection(&path);
        let tx = conn.transaction().unwrap();
        let long_ago = chrono::Utc::now().timestamp() - 10 * 86_400;
        for (n, id) in slice.iter().enumerate() {
            tx.execute(
                "UPDATE articles SET fetched_at = ?1 WHERE id = ?2",
                rusqlite::params![long_ago, id],
            )
            .unwrap();
            tx.execute(
                "UPDATE article_status SET read = ?1 WHERE article_id = ?2",
                rusqlite::params![(n % 2) as i64, id],
            )
            .unwrap();
        }
        tx.commit().unwrap();
        slice
            .iter()
            .copied()
            .filter(|id| !bookmarks.contains(id))
            .collect()
    };
    let tombstones = || -> usize {
        let conn = crate::store::raw_connection(&path);
        conn.query_row("SELECT count(*) FROM tombstones", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap() as usize
    };

    let startup = startup_time(&path);
    // Two full runs, each on a fresh slice: the faster is the duration the kills aim at (one
    // run timed while the machine was busy made most later runs finish before their kill).
    let mut full = Duration::MAX;
    let mut deleted = 0;
    let mut present = HashSet::new();
    for slice in 0..2 {
        let aged = age_slice(slice);
        full = full.min(timed_run(&path, &["retention", "--apply"]));
        let lib = reopen(&path, "first retention");
        present = article_ids(&lib);
        assert!(
            present.is_disjoint(&aged),
            "a full run deletes the aged slice"
        );
        deleted += aged.len();
        assert_eq!(tombstones(), deleted);
    }
    let seed = test_seed();
    eprintln!("retention crash test seed: {seed}; start-up {startup:?}, one run {full:?}");
    let mut rng = Lcg(seed);
    let mut kills = Kills::default();
    // Aged and not deleted yet.
    let mut pending: HashSet<i64> = HashSet::new();
    let mut next_slice = 2;
    for kill in 0..KILLS {
        // A new slice only once the last one is gone, so every run has the same work to do
        // (and some finish before their kill).
        if pending.is_empty() {
            pending.extend(age_slice(next_slice));
            next_slice += 1;
        }
        run_killed(
            &path,
            &["retention", "--apply"],
            kill_after(&mut rng, full),
            &mut kills,
            |at| at > startup,
        );
        let what = format!("retention kill {kill} (seed {seed})");
        let lib = reopen(&path, &what);
        let now = article_ids(&lib);
        assert_bookmarks(&lib, &bookmarks, &what);
        // Nothing the rules spare is gone: every article present before and not aged still is.
        let spared: Vec<_> = present
            .difference(&now)
            .filter(|id| !pending.contains(id))
            .collect();
        assert!(spared.is_empty(), "{what}: lost articles {spared:?}");
        // One transaction: every aged article went, with its tombstone, or none did.
        let left = pending.intersection(&now).count();
        assert!(
            left == 0 || left == pending.len(),
            "{what}: deleted {} of {} aged articles",
            pending.len() - left,
            pending.len()
        );
        if left == 0 {
            deleted += pending.len();
            pending.clear();
        }
        drop(lib);
        assert_eq!(tombstones(), deleted, "{what}: tombstones");
        present = now;
    }
    eprintln!(
        "retention: {} slices aged in the killed runs, {} of them deleted",
        next_slice - 2,
        next_slice - 2 - usize::from(!pending.is_empty())
    );
    kills.assert_enough("retention");
    timed_run(&path, &["retention", "--apply"]);
    let lib = reopen(&path, "final retention");
    assert!(article_ids(&lib).is_disjoint(&pending));
    assert_bookmarks(&lib, &bookmarks, "final retention");
    assert_eq!(
        lib.summary().unwrap().articles as usize,
        ids.len() - deleted - pending.len()
    );
}

#[test]
fn sigkill_during_vacuum_loses_nothing() {
    const KILLS: usize = 20;
    let path = temp_library("crash", "vacuum");
    let ids = fill_library(&path, 20, 100, 1200);
    let bookmarks: Vec<i64> = ids.iter().copied().step_by(40).collect();
    bookmark_all(&path, &bookmarks);
    {
        // Free pages for VACUUM to reclaim: retention removes a third of the stories.
        let conn = crate::store::raw_connection(&path);
        conn.execute(
            "UPDATE articles SET fetched_at = 1000000000 WHERE id % 3 = 0",
            [],
        )
        .unwrap();
        drop(conn);
        let mut lib = Library::open(&path).unwrap();
        lib.set_retention(tidings::store::Retention {
            read_days: None,
            unread_days: Some(30),
        })
        .unwrap();
        assert!(lib.apply_retention().unwrap() > 0);
    }
    let lib = Library::open(&path).unwrap();
    let before = article_ids(&lib);
    let hits = lib.search("harbour", 100_000).unwrap().len();
    assert!(hits > 0);
    drop(lib);

    let startup = startup_time(&path);
    // The first run reclaims the free pages; the later ones (the killed ones) copy as much.
    timed_run(&path, &["vacuum"]);
    let full = timed_run(&path, &["vacuum"]);
    let seed = test_seed();
    eprintln!("vacuum crash test seed: {seed}; start-up {startup:?}, one vacuum {full:?}");
    let mut rng = Lcg(seed);
    let mut kills = Kills::default();
    for kill in 0..KILLS {
        run_killed(
            &path,
            &["vacuum"],
            kill_after(&mut rng, full),
            &mut kills,
            |at| at > startup,
        );
        let what = format!("vacuum kill {kill} (seed {seed})");
        let lib = reopen(&path, &what);
        assert_eq!(article_ids(&lib), before, "{what}: articles changed");
        assert_bookmarks(&lib, &bookmarks, &what);
        assert_eq!(
            lib.search("harbour", 100_000).unwrap().len(),
            hits,
            "{what}: search"
        );
        drop(lib);
        // The search index agrees with the articles table.
        let conn = crate::store::raw_connection(&path);
        conn.execute(
            "INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')",
            [],
        )
        .unwrap_or_else(|e| panic!("{what}: search index: {e}"));
    }
    kills.assert_enough("vacuum");
}

/// A library file as a build of schema version 4 left it (the released steps 1–4, rows in their
/// form): `stories` stories of about `text_bytes` of words each in 20 feeds, some Chinese, every
/// 50th bookmarked with a note, every 10th with a revision. Returns each story's id and text.
fn version_4_library(path: &Path, stories: usize, text_bytes: usize) -> Vec<(i64, String)> {
    use tidings::store::schema;
    let mut conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    for (i, step) in schema::MIGRATIONS[..4].iter().enumerate() {
        let tx = conn.transaction().unwrap();
        tx.execute_batch(step).unwrap();
        tx.pragma_update(None, "application_id", schema::APPLICATION_ID)
            .unwrap();
        tx.pragma_update(None, "user_version", i as i64 + 1)
            .unwrap();
        tx.commit().unwrap();
    }
    const WORDS: &[&str] = &[
        "harbour", "council", "ferry", "storm", "budget", "river", "school", "market", "bridge",
        "station", "museum", "library", "festival", "election", "weather", "railway", "garden",
    ];
    let mut rng = Lcg(0x5eed);
    let tx = conn.transaction().unwrap();
    for f in 0..20 {
        tx.execute(
            "INSERT INTO feeds(url, title, created_at) VALUES (?1, ?2, 1764000000)",
            rusqlite::params![format!("https://v4-{f}.example/feed"), format!("Feed {f}")],
        )
        .unwrap();
    }
    let mut written = Vec::with_capacity(stories);
    for n in 0..stories {
        let chinese = n % 10 == 3;
        let mut text = String::with_capacity(text_bytes + 16);
        while text.len() < text_bytes {
            if chinese {
                text.push_str(["香港", "天气", "新闻", "城市"][rng.next(4) as usize]);
            } else {
                text.push_str(WORDS[rng.next(WORDS.len() as u64) as usize]);
            }
            text.push(' ');
        }
        let title = format!(
            "Story {n} {}",
            if chinese {
                "香港新闻"
            } else {
                "of the day"
            }
        );
        // What the version 4 store wrote: the pairs of the title and text, HTML and a teaser.
        let pairs: String = if chinese {
            let mut all = Vec::new();
            for run in
                format!("{title} {text}").split(|c: char| !('\u{4e00}'..='\u{9fff}').contains(&c))
            {
                let chars: Vec<char> = run.chars().collect();
                if chars.len() == 1 {
                    all.push(chars[0].to_string());
                }
                all.extend(chars.windows(2).map(|w| w.iter().collect::<String>()));
            }
            all.join(" ")
        } else {
            String::new()
        };
        tx.execute(
            "INSERT INTO articles(feed_id, item_key, url, title, author, published_at, fetched_at,
                sort_at, teaser_html, content_html, content_text, search_cjk, extraction,
                content_hash, bookmarked, note)
             VALUES (?1, ?2, ?3, ?4, 'A. Writer', ?5, ?5, ?5, ?6, ?7, ?8, ?9, 'full', 'h', ?10, ?11)",
            rusqlite::params![
                n % 20 + 1,
                format!("v4-{n}"),
                format!("https://v4.example/{n}"),
                title,
                1_700_000_000 + n as i64 * 60,
                format!("<p>{}</p>", text.chars().take(40).collect::<String>()),
                format!("<p>{}</p>", text.replace(". ", ".</p><p>")),
                text,
                pairs,
                n % 50 == 0,
                (n % 50 == 0).then(|| note_for(n as i64 + 1)),
            ],
        )
        .unwrap();
        let id = tx.last_insert_rowid();
        if n % 10 == 0 {
            tx.execute(
                "INSERT INTO article_revisions(article_id, title, content_html, content_text, seen_at)
                 VALUES (?1, 'Draft', '<p>draft</p>', ?2, 1764000000)",
                rusqlite::params![id, format!("draft of {n}")],
            )
            .unwrap();
        }
        written.push((id, text));
    }
    tx.commit().unwrap();
    written
}

#[test]
fn sigkill_during_the_storage_upgrade_resumes_and_loses_nothing() {
    const KILLS: usize = 10;
    // 6000 stories and a revision for every tenth.
    const ROWS: u64 = 6600;
    let path = temp_library("crash", "upgrade");
    let stories = version_4_library(&path, 6000, 3000);
    let bookmarks: Vec<i64> = stories.iter().map(|s| s.0).step_by(50).collect();
    // A copy upgraded to the end tells what search finds.
    let copy = path.with_file_name("copy.sqlite");
    std::fs::copy(&path, &copy).unwrap();
    timed_run(&copy, &["upgrade"]);
    let finds = |lib: &Library| -> Vec<usize> {
        ["harbour", "香港", "railway station"]
            .iter()
            .map(|q| lib.search(q, 100_000).unwrap().len())
            .collect()
    };
    let expected = finds(&Library::open(&copy).unwrap());
    assert!(expected.iter().all(|n| *n > 0), "{expected:?}");
    // The schema step runs at the first open; the watcher reads the backfill's progress.
    let watcher = Library::open(&path).unwrap();
    let progress = || watcher.upgrade_pending().unwrap().map_or(ROWS, |p| p.done);
    assert_eq!(progress(), 0);

    let seed = test_seed();
    eprintln!("upgrade crash test seed: {seed}");
    let mut rng = Lcg(seed);
    let mut kills = Kills::default();
    let mut done = 0;
    for kill in 0..KILLS {
        // Killed once the run has rewritten a random number of rows more (up to a twentieth
        // of them, so ten kills leave some for the last run), a random few milliseconds into
        // its next batch: timed by the work itself, not by the clock of a busy machine.
        let target = done + 1 + rng.next(ROWS / 20);
        let mut child = tidings_cmd(&path, &["upgrade"]).spawn().unwrap();
        kills.runs += 1;
        while child.try_wait().unwrap().is_none() {
            if progress() >= target {
                std::thread::sleep(Duration::from_millis(rng.next(40)));
                let mid_operation = progress() < ROWS;
                if child.kill().is_ok() {
                    kills.killed += 1;
                    kills.mid_operation += usize::from(mid_operation);
                }
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        let _ = child.wait();
        let what = format!("upgrade kill {kill} (seed {seed})");
        let lib = reopen(&path, &what);
        let now = progress();
        assert!(now >= done, "{what}: went back from {done} to {now}");
        done = now;
        assert_bookmarks(&lib, &bookmarks, &what);
        for (id, text) in stories.iter().step_by(37) {
            let a = lib.article(*id).unwrap();
            assert_eq!(
                a.content_text.as_deref(),
                Some(text.as_str()),
                "{what}: {id}"
            );
        }
        assert_eq!(finds(&lib), expected, "{what}: search");
        drop(lib);
        crate::store::assert_search_index_sound(&path, &what);
    }
    eprintln!("upgrade: {done} of {ROWS} rows rewritten after {KILLS} kills");
    assert!(
        done < ROWS,
        "the kills left nothing of the upgrade to resume"
    );
    kills.assert_enough("upgrade");
    timed_run(&path, &["upgrade"]);
    assert_eq!(crate::store::rows_in_the_old_form(&path), 0);
    let lib = reopen(&path, "final upgrade");
    assert_eq!(lib.upgrade_pending().unwrap(), None);
    for (id, text) in &stories {
        let a = lib.article(*id).unwrap();
        assert_eq!(a.content_text.as_deref(), Some(text.as_str()), "{id}");
    }
    assert_eq!(finds(&lib), expected, "final search");
    assert_eq!(
        lib.revisions(stories[0].0).unwrap()[0]
            .content_text
            .as_deref(),
        Some("draft of 0")
    );
    assert_bookmarks(&lib, &bookmarks, "final upgrade");
}
