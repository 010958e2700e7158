//! The library file over time: every released schema opens in this build with its data intact.

use std::path::{Path, PathBuf};

use tidings::store::{schema, ArticleFilter, Library};

fn temp_copy(fixture: &Path, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tidings-store-it-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
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
fn a_bookmarked_article_cannot_be_deleted_even_by_raw_sql() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema/v1.sqlite");
    let path = temp_copy(&fixture, "trigger");
    drop(Library::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
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
