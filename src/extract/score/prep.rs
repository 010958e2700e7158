//! Normalising the whole page once, before any scoring: non-content elements out, lazy and
//! `<noscript>` images resolved to real ones, `<br><br>` runs turned into paragraphs.

use std::collections::HashSet;

use super::super::dom::{Dom, NONE};
use super::is_phrasing;
use crate::sanitize::media;

/// Normalises the whole page once, before any scoring.
pub(crate) fn prep_document(dom: &mut Dom) {
    let all = dom.descendants(0);
    let mut took_copy = HashSet::new();
    // Scripts, styles and other non-content go first; noscript images are kept.
    for &n in &all {
        match dom.tag(n) {
            "script" | "style" | "template" | "link" | "meta" | "svg" | "canvas" | "head" => {
                dom.detach(n)
            }
            t if media::EMBEDDED.contains(&t) => mark_embedded_media(dom, n),
            "noscript" => unwrap_noscript_image(dom, n, &mut took_copy),
            "font" => dom.nodes[n].tag = "span".into(),
            _ => {}
        }
    }
    fix_lazy_images(dom);
    replace_brs(dom);
}

/// The tag of the mark an embedded video, sound, frame or plug-in leaves: no text, so the
/// story is scored as if it were gone; at the end it becomes a link to the media
/// (`extract::resolve_media`), which the plain text leaves out.
pub(crate) const MEDIA_MARK: &str = "media-link";

/// Replaces embedded element `n` (one of `media::EMBEDDED`) and its content (a video's
/// fallback text) with a [`MEDIA_MARK`] holding what it plays: its kind (`data-kind`) and
/// its [`media::media_sources`], one a line (`data-sources`), and its poster (`data-poster`,
/// [`media::media_poster`]). One inside another is gone
/// with it (its mark is made in the detached element).
fn mark_embedded_media(dom: &mut Dom, n: usize) {
    let tag = dom.tag(n).to_string();
    let node = &dom.nodes[n];
    let sources = node
        .children
        .iter()
        .filter(|&&c| dom.tag(c) == "source")
        .filter_map(|&c| dom.attr(c, "src"));
    let attrs = || node.attrs.iter().map(|(k, v)| (&**k, &**v));
    let sources = media::media_sources(&tag, attrs(), sources);
    let poster =
        media::media_poster(&tag, attrs()).map(|p| ("data-poster".to_string(), p.to_string()));
    let mark = dom.create(MEDIA_MARK);
    dom.nodes[mark].attrs = [
        ("data-kind".to_string(), tag),
        ("data-sources".to_string(), sources.join("\n")),
    ]
    .into_iter()
    .chain(poster)
    .collect();
    dom.replace(n, mark);
}

/// A `<noscript>` holding a picture puts it onto the placeholder before it (or one wrapped
/// alone in the element before it), or stands in its place; the decisions are
/// `crate::sanitize::media`'s, shared with feed bodies. A picture takes one copy
/// (`took_copy`): the next noscript after it stands in its own place.
fn unwrap_noscript_image(dom: &mut Dom, ns: usize, took_copy: &mut HashSet<usize>) {
    // The page is parsed with scripting on, so a noscript's content is its raw text.
    let Some(attrs) = media::noscript_picture(&dom.text_content(ns)) else {
        dom.detach(ns);
        return;
    };
    // The previous element sibling, if it is (or wraps only) an image placeholder.
    let prev = dom.parent(ns).and_then(|p| {
        let kids = &dom.nodes[p].children;
        let pos = kids.iter().position(|&c| c == ns)?;
        kids[..pos]
            .iter()
            .rev()
            .copied()
            .find(|&c| !dom.is_whitespace(c))
    });
    if let Some(prev) = prev {
        let target = if dom.tag(prev) == "img" {
            Some(prev)
        } else {
            let imgs = dom.find_all(prev, &["img"]);
            (imgs.len() == 1 && dom.inner_text(prev).is_empty()).then(|| imgs[0])
        };
        if let Some(t) = target.filter(|t| !took_copy.contains(t)) {
            for (k, v) in attrs.iter().filter(|(k, _)| media::carries_over(k)) {
                dom.set_attr(t, k, v);
            }
            took_copy.insert(t);
            dom.detach(ns);
            return;
        }
    }
    let new = dom.create("img");
    dom.nodes[new].attrs = attrs;
    dom.replace(ns, new);
}

