//! The Markdown export read back with a real CommonMark parser (pulldown-cmark, GFM tables)
//! and a real YAML parser: front matter, every structure of a rich story, highlights and
//! notes, images copied beside the files, safe and stable file names, and no HTML ever.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use tidings::export::commonmark::to_commonmark;
use tidings::export::markdown::file_name;
use tidings::export::{bookmarks_markdown, ExportError};
use tidings::store::{Extraction, FeedUpdate, HighlightColor, IncomingArticle, Library, Selection};

use crate::support::library::library_with_feed;

const IMAGE_URL: &str = "https://news.example/harbour.png";
const MISSING_IMAGE_URL: &str = "https://news.example/missing.jpg";

/// A story with every structure the export must carry (text written for this test).
fn rich_html() -> String {
    format!(
        r#"<h2>The vote</h2>
<p>The council met on <em>Monday</em> and voted <strong>seven to two</strong> to close the
<a href="https://news.example/ferry?line=1&amp;year=2026">old ferry line</a>. Call it <code>plan_b*</code>.</p>
<p>Readers wrote &lt;script&gt;alert(1)&lt;/script&gt; and *stars* and [brackets](x) and # hashes.</p>
<p>1986. A year people remember.<br>- not a list item</p>
<p>&lt;div hidden, said the page</p>
<figure><img src="{IMAGE_URL}" alt="The harbour at dawn"><figcaption>The harbour, before the vote.</figcaption></figure>
<h3>What happens next</h3>
<ul>
  <li>Ferries stop in <a href="mailto:desk@news.example">spring</a>
    <ol start="3"><li>first the night boat</li><li>then the day boat</li></ol>
  </li>
  <li>A bus replaces them</li>
</ul>
<ul><li>a second, separate list</li></ul>
<blockquote><p>We were not asked.</p><p>— a resident</p></blockquote>
<pre><code>fn main() {{
    println!("&lt;b&gt;not bold&lt;/b&gt; ``` {{}}");
}}</code></pre>
<table>
  <caption>Votes</caption>
  <thead><tr><th>Member</th><th>Vote</th></tr></thead>
  <tbody><tr><td>Ana | Bo</td><td><a href="https://news.example/ana">yes</a></td></tr>
  <tr><td colspan="2">Absent: none</td></tr></tbody>
</table>
<hr>
<p><a href="https://video.example/embed/vote" title="Embedded content: video.example"></a></p>
<p><a href="https://video.example/2" title="[a](https://evil.example/) *not* emphasis"></a></p>
<p><a href="https://video.example/quay.mp4" title="Video: video.example"><img src="{IMAGE_URL}" alt=""></a></p>
<p><img src="{MISSING_IMAGE_URL}" alt="Not downloaded"> <a href="javascript:alert(1)">a trap</a></p>"#
    )
}

/// A library with the rich story (bookmarked, two highlights) and a plain one; returns it,
/// the rich story's id and the image's bytes.
fn library(name: &str) -> (Library, PathBuf, i64, Vec<u8>) {
    let (mut lib, path, feed) = library_with_feed("markdown", name, Some("Harbour News"));
    let (html, urls) = tidings::sync::offline_html(&rich_html(), None);
    let text = "The vote\n\nThe council met on Monday and voted seven to two to close the old \
        ferry line. Call it plan_b*.\n\nWe were not asked.\n\n— a resident";
    let items = vec![
        IncomingArticle {
            item_key: "rich".into(),
            url: Some("https://news.example/vote".into()),
            title: "Council: \"close the ferry\" — 7/2".into(),
            author: Some("Kim Lee".into()),
            published_at: Some(1_764_000_000),
            content_html: Some(html),
            content_text: Some(text.into()),
            extraction: Extraction::Full,
            image_urls: urls,
            ..IncomingArticle::default()
        },
        IncomingArticle {
            item_key: "plain".into(),
            title: "香港天气".into(),
            content_html: Some("<p>香港的天气</p>".into()),
            content_text: Some("香港的天气".into()),
            extraction: Extraction::Feed,
            ..IncomingArticle::default()
        },
    ];
    lib.store_feed_result(feed, &FeedUpdate::default(), &items)
        .unwrap();
    let png = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("icons/32x32.png")).unwrap();
    lib.store_image(
        &tidings::images::image_key(IMAGE_URL),
        Ok(("image/png", &png)),
    )
    .unwrap();
    let rich = lib
        .articles(&Default::default(), 10, 0)
        .unwrap()
        .into_iter()
        .find(|a| a.url.as_deref() == Some("https://news.example/vote"))
        .unwrap()
        .id;
    let words = |exact: &str| Selection::Words {
        exact: exact.into(),
        occurrence: None,
    };
    lib.add_highlight(
        rich,
        &words("voted seven to two"),
        HighlightColor::Yellow,
        Some("Check the minutes.\n# not a heading\n\nAsk <b>Kim</b> & co."),
    )
    .unwrap();
    lib.add_highlight(
        rich,
        &words("We were not asked."),
        HighlightColor::Blue,
        None,
    )
    .unwrap();
    (lib, path, rich, png)
}

