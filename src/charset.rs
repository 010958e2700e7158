//! The character encoding of a web page, picked the way a browser picks it, with one
//! exception: bytes that are valid UTF-8 are read as UTF-8 whatever the page declares
//! (a page that still declares Latin-1 after its site moved to UTF-8 is common; Latin-1 or
//! Shift_JIS text that happens to be valid UTF-8 is not).
//!
//! The order: a byte-order mark; valid UTF-8; the HTTP `charset`; a `<meta>` charset near the
//! start; UTF-8 with its stray bytes read as windows-1252 when some of it is UTF-8; else a
//! guess from the bytes by chardetng (Firefox's detector), told the site's top-level domain
//! (a `.ru` page is more likely windows-1251, a `.jp` one Shift_JIS).

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use url::Url;

/// How far into the page a `<meta>` charset is looked for.
const PRESCAN_BYTES: usize = 4096;

/// Decodes page bytes to text (never fails: what no encoding reads becomes U+FFFD).
/// `content_type` is the HTTP header the page was served with, if any; `url` where it came
/// from, for the detector's hint.
pub fn decode_html(bytes: &[u8], content_type: Option<&str>, url: Option<&Url>) -> String {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return text.to_owned();
    }
    let declared = content_type
        .and_then(header_charset)
        .map(str::as_bytes)
        .or_else(|| meta_charset(&bytes[..bytes.len().min(PRESCAN_BYTES)]))
        .and_then(Encoding::for_label)
        // Markup read as ASCII cannot be UTF-16: HTML reads a page declaring it as UTF-8.
        .filter(|enc| ![UTF_16LE, UTF_16BE, UTF_8].contains(enc));
    let enc = match declared {
        Some(enc) => enc,
        // UTF-8 (declared or not) with stray bytes, a common server mistake: the stray bytes
        // alone are read as windows-1252, so neither mojibake nor U+FFFD.
        None if mostly_utf8(bytes) => return utf8_with_1252_fallback(bytes),
        None => guess(bytes, url),
    };
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

/// Whether bytes that are not valid UTF-8 are still mostly UTF-8: more of their characters
/// beyond ASCII read as UTF-8 than there are bytes that do not (UTF-8 with a few stray
/// windows-1252 bytes). Text in a legacy encoding seldom forms UTF-8: a Latin-1 "é" is
/// followed by ASCII, and a Shift_JIS pair only now and then looks like a UTF-8 sequence.
pub(crate) fn mostly_utf8(mut bytes: &[u8]) -> bool {
    let (mut valid, mut invalid) = (0usize, 0usize);
    loop {
        let (good, rest) = match std::str::from_utf8(bytes) {
            Ok(s) => (s, &[][..]),
            Err(e) => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                // `good` is valid UTF-8 by construction.
                (std::str::from_utf8(good).unwrap_or_default(), rest)
            }
        };
        valid += good.chars().filter(|c| !c.is_ascii()).count();
        if rest.is_empty() {
            return valid > invalid;
        }
        invalid += 1;
        let bad = match std::str::from_utf8(rest) {
            Err(e) => e.error_len().unwrap_or(rest.len()).max(1),
            Ok(_) => rest.len(),
        };
        bytes = &rest[bad.min(rest.len())..];
    }
}

/// UTF-8 where it is valid, windows-1252 byte by byte where it is not.
pub(crate) fn utf8_with_1252_fallback(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 8);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                // `valid` is valid UTF-8 by construction.
                out.push_str(&String::from_utf8_lossy(valid));
                let bad = e.error_len().unwrap_or(rest.len()).max(1).min(rest.len());
                let (text, _) = WINDOWS_1252.decode_without_bom_handling(&rest[..bad]);
                out.push_str(&text);
                bytes = &rest[bad..];
            }
        }
    }
}

/// The `charset` parameter of a Content-Type header.
pub(crate) fn header_charset(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']))
    })
}

