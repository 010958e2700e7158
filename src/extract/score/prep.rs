//! Normalising the whole page once, before any scoring: non-content elements out, lazy and
//! `<noscript>` images resolved to real ones, `<br><br>` runs turned into paragraphs.

use super::super::dom::Dom;
use super::{is_phrasing, next_significant};

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

/// `<br><br>` runs become paragraph breaks (Readability's `_replaceBrs`).
fn replace_brs(dom: &mut Dom) {
    let brs: Vec<usize> = dom
        .descendants(0)
        .into_iter()
        .filter(|&n| dom.tag(n) == "br")
        .collect();
    for br in brs {
        let Some(parent) = dom.parent(br) else {
            continue;
        };
        let Some(pos) = dom.nodes[parent].children.iter().position(|&c| c == br) else {
            continue;
        };
        let mut replaced = false;
        loop {
            match next_significant(dom, parent, pos + 1) {
                Some(i) if dom.tag(dom.nodes[parent].children[i]) == "br" => {
                    // Drop the whitespace and the extra br.
                    let drop: Vec<usize> = dom.nodes[parent].children[pos + 1..=i].to_vec();
                    for d in drop {
                        dom.detach(d);
                    }
                    replaced = true;
                }
                _ => break,
            }
        }
        if !replaced {
            continue;
        }
        let p = dom.create("p");
        dom.replace(br, p);
        loop {
            let kids = &dom.nodes[parent].children;
            let Some(ppos) = kids.iter().position(|&c| c == p) else {
                break;
            };
            let Some(&next) = kids.get(ppos + 1) else {
                break;
            };
            if dom.tag(next) == "br" {
                if let Some(i) = next_significant(dom, parent, ppos + 2) {
                    if dom.tag(dom.nodes[parent].children[i]) == "br" {
                        break;
                    }
                }
            }
            if !is_phrasing(dom, next) {
                break;
            }
            dom.append(p, next);
        }
        while let Some(&last) = dom.nodes[p].children.last() {
            if dom.is_whitespace(last) {
                dom.detach(last);
            } else {
                break;
            }
        }
        if dom.tag(parent) == "p" {
            dom.nodes[parent].tag = "div".into();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
