//! Output of the chosen block: plain text with line breaks at block boundaries, and HTML.
//!
//! Both walks are iterative. The HTML writer keeps only the attributes a story needs (the
//! sanitizer in `crate::sanitize` has the last word) and stops emitting wrapper tags below
//! [`MAX_DEPTH`], so what goes to the sanitizer is never deeply nested.

use super::dom::Dom;
use super::score::MEDIA_MARK;
use crate::sanitize::media;
use crate::text::{escape_into, Escape};

/// Deepest element nesting written out; deeper wrappers are flattened into their content.
pub(crate) const MAX_DEPTH: usize = 120;

/// Tags that end a line of text.
pub(crate) fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "caption"
            | "figure"
            | "figcaption"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "aside"
            | "nav"
            | "main"
            | "address"
            | "details"
            | "summary"
            | "hr"
            | "br"
            | "center"
            | "form"
            | "fieldset"
            | "picture"
            | "body"
    )
}

/// Tags after which a blank line (a paragraph break) comes.
fn is_paragraph(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "dl"
            | "blockquote"
            | "pre"
            | "table"
            | "figure"
            | "hr"
    )
}

struct TextWriter {
    out: String,
    /// Line breaks owed before the next text: 0, 1 (new line) or 2 (blank line).
    breaks: u8,
    space: bool,
}

impl TextWriter {
    fn block(&mut self, level: u8) {
        if !self.out.is_empty() {
            self.breaks = self.breaks.max(level);
        }
        self.space = false;
    }

    fn flush_breaks(&mut self) {
        if self.breaks > 0 {
            for _ in 0..self.breaks {
                self.out.push('\n');
            }
            self.breaks = 0;
            self.space = false;
        }
    }

    fn text(&mut self, s: &str, pre: bool) {
        if pre {
            if s.is_empty() {
                return;
            }
            self.flush_breaks();
            if self.space {
                self.out.push(' ');
                self.space = false;
            }
            self.out.push_str(s);
            return;
        }
        let starts_ws = s.starts_with(char::is_whitespace);
        let ends_ws = s.ends_with(char::is_whitespace);
        let mut first = true;
        for word in s.split_whitespace() {
            self.flush_breaks();
            let glued = first && !starts_ws && !self.space;
            let line_start = self.out.is_empty() || self.out.ends_with('\n');
            if !glued && !line_start {
                self.out.push(' ');
            }
            self.space = false;
            // A soft hyphen only says where a word may break; the text has the word whole, so
            // search and a quote find it.
            if word.contains(SOFT_HYPHEN) {
                self.out.extend(word.chars().filter(|&c| c != SOFT_HYPHEN));
            } else {
                self.out.push_str(word);
            }
            first = false;
        }
        if first {
            // Only whitespace.
            if !s.is_empty() {
                self.space = true;
            }
        } else if ends_ws {
            self.space = true;
        }
    }
}

const SOFT_HYPHEN: char = '\u{ad}';

/// Plain text of the subtree: one line per block, a blank line between paragraphs.
pub(crate) fn to_text(dom: &Dom, root: usize) -> String {
    let mut w = TextWriter {
        out: String::new(),
        breaks: 0,
        space: false,
    };
    // (node, closing, inside pre)
    let mut stack = vec![(root, false, false)];
    while let Some((id, closing, pre)) = stack.pop() {
        let node = &dom.nodes[id];
        if node.is_text() {
            w.text(node.text(), pre);
            continue;
        }
        let tag = &*node.tag;
        if closing {
            if is_block(tag) {
                w.block(if is_paragraph(tag) { 2 } else { 1 });
            } else if matches!(tag, "td" | "th") {
                w.space = true;
            }
            continue;
        }
        match tag {
            "br" => {
                w.flush_breaks();
                w.out.push('\n');
                w.space = false;
                continue;
            }
            // What `crate::sanitize` drops with its content is not in the HTML either: the
            // text says what the reader sees (no MathML flattened into "a x 2 + b x").
            "img" => continue,
            t if crate::sanitize::DROP_WITH_CONTENT.contains(&t) => continue,
            _ => {}
        }
        if is_block(tag) {
            w.block(if is_paragraph(tag) { 2 } else { 1 });
        }
        let pre = pre || tag == "pre";
        stack.push((id, true, pre));
        for &c in node.children.iter().rev() {
            stack.push((c, false, pre));
        }
    }
    let trimmed = w.out.trim_end();
    trimmed.trim_start_matches('\n').to_string()
}

const VOID: &[&str] = &["img", "br", "hr", "source", "wbr", "col"];

