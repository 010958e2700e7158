//! `tidings articles` and `tidings read`.

use chrono::{TimeZone, Utc};
use clap::Args;

use crate::store::{ArticleFilter, Library};

#[derive(Debug, Args)]
pub struct ArticlesArgs {
    /// Only this feed's articles (its own copies of stories other feeds have too; without it a
    /// story in several feeds is listed once).
    #[arg(long)]
    pub feed: Option<i64>,
    /// Only unread articles.
    #[arg(long)]
    pub unread: bool,
    /// Only bookmarked articles.
    #[arg(long)]
    pub bookmarked: bool,
    /// At most this many (newest first).
    #[arg(long, default_value_t = 50)]
    pub limit: i64,
    /// Skip this many first.
    #[arg(long, default_value_t = 0)]
    pub offset: i64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReadArgs {
    /// The article's id (see `tidings articles`).
    pub id: i64,
    /// List the story's earlier versions, each with a word diff to the next.
    #[arg(long)]
    pub revisions: bool,
    /// Print JSON with the stored HTML too.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn date(ts: Option<i64>) -> String {
    ts.and_then(|t| Utc.timestamp_opt(t, 0).single())
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "date unknown".into())
}

pub fn list(lib: &Library, args: &ArticlesArgs) -> anyhow::Result<()> {
    let filter = ArticleFilter {
        feed_id: args.feed,
        unread_only: args.unread,
        bookmarked_only: args.bookmarked,
    };
    let articles = lib.articles(&filter, args.limit, args.offset)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&articles)?);
        return Ok(());
    }
    if articles.is_empty() {
        println!("No articles.");
    }
    for a in &articles {
        let marks = format!(
            "{}{}{}",
            if a.read { " " } else { "●" },
            if a.bookmarked { "★" } else { " " },
            if a.flagged { "⚑" } else { " " }
        );
        let also_in = if a.also_in.is_empty() {
            String::new()
        } else {
            format!(" (also in: {})", a.also_in.join(", "))
        };
        println!(
            "{:>7} {marks} {}  {}  — {}{also_in}",
            a.id,
            date(a.published_at),
            a.title,
            a.feed_title
        );
    }
    Ok(())
}

pub fn read(lib: &Library, args: &ReadArgs) -> anyhow::Result<()> {
    let article = lib.article(args.id)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&article)?);
        return Ok(());
    }
    println!("{}", article.title);
    let mut byline = vec![article.feed_title.clone(), date(article.published_at)];
    if let Some(author) = &article.author {
        byline.insert(0, author.clone());
    }
    println!("{}", byline.join(" · "));
    if let Some(url) = &article.url {
        println!("{url}");
    }
    match (article.extraction, article.extraction_note.as_deref()) {
        (crate::store::Extraction::Teaser, note) => println!(
            "[teaser only: {}]",
            note.unwrap_or("the page could not be extracted")
        ),
        (crate::store::Extraction::Feed, Some(note)) => println!("[from the feed: {note}]"),
        _ => {}
    }
    println!();
    println!("{}", article.content_text.as_deref().unwrap_or(""));
    if args.revisions {
        let revisions = lib.revisions(args.id)?;
        if revisions.is_empty() {
            println!("\n(no earlier versions)");
        }
        for (i, rev) in revisions.iter().enumerate() {
            let (next_title, next_text) = match revisions.get(i + 1) {
                Some(n) => (n.title.as_str(), n.content_text.as_deref().unwrap_or("")),
                None => (
                    article.title.as_str(),
                    article.content_text.as_deref().unwrap_or(""),
                ),
            };
            println!(
                "\n--- version {} (replaced {}) ---",
                i + 1,
                date(Some(rev.replaced_at))
            );
            let title = crate::diff::word_diff(&rev.title, next_title);
            println!("title: {}", crate::diff::render(&title));
            let body = crate::diff::word_diff(rev.content_text.as_deref().unwrap_or(""), next_text);
            println!("{}", crate::diff::render(&body));
        }
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words (all must match), "quoted phrases", prefixes like econ*; Chinese, Japanese and
    /// Korean text is matched as a substring.
    pub query: String,
    /// At most this many results.
    #[arg(long, default_value_t = 20)]
    pub limit: i64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct BookmarkArgs {
    /// The article's id.
    pub id: i64,
    /// A note kept with the bookmark.
    #[arg(long)]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// The article's id.
    pub id: i64,
}

#[derive(Debug, Args)]
pub struct MarkReadArgs {
    /// Articles to mark read.
    pub ids: Vec<i64>,
    /// Every unread article of this feed.
    #[arg(long)]
    pub feed: Option<i64>,
    /// Every unread article of this folder.
    #[arg(long)]
    pub folder: Option<String>,
    /// Every unread article in the library.
    #[arg(long)]
    pub all: bool,
    /// Only articles older than this many days (with --feed, --folder or --all).
    #[arg(long, value_name = "DAYS")]
    pub older_than: Option<i64>,
    /// Mark unread instead (only with article ids).
    #[arg(long)]
    pub unread: bool,
}

pub fn search(lib: &Library, args: &SearchArgs) -> anyhow::Result<()> {
    let hits = lib.search(&args.query, args.limit)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&hits)?);
        return Ok(());
    }
    if hits.is_empty() {
        println!("No articles match {:?}.", args.query);
    }
    for hit in &hits {
        let a = &hit.article;
        println!(
            "{:>7}  {}  {}  — {}",
            a.id,
            date(a.published_at),
            a.title,
            a.feed_title
        );
        let snippet: String = hit
            .snippet
            .iter()
            .map(|p| {
                if p.hit {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect();
        println!(
            "         {}",
            snippet.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    Ok(())
}

pub fn bookmark(lib: &mut Library, args: &BookmarkArgs) -> anyhow::Result<()> {
    lib.set_bookmarked(args.id, true, args.note.as_deref())?;
    println!("Bookmarked article {} (kept forever)", args.id);
    Ok(())
}

pub fn unbookmark(lib: &mut Library, args: &IdArgs) -> anyhow::Result<()> {
    lib.set_bookmarked(args.id, false, None)?;
    println!("Removed the bookmark of article {}", args.id);
    Ok(())
}

pub fn mark_read(lib: &mut Library, args: &MarkReadArgs) -> anyhow::Result<()> {
    let scoped = args.feed.is_some() || args.folder.is_some() || args.all;
    if args.ids.is_empty() && !scoped {
        anyhow::bail!("name article ids, or --feed ID, --folder NAME or --all");
    }
    for id in &args.ids {
        lib.set_read(*id, !args.unread)?;
    }
    let mut changed = args.ids.len();
    if scoped {
        let before = args
            .older_than
            .map(|days| crate::store::now() - days.max(0) * 86_400);
        let list = match (&args.feed, &args.folder) {
            (Some(id), _) => crate::store::StoryList::Feed { id: *id },
            (None, Some(name)) => crate::store::StoryList::Folder { name: name.clone() },
            (None, None) => crate::store::StoryList::All,
        };
        changed += lib.mark_read_where(&list, None, before)?;
    }
    println!(
        "Marked {changed} articles {}",
        if args.unread { "unread" } else { "read" }
    );
    Ok(())
}
