//! The `tidings` binary against real library files.

use std::path::PathBuf;
use std::process::Command;

fn tidings() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tidings"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = crate::support::scratch::scratch_dir(&format!("cli-{name}"));
    dir
}

#[test]
fn feeds_on_a_new_library_creates_it_and_lists_nothing() {
    let dir = temp_dir("new");
    let lib = dir.join("x.sqlite");
    let out = tidings()
        .arg("--library")
        .arg(&lib)
        .arg("feeds")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("No subscriptions yet"), "{stdout}");
    let lib = tidings::store::Library::open(&lib).unwrap();
    assert_eq!(lib.integrity_check().unwrap(), "ok");
    assert_eq!(lib.journal_mode().unwrap(), "wal");
}

#[test]
fn library_env_var_is_used() {
    let dir = temp_dir("env");
    let lib = dir.join("env.sqlite");
    let out = tidings()
        .env("TIDINGS_LIBRARY", &lib)
        .args(["summary", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["feeds"], 0);
    assert!(lib.exists());
}

#[test]
fn a_bad_library_is_one_clear_line_and_a_failure() {
    let dir = temp_dir("bad");
    let lib = dir.join("bad.sqlite");
    std::fs::write(&lib, b"not sqlite at all".repeat(100)).unwrap();
    let out = tidings()
        .arg("--library")
        .arg(&lib)
        .arg("feeds")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("is not a Tidings library"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn version_and_help() {
    let out = tidings().arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(tidings::VERSION));
    let out = tidings().arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("feeds"));
}

mod with_server {
    use super::{temp_dir, tidings};
    use crate::support::{Request, Response, TestServer};

    const FEED: &str = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Quay Notes</title>
        <link>http://quay.example/</link><item><guid>q1</guid><title>Tide at noon</title>
        <link>http://quay.example/q1</link><description>High water.</description></item></channel></rss>"#;

    fn site() -> TestServer {
        TestServer::start(|req: &Request| {
            match req.path.as_str() {
            "/" => Response::ok(
                r#"<!doctype html><html><head><title>Quay</title>
                <link rel="alternate" type="application/rss+xml" title="Quay Notes" href="/notes.xml">
                </head><body>Welcome</body></html>"#,
            )
            .header("Content-Type", "text/html"),
            "/notes.xml" => Response::ok(FEED).header("Content-Type", "application/rss+xml"),
            _ => Response::status(404),
        }
        })
    }

    #[test]
    fn add_a_site_address_finds_and_subscribes_its_feed() {
        let server = site();
        let dir = temp_dir("add-site");
        let lib = dir.join("lib.sqlite");
        let out = tidings()
            .arg("--library")
            .arg(&lib)
            .args(["add", server.url("/").as_str(), "--folder", "Harbour"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("Found the feed"), "{stdout}");
        assert!(stdout.contains("Subscribed to Quay Notes"), "{stdout}");
        let library = tidings::store::Library::open(&lib).unwrap();
        let feeds = library.feeds().unwrap();
        assert_eq!(feeds.len(), 1);
        assert_eq!(feeds[0].url, server.url("/notes.xml").to_string());
        assert_eq!(feeds[0].folder.as_deref(), Some("Harbour"));
        // A page naming no feed, with none at the usual paths, is an error, not a subscription.
        let out = tidings()
            .arg("--library")
            .arg(&lib)
            .args(["add", server.url("/nothing-here/").as_str()])
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert_eq!(library.feeds().unwrap().len(), 1);
    }

    #[test]
    fn import_then_export_opml_keeps_folders() {
        let dir = temp_dir("opml-cli");
        let lib = dir.join("lib.sqlite");
        let opml = dir.join("in.opml");
        std::fs::write(
            &opml,
            r#"<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
            <outline text="News"><outline text="A &amp; B" type="rss" xmlUrl="https://a.example/feed"/></outline>
            <outline text="中文"><outline text="新闻" xmlUrl="https://cn.example/rss"/></outline>
            <outline text="Loose" xmlUrl="https://loose.example/atom.xml"/>
            </body></opml>"#,
        )
        .unwrap();
        let out = tidings()
            .arg("--library")
            .arg(&lib)
            .arg("import")
            .arg(&opml)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("Imported 3 subscriptions (3 new"));
        let exported = dir.join("out.opml");
        let out = tidings()
            .arg("--library")
            .arg(&lib)
            .arg("export-opml")
            .arg(&exported)
            .output()
            .unwrap();
        assert!(out.status.success());
        let back = tidings::opml::parse_opml(&std::fs::read(&exported).unwrap()).unwrap();
        let mut got: Vec<(String, Option<String>, Option<String>)> = back
            .subscriptions
            .into_iter()
            .map(|s| (s.xml_url.to_string(), s.title, s.folder))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                (
                    "https://a.example/feed".into(),
                    Some("A & B".into()),
                    Some("News".into())
                ),
                (
                    "https://cn.example/rss".into(),
                    Some("新闻".into()),
                    Some("中文".into())
                ),
                (
                    "https://loose.example/atom.xml".into(),
                    Some("Loose".into()),
                    None
                ),
            ]
        );
        // Importing again adds nothing.
        let out = tidings()
            .arg("--library")
            .arg(&lib)
            .arg("import")
            .arg(&opml)
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&out.stdout).contains("(0 new, 3 already there)"));
    }
}