fn parse(markdown: &str) -> Vec<Event<'_>> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    Parser::new_ext(markdown, options).collect()
}

/// No raw HTML, block or inline, anywhere in the parsed document.
fn assert_no_html(events: &[Event<'_>], markdown: &str) {
    for e in events {
        assert!(
            !matches!(
                e,
                Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::HtmlBlock)
            ),
            "HTML in the output: {e:?}\n{markdown}"
        );
    }
}

/// The text of every event between `start` (index of a Start event) and its end.
fn text_within(events: &[Event<'_>], start: usize) -> String {
    let mut depth = 0;
    let mut out = String::new();
    for e in &events[start..] {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Event::Text(t) | Event::Code(t) => out.push_str(t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            _ => {}
        }
    }
    out
}

/// For each element `pick` chooses: what it picked, and the element's text.
fn tagged<T>(events: &[Event<'_>], pick: impl Fn(&Tag<'_>) -> Option<T>) -> Vec<(T, String)> {
    events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e {
            Event::Start(tag) => pick(tag).map(|t| (t, text_within(events, i))),
            _ => None,
        })
        .collect()
}

fn exported(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    files
}

#[test]
fn a_rich_story_survives_a_commonmark_parser() {
    let (mut lib, path, rich, png) = library("rich");
    let tags = ["ferries".to_string(), "vote: \"7/2\" #local".to_string()];
    lib.tag(rich, &tags).unwrap();
    let dir = path.with_file_name("export");
    let report = bookmarks_markdown(&lib, &dir).unwrap();
    assert_eq!((report.stories, report.images), (1, 2));
    let file = dir.join(file_name(&lib.article(rich).unwrap().title, rich));
    assert_eq!(exported(&dir), vec![file.clone()], "only bookmarks");
    let markdown = std::fs::read_to_string(&file).unwrap();
    let events = parse(&markdown);
    assert_no_html(&events, &markdown);

    // Front matter: valid YAML with every field.
    let front = events
        .iter()
        .position(|e| matches!(e, Event::Start(Tag::MetadataBlock(_))))
        .expect("front matter");
    assert_eq!(front, 0);
    let yaml = &yaml_rust2::YamlLoader::load_from_str(&text_within(&events, 0)).unwrap()[0];
    assert_eq!(
        yaml["title"].as_str(),
        Some("Council: \"close the ferry\" — 7/2")
    );
    assert_eq!(yaml["url"].as_str(), Some("https://news.example/vote"));
    assert_eq!(yaml["author"].as_str(), Some("Kim Lee"));
    assert_eq!(yaml["published"].as_str(), Some("2025-11-24T16:00:00Z"));
    let saved = yaml["saved"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(saved).is_ok(),
        "{saved}"
    );
    let mut exported_tags: Vec<&str> = yaml["tags"]
        .as_vec()
        .expect("tags is a list")
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    exported_tags.sort_unstable();
    assert_eq!(
        exported_tags,
        tags.iter().map(String::as_str).collect::<Vec<_>>()
    );
    assert_eq!(yaml["tidings_id"].as_i64(), Some(rich));

    // Every heading, in order.
    let headings = tagged(&events, |tag| match tag {
        Tag::Heading { level, .. } => Some(*level),
        _ => None,
    });
    assert_eq!(
        headings,
        vec![
            (
                HeadingLevel::H1,
                "Council: \"close the ferry\" — 7/2".to_string()
            ),
            (HeadingLevel::H2, "The vote".into()),
            (HeadingLevel::H3, "What happens next".into()),
            (HeadingLevel::H2, "Highlights".into()),
        ]
    );

    // Lists: the bullet list with its nested ordered list from 3, and the separate one.
    let lists: Vec<Option<u64>> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::List(start)) => Some(*start),
            _ => None,
        })
        .collect();
    assert_eq!(lists, vec![None, Some(3), None]);
    let items: Vec<String> = events
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, Event::Start(Tag::Item)))
        .map(|(i, _)| text_within(&events, i))
        .collect();
    assert_eq!(
        items,
        vec![
            "Ferries stop in springfirst the night boatthen the day boat",
            "first the night boat",
            "then the day boat",
            "A bus replaces them",
            "a second, separate list",
        ]
    );

    // Links: the safe ones, with their targets; the javascript: ones are only words.
    let links = tagged(&events, |tag| match tag {
        Tag::Link { dest_url, .. } => Some(dest_url.to_string()),
        _ => None,
    });
    assert_eq!(
        links,
        vec![
            (
                "https://news.example/ferry?line=1&year=2026".to_string(),
                "old ferry line".to_string()
            ),
            ("mailto:desk@news.example".into(), "spring".into()),
            ("https://news.example/ana".into(), "yes".into()),
            // A link with no words (to embedded media) says its title, escaped.
            (
                "https://video.example/embed/vote".into(),
                "Embedded content: video.example".into()
            ),
            (
                "https://video.example/2".into(),
                "[a](https://evil.example/) *not* emphasis".into()
            ),
            // A video's poster: the picture, then the title.
            (
                "https://video.example/quay.mp4".into(),
                " Video: video.example".into()
            ),
        ]
    );
    assert!(markdown.contains("a trap") && !markdown.contains("javascript"));

    // Images: copied into assets/ and linked relatively; the missing one is the placeholder.
    let images = tagged(&events, |tag| match tag {
        Tag::Image { dest_url, .. } => Some(dest_url.to_string()),
        _ => None,
    });
    let key = tidings::images::image_key(IMAGE_URL);
    let missing = tidings::images::image_key(MISSING_IMAGE_URL);
    assert_eq!(
        images,
        vec![
            (
                format!("assets/{key}.png"),
                "The harbour at dawn".to_string()
            ),
            (format!("assets/{key}.png"), String::new()),
            (format!("assets/{missing}.png"), "Not downloaded".into()),
        ]
    );
    assert_eq!(std::fs::read(dir.join(&images[0].0)).unwrap(), png);
    assert_eq!(
        std::fs::read(dir.join(&images[2].0)).unwrap(),
        tidings::images::PLACEHOLDER_PNG
    );

    // The table: a GFM table, its header, the pipe inside a cell, the spanned row padded.
    let table = events
        .iter()
        .position(|e| matches!(e, Event::Start(Tag::Table(_))))
        .expect("a table");
    let mut cells = Vec::new();
    for (i, e) in events.iter().enumerate().skip(table) {
        match e {
            Event::Start(Tag::TableCell) => cells.push(text_within(&events, i)),
            Event::End(TagEnd::Table) => break,
            _ => {}
        }
    }
    assert_eq!(
        cells,
        vec!["Member", "Vote", "Ana | Bo", "yes", "Absent: none", ""]
    );

    // Code, quote, the text that looks like markup and the escaped line starts.
    let code = events
        .iter()
        .position(|e| matches!(e, Event::Start(Tag::CodeBlock(_))))
        .unwrap();
    assert_eq!(
        text_within(&events, code),
        "fn main() {\n    println!(\"<b>not bold</b> ``` {}\");\n}\n"
    );
    let all_text = text_within(&events, 0)
        + &{
            let mut s = String::new();
            for (i, e) in events.iter().enumerate() {
                if matches!(e, Event::Start(Tag::Paragraph)) {
                    s.push_str(&text_within(&events, i));
                    s.push('\n');
                }
            }
            s
        };
    for literal in [
        "Readers wrote <script>alert(1)</script> and *stars* and [brackets](x) and # hashes.",
        "1986. A year people remember.\n- not a list item",
        "<div hidden, said the page",
        "Call it ",
        "The harbour, before the vote.",
    ] {
        assert!(all_text.contains(literal), "{literal:?} not in {all_text}");
    }
    assert!(events.contains(&Event::Code("plan_b*".into())));
    let quote = events
        .iter()
        .position(|e| matches!(e, Event::Start(Tag::BlockQuote(_))))
        .unwrap();
    assert_eq!(
        text_within(&events, quote),
        "We were not asked.— a resident"
    );
    assert!(events.contains(&Event::Rule));
}

