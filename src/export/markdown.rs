//! Bookmarks as a folder of Markdown files a notes app (Obsidian, Logseq, any plain-text
//! folder) takes: one `.md` per bookmarked story, YAML front matter, the story as CommonMark
//! ([`super::commonmark`]), its highlights and notes last, and its images copied into
//! `assets/` and linked relatively.
//!
//! File names are safe on every OS and stable: `<slug of the title>-<article id>.md`, so a
//! story gives the same file on the next export and re-exporting updates it in place (a story
//! whose title changed has its file renamed). A file is only ever replaced when it is one this
//! export wrote (its front matter names the story's `tidings_id`); any other file in the way
//! stops the export before anything is written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};

use super::{body, bookmarked, image_bytes, ExportError};
use crate::store::{Article, Highlight, Library};

/// Bytes of a title kept in a file name (well under every file system's 255).
const MAX_SLUG_BYTES: usize = 96;

/// The folder images are copied into, inside the export folder.
pub const ASSETS: &str = "assets";

/// What a Markdown export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MarkdownExport {
    /// Stories written (one file each).
    pub stories: usize,
    /// Image files in `assets/` the stories link to.
    pub images: usize,
}

/// The file name of a story: its title as a lowercase slug (letters and digits of any
/// script, runs of anything else one `-`), then its id.
pub fn file_name(title: &str, id: i64) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase().filter(|l| l.is_alphanumeric()));
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    if slug.len() > MAX_SLUG_BYTES {
        let mut cut = MAX_SLUG_BYTES;
        while !slug.is_char_boundary(cut) {
            cut -= 1;
        }
        slug.truncate(cut);
    }
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "story" } else { slug };
    format!("{slug}-{id}.md")
}

/// A YAML double-quoted scalar: every character that could end it, break its line or is not
/// printable is escaped.
fn yaml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
                ) =>
            {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn yaml_optional(s: Option<&str>) -> String {
    s.map(yaml_string).unwrap_or_else(|| "null".into())
}

fn yaml_time(ts: Option<i64>) -> String {
    ts.and_then(|t| Utc.timestamp_opt(t, 0).single())
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "null".into())
}

/// The front matter line that marks a file as this export's for article `id`.
fn marker(id: i64) -> String {
    format!("tidings_id: {id}")
}

/// The story's file: front matter, title, body, highlights.
fn document(
    article: &Article,
    tags: &[String],
    highlights: &[Highlight],
    body_markdown: &str,
) -> String {
    let mut out = String::from("---\n");
    out.push_str(&format!("title: {}\n", yaml_string(&article.title)));
    out.push_str(&format!("url: {}\n", yaml_optional(article.url.as_deref())));
    out.push_str(&format!(
        "author: {}\n",
        yaml_optional(article.author.as_deref())
    ));
    out.push_str(&format!("published: {}\n", yaml_time(article.published_at)));
    out.push_str(&format!("saved: {}\n", yaml_time(article.bookmarked_at)));
    let tags: Vec<String> = tags.iter().map(|t| yaml_string(t)).collect();
    out.push_str(&format!("tags: [{}]\n", tags.join(", ")));
    out.push_str(&format!("source: {}\n", yaml_string(&article.feed_title)));
    out.push_str(&marker(article.id));
    out.push('\n');
    // Last: a bookmark's note may be long, and the marker must stay near the top.
    if let Some(note) = article.note.as_deref().filter(|n| !n.trim().is_empty()) {
        out.push_str(&format!("note: {}\n", yaml_string(note)));
    }
    out.push_str("---\n\n");
    let title = super::commonmark::plain_text(&crate::text::collapse_whitespace(&article.title));
    if !title.is_empty() {
        out.push_str(&format!("# {title}\n\n"));
    }
    if !body_markdown.is_empty() {
        out.push_str(body_markdown);
        out.push_str("\n\n");
    }
    if !highlights.is_empty() {
        out.push_str("## Highlights\n\n");
        for h in highlights {
            let quoted = super::commonmark::plain_text(&h.text);
            for line in quoted.split('\n') {
                out.push_str(if line.is_empty() { ">" } else { "> " });
                out.push_str(line);
                out.push('\n');
            }
            out.push('\n');
            if h.orphaned {
                out.push_str("*No longer in this story.*\n\n");
            }
            if let Some(note) = &h.note {
                let note = super::commonmark::plain_text(note);
                if !note.is_empty() {
                    out.push_str(&note);
                    out.push_str("\n\n");
                }
            }
        }
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// How much of a file is read to find its front matter's `tidings_id` (the folder may be a
/// notes app's, with thousands of large notes of the person's own).
const FRONT_MATTER_BYTES: u64 = 16 * 1024;

/// The article id a file in the export folder was written for, read from its front matter.
fn written_for(path: &Path) -> Option<i64> {
    use std::io::Read;
    let mut head = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(FRONT_MATTER_BYTES)
        .read_to_end(&mut head)
        .ok()?;
    let text = String::from_utf8_lossy(&head);
    let front = text.strip_prefix("---\n")?;
    let end = front.find("\n---\n")?;
    front[..end]
        .lines()
        .find_map(|l| l.strip_prefix("tidings_id: "))
        .and_then(|id| id.trim().parse().ok())
}

/// Writes `bytes` to `path` unless it already holds them: through a temporary file renamed
/// over it, so a crash never leaves half a file.
fn write_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let temp = path.with_file_name(format!(".{}.tmp", name.unwrap_or_default()));
    std::fs::write(&temp, bytes)?;
    std::fs::rename(&temp, path)
}

/// The file extension for an image's MIME type.
fn extension(mime: &str) -> &'static str {
    match mime {
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/avif" => "avif",
        _ => "png",
    }
}

