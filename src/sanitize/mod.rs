//! The allowlist every stored piece of HTML passes through.
//!
//! Feed content and extracted pages are written by strangers: before anything is stored it goes
//! through [`sanitize_html`], which keeps the tags and attributes a story needs and nothing else
//! (no scripts, styles, frames, forms or event handlers; http, https and mailto links only;
//! `rel="noopener noreferrer"` on links and never a `target`; `utm_*` tracking parameters
//! dropped; relative URLs resolved against the page or feed URL; `srcset` candidates and `cite`
//! URLs kept only when they are http(s); tracking pixels removed, see [`is_tracker`]). Titles
//! and other plain strings never go through here: they are text and are shown with
//! `textContent`.
//!
//! Media is made plain first ([`media`]): pictures a page loads with a script get their real
//! addresses (the allowlist drops the `data-*` attributes and `<noscript>` copies that hold
//! them), and videos, sounds, frames and plug-ins, which the allowlist drops, become links.
//!
//! There is one path: every body goes through ammonia with this allowlist, then (only when an
//! image was flagged during that pass) a second pass that removes tracking images from the
//! already-clean tree. Nothing is cleaned by hand-written string matching.
//!
//! A leaf: it imports no other module of the crate and knows no scheme of the app's own.
//! [`rewrite_images`] points images at offline sources named by its caller ([`OfflineImages`]).

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use url::Url;

pub(crate) mod media;

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

/// Elements removed together with everything inside them (the extractor's plain text leaves
/// them out too).
pub(crate) const DROP_WITH_CONTENT: &[&str] = &[
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
    "textarea", "select", "button", "form", "frameset", "frame", "applet", "head", "title",
];

/// How [`rewrite_images`] names images offline: given by the caller (the composer builds it from
/// `crate::images`), so this allowlist holds no scheme of the app's own.
#[derive(Debug, Clone, Copy)]
pub struct OfflineImages {
    /// The scheme of offline sources: allowed by [`rewrite_images`] (HTML rewritten before keeps
    /// its sources), never by [`sanitize_html`].
    pub scheme: &'static str,
    /// The offline `src` for an absolute http(s) image URL.
    pub src_for_url: fn(&str) -> String,
    /// Whether a `src` already is an offline one (kept as it is).
    pub is_offline_src: fn(&str) -> bool,
}

thread_local! {
    /// The URL relative links resolve against during one call on this thread. The allowlist
    /// builders are built once per process (building one costs more than cleaning a typical
    /// feed item) and read the base from here.
    static BASE: RefCell<Option<Url>> = const { RefCell::new(None) };
    /// The image URLs [`rewrite_images`] found during one call on this thread.
    static FOUND_IMAGES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// The offline names [`rewrite_images`] uses during one call on this thread.
    static NAMES: Cell<Option<OfflineImages>> = const { Cell::new(None) };
    /// Set during one call when an `<img>` may be a tracking pixel (a tiny size, or a source
    /// dropped as a tracker): the pixel pass then runs over the cleaned HTML.
    static PIXEL_SUSPECT: Cell<bool> = const { Cell::new(false) };
}

/// Runs `work` with `base` as this thread's base URL.
fn with_base<T>(base: Option<&Url>, work: impl FnOnce() -> T) -> T {
    BASE.with(|b| *b.borrow_mut() = base.cloned());
    PIXEL_SUSPECT.with(|p| p.set(false));
    let result = work();
    BASE.with(|b| *b.borrow_mut() = None);
    result
}

/// Carriage returns as a browser parsing the HTML would see them (the serializer writes a CR
/// from `&#13;` as a raw byte, which the next parse turns into LF): so sanitizing stored HTML
/// again gives the same bytes.
fn browser_newlines(html: String) -> String {
    if memchr::memchr(b'\r', html.as_bytes()).is_none() {
        return html;
    }
    html.replace("\r\n", "\n").replace('\r', "\n")
}

