//! Media a page plays or loads with a script, made plain for a reader that runs none.
//!
//! Pictures: a page keeps the real address in `data-src`, `data-srcset` (or a like-named
//! attribute) or in a `<noscript>` copy of the picture, and a placeholder (a blank GIF, a `data:`
//! image, nothing) in `src`. The allowlist drops `data-*` and `<noscript>`, so the real address
//! takes the placeholder's place first.
//!
//! Videos, sounds, frames and plug-ins (`<video>`, `<audio>`, `<iframe>`, `<embed>`,
//! `<object>`): the story frame plays and loads none of them, and dropping them left no trace
//! (or a "your browser does not support video" fallback). Each becomes a link to its address,
//! named by its kind and host ("Video: media.example") in its `title`, opened in the browser
//! like any link. The link holds no text: the story frame's stylesheet shows the title, and the
//! story's text (what search, word counts and highlight positions read) stays the story's. A
//! video's poster is the link's picture (no alt text: the title says what it is), stored
//! offline with the story's other pictures.
//!
//! The decisions are made here once: [`real_sources`] (which attribute holds the picture),
//! [`noscript_picture`] and [`carries_over`] (what a `<noscript>` copy gives), [`media_sources`]
//! and [`media_link`] (where embedded media is, and its link). Feed bodies use them through
//! [`make_media_plain`], and extraction on its own tree.

use std::borrow::Cow;
use std::collections::HashSet;

use ego_tree::NodeId;
use scraper::node::Element;
use scraper::{Html, Node};
use url::Url;

/// The `src` and `srcset` an `<img>` or `<source>` should have, where its own are placeholders.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct RealSources {
    pub src: Option<String>,
    pub srcset: Option<String>,
}

/// Where the picture of element `tag` (`img` or `source`) with these attributes really is: a
/// new `src` when its own is a placeholder (or it is marked lazy), a new `srcset` when it has
/// none. Each is the first attribute, in the order given, that holds one: a `*srcset*`
/// attribute or a value shaped like a srcset; a `data-*src*` attribute or an image URL.
pub(crate) fn real_sources<'a>(
    tag: &str,
    attrs: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) -> RealSources {
    let own = |name: &str| attrs.clone().find(|(k, _)| *k == name).map(|(_, v)| v);
    let lazy_class = own("class").is_some_and(|c| c.to_ascii_lowercase().contains("lazy"));
    let need_src = tag == "img" && (is_placeholder(own("src").unwrap_or("")) || lazy_class);
    let srcset = own("srcset").unwrap_or("");
    let need_srcset = srcset.trim().is_empty() || srcset == "null" || lazy_class;
    let mut real = RealSources::default();
    if !need_src && !need_srcset {
        return real;
    }
    for (k, v) in attrs {
        if matches!(k, "src" | "srcset" | "alt" | "class" | "sizes") {
            continue;
        }
        if k.contains("srcset") && !v.trim().is_empty() || looks_like_srcset(v) {
            real.srcset.get_or_insert_with(|| v.to_string());
        } else if (k.starts_with("data-") && k.contains("src") || is_image_url(v))
            && !v.trim().is_empty()
            && !v.trim().starts_with('{')
        {
            real.src.get_or_insert_with(|| v.trim().to_string());
        }
    }
    if !need_src {
        real.src = None;
    }
    if !need_srcset {
        real.srcset = None;
    }
    real
}

