//! After parsing: turning feed values into what Tidings stores. Plain text for titles and
//! names (tags stripped, entities decoded once, whitespace collapsed), sanitized HTML for
//! bodies (text-typed bodies escaped, paragraphs kept), absolute http(s) URLs, and author
//! name/e-mail splitting.

use url::Url;

use super::entities;
use super::mathml::math_to_html;
use super::repair::fix_mojibake;
use crate::sanitize;
use crate::text::{escaped, Escape};

/// A feed value and how to read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// Plain text (already decoded from XML/JSON).
    Text(String),
    /// HTML markup.
    Html(String),
}

impl Value {
    pub(crate) fn is_blank(&self) -> bool {
        match self {
            Value::Text(s) | Value::Html(s) => s.trim().is_empty(),
        }
    }
}

/// Whether a string read from RSS (which does not say) is HTML: a tag or an entity reference.
pub(crate) fn looks_like_html(s: &str) -> bool {
    let b = s.as_bytes();
    let tag = memchr::memchr_iter(b'<', b).any(|i| {
        b.get(i + 1)
            .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'/' || c == b'!')
            && memchr::memchr(b'>', &b[i..]).is_some()
    });
    tag || memchr::memchr_iter(b'&', b).any(|i| {
        let rest = &b[i + 1..];
        let end = rest
            .iter()
            .take(34)
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'#'));
        matches!(end, Some(e) if e > 0 && rest[e] == b';')
    })
}

pub(crate) use crate::text::collapse_whitespace;

/// The text of an HTML fragment: tags and comments dropped (scripts, styles and SVG drawings
/// with their content), entities decoded, whitespace collapsed.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'<', &b[i..]).map(|p| p + i) {
        text.push_str(&html[i..p]);
        if html[p..].starts_with("<!--") {
            // A comment ends at "-->", whatever ">" it holds.
            i = memchr::memmem::find(&b[p + 4..], b"-->").map_or(b.len(), |e| p + 4 + e + 3);
            continue;
        }
        let next = b.get(p + 1).copied().unwrap_or(b' ');
        let is_tag = next.is_ascii_alphabetic() || next == b'/' || next == b'!' || next == b'?';
        let Some(gt) = memchr::memchr(b'>', &b[p..])
            .map(|g| g + p)
            .filter(|_| is_tag)
        else {
            text.push('<');
            i = p + 1;
            continue;
        };
        let name: String = html[p + 1..gt]
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        i = gt + 1;
        if matches!(name.as_str(), "script" | "style" | "svg") && next != b'/' {
            let close = format!("</{name}");
            let lower = html[i..].to_ascii_lowercase();
            i = match lower.find(&close) {
                Some(c) => memchr::memchr(b'>', &b[i + c..]).map_or(b.len(), |g| i + c + g + 1),
                None => b.len(),
            };
        } else if !matches!(
            name.as_str(),
            "b" | "i"
                | "em"
                | "strong"
                | "span"
                | "a"
                | "font"
                | "sup"
                | "sub"
                | "u"
                | "s"
                | "small"
                | "big"
                | "code"
                | "abbr"
                | "q"
                | "cite"
                | "mark"
        ) {
            text.push(' ');
        }
    }
    text.push_str(&html[i..]);
    collapse_whitespace(&entities::decode(&text))
}

/// Control characters (a stray `&#x1;`, a C1 byte) mean nothing in a title or a name, and XML
/// 1.0 does not allow most of them: they go. (Whitespace ones are already collapsed.)
fn drop_control_characters(s: &mut String) {
    if s.chars().any(char::is_control) {
        s.retain(|c| !c.is_control());
    }
}

/// Longest plain-text value kept (titles, names, feed descriptions); longer ones are cut with
/// an ellipsis, so a broken document can never turn into a page-long title.
const MAX_PLAIN_CHARS: usize = 2000;

/// A value as plain text (double-encoded UTF-8 repaired, formulas as text, no control
/// characters).
pub(crate) fn to_plain(v: &Value) -> Option<String> {
    let mut s = match v {
        Value::Text(s) => collapse_whitespace(&fix_mojibake(s)),
        Value::Html(h) => html_to_text(&math_to_html(&fix_mojibake(h))),
    };
    drop_control_characters(&mut s);
    if let Some((cut, _)) = s.char_indices().nth(MAX_PLAIN_CHARS) {
        s.truncate(cut);
        s.push('…');
    }
    (!s.is_empty()).then_some(s)
}