#[test]
fn highlights_and_their_notes_close_each_file() {
    let (lib, path, rich, _) = library("highlights");
    let dir = path.with_file_name("export");
    bookmarks_markdown(&lib, &dir).unwrap();
    let markdown =
        std::fs::read_to_string(dir.join(file_name(&lib.article(rich).unwrap().title, rich)))
            .unwrap();
    let events = parse(&markdown);
    assert_no_html(&events, &markdown);
    let section = events
        .iter()
        .position(|e| matches!(e, Event::Text(t) if t.as_ref() == "Highlights"))
        .unwrap();
    let after = &events[section..];
    assert!(
        !after
            .iter()
            .skip(1)
            .any(|e| matches!(e, Event::Start(Tag::Heading { .. }))),
        "the highlights come last, and a note's '#' is no heading"
    );
    // Each highlight as a block quote, its note (every line of it) right after.
    let blocks: Vec<(bool, String)> = after
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e {
            Event::Start(Tag::BlockQuote(_)) => Some((true, text_within(after, i))),
            Event::Start(Tag::Paragraph) => Some((false, text_within(after, i))),
            _ => None,
        })
        .collect();
    let quoted_paragraphs: Vec<&(bool, String)> = blocks.iter().filter(|(q, _)| !q).collect();
    assert_eq!(
        blocks
            .iter()
            .filter(|(q, _)| *q)
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>(),
        vec!["voted seven to two", "We were not asked."]
    );
    // The quotes' own paragraphs, then the note's two paragraphs, in that order.
    let texts: Vec<&str> = quoted_paragraphs.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "voted seven to two",
            "Check the minutes.\n# not a heading",
            "Ask <b>Kim</b> & co.",
            "We were not asked.",
        ]
    );
}

