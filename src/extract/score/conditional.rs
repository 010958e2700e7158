//! Readability's `prepArticle`: cleaning inside the chosen block. Forms, tables, lists and
//! divs go when their mix of text, links, images, inputs and embeds says they are not story
//! (`clean_conditionally`); data tables and what they hold stay.

use std::collections::HashSet;

use super::super::dom::{compute_stats, Dom, Stats, NONE};
use super::{class_weight, is_phrasing, Flags, DIV_TO_P};

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
pub(super) fn prep_article(dom: &mut Dom, article: usize, flags: Flags) {
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
            .find_all(p, &["img", "embed", "object", "iframe", super::MEDIA_MARK])
            .is_empty()
            && dom.text_content(p).trim().is_empty()
        {
            dom.detach(p);
        }
    }
    // A br right before a paragraph goes. Decided for each parent in one pass from its end
    // (a br at a time, each finding its place, was quadratic on a page of 100,000 brs); a br
    // that goes still hides a paragraph from the br before it, as it did when they went one
    // by one.
    let mut parents: Vec<usize> = dom
        .find_all(article, &["br"])
        .into_iter()
        .filter_map(|br| dom.parent(br))
        .collect();
    parents.sort_unstable();
    parents.dedup();
    for parent in parents {
        let mut next_is_p = false;
        let mut gone = Vec::new();
        for &k in dom.nodes[parent].children.iter().rev() {
            let n = &dom.nodes[k];
            if n.is_text() && !n.has_text() {
                continue;
            }
            if n.tag == "br" && next_is_p {
                gone.push(k);
            }
            next_is_p = n.tag == "p";
        }
        if gone.is_empty() {
            continue;
        }
        for &k in &gone {
            dom.nodes[k].parent = NONE;
        }
        let mut kids = std::mem::take(&mut dom.nodes[parent].children);
        kids.retain(|&c| dom.nodes[c].parent == parent);
        dom.nodes[parent].children = kids;
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

    fn cleaned(html: &str) -> String {
        let mut dom = Dom::parse_document(html);
        let root = dom.first("div").unwrap();
        prep_article(&mut dom, root, Flags::ALL);
        dom.text_content(root)
    }

    const PROSE: &str = "<p>The council met on Monday evening to approve the harbour plan, \
        which had been delayed twice by objections from residents of the two islands.</p>";

    #[test]
    fn link_lists_go_and_data_tables_stay() {
        let links: String = (0..6)
            .map(|i| format!("<a href=\"/s/{i}\">Another story number {i}</a> "))
            .collect();
        let rows: String = (0..12)
            .map(|i| format!("<tr><td>Pier {i}</td><td>{i}0 m</td></tr>"))
            .collect();
        let text = cleaned(&format!(
            "<div>{PROSE}<div class=\"more\">{links}</div><table>{rows}</table></div>"
        ));
        assert!(text.contains("The council met"), "{text}");
        assert!(!text.contains("Another story"), "{text}");
        assert!(text.contains("Pier 11"), "{text}");
    }

    #[test]
    fn negative_classes_and_forms_go() {
        let text = cleaned(&format!(
            "<div>{PROSE}<div class=\"comment-list\">{PROSE}</div>\
             <form><input name=\"q\"><p>Search the site</p></form></div>"
        ));
        assert_eq!(text.matches("The council met").count(), 1, "{text}");
        assert!(!text.contains("Search the site"), "{text}");
    }
}
