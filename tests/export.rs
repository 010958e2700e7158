//! Bookmarks exported as HTML and EPUB: self-contained, structurally valid, nothing active.

use std::io::Read;

use tidings::store::{FeedUpdate, IncomingArticle, Library, NewFeed};

fn library_with_bookmarks() -> (Library, std::path::PathBuf) {
    let dir = crate::support::scratch::scratch_dir("export");
    let mut lib = Library::open(&dir.join("library.sqlite")).unwrap();
    let (feed, _) = lib
        .add_feed(&NewFeed {
            url: "https://news.example/feed".into(),
            ..NewFeed::default()
        })
        .unwrap();
    let png =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("icons/32x32.png"))
            .unwrap();
    let img_url = "https://news.example/a.png".to_string();
    let (html, urls) = tidings::sync::offline_html(
        &format!(
            r#"<p>Tom &amp; Jerry<br>line two</p><img src="{img_url}" alt="A"><p>missing <img src="https://news.example/gone.png"></p>"#
        ),
        None,
    );
    let items = vec![
        IncomingArticle {
            item_key: "1".into(),
            url: Some("https://news.example/1?a=1&b=2".into()),
            title: "Tom & Jerry <3".into(),
            content_html: Some(html),
            content_text: Some("Tom & Jerry line two missing".into()),
            published_at: Some(1_764_000_000),
            extraction: tidings::store::Extraction::Full,
            image_urls: urls,
            ..IncomingArticle::default()
        },
        IncomingArticle {
            item_key: "2".into(),
            title: "香港天气".into(),
            content_html: Some("<p>香港的天气</p>".into()),
            lang: Some("zh".into()),
            extraction: tidings::store::Extraction::Feed,
            ..IncomingArticle::default()
        },
        IncomingArticle {
            item_key: "3".into(),
            title: "Not bookmarked".into(),
            extraction: tidings::store::Extraction::Feed,
            ..IncomingArticle::default()
        },
    ];
    lib.store_feed_result(feed, &FeedUpdate::default(), &items)
        .unwrap();
    let key = tidings::images::image_key(&img_url);
    lib.store_image(&key, Ok(("image/png", &png))).unwrap();
    for a in lib.articles(&Default::default(), 10, 0).unwrap() {
        if a.title != "Not bookmarked" {
            // A control character pasted into the note: fine in HTML, not allowed in XML.
            lib.set_bookmarked(a.id, true, Some("why I kept it\u{1b}"))
                .unwrap();
        }
    }
    (lib, dir)
}

#[test]
fn html_export_is_self_contained() {
    let (lib, _) = library_with_bookmarks();
    let html = tidings::export::bookmarks_html(&lib).unwrap();
    assert!(html.contains("Bookmarks (2)"));
    assert!(html.contains("Tom &amp; Jerry &lt;3"), "titles are escaped");
    assert!(!html.contains("Not bookmarked"));
    assert!(!html.contains("tidings-img:"), "every image is inlined");
    assert_eq!(
        html.matches("data:image/png;base64,").count(),
        2,
        "the image and a placeholder"
    );
    assert!(html.contains("why I kept it"));
    assert!(!html.to_lowercase().contains("<script"));
}

#[test]
fn epub_export_is_a_valid_epub3_container() {
    let (lib, dir) = library_with_bookmarks();
    let path = dir.join("bookmarks.epub");
    let n = tidings::export::bookmarks_epub(&lib, std::fs::File::create(&path).unwrap()).unwrap();
    assert_eq!(n, 2);
    let bytes = std::fs::read(&path).unwrap();
    // OCF: the first entry is "mimetype", stored, at offset 0, so its name and content sit at
    // fixed places a reader can sniff.
    assert_eq!(&bytes[0..4], b"PK\x03\x04");
    assert_eq!(
        u16::from_le_bytes([bytes[8], bytes[9]]),
        0,
        "mimetype must be stored"
    );
    assert_eq!(&bytes[30..38], b"mimetype");
    assert_eq!(&bytes[38..58], b"application/epub+zip");

    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let names: Vec<String> = (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
        .collect();
    for required in [
        "META-INF/container.xml",
        "OEBPS/content.opf",
        "OEBPS/nav.xhtml",
    ] {
        assert!(
            names.iter().any(|n| n == required),
            "{required} missing: {names:?}"
        );
    }
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let opf = read("OEBPS/content.opf");
    assert!(
        opf.contains("dcterms:modified")
            && opf.contains("dc:identifier")
            && opf.contains("properties=\"nav\"")
    );
    // Every manifest item exists, and every XML document is well-formed.
    for href in opf
        .split("href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
    {
        let name = format!("OEBPS/{href}");
        assert!(names.contains(&name), "manifest names a missing {name}");
        if name.ends_with(".xhtml") || name.ends_with(".opf") {
            let doc = read(&name);
            let mut reader = quick_xml::Reader::from_str(&doc);
            loop {
                match reader.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{name} is not well-formed XML: {e}\n{doc}"),
                }
            }
        }
    }
    let chapters: String = names
        .iter()
        .filter(|n| n.ends_with(".xhtml") && !n.ends_with("nav.xhtml"))
        .map(|n| read(n))
        .collect();
    assert!(chapters.contains("xml:lang=\"zh\""));
    assert!(
        chapters.contains("<br/>"),
        "void elements are closed in XHTML"
    );
    assert!(!chapters.contains("tidings-img:"));
    assert!(chapters.contains("why I kept it</p>"), "{chapters}");
    assert!(
        !chapters
            .chars()
            .any(|c| c.is_control() && !"\n\r\t".contains(c)),
        "characters XML cannot carry are left out"
    );
    let image_count = names
        .iter()
        .filter(|n| n.starts_with("OEBPS/images/"))
        .count();
    assert_eq!(image_count, 2);
}
