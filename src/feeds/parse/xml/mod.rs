//! A tolerant XML reader for feeds: decoded text in, a small element tree out.
//!
//! It reads well-formed XML exactly, and keeps going where real feeds break the rules: HTML
//! entities XML does not declare, bare `&` and `<`, unquoted attributes, end tags that do not
//! match (closed the way an HTML parser would), a document cut off mid-way (everything still
//! open is closed). Each recovery is written down in [`Doc::problems`]. Nesting deeper than
//! [`MAX_DEPTH`] is flattened, so nothing later recurses without bound.
//!
//! By concern: `read` tokenizes and builds the tree (and reads a DOCTYPE's entities), `recover`
//! holds the rules for closing what feeds leave open, `ns` maps namespace URIs and prefixes,
//! `write` serializes inline markup back to HTML. This file is the tree and its queries.

mod ns;
mod read;
mod recover;
mod write;

use std::borrow::Cow;

pub(crate) use ns::Ns;
pub(crate) use read::parse;

/// Deepest element nesting kept; deeper start tags are read as if they were not there.
pub(crate) const MAX_DEPTH: usize = 200;

#[derive(Debug)]
pub(crate) struct Attr<'a> {
    /// The qualified name as written (`xml:base`, `href`).
    pub name: &'a str,
    pub value: Cow<'a, str>,
}

/// No node (end of a sibling chain, no child).
const NONE: u32 = u32::MAX;

#[derive(Debug)]
pub(crate) struct Element<'a> {
    /// The qualified name as written.
    pub qname: &'a str,
    /// Byte offset of the local part in `qname`.
    local_at: usize,
    pub ns: Ns,
    pub attrs: Vec<Attr<'a>>,
    first_child: u32,
    last_child: u32,
}

impl<'a> Element<'a> {
    pub(crate) fn local(&self) -> &'a str {
        &self.qname[self.local_at..]
    }

    /// Whether the name has no prefix (it is in the default namespace).
    pub(crate) fn unprefixed(&self) -> bool {
        self.local_at == 0
    }

    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_ref())
    }

    /// An attribute by name in any case (CDF writes `HREF`, `LASTMOD`).
    pub(crate) fn attr_ci(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .map(|a| a.value.as_ref())
    }

    /// An attribute by local name, whatever its prefix (`rdf:about`, `about`).
    pub(crate) fn attr_local(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == local || a.name.rsplit(':').next() == Some(local))
            .map(|a| a.value.as_ref())
    }
}

#[derive(Debug)]
pub(crate) enum Kind<'a> {
    Element(Element<'a>),
    Text(Cow<'a, str>),
}

#[derive(Debug)]
pub(crate) struct Node<'a> {
    pub kind: Kind<'a>,
    next_sibling: u32,
}

/// A parsed document: node 0 is the document itself (an element with an empty name). Names
/// and text borrow from the source wherever no reference had to be decoded.
#[derive(Debug)]
pub(crate) struct Doc<'a> {
    pub nodes: Vec<Node<'a>>,
    pub problems: Vec<String>,
}

/// The children of one node, in order.
pub(crate) struct Children<'d, 'a> {
    doc: &'d Doc<'a>,
    next: u32,
}

impl Iterator for Children<'_, '_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let id = self.next as usize;
        let node = self.doc.nodes.get(id)?;
        self.next = node.next_sibling;
        Some(id)
    }
}

impl<'a> Doc<'a> {
    pub(crate) fn element(&self, id: usize) -> Option<&Element<'a>> {
        match self.nodes.get(id) {
            Some(Node {
                kind: Kind::Element(e),
                ..
            }) => Some(e),
            _ => None,
        }
    }

    fn text_node(&self, id: usize) -> Option<&str> {
        match self.nodes.get(id) {
            Some(Node {
                kind: Kind::Text(t),
                ..
            }) => Some(t),
            _ => None,
        }
    }

    /// All children (text and elements) of `id`.
    pub(crate) fn children(&self, id: usize) -> Children<'_, 'a> {
        Children {
            doc: self,
            next: self.element(id).map_or(NONE, |e| e.first_child),
        }
    }

    /// The first element child of the document node.
    pub(crate) fn root(&self) -> Option<usize> {
        self.children(0).find(|&c| self.element(c).is_some())
    }

    /// Element children of `id`.
    pub(crate) fn child_elements(&self, id: usize) -> impl Iterator<Item = (usize, &Element<'a>)> {
        self.children(id)
            .filter_map(move |c| self.element(c).map(|e| (c, e)))
    }

    /// Every element below `id` (document order) whose local name is `local`; inside a match
    /// only its direct children of the same name are looked at (items nested in an unclosed
    /// item are still items).
    pub(crate) fn descendants_named(&self, id: usize, local: &str, out: &mut Vec<usize>) {
        let mut stack: Vec<usize> = Vec::new();
        let push_children = |n: usize, stack: &mut Vec<usize>, only_same: bool| {
            let start = stack.len();
            for c in self.children(n) {
                if let Some(e) = self.element(c) {
                    if !only_same || e.local().eq_ignore_ascii_case(local) {
                        stack.push(c);
                    }
                }
            }
            stack[start..].reverse();
        };
        push_children(id, &mut stack, false);
        while let Some(n) = stack.pop() {
            if let Some(e) = self.element(n) {
                if e.local().eq_ignore_ascii_case(local) {
                    out.push(n);
                    push_children(n, &mut stack, true);
                } else {
                    push_children(n, &mut stack, false);
                }
            }
        }
    }

    /// The text of `id` and everything below it, concatenated.
    pub(crate) fn text(&self, id: usize) -> Cow<'_, str> {
        if let Some(t) = self.text_node(id) {
            return Cow::Borrowed(t);
        }
        let mut kids = self.children(id);
        match (kids.next(), kids.next()) {
            (None, _) => Cow::Borrowed(""),
            (Some(only), None) if self.text_node(only).is_some() => {
                Cow::Borrowed(self.text_node(only).unwrap_or(""))
            }
            _ => {
                let mut out = String::new();
                self.push_text(id, &mut out, 0);
                Cow::Owned(out)
            }
        }
    }

    fn push_text(&self, id: usize, out: &mut String, depth: usize) {
        if let Some(t) = self.text_node(id) {
            out.push_str(t);
        } else if depth <= MAX_DEPTH {
            for c in self.children(id) {
                self.push_text(c, out, depth + 1);
            }
        }
    }

    /// Whether `id` has element children (inline markup rather than text).
    pub(crate) fn has_child_elements(&self, id: usize) -> bool {
        self.child_elements(id).next().is_some()
    }
}
