//! `tidings rename|move|unsubscribe|retention|vacuum|backup|export-bookmarks`: keeping
//! subscriptions and the library file in order, and taking bookmarks out.

use std::path::PathBuf;

use clap::Args;

use super::progress::Progress;
use crate::store::{Library, Retention};

#[derive(Debug, Args)]
pub struct RenameArgs {
    /// The feed's id (see `tidings feeds`).
    pub feed: i64,
    /// The new name; leave out to go back to the feed's own title.
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// The feed's id.
    pub feed: i64,
    /// The folder (created if missing); leave out to take the feed out of its folder.
    pub folder: Option<String>,
}

#[derive(Debug, Args)]
pub struct UnsubscribeArgs {
    /// The feed's id.
    pub feed: i64,
}

#[derive(Debug, Args)]
pub struct RetentionArgs {
    /// Delete read articles after this many days (0: keep forever).
    #[arg(long)]
    pub read_days: Option<i64>,
    /// Delete unread articles after this many days (0: keep forever, the default).
    #[arg(long)]
    pub unread_days: Option<i64>,
    /// Apply the rules now.
    #[arg(long)]
    pub apply: bool,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist).
    pub file: PathBuf,
}

pub fn rename(lib: &mut Library, args: &RenameArgs) -> anyhow::Result<()> {
    lib.rename_feed(args.feed, args.name.as_deref())?;
    println!("Renamed feed {}", args.feed);
    Ok(())
}

pub fn move_feed(lib: &mut Library, args: &MoveArgs) -> anyhow::Result<()> {
    lib.move_feed(args.feed, args.folder.as_deref())?;
    match &args.folder {
        Some(folder) => println!("Moved feed {} to {folder}", args.feed),
        None => println!("Took feed {} out of its folder", args.feed),
    }
    Ok(())
}

pub fn unsubscribe(lib: &mut Library, args: &UnsubscribeArgs) -> anyhow::Result<()> {
    let title = lib.feed(args.feed)?.title;
    let kept = lib.unsubscribe(args.feed)?;
    if kept > 0 {
        println!("Unsubscribed from {title}; its {kept} bookmarked articles are kept");
    } else {
        println!("Unsubscribed from {title}");
    }
    Ok(())
}

fn days(d: Option<i64>) -> String {
    d.map(|d| format!("{d} days"))
        .unwrap_or_else(|| "forever".into())
}

pub fn retention(lib: &mut Library, args: &RetentionArgs) -> anyhow::Result<()> {
    let mut rules = lib.retention()?;
    if args.read_days.is_some() || args.unread_days.is_some() {
        let pick = |new: Option<i64>, old| match new {
            Some(d) if d > 0 => Some(d),
            Some(_) => None,
            None => old,
        };
        rules = Retention {
            read_days: pick(args.read_days, rules.read_days),
            unread_days: pick(args.unread_days, rules.unread_days),
        };
        lib.set_retention(rules)?;
    }
    println!(
        "Read articles are kept {}, unread ones {}; bookmarks always",
        days(rules.read_days),
        days(rules.unread_days)
    );
    if args.apply {
        println!("Deleted {} articles", lib.apply_retention()?);
    }
    Ok(())
}

pub fn vacuum(lib: &mut Library) -> anyhow::Result<()> {
    let path = lib.path().to_path_buf();
    let before = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let progress = Progress::new("vacuum", false);
    lib.vacuum(&mut |done, total| progress.count("MB", done >> 20, total >> 20))?;
    progress.finish();
    let after = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "Compacted {}: {} KB → {} KB",
        path.display(),
        before / 1024,
        after / 1024
    );
    Ok(())
}

pub fn backup(lib: &Library, args: &BackupArgs) -> anyhow::Result<()> {
    let progress = Progress::new("backup", false);
    lib.backup(&args.file, &mut |done, total| {
        progress.count("MB", done >> 20, total >> 20)
    })?;
    progress.finish();
    println!("Backed up the library to {}", args.file.display());
    Ok(())
}

#[derive(Debug, Args)]
#[group(required = true, multiple = true)]
pub struct ExportBookmarksArgs {
    /// Write one self-contained HTML file (images inlined).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write an EPUB 3 book for e-readers.
    #[arg(long, value_name = "FILE")]
    pub epub: Option<PathBuf>,
    /// Write one Markdown file per story into a folder, for notes apps (again: updated in place).
    #[arg(long, value_name = "DIR")]
    pub markdown: Option<PathBuf>,
}

pub fn export_bookmarks(lib: &Library, args: &ExportBookmarksArgs) -> anyhow::Result<()> {
    use anyhow::Context;
    if let Some(path) = &args.html {
        let html = crate::export::bookmarks_html(lib)?;
        std::fs::write(path, html).with_context(|| format!("cannot write {}", path.display()))?;
        println!("Wrote {}", path.display());
    }
    if let Some(path) = &args.epub {
        let file = std::fs::File::create(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        let n = crate::export::bookmarks_epub(lib, std::io::BufWriter::new(file))?;
        println!("Wrote {} ({n} stories)", path.display());
    }
    if let Some(dir) = &args.markdown {
        let written = crate::export::bookmarks_markdown(lib, dir)?;
        println!(
            "Wrote {} stories and {} images to {}",
            written.stories,
            written.images,
            dir.display()
        );
    }
    Ok(())
}