/// The attributes of the one picture a `<noscript>` holds, given its content as the raw text
/// a parser with scripting on keeps; `None` when it holds no picture, several, or any text.
pub(crate) fn noscript_picture(raw: &str) -> Option<Vec<(String, String)>> {
    if !raw.contains("<img") && !raw.contains("<IMG") {
        return None;
    }
    let fragment = Html::parse_fragment(raw);
    let mut pictures = fragment.tree.nodes().filter_map(|n| match n.value() {
        Node::Element(e) if e.name() == "img" => Some(e),
        _ => None,
    });
    let picture = pictures.next()?;
    let has_text = fragment
        .tree
        .nodes()
        .any(|n| n.value().as_text().is_some_and(|t| !t.trim().is_empty()));
    if pictures.next().is_some() || has_text {
        return None;
    }
    Some(
        picture
            .attrs()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

/// Whether attribute `name` of a `<noscript>` copy goes onto the placeholder picture it
/// stands beside.
pub(crate) fn carries_over(name: &str) -> bool {
    matches!(name, "src" | "srcset" | "alt" | "width" | "height") || name.starts_with("data-")
}

/// `html` with its media made plain: each `<noscript>` copy of a picture goes onto the picture
/// just before it (or one wrapped alone in the element just before it) when that one has not
/// taken a copy yet, or stands in its place; embedded media becomes links (relative addresses
/// resolved against `base`); then every `<img>` and `<source>` gets the sources
/// [`real_sources`] finds. Borrowed when nothing changed, and without building a tree when
/// there is no `data-…src…` attribute and no element of the kinds above.
pub(crate) fn make_media_plain<'h>(html: &'h str, base: Option<&Url>) -> Cow<'h, str> {
    if !may_hold_media(html) {
        return Cow::Borrowed(html);
    }
    let mut fragment = Html::parse_fragment(html);
    let mut changed = false;
    let mut took_copy = HashSet::new();
    for noscript in element_ids(&fragment, &["noscript"]) {
        changed |= unwrap_noscript_picture(&mut fragment, noscript, &mut took_copy);
    }
    changed |= link_embedded_media(&mut fragment, base);
    for id in element_ids(&fragment, &["img", "source"]) {
        let Some(mut node) = fragment.tree.get_mut(id) else {
            continue;
        };
        let Node::Element(element) = node.value() else {
            continue;
        };
        let real = real_sources(
            element.name(),
            element.attrs.iter().map(|(k, v)| (&*k.local, &**v)),
        );
        for (name, value) in [("src", real.src), ("srcset", real.srcset)] {
            if let Some(value) = value {
                set_attr(element, name, &value);
                changed = true;
            }
        }
    }
    if changed {
        Cow::Owned(fragment.root_element().inner_html())
    } else {
        Cow::Borrowed(html)
    }
}

