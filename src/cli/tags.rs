//! `tidings tag`, `tidings untag` and `tidings bookmarks`: bookmarks with their tags and notes.

use chrono::{TimeZone, Utc};
use clap::Args;

use crate::store::Library;

#[derive(Debug, Args)]
pub struct TagArgs {
    /// The article's id (tagging bookmarks it).
    pub id: i64,
    /// Tags (quote one with spaces: "to cook").
    #[arg(required = true)]
    pub tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct BookmarksArgs {
    /// Only bookmarks with this tag (any case).
    #[arg(long)]
    pub tag: Option<String>,
    /// Print JSON: `id`, `title`, `url`, `tags`, `note`, `saved_at`, `read` (and `source`,
    /// `unavailable`) for each.
    #[arg(long)]
    pub json: bool,
}

pub fn tag(lib: &mut Library, args: &TagArgs) -> anyhow::Result<()> {
    let tags = lib.tag(args.id, &args.tags)?;
    println!("Article {} (bookmarked): {}", args.id, tags.join(", "));
    Ok(())
}

pub fn untag(lib: &mut Library, args: &TagArgs) -> anyhow::Result<()> {
    let tags = lib.untag(args.id, &args.tags)?;
    if tags.is_empty() {
        println!("Article {}: no tags left", args.id);
    } else {
        println!("Article {}: {}", args.id, tags.join(", "));
    }
    Ok(())
}

pub fn bookmarks(lib: &Library, args: &BookmarksArgs) -> anyhow::Result<()> {
    let bookmarks = lib.bookmarks(args.tag.as_deref())?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&bookmarks)?);
        return Ok(());
    }
    if bookmarks.is_empty() {
        match &args.tag {
            Some(tag) => println!("No bookmarks tagged {tag:?}."),
            None => println!("No bookmarks."),
        }
    }
    for b in &bookmarks {
        let saved = b
            .saved_at
            .and_then(|t| Utc.timestamp_opt(t, 0).single())
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "          ".into());
        let tags = if b.tags.is_empty() {
            String::new()
        } else {
            format!("  [{}]", b.tags.join(", "))
        };
        println!(
            "{:>7} {} {saved}  {}{tags}  — {}",
            b.id,
            if b.read { " " } else { "●" },
            b.title,
            b.source
        );
        if let Some(note) = &b.note {
            println!("          note: {note}");
        }
        if let Some(why) = &b.unavailable {
            println!("          only the title and link: {why}");
        }
    }
    Ok(())
}
