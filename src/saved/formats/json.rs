//! JSON archives read one entry at a time: a list's elements are parsed one by one from the
//! stream (never the whole list at once), each into lenient fields, so a field of an unexpected
//! type is only missing, never the end of the import. Only broken JSON is (at the entry where it
//! breaks). Strings are capped under the parser ([`StringLimit`]).
//!
//! Wallabag's export is such a list; Omnivore's `metadata_*.json` files are too (see
//! `omnivore.rs`).

use std::fmt;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::limits::StringLimit;
use super::{non_empty, parse_time, BadEntry, Entry, Item, Items, ReadError};

/// The longest string read (a page's content as an app kept it, a title).
pub(super) const MAX_STRING_BYTES: u64 = 16 * 1024 * 1024;

/// Tags read per entry; the rest are skipped.
const MAX_TAGS: usize = 100;

/// Why a JSON list could not be read on.
#[derive(Debug)]
pub(super) enum JsonError {
    /// The document is not a list: what it starts with instead.
    NotAList(String),
    /// Broken JSON, or the file ends inside an element.
    Broken {
        element: usize,
        why: String,
    },
    /// A string longer than [`MAX_STRING_BYTES`].
    TooLarge {
        element: usize,
    },
    Io(io::Error),
}

impl JsonError {
    /// As the import reports it, for `path` read as `expected`.
    pub(super) fn into_read_error(self, path: &Path, expected: &'static str) -> ReadError {
        match self {
            JsonError::NotAList(found) => ReadError::NotThisFormat {
                path: path.to_path_buf(),
                expected,
                why: format!("it is not a JSON list of entries (it starts with {found})"),
            },
            JsonError::Broken { element, why } => ReadError::Broken {
                path: path.to_path_buf(),
                position: format!("entry {}", element + 1),
                why,
            },
            JsonError::TooLarge { element } => ReadError::TooLarge {
                path: path.to_path_buf(),
                what: format!("a string in entry {}", element + 1),
                limit: MAX_STRING_BYTES,
            },
            JsonError::Io(source) => ReadError::Io {
                path: path.to_path_buf(),
                source,
            },
        }
    }
}

/// A byte reader that can put one byte back.
struct Peek<R> {
    inner: R,
    back: Option<u8>,
}

impl<R: Read> Peek<R> {
    fn next_byte(&mut self) -> io::Result<Option<u8>> {
        if let Some(b) = self.back.take() {
            return Ok(Some(b));
        }
        let mut one = [0u8; 1];
        loop {
            match self.inner.read(&mut one) {
                Ok(0) => return Ok(None),
                Ok(_) => return Ok(Some(one[0])),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The next byte that is not JSON whitespace.
    fn next_token(&mut self) -> io::Result<Option<u8>> {
        loop {
            match self.next_byte()? {
                Some(b' ' | b'\t' | b'\n' | b'\r') => {}
                other => return Ok(other),
            }
        }
    }
}

impl<R: Read> Read for Peek<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match (self.back.take(), buf.first_mut()) {
            (Some(b), Some(first)) => {
                *first = b;
                Ok(1)
            }
            (Some(b), None) => {
                self.back = Some(b);
                Ok(0)
            }
            (None, _) => self.inner.read(buf),
        }
    }
}

/// The elements of a JSON list, parsed one at a time.
pub(super) struct JsonList<R> {
    bytes: Peek<StringLimit<R>>,
    /// Elements read so far.
    element: usize,
    done: bool,
}

impl<R: Read> JsonList<R> {
    /// Starts reading the list at the start of `reader` (after a byte-order mark).
    pub(super) fn open(reader: R) -> Result<JsonList<R>, JsonError> {
        let mut list = JsonList {
            bytes: Peek {
                inner: StringLimit::new(reader, MAX_STRING_BYTES),
                back: None,
            },
            element: 0,
            done: false,
        };
        let mut first = list.bytes.next_token().map_err(JsonError::Io)?;
        if first == Some(0xEF) {
            // A UTF-8 byte-order mark: two more bytes, then the document.
            for _ in 0..2 {
                list.bytes.next_byte().map_err(JsonError::Io)?;
            }
            first = list.bytes.next_token().map_err(JsonError::Io)?;
        }
        match first {
            Some(b'[') => Ok(list),
            Some(b) => Err(JsonError::NotAList(format!("{:?}", b as char))),
            None => Err(JsonError::NotAList("nothing: the file is empty".into())),
        }
    }

