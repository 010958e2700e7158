//! Bytes-level repairs before any parsing: picking the character encoding (byte-order mark,
//! then the HTTP `charset`, then the XML declaration, then UTF-8; when nothing names one and
//! the bytes are not mostly UTF-8, the guess of `crate::charset`) and decoding to valid
//! UTF-8.
//!
//! A document that claims UTF-8 but is not (windows-1252 bytes, a common server mistake) is
//! read run by run: valid UTF-8 stays UTF-8 and each invalid byte is read as windows-1252, so
//! there is neither mojibake nor U+FFFD. Nothing returned here is invalid UTF-8.
//!
//! Text can also arrive already garbled: UTF-8 that some publishing system read as
//! windows-1252 (or Latin-1) and wrote out again as UTF-8 ("CafÃ©", "â€™"). [`fix_mojibake`]
//! undoes that where it is unambiguous.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// The document as text, and what had to be repaired to get it.
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub problems: Vec<String>,
}

/// The `encoding` pseudo-attribute of an XML declaration near the start.
fn declared_encoding(bytes: &[u8]) -> Option<&str> {
    let head = &bytes[..bytes.len().min(1024)];
    let start = memchr::memmem::find(head, b"<?xml")?;
    let end = memchr::memmem::find(&head[start..], b"?>")? + start;
    let decl = std::str::from_utf8(&head[start..end]).ok()?;
    let at = decl.find("encoding")?;
    let rest = decl[at + 8..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    Some(&value[..value.find(quote)?])
}

/// Decodes `bytes` to UTF-8 text.
pub(crate) fn decode<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Decoded<'a> {
    let mut problems = Vec::new();
    if let Some(text) = utf32(bytes) {
        return Decoded {
            text: Cow::Owned(text),
            problems,
        };
    }
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            problems.push(format!("invalid {} sequences replaced", enc.name()));
        }
        return Decoded { text, problems };
    }
    // UTF-16 without a byte-order mark.
    if bytes.len() >= 4 {
        let guess = match &bytes[..4] {
            [b'<', 0, b'?', 0] | [b'<', 0, _, 0] => Some(UTF_16LE),
            [0, b'<', 0, b'?'] | [0, b'<', 0, _] => Some(UTF_16BE),
            _ => None,
        };
        if let Some(enc) = guess {
            let (text, _) = enc.decode_without_bom_handling(bytes);
            return Decoded { text, problems };
        }
    }
    let from_header = content_type
        .and_then(crate::charset::header_charset)
        .and_then(|l| Encoding::for_label(l.as_bytes()));
    let from_decl = declared_encoding(bytes).and_then(|l| Encoding::for_label(l.as_bytes()));
    let mut enc = from_header.or(from_decl).unwrap_or(UTF_8);
    // UTF-16 labels on an ASCII-compatible document are wrong (the bytes say so).
    if enc == UTF_16LE || enc == UTF_16BE {
        enc = UTF_8;
    }
    // A header saying latin-1 over a document that declares, and is, UTF-8: trust the bytes.
    if enc != UTF_8 && from_decl == Some(UTF_8) && std::str::from_utf8(bytes).is_ok() {
        enc = UTF_8;
    }
    // Named nowhere and not mostly UTF-8: a legacy encoding the publisher forgot to declare
    // (an undeclared windows-1251 feed), not UTF-8 with stray windows-1252 bytes.
    if from_header.is_none()
        && from_decl.is_none()
        && !bytes.is_ascii()
        && !crate::charset::mostly_utf8(bytes)
    {
        enc = crate::charset::guess(bytes, None);
        problems.push(format!(
            "no encoding declared and the bytes are not UTF-8; read as {}",
            enc.name()
        ));
    }
    if enc == UTF_8 {
        return match std::str::from_utf8(bytes) {
            Ok(s) => Decoded {
                text: Cow::Borrowed(s),
                problems,
            },
            Err(_) => {
                problems
                    .push("bytes are not valid UTF-8; invalid bytes read as windows-1252".into());
                Decoded {
                    text: Cow::Owned(crate::charset::utf8_with_1252_fallback(bytes)),
                    problems,
                }
            }
        };
    }
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        problems.push(format!("invalid {} sequences replaced", enc.name()));
    }
    Decoded { text, problems }
}

