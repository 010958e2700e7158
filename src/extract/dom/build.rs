//! Parsing a page straight into the arena. html5ever's tree builder drives [`Sink`], which grows
//! a plain vector of nodes; one walk then lays them out in document order, drops comments,
//! doctypes and processing instructions, and flattens what is nested too deep. There is no
//! second tree to copy from: that copy cost a sixth of the peak memory on the largest dev page.

use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{local_name, ns, Attribute, QualName};

use super::{Dom, MAX_NESTING, NONE};

/// Parses a whole document.
pub(super) fn document(html: &str) -> Dom {
    html5ever::parse_document(Sink::new(), Default::default()).one(html)
}

enum Kind {
    /// The document, or a template's contents.
    Document,
    Element {
        name: QualName,
        /// Local names, lower-cased, in the order of their qualified names.
        attrs: Vec<(String, String)>,
    },
    Text(String),
    /// A comment or processing instruction: the tree builder needs a handle, the arena
    /// keeps nothing.
    Dropped,
}

struct Raw {
    kind: Kind,
    parent: usize,
    children: Vec<usize>,
}

struct Sink {
    nodes: RefCell<Vec<Raw>>,
}

impl Sink {
    fn new() -> Sink {
        Sink {
            nodes: RefCell::new(vec![Raw {
                kind: Kind::Document,
                parent: NONE,
                children: Vec::new(),
            }]),
        }
    }

    fn push(nodes: &mut Vec<Raw>, kind: Kind) -> usize {
        nodes.push(Raw {
            kind,
            parent: NONE,
            children: Vec::new(),
        });
        nodes.len() - 1
    }

    fn detach(nodes: &mut [Raw], id: usize) {
        let parent = std::mem::replace(&mut nodes[id].parent, NONE);
        if parent != NONE {
            // From the end: the tree builder moves what it has just built.
            let kids = &mut nodes[parent].children;
            if let Some(at) = kids.iter().rposition(|&c| c == id) {
                kids.remove(at);
            }
        }
    }

    /// Inserts `child` into `parent` at `at` (the end when `None`); text next to text joins it,
    /// as the tree builder expects.
    fn insert(nodes: &mut Vec<Raw>, parent: usize, at: Option<usize>, child: NodeOrText<usize>) {
        let id = match child {
            NodeOrText::AppendNode(id) => {
                Self::detach(nodes, id);
                id
            }
            NodeOrText::AppendText(text) => {
                let kids = &nodes[parent].children;
                let before = at.unwrap_or(kids.len()).checked_sub(1).map(|p| kids[p]);
                if let Some(Kind::Text(t)) = before.map(|b| &mut nodes[b].kind) {
                    t.push_str(&text);
                    return;
                }
                Self::push(nodes, Kind::Text(String::from(&*text)))
            }
        };
        let pos = at.unwrap_or(nodes[parent].children.len());
        nodes[id].parent = parent;
        nodes[parent].children.insert(pos, id);
    }

    fn lay_out(mut raw: Vec<Raw>) -> Dom {
        let mut dom = Dom {
            nodes: Vec::with_capacity(raw.len()),
        };
        // (raw node, arena parent, depth), in document order.
        let mut stack = vec![(0usize, NONE, 0usize)];
        while let Some((id, parent, depth)) = stack.pop() {
            let children = std::mem::take(&mut raw[id].children);
            let is_element = matches!(raw[id].kind, Kind::Element { .. });
            if depth > MAX_NESTING && is_element {
                // Too deep to be a real page: keep the content, drop the wrapper.
                stack.extend(children.into_iter().rev().map(|c| (c, parent, depth)));
                continue;
            }
            let new = match std::mem::replace(&mut raw[id].kind, Kind::Dropped) {
                Kind::Document => dom.push("#document", Vec::new(), String::new()),
                Kind::Element { name, attrs } => dom.push(&name.local, attrs, String::new()),
                Kind::Text(text) => dom.push("", Vec::new(), text),
                Kind::Dropped => continue,
            };
            if parent != NONE {
                dom.nodes[new].parent = parent;
                dom.nodes[parent].children.push(new);
            }
            stack.extend(children.into_iter().rev().map(|c| (c, new, depth + 1)));
        }
        dom
    }
}

fn attrs(mut list: Vec<Attribute>) -> Vec<(String, String)> {
    list.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    list.into_iter()
        .map(|a| {
            (
                (*a.name.local).to_ascii_lowercase(),
                String::from(&*a.value),
            )
        })
        .collect()
}

impl TreeSink for Sink {
    type Handle = usize;
    type Output = Dom;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Dom {
        Self::lay_out(self.nodes.into_inner())
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn get_document(&self) -> usize {
        0
    }

    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }

    fn elem_name<'a>(&'a self, target: &'a usize) -> Ref<'a, QualName> {
        Ref::map(self.nodes.borrow(), |nodes| match &nodes[*target].kind {
            Kind::Element { name, .. } => name,
            _ => panic!("the tree builder asked for the name of a node that is no element"),
        })
    }