#[test]
fn hostile_titles_give_safe_stable_file_names() {
    let long = "x".repeat(300);
    let titles = [
        "../../etc/passwd",
        "..",
        "a:b/c\\d*e?f\"g<h>i|j",
        long.as_str(),
        "🔥🔥 Breaking 🎉 news",
        "CON",
        "nul.txt",
        "",
        "   \t\n",
        "名字：测试 / 香港",
        "Trailing dots...",
        "שלום עולם",
        "\u{202E}gpj.exe",
        "line\nbreak\u{0}nul",
    ];
    for (i, title) in titles.iter().enumerate() {
        let id = 1000 + i as i64;
        let name = file_name(title, id);
        assert_eq!(name, file_name(title, id), "stable");
        assert!(name.ends_with(&format!("-{id}.md")), "{name}");
        assert!(name.len() <= 120, "{} bytes: {name}", name.len());
        assert!(!name.starts_with('.') && !name.starts_with('-'), "{name}");
        for c in name.chars() {
            assert!(
                c.is_alphanumeric() || c == '-' || c == '.',
                "{c:?} in {name:?} (from {title:?})"
            );
        }
        let stem = name.trim_end_matches(".md");
        assert!(!stem.ends_with('.') && !stem.ends_with(' '), "{name}");
    }
    // Exported for real: every story in its own file, all of them inside the folder.
    let (mut lib, path, feed) = library_with_feed("markdown", "hostile-titles", None);
    let items: Vec<IncomingArticle> = titles
        .iter()
        .enumerate()
        .map(|(i, title)| IncomingArticle {
            item_key: format!("t{i}"),
            title: title.to_string(),
            content_html: Some("<p>Body</p>".into()),
            extraction: Extraction::Feed,
            ..IncomingArticle::default()
        })
        .collect();
    lib.store_feed_result(feed, &FeedUpdate::default(), &items)
        .unwrap();
    for a in lib.articles(&Default::default(), 100, 0).unwrap() {
        lib.set_bookmarked(a.id, true, None).unwrap();
    }
    let parent = path.with_file_name("out");
    let dir = parent.join("export");
    assert_eq!(
        bookmarks_markdown(&lib, &dir).unwrap().stories,
        titles.len()
    );
    assert_eq!(exported(&dir).len(), titles.len());
    let beside: Vec<_> = std::fs::read_dir(&parent).unwrap().collect();
    assert_eq!(beside.len(), 1, "nothing written outside the folder");
    for file in exported(&dir) {
        let markdown = std::fs::read_to_string(&file).unwrap();
        let events = parse(&markdown);
        assert_no_html(&events, &markdown);
        let yaml = yaml_rust2::YamlLoader::load_from_str(&text_within(&events, 0)).unwrap();
        let title = yaml[0]["title"].as_str().unwrap();
        assert!(titles.contains(&title), "{title:?}");
    }

    assert_eq!(file_name("../../etc/passwd", 7), "etc-passwd-7.md");
    assert_eq!(file_name("🔥🔥 Breaking 🎉 news", 7), "breaking-news-7.md");
    assert_eq!(file_name("", 7), "story-7.md");
    assert_eq!(file_name("名字：测试 / 香港", 7), "名字-测试-香港-7.md");
    assert!(file_name(&long, 7).len() < 110);
}

