//! Read-later archives as a stream of entries: Pocket's CSV export and its older HTML one,
//! Instapaper's CSV, Wallabag's JSON, Omnivore's zip (`metadata_*.json` beside the pages'
//! content) and browser bookmark files (the Netscape HTML of Firefox, Chrome, Raindrop and
//! Pinboard).
//!
//! Pure reading: a file in, entries out one at a time, so memory stays bounded whatever the
//! file's size (no row, tag, string or zip member is held past its cap). No fetching, no
//! library. An entry that cannot be read is an [`Item::Bad`] with its position and the reason,
//! and reading goes on; a file that cannot be read on is a [`ReadError`].

mod csv;
mod html;
mod json;
mod limits;
mod omnivore;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime};

/// The archive formats an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Pocket's CSV export: `title,url,time_added,tags,status`.
    PocketCsv,
    /// Pocket's older HTML export: links under "Unread" and "Read Archive".
    PocketHtml,
    /// Instapaper's CSV export: `URL,Title,Selection,Folder,Timestamp`.
    Instapaper,
    /// Wallabag's JSON export (entries with their content).
    Wallabag,
    /// Omnivore's export: a zip of `metadata_*.json` and `content/<slug>.html`.
    Omnivore,
    /// A browser's bookmark file (Netscape HTML).
    Bookmarks,
}

impl Format {
    /// Every format, in the order detection and help list them.
    pub const ALL: [Format; 6] = [
        Format::PocketCsv,
        Format::PocketHtml,
        Format::Instapaper,
        Format::Wallabag,
        Format::Omnivore,
        Format::Bookmarks,
    ];

    /// The format's name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Format::PocketCsv => "pocket-csv",
            Format::PocketHtml => "pocket-html",
            Format::Instapaper => "instapaper",
            Format::Wallabag => "wallabag",
            Format::Omnivore => "omnivore",
            Format::Bookmarks => "bookmarks",
        }
    }

    /// The format in words: "a Pocket CSV export".
    pub fn describe(self) -> &'static str {
        match self {
            Format::PocketCsv => "a Pocket CSV export",
            Format::PocketHtml => "a Pocket HTML export",
            Format::Instapaper => "an Instapaper CSV export",
            Format::Wallabag => "a Wallabag JSON export",
            Format::Omnivore => "an Omnivore export (zip)",
            Format::Bookmarks => "a browser bookmark file",
        }
    }

    /// The format named `name` (see [`Format::name`]).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// One saved page as an archive lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// The address as written (not checked: the import decides what it fetches).
    pub url: String,
    pub title: Option<String>,
    /// When it was saved (seconds since the Unix epoch).
    pub saved_at: Option<i64>,
    /// Archived (read) in the app it comes from.
    pub read: bool,
    /// Its tags, folders (not a browser's own top folders) and labels.
    pub tags: Vec<String>,
    /// A note kept with it (Instapaper's selection, a bookmark's description).
    pub note: Option<String>,
    /// The page's content as the app kept it (Wallabag, Omnivore): what is stored when the
    /// page itself is gone.
    pub content_html: Option<String>,
    /// What was repaired to read it (text that was not UTF-8, content over the size cap).
    pub problem: Option<String>,
}

/// An entry that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadEntry {
    /// Where it is in the file ("row 12", "entry 40").
    pub position: String,
    pub reason: String,
}

/// What the next position of an archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Entry(Entry),
    Bad(BadEntry),
}

/// Why an archive cannot be read (on).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not {expected}: {why}")]
    NotThisFormat {
        path: PathBuf,
        expected: &'static str,
        why: String,
    },
    #[error(
        "cannot tell what {path} is: it is not a Pocket export (CSV or HTML), an Instapaper CSV, \
         a Wallabag JSON, an Omnivore zip or a browser bookmark file"
    )]
    Unknown { path: PathBuf },
    #[error(
        "{path}: {what} is larger than {limit} bytes, refused (a damaged file, or a zip bomb?)"
    )]
    TooLarge {
        path: PathBuf,
        what: String,
        limit: u64,
    },
    #[error("{path} is broken at {position}: {why}")]
    Broken {
        path: PathBuf,
        position: String,
        why: String,
    },
}

/// An archive's items, in file order.
pub type Items = Box<dyn Iterator<Item = Result<Item, ReadError>> + Send>;

/// Bytes of a file's start that detection looks at.
const HEAD_BYTES: usize = 64 * 1024;

