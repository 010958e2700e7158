//! The allowlist every stored piece of HTML passes through.
//!
//! Feed content and extracted pages are written by strangers: before anything is stored it goes
//! through [`sanitize_html`], which keeps the tags and attributes a story needs and nothing else
//! (no scripts, styles, frames, forms or event handlers; http, https and mailto links only;
//! `rel="noopener noreferrer"` on links; `utm_*` tracking parameters dropped; relative URLs
//! resolved against the page or feed URL). Titles and other plain strings never go through
//! here: they are text and are shown with `textContent`.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use url::Url;

/// Tags a story needs.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "bdi",
    "bdo",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "picture",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "small",
    "source",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
];

/// Elements removed together with everything inside them.
const DROP_WITH_CONTENT: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
    "textarea", "select", "button", "form", "frameset", "frame", "applet", "head", "title",
];

/// The scheme of the app's offline image protocol, the one non-web scheme allowed in `src`.
pub const IMAGE_SCHEME: &str = "tidings-img";

thread_local! {
    /// The URL relative links resolve against during one call on this thread. The allowlist
    /// builders are built once per process (building one costs more than cleaning a typical
    /// feed item) and read the base from here.
    static BASE: RefCell<Option<Url>> = const { RefCell::new(None) };
    /// The image URLs [`rewrite_images`] found during one call on this thread.
    static FOUND_IMAGES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Runs `work` with `base` as this thread's base URL.
fn with_base<T>(base: Option<&Url>, work: impl FnOnce() -> T) -> T {
    BASE.with(|b| *b.borrow_mut() = base.cloned());
    let result = work();
    BASE.with(|b| *b.borrow_mut() = None);
    result
}

/// Ammonia's rule for URLs still relative after the filters: resolved against [`BASE`] when
/// there is one (and http(s)), else removed.
fn resolve_or_drop(value: &str) -> Option<std::borrow::Cow<'_, str>> {
    BASE.with(|b| {
        let joined = b.borrow().as_ref()?.join(value.trim()).ok()?;
        matches!(joined.scheme(), "http" | "https").then(|| String::from(joined).into())
    })
}

/// A link resolved against this thread's base URL, without tracking parameters.
fn resolved_link(value: &str) -> String {
    let absolute = BASE.with(|b| {
        b.borrow()
            .as_ref()
            .and_then(|base| base.join(value.trim()).ok())
            .map(String::from)
    });
    strip_tracking_params(absolute.as_deref().unwrap_or(value))
}

/// The allowlist itself. Relative URLs pass ammonia's scheme check, are resolved by the
/// attribute filters against [`BASE`], and any still relative after that had no base: the
/// final relative-URL rule removes them.
fn cleaner() -> ammonia::Builder<'static> {
    let mut tag_attributes: HashMap<&'static str, HashSet<&'static str>> = HashMap::new();
    let mut put = |tag: &'static str, attrs: &[&'static str]| {
        tag_attributes.insert(tag, attrs.iter().copied().collect());
    };
    put("a", &["href", "title"]);
    put("img", &["src", "srcset", "alt", "title", "width", "height"]);
    put("source", &["srcset", "type", "media", "sizes"]);
    put("td", &["colspan", "rowspan", "headers"]);
    put("th", &["colspan", "rowspan", "headers", "scope"]);
    put("col", &["span"]);
    put("colgroup", &["span"]);
    put("time", &["datetime"]);
    put("blockquote", &["cite"]);
    put("q", &["cite"]);
    put("del", &["cite", "datetime"]);
    put("ins", &["cite", "datetime"]);
    put("ol", &["start", "reversed", "type"]);
    put("details", &["open"]);
    put("abbr", &["title"]);

    let mut builder = ammonia::Builder::default();
    builder
        .tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROP_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(tag_attributes)
        .generic_attributes(["lang", "dir", "title"].into_iter().collect())
        .url_schemes(
            ["http", "https", "mailto", IMAGE_SCHEME]
                .into_iter()
                .collect(),
        )
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .url_relative(ammonia::UrlRelative::Custom(Box::new(resolve_or_drop)));
    builder
}

/// Cleans untrusted HTML for storage, resolving relative URLs against `base`.
pub fn sanitize_html(html: &str, base: Option<&Url>) -> String {
    static LINKS: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let builder = LINKS.get_or_init(|| {
        let mut builder = cleaner();
        builder.attribute_filter(|_element, attribute, value| match attribute {
            "href" | "src" | "cite" => Some(resolved_link(value).into()),
            _ => Some(value.into()),
        });
        builder
    });
    with_base(base, || builder.clean(html).to_string())
}