/// Whether `html` may hold media to make plain: an attribute named `data-…src…` (where a
/// lazy picture keeps its address), a `<noscript>` or an embedded element. A scan of the
/// bytes, so most bodies build no tree here (the `data-id` blogs put on every picture is not
/// enough: a second parse costs half again the time of sanitizing).
fn may_hold_media(html: &str) -> bool {
    let b = html.as_bytes();
    let lazy_source = memchr::memmem::find_iter(b, b"data-").any(|i| {
        let name = &b[i..];
        let end = name
            .iter()
            .position(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_')))
            .unwrap_or(name.len());
        name[..end]
            .windows(3)
            .any(|w| w.eq_ignore_ascii_case(b"src"))
    });
    lazy_source
        || memchr::memchr_iter(b'<', b).any(|i| {
            let rest = &b[i + 1..];
            ["noscript"].iter().chain(EMBEDDED).any(|name| {
                rest.len() >= name.len() && rest[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            })
        })
}

fn element_ids(fragment: &Html, names: &[&str]) -> Vec<NodeId> {
    fragment
        .tree
        .nodes()
        .filter(|n| {
            n.value()
                .as_element()
                .is_some_and(|e| names.contains(&e.name()))
        })
        .map(|n| n.id())
        .collect()
}

/// One `<noscript>` holding a picture: its picture goes onto the placeholder before it, or
/// takes its place. A picture takes one copy (`took_copy`): the next noscript after it stands
/// in its own place. Returns whether the tree changed.
fn unwrap_noscript_picture(
    fragment: &mut Html,
    noscript: NodeId,
    took_copy: &mut HashSet<NodeId>,
) -> bool {
    let Some(node) = fragment.tree.get(noscript) else {
        return false;
    };
    let raw: String = node
        .children()
        .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
        .collect();
    let Some(attrs) = noscript_picture(&raw) else {
        return false;
    };
    let previous = node.prev_siblings().find(|s| match s.value() {
        Node::Text(t) => !t.trim().is_empty(),
        Node::Comment(_) => false,
        _ => true,
    });
    let placeholder = previous.and_then(|p| {
        let element = p.value().as_element()?;
        if element.name() == "img" {
            return Some(p.id());
        }
        let mut pictures = p
            .descendants()
            .filter(|d| d.value().as_element().is_some_and(|e| e.name() == "img"));
        let only = pictures.next()?;
        let has_text = p
            .descendants()
            .any(|d| d.value().as_text().is_some_and(|t| !t.trim().is_empty()));
        (pictures.next().is_none() && !has_text).then(|| only.id())
    });
    match placeholder.filter(|id| !took_copy.contains(id)) {
        Some(id) => {
            took_copy.insert(id);
            if let Some(mut target) = fragment.tree.get_mut(id) {
                if let Node::Element(element) = target.value() {
                    for (k, v) in attrs.iter().filter(|(k, _)| carries_over(k)) {
                        set_attr(element, k, v);
                    }
                }
            }
        }
        None => {
            if let Some(mut node) = fragment.tree.get_mut(noscript) {
                node.insert_before(new_element("img", attrs));
            }
        }
    }
    if let Some(mut node) = fragment.tree.get_mut(noscript) {
        node.detach();
    }
    true
}

/// Elements whose media the reader offers as a link.
pub(crate) const EMBEDDED: &[&str] = &["video", "audio", "iframe", "embed", "object"];

/// Words in an embedded page's address that make it page furniture, not the story's media: like
/// and share buttons, social widgets, ad slots.
const FURNITURE_WORDS: &[&str] = &[
    "ad", "ads", "adserver", "banner", "banners", "button", "buttons", "like", "likebox", "plugin",
    "plugins", "sharer", "social",
];

/// The standard sizes of ad slots (width, height in CSS pixels).
const AD_SIZES: &[(u32, u32)] = &[
    (300, 250),
    (336, 280),
    (728, 90),
    (970, 90),
    (970, 250),
    (468, 60),
    (234, 60),
    (120, 600),
    (160, 600),
    (300, 600),
    (320, 50),
    (300, 50),
    (120, 240),
    (125, 125),
    (180, 150),
    (88, 31),
    (120, 90),
    (120, 60),
];

/// The addresses element `tag` (one of [`EMBEDDED`]) may play or show, in the order to try:
/// its own (`data` for an object; `src`, then a lazy frame's `data-src`), then its `<source>`
/// children's `src` (`sources`). Raw, as written. None for an element nobody sees (hidden, or
/// a pixel) or one the size of an ad slot.
pub(crate) fn media_sources<'a>(
    tag: &str,
    attrs: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    sources: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    if !is_shown_as_media(attrs.clone()) {
        return Vec::new();
    }
    let own: &[&str] = if tag == "object" {
        &["data"]
    } else {
        &["src", "data-src", "data-lazy-src"]
    };
    own.iter()
        .filter_map(|name| attrs.clone().find(|(k, _)| k == name).map(|(_, v)| v))
        .chain(sources)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// A link to embedded media: its address, what the link says, and the picture it shows.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct MediaLink {
    pub href: String,
    pub label: String,
    /// A video's poster (the still a player shows before it plays), stored offline like any
    /// picture of the story, so the link shows what the video is.
    pub picture: Option<String>,
}

/// The poster element `tag` (one of [`EMBEDDED`]) with these attributes names, raw: a video's
/// `poster`, or a lazily loaded one's `data-poster` when `poster` is a placeholder.
pub(crate) fn media_poster<'a>(
    tag: &str,
    attrs: impl Iterator<Item = (&'a str, &'a str)> + Clone,
) -> Option<&'a str> {
    if tag != "video" {
        return None;
    }
    ["poster", "data-poster"].into_iter().find_map(|name| {
        attrs
            .clone()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !is_placeholder(v))
    })
}

