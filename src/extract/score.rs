//! Choosing the article block the way Readability does.
//!
//! [`prep_document`] normalises the page once (scripts out, `<br><br>` runs into paragraphs,
//! lazy and `<noscript>` images resolved). [`grab_article`] then scores paragraphs into their
//! ancestors (commas, length, tag and class/id hints, link density), picks the best candidate,
//! merges its siblings that look like content, and runs Readability's `prepArticle` cleaning
//! (conditional removal of forms, tables, lists and divs by their text/link/image mix). It is
//! retried with fewer heuristics when the result is too short, like Readability.

use std::collections::HashSet;

use super::dom::{compute_stats, Dom, Stats, NONE};

/// Which heuristics are on (Readability's flags).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flags {
    pub strip_unlikely: bool,
    pub weight_classes: bool,
    pub clean_conditionally: bool,
}

/// An article block found in the page.
#[derive(Debug)]
pub(crate) struct Grab {
    /// A detached `div` holding the article's nodes.
    pub root: usize,
    pub text_len: usize,
    /// A byline found (and removed) in the page.
    pub byline: Option<String>,
    /// `dir` of the block or its ancestors.
    pub dir: Option<String>,
}

const UNLIKELY: &[&str] = &[
    "-ad-",
    "ai2html",
    "banner",
    "breadcrumbs",
    "combx",
    "comment",
    "community",
    "cover-wrap",
    "disqus",
    "extra",
    "footer",
    "gdpr",
    "header",
    "legends",
    "menu",
    "related",
    "remark",
    "replies",
    "rss",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "social",
    "sponsor",
    "supplemental",
    "ad-break",
    "agegate",
    "pagination",
    "pager",
    "popup",
    "yom-remote",
];
const MAYBE: &[&str] = &[
    "and", "article", "body", "column", "content", "main", "mathjax", "shadow",
];
const POSITIVE: &[&str] = &[
    "article",
    "body",
    "content",
    "entry",
    "hentry",
    "h-entry",
    "main",
    "page",
    "pagination",
    "post",
    "text",
    "blog",
    "story",
];
const NEGATIVE: &[&str] = &[
    "-ad-",
    "hidden",
    "banner",
    "combx",
    "comment",
    "com-",
    "contact",
    "footer",
    "gdpr",
    "masthead",
    "media",
    "meta",
    "outbrain",
    "promo",
    "related",
    "scroll",
    "share",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "sponsor",
    "shopping",
    "tags",
    "widget",
];
const BYLINE: &[&str] = &["byline", "author", "dateline", "writtenby", "p-author"];
const UNLIKELY_ROLES: &[&str] = &[
    "menu",
    "menubar",
    "complementary",
    "navigation",
    "alert",
    "alertdialog",
    "dialog",
];
const TO_SCORE: &[&str] = &["section", "h2", "h3", "h4", "h5", "h6", "p", "td", "pre"];
const DIV_TO_P: &[&str] = &[
    "blockquote",
    "dl",
    "div",
    "img",
    "ol",
    "p",
    "pre",
    "table",
    "ul",
];
const PHRASING: &[&str] = &[
    "abbr", "audio", "b", "bdo", "br", "button", "cite", "code", "data", "datalist", "dfn", "em",
    "embed", "i", "img", "input", "kbd", "label", "mark", "math", "meter", "noscript", "object",
    "output", "progress", "q", "ruby", "samp", "script", "select", "small", "span", "strong",
    "sub", "sup", "textarea", "time", "var", "wbr",
];

fn contains_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

fn has_word(s: &str, word: &str) -> bool {
    s.split(|c: char| c.is_whitespace()).any(|t| t == word)
}

/// Readability's class/id weight: ±25 for each of class and id.
fn class_weight(dom: &Dom, id: usize, flags: Flags) -> f64 {
    if !flags.weight_classes {
        return 0.0;
    }
    let mut w = 0.0;
    for attr in ["class", "id"] {
        if let Some(v) = dom.attr(id, attr) {
            let v = v.to_ascii_lowercase();
            if v.is_empty() {
                continue;
            }
            if contains_any(&v, NEGATIVE) || has_word(&v, "hid") {
                w -= 25.0;
            }
            if contains_any(&v, POSITIVE) {
                w += 25.0;
            }
        }
    }
    w
}

