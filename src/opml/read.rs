//! Reading OPML: tolerant of what real exporters write, bounded on hostile input.
//!
//! Iterative (an explicit stack, no recursion), so 10,000 nested outlines cost memory in
//! proportion to the input and never the call stack.

use std::borrow::Cow;
use std::collections::HashSet;

use encoding_rs::Encoding;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use url::Url;

use super::{Opml, OpmlError, OpmlSubscription, FOLDER_SEPARATOR, MAX_FOLDER_DEPTH};

/// Reads a subscription list.
///
/// Accepts: a UTF-8/UTF-16 BOM or an `encoding` declaration (else UTF-8, falling back to
/// windows-1252 for invalid bytes); `xmlUrl` in any letter case, or `url`; outlines with or
/// without `type`; XML and common HTML entities in attributes (an unknown entity or a bare `&`
/// is kept as written); `feed://` URLs (read as `http://`). Drops, and counts: non-http(s) or
/// unparseable feed URLs, repeated feed URLs. Ignores `type="include"` outlines (links to other
/// OPML files). See the module docs for folders.
pub fn parse_opml(bytes: &[u8]) -> Result<Opml, OpmlError> {
    let text = decode(bytes);
    if text.trim().is_empty() {
        return Err(OpmlError::Empty);
    }
    let mut reader = Reader::from_str(&text);
    {
        let config = reader.config_mut();
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        config.allow_dangling_amp = true;
        config.check_comments = false;
    }

    let mut state = State::default();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                state.check_root(&e)?;
                state.open(&e);
            }
            Ok(Event::Empty(e)) => {
                state.check_root(&e)?;
                state.empty(&e);
            }
            Ok(Event::End(e)) => {
                let name = lower_local_name(e.local_name().as_ref());
                state.close(&name);
            }
            Ok(Event::Text(t)) => {
                if state.in_title() {
                    let s = t.decode().unwrap_or_else(|_| String::from_utf8_lossy(&t));
                    state.title_text.push_str(&s);
                }
            }
            Ok(Event::CData(t)) => {
                if state.in_title() {
                    state.title_text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if state.in_title() {
                    let name = String::from_utf8_lossy(&r);
                    state.title_text.push_str(&resolve_entity_lossy(&name));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(source) => {
                let position = reader.error_position();
                if state.root.is_none() || state.out.subscriptions.is_empty() {
                    return Err(OpmlError::Malformed { position, source });
                }
                state.out.incomplete = Some(format!("stopped at byte {position}: {source}"));
                break;
            }
        }
    }
    if state.root.is_none() {
        return Err(OpmlError::NotOpml {
            root: String::from("(none)"),
        });
    }
    let title = state
        .title_text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    state.out.title = (!title.is_empty()).then_some(title);
    Ok(state.out)
}

/// One open element.
enum Frame {
    /// An outline; `folder` is whether it pushed a folder level.
    Outline { folder: bool },
    /// Anything else, by lower-case local name.
    Other(String),
}

#[derive(Default)]
struct State {
    out: Opml,
    /// The root element's name, once seen.
    root: Option<String>,
    stack: Vec<Frame>,
    /// Folder levels (an empty name is a transparent level).
    folders: Vec<String>,
    seen: HashSet<String>,
    title_text: String,
    /// Whether `<head><title>` was already read (only the first counts).
    title_done: bool,
}

impl State {
    fn check_root(&mut self, e: &BytesStart<'_>) -> Result<(), OpmlError> {
        if self.root.is_none() {
            let name = lower_local_name(e.local_name().as_ref());
            if name != "opml" {
                return Err(OpmlError::NotOpml {
                    root: String::from_utf8_lossy(e.name().as_ref()).into_owned(),
                });
            }
            self.root = Some(name);
        }
        Ok(())
    }

    fn in_title(&self) -> bool {
        !self.title_done
            && matches!(self.stack.last(), Some(Frame::Other(n)) if n == "title")
            && matches!(self.stack.iter().rev().nth(1), Some(Frame::Other(n)) if n == "head")
    }

