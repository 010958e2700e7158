//! Character references: XML's five, numeric ones, and the HTML named entities that feeds use
//! without declaring them (`&eacute;`, `&nbsp;`, `&mdash;`, …), mapped to characters.
//!
//! The table is the WHATWG one shipped with html5ever; nothing here allocates unless a
//! reference is found.

use std::borrow::Cow;

use html5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};

/// Longest entity name worth looking up (the longest WHATWG name has 31 characters).
const MAX_NAME: usize = 32;

/// Resolves one reference body (between `&` and `;`, e.g. `eacute`, `#233`, `#xE9`) and pushes
/// its characters. Returns false when it is not a known reference.
pub(crate) fn push_reference(body: &str, custom: &[(String, String)], out: &mut String) -> bool {
    if let Some(num) = body.strip_prefix('#') {
        let value = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        let Some(value) = value else { return false };
        out.push(numeric_char(value));
        return true;
    }
    match body {
        "amp" => out.push('&'),
        "lt" => out.push('<'),
        "gt" => out.push('>'),
        "quot" => out.push('"'),
        "apos" => out.push('\''),
        _ => {
            if let Some((_, v)) = custom.iter().find(|(k, _)| k == body) {
                out.push_str(v);
                return true;
            }
            return push_named(body, out);
        }
    }
    true
}

/// A numeric reference as HTML reads it: windows-1252 for the C1 range, U+FFFD never for the
/// rest (invalid code points are dropped to a space-free nothing).
fn numeric_char(value: u32) -> char {
    if (0x80..0xA0).contains(&value) {
        if let Some(Some(c)) = C1_REPLACEMENTS.get((value - 0x80) as usize) {
            return *c;
        }
    }
    match char::from_u32(value) {
        Some(c) if value != 0 => c,
        _ => '\u{FFFD}',
    }
}

fn push_named(name: &str, out: &mut String) -> bool {
    if name.is_empty() || name.len() > MAX_NAME || !name.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return false;
    }
    let mut key = [0u8; MAX_NAME + 1];
    key[..name.len()].copy_from_slice(name.as_bytes());
    key[name.len()] = b';';
    let Ok(key) = std::str::from_utf8(&key[..=name.len()]) else {
        return false;
    };
    match NAMED_ENTITIES.get(key) {
        Some(&(0, _)) | None => false,
        Some(&(a, b)) => {
            if let Some(c) = char::from_u32(a) {
                out.push(c);
            }
            if b != 0 {
                if let Some(c) = char::from_u32(b) {
                    out.push(c);
                }
            }
            true
        }
    }
}

/// Decodes every reference in `text` (HTML rules: named, decimal, hex; unknown ones and bare
/// ampersands stay as written). Borrowed when there is nothing to decode.
pub(crate) fn decode(text: &str) -> Cow<'_, str> {
    decode_with(text, &[], 0)
}

/// [`decode`] with entities declared by the document's DOCTYPE, which may add at most
/// `budget` bytes (past that they stay as written: no entity bombs).
pub(crate) fn decode_with<'a>(
    text: &'a str,
    custom: &[(String, String)],
    budget: usize,
) -> Cow<'a, str> {
    let Some(first) = memchr::memchr(b'&', text.as_bytes()) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..first]);
    let mut rest = &text[first..];
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after
            .bytes()
            .take(MAX_NAME + 2)
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'#'));
        match end {
            Some(end) if after.as_bytes()[end] == b';' && end > 0 => {
                let body = &after[..end];
                let custom = if out.len() < text.len().saturating_add(budget) {
                    custom
                } else {
                    &[]
                };
                if push_reference(body, custom, &mut out) {
                    rest = &after[end + 1..];
                } else {
                    out.push('&');
                    rest = after;
                }
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_entities_xml_does_not_declare() {
        assert_eq!(
            decode("caf&eacute;&nbsp;&zeta;&mdash;&#233;&#xE9;&#150;"),
            "café\u{a0}ζ—éé–"
        );
    }

    #[test]
    fn unknown_and_bare_ampersands_stay() {
        assert_eq!(decode("AT&T &bogus; & &amp"), "AT&T &bogus; & &amp");
        assert!(matches!(decode("plain"), Cow::Borrowed(_)));
    }
}
