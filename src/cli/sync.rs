//! `tidings sync`: fetch every due feed and the new stories' pages, with progress and a summary.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Mutex;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use crate::feeds::fetch::{FetchConfig, Fetcher};
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

pub fn run(library: &Path, args: &SyncArgs) -> anyhow::Result<()> {
    let options = SyncOptions {
        feeds_only: args.feeds_only,
        ignore_backoff: args.force,
        concurrency: args.concurrency.max(1),
        ..SyncOptions::default()
    };
    let config = FetchConfig {
        max_concurrent: options.concurrency,
        per_host: args.per_host.max(1),
        ..FetchConfig::default()
    };
    let fetcher = Fetcher::new(config)?;
    let terminal = std::io::stderr().is_terminal() && !args.json;
    let bar: Mutex<Option<ProgressBar>> = Mutex::new(None);
    let last_percent = Mutex::new(-1i64);
    let progress = |event: SyncEvent| {
        let (done, total, what) = match &event {
            SyncEvent::FeedsStarted { total } => (0, *total, "feeds"),
            SyncEvent::FeedDone { done, total, .. } => (*done, *total, "feeds"),
            SyncEvent::PagesStarted { total } => (0, *total, "stories"),
            SyncEvent::PageDone { done, total, .. } => (*done, *total, "stories"),
            SyncEvent::ImagesStarted { total } => (0, *total, "images"),
            SyncEvent::ImageDone { done, total } => (*done, *total, "images"),
        };
        if terminal {
            let Ok(mut bar) = bar.lock() else { return };
            if done == 0 {
                if let Some(old) = bar.take() {
                    old.finish_and_clear();
                }
                let b = ProgressBar::new(total as u64);
                if let Ok(style) = ProgressStyle::with_template(&format!(
                    "{{bar:30}} {{pos}} of {{len}} {what} {{msg}}"
                )) {
                    b.set_style(style);
                }
                *bar = Some(b);
            } else if let Some(b) = bar.as_ref() {
                b.set_position(done as u64);
                if let SyncEvent::FeedDone { title, .. } = &event {
                    b.set_message(title.clone());
                }
            }
        } else if !args.json && total > 0 {
            // Plain lines for logs: every 10 %.
            let percent = (done * 100 / total) as i64 / 10 * 10;
            if let Ok(mut last) = last_percent.lock() {
                if done == 0 {
                    *last = -1;
                }
                if percent != *last {
                    *last = percent;
                    eprintln!("sync: {done} of {total} {what}");
                }
            }
        }
    };
    let runtime = super::subscriptions::runtime()?;
    let report = runtime.block_on(sync_library(library, &fetcher, &options, &progress))?;
    if let Ok(mut bar) = bar.lock() {
        if let Some(b) = bar.take() {
            b.finish_and_clear();
        }
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
        println!(
            "Stories: {} full articles extracted, {} kept as teaser; images: {} stored, {} failed",
            report.pages_extracted, report.pages_failed, report.images_stored, report.images_failed
        );
    }
    for failure in &report.feeds_failed {
        println!("  failed: {} — {}", failure.title, failure.error);
    }
    Ok(())
}