    fn create_element(&self, name: QualName, list: Vec<Attribute>, _: ElementFlags) -> usize {
        let template = name.ns == ns!(html) && name.local == local_name!("template");
        let nodes = &mut *self.nodes.borrow_mut();
        let id = Self::push(
            nodes,
            Kind::Element {
                name,
                attrs: attrs(list),
            },
        );
        if template {
            // A template's contents: its first child, kept as a document of its own.
            let contents = Self::push(nodes, Kind::Document);
            nodes[contents].parent = id;
            nodes[id].children.push(contents);
        }
        id
    }

    fn create_comment(&self, _text: StrTendril) -> usize {
        Self::push(&mut self.nodes.borrow_mut(), Kind::Dropped)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> usize {
        Self::push(&mut self.nodes.borrow_mut(), Kind::Dropped)
    }

    fn append(&self, parent: &usize, child: NodeOrText<usize>) {
        Self::insert(&mut self.nodes.borrow_mut(), *parent, None, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &usize,
        prev_element: &usize,
        child: NodeOrText<usize>,
    ) {
        let has_parent = self.nodes.borrow()[*element].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &usize) -> usize {
        self.nodes.borrow()[*target].children[0]
    }

    fn append_before_sibling(&self, sibling: &usize, new_node: NodeOrText<usize>) {
        let nodes = &mut *self.nodes.borrow_mut();
        if let NodeOrText::AppendNode(id) = new_node {
            Self::detach(nodes, id);
        }
        let parent = nodes[*sibling].parent;
        if parent == NONE {
            return;
        }
        // From the end: the sibling is mostly a table the parser is still inside (foster
        // parenting), the last child so far; a scan from the start made such pages quadratic.
        let at = nodes[parent].children.iter().rposition(|c| c == sibling);
        Self::insert(nodes, parent, at, new_node);
    }

    fn add_attrs_if_missing(&self, target: &usize, list: Vec<Attribute>) {
        let nodes = &mut *self.nodes.borrow_mut();
        let Kind::Element { attrs: have, .. } = &mut nodes[*target].kind else {
            return;
        };
        for (name, value) in attrs(list) {
            if let Err(at) = have.binary_search_by(|(k, _)| k.as_str().cmp(&name)) {
                have.insert(at, (name, value));
            }
        }
    }

    fn remove_from_parent(&self, target: &usize) {
        Self::detach(&mut self.nodes.borrow_mut(), *target);
    }

    fn reparent_children(&self, node: &usize, new_parent: &usize) {
        let nodes = &mut *self.nodes.borrow_mut();
        let children = std::mem::take(&mut nodes[*node].children);
        for &c in &children {
            nodes[c].parent = *new_parent;
        }
        nodes[*new_parent].children.extend(children);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(html: &str) -> String {
        let dom = Dom::parse_document(html);
        // Document order: every node's id is above its parent's and its earlier siblings'.
        for (id, n) in dom.nodes.iter().enumerate() {
            assert!(n.parent == NONE || n.parent < id);
            assert!(n.children.windows(2).all(|w| w[0] < w[1]));
        }
        let body = dom.first("body").expect("a body");
        dom.outline(body)
    }

    #[test]
    fn pages_are_built_as_browsers_build_them() {
        // Comments and processing instructions leave nothing; the text either side stays apart.
        assert_eq!(body("<p>a<!-- c -->b<?pi x?></p>"), r#"body(p("a" "b"))"#);
        // Attribute names lower-cased and in name order; values as written.
        assert_eq!(
            body("<div ID=Main class='x y' Data-X=1>t</div>"),
            r#"body(div[class=x y][data-x=1][id=Main]("t"))"#
        );
        // A second <body> adds only the attributes the first lacks.
        assert_eq!(
            body("<body lang=en><p>1</p><body lang=de dir=rtl><p>2</p>"),
            r#"body[dir=rtl][lang=en](p("1") p("2"))"#
        );
        // Text a table may not hold is put before it (foster parenting), joined to text there.
        assert_eq!(
            body("x<table><tr><td>1</td>y</tr></table>"),
            r#"body("xy" table(tbody(tr(td("1")))))"#
        );
        // Misnested formatting is mended (the adoption agency).
        assert_eq!(body("<b>1<p>2</b>3</p>"), r#"body(b("1") p(b("2") "3"))"#);
        // A template's contents are a document of its own, its first child.
        assert_eq!(
            body("<p>out</p><template><p>in</p></template>"),
            r##"body(p("out") template(#document(p("in"))))"##
        );
        // Foreign elements keep their names; their attributes are lower-cased like the rest.
        assert_eq!(
            body("<svg viewBox='0 0 1 1'><clipPath/></svg>"),
            r#"body(svg[viewbox=0 0 1 1](clipPath()))"#
        );
    }

    #[test]
    fn nesting_past_the_limit_is_flattened_and_keeps_its_text() {
        let depth = MAX_NESTING * 3;
        let html = "<div>".repeat(depth) + "deep<p>end</p>" + &"</div>".repeat(depth);
        let dom = Dom::parse_document(&html);
        let divs = dom.nodes.iter().filter(|n| n.tag == "div").count();
        // html, body and the divs up to the limit.
        assert_eq!(divs, MAX_NESTING - 2);
        assert!(
            dom.nodes.iter().all(|n| n.tag != "p"),
            "elements that deep go"
        );
        assert_eq!(dom.text_content(0), "deepend");
    }
}
