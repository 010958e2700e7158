//! Omnivore's export: a zip of `metadata_<from>_to_<to>.json` lists (each item's `url`,
//! `title`, `labels`, `savedAt`, `state`, `slug`) beside the pages as Omnivore kept them,
//! `content/<slug>.html`.
//!
//! Against zip bombs: the zip's directory is measured before it is read (a directory of
//! millions of members is refused), and no member is read past its cap, counted as it inflates
//! whatever sizes the zip claims. A metadata list is read whole (it is a few kilobytes per
//! item, capped at [`MAX_METADATA_BYTES`]); a page is read when its item is.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use zip::ZipArchive;

use super::json::{keep_content, Flag, JsonList, Labels, Text};
use super::{non_empty, parse_time, BadEntry, Entry, Item, Items, ReadError};

/// The largest metadata list read.
const MAX_METADATA_BYTES: u64 = 64 * 1024 * 1024;

/// The largest zip directory read (about a million members).
const MAX_DIRECTORY_BYTES: u64 = 64 * 1024 * 1024;

/// An Omnivore item, as far as an import reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OmnivoreItem {
    url: Text,
    title: Text,
    slug: Text,
    labels: Labels,
    #[serde(rename = "savedAt")]
    saved_at: Text,
    state: Text,
    #[serde(rename = "isArchived")]
    is_archived: Flag,
}

pub(super) fn read(path: &Path) -> Result<Items, ReadError> {
    let expected = super::Format::Omnivore.describe();
    let not_this = |why: String| ReadError::NotThisFormat {
        path: path.to_path_buf(),
        expected,
        why,
    };
    let mut file = super::open(path)?;
    let directory = directory_size(&mut file)
        .map_err(|source| ReadError::Io {
            path: path.to_path_buf(),
            source,
        })?
        .ok_or_else(|| not_this("it is not a zip file".into()))?;
    if directory > MAX_DIRECTORY_BYTES {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            what: "the zip's directory".into(),
            limit: MAX_DIRECTORY_BYTES,
        });
    }
    let archive = ZipArchive::new(file).map_err(|e| not_this(format!("a broken zip: {e}")))?;
    let mut lists: Vec<(u64, String)> = archive
        .file_names()
        .filter_map(|name| {
            let name = name.ok()?;
            let base = name.rsplit('/').next().unwrap_or(&name);
            let rest = base.strip_prefix("metadata_")?.strip_suffix(".json")?;
            let from = rest.split('_').next()?.parse().unwrap_or(u64::MAX);
            Some((from, name.to_string()))
        })
        .collect();
    if lists.is_empty() {
        return Err(not_this("the zip holds no metadata_*.json".into()));
    }
    lists.sort();
    Ok(Box::new(Omnivore {
        path: path.to_path_buf(),
        archive,
        lists: lists.into_iter().map(|(_, name)| name).collect(),
        list: None,
        items: 0,
        failed: false,
    }))
}

struct Omnivore {
    path: PathBuf,
    archive: ZipArchive<File>,
    /// Metadata lists still to read.
    lists: VecDeque<String>,
    /// The list being read, and its name.
    list: Option<(String, JsonList<Cursor<Vec<u8>>>)>,
    /// Items read so far, for positions.
    items: usize,
    failed: bool,
}

impl Iterator for Omnivore {
    type Item = Result<Item, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        match self.next_item() {
            Ok(item) => item.map(Ok),
            Err(err) => {
                self.failed = true;
                Some(Err(err))
            }
        }
    }
}

impl Omnivore {
    fn next_item(&mut self) -> Result<Option<Item>, ReadError> {
        loop {
            let Some((name, list)) = self.list.as_mut() else {
                let Some(name) = self.lists.pop_front() else {
                    return Ok(None);
                };
                let bytes = self.member(&name, MAX_METADATA_BYTES)?;
                let expected = super::Format::Omnivore.describe();
                let list = JsonList::open(Cursor::new(bytes))
                    .map_err(|e| e.into_read_error(&self.path.join(&name), expected))?;
                self.list = Some((name, list));
                continue;
            };
            let item = match list.next_element::<OmnivoreItem>() {
                Ok(Some(item)) => item,
                Ok(None) => {
                    self.list = None;
                    continue;
                }
                Err(err) => {
                    let expected = super::Format::Omnivore.describe();
                    return Err(err.into_read_error(&self.path.join(name.as_str()), expected));
                }
            };
            self.items += 1;
            return Ok(Some(self.entry(item)));
        }
    }

