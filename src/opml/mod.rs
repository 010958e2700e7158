//! OPML: reading and writing subscription lists (folders kept).
//!
//! Pure: bytes in, [`Opml`] out ([`parse_opml`]); subscriptions in, OPML 2.0 text out
//! ([`write_opml`]). No fetching, no storing: the CLI and `sync` turn subscriptions into feeds.
//!
//! Folders: OPML nests outlines; the library has one level of named folders. An outline
//! without a feed URL that contains outlines is a folder, and nested folders are flattened to
//! their path joined with `" / "` (`News` > `Tech` becomes the folder `"News / Tech"`), at most
//! [`MAX_FOLDER_DEPTH`] levels (deeper ones are filed under their ancestor at that depth).
//! [`write_opml`] writes each folder as one top-level outline named by that path, so a file
//! written here reads back to the same folders.

mod read;
mod write;

pub use read::parse_opml;
pub use write::write_opml;

use url::Url;

/// Folder levels kept when flattening nested folders.
pub const MAX_FOLDER_DEPTH: usize = 8;

/// The separator between folder levels in a flattened folder name.
pub const FOLDER_SEPARATOR: &str = " / ";

/// A parsed subscription list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Opml {
    /// `<head><title>`, trimmed; `None` when absent or blank.
    pub title: Option<String>,
    /// Feeds in document order, each feed URL once.
    pub subscriptions: Vec<OpmlSubscription>,
    /// Outlines dropped because their feed URL was not a valid `http`/`https` URL.
    pub dropped_urls: usize,
    /// Outlines dropped because their feed URL was already listed.
    pub duplicates: usize,
    /// Set when the document is broken part-way: what went wrong and where. The subscriptions
    /// before that point are kept (a document broken before any subscription is an error).
    pub incomplete: Option<String>,
}

/// One feed in a subscription list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlSubscription {
    /// The feed's URL (`xmlUrl`; also read from `xmlurl`, any case, or `url`).
    pub xml_url: Url,
    /// The site's URL (`htmlUrl`), when present and a valid http(s) URL.
    pub html_url: Option<Url>,
    /// The outline's `text` (else `title`), trimmed; `None` when blank.
    pub title: Option<String>,
    /// The flattened folder path, `None` at the top level.
    pub folder: Option<String>,
}

impl From<&OpmlSubscription> for crate::store::NewFeed {
    /// The subscription to add for an imported list entry: the user chose the list, so its
    /// feeds are subscribed directly (their hosts trusted).
    fn from(s: &OpmlSubscription) -> Self {
        crate::store::NewFeed {
            url: s.xml_url.to_string(),
            title: s.title.clone(),
            site_url: s.html_url.as_ref().map(ToString::to_string),
            folder: s.folder.clone(),
            trusted_host: true,
        }
    }
}

/// Why a subscription list could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpmlError {
    /// The input is empty or only whitespace.
    #[error("the OPML file is empty")]
    Empty,
    /// The document's root element is not `<opml>` (an RSS feed or HTML page, for example).
    #[error("not an OPML file: the root element is <{root}>")]
    NotOpml {
        /// The root element's name.
        root: String,
    },
    /// The XML is broken before any subscription could be read.
    #[error("malformed OPML at byte {position}")]
    Malformed {
        /// Byte offset in the (UTF-8 decoded) document.
        position: u64,
        /// The XML error.
        #[source]
        source: quick_xml::Error,
    },
}