    fn open(&mut self, e: &BytesStart<'_>) {
        let name = lower_local_name(e.local_name().as_ref());
        if name != "outline" {
            self.stack.push(Frame::Other(name));
            return;
        }
        let attrs = OutlineAttrs::read(e);
        let folder = if attrs.feed_url.is_none() && !attrs.is_include {
            // May turn out to be an empty folder; nothing is recorded for it then.
            self.folders.push(attrs.name.unwrap_or_default());
            true
        } else {
            self.subscribe(attrs);
            false
        };
        self.stack.push(Frame::Outline { folder });
    }

    fn empty(&mut self, e: &BytesStart<'_>) {
        if lower_local_name(e.local_name().as_ref()) == "outline" {
            let attrs = OutlineAttrs::read(e);
            if attrs.feed_url.is_some() && !attrs.is_include {
                self.subscribe(attrs);
            }
        }
    }

    /// Closes the innermost open element called `name`, and any left open inside it.
    fn close(&mut self, name: &str) {
        let Some(depth) = self.stack.iter().rposition(|f| match f {
            Frame::Outline { .. } => name == "outline",
            Frame::Other(n) => n == name,
        }) else {
            return; // an end tag with no start: ignored
        };
        for frame in self.stack.drain(depth..) {
            match frame {
                Frame::Outline { folder: true } => {
                    self.folders.pop();
                }
                Frame::Other(n) if n == "title" && !self.title_text.trim().is_empty() => {
                    self.title_done = true;
                }
                _ => {}
            }
        }
    }

    fn subscribe(&mut self, attrs: OutlineAttrs) {
        let Some(raw) = attrs.feed_url else { return };
        let Some(xml_url) = http_url(&raw) else {
            self.out.dropped_urls += 1;
            return;
        };
        if !self.seen.insert(xml_url.as_str().to_owned()) {
            self.out.duplicates += 1;
            return;
        }
        let folder = self
            .folders
            .iter()
            .filter(|f| !f.is_empty())
            .take(MAX_FOLDER_DEPTH)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(FOLDER_SEPARATOR);
        self.out.subscriptions.push(OpmlSubscription {
            xml_url,
            html_url: attrs.html_url.as_deref().and_then(http_url),
            title: attrs.name,
            folder: (!folder.is_empty()).then_some(folder),
        });
    }
}

/// The attributes of an `<outline>` that matter here.
struct OutlineAttrs {
    feed_url: Option<String>,
    html_url: Option<String>,
    /// `text`, else `title`; trimmed, whitespace collapsed, `None` when blank.
    name: Option<String>,
    is_include: bool,
}

impl OutlineAttrs {
    fn read(e: &BytesStart<'_>) -> OutlineAttrs {
        let (mut xml_url, mut url, mut html_url, mut text, mut title) =
            (None, None, None, None, None);
        let mut is_include = false;
        for attr in e.attributes().with_checks(false).flatten() {
            let key = lower_local_name(attr.key.local_name().as_ref());
            let value = || attr_value(&attr.value);
            match key.as_str() {
                "xmlurl" => xml_url = Some(value()),
                "url" => url = Some(value()),
                "htmlurl" => html_url = Some(value()),
                "text" => text = Some(value()),
                "title" => title = Some(value()),
                "type" => is_include = value().trim().eq_ignore_ascii_case("include"),
                _ => {}
            }
        }
        let nonblank = |s: Option<String>| {
            s.map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|s| !s.is_empty())
        };
        OutlineAttrs {
            feed_url: nonblank(xml_url).or_else(|| nonblank(url)),
            html_url: nonblank(html_url),
            name: nonblank(text).or_else(|| nonblank(title)),
            is_include,
        }
    }
}

/// An absolute `http`/`https` URL from an attribute (`feed://` and `feed:` are accepted).
fn http_url(raw: &str) -> Option<Url> {
    let raw = raw.trim();
    let raw: Cow<'_, str> = match raw.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("feed:") => {
            let rest = &raw[5..];
            if rest.starts_with("//") {
                format!("http:{rest}").into()
            } else {
                rest.into()
            }
        }
        _ => raw.into(),
    };
    let url = Url::parse(&raw).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host().is_some()).then_some(url)
}

fn lower_local_name(name: &[u8]) -> String {
    String::from_utf8_lossy(name).to_ascii_lowercase()
}

