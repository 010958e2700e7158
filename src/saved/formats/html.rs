//! Link lists in HTML: browser bookmark files (the Netscape format of Firefox, Chrome, Raindrop
//! and Pinboard: `<DT><A HREF ADD_DATE TAGS TOREAD>` in nested `<DL>` folders, a `<DD>`
//! description after a link) and Pocket's older export (`<a href time_added tags>` under
//! `<h1>Unread</h1>` and `<h1>Read Archive</h1>`).
//!
//! The file is cut into tags and text by a small scanner that keeps at most [`MAX_TAG_BYTES`]
//! of a tag and [`MAX_TEXT_BYTES`] of a text run (a favicon's data URL can be long; a file of
//! one endless tag is not held); each piece is then read by html5ever's tokenizer, which
//! knows HTML's attributes and character references.
//!
//! Folders become tags, except a browser's own top folders (the bookmarks bar or toolbar, the
//! menu, "Other" and "Mobile" bookmarks). A bookmark is read unless it says `TOREAD="1"`
//! (Pinboard's "to read"): a browser's bookmarks are pages already seen.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::{
    decode_text, epoch_seconds, non_empty, split_list, BadEntry, Entry, Item, Items, ReadError,
    NOT_UTF8,
};

/// The part of a tag kept (the link's address comes first; a long favicon after it is cut).
const MAX_TAG_BYTES: usize = 64 * 1024;

/// The part of a text run kept (a title, a folder's name, a description).
const MAX_TEXT_BYTES: usize = 16 * 1024;

/// Names of the folders browsers make themselves: not the person's filing, so not tags.
const TOP_FOLDERS: [&str; 8] = [
    "bookmarks",
    "bookmarks bar",
    "bookmarks toolbar",
    "bookmarks menu",
    "other bookmarks",
    "mobile bookmarks",
    "unsorted bookmarks",
    "favorites bar",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Pocket,
    Netscape,
}

pub(super) fn read(path: &Path, kind: Kind) -> Result<Items, ReadError> {
    let file = super::open(path)?;
    Ok(Box::new(Links {
        path: path.to_path_buf(),
        kind,
        scanner: Scanner::new(BufReader::new(file)),
        folders: Vec::new(),
        pending_folder: None,
        capture: None,
        text: Vec::new(),
        current: None,
        read_section: false,
        links: 0,
        out: VecDeque::new(),
        done: false,
    }))
}

/// A piece of the file: a tag (`<…>`, at most [`MAX_TAG_BYTES`] of it) or a run of text.
enum Piece {
    Tag(Vec<u8>),
    Text(Vec<u8>),
}

/// Cuts bytes into tags and text, skipping comments; quoted attribute values may hold `>`.
struct Scanner<R> {
    reader: R,
}

impl<R: BufRead> Scanner<R> {
    fn new(reader: R) -> Scanner<R> {
        Scanner { reader }
    }

    /// The next piece, `None` at the end of the file.
    fn next_piece(&mut self) -> std::io::Result<Option<Piece>> {
        let mut text = Vec::new();
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok((!text.is_empty()).then_some(Piece::Text(text)));
            }
            match memchr::memchr(b'<', buf) {
                Some(at) => {
                    keep(&mut text, &buf[..at], MAX_TEXT_BYTES);
                    self.reader.consume(at);
                    if !text.is_empty() {
                        return Ok(Some(Piece::Text(text)));
                    }
                    match self.tag()? {
                        Some(tag) => return Ok(Some(Piece::Tag(tag))),
                        None => continue, // a comment
                    }
                }
                None => {
                    let n = buf.len();
                    keep(&mut text, buf, MAX_TEXT_BYTES);
                    self.reader.consume(n);
                }
            }
        }
    }

    /// Reads a tag from its `<` to its `>`, or skips a comment (`None`).
    fn tag(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        let mut tag = Vec::new();
        let mut seen = 0usize;
        let mut quote: Option<u8> = None;
        let mut after_equals = false;
        let mut comment = false;
        let mut tail = [0u8; 2];
        loop {
            let buf = self.reader.fill_buf()?;
            if buf.is_empty() {
                return Ok((!comment).then_some(tag));
            }
            let mut used = 0;
            let mut end = false;
            for &b in buf {
                used += 1;
                seen += 1;
                if seen <= MAX_TAG_BYTES && !comment {
                    tag.push(b);
                }
                if seen == 4 && tag.starts_with(b"<!--") {
                    comment = true;
                    tag.clear();
                    continue;
                }
                if comment {
                    if b == b'>' && tail == *b"--" {
                        end = true;
                        break;
                    }
                    tail = [tail[1], b];
                    continue;
                }
                match quote {
                    Some(q) if b == q => quote = None,
                    Some(_) => {}
                    None if (b == b'"' || b == b'\'') && after_equals => quote = Some(b),
                    None if b == b'>' => {
                        end = true;
                        break;
                    }
                    None => {}
                }
                if !b.is_ascii_whitespace() {
                    after_equals = b == b'=';
                }
            }
            self.reader.consume(used);
            if end {
                return Ok((!comment).then_some(tag));
            }
        }
    }
}

