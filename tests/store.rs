//! The library file over time: every released schema opens in this build with its data intact.

use std::path::{Path, PathBuf};

use tidings::store::{schema, ArticleFilter, Library};

/// A connection of the test's own to a library file, with the SQL functions the schema calls
/// (the store registers them on its connections; writing articles needs them).
pub fn raw_connection(path: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    tidings::store::register_functions(&conn).unwrap();
    conn
}

fn temp_copy(fixture: &Path, name: &str) -> PathBuf {
    let dir = crate::support::scratch::scratch_dir(&format!("store-it-{name}"));
    let path = dir.join("library.sqlite");
    std::fs::copy(fixture, &path).unwrap();
    path
}

/// `CREATE` statements of a library file, sorted, so two files' schemas can be compared.
fn schema_sql(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
        .unwrap();
    let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
    rows.map(|r| r.unwrap()).collect()
}

#[test]
fn every_released_schema_fixture_upgrades_with_its_data() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema");
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sqlite"))
        .collect();
    fixtures.sort();
    assert!(
        !fixtures.is_empty(),
        "no schema fixtures in {}",
        dir.display()
    );

    let fresh = temp_copy(&fixtures[0], "fresh");
    std::fs::remove_file(&fresh).unwrap();
    drop(Library::open(&fresh).unwrap());

    for fixture in &fixtures {
        let name = fixture.file_stem().unwrap().to_string_lossy().to_string();
        let path = temp_copy(fixture, &name);
        let lib = Library::open(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            lib.schema_version().unwrap(),
            schema::current_version(),
            "{name}"
        );
        assert_eq!(lib.integrity_check().unwrap(), "ok", "{name}");
        assert_eq!(lib.journal_mode().unwrap(), "wal", "{name}");

        // Every fixture holds: two feeds in two folders, a read bookmarked article with a
        // note, an unread Chinese article, and a setting.
        let summary = lib.summary().unwrap();
        assert_eq!((summary.feeds, summary.folders), (2, 2), "{name}");
        assert_eq!(
            (summary.articles, summary.unread, summary.bookmarked),
            (2, 1, 1),
            "{name}"
        );
        let feeds = lib.feeds().unwrap();
        assert!(feeds
            .iter()
            .any(|f| f.title == "新闻" && f.folder.as_deref() == Some("中文")));
        let bookmarked = lib
            .articles(
                &ArticleFilter {
                    bookmarked_only: true,
                    ..Default::default()
                },
                10,
                0,
            )
            .unwrap();
        assert_eq!(bookmarked.len(), 1);
        assert_eq!(bookmarked[0].title, "Kept forever");
        assert_eq!(lib.setting("theme").unwrap().as_deref(), Some("dark"));
        // Articles stored before search existed are indexed by the upgrade.
        let found = lib.search("香港", 5).unwrap();
        assert_eq!(found.len(), 1, "{name}");
        assert_eq!(
            lib.search("kept", 5).unwrap()[0].article.title,
            "Kept forever"
        );
        drop(lib);

        assert_eq!(
            schema_sql(&path),
            schema_sql(&fresh),
            "{name}: upgraded schema differs from a fresh one"
        );
    }
}

#[test]
fn a_refusal_recorded_before_failures_had_kinds_is_known_after_the_upgrade() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema/v4.sqlite");
    let path = temp_copy(&fixture, "error-kind");
    let feeds: Vec<i64> = {
        let lib = Library::open(&path).unwrap();
        lib.feeds().unwrap().iter().map(|f| f.id).collect()
    };
    // The refusal's message as the fetcher words it, so the upgrade's match follows the words.
    let url = url::Url::parse("https://guarded.example/feed").unwrap();
    let refused = tidings::feeds::fetch::FetchError::Refused {
        url: url.clone(),
        code: 403,
        challenge: true,
        as_browser: false,
    }
    .to_string();
    let refused_as_browser = tidings::feeds::fetch::FetchError::Refused {
        url,
        code: 403,
        challenge: false,
        as_browser: true,
    }
    .to_string();
    // The file as the build before schema step 11 left it.
    let conn = raw_connection(&path);
    conn.execute_batch("ALTER TABLE feeds DROP COLUMN last_error_kind; PRAGMA user_version = 10;")
        .unwrap();
    let mut set_error = conn
        .prepare("UPDATE feeds SET last_error = ?2, error_count = 1 WHERE id = ?1")
        .unwrap();
    set_error.execute((feeds[0], &refused)).unwrap();
    set_error.execute((feeds[1], &refused_as_browser)).unwrap();
    drop(set_error);
    drop(conn);

    let lib = Library::open(&path).unwrap();
    let kind = |id| lib.feed(id).unwrap().last_error_kind;
    assert_eq!(kind(feeds[0]).as_deref(), Some("readers-refused"));
    assert_eq!(
        kind(feeds[1]),
        None,
        "a refusal even as a browser has no fix to offer"
    );
    assert_eq!(lib.feed(feeds[0]).unwrap().last_error, Some(refused));
}