#[test]
fn re_exporting_updates_the_same_files_in_place() {
    let (mut lib, path, rich, _) = library("again");
    let dir = path.with_file_name("export");
    bookmarks_markdown(&lib, &dir).unwrap();
    let first = exported(&dir);
    let before = std::fs::read_to_string(&first[0]).unwrap();
    // Same library: the same file, the same bytes.
    bookmarks_markdown(&lib, &dir).unwrap();
    assert_eq!(exported(&dir), first);
    assert_eq!(std::fs::read_to_string(&first[0]).unwrap(), before);
    // A note changed and another story bookmarked: updated in place, one file added.
    let h = lib.highlights(Some(rich)).unwrap()[0].id;
    lib.set_highlight_note(h, Some("A new thought")).unwrap();
    let other = lib
        .articles(&Default::default(), 10, 0)
        .unwrap()
        .into_iter()
        .find(|a| a.id != rich)
        .unwrap();
    lib.set_bookmarked(other.id, true, Some("keep")).unwrap();
    bookmarks_markdown(&lib, &dir).unwrap();
    let second = exported(&dir);
    assert_eq!(second.len(), 2);
    assert!(second.contains(&first[0]));
    let updated = std::fs::read_to_string(&first[0]).unwrap();
    assert!(updated.contains("A new thought") && !updated.contains("Check the minutes"));
    let zh = std::fs::read_to_string(dir.join(file_name("香港天气", other.id))).unwrap();
    assert!(
        zh.contains("note: \"keep\"") && zh.contains("香港的天气"),
        "{zh}"
    );
    // A story whose title changed keeps one file, renamed.
    lib.store_feed_result(
        other.feed_id,
        &FeedUpdate::default(),
        &[IncomingArticle {
            item_key: "plain".into(),
            title: "香港天气（更新）".into(),
            content_html: Some("<p>香港的天气很好</p>".into()),
            content_text: Some("香港的天气很好".into()),
            extraction: Extraction::Feed,
            ..IncomingArticle::default()
        }],
    )
    .unwrap();
    bookmarks_markdown(&lib, &dir).unwrap();
    let third = exported(&dir);
    assert_eq!(third.len(), 2, "{third:?}");
    assert!(third.contains(&dir.join(file_name("香港天气（更新）", other.id))));
    assert!(!third.contains(&dir.join(file_name("香港天气", other.id))));
}