/// The link for element `tag` (one of [`EMBEDDED`]) given its [`media_sources`] and its
/// [`media_poster`]: the first source that is an http(s) address once resolved against `base`,
/// named by the kind of media and its host, showing the poster when that is an http(s)
/// address too. `None` when there is none (a `javascript:` frame, a `data:` video, a
/// placeholder), or when that address is page furniture (a like button, an ad).
pub(crate) fn media_link(
    tag: &str,
    sources: &[String],
    poster: Option<&str>,
    base: Option<&Url>,
) -> Option<MediaLink> {
    let kind = match tag {
        "video" => "Video",
        "audio" => "Audio",
        _ => "Embedded content",
    };
    let web = |raw: &str| {
        let url = match base {
            Some(base) => base.join(raw).ok()?,
            None => Url::parse(raw).ok()?,
        };
        matches!(url.scheme(), "http" | "https").then_some(url)
    };
    let url = sources
        .iter()
        .find_map(|raw| web(raw).filter(|url| !is_furniture(url)))?;
    let host = url.host_str()?.to_string();
    Some(MediaLink {
        href: url.into(),
        label: format!("{kind}: {host}"),
        picture: poster.and_then(web).map(String::from),
    })
}

/// Whether an embedded element with these attributes is seen, and not in an ad slot's size
/// (`width`/`height` attributes or the `style`'s, in pixels).
fn is_shown_as_media<'a>(attrs: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> bool {
    let own = |name: &str| attrs.clone().find(|(k, _)| *k == name).map(|(_, v)| v);
    let style = own("style").unwrap_or("").to_ascii_lowercase();
    let declarations = || {
        style.split(';').filter_map(|d| {
            let (k, v) = d.split_once(':')?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
    };
    let hidden = declarations().any(|(k, v)| {
        (k == "display" && v.starts_with("none"))
            || (k == "visibility" && v.starts_with("hidden"))
            || k == "clip"
    });
    let size = |name: &str| {
        declarations()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| pixels(&v))
            .or_else(|| own(name).and_then(pixels))
    };
    let (width, height) = (size("width"), size("height"));
    let pixel = width.is_some_and(|w| w <= 1) || height.is_some_and(|h| h <= 1);
    let ad_slot = matches!((width, height), (Some(w), Some(h)) if AD_SIZES.contains(&(w, h)));
    !(hidden || pixel || ad_slot)
}

/// A length in CSS pixels ("300", "300px", "300.0px"); `None` for other units and percentages.
fn pixels(value: &str) -> Option<u32> {
    let v = value.trim();
    let v = v.strip_suffix("px").unwrap_or(v).trim();
    v.parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| n.round() as u32)
}

/// Whether an embedded page's address names page furniture: one of [`FURNITURE_WORDS`], or a
/// word ending in "widget(s)", among the words of its host, path and query.
fn is_furniture(url: &Url) -> bool {
    let address = format!(
        "{} {} {}",
        url.host_str().unwrap_or(""),
        url.path(),
        url.query().unwrap_or("")
    )
    .to_ascii_lowercase();
    address
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| FURNITURE_WORDS.contains(&w) || w.ends_with("widget") || w.ends_with("widgets"))
}

/// Whether an element `parent` holds blocks, so that a link to media standing in it is a
/// paragraph of its own (inside a paragraph or a phrase it stays a link in the line).
pub(crate) fn holds_blocks(parent: &str) -> bool {
    matches!(
        parent,
        "html"
            | "body"
            | "div"
            | "section"
            | "article"
            | "main"
            | "aside"
            | "header"
            | "footer"
            | "figure"
            | "blockquote"
            | "li"
            | "td"
            | "th"
            | "dd"
            | "details"
    )
}