/// Sanitizes `html` again and points every `<img>` at the app's offline image scheme, dropping
/// `srcset`/`<source>` candidates (the stored page never reaches the network). Returns the HTML
/// and the original absolute URLs of its images, in order, each once.
pub fn rewrite_images(html: &str, base: Option<&Url>) -> (String, Vec<String>) {
    static OFFLINE: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let builder = OFFLINE.get_or_init(|| {
        let mut builder = cleaner();
        builder
            .rm_tags(["source"])
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                ("img", "srcset") | ("source", _) => None,
                ("img", "src") => offline_src(value).map(Into::into),
                (_, "href" | "cite") => Some(resolved_link(value).into()),
                _ => Some(value.into()),
            });
        builder
    });
    FOUND_IMAGES.with(|f| f.borrow_mut().clear());
    let cleaned = with_base(base, || builder.clean(html).to_string());
    let urls = FOUND_IMAGES.with(|f| std::mem::take(&mut *f.borrow_mut()));
    (cleaned, urls)
}

/// The offline `src` for an image URL (recorded in [`FOUND_IMAGES`]); `None` drops it.
fn offline_src(value: &str) -> Option<String> {
    if crate::images::key_from_src(value).is_some() {
        return Some(value.to_string());
    }
    let absolute = BASE.with(|b| match b.borrow().as_ref() {
        Some(base) => base.join(value.trim()).ok(),
        None => Url::parse(value.trim()).ok(),
    })?;
    if !matches!(absolute.scheme(), "http" | "https") {
        return None;
    }
    let url = strip_tracking_params(absolute.as_str());
    let src = crate::images::image_src(&url);
    FOUND_IMAGES.with(|f| {
        let mut found = f.borrow_mut();
        if !found.contains(&url) {
            found.push(url);
        }
    });
    Some(src)
}

/// Escapes plain text for inclusion in HTML (a text-only feed field shown as a body).
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Drops `utm_*` (and similar campaign) query parameters from an absolute URL; anything that
/// does not parse is returned as it was (the scheme allowlist handles it).
pub fn strip_tracking_params(value: &str) -> String {
    let Ok(mut url) = Url::parse(value) else {
        return value.to_string();
    };
    if url.query().is_none() {
        return value.to_string();
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| !is_tracking_param(k))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url.to_string()
}

fn is_tracking_param(key: &str) -> bool {
    key.starts_with("utm_") || matches!(key, "fbclid" | "gclid" | "mc_cid" | "mc_eid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_scripts_handlers_and_javascript_links() {
        let dirty = r#"<p onclick="x()">Hi<script>alert(1)</script><img src=x onerror=alert(1)>
            <a href="javascript:alert(1)">j</a><iframe src="https://e.com"></iframe></p>"#;
        let clean = sanitize_html(dirty, None);
        for bad in [
            "script",
            "onclick",
            "onerror",
            "javascript",
            "iframe",
            "alert",
        ] {
            assert!(!clean.contains(bad), "{bad} survived in {clean}");
        }
        assert!(clean.contains("Hi"));
    }

    #[test]
    fn resolves_relative_urls_and_marks_links() {
        let base = Url::parse("https://news.example/a/story.html").unwrap();
        let clean = sanitize_html(
            r#"<a href="../b?utm_source=x&id=2">b</a><img src="i.png">"#,
            Some(&base),
        );
        assert!(
            clean.contains(r#"href="https://news.example/b?id=2""#),
            "{clean}"
        );
        assert!(clean.contains(r#"rel="noopener noreferrer""#), "{clean}");
        assert!(
            clean.contains(r#"src="https://news.example/a/i.png""#),
            "{clean}"
        );
    }

    #[test]
    fn images_point_at_the_offline_scheme() {
        let base = Url::parse("https://news.example/story/").unwrap();
        let (html, urls) = rewrite_images(
            r#"<p><img src="a.jpg?utm_source=x" srcset="a2.jpg 2x" onerror="x()"><picture><source srcset="b.webp"><img src="/b.jpg"></picture><img src="javascript:alert(1)"></p>"#,
            Some(&base),
        );
        assert_eq!(
            urls,
            [
                "https://news.example/story/a.jpg",
                "https://news.example/b.jpg"
            ]
        );
        assert!(
            html.contains(&crate::images::image_src(
                "https://news.example/story/a.jpg"
            )),
            "{html}"
        );
        for bad in ["srcset", "onerror", "javascript", "<source", "https://"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        // Idempotent: stored HTML rewritten again keeps its offline sources.
        let (again, urls_again) = rewrite_images(&html, None);
        assert_eq!(again, html);
        assert!(urls_again.is_empty());
    }

    #[test]
    fn escape_text_makes_markup_inert() {
        assert_eq!(escape_text("<blink>&"), "&lt;blink&gt;&amp;");
    }
}
