//! Pocket's CSV export (`title,url,time_added,tags,status`: tags split by `|`, status
//! `archive` or `unread`) and Instapaper's (`URL,Title,Selection,Folder,Timestamp`, and in newer
//! exports `Tags`): columns found by name in the first row, rows read one at a time. A row
//! without an address is a bad entry; a row cut short (a truncated file) keeps what it has.

use std::io::BufReader;
use std::path::{Path, PathBuf};

use csv::ByteRecord;

use super::limits::{Oversized, RowLimit};
use super::{
    decode_text, non_empty, parse_time, split_list, BadEntry, Entry, Item, Items, ReadError,
    NOT_UTF8,
};

/// The longest row read (an Instapaper selection can be long; a row of megabytes is not one).
const MAX_ROW_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Pocket,
    Instapaper,
}

impl Kind {
    fn format(self) -> super::Format {
        match self {
            Kind::Pocket => super::Format::PocketCsv,
            Kind::Instapaper => super::Format::Instapaper,
        }
    }
}

/// Where each known column is (`None`: the file has no such column).
#[derive(Debug, Default)]
struct Columns {
    url: usize,
    title: Option<usize>,
    time: Option<usize>,
    tags: Option<usize>,
    status: Option<usize>,
    selection: Option<usize>,
    folder: Option<usize>,
}

struct Rows {
    path: PathBuf,
    kind: Kind,
    columns: Columns,
    reader: csv::Reader<RowLimit<BufReader<std::fs::File>>>,
    record: ByteRecord,
    failed: bool,
}

pub(super) fn read(path: &Path, kind: Kind) -> Result<Items, ReadError> {
    let file = super::open(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(RowLimit::new(BufReader::new(file), MAX_ROW_BYTES));
    let not_this = |why: String| ReadError::NotThisFormat {
        path: path.to_path_buf(),
        expected: kind.format().describe(),
        why,
    };
    let mut header = ByteRecord::new();
    match reader.read_byte_record(&mut header) {
        Ok(true) => {}
        Ok(false) => return Err(not_this("the file is empty".into())),
        Err(err) => return Err(csv_error(path, err)),
    }
    let names: Vec<String> = header
        .iter()
        .map(|field| {
            let field = field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field);
            decode_text(field).0.trim().to_ascii_lowercase()
        })
        .collect();
    let at = |name: &str| names.iter().position(|n| n == name);
    let Some(url) = at("url") else {
        let first: String = names.join(",").chars().take(80).collect();
        return Err(not_this(format!(
            "its first row ({first:?}) has no url column"
        )));
    };
    let columns = match kind {
        Kind::Pocket => Columns {
            url,
            title: at("title"),
            time: at("time_added"),
            tags: at("tags"),
            status: at("status"),
            ..Columns::default()
        },
        Kind::Instapaper => Columns {
            url,
            title: at("title"),
            time: at("timestamp"),
            tags: at("tags"),
            selection: at("selection"),
            folder: at("folder"),
            ..Columns::default()
        },
    };
    Ok(Box::new(Rows {
        path: path.to_path_buf(),
        kind,
        columns,
        reader,
        record: ByteRecord::new(),
        failed: false,
    }))
}

fn csv_error(path: &Path, err: csv::Error) -> ReadError {
    let line = err.position().map(|p| p.line());
    match err.into_kind() {
        csv::ErrorKind::Io(io) => match Oversized::of(&io) {
            Some(over) => ReadError::TooLarge {
                path: path.to_path_buf(),
                what: match line {
                    Some(line) => format!("the row after line {line}"),
                    None => "a row".into(),
                },
                limit: over.limit,
            },
            None => ReadError::Io {
                path: path.to_path_buf(),
                source: io,
            },
        },
        other => ReadError::Broken {
            path: path.to_path_buf(),
            position: line.map_or_else(|| "a row".into(), |l| format!("line {l}")),
            why: format!("{other:?}"),
        },
    }
}

impl Iterator for Rows {
    type Item = Result<Item, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true)
                    if self
                        .record
                        .iter()
                        .all(|f| f.iter().all(u8::is_ascii_whitespace)) => {}
                Ok(true) => return Some(Ok(self.item())),
                Err(err) => {
                    self.failed = true;
                    return Some(Err(csv_error(&self.path, err)));
                }
            }
        }
    }
}

impl Rows {
    fn item(&self) -> Item {
        let line = self.record.position().map_or(0, |p| p.line());
        let mut repaired = false;
        let mut field = |column: Option<usize>| -> String {
            let bytes = column.and_then(|c| self.record.get(c)).unwrap_or_default();
            let (text, fixed) = decode_text(bytes);
            repaired |= fixed;
            text
        };
        let url = field(Some(self.columns.url)).trim().to_string();
        if url.is_empty() {
            let reason = if self.record.len() <= self.columns.url {
                format!(
                    "{} fields where the address is field {} (a row cut short?)",
                    self.record.len(),
                    self.columns.url + 1
                )
            } else {
                "no address".to_string()
            };
            return Item::Bad(BadEntry {
                position: format!("row {line}"),
                reason,
            });
        }
        let mut entry = Entry {
            url,
            title: non_empty(&field(self.columns.title)),
            saved_at: parse_time(&field(self.columns.time)),
            ..Entry::default()
        };
        let tags = field(self.columns.tags);
        match self.kind {
            Kind::Pocket => {
                entry.tags = split_list(&tags, '|');
                entry.read = field(self.columns.status)
                    .trim()
                    .eq_ignore_ascii_case("archive");
            }
            Kind::Instapaper => {
                entry.note = non_empty(&field(self.columns.selection));
                // Newer exports write the tags as a JSON list.
                entry.tags = serde_json::from_str::<Vec<String>>(&tags)
                    .unwrap_or_else(|_| split_list(&tags, ','));
                let folder = field(self.columns.folder);
                match folder.trim() {
                    f if f.eq_ignore_ascii_case("archive") => entry.read = true,
                    f if f.eq_ignore_ascii_case("unread") || f.is_empty() => {}
                    f if f.eq_ignore_ascii_case("starred") => entry.tags.push("starred".into()),
                    f => entry.tags.push(f.to_string()),
                }
            }
        }
        if repaired {
            entry.problem = Some(NOT_UTF8.into());
        }
        Item::Entry(entry)
    }
}