/// A value as sanitized HTML, relative URLs resolved against `base` (double-encoded UTF-8
/// repaired, MathML as the HTML the sanitizer keeps).
pub(crate) fn to_html(v: &Value, base: &Url) -> Option<String> {
    let out = match v {
        Value::Text(t) => text_to_html(&fix_mojibake(t)),
        Value::Html(h) => {
            let h = fix_mojibake(h);
            let h = math_to_html(&h);
            if memchr::memchr(b'<', h.as_bytes()).is_none() {
                // No markup: what the sanitizer would give, without building a tree.
                escaped(&entities::decode(&h), Escape::Text)
            } else {
                sanitize::sanitize_html(&h, Some(base))
            }
        }
    };
    let trimmed = out.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// Plain text as HTML: escaped, blank lines make paragraphs, single newlines `<br>`.
pub(crate) fn text_to_html(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let paragraphs: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if paragraphs.len() <= 1 && !text.trim().contains('\n') {
        return escaped(text.trim(), Escape::Text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for p in paragraphs {
        out.push_str("<p>");
        let lines: Vec<String> = p
            .lines()
            .map(|l| escaped(l.trim(), Escape::Text))
            .filter(|l| !l.is_empty())
            .collect();
        out.push_str(&lines.join("<br>"));
        out.push_str("</p>");
    }
    out
}

/// An absolute http(s) URL from a possibly relative one; anything else (javascript:, data:,
/// garbage) is `None`.
pub(crate) fn absolute_url(raw: &str, base: &Url) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > 4096 {
        return None;
    }
    let url = base.join(raw).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// The effective base after an element's `xml:base`.
pub(crate) fn rebase(base: &Url, xml_base: Option<&str>) -> Option<Url> {
    let xb = xml_base?.trim();
    if xb.is_empty() {
        return None;
    }
    base.join(xb).ok()
}

/// The name in an author string: `jo@x.org (Jo Smith)`, `Jo Smith <jo@x.org>`,
/// `Jo Smith (jo@x.org)`, or a bare name or e-mail.
pub(crate) fn author_name(raw: &str) -> Option<String> {
    let mut s = collapse_whitespace(&fix_mojibake(raw));
    drop_control_characters(&mut s);
    if s.is_empty() {
        return None;
    }
    if let (Some(open), true) = (s.find('('), s.ends_with(')')) {
        let inner = s[open + 1..s.len() - 1].trim();
        let outer = s[..open].trim();
        if !inner.is_empty() && !inner.contains('@') {
            return Some(inner.to_string());
        }
        if !outer.is_empty() && !outer.contains('@') {
            return Some(outer.to_string());
        }
    }
    if let (Some(open), true) = (s.find('<'), s.ends_with('>')) {
        let outer = s[..open].trim().trim_matches('"').trim();
        if !outer.is_empty() {
            return Some(outer.to_string());
        }
        return Some(s[open + 1..s.len() - 1].trim().to_string()).filter(|e| !e.is_empty());
    }
    if let Some(rest) = s.strip_prefix("mailto:") {
        return Some(rest.to_string());
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_forms() {
        assert_eq!(
            author_name("jo@x.org (Jo Smith)").as_deref(),
            Some("Jo Smith")
        );
        assert_eq!(
            author_name("Jo Smith <jo@x.org>").as_deref(),
            Some("Jo Smith")
        );
        assert_eq!(
            author_name("Jo Smith (jo@x.org)").as_deref(),
            Some("Jo Smith")
        );
        assert_eq!(author_name(" Jo\n Smith ").as_deref(), Some("Jo Smith"));
        assert_eq!(author_name("jo@x.org").as_deref(), Some("jo@x.org"));
        assert_eq!(author_name("  "), None);
    }

    #[test]
    fn plain_values_are_bounded() {
        let long = to_plain(&Value::Text("é".repeat(5000))).unwrap();
        assert_eq!(long.chars().count(), MAX_PLAIN_CHARS + 1);
        assert!(long.ends_with('…'));
        assert_eq!(to_plain(&Value::Html("<b> </b>".into())), None);
    }

    #[test]
    fn html_to_text_strips_and_decodes_once() {
        assert_eq!(
            html_to_text("<b>Caf&eacute;</b> &amp;amp; <script>x()</script>tea<br>time"),
            "Café &amp; tea time"
        );
        assert_eq!(html_to_text("a < b"), "a < b");
    }

    #[test]
    fn text_keeps_paragraphs_and_markup_inert() {
        assert_eq!(
            text_to_html("<blink>one</blink>\n\ntwo\nthree"),
            "<p>&lt;blink&gt;one&lt;/blink&gt;</p><p>two<br>three</p>"
        );
        assert!(!looks_like_html("Fish and chips"));
        assert!(looks_like_html("a &amp; b"));
        assert!(looks_like_html("<p>x</p>"));
    }
}