fn is_phrasing(dom: &Dom, id: usize) -> bool {
    let n = &dom.nodes[id];
    if n.is_text() {
        return true;
    }
    let tag = &*n.tag;
    if PHRASING.contains(&tag) {
        return true;
    }
    if matches!(tag, "a" | "del" | "ins") {
        return !dom.any_descendant(id, |d| {
            let t = dom.tag(d);
            !(t.is_empty() || PHRASING.contains(&t) || matches!(t, "a" | "del" | "ins"))
        });
    }
    false
}

/// The next sibling of `id` that is not whitespace-only text.
fn next_significant(dom: &Dom, parent: usize, from: usize) -> Option<usize> {
    let kids = &dom.nodes[parent].children;
    (from..kids.len()).find(|&i| {
        let n = &dom.nodes[kids[i]];
        !(n.is_text() && n.text.trim().is_empty())
    })
}

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
        let mut sub = Dom { nodes: Vec::new() };
        let root = sub.create("#document");
        let mut map = vec![(ns, root)];
        while let Some((from, to)) = map.pop() {
            for &c in &dom.nodes[from].children {
                let n = dom.nodes[c].clone();
                let id = if n.is_text() {
                    sub.create_text(&n.text)
                } else {
                    let id = sub.create(&n.tag);
                    sub.nodes[id].attrs = n.attrs.clone();
                    id
                };
                sub.append(to, id);
                map.push((c, id));
            }
        }
        sub
    } else {
        let text = dom.text_content(ns);
        if !text.contains("<img") && !text.contains("<IMG") {
            dom.detach(ns);
            return;
        }
        Dom::from_html(&scraper::Html::parse_fragment(&text))
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

fn is_visible(dom: &Dom, id: usize) -> bool {
    if let Some(style) = dom.attr(id, "style") {
        let s: String = style
            .to_ascii_lowercase()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return false;
        }
    }
    if dom.attr(id, "hidden").is_some() {
        return false;
    }
    if dom.attr(id, "aria-hidden") == Some("true")
        && !dom
            .attr(id, "class")
            .is_some_and(|c| c.contains("fallback-image"))
    {
        return false;
    }
    true
}

/// Token similarity of two strings (Readability's `_textSimilarity`).
pub(crate) fn similarity(a: &str, b: &str) -> f64 {
    let tok = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let ta = tok(a);
    let tb = tok(b);
    if ta.is_empty() || tb.is_empty() {
        return 0.0;
    }
    let total = tb.join(" ").chars().count();
    let unique: Vec<&str> = tb
        .iter()
        .filter(|w| !ta.contains(w))
        .map(String::as_str)
        .collect();
    1.0 - unique.join(" ").chars().count() as f64 / total as f64
}

fn stats_of(dom: &Dom, id: usize) -> Stats {
    dom.subtree_stats(id)
}

