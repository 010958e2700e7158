//! `tidings highlight|highlights|unhighlight|highlight-note`: marking passages of a story,
//! with notes, from the command line.

use clap::Args;

use crate::store::{Highlight, HighlightColor, Library, Selection};

#[derive(Debug, Args)]
pub struct HighlightArgs {
    /// The article's id (see `tidings articles`).
    pub id: i64,
    /// The words to highlight, as in `tidings read ID` (spacing and line breaks may differ).
    #[arg(long)]
    pub text: String,
    /// Which place, from 1, when the words stand in the story more than once.
    #[arg(long, value_name = "N")]
    pub occurrence: Option<usize>,
    /// A note on the highlight.
    #[arg(long)]
    pub note: Option<String>,
    /// yellow, green, blue or pink.
    #[arg(long, default_value = "yellow", value_parser = parse_color)]
    pub color: HighlightColor,
}

#[derive(Debug, Args)]
pub struct HighlightsArgs {
    /// Only this article's highlights (in reading order); else every one, newest first.
    #[arg(long, value_name = "ID")]
    pub article: Option<i64>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct UnhighlightArgs {
    /// The highlight's id (see `tidings highlights`).
    pub id: i64,
}

#[derive(Debug, Args)]
pub struct HighlightNoteArgs {
    /// The highlight's id (see `tidings highlights`).
    pub id: i64,
    /// The note; leave out to remove it.
    pub note: Option<String>,
}

fn parse_color(word: &str) -> Result<HighlightColor, String> {
    HighlightColor::from_word(word).ok_or_else(|| {
        let names: Vec<&str> = HighlightColor::ALL.iter().map(|c| c.as_str()).collect();
        format!("choose one of {}", names.join(", "))
    })
}

fn print(h: &Highlight) {
    let gone = if h.orphaned {
        "  [no longer in this story]"
    } else {
        ""
    };
    println!(
        "{:>7}  article {}  {}  {}{gone}",
        h.id,
        h.article_id,
        super::articles::date(Some(h.created_at)),
        h.article_title
    );
    println!("         “{}”", crate::text::collapse_whitespace(&h.text));
    if let Some(note) = &h.note {
        println!("         note: {}", note.replace('\n', "\n               "));
    }
}

pub fn highlight(lib: &mut Library, args: &HighlightArgs) -> anyhow::Result<()> {
    let selection = Selection::Words {
        exact: args.text.clone(),
        occurrence: args.occurrence,
    };
    let h = lib.add_highlight(args.id, &selection, args.color, args.note.as_deref())?;
    println!(
        "Highlighted in article {} (highlight {})",
        h.article_id, h.id
    );
    Ok(())
}

pub fn list(lib: &Library, args: &HighlightsArgs) -> anyhow::Result<()> {
    let highlights = lib.highlights(args.article)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&highlights)?);
        return Ok(());
    }
    if highlights.is_empty() {
        println!("No highlights.");
    }
    highlights.iter().for_each(print);
    Ok(())
}

pub fn unhighlight(lib: &mut Library, args: &UnhighlightArgs) -> anyhow::Result<()> {
    let h = lib.remove_highlight(args.id)?;
    println!(
        "Removed highlight {} from article {} (the story stays bookmarked)",
        h.id, h.article_id
    );
    Ok(())
}

pub fn note(lib: &mut Library, args: &HighlightNoteArgs) -> anyhow::Result<()> {
    let h = lib.set_highlight_note(args.id, args.note.as_deref())?;
    match &h.note {
        Some(_) => println!("Noted highlight {}", h.id),
        None => println!("Removed the note of highlight {}", h.id),
    }
    Ok(())
}