fn keep(into: &mut Vec<u8>, bytes: &[u8], cap: usize) {
    let room = cap.saturating_sub(into.len());
    into.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

/// What the text being read belongs to.
enum Capture {
    /// A link's title; the link's attributes.
    Link(Attributes),
    /// A folder's name; whether the browser marks it as one of its own.
    Folder { top: bool },
    /// The description after a link.
    Description,
    /// A Pocket section's heading.
    Section,
}

struct Links {
    path: PathBuf,
    kind: Kind,
    scanner: Scanner<BufReader<std::fs::File>>,
    /// The folders the reader is in (one per open `<DL>`; `None`: not a tag).
    folders: Vec<Option<String>>,
    /// A folder named by `<H3>` whose `<DL>` is next.
    pending_folder: Option<Option<String>>,
    capture: Option<Capture>,
    text: Vec<u8>,
    /// A link read, waiting for a description that may follow it.
    current: Option<Entry>,
    /// Pocket: the links are under "Read Archive".
    read_section: bool,
    /// Links seen, for positions.
    links: usize,
    out: VecDeque<Item>,
    done: bool,
}

impl Iterator for Links {
    type Item = Result<Item, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.out.is_empty() && !self.done {
            match self.scanner.next_piece() {
                Ok(Some(Piece::Text(bytes))) => {
                    if self.capture.is_some() {
                        keep(&mut self.text, &bytes, MAX_TEXT_BYTES);
                    }
                }
                Ok(Some(Piece::Tag(bytes))) => self.tag(&bytes),
                Ok(None) => {
                    self.end_description();
                    self.flush();
                    self.done = true;
                }
                Err(source) => {
                    self.done = true;
                    return Some(Err(ReadError::Io {
                        path: self.path.clone(),
                        source,
                    }));
                }
            }
        }
        self.out.pop_front().map(Ok)
    }
}

impl Links {
    fn tag(&mut self, raw: &[u8]) {
        let (source, repaired) = decode_text(raw);
        let Some((kind, name, attrs)) = parse_tag(&source) else {
            return;
        };
        let start = kind == TagKind::StartTag;
        match (name.as_str(), start) {
            ("a", true) => {
                self.end_description();
                self.flush();
                let mut attrs = attrs;
                if repaired {
                    attrs.push(("tidings-not-utf8".into(), String::new()));
                }
                self.begin(Capture::Link(attrs));
            }
            ("a", false) => self.end_link(),
            ("h3", true) => {
                self.end_description();
                self.flush();
                let top = attrs.iter().any(|(k, v)| {
                    (k == "personal_toolbar_folder" || k == "unfiled_bookmarks_folder")
                        && v.eq_ignore_ascii_case("true")
                });
                self.begin(Capture::Folder { top });
            }
            ("h3", false) => {
                if let Some(Capture::Folder { top }) = self.capture.take() {
                    let name = text_of(&std::mem::take(&mut self.text));
                    let is_top = top || TOP_FOLDERS.contains(&name.to_lowercase().as_str());
                    self.pending_folder = Some((!is_top && !name.is_empty()).then_some(name));
                }
            }
            ("h1", true) => {
                self.end_description();
                self.flush();
                self.begin(Capture::Section);
            }
            ("h1", false) => {
                if let Some(Capture::Section) = self.capture.take() {
                    let heading = text_of(&std::mem::take(&mut self.text)).to_lowercase();
                    self.read_section = heading.contains("archive") || heading.contains("read ");
                }
            }
            ("dl", true) => {
                self.end_description();
                self.flush();
                let folder = self.pending_folder.take().flatten();
                self.folders.push(folder);
            }
            ("dl", false) => {
                self.end_description();
                self.flush();
                self.folders.pop();
            }
            ("dd", true) if self.current.is_some() => self.begin(Capture::Description),
            ("dt" | "li" | "ul" | "hr", _) => {
                self.end_description();
                self.flush();
            }
            _ => {}
        }
    }

    fn begin(&mut self, capture: Capture) {
        self.capture = Some(capture);
        self.text.clear();
    }

    fn end_description(&mut self) {
        if let Some(Capture::Description) = self.capture {
            self.capture = None;
            let note = text_of(&std::mem::take(&mut self.text));
            if let Some(entry) = self.current.as_mut() {
                entry.note = non_empty(&note);
            }
        }
    }

    /// Hands on the link read, if any.
    fn flush(&mut self) {
        if let Some(entry) = self.current.take() {
            self.out.push_back(Item::Entry(entry));
        }
    }

