//! A story's texts, stored once and compressed: its plain text, its sanitized HTML and its feed
//! teaser go into one zstd frame (`articles.body`, `article_revisions.body`). The HTML repeats
//! the text word for word, and within one frame zstd codes that repeat as a few back-references,
//! so the HTML costs little beside its text.
//!
//! The schema reads bodies back through SQL functions registered on every connection the store
//! opens ([`register_functions`]): schema step 9 turned `content_text`, `content_html`,
//! `teaser_html` and `search_cjk` into generated columns that call them, so queries, the search
//! index's triggers and FTS5's `snippet()` read the texts as they did before step 9.
//!
//! Frame layout: one format byte ([`FORMAT_ZSTD`]), then a zstd frame of three lengths (LEB128,
//! each the length plus one, 0 for an absent text) followed by the three texts.

use std::cell::RefCell;

use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::Connection;

/// The first byte of a body: a zstd frame without a dictionary.
const FORMAT_ZSTD: u8 = 1;

/// zstd's level for bodies. Higher levels save a few per cent more at many times the CPU of
/// every sync (level 3 is zstd's own default).
const LEVEL: i32 = 3;

/// The largest body read back: a frame claiming more is refused as damaged.
const MAX_BODY_BYTES: usize = 256 << 20;

/// The parts of a body, in the order they are stored (the index [`story_part`] takes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Text = 0,
    Html = 1,
    Teaser = 2,
}

/// A story's texts, as stored in one body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Body {
    pub text: Option<String>,
    pub html: Option<String>,
    pub teaser_html: Option<String>,
}

/// A body that cannot be read back (a damaged file, or one written by a newer build).
#[derive(Debug, thiserror::Error)]
#[error("a stored story body is unreadable: {0}")]
pub struct BodyError(pub(crate) String);

fn push_len(out: &mut Vec<u8>, text: Option<&str>) {
    let mut n = text.map_or(0, |t| t.len() as u64 + 1);
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn read_len(bytes: &[u8], at: &mut usize) -> Result<Option<usize>, BodyError> {
    let mut n: u64 = 0;
    for shift in (0..64).step_by(7) {
        let byte = *bytes
            .get(*at)
            .ok_or_else(|| BodyError("its lengths are cut short".into()))?;
        *at += 1;
        n |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(n.checked_sub(1).map(|len| len as usize));
        }
    }
    Err(BodyError("a length does not end".into()))
}