/// Moves the real sources of lazily loaded pictures (`data-src`, `data-srcset`, …) to
/// `src`/`srcset`, as `crate::sanitize::media` finds them.
fn fix_lazy_images(dom: &mut Dom) {
    for n in dom.descendants(0) {
        let tag = dom.tag(n);
        if tag != "img" && tag != "source" {
            continue;
        }
        let node = &dom.nodes[n];
        let real = media::real_sources(tag, node.attrs.iter().map(|(k, v)| (&**k, &**v)));
        if let Some(src) = real.src {
            dom.set_attr(n, "src", &src);
        }
        if let Some(srcset) = real.srcset {
            dom.set_attr(n, "srcset", &srcset);
        }
    }
}

/// `<br><br>` runs become paragraph breaks (Readability's `_replaceBrs`): the extra brs and
/// the whitespace between them go, the first br becomes a `<p>` holding the phrasing content
/// that follows it, up to the next `<br><br>` or block.
///
/// Each parent's children are rebuilt in one pass, at its first br in document order: brs
/// one at a time, each finding its place and moving its siblings, made a page of 100,000
/// `<br><br>` take half a minute. The order keeps Readability's outcome: a parent's later brs
/// only look at siblings that come after them, whose own brs come later still.
fn replace_brs(dom: &mut Dom) {
    let brs: Vec<usize> = dom
        .descendants(0)
        .into_iter()
        .filter(|&n| dom.tag(n) == "br")
        .collect();
    let mut done = vec![false; dom.nodes.len()];
    for br in brs {
        // Dropped, or moved into a new paragraph (never followed by a br there), by a pass.
        let Some(parent) = dom
            .parent(br)
            .filter(|&p| !done.get(p).copied().unwrap_or(true))
        else {
            continue;
        };
        done[parent] = true;
        replace_brs_in(dom, parent);
    }
}

fn replace_brs_in(dom: &mut Dom, parent: usize) {
    let old = std::mem::take(&mut dom.nodes[parent].children);
    let next_significant = |dom: &Dom, from: usize| {
        (from..old.len()).find(|&i| {
            let n = &dom.nodes[old[i]];
            !n.is_text() || n.has_text()
        })
    };
    let mut kids = Vec::with_capacity(old.len());
    let mut replaced_any = false;
    let mut i = 0;
    while i < old.len() {
        let br = old[i];
        i += 1;
        if dom.tag(br) != "br" {
            kids.push(br);
            continue;
        }
        // Drop the whitespace and the extra brs.
        let mut replaced = false;
        while let Some(j) = next_significant(dom, i).filter(|&j| dom.tag(old[j]) == "br") {
            for &d in &old[i..=j] {
                dom.nodes[d].parent = NONE;
            }
            i = j + 1;
            replaced = true;
        }
        if !replaced {
            kids.push(br);
            continue;
        }
        replaced_any = true;
        let p = dom.create("p");
        dom.nodes[br].parent = NONE;
        dom.nodes[p].parent = parent;
        kids.push(p);
        while let Some(&next) = old.get(i) {
            if dom.tag(next) == "br"
                && next_significant(dom, i + 1).is_some_and(|j| dom.tag(old[j]) == "br")
            {
                break;
            }
            if !is_phrasing(dom, next) {
                break;
            }
            dom.nodes[next].parent = p;
            dom.nodes[p].children.push(next);
            i += 1;
        }
        while let Some(&last) = dom.nodes[p].children.last() {
            if !dom.is_whitespace(last) {
                break;
            }
            dom.nodes[p].children.pop();
            dom.nodes[last].parent = NONE;
        }
    }
    dom.nodes[parent].children = kids;
    if replaced_any && dom.tag(parent) == "p" {
        dom.nodes[parent].tag = "div".into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn br_pairs_become_paragraphs_as_readability_makes_them() {
        let mut dom = Dom::parse_document(
            "<div>a<br> <br>b <i>c</i><br>d<br><br><br>e<div>f</div>g</div>\
             <p>h<br><br>i</p><div><a href=x>j<br><br>k</a>l</div>",
        );
        replace_brs(&mut dom);
        let body = dom.first("body").unwrap();
        assert_eq!(
            dom.outline(body),
            r#"body(div("a" p("b " i("c") br() "d") p("e") div("f") "g") div("h" p("i")) div(a[href=x]("j" p("k")) "l"))"#
        );
    }

    #[test]
    fn noscript_image_replaces_its_placeholder() {
        let mut dom = Dom::parse_document(
            r#"<div><img src="/blank.gif" class="js-lazy"><noscript><img src="/real.jpg" alt="r"></noscript></div>"#,
        );
        prep_document(&mut dom);
        let imgs = dom.find_all(0, &["img"]);
        assert_eq!(imgs.len(), 1);
        assert_eq!(dom.attr(imgs[0], "src"), Some("/real.jpg"));
    }
}
