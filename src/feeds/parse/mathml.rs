//! MathML in feed HTML, written as the plain HTML the sanitizer keeps.
//!
//! The sanitizer's allowlist has no MathML (it drops `<math>` with its content, as it drops
//! `<svg>`): its elements and attributes are a second markup language to vet (`maction` links,
//! `annotation-xml` holding HTML). So before sanitizing, every `<math>` becomes a `<span>` of
//! text and `<sup>`/`<sub>`: `<msup><mi>c</mi><mn>2</mn></msup>` reads `c<sup>2</sup>`, a
//! fraction `a/b`, a root `√x`; annotations (a TeX copy) are left out; an empty rendering falls
//! back on the `alttext` attribute. What comes out is text and two tags, escaped here, so
//! nothing in the MathML can reach the page as markup.

use std::borrow::Cow;

use super::entities;
use crate::text::{escape_into, Escape};

/// Most `<math>` elements converted in one value (the rest are dropped by the sanitizer).
const MAX_FORMULAS: usize = 256;
/// Deepest nesting read inside one formula.
const MAX_DEPTH: usize = 64;

/// A parsed MathML node.
enum Node {
    Element { name: String, children: Vec<Node> },
    Text(String),
}

/// `html` with each `<math>…</math>` (any prefix) replaced by its HTML rendering.
pub(crate) fn math_to_html(html: &str) -> Cow<'_, str> {
    if !html
        .as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"math"))
    {
        return Cow::Borrowed(html);
    }
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    let mut done = 0;
    let mut from = 0;
    while let Some(start) = lower[from..].find('<').map(|p| p + from) {
        from = start + 1;
        let name_end = lower[start + 1..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .map_or(lower.len(), |p| p + start + 1);
        if local(&lower[start + 1..name_end]) != "math" || done >= MAX_FORMULAS {
            continue;
        }
        let Some(open_end) = lower[start..].find('>').map(|p| p + start + 1) else {
            break;
        };
        let close_tag = format!("</{}", &lower[start + 1..name_end]);
        let end = lower[open_end..]
            .find(&close_tag)
            .map_or(html.len(), |p| p + open_end);
        let close_end = lower[end..].find('>').map_or(html.len(), |p| p + end + 1);
        let alttext = attr(&html[start..open_end], "alttext");
        let self_closed = html[start..open_end].trim_end_matches('>').ends_with('/');
        let inner = if self_closed {
            ""
        } else {
            &html[open_end..end]
        };
        let mut rendered = String::new();
        render_all(&parse(inner), &mut rendered);
        let rendered = rendered.trim();
        out.push_str(&html[at..start]);
        out.push_str("<span>");
        if rendered.is_empty() {
            escape_into(&mut out, alttext.as_deref().unwrap_or(""), Escape::Text);
        } else {
            out.push_str(rendered);
        }
        out.push_str("</span>");
        at = if self_closed { open_end } else { close_end };
        from = at;
        done += 1;
    }
    if done == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[at..]);
    Cow::Owned(out)
}