/// Writes every bookmarked story into `dir` (created if missing) as Markdown.
pub fn bookmarks_markdown(lib: &Library, dir: &Path) -> Result<MarkdownExport, ExportError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ExportError::File { path, source }
    };
    let assets = dir.join(ASSETS);
    std::fs::create_dir_all(&assets).map_err(io(&assets))?;
    let articles = bookmarked(lib)?;

    // This export's files already in the folder, by story.
    let mut ours: HashMap<i64, PathBuf> = HashMap::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.extension().is_some_and(|e| e == "md") {
            if let Some(id) = written_for(&path) {
                ours.insert(id, path);
            }
        }
    }
    // Every target first: a file in the way stops the export before anything is written.
    let mut plan = Vec::with_capacity(articles.len());
    for article in &articles {
        let target = dir.join(file_name(&article.title, article.id));
        if target.exists() && written_for(&target) != Some(article.id) {
            return Err(ExportError::NotOurs { path: target });
        }
        plan.push(target);
    }

    let mut images: HashMap<String, String> = HashMap::new();
    for (article, target) in articles.iter().zip(plan) {
        if let Some(old) = ours.get(&article.id).filter(|old| **old != target) {
            std::fs::rename(old, &target).map_err(io(old))?;
        }
        let mut failed: Option<ExportError> = None;
        let mut image = |src: &str| -> Option<String> {
            let key = crate::images::key_from_src(src)?;
            if let Some(name) = images.get(key) {
                return Some(format!("{ASSETS}/{name}"));
            }
            let (mime, bytes) = image_bytes(lib, src);
            let name = format!("{key}.{}", extension(&mime));
            let path = assets.join(&name);
            if let Err(source) = write_if_changed(&path, &bytes) {
                failed.get_or_insert(ExportError::File { path, source });
                return None;
            }
            images.insert(key.to_string(), name.clone());
            Some(format!("{ASSETS}/{name}"))
        };
        let markdown = super::commonmark::to_commonmark(body(article), &mut image);
        if let Some(err) = failed {
            return Err(err);
        }
        let highlights = lib.highlights(Some(article.id))?;
        let text = document(article, &lib.tags_of(article.id)?, &highlights, &markdown);
        write_if_changed(&target, text.as_bytes()).map_err(io(&target))?;
    }
    Ok(MarkdownExport {
        stories: articles.len(),
        images: images.len(),
    })
}