/// Finds and cleans the article block. `None` when the page has no body at all.
pub(crate) fn grab_article(
    dom: &mut Dom,
    flags: Flags,
    title: &str,
    find_byline: bool,
) -> Option<Grab> {
    let html = dom.first("html")?;
    let mut byline: Option<String> = None;
    let mut remove_title_header = !title.is_empty();
    let mut to_score: Vec<usize> = Vec::new();
    let mut stack = vec![html];
    while let Some(node) = stack.pop() {
        if !dom.nodes[node].is_element() {
            continue;
        }
        let tag = dom.tag(node).to_string();
        let ms = dom.match_string(node);
        if !is_visible(dom, node) {
            dom.detach(node);
            continue;
        }
        if dom.attr(node, "aria-modal") == Some("true") && dom.attr(node, "role") == Some("dialog")
        {
            dom.detach(node);
            continue;
        }
        if find_byline && byline.is_none() {
            let rel_author = dom.attr(node, "rel") == Some("author");
            let itemprop = dom
                .attr(node, "itemprop")
                .is_some_and(|i| i.contains("author"));
            if rel_author || itemprop || contains_any(&ms, BYLINE) {
                let text = dom.text_content(node);
                let len = text.trim().chars().count();
                // A name linked inside a dateline sentence is not a byline block.
                let inline_in_text = !super::text::is_block(&tag)
                    && dom.parent(node).is_some_and(|p| {
                        dom.subtree_stats(p).text > dom.subtree_stats(node).text + 8
                    });
                if len > 0 && len < 100 && inline_in_text {
                    byline = Some(text.trim().to_string());
                } else if len > 0 && len < 100 {
                    let name = dom
                        .descendants(node)
                        .into_iter()
                        .skip(1)
                        .find(|&d| dom.attr(d, "itemprop").is_some_and(|i| i.contains("name")));
                    byline = Some(match name {
                        Some(d) => dom.text_content(d).trim().to_string(),
                        None => text.trim().to_string(),
                    });
                    dom.detach(node);
                    continue;
                }
            }
        }
        if remove_title_header
            && (tag == "h1" || tag == "h2")
            && similarity(title, &dom.inner_text(node)) > 0.75
        {
            remove_title_header = false;
            dom.detach(node);
            continue;
        }
        if flags.strip_unlikely {
            if contains_any(&ms, UNLIKELY)
                && !contains_any(&ms, MAYBE)
                && !dom.has_ancestor_tag(node, "table")
                && !dom.has_ancestor_tag(node, "code")
                && tag != "body"
                && tag != "html"
                && tag != "a"
            {
                dom.detach(node);
                continue;
            }
            if dom
                .attr(node, "role")
                .is_some_and(|r| UNLIKELY_ROLES.contains(&r.trim().to_ascii_lowercase().as_str()))
            {
                dom.detach(node);
                continue;
            }
        }
        if matches!(
            tag.as_str(),
            "div" | "section" | "header" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
        ) && !dom.any_descendant(node, |d| {
            dom.nodes[d].is_text() && !dom.nodes[d].text.trim().is_empty()
        }) {
            let kids = dom.element_children(node);
            if kids.iter().all(|&k| dom.is_tag(k, &["br", "hr"])) {
                dom.detach(node);
                continue;
            }
        }
        if TO_SCORE.contains(&tag.as_str()) {
            to_score.push(node);
        }
        let mut node = node;
        if tag == "div" {
            wrap_phrasing(dom, node);
            let kids = dom.element_children(node);
            let only_p = kids.len() == 1
                && dom.tag(kids[0]) == "p"
                && dom.nodes[node]
                    .children
                    .iter()
                    .all(|&c| !dom.nodes[c].is_text() || dom.nodes[c].text.trim().is_empty());
            if only_p && stats_of(dom, node).link_density() < 0.25 {
                let p = kids[0];
                dom.replace(node, p);
                node = p;
                to_score.push(p);
            } else if !dom.any_descendant(node, |d| DIV_TO_P.contains(&dom.tag(d))) {
                dom.nodes[node].tag = "p".into();
                to_score.push(node);
            }
        }
        for &c in dom.nodes[node].children.iter().rev() {
            if dom.nodes[c].is_element() {
                stack.push(c);
            }
        }
    }

    let stats = compute_stats(dom, 0);
    let mut score: Vec<Option<f64>> = vec![None; dom.nodes.len()];
    let mut candidates: Vec<usize> = Vec::new();
    for &el in &to_score {
        if !dom.attached(el) {
            continue;
        }
        let Some(parent) = dom.parent(el) else {
            continue;
        };
        if !dom.nodes[parent].is_element() {
            continue;
        }
        let len = stats[el].text;
        if len < 25 {
            continue;
        }
        let ancestors = dom.ancestors(el, 5);
        if ancestors.is_empty() {
            continue;
        }
        let content = 1.0 + stats[el].commas as f64 + (len / 100).min(3) as f64;
        for (level, &a) in ancestors.iter().enumerate() {
            match dom.parent(a) {
                Some(p) if dom.nodes[p].is_element() => {}
                _ => break,
            }
            if score[a].is_none() {
                score[a] = Some(initial_score(dom, a, flags));
                candidates.push(a);
            }
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                _ => level as f64 * 3.0,
            };
            if let Some(s) = score[a].as_mut() {
                *s += content / divider;
            }
        }
    }
    for &c in &candidates {
        if let Some(s) = score[c].as_mut() {
            *s *= 1.0 - stats[c].link_density();
            // The page's own schema.org mark-up names the story body.
            if dom
                .attr(c, "itemprop")
                .is_some_and(|i| i.to_ascii_lowercase().contains("articlebody"))
            {
                *s *= 2.0;
            }
        }
    }
    let mut top: Vec<(usize, f64)> = candidates
        .iter()
        .filter_map(|&c| score[c].map(|s| (c, s)))
        .collect();
    top.sort_by(|a, b| b.1.total_cmp(&a.1));
    top.truncate(5);

    let body = dom.first("body");
    let score_of = |dom: &Dom, score: &mut Vec<Option<f64>>, n: usize| -> f64 {
        if n >= score.len() {
            score.resize(n + 1, None);
        }
        *score[n].get_or_insert_with(|| initial_score(dom, n, flags))
    };
    let top_candidate = match top.first() {
        Some(&(c, _)) if Some(c) != body && dom.tag(c) != "body" => {
            let mut tc = c;
            let top_score = top[0].1;
            let alternatives: Vec<Vec<usize>> = top[1..]
                .iter()
                .filter(|(_, s)| *s / top_score >= 0.75)
                .map(|&(n, _)| dom.ancestors(n, 0))
                .collect();
            if alternatives.len() >= 3 {
                let mut p = dom.parent(tc);
                while let Some(pp) = p {
                    if dom.tag(pp) == "body" || !dom.nodes[pp].is_element() {
                        break;
                    }
                    let lists = alternatives.iter().filter(|a| a.contains(&pp)).count();
                    if lists >= 3 {
                        tc = pp;
                        break;
                    }
                    p = dom.parent(pp);
                }
            }
            let mut last = score_of(dom, &mut score, tc);
            let threshold = last / 3.0;
            let mut p = dom.parent(tc);
            while let Some(pp) = p {
                if dom.tag(pp) == "body" || !dom.nodes[pp].is_element() {
                    break;
                }
                let Some(ps) = score.get(pp).copied().flatten() else {
                    p = dom.parent(pp);
                    continue;
                };
                if ps < threshold {
                    break;
                }
                if ps > last {
                    tc = pp;
                    break;
                }
                last = ps;
                p = dom.parent(pp);
            }
            while let Some(pp) = dom.parent(tc) {
                if dom.tag(pp) == "body"
                    || !dom.nodes[pp].is_element()
                    || dom.element_children(pp).len() != 1
                {
                    break;
                }
                tc = pp;
            }
            score_of(dom, &mut score, tc);
            tc
        }
        _ => {
            // No candidate: everything in the body becomes the candidate.
            let body = body?;
            let div = dom.create("div");
            let kids = dom.nodes[body].children.clone();
            for k in kids {
                dom.append(div, k);
            }
            dom.append(body, div);
            score_of(dom, &mut score, div);
            div
        }
    };

    let dir = std::iter::once(top_candidate)
        .chain(dom.ancestors(top_candidate, 0))
        .find_map(|n| dom.attr(n, "dir").map(|d| d.trim().to_ascii_lowercase()));

    // Sibling merging.
    let article = dom.create("div");
    let top_score = score_of(dom, &mut score, top_candidate);
    let threshold = (top_score * 0.2).max(10.0);
    let top_class = dom.attr(top_candidate, "class").unwrap_or("").to_string();
    let siblings = match dom.parent(top_candidate) {
        Some(p) if p != NONE => dom.element_children(p),
        _ => vec![top_candidate],
    };
    let stats = compute_stats(dom, 0);
    for sib in siblings {
        let mut take = sib == top_candidate;
        if !take {
            let mut bonus = 0.0;
            if !top_class.is_empty() && dom.attr(sib, "class").unwrap_or("") == top_class {
                bonus += top_score * 0.2;
            }
            let s = score.get(sib).copied().flatten();
            if s.is_some_and(|s| s + bonus >= threshold) {
                take = true;
            } else if dom.tag(sib) == "p" {
                let ld = stats[sib].link_density();
                let text = dom.inner_text(sib);
                let len = text.chars().count();
                let short_sentence = len < 80
                    && len > 0
                    && ld == 0.0
                    && (text.contains(". ") || text.ends_with('.'));
                if (len > 80 && ld < 0.25) || short_sentence {
                    take = true;
                }
            }
        }
        if take {
            if !dom.is_tag(sib, &["div", "article", "section", "p", "ol", "ul"]) {
                dom.nodes[sib].tag = "div".into();
            }
            dom.append(article, sib);
        }
    }
    prep_article(dom, article, flags);
    let text_len = stats_of(dom, article).text;
    Some(Grab {
        root: article,
        text_len,
        byline,
        dir,
    })
}