    /// The next element, `None` after the last.
    pub(super) fn next_element<T: DeserializeOwned>(&mut self) -> Result<Option<T>, JsonError> {
        if self.done {
            return Ok(None);
        }
        let broken = |element, why: String| JsonError::Broken { element, why };
        match self.bytes.next_token().map_err(JsonError::Io)? {
            Some(b']') => {
                self.done = true;
                return Ok(None);
            }
            Some(b',') if self.element > 0 => {}
            Some(b) if self.element == 0 => self.bytes.back = Some(b),
            Some(b) => {
                return Err(broken(
                    self.element,
                    format!("expected ',' or ']' after it, found {:?}", b as char),
                ))
            }
            None => {
                return Err(broken(
                    self.element,
                    "the file ends inside the list (truncated?)".into(),
                ))
            }
        }
        let element = self.element;
        let mut de = serde_json::Deserializer::from_reader(&mut self.bytes);
        match T::deserialize(&mut de) {
            Ok(value) => {
                self.element += 1;
                Ok(Some(value))
            }
            Err(_) if self.bytes.inner.tripped() => Err(JsonError::TooLarge { element }),
            Err(err) if err.is_eof() => Err(broken(
                element,
                "the file ends inside this entry (truncated?)".into(),
            )),
            Err(err) => Err(broken(element, err.to_string())),
        }
    }
}

/// A string field, or nothing when the value is absent or not a string (a number is written
/// out).
#[derive(Debug, Default)]
pub(super) struct Text(pub Option<String>);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Loose::Other).map(|v| match v {
            Loose::Text(t) => Text(Some(t)),
            Loose::Number(n) => Text(Some(n.to_string())),
            _ => Text(None),
        })
    }
}

/// A yes-or-no field: `true`, a non-zero number, or a string saying so.
#[derive(Debug, Default)]
pub(super) struct Flag(pub bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Loose::Other).map(|v| {
            Flag(match v {
                Loose::Bool(b) => b,
                Loose::Number(n) => n != 0.0,
                Loose::Text(t) => matches!(t.trim(), "1" | "true" | "yes"),
                _ => false,
            })
        })
    }
}

/// Tags or labels: a list of strings, or of objects naming them (`label`, `name`, `slug`,
/// `title`); at most [`MAX_TAGS`].
#[derive(Debug, Default)]
pub(super) struct Labels(pub Vec<String>);

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct LabelsVisitor;
        impl<'de> Visitor<'de> for LabelsVisitor {
            type Value = Labels;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of tags")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Labels, A::Error> {
                let mut labels = Vec::new();
                while let Some(label) = seq.next_element::<Label>()? {
                    if let (Some(text), true) = (label.0, labels.len() < MAX_TAGS) {
                        labels.push(text);
                    }
                }
                Ok(Labels(labels))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Labels, E> {
                Ok(Labels(super::split_list(v, ',')))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Labels, E> {
                Ok(Labels::default())
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Labels, E> {
                Ok(Labels::default())
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Labels, E> {
                Ok(Labels::default())
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Labels, E> {
                Ok(Labels::default())
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Labels, E> {
                Ok(Labels::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Labels, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Labels::default())
            }
        }
        d.deserialize_any(LabelsVisitor)
    }
}

/// One label: a string, or an object's `label`, `name`, `slug` or `title`.
struct Label(Option<String>);

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Loose::Other).map(|v| match v {
            Loose::Text(t) => Label(non_empty(&t)),
            Loose::Named(name) => Label(name),
            _ => Label(None),
        })
    }
}

/// Any JSON value, kept only as far as the lenient fields need it (lists and objects are
/// skipped, but for an object's name).
enum Loose {
    Text(String),
    Number(f64),
    Bool(bool),
    /// An object, with its `label`, `name`, `slug` or `title` string if it has one.
    Named(Option<String>),
    Other,
}