/// The text of a UTF-32 document, told by its byte-order mark or by a first `<` four bytes
/// wide (encoding_rs, being for the web, has no UTF-32); `None` for any other document.
fn utf32(bytes: &[u8]) -> Option<String> {
    let (big_endian, body) = match bytes.get(..4)? {
        [0, 0, 0xFE, 0xFF] => (true, &bytes[4..]),
        [0xFF, 0xFE, 0, 0] => (false, &bytes[4..]),
        [0, 0, 0, b'<'] => (true, bytes),
        [b'<', 0, 0, 0] => (false, bytes),
        _ => return None,
    };
    let text = body
        .chunks(4)
        .map(|c| {
            let unit: [u8; 4] = c.try_into().unwrap_or([0xFF; 4]);
            let code = if big_endian {
                u32::from_be_bytes(unit)
            } else {
                u32::from_le_bytes(unit)
            };
            char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
        })
        .collect();
    Some(text)
}

/// The windows-1252 byte a character came from, when text was read as windows-1252 or
/// Latin-1 (C1 controls are Latin-1's reading of the bytes windows-1252 leaves undefined).
fn cp1252_byte(c: char) -> Option<u8> {
    let v = c as u32;
    if (0x80..=0xFF).contains(&v) {
        return u8::try_from(v).ok();
    }
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = WINDOWS_1252.encode(c.encode_utf8(&mut buf));
    (!unmappable && bytes.len() == 1).then(|| bytes[0])
}

/// Whether UTF-8 text holds a lead character of a double-encoded sequence (U+00C2..U+00F4,
/// encoded `C3 82`..`C3 B4`) followed by a character whose windows-1252 byte is a continuation
/// byte: U+0080..U+00BF (encoded `C2 xx`) or one of windows-1252's characters for `80`..`9F`
/// (encoded from `C5`, `C6`, `CB` or `E2`). Text without such a pair, accented text ("café")
/// included, has nothing to repair.
fn may_be_double_encoded(b: &[u8]) -> bool {
    memchr::memchr_iter(0xC3, b).any(|p| {
        matches!(b.get(p + 1), Some(0x82..=0xB4))
            && matches!(b.get(p + 2), Some(0xC2 | 0xC5 | 0xC6 | 0xCB | 0xE2))
    })
}

