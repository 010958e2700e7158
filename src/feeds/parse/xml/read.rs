//! Reading: the tokenizer and the tree builder, with the recoveries (`super::recover`) and the
//! DOCTYPE's internal entities (bounded), each recovery written down as a problem.

use std::borrow::Cow;

use super::super::entities;
use super::recover::{closes_same, is_html_void, is_leaf_field, is_structure};
use super::{Attr, Doc, Element, Kind, Node, Ns, MAX_DEPTH, NONE};

/// At most this many problems are listed (the first ones say enough).
const MAX_PROBLEMS: usize = 8;

struct Builder<'a> {
    src: &'a str,
    nodes: Vec<Node<'a>>,
    /// Open elements (node ids); `stack[0]` is the document.
    stack: Vec<usize>,
    /// Namespace declarations in scope: (depth, prefix, namespace).
    scopes: Vec<(usize, String, Ns)>,
    custom_entities: Vec<(String, String)>,
    /// Bytes added so far by expanding DOCTYPE entities (bounded: no entity bombs).
    expanded: usize,
    problems: Vec<String>,
}

/// Most bytes DOCTYPE entities may add to a document.
const MAX_EXPANSION: usize = 4 << 20;

/// Reads `src` into a tree. Never fails: what cannot be read is skipped and listed.
pub(crate) fn parse(src: &str) -> Doc<'_> {
    let mut b = Builder {
        src,
        nodes: Vec::with_capacity((src.len() / 24).min(1 << 16) + 8),
        stack: vec![0],
        scopes: Vec::new(),
        custom_entities: Vec::new(),
        expanded: 0,
        problems: Vec::new(),
    };
    b.nodes.push(Node {
        kind: Kind::Element(Element {
            qname: "",
            local_at: 0,
            ns: Ns::None,
            attrs: Vec::new(),
            first_child: NONE,
            last_child: NONE,
        }),
        next_sibling: NONE,
    });
    b.run();
    if b.stack.len() > 1 {
        let open: Vec<String> = b.stack[1..]
            .iter()
            .rev()
            .take(3)
            .filter_map(|&n| match &b.nodes[n].kind {
                Kind::Element(e) => Some(format!("<{}>", e.qname)),
                Kind::Text(_) => None,
            })
            .collect();
        b.problem(format!(
            "document ends early (truncated?): {} still open",
            open.join(", ")
        ));
    }
    Doc {
        nodes: b.nodes,
        problems: b.problems,
    }
}

impl<'a> Builder<'a> {
    fn problem(&mut self, p: String) {
        if self.problems.len() < MAX_PROBLEMS && !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }

    fn top(&self) -> usize {
        self.stack.last().copied().unwrap_or(0)
    }