#[test]
fn a_file_in_the_way_is_never_overwritten() {
    let (lib, path, rich, _) = library("in-the-way");
    let dir = path.with_file_name("export");
    std::fs::create_dir_all(&dir).unwrap();
    let target = dir.join(file_name(&lib.article(rich).unwrap().title, rich));
    std::fs::write(&target, "my own notes\n").unwrap();
    let err = bookmarks_markdown(&lib, &dir).unwrap_err();
    assert!(matches!(err, ExportError::NotOurs { .. }), "{err}");
    assert!(err.to_string().contains("left untouched"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "my own notes\n");
    assert_eq!(exported(&dir), vec![target], "nothing else was written");
}

#[test]
fn the_cli_writes_the_folder_and_the_html_and_epub_carry_highlights() {
    let (lib, path, _, _) = library("cli");
    drop(lib);
    let dir = path.with_file_name("notes");
    let html = path.with_file_name("bookmarks.html");
    let epub = path.with_file_name("bookmarks.epub");
    let args = [
        "export-bookmarks".as_ref(),
        "--markdown".as_ref(),
        dir.as_os_str(),
        "--html".as_ref(),
        html.as_os_str(),
        "--epub".as_ref(),
        epub.as_os_str(),
    ];
    let out: crate::support::library::CliRun = crate::support::library::run_cli(&path, &args);
    assert!(out.ok, "{}", out.stderr);
    let stdout = out.stdout;
    assert!(
        stdout.contains("Wrote 1 stories and 2 images to"),
        "{stdout}"
    );
    assert_eq!(exported(&dir).len(), 1);
    let html = std::fs::read_to_string(&html).unwrap();
    for part in [
        "<h2>Highlights</h2>",
        "<blockquote>voted seven to two</blockquote>",
        "Ask &lt;b&gt;Kim&lt;/b&gt; &amp; co.",
        "<blockquote>We were not asked.</blockquote>",
    ] {
        assert!(html.contains(part), "{part} missing");
    }
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    let mut chapter = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("OEBPS/story1.xhtml").unwrap(),
        &mut chapter,
    )
    .unwrap();
    assert!(chapter.contains("<blockquote>voted seven to two</blockquote>"));
    assert!(chapter.contains("Ask &lt;b&gt;Kim&lt;/b&gt; &amp; co."));
}

/// The letters and digits of a parsed document's text, in order.
fn markdown_letters(markdown: &str) -> String {
    let mut out = String::new();
    for e in parse(markdown) {
        if let Event::Text(t) | Event::Code(t) = e {
            out.extend(t.chars().filter(|c| c.is_alphanumeric()));
        }
    }
    out
}

/// The letters and digits of an HTML fragment's text (and image alt texts), in order, as a
/// reader would see them: scripts, styles and the like left out.
fn html_letters(html: &str) -> String {
    let fragment = scraper::Html::parse_fragment(html);
    let mut out = String::new();
    for node in fragment.root_element().descendants() {
        let hidden = node.ancestors().any(|a| {
            a.value().as_element().is_some_and(|e| {
                matches!(
                    e.name(),
                    "script"
                        | "style"
                        | "noscript"
                        | "template"
                        | "iframe"
                        | "object"
                        | "embed"
                        | "svg"
                        | "math"
                        | "textarea"
                        | "select"
                        | "button"
                        | "form"
                        | "frameset"
                        | "frame"
                        | "applet"
                        | "head"
                        | "title"
                        | "rp"
                        | "rt"
                )
            })
        });
        if hidden {
            continue;
        }
        match node.value() {
            scraper::Node::Text(t) => out.extend(t.chars().filter(|c| c.is_alphanumeric())),
            scraper::Node::Element(e) if e.name() == "img" => out.extend(
                e.attr("alt")
                    .unwrap_or("")
                    .chars()
                    .filter(|c| c.is_alphanumeric()),
            ),
            _ => {}
        }
    }
    out
}

