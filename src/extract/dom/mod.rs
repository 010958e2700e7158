//! A small arena DOM the extractor can edit freely.
//!
//! The page is parsed by html5ever straight into this arena (`build`): plain indices
//! instead of reference-counted nodes, so the scoring passes can keep per-node side tables in
//! `Vec`s and every walk is iterative (a page nested 10,000 levels deep never recurses). Comments,
//! doctypes and processing instructions are dropped on the way in.

use std::borrow::Cow;

mod build;

/// "No node" in a parent link.
pub(crate) const NONE: usize = usize::MAX;

/// Elements nested deeper than this are flattened into their ancestor at this depth, which
/// bounds the cost of every later walk on hostile pages.
pub(crate) const MAX_NESTING: usize = 200;

#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// Lower-case tag name; empty for a text node, `#document` for the root. Common tags are
    /// borrowed from [`intern`], so most nodes allocate nothing for their name.
    pub tag: Cow<'static, str>,
    pub attrs: Vec<(String, String)>,
    /// The text of a text node; never changed once pushed, so its measure is kept with it.
    text: String,
    /// [`measure_text`] of `text`: every measure of a subtree adds these up.
    text_measure: (usize, usize),
    pub parent: usize,
    pub children: Vec<usize>,
}

impl Node {
    pub fn is_text(&self) -> bool {
        self.tag.is_empty()
    }

    pub fn is_element(&self) -> bool {
        !self.tag.is_empty() && self.tag != "#document"
    }