impl<'de> Visitor<'de> for Loose {
    type Value = Loose;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Loose, E> {
        Ok(Loose::Text(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Loose, E> {
        Ok(Loose::Text(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Loose, E> {
        Ok(Loose::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose, E> {
        Ok(Loose::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose, E> {
        Ok(Loose::Number(v as f64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Loose, E> {
        Ok(Loose::Number(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Loose, E> {
        Ok(Loose::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Loose, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Loose::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Loose, A::Error> {
        let mut name = None;
        while let Some(key) = map.next_key::<String>()? {
            if name.is_none() && matches!(key.as_str(), "label" | "name" | "slug" | "title") {
                name = map.next_value::<Text>()?.0.and_then(|t| non_empty(&t));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Loose::Named(name))
    }
}

impl<'de> Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Loose::Other)
    }
}

/// A Wallabag entry, as far as an import reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct WallabagEntry {
    url: Text,
    title: Text,
    content: Text,
    is_archived: Flag,
    is_starred: Flag,
    tags: Labels,
    created_at: Text,
}

pub(super) fn read_wallabag(path: &Path) -> Result<Items, ReadError> {
    let expected = super::Format::Wallabag.describe();
    let list = JsonList::open(BufReader::new(super::open(path)?))
        .map_err(|e| e.into_read_error(path, expected))?;
    Ok(Box::new(Wallabag {
        path: path.to_path_buf(),
        list,
        failed: false,
    }))
}

struct Wallabag {
    path: PathBuf,
    list: JsonList<BufReader<std::fs::File>>,
    failed: bool,
}

impl Iterator for Wallabag {
    type Item = Result<Item, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let position = self.list.element + 1;
        match self.list.next_element::<WallabagEntry>() {
            Ok(None) => None,
            Ok(Some(w)) => {
                let Some(url) = w.url.0.and_then(|u| non_empty(&u)) else {
                    return Some(Ok(Item::Bad(BadEntry {
                        position: format!("entry {position}"),
                        reason: "no address".into(),
                    })));
                };
                let mut tags = w.tags.0;
                if w.is_starred.0 {
                    tags.push("starred".into());
                }
                let mut entry = Entry {
                    url,
                    title: w.title.0.and_then(|t| non_empty(&t)),
                    saved_at: w.created_at.0.as_deref().and_then(parse_time),
                    read: w.is_archived.0,
                    tags,
                    ..Entry::default()
                };
                keep_content(&mut entry, w.content.0);
                Some(Ok(Item::Entry(entry)))
            }
            Err(err) => {
                self.failed = true;
                Some(Err(err.into_read_error(
                    &self.path,
                    super::Format::Wallabag.describe(),
                )))
            }
        }
    }
}

/// Keeps an app's copy of the page on the entry, unless it is empty or larger than a page
/// may be (then the entry says so).
pub(super) fn keep_content(entry: &mut Entry, content: Option<String>) {
    match content {
        Some(html) if html.len() > crate::extract::MAX_PAGE_BYTES => {
            entry.problem = Some(format!(
                "its saved copy ({} bytes) is larger than a page may be, and was left out",
                html.len()
            ));
        }
        Some(html) if !html.trim().is_empty() => entry.content_html = Some(html),
        _ => {}
    }
}

/// Every element of the list `json`, for tests.
#[cfg(test)]
pub(super) fn elements<T: DeserializeOwned>(json: &str) -> Result<Vec<T>, JsonError> {
    let mut list = JsonList::open(json.as_bytes())?;
    let mut out = Vec::new();
    while let Some(v) = list.next_element()? {
        out.push(v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct Probe {
        a: Text,
        f: Flag,
        tags: Labels,
    }

    #[test]
    fn lists_are_read_element_by_element_with_lenient_fields() {
        let got: Vec<Probe> = elements(
            r#" [ {"a": "x", "f": 1, "tags": ["t1", {"label": "t2"}, 3, {"slug": "t3"}]},
                  {"a": 12, "f": "true", "tags": "p, q", "other": {"deep": [1, 2]}},
                  {"a": {"nested": true}, "f": false, "tags": null} ] "#,
        )
        .unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].a.0.as_deref(), Some("x"));
        assert!(got[0].f.0);
        assert_eq!(got[0].tags.0, ["t1", "t2", "t3"]);
        assert_eq!(got[1].a.0.as_deref(), Some("12"));
        assert!(got[1].f.0);
        assert_eq!(got[1].tags.0, ["p", "q"]);
        assert_eq!(got[2].a.0, None);
        assert!(!got[2].f.0);
    }

    #[test]
    fn broken_and_truncated_lists_say_where() {
        let err = elements::<Probe>(r#"[{"a": "x"}, {"a": "y""#).unwrap_err();
        assert!(
            matches!(err, JsonError::Broken { element: 1, .. }),
            "{err:?}"
        );
        let err = elements::<Probe>(r#"[{"a": "x"} {"a": "y"}]"#).unwrap_err();
        assert!(
            matches!(err, JsonError::Broken { element: 1, .. }),
            "{err:?}"
        );
        let err = elements::<Probe>(r#"{"a": "x"}"#).unwrap_err();
        assert!(matches!(err, JsonError::NotAList(_)), "{err:?}");
        assert!(elements::<Probe>("\u{feff}[]").unwrap().is_empty());
    }
}