/// The charset named by the first `charset` in the page's head (`<meta charset=…>` or
/// `<meta http-equiv=Content-Type content="…; charset=…">`).
fn meta_charset(head: &[u8]) -> Option<&[u8]> {
    let mut from = 0;
    while let Some(i) = find_ignoring_case(&head[from..], b"charset") {
        let mut j = from + i + b"charset".len();
        while j < head.len() && matches!(head[j], b' ' | b'=' | b'"' | b'\'') {
            j += 1;
        }
        let start = j;
        while j < head.len()
            && (head[j].is_ascii_alphanumeric() || matches!(head[j], b'-' | b'_' | b':' | b'.'))
        {
            j += 1;
        }
        if j > start {
            return Some(&head[start..j]);
        }
        from = j;
    }
    None
}

fn find_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// chardetng's guess at a legacy (not UTF-8) encoding, with the top-level domain of `url`
/// as its hint.
pub fn guess(bytes: &[u8], url: Option<&Url>) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    // chardetng wants the last label in lower-case ASCII (Punycode), without a period.
    let tld = url
        .and_then(Url::domain)
        .and_then(|d| d.trim_end_matches('.').rsplit('.').next())
        .filter(|t| {
            !t.is_empty()
                && t.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    detector.guess(tld.map(str::as_bytes), chardetng::Utf8Detection::Deny)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn a_byte_order_mark_then_valid_utf8_win() {
        assert_eq!(decode_html(b"\xEF\xBB\xBFcaf\xC3\xA9", None, None), "café");
        let declared_latin = "<meta charset=\"iso-8859-1\"><p>café</p>";
        assert!(decode_html(
            declared_latin.as_bytes(),
            Some("text/html; charset=iso-8859-1"),
            None
        )
        .contains("café"));
    }

    #[test]
    fn the_header_then_the_meta_name_the_encoding() {
        let cyrillic = encoding_rs::WINDOWS_1251.encode("<p>Привет, мир</p>").0;
        let page = [b"<meta charset=\"koi8-r\">".as_slice(), &cyrillic].concat();
        let served = decode_html(&page, Some("text/html; charset=\"windows-1251\""), None);
        assert!(served.contains("Привет, мир"), "{served}");
        let latin = b"<meta http-equiv=\"Content-Type\" content=\"text/html; CHARSET=ISO-8859-1\"><p>caf\xE9</p>";
        assert!(decode_html(latin, None, None).contains("café"));
    }

    #[test]
    fn an_undeclared_page_is_guessed_with_its_domain_as_a_hint() {
        let text = "<html><body><p>Съешь же ещё этих мягких французских булок, да выпей чаю. \
                    Широкая электрификация южных губерний даст мощный толчок подъёму сельского \
                    хозяйства.</p></body></html>";
        let cp1251 = encoding_rs::WINDOWS_1251.encode(text).0;
        let got = decode_html(&cp1251, None, Some(&url("https://news.example.ru/a")));
        assert_eq!(got, text);
        let sjis = encoding_rs::SHIFT_JIS
            .encode("<p>今日は良い天気ですね。明日も晴れるでしょう。</p>")
            .0;
        let got = decode_html(&sjis, Some("text/html"), Some(&url("https://example.jp/")));
        assert!(got.contains("今日は良い天気"), "{got}");
        // UTF-8 with a stray windows-1252 byte stays UTF-8 around it.
        let stray = b"<meta charset=utf-8><p>Caf\xC3\xA9 cr\xE8me \xE2\x82\xAC</p>";
        assert!(decode_html(stray, None, None).contains("Café crème €"));
        // A page declaring UTF-16 (or UTF-8) that is neither is guessed too, never mangled.
        let latin = b"<meta charset=utf-16><p>Cr\xE8me br\xFBl\xE9e au caf\xE9</p>";
        assert!(decode_html(latin, None, None).contains("Crème brûlée au café"));
    }

    #[test]
    fn hosts_that_are_not_names_give_no_hint_and_never_panic() {
        let bytes = b"<p>caf\xE9 cr\xE8me</p>";
        for u in [
            "http://127.0.0.1:8080/",
            "http://[::1]/",
            "file:///tmp/x.html",
            "https://EXAMPLE.DE./",
        ] {
            assert!(
                decode_html(bytes, None, Some(&url(u))).contains("café"),
                "{u}"
            );
        }
    }
}