    /// The text of a text node (empty for an element).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether this is a text node holding more than whitespace.
    pub fn has_text(&self) -> bool {
        self.is_text() && self.text_measure.0 > 0
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Dom {
    pub nodes: Vec<Node>,
}

impl Dom {
    /// The subtree of `id` as `tag[attr=value](children)`, text as `"text"`, checking every
    /// parent link on the way: what tests compare trees by.
    #[cfg(test)]
    pub fn outline(&self, id: usize) -> String {
        let n = &self.nodes[id];
        if n.is_text() {
            return format!("{:?}", n.text());
        }
        let attrs: String = n.attrs.iter().map(|(k, v)| format!("[{k}={v}]")).collect();
        let kids: Vec<String> = n
            .children
            .iter()
            .map(|&c| {
                assert_eq!(self.nodes[c].parent, id, "node {c}'s parent link");
                self.outline(c)
            })
            .collect();
        format!("{}{attrs}({})", n.tag, kids.join(" "))
    }

    /// Parses a whole page (node 0 is the document).
    pub fn parse_document(html: &str) -> Dom {
        build::document(html)
    }

    fn push(&mut self, tag: &str, attrs: Vec<(String, String)>, text: String) -> usize {
        self.nodes.push(Node {
            tag: intern(tag),
            attrs,
            text_measure: measure_text(&text),
            text,
            parent: NONE,
            children: Vec::new(),
        });
        self.nodes.len() - 1
    }

    /// A new detached element.
    pub fn create(&mut self, tag: &str) -> usize {
        self.push(tag, Vec::new(), String::new())
    }

    pub fn tag(&self, id: usize) -> &str {
        &self.nodes[id].tag
    }

    pub fn is_tag(&self, id: usize, tags: &[&str]) -> bool {
        let t = self.tag(id);
        tags.contains(&t)
    }

    pub fn parent(&self, id: usize) -> Option<usize> {
        let p = self.nodes[id].parent;
        (p != NONE).then_some(p)
    }

    pub fn attr(&self, id: usize, name: &str) -> Option<&str> {
        self.nodes[id]
            .attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn set_attr(&mut self, id: usize, name: &str, value: &str) {
        let attrs = &mut self.nodes[id].attrs;
        match attrs.iter_mut().find(|(k, _)| k == name) {
            Some(slot) => slot.1 = value.to_string(),
            None => attrs.push((name.to_string(), value.to_string())),
        }
    }

    /// `class` and `id` in lower case, space separated (the string class/id hints look at).
    pub fn match_string(&self, id: usize) -> String {
        let mut s = String::new();
        if let Some(c) = self.attr(id, "class") {
            s.push_str(c);
        }
        s.push(' ');
        if let Some(i) = self.attr(id, "id") {
            s.push_str(i);
        }
        s.to_ascii_lowercase()
    }

    /// Element children only.
    pub fn element_children(&self, id: usize) -> Vec<usize> {
        self.nodes[id]
            .children
            .iter()
            .copied()
            .filter(|&c| self.nodes[c].is_element())
            .collect()
    }

    /// Unlinks a node from its parent (it and its subtree stay in the arena, unreachable).
    pub fn detach(&mut self, id: usize) {
        let parent = self.nodes[id].parent;
        if parent != NONE {
            self.nodes[parent].children.retain(|&c| c != id);
            self.nodes[id].parent = NONE;
        }
    }

    /// Moves every child of `from` to the end of `to`'s, in one step (appending them one by
    /// one searches `from`'s list each time: quadratic on a page of 100,000 siblings).
    pub fn move_children(&mut self, from: usize, to: usize) {
        let kids = std::mem::take(&mut self.nodes[from].children);
        for &k in &kids {
            self.nodes[k].parent = to;
        }
        self.nodes[to].children.extend(kids);
    }

    pub fn append(&mut self, parent: usize, child: usize) {
        self.detach(child);
        self.nodes[child].parent = parent;
        self.nodes[parent].children.push(child);
    }

    /// Puts `new` where `old` is; `old` ends up detached.
    pub fn replace(&mut self, old: usize, new: usize) {
        self.detach(new);
        let parent = self.nodes[old].parent;
        if parent == NONE {
            return;
        }
        if let Some(slot) = self.nodes[parent].children.iter_mut().find(|c| **c == old) {
            *slot = new;
        }
        self.nodes[new].parent = parent;
        self.nodes[old].parent = NONE;
    }

    /// The subtree of `id` in document order, `id` first: a list, so the tree may change
    /// while it is gone through ([`Dom::walk`] reads it as it goes).
    pub fn descendants(&self, id: usize) -> Vec<usize> {
        self.walk(id).collect()
    }

    /// The subtree of `id` in document order, `id` first, read as it is gone through.
    pub fn walk(&self, id: usize) -> impl Iterator<Item = usize> + '_ {
        let mut stack = vec![id];
        std::iter::from_fn(move || {
            let n = stack.pop()?;
            stack.extend(self.nodes[n].children.iter().rev().copied());
            Some(n)
        })
    }

    /// Whether any node strictly under `id` satisfies `pred` (stops at the first).
    pub fn any_descendant(&self, id: usize, mut pred: impl FnMut(usize) -> bool) -> bool {
        let mut stack: Vec<usize> = self.nodes[id].children.clone();
        while let Some(n) = stack.pop() {
            if pred(n) {
                return true;
            }
            stack.extend(self.nodes[n].children.iter().copied());
        }
        false
    }

    /// Elements with one of `tags` under `id` (not `id` itself), in document order.
    pub fn find_all(&self, id: usize, tags: &[&str]) -> Vec<usize> {
        self.walk(id)
            .skip(1)
            .filter(|&n| tags.contains(&self.tag(n)))
            .collect()
    }

    /// The first element with this tag in the document.
    pub fn first(&self, tag: &str) -> Option<usize> {
        self.walk(0).find(|&n| self.tag(n) == tag)
    }

    /// Raw text content (no whitespace handling).
    pub fn text_content(&self, id: usize) -> String {
        let mut out = String::new();
        for n in self.walk(id) {
            if self.nodes[n].is_text() {
                out.push_str(&self.nodes[n].text);
            }
        }
        out
    }

    /// Text content, trimmed, whitespace runs collapsed to one space.
    pub fn inner_text(&self, id: usize) -> String {
        collapse_ws(&self.text_content(id))
    }

    /// Whether `id` is still reachable from the document root.
    pub fn attached(&self, id: usize) -> bool {
        let mut n = id;
        let mut steps = 0usize;
        while n != 0 {
            n = self.nodes[n].parent;
            steps += 1;
            if n == NONE || steps > self.nodes.len() {
                return false;
            }
        }
        true
    }

    /// Ancestors of `id`, nearest first, at most `max` (0 = all), excluding the document.
    pub fn ancestors(&self, id: usize, max: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut n = self.nodes[id].parent;
        while n != NONE && n != 0 {
            out.push(n);
            if max > 0 && out.len() >= max {
                break;
            }
            n = self.nodes[n].parent;
        }
        out
    }

    pub fn has_ancestor_tag(&self, id: usize, tag: &str) -> bool {
        self.ancestors(id, 0).iter().any(|&a| self.tag(a) == tag)
    }

    /// A new document (node 0) with nothing in it.
    pub fn empty() -> Dom {
        let mut dom = Dom { nodes: Vec::new() };
        dom.create("#document");
        dom
    }

    /// Copies the subtree of `from` into `to`, under `parent` (detached when `None`); returns
    /// the copy's id there.
    pub fn copy_into(&self, from: usize, to: &mut Dom, parent: Option<usize>) -> usize {
        let copy = |n: &Node, to: &mut Dom| to.push(&n.tag, n.attrs.clone(), n.text.clone());
        let top = copy(&self.nodes[from], to);
        if let Some(p) = parent {
            to.append(p, top);
        }
        let mut stack = vec![(from, top)];
        while let Some((f, t)) = stack.pop() {
            for &c in &self.nodes[f].children {
                let id = copy(&self.nodes[c], to);
                to.append(t, id);
                stack.push((c, id));
            }
        }
        top
    }

    /// Whether a text node holds only whitespace.
    pub fn is_whitespace(&self, id: usize) -> bool {
        let n = &self.nodes[id];
        (n.is_text() && !n.has_text()) || n.tag == "br"
    }
}

/// The tag name, borrowed when it is a common one.
pub(crate) fn intern(tag: &str) -> Cow<'static, str> {
    const TAGS: &[&str] = &[
        "",
        "#document",
        "a",
        "abbr",
        "address",
        "article",
        "aside",
        "audio",
        "b",
        "bdi",
        "bdo",
        "blockquote",
        "body",
        "br",
        "button",
        "canvas",
        "caption",
        "center",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "embed",
        "fieldset",
        "figcaption",
        "figure",
        "font",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "i",
        "iframe",
        "img",
        "input",
        "ins",
        "kbd",
        "label",
        "li",
        "link",
        "main",
        "mark",
        "meta",
        "nav",
        "noscript",
        "object",
        "ol",
        "option",
        "p",
        "picture",
        "pre",
        "q",
        "s",
        "samp",
        "script",
        "section",
        "select",
        "small",
        "source",
        "span",
        "strong",
        "style",
        "sub",
        "summary",
        "sup",
        "svg",
        "table",
        "tbody",
        "td",
        "template",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "time",
        "title",
        "tr",
        "u",
        "ul",
        "var",
        "video",
        "wbr",
        "path",
        "g",
        "use",
    ];
    // The first byte first: most names differ there, and comparing it is cheaper than a call.
    match TAGS
        .iter()
        .find(|t| t.as_bytes().first() == tag.as_bytes().first() && **t == tag)
    {
        Some(t) => Cow::Borrowed(t),
        None => Cow::Owned(tag.to_string()),
    }
}

/// Trims and collapses whitespace runs to one space.
pub(crate) use crate::text::collapse_whitespace as collapse_ws;

/// A text node's length in characters with whitespace collapsed (what
/// `collapse_ws(s).chars().count()` gives, without allocating) and its commas, in one pass. Both
/// are read for every text node each time a subtree is measured, so ASCII text (most of it)
/// is read byte by byte.
fn measure_text(s: &str) -> (usize, usize) {
    let (mut len, mut commas) = (0usize, 0usize);
    let mut in_ws = true;
    let mut pending = false;
    let mut step = |is_ws: bool, is_comma: bool| {
        if is_ws {
            if !in_ws {
                pending = true;
            }
            in_ws = true;
        } else {
            if pending {
                len += 1;
                pending = false;
            }
            len += 1;
            in_ws = false;
            commas += usize::from(is_comma);
        }
    };
    if s.is_ascii() {
        for b in s.bytes() {
            // The ASCII characters `char::is_whitespace` accepts.
            step(
                matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' '),
                b == b',',
            );
        }
    } else {
        for c in s.chars() {
            step(c.is_whitespace(), is_comma(c));
        }
    }
    (len, commas)
}

