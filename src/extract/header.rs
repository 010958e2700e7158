//! What a page prints around its visible headline: the date lines (where a page without date
//! metadata shows its date) and the lead paragraph, the standfirst that news pages set between
//! the headline and the body, in a container of its own that Readability's block leaves out.
//!
//! Read on the prepared page before the article block is chosen; [`restore_lead`] puts a lead
//! the block missed back on top of it.

use super::dates;
use super::dom::{Dom, Stats};
use super::score::{is_visible, similarity};
use super::text::is_block;

/// The page's headline, date lines and lead candidates.
pub(crate) struct Header {
    /// Short lines near the headline that hold a date or are marked as one, the date printed
    /// just above the headline first.
    pub date_lines: Vec<String>,
    /// Prose blocks right after the headline, copied out of the page: (the id of the block's
    /// first text node in the page, the copy).
    leads: Vec<(usize, Dom)>,
}

/// Nodes after the headline looked at for date lines and a lead.
const LOOK_AHEAD: usize = 80;
/// The most lead blocks kept (a standfirst is one or two paragraphs).
const MAX_LEAD_BLOCKS: usize = 2;
/// Class/id fragments of boxes near a headline that are never the story's lead.
const NOT_LEAD: &[&str] = &[
    "caption",
    "credit",
    "share",
    "social",
    "related",
    "promo",
    "newsletter",
    "subscribe",
    "breadcrumb",
    "menu",
    "nav",
    "comment",
    "cookie",
    "consent",
    "sidebar",
    "teaser-list",
    "author",
    "byline",
    "ad-",
    "advert",
    "sponsor",
];

/// Reads the header of a page whose title (the metadata's) is `title`; date lines only when
/// `want_dates` (the metadata has no date).
pub(crate) fn read(dom: &Dom, title: &str, lang: Option<&str>, want_dates: bool) -> Header {
    let mut header = Header {
        date_lines: Vec::new(),
        leads: Vec::new(),
    };
    if title.is_empty() {
        return header;
    }
    let order = dom.descendants(0);
    let title_l = title.to_lowercase();
    let matches = |n: usize| {
        let t = dom.inner_text(n).to_lowercase();
        !t.is_empty()
            && (title_l.contains(&t) || t.contains(&title_l) || similarity(&t, &title_l) > 0.75)
    };
    let Some(h_pos) = order
        .iter()
        .position(|&n| dom.tag(n) == "h1" && matches(n))
        .or_else(|| order.iter().position(|&n| dom.tag(n) == "h2" && matches(n)))
    else {
        return header;
    };
    let is_leaf = |n: usize| {
        dom.nodes[n].is_element()
            && !dom.any_descendant(n, |d| {
                let t = dom.tag(d);
                !t.is_empty() && is_block(t) && t != "br"
            })
    };
    let has_date = |t: &str| !dates::find_stamps(t, lang).is_empty();
    if want_dates {
        // Blogs often print the date just above the headline.
        for &n in order[h_pos.saturating_sub(12)..h_pos].iter().rev() {
            if !is_leaf(n) || !is_block(dom.tag(n)) {
                continue;
            }
            let txt = dom.inner_text(n);
            if (6..=60).contains(&txt.chars().count()) && has_date(&txt) && !txt.contains('|') {
                header.date_lines.push(txt);
                break;
            }
        }
    }
    let headline_boxes = dom.ancestors(order[h_pos], 0);
    let end = order.len().min(h_pos + LOOK_AHEAD);
    let mut skip_until = 0;
    for (i, &n) in order.iter().enumerate().take(end).skip(h_pos + 1) {
        if i < skip_until || !is_leaf(n) {
            continue;
        }
        skip_until = i + dom.walk(n).count();
        let txt = dom.inner_text(n);
        let len = txt.chars().count();
        if header.leads.len() < MAX_LEAD_BLOCKS && is_lead(dom, n, &headline_boxes, &txt) {
            if let Some(first_text) = dom.walk(n).find(|&d| dom.nodes[d].has_text()) {
                let mut copy = Dom::empty();
                dom.copy_into(n, &mut copy, Some(0));
                header.leads.push((first_text, copy));
            }
        }
        if !want_dates || len > 150 || !(6..=120).contains(&len) {
            continue;
        }
        let ms = dom.match_string(n);
        let hinted = [
            "date",
            "time",
            "byline",
            "author",
            "posted",
            "published",
            "updated",
            "dateline",
        ]
        .iter()
        .any(|h| ms.contains(h))
            || dom.tag(n) == "time";
        if header.date_lines.len() < 4
            && (hinted || has_date(&txt))
            && !header.date_lines.iter().any(|o| o.contains(&txt))
        {
            header.date_lines.push(txt);
        }
    }
    header
}