/// Undoes double-encoded UTF-8: each run of characters whose windows-1252 bytes form one
/// valid multi-byte UTF-8 sequence (a lead byte `C2`..`F4` then its continuation bytes,
/// "Ã©" → "é", "â€™" → "’", "Â£" → "£") becomes that character. Text that has no such run,
/// correct accents included ("café", "SÃO PAULO"), is returned as it is.
pub(crate) fn fix_mojibake(text: &str) -> Cow<'_, str> {
    if !may_be_double_encoded(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    let mut out: Option<String> = None;
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        let len = match c as u32 {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 0,
        };
        let mut repaired = None;
        if len > 0 {
            let mut bytes = [c as u8, 0, 0, 0];
            let mut ahead = chars.clone();
            let continued =
                (1..len).all(|k| match ahead.next().and_then(|(_, n)| cp1252_byte(n)) {
                    Some(b @ 0x80..=0xBF) => {
                        bytes[k] = b;
                        true
                    }
                    _ => false,
                });
            if continued {
                if let Ok(s) = std::str::from_utf8(&bytes[..len]) {
                    repaired = Some((s.to_string(), ahead));
                }
            }
        }
        match repaired {
            Some((s, rest)) => {
                out.get_or_insert_with(|| text[..at].to_string())
                    .push_str(&s);
                chars = rest;
            }
            None => {
                if let Some(o) = out.as_mut() {
                    o.push(c);
                }
            }
        }
    }
    match out {
        Some(o) => Cow::Owned(o),
        None => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn double_encoded_runs_are_repaired_and_nothing_else() {
        use super::fix_mojibake;
        for (garbled, fixed) in [
            ("CafÃ©", "Café"),
            ("itâ€™s 5 â‚¬", "it’s 5 €"),
            ("Â£5 and cafÃ© with café", "£5 and café with café"),
            // Latin-1's reading of windows-1252's undefined bytes: "É" is C3 89.
            ("\u{c3}\u{89}té", "Été"),
            // Continuations read as windows-1252's letters and signs (UTF-8 from C5, C6, CB).
            ("ÃŠtre", "Être"),
            ("Ãˆve", "Ève"),
            ("Ãƒ", "Ã"),
        ] {
            assert_eq!(fix_mojibake(garbled), fixed, "{garbled}");
        }
        for kept in [
            "café naïve Ærø",
            "SÃO PAULO",
            "ASCII only",
            "Ã la carte",
            "日本語",
        ] {
            assert!(
                matches!(fix_mojibake(kept), std::borrow::Cow::Borrowed(_)),
                "{kept}"
            );
        }
    }
    use super::*;

    #[test]
    fn windows_1252_labelled_utf8_is_read_without_replacement() {
        let d = decode(
            b"<t>Caf\xe9 \x93quoted\x94 \xe2\x82\xac</t>",
            Some("text/xml; charset=utf-8"),
        );
        assert_eq!(d.text, "<t>Café \u{201c}quoted\u{201d} €</t>");
        assert_eq!(d.problems.len(), 1);
    }

    #[test]
    fn encoding_from_header_declaration_and_bom() {
        let latin = b"<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><t>\xe9</t>";
        assert!(decode(latin, None).text.ends_with("<t>é</t>"));
        assert!(decode(
            b"<t>\xe9</t>",
            Some("application/xml; charset=\"ISO-8859-1\"")
        )
        .text
        .ends_with("<t>é</t>"));
        assert_eq!(decode(b"\xef\xbb\xbf<t/>", None).text, "<t/>");
        assert_eq!(decode(b"\xff\xfe<\0t\0/\0>\0", None).text, "<t/>");
    }

    #[test]
    fn utf32_is_read_with_or_without_a_byte_order_mark() {
        let text = "<t>Café ☕ 😀</t>";
        let be: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_be_bytes())
            .collect();
        let le: Vec<u8> = text
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        for (bytes, what) in [
            ([[0, 0, 0xFE, 0xFF].as_slice(), &be].concat(), "BE with BOM"),
            ([[0xFF, 0xFE, 0, 0].as_slice(), &le].concat(), "LE with BOM"),
            (be, "BE"),
            (le.clone(), "LE"),
        ] {
            assert_eq!(decode(&bytes, None).text, text, "{what}");
        }
        // A truncated last unit and a value beyond Unicode are replaced, never a panic.
        let broken = [le.as_slice(), &[0, 0, 0x11, 0], &[0x41, 0]].concat();
        assert!(decode(&broken, None).text.ends_with("</t>\u{FFFD}\u{FFFD}"));
    }

    #[test]
    fn an_undeclared_legacy_encoding_is_guessed_and_stray_bytes_in_utf8_are_not() {
        let russian = "<rss><channel><title>Новости</title><item><title>Широкая \
                       электрификация южных губерний даст мощный толчок подъёму сельского \
                       хозяйства</title></item></channel></rss>";
        let cp1251 = encoding_rs::WINDOWS_1251.encode(russian).0;
        let d = decode(&cp1251, Some("application/rss+xml"));
        assert_eq!(d.text, russian);
        assert_eq!(
            d.problems,
            ["no encoding declared and the bytes are not UTF-8; read as windows-1251"]
        );
        // UTF-8 with one stray windows-1252 byte stays UTF-8 around it.
        let mixed = [b"<t>\xd0\x9c\xd0\xbe caf".as_slice(), b"\xe9</t>"].concat();
        assert_eq!(decode(&mixed, None).text, "<t>Мо café</t>");
    }
}