/// Per-node counts for one subtree, computed in one pass.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Stats {
    /// Characters of text, whitespace collapsed per text node.
    pub text: usize,
    /// Of which inside links (`#` links weigh 0.3).
    pub link_text: f64,
    pub commas: usize,
}

/// Counts text, link text and commas for every node under `root`.
pub(crate) fn compute_stats(dom: &Dom, root: usize) -> Vec<Stats> {
    let mut stats = vec![Stats::default(); dom.nodes.len()];
    let order = dom.descendants(root);
    for &n in order.iter().rev() {
        let node = &dom.nodes[n];
        if node.is_text() {
            (stats[n].text, stats[n].commas) = node.text_measure;
            continue;
        }
        let mut s = Stats::default();
        for &c in &node.children {
            s.text += stats[c].text;
            s.link_text += stats[c].link_text;
            s.commas += stats[c].commas;
        }
        if node.tag == "a" {
            let weight = match dom.attr(n, "href") {
                Some(h) if h.trim_start().starts_with('#') => 0.3,
                _ => 1.0,
            };
            s.link_text = s.text as f64 * weight;
        }
        stats[n] = s;
    }
    stats
}

impl Dom {
    /// Whether the subtree's text (as [`Dom::subtree_stats`] counts it) is longer than `limit`;
    /// the walk stops as soon as it is, so asking it of a huge block costs little.
    pub fn text_longer_than(&self, root: usize, limit: usize) -> bool {
        let mut text = self.nodes[root].text_measure.0;
        // One iterator per open level, so that no level's children are listed before use.
        let mut stack = vec![self.nodes[root].children.iter()];
        while let Some(level) = stack.last_mut() {
            if text > limit {
                return true;
            }
            match level.next() {
                Some(&c) => {
                    text += self.nodes[c].text_measure.0;
                    stack.push(self.nodes[c].children.iter());
                }
                None => {
                    stack.pop();
                }
            }
        }
        text > limit
    }