/// Tells an archive's format from its first bytes.
pub fn detect(path: &Path) -> Result<Format, ReadError> {
    let head = head_of(path)?;
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Ok(Format::Omnivore);
    }
    let text = String::from_utf8_lossy(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head))
        .to_ascii_lowercase();
    let start = text.trim_start();
    if start.starts_with('[') || start.starts_with('{') {
        if ["\"is_archived\"", "\"reading_time\"", "\"domain_name\""]
            .iter()
            .any(|k| start.contains(k))
        {
            return Ok(Format::Wallabag);
        }
        return Err(ReadError::Unknown {
            path: path.to_path_buf(),
        });
    }
    if start.starts_with('<') {
        if start.contains("netscape-bookmark-file") {
            return Ok(Format::Bookmarks);
        }
        if start.contains("<title>pocket export</title>") || start.contains("time_added=") {
            return Ok(Format::PocketHtml);
        }
        if start.contains("<dt>") && start.contains("href=") {
            return Ok(Format::Bookmarks);
        }
        return Err(ReadError::Unknown {
            path: path.to_path_buf(),
        });
    }
    let first_line = start.lines().next().unwrap_or("");
    let columns: Vec<&str> = first_line
        .split(',')
        .map(|c| c.trim().trim_matches('"'))
        .collect();
    let has = |name: &str| columns.contains(&name);
    if has("url") && has("time_added") {
        return Ok(Format::PocketCsv);
    }
    if has("url") && has("folder") && has("timestamp") {
        return Ok(Format::Instapaper);
    }
    Err(ReadError::Unknown {
        path: path.to_path_buf(),
    })
}

/// Opens an archive of `format` for reading, item by item. A file that is plainly not of that
/// format (no such columns, not JSON, no metadata in the zip) is refused here, before any
/// entry is read.
pub fn read(path: &Path, format: Format) -> Result<Items, ReadError> {
    match format {
        Format::PocketCsv => csv::read(path, csv::Kind::Pocket),
        Format::Instapaper => csv::read(path, csv::Kind::Instapaper),
        Format::PocketHtml => html::read(path, html::Kind::Pocket),
        Format::Bookmarks => html::read(path, html::Kind::Netscape),
        Format::Wallabag => json::read_wallabag(path),
        Format::Omnivore => omnivore::read(path),
    }
}

fn open(path: &Path) -> Result<File, ReadError> {
    File::open(path).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn head_of(path: &Path) -> Result<Vec<u8>, ReadError> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    open(path)?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|source| ReadError::Io {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(head)
}

/// Text as the archive wrote it: UTF-8, else (a file saved by an old tool) Windows-1252, in
/// which case the second value is true.
fn decode_text(bytes: &[u8]) -> (String, bool) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), false),
        Err(_) => (encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(), true),
    }
}

/// What an entry's problem says when its text was not UTF-8.
const NOT_UTF8: &str = "its text is not UTF-8 (read as Windows-1252)";

/// Seconds since the epoch from a number an archive wrote: seconds, or (for large values)
/// milliseconds or microseconds. `None` for zero, negative or absurd values.
fn epoch_seconds(value: i64) -> Option<i64> {
    let seconds = match value {
        v if v <= 0 => return None,
        v if v < 100_000_000_000 => v,
        v if v < 100_000_000_000_000 => v / 1_000,
        v => v / 1_000_000,
    };
    // Before 1995 or after 2200: not a saved time.
    (788_918_400..7_258_118_400)
        .contains(&seconds)
        .then_some(seconds)
}

/// A saved time as archives write it: a number (see [`epoch_seconds`]), RFC 3339, ISO 8601 with
/// a `+0100` offset, or `YYYY-MM-DD HH:MM:SS` (taken as UTC).
fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(n) = text.parse::<i64>() {
        return epoch_seconds(n);
    }
    let seconds = DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%z"))
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map(|d| d.timestamp())
        .ok()
        .or_else(|| {
            [
                "%Y-%m-%d %H:%M:%S",
                "%Y-%m-%dT%H:%M:%S",
                "%Y-%m-%dT%H:%M:%S%.f",
            ]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
            .map(|d| d.and_utc().timestamp())
        })?;
    epoch_seconds(seconds)
}

/// The non-empty, trimmed pieces of `list` split at `separator`.
fn split_list(list: &str, separator: char) -> Vec<String> {
    list.split(separator)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// `text` trimmed, `None` when empty.
fn non_empty(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_times_in_their_many_spellings() {
        assert_eq!(parse_time("1700000000"), Some(1_700_000_000));
        assert_eq!(parse_time("1700000000123"), Some(1_700_000_000));
        assert_eq!(parse_time("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(parse_time("2023-11-14T23:13:20+0100"), Some(1_700_000_000));
        assert_eq!(parse_time("2023-11-14T22:13:20.000Z"), Some(1_700_000_000));
        assert_eq!(parse_time("2023-11-14 22:13:20"), Some(1_700_000_000));
        for nonsense in ["", "0", "-5", "yesterday", "99999999999999999999"] {
            assert_eq!(parse_time(nonsense), None, "{nonsense:?}");
        }
    }

    #[test]
    fn text_that_is_not_utf8_is_read_as_windows_1252() {
        assert_eq!(decode_text(b"caf\xc3\xa9"), ("café".to_string(), false));
        assert_eq!(decode_text(b"caf\xe9"), ("café".to_string(), true));
    }

    #[test]
    fn formats_go_by_their_names() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()), Some(format));
        }
        assert_eq!(Format::from_name(" Pocket-CSV "), Some(Format::PocketCsv));
        assert_eq!(Format::from_name("opml"), None);
    }
}
