//! Normalising the whole page once, before any scoring: non-content elements out, lazy and
//! `<noscript>` images resolved to real ones, `<br><br>` runs turned into paragraphs.

use super::super::dom::{Dom, NONE};
use super::is_phrasing;

/// Normalises the whole page once, before any scoring.
pub(crate) fn prep_document(dom: &mut Dom) {
    let all = dom.descendants(0);
    // Scripts, styles and other non-content go first; noscript images are kept.
    for &n in &all {
        match dom.tag(n) {
            "script" | "style" | "template" | "link" | "meta" | "object" | "embed" | "iframe"
            | "svg" | "canvas" | "head" => dom.detach(n),
            "noscript" => unwrap_noscript_image(dom, n),
            "font" => dom.nodes[n].tag = "span".into(),
            _ => {}
        }
    }
    fix_lazy_images(dom);
    replace_brs(dom);
}

/// A `<noscript>` holding an image replaces the placeholder image before it, or stands in for it.
fn unwrap_noscript_image(dom: &mut Dom, ns: usize) {
    // Parsed as raw text (scripting on) or as elements (scripting off): handle both.
    let fdom = if dom.nodes[ns]
        .children
        .iter()
        .any(|&c| dom.nodes[c].is_element())
    {
        let mut sub = Dom::empty();
        for &c in &dom.nodes[ns].children {
            dom.copy_into(c, &mut sub, Some(0));
        }
        sub
    } else {
        let text = dom.text_content(ns);
        if !text.contains("<img") && !text.contains("<IMG") {
            dom.detach(ns);
            return;
        }
        Dom::parse_fragment(&text)
    };
    let imgs: Vec<usize> = fdom
        .descendants(0)
        .into_iter()
        .filter(|&n| fdom.tag(n) == "img")
        .collect();
    let Some(&img) = imgs.first() else {
        dom.detach(ns);
        return;
    };
    if imgs.len() > 1 || fdom.inner_text(0).chars().count() > 0 {
        dom.detach(ns);
        return;
    }
    let attrs = fdom.nodes[img].attrs.clone();
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
        if let Some(t) = target {
            for (k, v) in attrs {
                if matches!(k.as_str(), "src" | "srcset" | "alt" | "width" | "height")
                    || k.starts_with("data-")
                {
                    dom.set_attr(t, &k, &v);
                }
            }
            dom.detach(ns);
            return;
        }
    }
    let new = dom.create("img");
    dom.nodes[new].attrs = attrs;
    dom.replace(ns, new);
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

fn is_placeholder(src: &str) -> bool {
    let s = src.trim().to_ascii_lowercase();
    s.is_empty()
        || (s.starts_with("data:") && s.len() < 200)
        || s.contains("blank.gif")
        || s.contains("spacer.gif")
        || s.contains("placeholder")
        || s.contains("lazy-load")
        || s.contains("lazyload")
        || s == "about:blank"
}

/// Moves lazy-loading attributes (`data-src`, `data-srcset`, …) to `src`/`srcset`.
fn fix_lazy_images(dom: &mut Dom) {
    for n in dom.descendants(0) {
        let tag = dom.tag(n);
        if tag != "img" && tag != "source" {
            continue;
        }
        let src = dom.attr(n, "src").unwrap_or("").to_string();
        let srcset = dom.attr(n, "srcset").unwrap_or("").to_string();
        let lazy_class = dom
            .attr(n, "class")
            .is_some_and(|c| c.to_ascii_lowercase().contains("lazy"));
        let need_src = tag == "img" && (is_placeholder(&src) || lazy_class);
        let need_srcset = srcset.trim().is_empty() || srcset == "null" || lazy_class;
        if !need_src && !need_srcset {
            continue;
        }
        let mut new_src = None;
        let mut new_srcset = None;
        for (k, v) in &dom.nodes[n].attrs {
            if matches!(k.as_str(), "src" | "srcset" | "alt" | "class" | "sizes") {
                continue;
            }
            if k.contains("srcset") && !v.trim().is_empty() {
                new_srcset.get_or_insert_with(|| v.clone());
            } else if looks_like_srcset(v) {
                new_srcset.get_or_insert_with(|| v.clone());
            } else if (k.starts_with("data-") && k.contains("src") || is_image_url(v))
                && !v.trim().is_empty()
                && !v.trim().starts_with('{')
            {
                new_src.get_or_insert_with(|| v.trim().to_string());
            }
        }
        if need_src {
            if let Some(s) = new_src {
                dom.set_attr(n, "src", &s);
            }
        }
        if need_srcset {
            if let Some(s) = new_srcset {
                dom.set_attr(n, "srcset", &s);
            }
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
