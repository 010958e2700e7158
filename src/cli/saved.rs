//! `tidings save` and `tidings import-saved`: a page saved to read later, or a read-later app's
//! archive brought home.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::feeds::fetch::{FetchConfig, Fetcher};
use crate::saved::formats::Format;
use crate::saved::{
    import_archive, retry_saved, save_page, Cancel, ImportEvent, ImportOptions, ImportReport,
    SaveError, SaveOptions, SaveOutcome, SaveRequest, SavedAs,
};
use crate::store::OpenOptions;

#[derive(Debug, Args)]
pub struct SaveArgs {
    /// The page's address.
    #[arg(required_unless_present = "retry", conflicts_with = "retry")]
    pub url: Option<String>,
    /// A tag for the page (repeat for more).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// A note kept with the bookmark.
    #[arg(long)]
    pub note: Option<String>,
    /// Fetch the page of saved article ID again (one kept as only its title and link).
    #[arg(long, value_name = "ID")]
    pub retry: Option<i64>,
}

#[derive(Debug, Args)]
pub struct ImportSavedArgs {
    /// The archive: a Pocket CSV or HTML export, an Instapaper CSV, a Wallabag JSON, an
    /// Omnivore zip, or a browser's bookmark file.
    pub file: PathBuf,
    /// The archive's format (default: told from the file): pocket-csv, pocket-html,
    /// instapaper, wallabag, omnivore or bookmarks.
    #[arg(long, value_parser = parse_format)]
    pub format: Option<Format>,
    /// Pages fetched at once.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Requests at once to one host (polite to a site many saved pages come from).
    #[arg(long, default_value_t = FetchConfig::default().per_host)]
    pub per_host: usize,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!("{name:?} is not one of {}", names.join(", "))
    })
}

pub fn save(library: &Path, args: &SaveArgs, open: OpenOptions) -> anyhow::Result<()> {
    let fetcher = Fetcher::new(FetchConfig::default())?;
    let options = SaveOptions {
        library: open,
        ..SaveOptions::default()
    };
    let runtime = super::subscriptions::runtime()?;
    let result = match (args.retry, &args.url) {
        (Some(id), _) => runtime.block_on(retry_saved(library, &fetcher, id, &options)),
        (None, Some(url)) => {
            let request = SaveRequest {
                url: url.clone(),
                tags: args.tags.clone(),
                note: args.note.clone(),
            };
            runtime.block_on(save_page(library, &fetcher, &request, &options))
        }
        (None, None) => anyhow::bail!("name the page's address, or --retry ID"),
    };
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(SaveError::Feed { url }) => {
            anyhow::bail!("{url} is a feed, not a page: subscribe to it with `tidings add {url}`")
        }
        Err(SaveError::Site { url, feed }) => anyhow::bail!(
            "{url} is a site's front page, and the site has a feed: subscribe to it with \
             `tidings add {feed}`"
        ),
        Err(other) => return Err(other.into()),
    };
    tell(&outcome);
    // The id alone on the last line of standard output, for scripts.
    println!("{}", outcome.article_id);
    Ok(())
}

/// Says on standard error what a save did.
fn tell(outcome: &SaveOutcome) {
    let tags = if outcome.tags.is_empty() {
        String::new()
    } else {
        format!(" (tags: {})", outcome.tags.join(", "))
    };
    match outcome.saved_as {
        SavedAs::Saved => eprintln!(
            "Saved {:?}{tags}: the full article, {} images stored{}",
            outcome.title,
            outcome.images_stored,
            if outcome.images_failed > 0 {
                format!(", {} failed", outcome.images_failed)
            } else {
                String::new()
            }
        ),
        SavedAs::Already => eprintln!(
            "Already in the library: {:?}, bookmarked{tags}",
            outcome.title
        ),
        SavedAs::Unavailable => eprintln!(
            "Could not get the page ({}): kept its title and link{tags}. Try again with \
             `tidings save --retry {}`",
            outcome.reason.as_deref().unwrap_or("no reason given"),
            outcome.article_id
        ),
    }
    if let Some(feed) = &outcome.site_feed {
        eprintln!("This site has a feed: `tidings add {feed}` brings its new stories");
    }
}

pub fn import(library: &Path, args: &ImportSavedArgs, open: OpenOptions) -> anyhow::Result<()> {
    let options = ImportOptions {
        format: args.format,
        concurrency: args.concurrency.max(1),
        library: open,
        ..ImportOptions::default()
    };
    let fetcher = Fetcher::new(FetchConfig {
        max_concurrent: options.concurrency,
        per_host: args.per_host.max(1),
        ..FetchConfig::default()
    })?;
    let bar = super::progress::Progress::new("import", args.json);
    let file = args.file.display().to_string();
    let progress = |event: ImportEvent| match &event {
        ImportEvent::Started {
            format,
            detected,
            entries,
            done_before,
        } => {
            if !args.json {
                eprintln!(
                    "Importing {file} as {} ({}): {entries} entries{}",
                    format.describe(),
                    if *detected {
                        "told from the file; --format names another"
                    } else {
                        "as asked"
                    },
                    if *done_before > 0 {
                        format!(", {done_before} done by an earlier run")
                    } else {
                        String::new()
                    }
                );
            }
            bar.phase("entries", *entries, *done_before);
        }
        ImportEvent::EntryDone { done, url, .. } => bar.step(*done, Some(url)),
        ImportEvent::Images { done: 0, total } => bar.phase("images", *total, 0),
        ImportEvent::Images { done, .. } => bar.step(*done, None),
    };
    let runtime = super::subscriptions::runtime()?;
    let report = runtime.block_on(import_archive(
        library,
        &args.file,
        &fetcher,
        &options,
        &progress,
        &Cancel::default(),
    ));
    bar.finish();
    let report = report?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_summary(&file, &report);
    }
    Ok(())
}

/// Problems listed on the terminal; `--json` lists them all.
const PROBLEMS_SHOWN: usize = 40;

fn print_summary(file: &str, r: &ImportReport) {
    println!(
        "Imported {file} ({}) in {:.1} s: {} entries",
        r.format.describe(),
        r.seconds,
        r.entries
    );
    println!(
        "  saved {} ({} from the archive's own copy), already in the library {}, kept as \
         title and link {}, skipped {}, unreadable {}",
        r.saved + r.archived,
        r.archived,
        r.already,
        r.dead,
        r.skipped,
        r.bad
    );
    println!(
        "  images: {} stored, {} failed",
        r.images_stored, r.images_failed
    );
    if r.done_before > 0 || r.fetched_again > 0 {
        println!(
            "  resumed: {} entries were done by an earlier run; {} pages in flight when it \
             stopped were fetched again",
            r.done_before, r.fetched_again
        );
    }
    if r.cancelled {
        println!("  cancelled: run the same command again to go on");
    }
    let total = r.problems.len() + r.problems_unlisted;
    for p in r.problems.iter().take(PROBLEMS_SHOWN) {
        println!(
            "  {:<10} {:<8} {}{}",
            p.position,
            p.kind,
            p.url
                .as_deref()
                .map(|u| format!("{u} — "))
                .unwrap_or_default(),
            p.reason
        );
    }
    if total > PROBLEMS_SHOWN {
        println!(
            "  … and {} more (--json lists them)",
            total - PROBLEMS_SHOWN
        );
    }
}