fn initial_score(dom: &Dom, id: usize, flags: Flags) -> f64 {
    let base = match dom.tag(id) {
        "div" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    };
    base + class_weight(dom, id, flags)
}

/// Wraps runs of inline children of a `div` in paragraphs.
fn wrap_phrasing(dom: &mut Dom, div: usize) {
    let kids = dom.nodes[div].children.clone();
    if kids.iter().all(|&k| !is_phrasing(dom, k)) {
        return;
    }
    // Only worth it when the div also has block children.
    if kids.iter().all(|&k| is_phrasing(dom, k)) {
        return;
    }
    let mut new_kids = Vec::with_capacity(kids.len());
    let mut p: Option<usize> = None;
    for k in kids {
        if is_phrasing(dom, k) {
            match p {
                Some(pp) => {
                    dom.nodes[k].parent = pp;
                    dom.nodes[pp].children.push(k);
                }
                None => {
                    if dom.is_whitespace(k) {
                        new_kids.push(k);
                        continue;
                    }
                    let pp = dom.create("p");
                    dom.nodes[pp].parent = div;
                    dom.nodes[k].parent = pp;
                    dom.nodes[pp].children.push(k);
                    new_kids.push(pp);
                    p = Some(pp);
                }
            }
        } else {
            if let Some(pp) = p.take() {
                trim_trailing_ws(dom, pp);
            }
            new_kids.push(k);
        }
    }
    if let Some(pp) = p {
        trim_trailing_ws(dom, pp);
    }
    dom.nodes[div].children = new_kids;
}

