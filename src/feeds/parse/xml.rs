//! A tolerant XML reader for feeds: decoded text in, a small element tree out.
//!
//! It reads well-formed XML exactly, and keeps going where real feeds break the rules: HTML
//! entities XML does not declare, bare `&` and `<`, unquoted attributes, end tags that do not
//! match (closed the way an HTML parser would), a document cut off mid-way (everything still
//! open is closed). Each recovery is written down in [`Doc::problems`]. Nesting deeper than
//! [`MAX_DEPTH`] is flattened, so nothing later recurses without bound.

use std::borrow::Cow;

use super::entities;

/// Deepest element nesting kept; deeper start tags are read as if they were not there.
pub(crate) const MAX_DEPTH: usize = 200;
/// At most this many problems are listed (the first ones say enough).
const MAX_PROBLEMS: usize = 8;

/// Namespaces the feed mapping cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    /// No namespace (RSS 0.9x/2.0, un-namespaced Atom).
    None,
    Atom10,
    Atom03,
    Rss10,
    Rss090,
    Rdf,
    Dc,
    DcTerms,
    Content,
    Media,
    Itunes,
    Xhtml,
    Xml,
    Other,
}

impl Ns {
    fn from_uri(uri: &str) -> Ns {
        let u = uri.trim().trim_end_matches(['/', '#']);
        let u = u
            .strip_prefix("http://")
            .or_else(|| u.strip_prefix("https://"))
            .unwrap_or(u);
        let u = u.to_ascii_lowercase();
        match u.as_str() {
            // RSS 2.0 has no namespace; these were used for it anyway.
            "backend.userland.com/rss2" | "blogs.law.harvard.edu/tech/rss" | "purl.org/rss/2.0" => {
                Ns::None
            }
            "purl.org/rss/1.0" => Ns::Rss10,
            "my.netscape.com/rdf/simple/0.9" => Ns::Rss090,
            "www.w3.org/1999/02/22-rdf-syntax-ns" => Ns::Rdf,
            "purl.org/dc/elements/1.1" => Ns::Dc,
            "purl.org/dc/terms" => Ns::DcTerms,
            "purl.org/rss/1.0/modules/content" => Ns::Content,
            "search.yahoo.com/mrss"
            | "video.search.yahoo.com/mrss"
            | "tools.search.yahoo.com/mrss" => Ns::Media,
            "www.itunes.com/dtds/podcast-1.0.dtd" | "www.itunes.com/dtds/podcast-1.0" => Ns::Itunes,
            "www.w3.org/1999/xhtml" => Ns::Xhtml,
            "www.w3.org/xml/1998/namespace" => Ns::Xml,
            // Atom drafts and misspellings of the final namespace.
            a if a.starts_with("www.w3.org/2005/atom") => Ns::Atom10,
            a if a.starts_with("purl.org/atom/ns") => Ns::Atom03,
            _ => Ns::Other,
        }
    }

    /// The namespace a prefix conventionally stands for, for documents that use it without
    /// declaring it.
    fn from_prefix(prefix: &str) -> Ns {
        match prefix {
            "atom" => Ns::Atom10,
            "rdf" => Ns::Rdf,
            "dc" => Ns::Dc,
            "dcterms" => Ns::DcTerms,
            "content" => Ns::Content,
            "media" => Ns::Media,
            "itunes" => Ns::Itunes,
            "xhtml" | "html" => Ns::Xhtml,
            "xml" => Ns::Xml,
            _ => Ns::Other,
        }
    }
}

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

    /// The children of `id` written out as HTML (text escaped, prefixes dropped).
    pub(crate) fn inner_html(&self, id: usize) -> String {
        let mut out = String::new();
        for c in self.children(id) {
            self.push_html(c, &mut out, 0);
        }
        out
    }

    fn push_html(&self, id: usize, out: &mut String, depth: usize) {
        if let Some(t) = self.text_node(id) {
            push_escaped(t, false, out);
            return;
        }
        let Some(e) = self.element(id) else { return };
        if depth > MAX_DEPTH {
            return;
        }
        let name = e.local();
        out.push('<');
        out.push_str(name);
        for a in &e.attrs {
            if a.name == "xmlns" || a.name.starts_with("xmlns:") {
                continue;
            }
            out.push(' ');
            out.push_str(a.name.strip_prefix("xml:").unwrap_or(a.name));
            out.push_str("=\"");
            push_escaped(&a.value, true, out);
            out.push('"');
        }
        out.push('>');
        for c in self.children(id) {
            self.push_html(c, out, depth + 1);
        }
        if !is_void(name) {
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
}

fn is_void(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

fn push_escaped(text: &str, attr: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// Elements that never contain themselves: a second start tag closes the first.
fn closes_same(local: &str) -> bool {
    matches!(
        local,
        "item"
            | "entry"
            | "title"
            | "link"
            | "guid"
            | "description"
            | "pubDate"
            | "category"
            | "id"
            | "updated"
            | "published"
            | "summary"
            | "content"
            | "encoded"
            | "creator"
            | "date"
    )
}

/// Leaf fields (text only): a feed-structure start tag inside one closes it.
fn is_leaf_field(local: &str) -> bool {
    matches!(
        local,
        "title" | "link" | "guid" | "pubDate" | "id" | "updated" | "published" | "creator" | "date"
    )
}

fn is_structure(local: &str) -> bool {
    matches!(
        local,
        "item"
            | "entry"
            | "title"
            | "link"
            | "guid"
            | "description"
            | "pubDate"
            | "summary"
            | "content"
            | "encoded"
            | "author"
            | "id"
            | "updated"
            | "published"
            | "creator"
    )
}

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
                let value = entities::decode(&rest[1..1 + end]).into_owned();
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

/// HTML elements that never have content (`link`, `meta` and `source` are left out: feeds
/// use those names for elements with content).
fn is_html_void(local: &str) -> bool {
    matches!(
        local,
        "br" | "BR"
            | "img"
            | "IMG"
            | "hr"
            | "HR"
            | "wbr"
            | "area"
            | "col"
            | "embed"
            | "param"
            | "track"
            | "input"
    )
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

    #[test]
    fn serializes_inline_markup_as_html() {
        let d = parse(r#"<c><p class="x">a &lt;b&gt; <br/>c<img src="i.png"></p></c>"#);
        assert_eq!(
            d.inner_html(d.root().unwrap()),
            r#"<p class="x">a &lt;b&gt; <br>c<img src="i.png"></p>"#
        );
    }
}