/// Each embedded element (see [`EMBEDDED`]) becomes the link [`media_link`] gives, or stays
/// for the allowlist to drop when it has none. One inside another that became a link is gone
/// with it (its link is made in the detached element). Returns whether the tree changed.
fn link_embedded_media(fragment: &mut Html, base: Option<&Url>) -> bool {
    let mut changed = false;
    for id in element_ids(fragment, EMBEDDED) {
        let Some(node) = fragment.tree.get(id) else {
            continue;
        };
        let Some(element) = node.value().as_element() else {
            continue;
        };
        let sources = node.children().filter_map(|c| {
            let e = c.value().as_element().filter(|e| e.name() == "source")?;
            e.attr("src")
        });
        let attrs = || element.attrs.iter().map(|(k, v)| (&*k.local, &**v));
        let raw = media_sources(element.name(), attrs(), sources);
        let poster = media_poster(element.name(), attrs());
        let Some(link) = media_link(element.name(), &raw, poster, base) else {
            continue;
        };
        // The label is the link's title, with no text: the story frame shows it (its
        // stylesheet), and the story's text, which highlights count in, stays the story's.
        // The poster's words are the label too, so it is a picture with no alt text.
        let anchor = new_element(
            "a",
            [("href".into(), link.href), ("title".into(), link.label)],
        );
        let picture = link
            .picture
            .map(|src| new_element("img", [("src".into(), src), ("alt".into(), String::new())]));
        let block = node
            .parent()
            .and_then(|p| p.value().as_element().map(|e| holds_blocks(e.name())))
            .unwrap_or(true);
        let Some(mut node) = fragment.tree.get_mut(id) else {
            continue;
        };
        let anchor = if block {
            let mut paragraph = node.insert_before(new_element("p", []));
            paragraph.append(anchor).id()
        } else {
            node.insert_before(anchor).id()
        };
        if let (Some(picture), Some(mut anchor)) = (picture, fragment.tree.get_mut(anchor)) {
            anchor.append(picture);
        }
        if let Some(mut node) = fragment.tree.get_mut(id) {
            node.detach();
        }
        changed = true;
    }
    changed
}

/// A new HTML element `tag` with these attributes, for a fragment's tree.
fn new_element(tag: &str, attrs: impl IntoIterator<Item = (String, String)>) -> Node {
    let attrs = attrs
        .into_iter()
        .map(|(name, value)| html5ever::Attribute {
            name: attribute_name(&name),
            value: value.into(),
        })
        .collect();
    let name = html5ever::QualName::new(None, html5ever::ns!(html), tag.into());
    Node::Element(Element::new(name, attrs))
}

fn attribute_name(name: &str) -> html5ever::QualName {
    html5ever::QualName::new(None, html5ever::ns!(), name.into())
}

fn set_attr(element: &mut Element, name: &str, value: &str) {
    match element.attrs.iter_mut().find(|(k, _)| &*k.local == name) {
        Some((_, v)) => *v = value.into(),
        None => element.attrs.push((attribute_name(name), value.into())),
    }
}

fn is_image_url(v: &str) -> bool {
    let v = v.trim().to_ascii_lowercase();
    let path = v.split(['?', '#']).next().unwrap_or("");
    [".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif"]
        .iter()
        .any(|e| path.ends_with(e))
        && !v.contains(char::is_whitespace)
}

fn looks_like_srcset(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".webp", ".avif"].iter().any(|e| {
        l.match_indices(e).any(|(i, _)| {
            let rest = l[i + e.len()..].trim_start_matches(|c: char| c != ' ' && c != ',');
            rest.trim_start()
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
    })
}

/// Whether `src` stands in for the picture: a blank or spacer image, or nothing. Any `data:`
/// image counts, however large (a blurred preview is often a kilobyte or two): the allowlist
/// keeps http(s) pictures only, so a `data:` one would not be shown anyway.
fn is_placeholder(src: &str) -> bool {
    let s = src.trim().to_ascii_lowercase();
    s.is_empty()
        || s.starts_with("data:")
        || s.contains("blank.gif")
        || s.contains("spacer.gif")
        || s.contains("placeholder")
        || s.contains("lazy-load")
        || s.contains("lazyload")
        || s == "about:blank"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bodies_that_may_hold_media_are_parsed_again() {
        for holds in [
            r#"<img src="data:," data-src="/a.jpg">"#,
            r#"<img data-lazy-srcset="/a.jpg 1x">"#,
            "<p>x</p><NOSCRIPT><img src=/a.jpg></NOSCRIPT>",
            r#"<IFRAME src="https://video.example/embed/1"></IFRAME>"#,
            "<video src=/v.mp4></video>",
        ] {
            assert!(may_hold_media(holds), "{holds}");
        }
        // What blogs put on every picture, and words that only look like markup.
        let plain = r#"<figure><img src="/a.jpg" data-id="7" data-align="wide"></figure>
            <p>Big data-driven stories; an object lesson in video and audio.</p>"#;
        assert!(!may_hold_media(plain));
        assert!(matches!(make_media_plain(plain, None), Cow::Borrowed(_)));
    }
}
