//! `tidings sync`: fetch every due feed and the new stories' pages, with progress and a summary.

use std::path::Path;

use clap::Args;

use crate::feeds::fetch::{FetchConfig, Fetcher};
use crate::store::OpenOptions;
use crate::sync::{sync_library, SyncEvent, SyncOptions};

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Fetch feeds only, not the stories' pages (to compare with feed-only readers).
    #[arg(long)]
    pub feeds_only: bool,
    /// Also fetch feeds that are backing off after failures.
    #[arg(long)]
    pub force: bool,
    /// Feeds fetched at once.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Requests at once to one host (polite to one site with many feeds).
    #[arg(long, default_value_t = 16)]
    pub per_host: usize,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(library: &Path, args: &SyncArgs, open: OpenOptions) -> anyhow::Result<()> {
    let options = SyncOptions {
        feeds_only: args.feeds_only,
        ignore_backoff: args.force,
        concurrency: args.concurrency.max(1),
        library: open,
        ..SyncOptions::default()
    };
    let config = FetchConfig {
        max_concurrent: options.concurrency,
        per_host: args.per_host.max(1),
        ..FetchConfig::default()
    };
    let fetcher = Fetcher::new(config)?;
    let bar = super::progress::Progress::new("sync", args.json);
    let progress = |event: SyncEvent| match &event {
        SyncEvent::FeedsStarted { total } => bar.phase("feeds", *total, 0),
        SyncEvent::FeedDone { done, title, .. } => bar.step(*done, Some(title)),
        SyncEvent::PagesStarted { total } => bar.phase("stories", *total, 0),
        SyncEvent::PageDone { done, .. } => bar.step(*done, None),
        SyncEvent::ImagesStarted { total } => bar.phase("images", *total, 0),
        SyncEvent::ImageDone { done, .. } => bar.step(*done, None),
        SyncEvent::AccountProgress { done: 0, total, .. } => {
            bar.phase("account stories", *total, 0)
        }
        SyncEvent::AccountProgress { done, .. } => bar.step(*done, None),
        SyncEvent::AccountDone { .. } => {}
    };
    let runtime = super::subscriptions::runtime()?;
    let report = runtime.block_on(sync_library(library, &fetcher, &options, &progress));
    bar.finish();
    let report = report?;
    let given_up = report.budget;
    if given_up.images + given_up.revisions > 0 {
        // On stderr: stdout may be the sync's JSON.
        eprintln!(
            "Over the storage budget: gave up {} images and {} revisions",
            given_up.images, given_up.revisions
        );
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    if report.offline {
        println!(
            "Offline: none of the {} feeds could be reached. No feed was marked as failing; \
             stories and images wait for the next sync.",
            report.feeds_total
        );
        return Ok(());
    }
    println!(
        "Synced {} feeds in {:.1} s: {} ok, {} not modified, {} failed; {} new articles, {} updated",
        report.feeds_total,
        report.seconds,
        report.feeds_ok,
        report.feeds_not_modified,
        report.feeds_failed.len(),
        report.new_articles,
        report.updated_articles
    );
    if report.muted_articles + report.folded_articles + report.flagged_articles > 0 {
        println!(
            "Rules and duplicates: {} muted, {} flagged; {} already in the library from another feed or guid",
            report.muted_articles, report.flagged_articles, report.folded_articles
        );
    }
    if !args.feeds_only {
        let feed_kept = match report.pages_feed_kept {
            0 => String::new(),
            n => format!(", {n} kept from the feed (the page gave far less)"),
        };
        println!(
            "Stories: {} full articles extracted, {} kept as teaser{feed_kept}; images: {} stored, {} failed",
            report.pages_extracted, report.pages_failed, report.images_stored, report.images_failed
        );
    }
    for failure in &report.feeds_failed {
        println!("  failed: {} — {}", failure.title, failure.error);
        if failure.kind == crate::sync::FailureKind::ReadersRefused {
            println!(
                "          {}",
                super::feed_settings::browser_agent_fix(failure.feed_id)
            );
        }
    }
    for account in &report.accounts {
        println!("{}", super::accounts::sync_line(account));
    }
    Ok(())
}
