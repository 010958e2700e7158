//! Finding the article block: one walk that drops hidden and unlikely nodes and collects the
//! paragraphs, their scores carried into their ancestors, the best candidate (or a common
//! ancestor of several close ones), and the siblings merged into it.

use super::super::dom::{compute_stats, Dom, Stats, NONE};
use super::super::text::is_block;
use super::conditional::prep_article;
use super::{
    class_weight, contains_any, is_phrasing, similarity, Flags, Grab, BYLINE, DIV_TO_P, MAYBE,
    TO_SCORE, UNLIKELY, UNLIKELY_ROLES,
};

/// Whether the element is shown (no `display: none`, `hidden`, `aria-hidden`).
pub(crate) fn is_visible(dom: &Dom, id: usize) -> bool {
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
    let (to_score, byline) = walk(dom, flags, title, find_byline)?;
    let (mut scores, top) = score_paragraphs(dom, flags, &to_score);
    let top_candidate = top_candidate(dom, &mut scores, &top)?;
    let dir = std::iter::once(top_candidate)
        .chain(dom.ancestors(top_candidate, 0))
        .find_map(|n| dom.attr(n, "dir").map(|d| d.trim().to_ascii_lowercase()));

    let article = merge_siblings(dom, &mut scores, top_candidate);
    prep_article(dom, article, flags);
    let text_len = stats_of(dom, article).text;
    Some(Grab {
        root: article,
        text_len,
        byline,
        dir,
    })
}

/// Content scores of the candidates so far (indexed by node); a node asked for that has none
/// gets its initial score.
struct Scores {
    score: Vec<Option<f64>>,
    flags: Flags,
}

impl Scores {
    fn get(&self, n: usize) -> Option<f64> {
        self.score.get(n).copied().flatten()
    }

    fn get_or_init(&mut self, dom: &Dom, n: usize) -> f64 {
        if n >= self.score.len() {
            self.score.resize(n + 1, None);
        }
        let flags = self.flags;
        *self.score[n].get_or_insert_with(|| initial_score(dom, n, flags))
    }
}

/// The first walk over the page: hidden, unlikely and empty nodes out, the byline block and
/// the headline out, divs of phrasing turned into paragraphs. Returns the nodes to score and
/// the byline found; `None` when the page has no `html` element.
fn walk(
    dom: &mut Dom,
    flags: Flags,
    title: &str,
    find_byline: bool,
) -> Option<(Vec<usize>, Option<String>)> {
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
                let inline_in_text = !is_block(&tag)
                    && dom.parent(node).is_some_and(|p| {
                        dom.subtree_stats(p).text > dom.subtree_stats(node).text + 8
                    });
                if len > 0 && len < 100 && inline_in_text {
                    byline = Some(text.trim().to_string());
                } else if len > 0 && len < 100 {
                    let name = dom
                        .walk(node)
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
        ) && !dom.any_descendant(node, |d| dom.nodes[d].has_text())
        {
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
                    .all(|&c| !dom.nodes[c].has_text());
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

    Some((to_score, byline))
}

/// Scores every paragraph's ancestors (Readability's content score, divided by the level,
/// times one minus the link density) and returns the scores with the five best candidates,
/// best first.
fn score_paragraphs(dom: &Dom, flags: Flags, to_score: &[usize]) -> (Scores, Vec<(usize, f64)>) {
    let stats = compute_stats(dom, 0);
    let mut score: Vec<Option<f64>> = vec![None; dom.nodes.len()];
    let mut candidates: Vec<usize> = Vec::new();
    for &el in to_score {
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

    (Scores { score, flags }, top)
}

/// The best candidate, moved up to a common ancestor when several close ones share it, or to
/// a parent that scores better, and past wrappers with a single child; with no candidate, a
/// new div holding the whole body. `None` when the page has no body.
fn top_candidate(dom: &mut Dom, scores: &mut Scores, top: &[(usize, f64)]) -> Option<usize> {
    let body = dom.first("body");
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
            let mut last = scores.get_or_init(dom, tc);
            let threshold = last / 3.0;
            let mut p = dom.parent(tc);
            while let Some(pp) = p {
                if dom.tag(pp) == "body" || !dom.nodes[pp].is_element() {
                    break;
                }
                let Some(ps) = scores.get(pp) else {
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
            scores.get_or_init(dom, tc);
            tc
        }
        _ => {
            // No candidate: everything in the body becomes the candidate.
            let body = body?;
            let div = dom.create("div");
            dom.move_children(body, div);
            dom.append(body, div);
            scores.get_or_init(dom, div);
            div
        }
    };

    Some(top_candidate)
}

/// A new div holding the top candidate and the siblings that score close to it (or are
/// paragraphs of prose with few links).
fn merge_siblings(dom: &mut Dom, scores: &mut Scores, top_candidate: usize) -> usize {
    let article = dom.create("div");
    let top_score = scores.get_or_init(dom, top_candidate);
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
            let s = scores.get(sib);
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
    article
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

#[cfg(test)]
mod tests {
    use super::*;

    fn grab(html: &str, title: &str) -> (Dom, Grab) {
        let mut dom = Dom::parse_document(html);
        let grab = grab_article(&mut dom, Flags::ALL, title, true).unwrap();
        (dom, grab)
    }

    const PROSE: &str = "<p>The council met on Monday evening to approve the harbour plan, \
        which had been delayed twice, by objections, from residents of the two islands.</p>";

    #[test]
    fn the_block_with_the_prose_wins_and_keeps_its_paragraph_siblings() {
        let html = format!(
            r#"<body><div class="sidebar"><p>Most read: ferries, tides, weather and more, \
            every day, all year.</p></div><div id="story">{PROSE}{PROSE}{PROSE}</div>
            <p>A closing paragraph of plain prose beside the story, long enough to be text.</p>
            </body>"#
        );
        let (dom, g) = grab(&html, "");
        let text = dom.text_content(g.root);
        assert_eq!(text.matches("The council met").count(), 3, "{text}");
        assert!(text.contains("A closing paragraph"), "{text}");
        assert!(!text.contains("Most read"), "{text}");
    }

    #[test]
    fn headline_and_byline_leave_the_block_and_the_byline_is_kept() {
        let html = format!(
            r#"<body><article><h1>Harbour plan approved</h1>
            <div class="byline">By Jo Bloggs</div>{PROSE}{PROSE}</article></body>"#
        );
        let (dom, g) = grab(&html, "Harbour plan approved");
        let text = dom.text_content(g.root);
        assert_eq!(g.byline.as_deref(), Some("By Jo Bloggs"));
        assert!(!text.contains("Harbour plan approved"), "{text}");
        assert!(!text.contains("Jo Bloggs"), "{text}");
    }

    #[test]
    fn hidden_nodes_are_not_scored() {
        let html = format!(
            r#"<body><div style="display: none">{PROSE}{PROSE}{PROSE}{PROSE}</div>
            <div id="shown">{}</div></body>"#,
            PROSE.replace("council", "board")
        );
        let (dom, g) = grab(&html, "");
        let text = dom.text_content(g.root);
        assert!(text.contains("The board met"), "{text}");
        assert!(!text.contains("The council met"), "{text}");
    }
}
