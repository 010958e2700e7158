//! The headless `tidings` command over the library file: for scripting, tests and benchmarks.
//!
//! Argument parsing and printing only; every action is one call into the library. Errors end
//! the process with one line on stderr and a non-zero status, never a panic or a backtrace.

mod accounts;
mod articles;
mod extract;
mod feed_settings;
mod feeds;
mod highlights;
mod manage;
mod progress;
mod rules;
mod saved;
mod storage;
mod subscriptions;
mod sync;
mod tags;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::store::{Library, OpenOptions};

/// Tidings: an offline news reader.
#[derive(Debug, Parser)]
#[command(name = "tidings", version = crate::VERSION, about, long_about = None)]
pub struct Cli {
    /// The library file (default: $TIDINGS_LIBRARY, else ~/.local/share/tidings/library.sqlite).
    #[arg(long, global = true, value_name = "PATH")]
    pub library: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract the article from a saved page (or a batch of pages) and print it.
    Extract(extract::ExtractArgs),
    /// List subscriptions with their status and last error.
    Feeds(feeds::FeedsArgs),
    /// Subscribe to a feed URL or a site's address (its feed is discovered).
    Add(subscriptions::AddArgs),
    /// Import subscriptions from an OPML file or URL (folders kept).
    Import(subscriptions::ImportArgs),
    /// Export subscriptions as OPML.
    ExportOpml(subscriptions::ExportArgs),
    /// Fetch every feed and every account, then the new stories' full articles.
    Sync(sync::SyncArgs),
    /// List articles, newest first.
    Articles(articles::ArticlesArgs),
    /// Print an article as plain text (`--revisions`: its earlier versions, word-diffed).
    #[command(alias = "show")]
    Read(articles::ReadArgs),
    /// Fetch the page of a teaser-only story again at the next sync (all of them without ID).
    Retry {
        /// The article's id; leave out for every teaser-only story.
        id: Option<i64>,
    },
    /// Search titles, authors and article text.
    Search(articles::SearchArgs),
    /// Bookmark an article (bookmarks are kept forever).
    Bookmark(articles::BookmarkArgs),
    /// Remove an article's bookmark.
    Unbookmark(articles::IdArgs),
    /// List bookmarks, most recently saved first (`--tag T`: only those tagged T).
    Bookmarks(tags::BookmarksArgs),
    /// Save a page to read later: fetched, extracted, kept with its images, bookmarked.
    Save(saved::SaveArgs),
    /// Import a read-later archive (Pocket, Instapaper, Wallabag, Omnivore, browser bookmarks).
    ImportSaved(saved::ImportSavedArgs),
    /// Tag an article (bookmarking it).
    Tag(tags::TagArgs),
    /// Remove tags from an article.
    Untag(tags::TagArgs),
    /// Highlight words of an article (the story becomes bookmarked).
    Highlight(highlights::HighlightArgs),
    /// List highlights, newest first (or one article's, in reading order).
    Highlights(highlights::HighlightsArgs),
    /// Remove a highlight.
    Unhighlight(highlights::UnhighlightArgs),
    /// Set or remove the note of a highlight.
    HighlightNote(highlights::HighlightNoteArgs),
    /// Mark articles (or a feed, a folder, everything) read.
    MarkRead(articles::MarkReadArgs),
    /// Rename a feed.
    Rename(manage::RenameArgs),
    /// Move a feed to a folder.
    Move(manage::MoveArgs),
    /// Unsubscribe from a feed (its bookmarked articles are kept).
    Unsubscribe(manage::UnsubscribeArgs),
    /// Show or set how long articles are kept (bookmarks always are).
    Retention(manage::RetentionArgs),
    /// Mute or keep (flag) new stories that match words, phrases or a regex.
    Rule(rules::RuleArgs),
    /// Show or set one feed's settings: full text, interval, keep days, user agent.
    FeedSettings(feed_settings::FeedSettingsArgs),
    /// Compact the library file.
    Vacuum,
    /// Show what takes the space in the library; set a budget to keep it under.
    Storage(storage::StorageArgs),
    /// Finish upgrading the library's stories to this version's form (sync does it too).
    Upgrade,
    /// Write a consistent copy of the library (safe while the app runs).
    Backup(manage::BackupArgs),
    /// Export bookmarked stories as one HTML file, an EPUB book and/or Markdown files.
    ExportBookmarks(manage::ExportBookmarksArgs),
    /// Reader-server accounts (Google Reader API: FreshRSS, Miniflux…): add, list, remove.
    Account {
        #[command(subcommand)]
        command: accounts::AccountCommand,
    },
    /// Show the library's counts.
    Summary {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Runs the command line and returns the process exit status.
pub fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!("tidings: internal error: {info}");
    }));
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("tidings: {}", one_line(&err));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line.
fn one_line(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// Test-only: `TIDINGS_TEST_MAX_PAGES=N` caps the library at N pages, so a test can run the real
/// command into a full disk (see [`OpenOptions::max_pages`]). Read here, at the edge, only.
const TEST_MAX_PAGES: &str = "TIDINGS_TEST_MAX_PAGES";

/// How the command opens the library: as the app does, unless a test set [`TEST_MAX_PAGES`]
/// (unset or not a number: no cap).
fn open_options() -> OpenOptions {
    OpenOptions {
        max_pages: std::env::var(TEST_MAX_PAGES)
            .ok()
            .and_then(|v| v.trim().parse().ok()),
    }
}

fn open_library(cli: &Cli) -> anyhow::Result<Library> {
    let path = crate::paths::library_path(cli.library.clone());
    Ok(Library::open_with(&path, open_options())?)
}

/// The library's path, for a command that opens its own handle (sync, save, import): opened
/// (and upgraded) here first, so a bad library fails before any network work.
fn checked_library_path(cli: &Cli) -> anyhow::Result<PathBuf> {
    Ok(open_library(cli)?.path().to_path_buf())
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Extract(args) => extract::run(args),
        Command::Feeds(args) => feeds::run(&open_library(&cli)?, args),
        Command::Add(args) => subscriptions::add(&mut open_library(&cli)?, args),
        Command::Import(args) => subscriptions::import(&mut open_library(&cli)?, args),
        Command::ExportOpml(args) => subscriptions::export(&open_library(&cli)?, args),
        Command::Sync(args) => {
            // Opened (and upgraded) here so a bad library fails before any network work.
            let mut lib = open_library(&cli)?;
            storage::finish_upgrade(&mut lib)?;
            let path = lib.path().to_path_buf();
            drop(lib);
            sync::run(&path, args, open_options())
        }
        Command::Articles(args) => articles::list(&open_library(&cli)?, args),
        Command::Read(args) => articles::read(&open_library(&cli)?, args),
        Command::Search(args) => articles::search(&open_library(&cli)?, args),
        Command::Retry { id } => {
            let n = open_library(&cli)?.retry_teasers(*id)?;
            println!("{n} teaser-only stories will be fetched again at the next sync");
            Ok(())
        }
        Command::Bookmark(args) => articles::bookmark(&mut open_library(&cli)?, args),
        Command::Unbookmark(args) => articles::unbookmark(&mut open_library(&cli)?, args),
        Command::Bookmarks(args) => tags::bookmarks(&open_library(&cli)?, args),
        Command::Save(args) => saved::save(&checked_library_path(&cli)?, args, open_options()),
        Command::ImportSaved(args) => {
            saved::import(&checked_library_path(&cli)?, args, open_options())
        }
        Command::Tag(args) => tags::tag(&mut open_library(&cli)?, args),
        Command::Untag(args) => tags::untag(&mut open_library(&cli)?, args),
        Command::Highlight(args) => highlights::highlight(&mut open_library(&cli)?, args),
        Command::Highlights(args) => highlights::list(&open_library(&cli)?, args),
        Command::Unhighlight(args) => highlights::unhighlight(&mut open_library(&cli)?, args),
        Command::HighlightNote(args) => highlights::note(&mut open_library(&cli)?, args),
        Command::MarkRead(args) => articles::mark_read(&mut open_library(&cli)?, args),
        Command::Rename(args) => manage::rename(&mut open_library(&cli)?, args),
        Command::Move(args) => manage::move_feed(&mut open_library(&cli)?, args),
        Command::Unsubscribe(args) => manage::unsubscribe(&mut open_library(&cli)?, args),
        Command::Retention(args) => manage::retention(&mut open_library(&cli)?, args),
        Command::Rule(args) => rules::run(&mut open_library(&cli)?, args),
        Command::FeedSettings(args) => feed_settings::run(&mut open_library(&cli)?, args),
        Command::Vacuum => manage::vacuum(&mut open_library(&cli)?),
        Command::Upgrade => storage::upgrade(&mut open_library(&cli)?),
        Command::Storage(args) => storage::storage(&mut open_library(&cli)?, args),
        Command::Backup(args) => manage::backup(&open_library(&cli)?, args),
        Command::ExportBookmarks(args) => manage::export_bookmarks(&open_library(&cli)?, args),
        Command::Account { command } => accounts::run(&mut open_library(&cli)?, command),
        Command::Summary { json } => {
            let summary = open_library(&cli)?.summary()?;
            if *json {
                println!("{}", serde_json::to_string(&summary)?);
            } else {
                println!(
                    "{} feeds in {} folders, {} articles ({} unread, {} bookmarked)",
                    summary.feeds,
                    summary.folders,
                    summary.articles,
                    summary.unread,
                    summary.bookmarked
                );
            }
            Ok(())
        }
    }
}