/// Whether the pass that just ran flagged a possible tracking pixel (and clears the flag).
fn take_pixel_suspect() -> bool {
    PIXEL_SUSPECT.with(|p| p.replace(false))
}

/// Hosts (and path prefixes) whose images exist only to report that a story was read. Kept
/// short on purpose: each entry is a well-known feed or newsletter tracker, matched on the
/// host name or any subdomain of it, and an image from one is removed with its `<img>`.
const TRACKERS: &[(&str, &str)] = &[
    // FeedBurner's per-item read counter: /~r/<feed>/~4/<id>.
    ("feeds.feedburner.com", "/~r/"),
    // WordPress.com / Jetpack stats.
    ("pixel.wp.com", "/"),
    ("stats.wordpress.com", "/"),
    // Google Analytics and DoubleClick beacons.
    ("google-analytics.com", "/"),
    ("doubleclick.net", "/"),
    // Mailchimp's open tracker (newsletters republished as feeds): mc.us1.list-manage.com/track/open.php.
    ("list-manage.com", "/track/open.php"),
    // Quantcast and comScore beacons.
    ("pixel.quantserve.com", "/"),
    ("sb.scorecardresearch.com", "/"),
];

/// Whether `url` names a known tracking image (see [`TRACKERS`]).
pub fn is_tracker(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    TRACKERS.iter().any(|(tracker, path)| {
        let on_host = host == *tracker
            || host
                .strip_suffix(tracker)
                .is_some_and(|rest| rest.ends_with('.'));
        on_host && url.path().starts_with(path)
    })
}

/// Whether an `<img>` `width`/`height` value is 0 or 1 pixel (`1`, `0`, `1px`, ` 1.0 `).
fn is_pixel_size(value: &str) -> bool {
    let v = value.trim();
    let v = v.strip_suffix("px").unwrap_or(v).trim();
    v.parse::<f64>().is_ok_and(|n| (0.0..=1.0).contains(&n))
}

/// An absolute http(s) URL for `value` (resolved against [`BASE`], tracking parameters
/// dropped), or `None` for anything else.
fn web_url(value: &str) -> Option<Url> {
    let absolute = BASE.with(|b| match b.borrow().as_ref() {
        Some(base) => base.join(value.trim()).ok(),
        None => Url::parse(value.trim()).ok(),
    })?;
    if !matches!(absolute.scheme(), "http" | "https") {
        return None;
    }
    Url::parse(&strip_tracking_params(absolute.as_str())).ok()
}

/// A `srcset` with only http(s) candidates (resolved, tracking parameters and trackers
/// dropped); `None` when no candidate is left. Parsed as the HTML standard does: a candidate
/// is a URL up to whitespace, then descriptors up to the next comma.
fn filter_srcset(value: &str) -> Option<String> {
    let mut kept: Vec<String> = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            break;
        }
        let url_end = rest
            .find(|c: char| c.is_ascii_whitespace())
            .unwrap_or(rest.len());
        let (raw_url, after) = rest.split_at(url_end);
        let (raw_url, descriptors, next) = if raw_url.ends_with(',') {
            (raw_url.trim_end_matches(','), "", after)
        } else {
            let desc_end = after.find(',').unwrap_or(after.len());
            (raw_url, after[..desc_end].trim(), &after[desc_end..])
        };
        rest = next;
        let Some(url) = web_url(raw_url) else {
            continue;
        };
        if is_tracker(&url) {
            PIXEL_SUSPECT.with(|p| p.set(true));
            continue;
        }
        // Whitespace is percent-encoded by the URL serializer; commas are too, so no reader of
        // the list (however naive its parser) can split a URL into two candidates.
        let url = String::from(url).replace(',', "%2C");
        let descriptors: String = descriptors
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == ' ')
            .collect();
        kept.push(if descriptors.is_empty() {
            url
        } else {
            format!("{url} {descriptors}")
        });
    }
    (!kept.is_empty()).then(|| kept.join(", "))
}