thread_local! {
    /// One compression context per thread, reused: making one costs more than compressing a
    /// short story.
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    /// Likewise for reading: SQLite reads a body back on every insert (the generated columns
    /// the search index's trigger reads) and a search result reads a hundred.
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// The stored form of a story's texts.
pub(crate) fn encode(
    text: Option<&str>,
    html: Option<&str>,
    teaser_html: Option<&str>,
) -> Result<Vec<u8>, BodyError> {
    let parts = [text, html, teaser_html];
    let mut plain = Vec::with_capacity(parts.iter().flatten().map(|p| p.len() + 4).sum());
    for part in parts {
        push_len(&mut plain, part);
    }
    for part in parts.into_iter().flatten() {
        plain.extend_from_slice(part.as_bytes());
    }
    let frame = COMPRESSOR.with(|cell| -> std::io::Result<Vec<u8>> {
        let mut slot = cell.borrow_mut();
        let compressor = match slot.as_mut() {
            Some(c) => c,
            None => slot.insert(zstd::bulk::Compressor::new(LEVEL)?),
        };
        compressor.compress(&plain)
    });
    let frame = frame.map_err(|e| BodyError(format!("zstd: {e}")))?;
    let mut out = Vec::with_capacity(1 + frame.len());
    out.push(FORMAT_ZSTD);
    out.extend_from_slice(&frame);
    Ok(out)
}

/// A stored body's texts.
pub(crate) fn decode(stored: &[u8]) -> Result<Body, BodyError> {
    let (&format, frame) = stored
        .split_first()
        .ok_or_else(|| BodyError("it is empty".into()))?;
    if format != FORMAT_ZSTD {
        return Err(BodyError(format!(
            "format {format} is unknown to this build"
        )));
    }
    let plain = DECOMPRESSOR
        .with(|cell| -> std::io::Result<Vec<u8>> {
            let mut slot = cell.borrow_mut();
            let decompressor = match slot.as_mut() {
                Some(d) => d,
                None => slot.insert(zstd::bulk::Decompressor::new()?),
            };
            decompressor.decompress(frame, MAX_BODY_BYTES)
        })
        .map_err(|e| BodyError(format!("zstd: {e}")))?;
    let mut at = 0;
    let lens = [
        read_len(&plain, &mut at)?,
        read_len(&plain, &mut at)?,
        read_len(&plain, &mut at)?,
    ];
    let mut texts = lens.into_iter().map(|len| {
        len.map(|len| {
            let bytes = plain
                .get(at..at + len)
                .ok_or_else(|| BodyError("a text is cut short".into()))?;
            at += len;
            String::from_utf8(bytes.to_vec()).map_err(|_| BodyError("a text is not UTF-8".into()))
        })
        .transpose()
    });
    let mut next = || texts.next().unwrap_or(Ok(None));
    Ok(Body {
        text: next()?,
        html: next()?,
        teaser_html: next()?,
    })
}

impl Body {
    fn part(&self, part: Part) -> Option<&str> {
        match part {
            Part::Text => self.text.as_deref(),
            Part::Html => self.html.as_deref(),
            Part::Teaser => self.teaser_html.as_deref(),
        }
    }
}

/// The SQL name of the function that reads one part of a body: `story_part(body, n)`.
pub(crate) const STORY_PART: &str = "story_part";
/// The SQL name of the function that gives the search index's CJK column:
/// `search_pairs(title, text)`, [`super::search::cjk_bigrams`] of both.
pub(crate) const SEARCH_PAIRS: &str = "search_pairs";

/// The last body a connection read and its texts: a story's columns are read one by one (its
/// text, HTML and teaser for the reader; text and CJK pairs for a snippet), each from the same
/// body, which is then decompressed once.
#[derive(Default)]
struct LastBody {
    stored: Vec<u8>,
    body: Body,
}

fn story_part(ctx: &Context<'_>, last: &RefCell<LastBody>) -> rusqlite::Result<Option<String>> {
    let stored = match ctx.get_raw(0) {
        ValueRef::Blob(b) => b,
        ValueRef::Null => return Ok(None),
        _ => {
            return Err(rusqlite::Error::UserFunctionError(Box::new(BodyError(
                "it is not a blob".into(),
            ))))
        }
    };
    let part = match ctx.get::<i64>(1)? {
        0 => Part::Text,
        1 => Part::Html,
        2 => Part::Teaser,
        n => {
            return Err(rusqlite::Error::UserFunctionError(
                format!("{STORY_PART}: no part {n}").into(),
            ))
        }
    };
    let mut last = last.borrow_mut();
    if last.stored != stored {
        let body = decode(stored).map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
        last.stored.clear();
        last.stored.extend_from_slice(stored);
        last.body = body;
    }
    Ok(last.body.part(part).map(str::to_string))
}

/// Registers the functions the schema calls on `conn`. The store does it on every connection
/// it opens; any other program writing articles with its own SQLite connection must do the
/// same (SQLite computes the generated columns on every insert and update).
pub fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    let flags = FunctionFlags::SQLITE_UTF8
        | FunctionFlags::SQLITE_DETERMINISTIC
        | FunctionFlags::SQLITE_INNOCUOUS;
    let last = RefCell::new(LastBody::default());
    conn.create_scalar_function(STORY_PART, 2, flags, move |ctx| story_part(ctx, &last))?;
    conn.create_scalar_function(SEARCH_PAIRS, 2, flags, |ctx| {
        let title = ctx.get::<Option<String>>(0)?.unwrap_or_default();
        let text = ctx.get::<Option<String>>(1)?.unwrap_or_default();
        Ok(super::search::cjk_bigrams(&format!("{title} {text}")))
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_round_trip_with_absent_and_empty_parts() {
        for (text, html, teaser) in [
            (Some("plain"), Some("<p>plain</p>"), Some("<p>teaser</p>")),
            (None, None, None),
            (Some(""), None, Some("")),
            (Some("香港的天气 \u{0} nul"), Some("<p>香港</p>"), None),
        ] {
            let stored = encode(text, html, teaser).unwrap();
            assert_eq!(stored[0], FORMAT_ZSTD);
            let body = decode(&stored).unwrap();
            assert_eq!(body.text.as_deref(), text);
            assert_eq!(body.html.as_deref(), html);
            assert_eq!(body.teaser_html.as_deref(), teaser);
        }
    }

    #[test]
    fn the_html_costs_little_beside_its_text() {
        let text = (0..400)
            .map(|i| format!("word{} ", i * 7919 % 1000))
            .collect::<String>();
        let html = format!("<p>{}</p>", text.replace(". ", ".</p><p>"));
        let both = encode(Some(&text), Some(&html), None).unwrap().len();
        let alone = encode(Some(&text), None, None).unwrap().len();
        assert!(both < alone + alone / 4, "{both} vs {alone}");
        assert!(both < (text.len() + html.len()) / 2, "{both}");
    }

    #[test]
    fn damaged_bodies_are_errors_not_panics() {
        let good = encode(Some("text"), Some("<p>text</p>"), None).unwrap();
        let mut cut = good.clone();
        cut.truncate(good.len() - 3);
        let mut other_format = good.clone();
        other_format[0] = 9;
        for bad in [
            &[][..],
            &[FORMAT_ZSTD][..],
            &cut,
            &other_format,
            b"\x01garbage",
        ] {
            assert!(decode(bad).is_err(), "{bad:?}");
        }
    }
}