/// Whether a block after the headline reads as the story's lead: a few sentences of prose
/// with few links, shown, and in no box that is named as something else.
fn is_lead(dom: &Dom, n: usize, headline_boxes: &[usize], text: &str) -> bool {
    let words = text.split_whitespace().count();
    let stats: Stats = dom.subtree_stats(n);
    let sentence = text.ends_with(['.', '!', '?', '…', '"', '”', '“', '»', '«', ')', ':'])
        || text.contains(". ");
    if words < 10 || !sentence || stats.link_density() > 0.25 {
        return false;
    }
    // Up to the box it shares with the headline: no list, form or figure, nothing named as
    // something else; and nothing hidden above it.
    std::iter::once(n)
        .chain(dom.ancestors(n, 0))
        .take_while(|a| !headline_boxes.contains(a))
        .all(|a| {
            let ms = dom.match_string(a);
            is_visible(dom, a)
                && !dom.is_tag(
                    a,
                    &[
                        "li",
                        "nav",
                        "aside",
                        "footer",
                        "form",
                        "figure",
                        "figcaption",
                        "button",
                        "label",
                        "a",
                    ],
                )
                && !NOT_LEAD.iter().any(|h| ms.contains(h))
        })
        && dom.ancestors(n, 0).iter().all(|&a| is_visible(dom, a))
}

/// Puts the lead blocks the article block left out back on top of it: those that come before
/// its first text in the page and are not in it.
pub(crate) fn restore_lead(dom: &mut Dom, root: usize, header: &Header) {
    let in_root: Vec<usize> = dom
        .descendants(root)
        .into_iter()
        .filter(|&d| dom.nodes[d].has_text())
        .collect();
    // Arena ids follow document order for the page's own nodes.
    let Some(&first) = in_root.iter().min() else {
        return;
    };
    let mut at = 0;
    for (text_id, copy) in &header.leads {
        if *text_id >= first || in_root.contains(text_id) {
            continue;
        }
        let Some(&block) = copy.nodes[0].children.first() else {
            continue;
        };
        let new = copy.copy_into(block, dom, None);
        dom.nodes[new].tag = "p".into();
        dom.nodes[new].parent = root;
        dom.nodes[root].children.insert(at, new);
        at += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::text::to_text;

    fn page(lead_box: &str) -> Dom {
        Dom::parse_document(&format!(
            r#"<body><div class="head"><h1>Harbour plan approved</h1>{lead_box}</div>
            <div id="story"><p>The council met on Monday evening to approve the plan.</p></div>
            </body>"#
        ))
    }

    /// The story block alone, as the grab would leave it, with the lead restored.
    fn story_with_lead(dom: &mut Dom) -> String {
        let header = read(dom, "Harbour plan approved", Some("en"), false);
        let root = dom.create("div");
        let story = dom
            .descendants(0)
            .into_iter()
            .find(|&n| dom.attr(n, "id") == Some("story"))
            .unwrap();
        dom.append(root, story);
        restore_lead(dom, root, &header);
        to_text(dom, root)
    }

    #[test]
    fn the_lead_between_headline_and_story_goes_back_on_top() {
        let mut dom = page(
            r#"<div class="standfirst"><h2>After two delays and a year of objections, the
            islands get their new pier in the spring.</h2></div>"#,
        );
        let text = story_with_lead(&mut dom);
        assert!(
            text.starts_with("After two delays") && text.contains("The council met"),
            "{text}"
        );
    }

    #[test]
    fn captions_link_lists_and_short_lines_are_not_leads() {
        for lead_box in [
            r#"<figure><figcaption>Workers on the old pier at dawn, before the storm, last
            winter.</figcaption></figure>"#,
            r#"<p><a href="/a">Ferries</a> <a href="/b">Tides and harbour works in the
            spring, with new timetables</a> <a href="/c">Weather</a>.</p>"#,
            r#"<p class="share-line">Share this story with your friends and family, today and
            every day.</p>"#,
            "<p>By Jo Bloggs.</p>",
        ] {
            let mut dom = page(lead_box);
            let text = story_with_lead(&mut dom);
            assert!(text.starts_with("The council met"), "{lead_box}: {text}");
        }
    }
}