/// The attribute filter steps both builders share: `srcset`, `cite`, and flagging images
/// that may be pixels. `None` means "not handled here".
fn common_filter(element: &str, attribute: &str, value: &str) -> Option<Option<String>> {
    match (element, attribute) {
        (_, "srcset") => Some(filter_srcset(value)),
        (_, "cite") => Some(web_url(value).map(String::from)),
        ("img", "width" | "height") => {
            if is_pixel_size(value) {
                PIXEL_SUSPECT.with(|p| p.set(true));
            }
            Some(Some(value.to_string()))
        }
        _ => None,
    }
}

/// The image `src` for [`sanitize_html`]: resolved, tracking parameters dropped; a tracker's
/// is dropped (and its `<img>` removed by the pixel pass).
fn linked_src(value: &str) -> Option<String> {
    let link = resolved_link(value);
    if Url::parse(&link).is_ok_and(|u| is_tracker(&u)) {
        PIXEL_SUSPECT.with(|p| p.set(true));
        return None;
    }
    Some(link)
}

/// The pixel pass over already-sanitized HTML: removes every `<img>` that is 0-1 pixel wide
/// and high, or has neither `src` nor `srcset` left (a tracker's was dropped). Returns the
/// HTML and the `src` values removed.
fn drop_tracking_images(clean: String) -> (String, Vec<String>) {
    let mut fragment = scraper::Html::parse_fragment(&clean);
    let mut doomed = Vec::new();
    let mut removed_srcs = Vec::new();
    for node in fragment.tree.nodes() {
        let Some(element) = node.value().as_element() else {
            continue;
        };
        if element.name() != "img" {
            continue;
        }
        let pixel = element.attr("width").is_some_and(is_pixel_size)
            && element.attr("height").is_some_and(is_pixel_size);
        let src = element.attr("src");
        if pixel || (src.is_none() && element.attr("srcset").is_none()) {
            doomed.push(node.id());
            removed_srcs.extend(src.map(str::to_string));
        }
    }
    if doomed.is_empty() {
        return (clean, removed_srcs);
    }
    for id in doomed {
        if let Some(mut node) = fragment.tree.get_mut(id) {
            node.detach();
        }
    }
    (fragment.root_element().inner_html(), removed_srcs)
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
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .url_relative(ammonia::UrlRelative::Custom(Box::new(resolve_or_drop)));
    builder
}

/// `html` through `builder`'s allowlist, its media made plain first ([`media`]), relative URLs
/// resolved against `base`.
fn clean_with(builder: &ammonia::Builder<'static>, html: &str, base: Option<&Url>) -> String {
    let html = media::make_media_plain(html, base);
    browser_newlines(with_base(base, || builder.clean(&html).to_string()))
}

/// Cleans untrusted HTML for storage, resolving relative URLs against `base`.
pub fn sanitize_html(html: &str, base: Option<&Url>) -> String {
    static LINKS: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    let builder = LINKS.get_or_init(|| {
        let mut builder = cleaner();
        builder.attribute_filter(|element, attribute, value| {
            if let Some(decided) = common_filter(element, attribute, value) {
                return decided.map(Into::into);
            }
            match (element, attribute) {
                ("img", "src") => linked_src(value).map(Into::into),
                (_, "href" | "src") => Some(resolved_link(value).into()),
                _ => Some(value.into()),
            }
        });
        builder
    });
    let cleaned = clean_with(builder, html, base);
    if take_pixel_suspect() {
        drop_tracking_images(cleaned).0
    } else {
        cleaned
    }
}

