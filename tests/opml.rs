//! `opml`: fixtures from `tests/fixtures/opml/`, round trips and hostile input.

use std::path::PathBuf;

use tidings::opml::{parse_opml, write_opml, Opml, OpmlError, OpmlSubscription};
use url::Url;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/opml")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

/// (feed URL, title, folder) for compact comparisons.
fn summary(opml: &Opml) -> Vec<(String, Option<String>, Option<String>)> {
    opml.subscriptions
        .iter()
        .map(|s| (s.xml_url.to_string(), s.title.clone(), s.folder.clone()))
        .collect()
}

fn row(u: &str, title: &str, folder: Option<&str>) -> (String, Option<String>, Option<String>) {
    (
        u.to_owned(),
        Some(title.to_owned()),
        folder.map(str::to_owned),
    )
}

#[test]
fn nested_folders_case_variants_entities_and_drops() {
    let opml = parse_opml(&fixture("nested.opml")).unwrap();
    assert_eq!(opml.title.as_deref(), Some("My feeds & more"));
    assert_eq!(
        summary(&opml),
        vec![
            row("https://top.example.com/feed.xml", "Top level", None),
            row(
                "https://news.example.com/rss",
                "Daily & Weekly",
                Some("News")
            ),
            row(
                "http://caps.example.com/atom.xml",
                "Title only",
                Some("News")
            ),
            row(
                "https://gadgets.example.com/feed",
                "Gadgets – all",
                Some("News / Tech")
            ),
            row(
                "https://cn.example.com/rss?a=1&b=2",
                "人民 <日报>",
                Some("中文 新闻")
            ),
        ]
    );
    assert_eq!(
        opml.subscriptions[0].html_url,
        Some(url("https://top.example.com/"))
    );
    assert_eq!(
        opml.subscriptions[4].html_url, None,
        "invalid htmlUrl dropped"
    );
    assert_eq!(opml.dropped_urls, 2, "mailto: and javascript:");
    assert_eq!(opml.duplicates, 1);
    assert_eq!(opml.incomplete, None);
}

#[test]
fn declared_latin1_is_decoded() {
    let opml = parse_opml(&fixture("latin1.opml")).unwrap();
    assert_eq!(opml.title.as_deref(), Some("Café"));
    assert_eq!(opml.subscriptions[0].title.as_deref(), Some("Résumé"));
}

#[test]
fn a_document_cut_off_keeps_what_came_before() {
    let opml = parse_opml(&fixture("truncated.opml")).unwrap();
    let urls: Vec<&str> = opml
        .subscriptions
        .iter()
        .map(|s| s.xml_url.as_str())
        .collect();
    assert_eq!(
        urls,
        [
            "https://one.example.com/feed",
            "https://two.example.com/feed"
        ]
    );
    let note = opml.incomplete.expect("the break is reported");
    assert!(note.contains("byte"), "{note}");
}

#[test]
fn malformed_and_non_opml_inputs_are_clear_errors() {
    assert!(matches!(parse_opml(b""), Err(OpmlError::Empty)));
    assert!(matches!(parse_opml(b"  \n "), Err(OpmlError::Empty)));
    match parse_opml(b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel/></rss>") {
        Err(OpmlError::NotOpml { root }) => assert_eq!(root, "rss"),
        other => panic!("{other:?}"),
    }
    let e = parse_opml(b"just some text").unwrap_err();
    assert!(matches!(e, OpmlError::NotOpml { .. }), "{e:?}");
    let e = parse_opml(b"<opml><body><outline text=\"x\" xmlUrl=\"https://a.example/").unwrap_err();
    match &e {
        OpmlError::Malformed { position, .. } => assert!(*position > 0),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("byte"), "{e}");
    assert!(std::error::Error::source(&e).is_some());
}