    fn entry(&mut self, item: OmnivoreItem) -> Item {
        let Some(url) = item.url.0.and_then(|u| non_empty(&u)) else {
            return Item::Bad(BadEntry {
                position: format!("item {}", self.items),
                reason: "no address".into(),
            });
        };
        let archived = item
            .state
            .0
            .is_some_and(|s| s.trim().eq_ignore_ascii_case("archived"));
        let mut entry = Entry {
            url,
            title: item.title.0.and_then(|t| non_empty(&t)),
            saved_at: item.saved_at.0.as_deref().and_then(parse_time),
            read: archived || item.is_archived.0,
            tags: item.labels.0,
            ..Entry::default()
        };
        if let Some(slug) = item.slug.0.and_then(|s| non_empty(&s)) {
            let name = format!("content/{slug}.html");
            if self.archive.index_for_name(&name).is_some() {
                let cap = crate::extract::MAX_PAGE_BYTES as u64;
                match self.member(&name, cap) {
                    Ok(bytes) => {
                        let (html, repaired) = super::decode_text(&bytes);
                        keep_content(&mut entry, Some(html));
                        if repaired {
                            entry.problem = Some(super::NOT_UTF8.into());
                        }
                    }
                    Err(err) => {
                        entry.problem = Some(format!("its saved copy could not be read: {err}"))
                    }
                }
            }
        }
        Item::Entry(entry)
    }

    /// A member's bytes, read up to `cap` (counted as it inflates).
    fn member(&mut self, name: &str, cap: u64) -> Result<Vec<u8>, ReadError> {
        let path = self.path.join(name);
        let mut member = self.archive.by_name(name).map_err(|e| ReadError::Broken {
            path: self.path.clone(),
            position: name.to_string(),
            why: e.to_string(),
        })?;
        let mut bytes = Vec::new();
        (&mut member)
            .take(cap + 1)
            .read_to_end(&mut bytes)
            .map_err(|source| ReadError::Io {
                path: path.clone(),
                source,
            })?;
        if bytes.len() as u64 > cap {
            return Err(ReadError::TooLarge {
                path: self.path.clone(),
                what: format!("{name} (inflated)"),
                limit: cap,
            });
        }
        Ok(bytes)
    }
}

/// The size of a zip's central directory, from its end record (ZIP64's when the classic one
/// overflows); `None` when the file has no end record (it is not a zip).
fn directory_size(file: &mut File) -> std::io::Result<Option<u64>> {
    const END: &[u8] = b"PK\x05\x06";
    const LOCATOR: &[u8] = b"PK\x06\x07";
    const END64: &[u8] = b"PK\x06\x06";
    let len = file.seek(SeekFrom::End(0))?;
    // The end record is 22 bytes and may be followed by a comment of up to 65535.
    let tail_len = len.min(22 + 65_535);
    file.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = Vec::with_capacity(tail_len as usize);
    file.by_ref().take(tail_len).read_to_end(&mut tail)?;
    let Some(at) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..].starts_with(END))
    else {
        return Ok(None);
    };
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let u64_at = |b: &[u8], i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[i..i + 8]);
        u64::from_le_bytes(w)
    };
    let size = u32_at(&tail, at + 12);
    let members = u16_at(&tail, at + 10);
    if size != u32::MAX && members != u16::MAX {
        return Ok(Some(u64::from(size)));
    }
    // ZIP64: the locator's 20 bytes come just before the end record and point at the
    // ZIP64 end record, which holds the directory's size at offset 40.
    if at < 20 || !tail[at - 20..].starts_with(LOCATOR) {
        return Ok(Some(u64::from(size)));
    }
    let end64 = u64_at(&tail, at - 20 + 8);
    if end64 >= len {
        return Ok(None);
    }
    file.seek(SeekFrom::Start(end64))?;
    let mut record = [0u8; 56];
    file.read_exact(&mut record)?;
    if !record.starts_with(END64) {
        return Ok(None);
    }
    Ok(Some(u64_at(&record, 40)))
}
