//! Tidings: an offline news reader's library.
//!
//! Modules by job (a leaf never imports another leaf's internals; `sync` composes them):
//! - [`accounts`]: reader-server accounts: the Google Reader API client and where passwords live.
//! - [`annotations`]: anchoring highlights (text-quote selectors) in a story's plain text.
//! - [`charset`]: the character encoding of a web page (shared by `extract` and `feeds`).
//! - [`feeds`]: fetching feeds over HTTP and parsing them into [`feeds::ParsedFeed`]s.
//! - [`extract`]: pure article extraction, (HTML bytes, page URL) in, [`extract::Article`] out.
//! - [`sanitize`]: the one allowlist every stored piece of HTML passes through.
//! - [`images`]: naming offline images (the app's one image scheme) and recognising downloaded
//!   ones.
//! - [`store`]: the library file: schema, migrations and every SQL query.
//! - [`opml`]: reading and writing subscription lists.
//! - [`rules`]: mute and keep rules: which stories a rule catches (matching only).
//! - [`sync`]: the orchestrator that fetches, parses, extracts and stores.
//! - [`saved`]: pages saved to read later, one by hand or a read-later app's whole archive
//!   (composed of sync's stages).
//! - [`diff`]: word diffs between versions of a story.
//! - [`export`]: bookmarks as one HTML file or an EPUB book.
//! - [`cli`]: the headless `tidings` command over the same library file.
//! - [`urls`]: the one normalization that says two web addresses name the same page.

pub mod accounts;
pub mod annotations;
pub mod charset;
pub mod cli;
pub mod diff;
pub mod export;
pub mod extract;
pub mod feeds;
pub mod images;
pub mod opml;
pub mod paths;
pub mod rules;
pub mod sanitize;
pub mod saved;
pub mod store;
pub mod sync;
pub mod text;
pub mod urls;

/// Test folders, made one way for every test (the file is the integration tests').
#[cfg(test)]
#[path = "../tests/support/scratch.rs"]
mod scratch;

/// The version of this build, as shown by `tidings --version` and the app.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