/// Converts `html` and reads the result back: no panic, no HTML, links only to the web or
/// mail, every letter and digit of the story's text still there, and no structure the story
/// did not have (text never turns into syntax).
fn check_conversion(html: &str) -> Result<(), TestCaseError> {
    let mut image =
        |src: &str| tidings::images::key_from_src(src).map(|k| format!("assets/{k}.png"));
    let markdown = to_commonmark(html, &mut image);
    let events = parse(&markdown);
    assert_no_html(&events, &markdown);
    for e in &events {
        if let Event::Start(Tag::Link { dest_url, .. }) = e {
            let d = dest_url.to_ascii_lowercase();
            prop_assert!(
                d.starts_with("https:") || d.starts_with("http:") || d.starts_with("mailto:"),
                "link to {dest_url} in {markdown}"
            );
        }
    }
    prop_assert_eq!(
        markdown_letters(&markdown),
        html_letters(html),
        "{}\n---\n{}",
        html,
        markdown
    );
    let tags = html_tags(html);
    for e in &events {
        let Event::Start(tag) = e else { continue };
        let from: &[&str] = match tag {
            Tag::Heading { .. } => &["h1", "h2", "h3", "h4", "h5", "h6"],
            Tag::BlockQuote(_) => &["blockquote"],
            Tag::CodeBlock(_) => &["pre"],
            Tag::List(_) | Tag::Item => &["ul", "ol"],
            Tag::Table(_) => &["table"],
            Tag::Emphasis => &["em", "i", "cite", "dfn", "var", "caption"],
            Tag::Strong => &["strong", "b", "dt"],
            Tag::Strikethrough => &["del", "s", "strike"],
            Tag::Link { .. } => &["a"],
            Tag::Image { .. } => &["img"],
            _ => continue,
        };
        prop_assert!(
            from.iter().any(|t| tags.contains(*t)),
            "{:?} without {:?} in the story:\n{}\n---\n{}",
            tag,
            from,
            html,
            markdown
        );
    }
    let rules = events.iter().filter(|e| matches!(e, Event::Rule)).count();
    prop_assert!(
        rules == 0 || tags.contains("hr"),
        "a rule from text:\n{}",
        markdown
    );
    let codes = events
        .iter()
        .filter(|e| matches!(e, Event::Code(_)))
        .count();
    prop_assert!(
        codes == 0
            || ["code", "kbd", "samp", "tt"]
                .iter()
                .any(|t| tags.contains(*t)),
        "a code span from text:\n{}",
        markdown
    );
    Ok(())
}

#[test]
fn tricky_stories_convert_exactly() {
    for html in [
        "<ul><li>text<ul><li></li><li>b</li></ul></li></ul>",
        "<ul><li>text<ol start=\"4\"><li>four</li></ol></li></ul>",
        "<ol><li>a</li></ol><ol><li>b</li></ol><ol><li>c</li></ol>",
        "<p>1986. A year</p><p>2) two</p><p>+ plus</p><p>= equals</p><p>***</p>",
        "<p>    four spaces</p><p>\tTab</p><p>[a]: https://x.example</p>",
        "<p>a<br><br>b<br></p><p><br>c</p>",
        "<h2></h2><blockquote></blockquote><table></table><ul></ul><pre> </pre>",
        "<p><em> spaced </em>and<strong></strong>x<code>`</code><code> `` </code></p>",
        "<pre>```\ncode\n````\n</pre>",
        "<p>&lt;div class=x&gt; &lt;!-- c --&gt; &lt;https://a.example&gt; &amp;copy;</p>",
        "<a href=\"javascript:alert(1)\">trap</a> <a href=\"https://x.example/a b>c\">ok</a>",
        "<table><tr><td><ul><li>in</li></ul> a|b <code>c|d</code></td></tr></table>",
        "<dl><dt><b>term</b></dt><dd>def</dd></dl>",
    ] {
        check_conversion(html).unwrap();
    }
}

/// The names of the elements in an HTML fragment a reader sees (not inside dropped ones).
fn html_tags(html: &str) -> std::collections::HashSet<String> {
    let fragment = scraper::Html::parse_fragment(html);
    fragment
        .root_element()
        .descendants()
        .filter_map(|n| n.value().as_element().map(|e| e.name().to_string()))
        .collect()
}

