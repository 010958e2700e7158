//! Feeds: fetching them over HTTP ([`fetch`]) and parsing them ([`parse`]).
//!
//! Leaves: neither part knows about the library file; `sync` stores what they return.

pub mod fetch;
pub mod parse;

pub use parse::{parse, FeedFormat, ParseError, ParsedEntry, ParsedFeed};
