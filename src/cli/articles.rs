//! `tidings articles` and `tidings read`.

use chrono::{TimeZone, Utc};
use clap::Args;

use crate::store::{ArticleFilter, Library};

#[derive(Debug, Args)]
pub struct ArticlesArgs {
    /// Only this feed's articles.
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
    /// Print JSON with the stored HTML too.
    #[arg(long)]
    pub json: bool,
}

fn date(ts: Option<i64>) -> String {
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
            "{}{}",
            if a.read { " " } else { "●" },
            if a.bookmarked { "★" } else { " " }
        );
        println!(
            "{:>7} {marks} {}  {}  — {}",
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
    if article.extraction == "teaser" {
        println!(
            "[teaser only: {}]",
            article
                .extraction_note
                .as_deref()
                .unwrap_or("the page could not be extracted")
        );
    }
    println!();
    println!("{}", article.content_text.as_deref().unwrap_or(""));
    Ok(())
}