/// An attribute value with XML (and common HTML) entities resolved; anything unresolvable is
/// kept as written rather than failing the document.
fn attr_value(raw: &[u8]) -> String {
    let raw = String::from_utf8_lossy(raw);
    if !raw.contains('&') {
        return raw.into_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest: &str = &raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        // An entity is `&name;` with a short alphanumeric name; any other `&` is a bare one.
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(after.len());
        match (name_len <= 32 && after[name_len..].starts_with(';')).then_some(name_len) {
            Some(end) => {
                out.push_str(&resolve_entity_lossy(&after[..end]));
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `name` is what sits between `&` and `;`. Unknown names come back as `&name;`.
fn resolve_entity_lossy(name: &str) -> Cow<'static, str> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        if let Some(c) = code.and_then(char::from_u32).filter(|&c| c != '\0') {
            return Cow::Owned(c.to_string());
        }
        return Cow::Owned(format!("&{name};"));
    }
    let known = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "hellip" => "…",
        "mdash" => "—",
        "ndash" => "–",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "laquo" => "«",
        "raquo" => "»",
        "middot" => "·",
        "bull" => "•",
        "euro" => "€",
        "eacute" => "é",
        "egrave" => "è",
        "agrave" => "à",
        "ccedil" => "ç",
        "ouml" => "ö",
        "uuml" => "ü",
        "auml" => "ä",
        "szlig" => "ß",
        _ => return Cow::Owned(format!("&{name};")),
    };
    Cow::Borrowed(known)
}

/// Bytes to text: BOM, else the XML declaration's encoding, else UTF-8 (windows-1252 when the
/// bytes are not valid UTF-8). Never fails.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return enc.decode_without_bom_handling(&bytes[bom_len..]).0;
    }
    if let Some(enc) = declared_encoding(bytes) {
        if enc != encoding_rs::UTF_8 {
            return enc.decode_without_bom_handling(bytes).0;
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// The `encoding` of an `<?xml … ?>` declaration at the start (ASCII-compatible only: a
/// UTF-16 document without a BOM is not supported).
fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(200)];
    let trimmed = head.trim_ascii_start();
    if !trimmed.starts_with(b"<?xml") {
        return None;
    }
    let end = trimmed.windows(2).position(|w| w == b"?>")?;
    let decl = &trimmed[..end];
    let pos = decl.windows(8).position(|w| w == b"encoding")?;
    let rest = &decl[pos + 8..];
    let quote_at = rest.iter().position(|&b| b == b'"' || b == b'\'')?;
    let quote = rest[quote_at];
    let value = &rest[quote_at + 1..];
    let close = value.iter().position(|&b| b == quote)?;
    let enc = Encoding::for_label(&value[..close])?;
    // A declaration read as ASCII cannot be UTF-16.
    (enc != encoding_rs::UTF_16LE && enc != encoding_rs::UTF_16BE).then_some(enc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_entities() {
        assert_eq!(attr_value(b"A &amp; B"), "A & B");
        assert_eq!(attr_value(b"&#20013;&#x6587;"), "中文");
        assert_eq!(attr_value(b"Q&A &nbsp;x"), "Q&A \u{a0}x");
        assert_eq!(attr_value(b"a&unknown;b"), "a&unknown;b");
        assert_eq!(attr_value(b"?a=1&b=2"), "?a=1&b=2");
        assert_eq!(attr_value(b"&#0;&#xD800;"), "&#0;&#xD800;");
    }

    #[test]
    fn feed_scheme_urls() {
        assert_eq!(
            http_url("feed://example.com/rss").unwrap().as_str(),
            "http://example.com/rss"
        );
        assert_eq!(
            http_url("feed:https://example.com/rss").unwrap().as_str(),
            "https://example.com/rss"
        );
        assert!(http_url("javascript:alert(1)").is_none());
        assert!(http_url("/relative").is_none());
    }

    #[test]
    fn declared_encodings() {
        let latin = b"<?xml version=\"1.0\" encoding='ISO-8859-1'?><opml/>";
        assert_eq!(declared_encoding(latin), Some(encoding_rs::WINDOWS_1252));
        assert_eq!(declared_encoding(b"<opml/>"), None);
    }
}
