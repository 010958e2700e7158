//! `tidings::sanitize`: any markup comes out of `sanitize_html` and `offline_html` without a
//! panic, without a tag or attribute that runs code or loads content (read back with a real
//! HTML parser), and bounded by the input's size; `offline_html` reports only http(s) image
//! URLs, each once.
//!
//! Input: the first byte picks the base URL (or none), the rest is the markup (UTF-8, lossy).
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use scraper::Html;
use tidings::images::IMAGE_SCHEME;
use tidings::sanitize::sanitize_html;
use tidings::sync::offline_html;
use url::Url;

const BASES: &[Option<&str>] = &[
    None,
    Some("https://news.example/2026/story.html"),
    Some("http://127.0.0.1:8080/a/b/"),
];

/// Never in sanitized output: tags that run code, load content or take input.
const FORBIDDEN: &[&str] = &[
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "form", "input", "svg",
    "math", "link", "meta", "base", "template", "noscript", "textarea", "button", "select",
    "applet", "audio", "video",
];

/// Output allowed per input byte, plus a constant (see `feed_parse`).
const PER_BYTE: usize = 64;
const CONSTANT: usize = 64 * 1024;

/// Reads the output back as a browser would and checks every element and attribute.
fn check(what: &str, input: &str, output: &str) {
    assert!(
        output.len() <= PER_BYTE * input.len() + CONSTANT,
        "{what}: {} bytes from {} bytes",
        output.len(),
        input.len()
    );
    let doc = Html::parse_fragment(output);
    for node in doc.tree.nodes() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        let name = el.name();
        assert!(
            !FORBIDDEN.contains(&name),
            "{what}: <{name}> kept in {output:?}"
        );
        for (attr, value) in el.attrs() {
            let attr = attr.to_ascii_lowercase();
            assert!(
                !attr.starts_with("on"),
                "{what}: {attr}= kept in {output:?}"
            );
            assert!(
                attr != "style" && attr != "target",
                "{what}: {attr}= kept in {output:?}"
            );
            if matches!(
                attr.as_str(),
                "href" | "src" | "cite" | "action" | "formaction"
            ) {
                // Every kept link is absolute (relative ones are resolved or dropped) and in
                // the scheme allowlist, read the way a browser reads it.
                let url = Url::parse(value)
                    .unwrap_or_else(|e| panic!("{what}: {attr}={value:?} ({e}) in {output:?}"));
                assert!(
                    matches!(url.scheme(), "http" | "https" | "mailto" | IMAGE_SCHEME),
                    "{what}: {attr}={value:?} kept in {output:?}"
                );
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let base =
        BASES[usize::from(selector) % BASES.len()].map(|b| Url::parse(b).expect("constant URL"));
    let html = String::from_utf8_lossy(body);

    let clean = sanitize_html(&html, base.as_ref());
    check("sanitize_html", &html, &clean);

    let (offline, images) = offline_html(&html, base.as_ref());
    check("offline_html", &html, &offline);
    let mut seen = HashSet::new();
    for image in &images {
        let url = Url::parse(image).unwrap_or_else(|e| panic!("image {image:?}: {e}"));
        assert!(matches!(url.scheme(), "http" | "https"), "image {image}");
        assert!(seen.insert(image), "image listed twice: {image}");
    }

    // What sync stores is sanitized again for offline images: that pass keeps it safe too.
    let (twice, _) = offline_html(&clean, base.as_ref());
    check("offline_html(sanitize_html)", &clean, &twice);
});
