//! `tidings::opml::parse_opml`: any bytes read to a subscription list or an error, never a
//! panic; every subscription is an http(s) URL listed once; the list is bounded by the input's
//! size (folder paths at most `MAX_FOLDER_DEPTH` names long); and what `write_opml` writes from
//! the result reads back to the same subscriptions and folders (the module's promise).
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use tidings::opml::{parse_opml, write_opml, OpmlSubscription};

fuzz_target!(|data: &[u8]| {
    let Ok(opml) = parse_opml(data) else {
        return;
    };
    assert!(
        opml.subscriptions.len() <= data.len() / 8,
        "{} subscriptions from {} bytes",
        opml.subscriptions.len(),
        data.len()
    );
    let mut seen = HashSet::new();
    let mut total = 0;
    for sub in &opml.subscriptions {
        assert!(
            matches!(sub.xml_url.scheme(), "http" | "https"),
            "{}",
            sub.xml_url
        );
        if let Some(html) = &sub.html_url {
            assert!(matches!(html.scheme(), "http" | "https"), "{html}");
        }
        assert!(
            seen.insert(sub.xml_url.as_str()),
            "listed twice: {}",
            sub.xml_url
        );
        total += sub.xml_url.as_str().len()
            + sub.html_url.as_ref().map_or(0, |u| u.as_str().len())
            + sub.title.as_ref().map_or(0, String::len)
            + sub.folder.as_ref().map_or(0, String::len);
    }
    // URLs grow by percent-encoding (3x) and a scheme and slash; folder paths repeat their
    // ancestors' names, at most MAX_FOLDER_DEPTH of them.
    let bound = (3 + tidings::opml::MAX_FOLDER_DEPTH * 3) * data.len() + 4096;
    assert!(
        total <= bound,
        "{total} bytes of subscriptions from {} bytes",
        data.len()
    );

    let written = write_opml(
        opml.title.as_deref().unwrap_or("Subscriptions"),
        &opml.subscriptions,
    );
    let again = parse_opml(written.as_bytes())
        .unwrap_or_else(|e| panic!("written OPML does not read back: {e}\n{written}"));
    // What `write_opml` documents: characters XML 1.0 cannot carry are left out (names are
    // read back with whitespace collapsed, `None` when blank); an untitled feed is written with its URL as the
    // (required) `text`, and reads back so; top-level feeds come before the folders, so the
    // order may change.
    let xml_text = |s: &str| -> Option<String> {
        let kept: String = s.chars().filter(|&c| is_xml_char(c)).collect();
        let kept = kept.split_whitespace().collect::<Vec<_>>().join(" ");
        (!kept.is_empty()).then_some(kept)
    };
    let mut expected: Vec<OpmlSubscription> = opml
        .subscriptions
        .iter()
        .cloned()
        .map(|mut sub| {
            sub.title = match sub.title.as_deref() {
                None => Some(sub.xml_url.to_string()),
                // Only control characters: written as `text=""`, read back as untitled.
                Some(title) => xml_text(title),
            };
            sub.folder = sub.folder.as_deref().and_then(xml_text);
            sub
        })
        .collect();
    let mut got = again.subscriptions;
    got.sort_by(|a, b| a.xml_url.cmp(&b.xml_url));
    expected.sort_by(|a, b| a.xml_url.cmp(&b.xml_url));
    assert_eq!(
        got, expected,
        "written OPML reads back differently:\n{written}"
    );
});

/// XML 1.0 `Char`.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}
