//! Integration tests: one binary (one link step on two cores), one module per area.

mod cli;
mod crash;
mod dead_server;
mod discover;
mod export;
mod extract;
mod fetch;
mod hostile;
mod library;
mod opml;
mod parse;
mod refusal;
mod store;
mod support;
mod sync;