    /// [`Stats`] of one subtree, without a table for the whole arena.
    pub fn subtree_stats(&self, root: usize) -> Stats {
        let mut s = Stats::default();
        // (node, link weight of the enclosing link)
        let mut stack = vec![(root, 0.0f64)];
        while let Some((n, weight)) = stack.pop() {
            let node = &self.nodes[n];
            if node.is_text() {
                let (len, commas) = node.text_measure;
                s.text += len;
                s.link_text += len as f64 * weight;
                s.commas += commas;
                continue;
            }
            let weight = if node.tag == "a" {
                match self.attr(n, "href") {
                    Some(h) if h.trim_start().starts_with('#') => 0.3,
                    _ => 1.0,
                }
            } else {
                weight
            };
            stack.extend(node.children.iter().map(|&c| (c, weight)));
        }
        s
    }
}

fn is_comma(c: char) -> bool {
    matches!(c, ',' | '،' | '﹐' | '︐' | '︑' | '⹁' | '⸴' | '⸲' | '，')
}

impl Stats {
    pub fn link_density(&self) -> f64 {
        if self.text == 0 {
            0.0
        } else {
            self.link_text / self.text as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measured_text_matches_collapse_and_counts_commas() {
        for s in [
            "",
            "  a  b ",
            "abc",
            "\n\t x\ny  ",
            "é  ü",
            "a\u{0B}b\u{0C}c\r",
            "x\u{A0}\u{3000} y",
            "a, b,c ,",
            "一，二、三",
        ] {
            let commas = s.chars().filter(|&c| is_comma(c)).count();
            let collapsed = collapse_ws(s).chars().count();
            assert_eq!(measure_text(s), (collapsed, commas), "{s:?}");
        }
    }

    #[test]
    fn arena_keeps_order_and_edits() {
        let mut dom = Dom::parse_document("<p>a<b>b</b>c</p><div>d</div>");
        let p = dom.first("p").unwrap();
        assert_eq!(dom.inner_text(p), "abc");
        let b = dom.first("b").unwrap();
        dom.detach(b);
        assert_eq!(dom.nodes[p].children.len(), 2);
        assert_eq!(dom.inner_text(p), "ac");
        let div = dom.first("div").unwrap();
        dom.detach(div);
        assert!(!dom.attached(div));
        assert!(dom.attached(p));
    }

    #[test]
    fn text_longer_than_agrees_with_the_subtree_stats() {
        let dom = Dom::parse_document(
            "<div><p>One, two <b>three <i>four</i></b> five.</p><ul><li>six</li><li></li></ul>\
             <span>  seven  </span></div>",
        );
        for n in 0..dom.nodes.len() {
            let text = dom.subtree_stats(n).text;
            for limit in [0, text.saturating_sub(1), text, text + 1] {
                assert_eq!(
                    dom.text_longer_than(n, limit),
                    text > limit,
                    "node {n}, {limit}"
                );
            }
        }
    }

    #[test]
    fn children_move_in_order_with_their_parent_links() {
        let mut dom =
            Dom::parse_document("<div><p>a</p>b<i>c</i></div><section><h2>d</h2></section>");
        let (div, section) = (dom.first("div").unwrap(), dom.first("section").unwrap());
        let moved = dom.nodes[div].children.clone();
        dom.move_children(div, section);
        assert!(dom.nodes[div].children.is_empty());
        assert_eq!(dom.nodes[section].children[1..], moved[..]);
        assert!(moved.iter().all(|&k| dom.parent(k) == Some(section)));
        assert_eq!(dom.text_content(section), "dabc");
    }
}