fn trim_trailing_ws(dom: &mut Dom, p: usize) {
    while let Some(&last) = dom.nodes[p].children.last() {
        if dom.is_whitespace(last) {
            dom.nodes[p].children.pop();
            dom.nodes[last].parent = NONE;
        } else {
            break;
        }
    }
}

fn is_data_table(dom: &Dom, t: usize) -> bool {
    if dom.attr(t, "role") == Some("presentation") || dom.attr(t, "datatable") == Some("0") {
        return false;
    }
    if dom.attr(t, "summary").is_some() {
        return true;
    }
    let kids = dom.element_children(t);
    if kids
        .iter()
        .any(|&c| dom.tag(c) == "caption" && !dom.nodes[c].children.is_empty())
    {
        return true;
    }
    let desc = dom.descendants(t);
    if desc
        .iter()
        .skip(1)
        .any(|&d| dom.is_tag(d, &["col", "colgroup", "tfoot", "thead", "th"]))
    {
        return true;
    }
    if desc.iter().skip(1).any(|&d| dom.tag(d) == "table") {
        return false;
    }
    let rows: Vec<usize> = desc
        .iter()
        .copied()
        .filter(|&d| dom.tag(d) == "tr")
        .collect();
    let cols = rows
        .iter()
        .map(|&r| {
            dom.element_children(r)
                .iter()
                .filter(|&&c| dom.is_tag(c, &["td", "th"]))
                .map(|&c| {
                    dom.attr(c, "colspan")
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .min(1000)
                })
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0);
    rows.len() >= 10 || cols > 4 || rows.len() * cols > 10
}

/// Readability's `prepArticle`: conditional cleaning inside the chosen block.
fn prep_article(dom: &mut Dom, article: usize, flags: Flags) {
    let data_tables: HashSet<usize> = dom
        .find_all(article, &["table"])
        .into_iter()
        .filter(|&t| is_data_table(dom, t))
        .collect();
    clean_conditionally(dom, article, "form", flags, &data_tables);
    clean_conditionally(dom, article, "fieldset", flags, &data_tables);
    for n in dom.find_all(
        article,
        &[
            "object", "embed", "footer", "link", "aside", "iframe", "input", "textarea", "select",
            "button",
        ],
    ) {
        dom.detach(n);
    }
    // Share rows.
    for child in dom.element_children(article) {
        for d in dom.descendants(child).into_iter().skip(1) {
            if !dom.nodes[d].is_element() {
                continue;
            }
            let ms = dom.match_string(d);
            let share = ms
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|t| t == "share" || t == "sharedaddy");
            if share && dom.text_content(d).chars().count() < 500 {
                dom.detach(d);
            }
        }
    }
    if flags.weight_classes {
        for h in dom.find_all(article, &["h1", "h2"]) {
            if class_weight(dom, h, flags) < 0.0 {
                dom.detach(h);
            }
        }
    }
    clean_conditionally(dom, article, "table", flags, &data_tables);
    clean_conditionally(dom, article, "ul", flags, &data_tables);
    clean_conditionally(dom, article, "div", flags, &data_tables);
    for h in dom.find_all(article, &["h1"]) {
        dom.nodes[h].tag = "h2".into();
    }
    for p in dom.find_all(article, &["p"]) {
        if dom
            .find_all(p, &["img", "embed", "object", "iframe"])
            .is_empty()
            && dom.text_content(p).trim().is_empty()
        {
            dom.detach(p);
        }
    }
    for br in dom.find_all(article, &["br"]) {
        if let Some(parent) = dom.parent(br) {
            if let Some(pos) = dom.nodes[parent].children.iter().position(|&c| c == br) {
                if let Some(i) = next_significant(dom, parent, pos + 1) {
                    if dom.tag(dom.nodes[parent].children[i]) == "p" {
                        dom.detach(br);
                    }
                }
            }
        }
    }
    // Single-cell tables become their cell.
    for t in dom.find_all(article, &["table"]) {
        let mut inner = t;
        if let [tb] = dom.element_children(t)[..] {
            if dom.tag(tb) == "tbody" {
                inner = tb;
            }
        }
        let rows = dom.element_children(inner);
        if let [row] = rows[..] {
            if let [cell] = dom.element_children(row)[..] {
                if dom.tag(cell) == "td" {
                    let all_phrasing = dom.nodes[cell]
                        .children
                        .clone()
                        .into_iter()
                        .all(|c| is_phrasing(dom, c));
                    dom.nodes[cell].tag = if all_phrasing { "p" } else { "div" }.into();
                    dom.replace(t, cell);
                }
            }
        }
    }
}