    fn end_link(&mut self) {
        let Some(Capture::Link(attrs)) = self.capture.take() else {
            return;
        };
        self.links += 1;
        let title = text_of(&std::mem::take(&mut self.text));
        let attr = |name: &str| {
            attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let Some(url) = attr("href").map(str::trim).filter(|u| !u.is_empty()) else {
            self.out.push_back(Item::Bad(BadEntry {
                position: format!("link {}", self.links),
                reason: "a link without an address".into(),
            }));
            return;
        };
        let (time, tags) = match self.kind {
            Kind::Pocket => (attr("time_added"), attr("tags")),
            Kind::Netscape => (attr("add_date"), attr("tags")),
        };
        let mut entry = Entry {
            url: url.to_string(),
            title: non_empty(&title),
            saved_at: time
                .and_then(|t| t.trim().parse::<i64>().ok())
                .and_then(epoch_seconds),
            tags: tags.map(|t| split_list(t, ',')).unwrap_or_default(),
            ..Entry::default()
        };
        match self.kind {
            Kind::Pocket => entry.read = self.read_section,
            Kind::Netscape => {
                entry.read = attr("toread").is_none_or(|v| v.trim() != "1");
                for folder in self.folders.iter().flatten() {
                    if !entry.tags.iter().any(|t| t.eq_ignore_ascii_case(folder)) {
                        entry.tags.push(folder.clone());
                    }
                }
            }
        }
        if attr("tidings-not-utf8").is_some() {
            entry.problem = Some(NOT_UTF8.into());
        }
        match self.kind {
            Kind::Pocket => self.out.push_back(Item::Entry(entry)),
            Kind::Netscape => self.current = Some(entry),
        }
    }
}

/// Collects what html5ever's tokenizer makes of a piece.
#[derive(Default)]
struct Collect(RefCell<Vec<Token>>);

impl TokenSink for Collect {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        self.0.borrow_mut().push(token);
        TokenSinkResult::Continue
    }
}

fn tokens(piece: &str) -> Vec<Token> {
    let tokenizer = Tokenizer::new(Collect::default(), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from_slice(piece));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.0.take()
}

/// Attributes as read: names lowercase, values with their references decoded.
type Attributes = Vec<(String, String)>;

/// A tag's kind, lowercase name and attributes.
fn parse_tag(source: &str) -> Option<(TagKind, String, Attributes)> {
    // A tag cut at its cap is closed, so its first attributes are still read.
    let closed;
    let source = if source.ends_with('>') {
        source
    } else {
        closed = format!("{source}\">");
        &closed
    };
    tokens(source).into_iter().find_map(|t| match t {
        Token::TagToken(tag) => Some((
            tag.kind,
            tag.name.to_string(),
            tag.attrs
                .into_iter()
                .map(|a| (a.name.local.to_string(), a.value.to_string()))
                .collect(),
        )),
        _ => None,
    })
}

/// The text of a run, references decoded and whitespace collapsed.
fn text_of(raw: &[u8]) -> String {
    let (source, _) = decode_text(raw);
    let mut text = String::new();
    for token in tokens(&source) {
        if let Token::CharacterTokens(chars) = token {
            text.push_str(&chars);
        }
    }
    crate::text::collapse_whitespace(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(input: &str) -> Vec<String> {
        let mut scanner = Scanner::new(input.as_bytes());
        let mut out = Vec::new();
        while let Some(piece) = scanner.next_piece().unwrap() {
            out.push(match piece {
                Piece::Tag(t) => format!("T{}", String::from_utf8_lossy(&t)),
                Piece::Text(t) => format!("X{}", String::from_utf8_lossy(&t)),
            });
        }
        out
    }

    #[test]
    fn the_scanner_keeps_quoted_brackets_and_skips_comments() {
        assert_eq!(
            pieces(r#"<A HREF="x?a>b" TITLE='y>z'>Hi &amp; bye</A><!-- <a href=no> -->tail"#),
            vec![
                r#"T<A HREF="x?a>b" TITLE='y>z'>"#,
                "XHi &amp; bye",
                "T</A>",
                "Xtail"
            ]
        );
    }

    #[test]
    fn tags_are_read_with_references_decoded() {
        let (kind, name, attrs) =
            parse_tag(r#"<A HREF="https://e.example/?a=1&amp;b=2" ADD_DATE=17>"#).unwrap();
        assert_eq!((kind, name.as_str()), (TagKind::StartTag, "a"));
        assert_eq!(
            attrs[0],
            ("href".into(), "https://e.example/?a=1&b=2".into())
        );
        assert_eq!(text_of(b"  Caf&eacute;\n  &lt;news&gt; "), "Café <news>");
        // A tag cut at its cap keeps the attributes before the cut.
        let (_, _, attrs) = parse_tag(r#"<A HREF="https://e.example/" ICON="data:AAAA"#).unwrap();
        assert_eq!(attrs[0].1, "https://e.example/");
    }
}
