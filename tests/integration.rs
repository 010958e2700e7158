//! Integration tests: one binary (one link step on two cores), one module per area.

mod accounts;
mod cli;
mod crash;
mod dead_server;
mod dedupe;
mod discover;
mod export;
mod extract;
mod feed_settings;
mod fetch;
mod highlights;
mod hostile;
mod import_saved;
mod library;
mod markdown;
mod opml;
mod parse;
mod refusal;
mod rules;
mod saved;
mod scratch;
mod store;
mod support;
mod sync;