fn clean_conditionally(
    dom: &mut Dom,
    article: usize,
    tag: &str,
    flags: Flags,
    data_tables: &HashSet<usize>,
) {
    if !flags.clean_conditionally {
        return;
    }
    let mut stats = compute_stats(dom, article);
    let nodes = dom.find_all(article, &[tag]);
    for &node in nodes.iter().rev() {
        if !should_remove(dom, node, tag, flags, data_tables, &stats) {
            continue;
        }
        // Keep the counts of the ancestors right for the nodes still to be judged.
        let removed = stats[node];
        for a in dom.ancestors(node, 0) {
            if let Some(s) = stats.get_mut(a) {
                s.text = s.text.saturating_sub(removed.text);
                s.link_text = (s.link_text - removed.link_text).max(0.0);
                s.commas = s.commas.saturating_sub(removed.commas);
            }
            if a == article {
                break;
            }
        }
        dom.detach(node);
    }
}

fn should_remove(
    dom: &Dom,
    node: usize,
    tag: &str,
    flags: Flags,
    data_tables: &HashSet<usize>,
    stats: &[Stats],
) -> bool {
    if !dom.attached_under(node) {
        return false;
    }
    let text_len = stats[node].text;
    let desc = dom.descendants(node);
    let mut is_list = tag == "ul" || tag == "ol";
    if !is_list {
        let list_len: usize = desc
            .iter()
            .skip(1)
            .filter(|&&d| dom.is_tag(d, &["ul", "ol"]))
            .map(|&d| stats[d].text)
            .sum();
        is_list = text_len > 0 && list_len as f64 / text_len as f64 > 0.9;
    }
    if tag == "table" && data_tables.contains(&node) {
        return false;
    }
    let ancestors = dom.ancestors(node, 0);
    if ancestors
        .iter()
        .any(|a| dom.tag(*a) == "table" && data_tables.contains(a))
    {
        return false;
    }
    if ancestors.iter().any(|&a| dom.tag(a) == "code") {
        return false;
    }
    if desc.iter().skip(1).any(|d| data_tables.contains(d)) {
        return false;
    }
    let weight = class_weight(dom, node, flags);
    if weight < 0.0 {
        return true;
    }
    if stats[node].commas >= 10 {
        return false;
    }
    let count = |t: &[&str]| desc.iter().skip(1).filter(|&&d| dom.is_tag(d, t)).count();
    let p = count(&["p"]) as f64;
    let img = count(&["img"]) as f64;
    let li = count(&["li"]) as f64 - 100.0;
    let input = count(&["input"]) as f64;
    let embeds = count(&["object", "embed", "iframe"]) as f64;
    let inner = dom.inner_text(node);
    let lower = inner.to_lowercase();
    if matches!(
        lower.as_str(),
        "ad" | "advertising" | "advertisement" | "pub" | "publicité" | "werbung" | "anuncio"
    ) || lower.starts_with("loading") && lower.chars().count() <= 10
    {
        return true;
    }
    let content_len = inner.chars().count();
    let link_density = stats[node].link_density();
    let dens = |tags: &[&str]| -> f64 {
        if text_len == 0 {
            return 0.0;
        }
        let l: usize = desc
            .iter()
            .skip(1)
            .filter(|&&d| dom.is_tag(d, tags))
            .map(|&d| stats[d].text)
            .sum();
        l as f64 / text_len as f64
    };
    let heading_density = dens(&["h1", "h2", "h3", "h4", "h5", "h6"]);
    let textish: Vec<&str> = ["span", "li", "td"]
        .into_iter()
        .chain(DIV_TO_P.iter().copied())
        .collect();
    let text_density = dens(&textish);
    let is_figure_child = ancestors.iter().any(|&a| dom.tag(a) == "figure");
    let mut remove = false;
    if !is_figure_child && img > 1.0 && p / img < 0.5 {
        remove = true;
    }
    if !is_list && li > p {
        remove = true;
    }
    if input > (p / 3.0).floor() {
        remove = true;
    }
    if !is_list
        && !is_figure_child
        && heading_density < 0.9
        && content_len < 25
        && (img == 0.0 || img > 2.0)
        && link_density > 0.0
    {
        remove = true;
    }
    if !is_list && weight < 25.0 && link_density > 0.2 {
        remove = true;
    }
    if weight >= 25.0 && link_density > 0.5 {
        remove = true;
    }
    if (embeds == 1.0 && content_len < 75) || embeds > 1.0 {
        remove = true;
    }
    if img == 0.0 && text_density == 0.0 {
        remove = true;
    }
    if is_list && remove {
        // Simple lists of images stay.
        for c in dom.element_children(node) {
            if dom.element_children(c).len() > 1 {
                return remove;
            }
        }
        if img == count(&["li"]) as f64 {
            return false;
        }
    }
    remove
}

impl Dom {
    /// Whether the node still hangs somewhere (its parent link is set).
    fn attached_under(&self, id: usize) -> bool {
        self.nodes[id].parent != NONE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noscript_image_replaces_its_placeholder() {
        let mut dom = Dom::from_html(&scraper::Html::parse_document(
            r#"<div><img src="/blank.gif" class="js-lazy"><noscript><img src="/real.jpg" alt="r"></noscript></div>"#,
        ));
        prep_document(&mut dom);
        let imgs = dom.find_all(0, &["img"]);
        assert_eq!(imgs.len(), 1);
        assert_eq!(dom.attr(imgs[0], "src"), Some("/real.jpg"));
    }
}
