//! Feeds: fetching them over HTTP ([`fetch`]), finding them from a site's page ([`discover`])
//! and parsing them ([`parse`](mod@parse)).
//!
//! Leaves: neither part knows about the library file; `sync` stores what they return.

pub mod discover;
pub mod fetch;
pub mod parse;

pub use parse::{parse, FeedFormat, ParseError, ParsedEntry, ParsedFeed};