#[test]
fn tolerant_of_sloppy_exports() {
    let doc = br#"<opml version="2.0"><head><title>x</title></head><body>
        <outline text="Bare &amp" xmlUrl="https://a.example.com/?x=1&y=2"/>
        <outline text="No type" xmlUrl=" https://b.example.com/feed "/>
        <outline text="feed scheme" xmlUrl="feed://c.example.com/rss"/>
        <outline text="Unclosed folder">
          <outline text="Inner" xmlUrl="https://d.example.com/"/>
        </body></opml>"#;
    let opml = parse_opml(doc).unwrap();
    assert_eq!(
        summary(&opml),
        vec![
            row("https://a.example.com/?x=1&y=2", "Bare &amp", None),
            row("https://b.example.com/feed", "No type", None),
            row("http://c.example.com/rss", "feed scheme", None),
            row("https://d.example.com/", "Inner", Some("Unclosed folder")),
        ]
    );
}

#[test]
fn ten_thousand_nested_outlines_do_not_blow_the_stack() {
    let depth = 10_000;
    let mut doc = String::from("<opml version=\"2.0\"><body>");
    for i in 0..depth {
        doc.push_str(&format!("<outline text=\"level{i}\">"));
    }
    doc.push_str("<outline text=\"deep\" xmlUrl=\"https://deep.example.com/feed\"/>");
    for _ in 0..depth {
        doc.push_str("</outline>");
    }
    doc.push_str("<outline text=\"after\" xmlUrl=\"https://after.example.com/feed\"/>");
    doc.push_str("</body></opml>");
    // Run on a small stack so recursion would show up as a crash.
    let opml = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || parse_opml(doc.as_bytes()).unwrap())
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(opml.subscriptions.len(), 2);
    let folder = opml.subscriptions[0].folder.as_deref().unwrap();
    assert_eq!(
        folder,
        (0..tidings::opml::MAX_FOLDER_DEPTH)
            .map(|i| format!("level{i}"))
            .collect::<Vec<_>>()
            .join(" / ")
    );
    assert_eq!(opml.subscriptions[1].folder, None, "levels closed again");
}

#[test]
fn write_then_parse_round_trips() {
    let subs = vec![
        OpmlSubscription {
            xml_url: url("https://top.example.com/feed?a=1&b=2"),
            html_url: Some(url("https://top.example.com/")),
            title: Some("Tom & Jerry's \"quotes\" <b>".into()),
            folder: None,
        },
        OpmlSubscription {
            xml_url: url("https://cn.example.com/rss"),
            html_url: None,
            title: Some("中文 新闻".into()),
            folder: Some("世界 / 亚洲".into()),
        },
        OpmlSubscription {
            xml_url: url("http://b.example.com/atom"),
            html_url: None,
            title: Some("Ünïcödé — ok".into()),
            folder: Some("R&D <lab>".into()),
        },
        OpmlSubscription {
            xml_url: url("https://c.example.com/feed.json"),
            html_url: Some(url("https://c.example.com/?q=\"x\"")),
            title: Some("Second in 世界".into()),
            folder: Some("世界 / 亚洲".into()),
        },
    ];
    let text = write_opml("Export & <co> \"1\"", &subs);
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(text.contains("<opml version=\"2.0\">"));
    assert!(!text.contains("Tom & Jerry"), "escaped: {text}");
    let back = parse_opml(text.as_bytes()).unwrap();
    assert_eq!(back.title.as_deref(), Some("Export & <co> \"1\""));
    assert_eq!(back.dropped_urls + back.duplicates, 0);
    // Top-level feeds come first, then folders in order of first appearance.
    let expected = vec![
        subs[0].clone(),
        subs[1].clone(),
        subs[3].clone(),
        subs[2].clone(),
    ];
    assert_eq!(back.subscriptions, expected);
}

#[test]
fn writing_drops_characters_xml_cannot_carry() {
    let subs = vec![OpmlSubscription {
        xml_url: url("https://a.example.com/"),
        html_url: None,
        title: Some("bell\u{7}and\u{0}nul".into()),
        folder: None,
    }];
    let text = write_opml("t", &subs);
    assert!(!text.contains('\u{7}') && !text.contains('\u{0}'));
    let back = parse_opml(text.as_bytes()).unwrap();
    assert_eq!(back.subscriptions[0].title.as_deref(), Some("bellandnul"));
}
