//! `tidings add`, `tidings import`, `tidings export-opml`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use crate::feeds::fetch::{origin_of, FetchConfig, FetchRequest, FetchResponse, Fetcher};
use crate::opml::{parse_opml, write_opml, OpmlSubscription};
use crate::store::{Library, NewFeed};
use crate::sync::subscribe::{find_feed, parse_address, SubscribeError};

#[derive(Debug, Args)]
pub struct AddArgs {
    /// A feed URL, or a site's address (its feed is discovered).
    pub url: String,
    /// Put the subscription in this folder (created if missing).
    #[arg(long)]
    pub folder: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// An OPML file, or an http(s) URL of one.
    pub source: String,
    /// Put every subscription in this folder instead of the file's own folders.
    #[arg(long)]
    pub folder: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to write the OPML file (default: standard output).
    pub file: Option<PathBuf>,
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

pub fn add(lib: &mut Library, args: &AddArgs) -> anyhow::Result<()> {
    let address = parse_address(&args.url)?;
    let fetcher = Fetcher::new(FetchConfig::default())?;
    let found = runtime()?.block_on(find_feed(&fetcher, &address));
    let new = match found {
        Ok(found) => {
            if let Some(page) = &found.discovered_from {
                println!("Found the feed of {page}: {}", found.url);
            }
            NewFeed {
                url: found.url.to_string(),
                title: found.title.clone(),
                site_url: found.site_url.clone(),
                folder: args.folder.clone(),
                trusted_host: true,
            }
        }
        // Offline or the server is down: subscribe anyway, the next sync retries it. Any other
        // answer (404, not a feed…) is the address's fault and is reported instead.
        Err(SubscribeError::Fetch(
            err @ (crate::feeds::fetch::FetchError::Connect { .. }
            | crate::feeds::fetch::FetchError::Timeout { .. }
            | crate::feeds::fetch::FetchError::Stalled { .. }),
        )) => {
            eprintln!("tidings: warning: could not check the feed now ({err}); subscribed anyway, the next sync will fetch it");
            NewFeed {
                url: address.to_string(),
                folder: args.folder.clone(),
                trusted_host: true,
                ..NewFeed::default()
            }
        }
        Err(other) => return Err(other.into()),
    };
    let (id, is_new) = lib.add_feed(&new)?;
    let name = new.title.as_deref().unwrap_or(&new.url);
    if is_new {
        println!("Subscribed to {name} (feed {id})");
    } else {
        println!("Already subscribed to {name} (feed {id})");
    }
    Ok(())
}

pub fn import(lib: &mut Library, args: &ImportArgs) -> anyhow::Result<()> {
    let bytes = if args.source.starts_with("http://") || args.source.starts_with("https://") {
        let url = url::Url::parse(&args.source)?;
        let fetcher = Fetcher::new(FetchConfig::default())?;
        let request = FetchRequest::feed(url.clone()).trusted(origin_of(&url));
        match runtime()?.block_on(fetcher.fetch(request))? {
            FetchResponse::Ok(f) => f.body,
            FetchResponse::NotModified { .. } => anyhow::bail!("{url} answered 304 Not Modified"),
        }
    } else {
        std::fs::read(&args.source).with_context(|| format!("cannot read {}", args.source))?
    };
    let opml = parse_opml(&bytes).with_context(|| format!("cannot import {}", args.source))?;
    let feeds: Vec<NewFeed> = opml
        .subscriptions
        .iter()
        .map(|s| NewFeed {
            folder: args.folder.clone().or_else(|| s.folder.clone()),
            ..NewFeed::from(s)
        })
        .collect();
    let added = lib.add_feeds(&feeds)?;
    println!(
        "Imported {} subscriptions ({} new, {} already there)",
        feeds.len(),
        added,
        feeds.len() - added
    );
    if opml.dropped_urls + opml.duplicates > 0 {
        println!(
            "Skipped {} entries with no usable feed URL and {} duplicates",
            opml.dropped_urls, opml.duplicates
        );
    }
    if let Some(problem) = &opml.incomplete {
        eprintln!("tidings: warning: the file is broken part-way ({problem}); the subscriptions before that point were imported");
    }
    Ok(())
}

pub fn export(lib: &Library, args: &ExportArgs) -> anyhow::Result<()> {
    let subs: Vec<OpmlSubscription> = lib
        .feeds_for_export()?
        .into_iter()
        .filter_map(|f| {
            Some(OpmlSubscription {
                xml_url: url::Url::parse(&f.url).ok()?,
                html_url: f.site_url.as_deref().and_then(|u| url::Url::parse(u).ok()),
                title: f.title,
                folder: f.folder,
            })
        })
        .collect();
    let text = write_opml("Tidings subscriptions", &subs);
    match &args.file {
        Some(path) => {
            std::fs::write(path, text)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "Exported {} subscriptions to {}",
                subs.len(),
                path.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(())
}