/// The allowlist of [`rewrite_images`] for offline sources of `scheme`.
fn offline_cleaner(scheme: &'static str) -> ammonia::Builder<'static> {
    let mut builder = cleaner();
    builder
        .add_url_schemes([scheme])
        .rm_tags(["source"])
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("img", "srcset") | ("source", _) => None,
            ("img", "src") => offline_src(value).map(Into::into),
            (_, "href") => Some(resolved_link(value).into()),
            _ => common_filter(element, attribute, value)
                .unwrap_or_else(|| Some(value.to_string()))
                .map(Into::into),
        });
    builder
}

/// Sanitizes `html` again and points every `<img>` at an offline source named by `images`,
/// dropping `srcset`/`<source>` candidates (the stored page never reaches the network). Returns
/// the HTML and the original absolute URLs of its images, in order, each once.
pub fn rewrite_images(
    html: &str,
    base: Option<&Url>,
    images: &OfflineImages,
) -> (String, Vec<String>) {
    static OFFLINE: OnceLock<(&'static str, ammonia::Builder<'static>)> = OnceLock::new();
    let (built_for, built) =
        OFFLINE.get_or_init(|| (images.scheme, offline_cleaner(images.scheme)));
    // Built once for the one scheme a process uses; another scheme gets its own (slowly).
    let other_scheme;
    let builder = if *built_for == images.scheme {
        built
    } else {
        other_scheme = offline_cleaner(images.scheme);
        &other_scheme
    };
    FOUND_IMAGES.with(|f| f.borrow_mut().clear());
    NAMES.with(|n| n.set(Some(*images)));
    let cleaned = clean_with(builder, html, base);
    NAMES.with(|n| n.set(None));
    let mut urls = FOUND_IMAGES.with(|f| std::mem::take(&mut *f.borrow_mut()));
    if !take_pixel_suspect() {
        return (cleaned, urls);
    }
    let (cleaned, removed) = drop_tracking_images(cleaned);
    // A pixel's image is not downloaded either (unless a kept image shares its URL).
    let kept_srcs = |url: &String| {
        let src = (images.src_for_url)(url);
        !removed.contains(&src) || cleaned.contains(&format!("\"{src}\""))
    };
    urls.retain(kept_srcs);
    (cleaned, urls)
}

