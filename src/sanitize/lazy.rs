//! Pictures a page loads with a script, made plain. Such a page keeps the real address in
//! `data-src`, `data-srcset` (or a like-named attribute) or in a `<noscript>` copy of the
//! picture, and a placeholder (a blank GIF, a tiny `data:` image, nothing) in `src`. A reader
//! runs no script and the allowlist drops `data-*` and `<noscript>`, so the real address takes
//! the placeholder's place first.
//!
//! The decisions are made here once: [`real_sources`] (which attribute holds the picture),
//! [`noscript_picture`] and [`carries_over`] (what a `<noscript>` copy gives). Feed bodies use
//! them through [`resolve_lazy_pictures`], and extraction on its own tree before scoring.

use std::borrow::Cow;
use std::collections::HashSet;

use ego_tree::NodeId;
use scraper::node::Element;
use scraper::{Html, Node};

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

/// `html` with its lazily loaded pictures made plain: each `<noscript>` copy of a picture goes
/// onto the picture just before it (or one wrapped alone in the element just before it) when
/// that one has not taken a copy yet, or stands in its place; then every `<img>` and `<source>` gets the sources
/// [`real_sources`] finds. Borrowed when nothing changed, and without building a tree when
/// there is neither a `data-` attribute nor a `<noscript>`.
pub(crate) fn resolve_lazy_pictures(html: &str) -> Cow<'_, str> {
    let may_hold = memchr::memmem::find(html.as_bytes(), b"data-").is_some()
        || contains_ignoring_case(html, "<noscript");
    if !may_hold {
        return Cow::Borrowed(html);
    }
    let mut fragment = Html::parse_fragment(html);
    let mut changed = false;
    let mut took_copy = HashSet::new();
    for noscript in element_ids(&fragment, &["noscript"]) {
        changed |= unwrap_noscript_picture(&mut fragment, noscript, &mut took_copy);
    }
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

fn contains_ignoring_case(haystack: &str, lower_needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(lower_needle.len())
        .any(|w| w.eq_ignore_ascii_case(lower_needle.as_bytes()))
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
            let picture = Element::new(
                html5ever::QualName::new(None, html5ever::ns!(html), html5ever::local_name!("img")),
                attrs
                    .into_iter()
                    .map(|(k, v)| html5ever::Attribute {
                        name: html5ever::QualName::new(None, html5ever::ns!(), k.into()),
                        value: v.into(),
                    })
                    .collect(),
            );
            if let Some(mut node) = fragment.tree.get_mut(noscript) {
                node.insert_before(Node::Element(picture));
            }
        }
    }
    if let Some(mut node) = fragment.tree.get_mut(noscript) {
        node.detach();
    }
    true
}

fn set_attr(element: &mut Element, name: &str, value: &str) {
    match element.attrs.iter_mut().find(|(k, _)| &*k.local == name) {
        Some((_, v)) => *v = value.into(),
        None => element.attrs.push((
            html5ever::QualName::new(None, html5ever::ns!(), name.into()),
            value.into(),
        )),
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