/// Story-like HTML: nested elements from the sanitizer's list and beyond, hostile attributes,
/// text full of Markdown and HTML syntax.
fn html_strategy() -> impl Strategy<Value = String> {
    let text = prop::sample::select(vec![
        "plain words",
        "<b>not a tag</b>",
        "&amp; &lt; &#60;",
        "* star",
        "- dash",
        "+ plus",
        "1. one",
        "12) twelve",
        "# hash",
        "> quote",
        "```",
        "~~~",
        "| pipe |",
        "[x](y)",
        "![i](j)",
        "<!-- c -->",
        "<https://a.example>",
        "\\",
        "`tick`",
        "_u_",
        "   ",
        "\n\n",
        "\t",
        "香港",
        "שלום",
        "🎉",
        "=====",
        "---",
        "    indented",
        "&copy",
        "<script>alert(1)</script>",
        "]]>",
        "a\u{0}b",
        "\u{202E}",
        "$x$",
        "{{y}}",
        "<div title=x",
        "<pre ",
        "<textarea",
        "<?php",
        "<![CDATA[",
        "</p",
    ])
    .prop_map(|t| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    });
    let leaf = prop_oneof![
        text.clone(),
        Just(String::from("<br>")),
        Just(String::from("<hr>")),
        Just(format!(
            "<img src=\"{}\" alt=\"pic *1*\">",
            tidings::images::image_src(IMAGE_URL)
        )),
        Just(String::from(
            "<img src=\"https://x.example/a.png\" alt=\"web [alt]\">"
        )),
        Just(String::from("<script>document.write('<p>x</p>')</script>")),
        Just(String::from("<style>p{color:red}</style>")),
        Just(String::from("<input value=\"in\">")),
    ];
    let tags = prop::sample::select(vec![
        "p",
        "div",
        "span",
        "em",
        "strong",
        "b",
        "i",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h4",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "caption",
        "figure",
        "figcaption",
        "del",
        "s",
        "sub",
        "sup",
        "mark",
        "q",
        "cite",
        "dl",
        "dt",
        "dd",
        "details",
        "summary",
        "section",
        "kbd",
        "small",
        "abbr",
        "ruby",
        "rt",
        "a",
        "iframe",
        "svg",
        "object",
        "button",
        "font",
        "center",
        "custom-tag",
    ]);
    let attrs = prop::sample::select(vec![
        "",
        " href=\"https://news.example/a b?c=<d>&amp;e\"",
        " href=\"javascript:alert(1)\"",
        " href=\"mailto:x@y.example\"",
        " href=\"data:text/html,<script>1</script>\"",
        " start=\"7\"",
        " start=\"99999999999\"",
        " colspan=\"100000\"",
        " onclick=\"alert(1)\"",
        " style=\"color:red\"",
    ]);
    leaf.prop_recursive(6, 60, 6, move |inner| {
        (
            tags.clone(),
            attrs.clone(),
            prop::collection::vec(inner, 0..6),
        )
            .prop_map(|(tag, attr, children)| format!("<{tag}{attr}>{}</{tag}>", children.concat()))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(400)
    ))]

    /// Any story HTML (and the same HTML as the sanitizer stores it): see [`check_conversion`].
    #[test]
    fn the_converter_keeps_the_text_and_never_lets_html_through(html in html_strategy()) {
        check_conversion(&html)?;
        check_conversion(&tidings::sanitize::sanitize_html(&html, None))?;
    }

    /// Arbitrary text as HTML never panics the converter, and never yields HTML.
    #[test]
    fn the_converter_never_panics_on_any_string(html in ".{0,400}") {
        let markdown = to_commonmark(&html, &mut |_| None);
        assert_no_html(&parse(&markdown), &markdown);
    }
}

#[test]
fn deep_nesting_is_written_as_text_without_overflowing_the_stack() {
    // 1,500 elements: parsing (html5ever) grows with the square of the depth (15,000 take 30 s).
    let depth = 500;
    let html = format!(
        "{}deep words{}",
        "<blockquote><ul><li>".repeat(depth),
        "</li></ul></blockquote>".repeat(depth)
    );
    let markdown = to_commonmark(&html, &mut |_| None);
    assert!(markdown.contains("deep words"));
    assert_no_html(&parse(&markdown), &markdown);
}