/// The offline `src` for an image URL (recorded in [`FOUND_IMAGES`]); `None` drops it.
fn offline_src(value: &str) -> Option<String> {
    let names = NAMES.with(Cell::get)?;
    if (names.is_offline_src)(value) {
        return Some(value.to_string());
    }
    let absolute = BASE.with(|b| match b.borrow().as_ref() {
        Some(base) => base.join(value.trim()).ok(),
        None => Url::parse(value.trim()).ok(),
    })?;
    if !matches!(absolute.scheme(), "http" | "https") {
        return None;
    }
    if is_tracker(&absolute) {
        PIXEL_SUSPECT.with(|p| p.set(true));
        return None;
    }
    let url = strip_tracking_params(absolute.as_str());
    let src = (names.src_for_url)(&url);
    FOUND_IMAGES.with(|f| {
        let mut found = f.borrow_mut();
        if !found.contains(&url) {
            found.push(url);
        }
    });
    Some(src)
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

    /// Offline names of a scheme of the tests' own (the sanitizer takes whichever it is given).
    const TEST_IMAGES: OfflineImages = OfflineImages {
        scheme: "test-img",
        src_for_url: test_src,
        is_offline_src: |src| src.starts_with("test-img://local/"),
    };

    fn test_src(url: &str) -> String {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        url.hash(&mut hasher);
        format!("test-img://local/{:016x}", hasher.finish())
    }

    fn rewrite_images(html: &str, base: Option<&Url>) -> (String, Vec<String>) {
        super::rewrite_images(html, base, &TEST_IMAGES)
    }

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
            html.contains(&test_src("https://news.example/story/a.jpg")),
            "{html}"
        );
        for bad in ["srcset", "onerror", "javascript", "<source", "https://"] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        // Idempotent: stored HTML rewritten again keeps its offline sources.
        let (again, urls_again) = rewrite_images(&html, None);
        assert_eq!(again, html);
        assert!(urls_again.is_empty());
        // Only the pass given a scheme allows it: the allowlist has none of its own.
        let offline = test_src("https://news.example/story/a.jpg");
        assert!(!sanitize_html(&html, None).contains(&offline));
        let other = OfflineImages {
            scheme: "other-img",
            ..TEST_IMAGES
        };
        let (foreign, _) = super::rewrite_images(&html, None, &other);
        assert!(!foreign.contains(&offline), "{foreign}");
    }

    #[test]
    fn srcset_and_cite_keep_only_web_urls() {
        let base = Url::parse("https://news.example/a/").unwrap();
        let clean = sanitize_html(
            r#"<img src="ok.png" srcset="javascript:alert(1) 1x, data:image/svg+xml,<svg/onload=alert(2)> 2x, big.png?utm_source=x 3x, JaVaScRiPt&#58;alert(3) 4x"><picture><source srcset=" vbscript:msgbox(1) , data:x 2x"><img src="p.png"></picture><blockquote cite="javascript:alert(4)">q</blockquote><q cite="/why">w</q>"#,
            Some(&base),
        );
        assert!(
            clean.contains(r#"srcset="https://news.example/a/big.png 3x""#),
            "{clean}"
        );
        assert!(!clean.contains("<source srcset"), "{clean}");
        assert!(
            clean.contains(r#"<q cite="https://news.example/why">"#),
            "{clean}"
        );
        for bad in ["javascript", "vbscript", "data:", "alert", "msgbox", "utm_"] {
            assert!(
                !clean.to_ascii_lowercase().contains(bad),
                "{bad} in {clean}"
            );
        }
    }

    #[test]
    fn links_never_get_a_target() {
        let clean = sanitize_html(
            r#"<a href="https://x.example/" target="_top" rel="opener" formtarget="_self">x</a>"#,
            None,
        );
        assert_eq!(
            clean,
            r#"<a href="https://x.example/" rel="noopener noreferrer">x</a>"#
        );
    }

    #[test]
    fn tracking_pixels_are_removed_and_not_downloaded() {
        let dirty = r#"<p>Text<img src="https://news.example/p.gif" width="1" height="1"><img src="https://news.example/z.gif" width="0px" height=" 0 "><img src="https://feeds.feedburner.com/~r/Gazette/~4/abc" alt="fb"><img src="https://pixel.wp.com/g.gif?blog=1"><img src="https://ssl.google-analytics.com/collect?v=1"><img src="https://mc.us1.list-manage.com/track/open.php?u=1"><img srcset="https://stats.wordpress.com/b.gif 1x"><img src="https://news.example/wide.png" width="600" height="1"><img src="https://news.example/photo.jpg" width="640" height="480"></p>"#;
        let clean = sanitize_html(dirty, None);
        assert_eq!(
            clean,
            // The pixel pass re-serializes the tree (scraper orders attributes by name).
            r#"<p>Text<img height="1" src="https://news.example/wide.png" width="600"><img height="480" src="https://news.example/photo.jpg" width="640"></p>"#
        );
        assert_eq!(
            sanitize_html(&clean, None),
            clean,
            "stable when cleaned again"
        );
        let (offline, urls) = rewrite_images(dirty, None);
        assert_eq!(
            urls,
            [
                "https://news.example/wide.png",
                "https://news.example/photo.jpg"
            ]
        );
        assert_eq!(offline.matches("<img").count(), 2, "{offline}");
        // Not trackers: a look-alike host, and FeedBurner's other paths.
        for url in [
            "https://notpixel.wp.com.example/a.png",
            "https://feeds.feedburner.com/Gazette",
            "https://mydoubleclick.net/a.png",
        ] {
            assert!(!is_tracker(&Url::parse(url).unwrap()), "{url}");
        }
        assert!(is_tracker(
            &Url::parse("https://ad.doubleclick.net/x.gif").unwrap()
        ));
    }
}