#[test]
fn a_bookmarked_article_cannot_be_deleted_even_by_raw_sql() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema/v1.sqlite");
    let path = temp_copy(&fixture, "trigger");
    drop(Library::open(&path).unwrap());
    let conn = raw_connection(&path);
    let err = conn.execute("DELETE FROM articles", []).unwrap_err();
    assert!(
        err.to_string()
            .contains("bookmarked articles are never deleted"),
        "{err}"
    );
    let left: i64 = conn
        .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 2, "the failed delete must roll back entirely");
}

/// Everything a reader sees of a library file, read with plain SQL by the column names every
/// version has: the stories' texts, bookmarks and notes, revisions, and what the search index
/// finds (with FTS5's own snippets, which read the texts back through the content table).
#[derive(Debug, PartialEq)]
struct Seen {
    stories: Vec<Vec<rusqlite::types::Value>>,
    revisions: Vec<Vec<rusqlite::types::Value>>,
    found: Vec<(String, Vec<(i64, String)>)>,
}

fn seen(conn: &rusqlite::Connection) -> Seen {
    let rows = |sql: &str, width: usize| -> Vec<Vec<rusqlite::types::Value>> {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows = stmt
            .query_map([], |r| (0..width).map(|i| r.get(i)).collect())
            .unwrap();
        rows.map(|r| r.unwrap()).collect()
    };
    let queries = [
        "kept",
        "body*",
        "\"body one\"",
        "writer",
        "search_cjk : \"香港\"",
        "search_cjk : \"的天\"",
    ];
    let found = queries
        .iter()
        .map(|q| {
            let mut stmt = conn
                .prepare(
                    "SELECT rowid, snippet(articles_fts, -1, '[', ']', '…', 8) FROM articles_fts
                     WHERE articles_fts MATCH ?1 ORDER BY rowid",
                )
                .unwrap();
            let hits = stmt
                .query_map([q], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(|h| h.unwrap())
                .collect();
            (q.to_string(), hits)
        })
        .collect();
    Seen {
        stories: rows(
            "SELECT id, title, author, teaser_html, content_html, content_text, bookmarked, note
             FROM articles ORDER BY id",
            8,
        ),
        revisions: rows(
            "SELECT article_id, title, content_html, content_text, seen_at FROM article_revisions
             ORDER BY id",
            5,
        ),
        found,
    }
}

/// Stories and revisions whose texts are not (only) in their compressed body.
pub fn rows_in_the_old_form(path: &Path) -> i64 {
    raw_connection(path)
        .query_row(
            "SELECT (SELECT count(*) FROM articles WHERE body IS NULL
                OR coalesce(content_text_uncompressed, content_html_uncompressed,
                            teaser_html_uncompressed) IS NOT NULL OR search_cjk_uncompressed != '')
              + (SELECT count(*) FROM article_revisions WHERE body IS NULL
                OR coalesce(content_text_uncompressed, content_html_uncompressed) IS NOT NULL)",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// The search index agrees with the texts it indexes (FTS5 reads every one back).
pub fn assert_search_index_sound(path: &Path, what: &str) {
    raw_connection(path)
        .execute(
            "INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')",
            [],
        )
        .unwrap_or_else(|e| panic!("{what}: search index: {e}"));
}

#[test]
fn the_compression_upgrade_keeps_texts_search_revisions_and_bookmarks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema");
    for name in ["v3", "v4"] {
        let path = temp_copy(
            &dir.join(format!("{name}.sqlite")),
            &format!("compress-{name}"),
        );
        let before = seen(&rusqlite::Connection::open(&path).unwrap());
        assert_eq!(before.stories.len(), 2, "{name}");
        assert_eq!(before.revisions.len(), 1, "{name}");
        assert!(
            before
                .found
                .iter()
                .all(|(q, hits)| !hits.is_empty() || q == "writer"),
            "{name}: {:?}",
            before.found
        );

        // The schema step alone: every row still in its old form, read through the new columns.
        let mut lib = Library::open(&path).unwrap();
        let pending = lib.upgrade_pending().unwrap();
        assert_eq!(
            pending.map(|p| (p.done, p.total)),
            Some((0, 3)),
            "{name}: two stories and a revision to rewrite"
        );
        assert_eq!(seen(&raw_connection(&path)), before, "{name}: mid-upgrade");
        assert_search_index_sound(&path, name);

        let mut steps = Vec::new();
        lib.finish_upgrade(&mut |p| steps.push((p.done, p.total)))
            .unwrap();
        assert_eq!(steps.first(), Some(&(0, 3)), "{name}: {steps:?}");
        assert_eq!(steps.last(), Some(&(3, 3)), "{name}: {steps:?}");
        assert_eq!(lib.upgrade_pending().unwrap(), None, "{name}");
        assert_eq!(lib.integrity_check().unwrap(), "ok", "{name}");
        let kept = lib.article(1).unwrap();
        assert_eq!(
            (kept.content_text.as_deref(), kept.note.as_deref()),
            (Some("Body one"), Some("my note"))
        );
        assert_eq!(
            lib.revisions(1).unwrap()[0].content_text.as_deref(),
            Some("Body zero")
        );
        assert_eq!(lib.search("香港", 5).unwrap().len(), 1, "{name}");
        drop(lib);

        let conn = raw_connection(&path);
        assert_eq!(seen(&conn), before, "{name}: after the upgrade");
        assert_search_index_sound(&path, name);
        assert_eq!(rows_in_the_old_form(&path), 0, "{name}");
    }
}