/// The value of an attribute in a start tag, entities decoded.
fn attr(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(p) = lower[from..].find(name).map(|p| p + from) {
        from = p + name.len();
        let before = lower
            .as_bytes()
            .get(p.wrapping_sub(1))
            .copied()
            .unwrap_or(b' ');
        if !before.is_ascii_whitespace() {
            continue;
        }
        let rest = tag[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
        let value = match quote {
            Some(q) => rest[1..].split(q).next().unwrap_or(""),
            None => rest
                .split(|c: char| c.is_whitespace() || c == '>')
                .next()
                .unwrap_or(""),
        };
        return Some(entities::decode(value).into_owned());
    }
    None
}

/// Parses MathML markup (tags and text; prefixes, attributes and comments dropped).
fn parse(src: &str) -> Vec<Node> {
    let mut stack: Vec<(String, Vec<Node>)> = vec![(String::new(), Vec::new())];
    let mut i = 0;
    let b = src.as_bytes();
    while i < b.len() {
        let Some(lt) = src[i..].find('<').map(|p| p + i) else {
            push_text(&mut stack, &src[i..]);
            break;
        };
        push_text(&mut stack, &src[i..lt]);
        if src[lt..].starts_with("<!--") {
            i = src[lt..].find("-->").map_or(b.len(), |p| lt + p + 3);
            continue;
        }
        let Some(gt) = src[lt..].find('>').map(|p| p + lt) else {
            break;
        };
        let tag = &src[lt + 1..gt];
        i = gt + 1;
        if let Some(name) = tag.strip_prefix('/') {
            let name = local(name);
            if let Some(pos) = stack.iter().rposition(|(n, _)| *n == name) {
                while stack.len() > pos.max(1) {
                    close(&mut stack);
                }
            }
            continue;
        }
        if tag.starts_with(['!', '?']) {
            continue;
        }
        let name = local(
            tag.split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or(""),
        );
        if name.is_empty() {
            continue;
        }
        if tag.ends_with('/') || stack.len() > MAX_DEPTH {
            if let Some((_, kids)) = stack.last_mut() {
                kids.push(Node::Element {
                    name,
                    children: Vec::new(),
                });
            }
        } else {
            stack.push((name, Vec::new()));
        }
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack.pop().map(|(_, kids)| kids).unwrap_or_default()
}

fn local(name: &str) -> String {
    name.trim()
        .rsplit(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn push_text(stack: &mut [(String, Vec<Node>)], text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some((_, kids)) = stack.last_mut() {
        kids.push(Node::Text(entities::decode(text).into_owned()));
    }
}

fn close(stack: &mut Vec<(String, Vec<Node>)>) {
    if let Some((name, children)) = stack.pop() {
        if let Some((_, kids)) = stack.last_mut() {
            kids.push(Node::Element { name, children });
        }
    }
}

fn render_all(nodes: &[Node], out: &mut String) {
    for n in nodes {
        render(n, out);
    }
}

/// The element children of a node (its arguments: base and exponent, numerator and
/// denominator).
fn args(children: &[Node]) -> Vec<&Node> {
    children
        .iter()
        .filter(|c| matches!(c, Node::Element { .. }))
        .collect()
}

fn render(node: &Node, out: &mut String) {
    let (name, children) = match node {
        Node::Text(t) => {
            escape_into(out, t.trim(), Escape::Text);
            return;
        }
        Node::Element { name, children } => (name.as_str(), children),
    };
    let arg = |k: usize, out: &mut String| {
        if let Some(a) = args(children).get(k) {
            render(a, out);
        }
    };
    match name {
        "annotation" | "annotation-xml" | "mphantom" | "none" | "mprescripts" => {}
        "mo" => {
            let mut op = String::new();
            render_all(children, &mut op);
            let spaced = matches!(
                op.as_str(),
                "=" | "+"
                    | "−"
                    | "-"
                    | "×"
                    | "÷"
                    | "&lt;"
                    | "&gt;"
                    | "≤"
                    | "≥"
                    | "±"
                    | "→"
                    | "≠"
                    | "≈"
                    | "∈"
                    | "⇒"
            );
            if spaced {
                out.push(' ');
                out.push_str(&op);
                out.push(' ');
            } else {
                out.push_str(&op);
            }
        }
        "msup" => {
            arg(0, out);
            out.push_str("<sup>");
            arg(1, out);
            out.push_str("</sup>");
        }
        "msub" => {
            arg(0, out);
            out.push_str("<sub>");
            arg(1, out);
            out.push_str("</sub>");
        }
        "msubsup" => {
            arg(0, out);
            out.push_str("<sub>");
            arg(1, out);
            out.push_str("</sub><sup>");
            arg(2, out);
            out.push_str("</sup>");
        }
        "mfrac" => {
            arg(0, out);
            out.push('/');
            arg(1, out);
        }
        "msqrt" => {
            out.push_str("√(");
            render_all(children, out);
            out.push(')');
        }
        "mroot" => {
            arg(1, out);
            out.push_str("√(");
            arg(0, out);
            out.push(')');
        }
        // An action shows its first child.
        "maction" => arg(0, out),
        _ => render_all(children, out),
    }
}

#[cfg(test)]
mod tests {
    use super::math_to_html;

    #[test]
    fn formulas_become_text_with_sup_and_sub() {
        assert_eq!(
            math_to_html(
                "E: <math><mi>E</mi><mo>=</mo><mi>m</mi><msup><mi>c</mi><mn>2</mn></msup></math>."
            ),
            "E: <span>E = mc<sup>2</sup></span>."
        );
        assert_eq!(
            math_to_html(
                r#"<m:math alttext="x"><m:msub><m:mi>x</m:mi><m:mn>1</m:mn></m:msub></m:math>"#
            ),
            "<span>x<sub>1</sub></span>"
        );
        // TeX annotations are left out; an empty formula falls back on its alttext.
        assert_eq!(
            math_to_html("<math><semantics><mi>y</mi><annotation encoding=\"application/x-tex\">y</annotation></semantics></math>"),
            "<span>y</span>"
        );
        assert_eq!(
            math_to_html(r#"<math alttext="a &lt; b"></math>"#),
            "<span>a &lt; b</span>"
        );
        // Markup inside a token is text, escaped.
        assert_eq!(
            math_to_html("<math><mtext>&lt;script&gt;</mtext><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(1)\"><mi>z</mi></maction></math>"),
            "<span>&lt;script&gt;z</span>"
        );
        assert_eq!(
            math_to_html("no maths here, <mathematics>"),
            "no maths here, <mathematics>"
        );
    }
}