    fn top_element(&self) -> Option<&Element<'a>> {
        match self.nodes.get(self.top()) {
            Some(Node {
                kind: Kind::Element(e),
                ..
            }) => Some(e),
            _ => None,
        }
    }

    fn is_open(&self, n: usize, pred: impl Fn(&Element<'a>) -> bool) -> bool {
        matches!(&self.nodes[n].kind, Kind::Element(e) if pred(e))
    }

    fn append(&mut self, kind: Kind<'a>) -> usize {
        let top = self.top();
        let last = match &self.nodes[top].kind {
            Kind::Element(p) => p.last_child,
            Kind::Text(_) => NONE,
        };
        // Adjacent text merges into one node.
        if let Kind::Text(t) = &kind {
            if let Some(Node {
                kind: Kind::Text(prev),
                ..
            }) = self.nodes.get_mut(last as usize)
            {
                prev.to_mut().push_str(t);
                return last as usize;
            }
        }
        let id = self.nodes.len();
        self.nodes.push(Node {
            kind,
            next_sibling: NONE,
        });
        if let Some(prev) = self.nodes.get_mut(last as usize) {
            prev.next_sibling = id as u32;
        }
        if let Kind::Element(p) = &mut self.nodes[top].kind {
            if p.first_child == NONE {
                p.first_child = id as u32;
            }
            p.last_child = id as u32;
        }
        id
    }

    fn text(&mut self, raw: &'a str) {
        if raw.is_empty() {
            return;
        }
        // Text outside the root element is junk (or indentation).
        if self.stack.len() == 1 {
            if !raw.trim().is_empty() {
                self.problem("text outside the root element skipped".into());
            }
            return;
        }
        let decoded = if memchr::memchr(b'&', raw.as_bytes()).is_some() {
            let budget = MAX_EXPANSION.saturating_sub(self.expanded);
            let d = entities::decode_with(raw, &self.custom_entities, budget).into_owned();
            if !self.custom_entities.is_empty() {
                self.expanded += d.len().saturating_sub(raw.len());
                if self.expanded > MAX_EXPANSION {
                    self.custom_entities.clear();
                    self.problem("DOCTYPE entities expand too much; no longer expanded".into());
                }
            }
            Cow::Owned(d)
        } else {
            Cow::Borrowed(raw)
        };
        self.append(Kind::Text(decoded));
    }

    fn run(&mut self) {
        let src = self.src;
        let bytes = src.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let Some(lt) = memchr::memchr(b'<', &bytes[i..]).map(|p| p + i) else {
                self.text(&src[i..]);
                break;
            };
            if lt > i {
                self.text(&src[i..lt]);
            }
            let rest = &bytes[lt..];
            if rest.starts_with(b"<!--") {
                match memchr::memmem::find(&rest[4..], b"-->") {
                    Some(p) => i = lt + 4 + p + 3,
                    None => {
                        self.problem("unclosed comment".into());
                        break;
                    }
                }
            } else if rest.starts_with(b"<![CDATA[") {
                let body = lt + 9;
                match memchr::memmem::find(&bytes[body..], b"]]>") {
                    Some(p) => {
                        if self.stack.len() > 1 {
                            self.append(Kind::Text(Cow::Borrowed(&src[body..body + p])));
                        }
                        i = body + p + 3;
                    }
                    None => {
                        self.problem("unclosed CDATA section".into());
                        if self.stack.len() > 1 {
                            self.append(Kind::Text(Cow::Borrowed(&src[body..])));
                        }
                        break;
                    }
                }
            } else if rest.starts_with(b"<!") {
                i = self.doctype(lt);
            } else if rest.starts_with(b"<?") {
                match memchr::memmem::find(&rest[2..], b"?>") {
                    Some(p) => i = lt + 2 + p + 2,
                    None => break,
                }
            } else if rest.starts_with(b"</") {
                let Some(gt) = memchr::memchr(b'>', &rest[2..]) else {
                    break;
                };
                let name = src[lt + 2..lt + 2 + gt].trim();
                self.end_tag(name);
                i = lt + 2 + gt + 1;
            } else if rest.len() > 1 && is_name_start(rest[1]) {
                i = self.start_tag(lt);
            } else {
                // A lone '<' is text.
                if self.stack.len() > 1 {
                    self.problem("unescaped '<' in text".into());
                    self.append(Kind::Text(Cow::Borrowed("<")));
                }
                i = lt + 1;
            }
        }
    }

    /// `<!DOCTYPE …>` (with an internal subset whose simple `<!ENTITY>`s are kept) or any
    /// other `<!…>`; returns the offset after it.
    fn doctype(&mut self, lt: usize) -> usize {
        let bytes = self.src.as_bytes();
        let Some(gt) = memchr::memchr(b'>', &bytes[lt..]).map(|p| p + lt) else {
            return bytes.len();
        };
        let Some(open) = memchr::memchr(b'[', &bytes[lt..gt]).map(|p| p + lt) else {
            return gt + 1;
        };
        let Some(close) = memchr::memmem::find(&bytes[open..], b"]").map(|p| p + open) else {
            return bytes.len();
        };
        let subset = &self.src[open + 1..close];
        for decl in subset.split("<!ENTITY").skip(1) {
            let decl = decl.trim_start();
            let Some((name, rest)) = decl.split_once(char::is_whitespace) else {
                continue;
            };
            let rest = rest.trim_start();
            let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            if let Some(end) = rest[1..].find(q) {
                // A value may use the entities declared before it (bounded by the size cap
                // below and by MAX_EXPANSION in text: no billion laughs).
                let value = entities::decode_with(&rest[1..1 + end], &self.custom_entities, 1024)
                    .into_owned();
                if self.custom_entities.len() < 256 && value.len() < 1024 {
                    self.custom_entities.push((name.to_string(), value));
                }
            }
        }
        match memchr::memchr(b'>', &bytes[close..]) {
            Some(p) => close + p + 1,
            None => bytes.len(),
        }
    }

    /// Reads a start tag at `lt`; returns the offset after it.
    fn start_tag(&mut self, lt: usize) -> usize {
        let src = self.src;
        let bytes = src.as_bytes();
        let mut i = lt + 1;
        let name_start = i;
        while i < bytes.len() && !is_tag_delim(bytes[i]) {
            i += 1;
        }
        let qname = &src[name_start..i];
        let mut attrs: Vec<Attr<'a>> = Vec::new();
        let mut self_closing = false;
        let mut broken = false;
        loop {
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i >= bytes.len() {
                broken = true;
                break;
            }
            match bytes[i] {
                b'>' => {
                    i += 1;
                    break;
                }
                b'/' => {
                    if bytes.get(i + 1) == Some(&b'>') {
                        self_closing = true;
                        i += 2;
                        break;
                    }
                    i += 1;
                    continue;
                }
                b'<' => {
                    // The tag never closed; the next one starts here.
                    broken = true;
                    break;
                }
                _ => {}
            }
            let an_start = i;
            while i < bytes.len() && !is_tag_delim(bytes[i]) && bytes[i] != b'=' {
                i += 1;
            }
            let aname = &src[an_start..i];
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = "";
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                match bytes.get(i) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let vs = i + 1;
                        // A quoted value ends at its quote; '<' cannot occur in one.
                        let end = bytes[vs..]
                            .iter()
                            .position(|&b| b == q || b == b'<')
                            .map(|p| p + vs);
                        match end {
                            Some(e) if bytes[e] == q => {
                                value = &src[vs..e];
                                i = e + 1;
                            }
                            _ => {
                                broken = true;
                                let e = bytes[vs..]
                                    .iter()
                                    .position(|&b| b == b'>' || b == b'<')
                                    .map_or(bytes.len(), |p| p + vs);
                                value = &src[vs..e];
                                i = e;
                            }
                        }
                    }
                    Some(_) => {
                        let vs = i;
                        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>'
                        {
                            i += 1;
                        }
                        value = &src[vs..i];
                        self.problem("unquoted attribute value".into());
                    }
                    None => {}
                }
            }
            if !aname.is_empty() && attrs.len() < 64 {
                let value: Cow<'a, str> = if value.contains(['&', '\n', '\r', '\t']) {
                    Cow::Owned(
                        entities::decode_with(value, &self.custom_entities, 1024)
                            .replace(['\n', '\r', '\t'], " "),
                    )
                } else {
                    Cow::Borrowed(value)
                };
                attrs.push(Attr { name: aname, value });
            }
        }
        if broken {
            self.problem(format!("malformed start tag <{qname}>"));
        }
        if i > bytes.len() {
            i = bytes.len();
        }
        self.open(qname, attrs, self_closing);
        i
    }

    fn open(&mut self, qname: &'a str, attrs: Vec<Attr<'a>>, self_closing: bool) {
        let local_at = qname.find(':').map_or(0, |p| p + 1);
        let local = &qname[local_at..];
        // HTML void elements written the HTML way inside inline markup (`<br>`, `<img …>`).
        let self_closing = self_closing || is_html_void(local);
        // Recovery for unclosed feed elements.
        if local == "item" || local == "entry" {
            if let Some(pos) = self
                .stack
                .iter()
                .rposition(|&n| self.is_open(n, |e| e.local() == local))
            {
                if pos + 1 < self.stack.len() || !self_closing {
                    self.problem(format!("unclosed <{qname}>"));
                    self.pop_to(pos);
                }
            }
        } else if let Some(top) = self.top_element() {
            let top_local = top.local();
            if (closes_same(local) && top.qname == qname)
                || (is_leaf_field(top_local) && is_structure(local) && top.ns != Ns::Xhtml)
            {
                let p = format!("unclosed <{}>", top.qname);
                self.problem(p);
                self.pop_to(self.stack.len() - 1);
            }
        }
        if self.stack.len() > MAX_DEPTH {
            self.problem("elements nested too deep; inner tags ignored".into());
            return;
        }
        let depth = self.stack.len();
        for a in &attrs {
            if a.name == "xmlns" {
                self.scopes
                    .push((depth, String::new(), Ns::from_uri(&a.value)));
            } else if let Some(p) = a.name.strip_prefix("xmlns:") {
                self.scopes
                    .push((depth, p.to_string(), Ns::from_uri(&a.value)));
            }
        }
        let prefix = if local_at > 0 {
            &qname[..local_at - 1]
        } else {
            ""
        };
        let ns = self
            .scopes
            .iter()
            .rev()
            .find(|(_, p, _)| p == prefix)
            .map(|(_, _, ns)| *ns)
            .unwrap_or_else(|| {
                if prefix.is_empty() {
                    Ns::None
                } else {
                    Ns::from_prefix(prefix)
                }
            });
        let id = self.append(Kind::Element(Element {
            qname,
            local_at,
            ns,
            attrs,
            first_child: NONE,
            last_child: NONE,
        }));
        if self_closing {
            self.scopes.retain(|(d, _, _)| *d < depth);
        } else {
            self.stack.push(id);
        }
    }

    /// Closes every element from stack position `pos` up.
    fn pop_to(&mut self, pos: usize) {
        let pos = pos.max(1);
        if pos < self.stack.len() {
            self.stack.truncate(pos);
            let depth = self.stack.len();
            self.scopes.retain(|(d, _, _)| *d < depth);
        }
    }

    fn end_tag(&mut self, name: &'a str) {
        let found = self
            .stack
            .iter()
            .rposition(|&n| n != 0 && self.is_open(n, |e| e.qname == name))
            .or_else(|| {
                self.stack.iter().rposition(|&n| {
                    n != 0 && self.is_open(n, |e| e.qname.eq_ignore_ascii_case(name))
                })
            });
        match found {
            Some(pos) if pos > 0 => {
                if pos + 1 != self.stack.len() {
                    let inner = self.top_element().map(|e| e.qname).unwrap_or_default();
                    self.problem(format!("unclosed <{inner}> before </{name}>"));
                }
                self.pop_to(pos);
            }
            _ => {
                let local = name.rsplit(':').next().unwrap_or(name);
                if self.stack.len() > 1 && !is_html_void(local) {
                    self.problem(format!("stray end tag </{name}>"));
                }
            }
        }
    }
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b':' || b >= 0x80
}

fn is_tag_delim(b: u8) -> bool {
    b.is_ascii_whitespace() || b == b'>' || b == b'/' || b == b'<'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_elements_text_and_entities() {
        let d = parse(
            "<?xml version='1.0'?><a x='1 &amp; 2'><b>caf&eacute; &amp; <![CDATA[<i>]]></b></a>",
        );
        let root = d.root().unwrap();
        let a = d.element(root).unwrap();
        assert_eq!(a.attr("x"), Some("1 & 2"));
        assert_eq!(d.text(root), "café & <i>");
        assert!(d.problems.is_empty(), "{:?}", d.problems);
    }

    #[test]
    fn recovers_from_bad_nesting_and_truncation() {
        let d =
            parse("<rss><channel><title>A & B <br>C</title><item><title>1</item><item><title>2");
        let root = d.root().unwrap();
        let mut items = Vec::new();
        d.descendants_named(root, "item", &mut items);
        assert_eq!(items.len(), 2);
        let titles: Vec<String> = items
            .iter()
            .map(|&i| {
                let (t, _) = d.child_elements(i).next().unwrap();
                d.text(t).into_owned()
            })
            .collect();
        assert_eq!(titles, ["1", "2"]);
        assert!(!d.problems.is_empty());
    }
}