fn kept_attr(tag: &str, attr: &str) -> bool {
    match attr {
        "lang" | "dir" | "title" => true,
        "href" => tag == "a",
        "src" | "alt" | "width" | "height" => tag == "img",
        "srcset" => matches!(tag, "img" | "source"),
        "type" | "media" | "sizes" => tag == "source",
        "colspan" | "rowspan" | "headers" => matches!(tag, "td" | "th"),
        "scope" => tag == "th",
        "datetime" => matches!(tag, "time" | "del" | "ins"),
        "cite" => matches!(tag, "blockquote" | "q" | "del" | "ins"),
        "start" | "reversed" => tag == "ol",
        "span" => matches!(tag, "col" | "colgroup"),
        _ => false,
    }
}

/// HTML of the subtree's content (the root's own tag is written as a `div`).
pub(crate) fn to_html(dom: &Dom, root: usize) -> String {
    let mut out = String::new();
    // (node, closing, depth)
    let mut stack = vec![(root, false, 0usize)];
    while let Some((id, closing, depth)) = stack.pop() {
        let node = &dom.nodes[id];
        if node.is_text() {
            escape_into(&mut out, node.text(), Escape::Text);
            continue;
        }
        let tag = if id == root { "div" } else { &*node.tag };
        if tag == MEDIA_MARK {
            // A link to embedded media ([`MEDIA_MARK`]): its address, what it says as its
            // title and the poster it shows (see `crate::sanitize::media`); a paragraph of its
            // own where it stands among blocks.
            let block = dom
                .parent(id)
                .is_some_and(|p| p == root || media::holds_blocks(dom.tag(p)));
            let href = dom.attr(id, "href").unwrap_or("");
            let label = dom.attr(id, "data-label").unwrap_or("");
            out.push_str(if block { "<p><a href=\"" } else { "<a href=\"" });
            escape_into(&mut out, href, Escape::Attribute);
            out.push_str("\" title=\"");
            escape_into(&mut out, label, Escape::Attribute);
            out.push_str("\">");
            if let Some(picture) = dom.attr(id, "data-picture") {
                out.push_str("<img src=\"");
                escape_into(&mut out, picture, Escape::Attribute);
                out.push_str("\" alt=\"\">");
            }
            out.push_str(if block { "</a></p>" } else { "</a>" });
            continue;
        }
        let write_tag = depth < MAX_DEPTH || VOID.contains(&tag);
        if closing {
            if write_tag && !VOID.contains(&tag) {
                out.push_str("</");
                out.push_str(tag);
                out.push('>');
            }
            continue;
        }
        if write_tag {
            out.push('<');
            out.push_str(tag);
            for (k, v) in &node.attrs {
                if kept_attr(tag, k) {
                    out.push(' ');
                    out.push_str(k);
                    out.push_str("=\"");
                    escape_into(&mut out, v, Escape::Attribute);
                    out.push('"');
                }
            }
            out.push('>');
            if VOID.contains(&tag) {
                continue;
            }
        }
        stack.push((id, true, depth));
        for &c in node.children.iter().rev() {
            stack.push((c, false, depth + 1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_at_blocks_not_inline() {
        let dom = Dom::parse_document(
            "<div><h1>Title</h1><p>One <b>bold</b> word.</p>ipsum<br>dolor<ul><li>a</li><li>b</li></ul><pre>x\n  y</pre></div>",
        );
        let div = dom.first("div").unwrap();
        assert_eq!(
            to_text(&dom, div),
            "Title\n\nOne bold word.\n\nipsum\ndolor\n\na\nb\n\nx\n  y"
        );
    }

    #[test]
    fn text_leaves_out_what_the_html_drops() {
        let dom = Dom::parse_document(
            "<div><p>When <math><mi>a</mi><mo>≠</mo><mn>0</mn></math>, there are two.</p><form><p>Sign up now</p></form><p>End.</p></div>",
        );
        let div = dom.first("div").unwrap();
        assert_eq!(to_text(&dom, div), "When , there are two.\n\nEnd.");
    }

    #[test]
    fn soft_hyphens_leave_the_text_and_stay_in_the_html() {
        let dom =
            Dom::parse_document("<div><p>La r&eacute;ac&shy;tion en cha&shy;&icirc;ne.</p></div>");
        let div = dom.first("div").unwrap();
        assert_eq!(to_text(&dom, div), "La r\u{e9}action en cha\u{ee}ne.");
        assert!(to_html(&dom, div).contains('\u{ad}') || to_html(&dom, div).contains("&shy;"));
    }

    #[test]
    fn html_keeps_only_story_attributes() {
        let dom = Dom::parse_document(
            r#"<div><a href="/x" onclick="y()" class="c">l&amp;</a><img src="i.png" style="s"></div>"#,
        );
        let div = dom.first("div").unwrap();
        assert_eq!(
            to_html(&dom, div),
            r#"<div><a href="/x">l&amp;</a><img src="i.png"></div>"#
        );
    }
}
