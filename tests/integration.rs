//! Integration tests: one binary (one link step on two cores), one module per area.

mod cli;
mod crash;
mod dead_server;
mod dedupe;
mod discover;
mod export;
mod extract;
mod feed_settings;
mod fetch;
mod hostile;
mod library;
mod opml;
mod parse;
mod refusal;
mod rules;
mod store;
mod support;
mod sync;
