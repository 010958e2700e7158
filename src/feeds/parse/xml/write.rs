//! Inline markup (XHTML content, HTML written unescaped in RSS) written back out as HTML:
//! text and attribute values escaped, prefixes and namespace declarations dropped.

use super::{Doc, MAX_DEPTH};
use crate::text::{escape_into, Escape};

impl Doc<'_> {
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
            escape_into(out, t, Escape::Text);
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
            escape_into(out, &a.value, Escape::Attribute);
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

#[cfg(test)]
mod tests {
    use super::super::parse;

    #[test]
    fn serializes_inline_markup_as_html() {
        let d = parse(r#"<c><p class="x">a &lt;b&gt; <br/>c<img src="i.png"></p></c>"#);
        assert_eq!(
            d.inner_html(d.root().unwrap()),
            r#"<p class="x">a &lt;b&gt; <br>c<img src="i.png"></p>"#
        );
    }
}
