//! `tidings extract`: the article extractor on saved pages, one at a time or in batches.
//!
//! Batch modes exist for benchmarks (no process start-up per page): `--batch` reads
//! `PATH<TAB>URL` lines on stdin, `--list FILE` reads `ID<TAB>PATH<TAB>URL` lines; both print one
//! JSON object per input line, in input order, and a page that fails prints `{"error": …}`
//! without stopping the batch.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use serde_json::{json, Value};
use url::Url;

use crate::extract::{extract, Article};

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The saved page (HTML file).
    #[arg(value_name = "FILE", required_unless_present_any = ["batch", "list"])]
    pub file: Option<PathBuf>,
    /// The page's URL (relative links are resolved against it).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Read `PATH<TAB>URL` lines on stdin; print one JSON object per line.
    #[arg(long, conflicts_with_all = ["file", "list"])]
    pub batch: bool,
    /// Read `ID<TAB>PATH<TAB>URL` lines from FILE; print one JSON object per line with its id.
    #[arg(long, value_name = "FILE", conflicts_with = "file")]
    pub list: Option<PathBuf>,
}

pub fn run(args: &ExtractArgs) -> anyhow::Result<()> {
    if args.batch {
        let stdin = std::io::stdin();
        let lines: Vec<String> = stdin.lock().lines().collect::<Result<_, _>>()?;
        return batch(lines.iter().map(|l| {
            let mut parts = l.splitn(2, '\t');
            (None, parts.next().unwrap_or(""), parts.next().unwrap_or(""))
        }));
    }
    if let Some(list) = &args.list {
        let text = std::fs::read_to_string(list)
            .with_context(|| format!("cannot read the list {}", list.display()))?;
        return batch(text.lines().filter(|l| !l.trim().is_empty()).map(|l| {
            let mut parts = l.splitn(3, '\t');
            let id = parts.next().unwrap_or("");
            (
                Some(id),
                parts.next().unwrap_or(""),
                parts.next().unwrap_or(""),
            )
        }));
    }
    let Some(file) = &args.file else {
        anyhow::bail!("give a FILE, --batch or --list");
    };
    let url = page_url(args.url.as_deref(), file)?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let article = extract(&bytes, &url).with_context(|| format!("{}", file.display()))?;
    if args.json {
        println!("{}", serde_json::to_string(&to_json(&article))?);
    } else {
        print_text(&article);
    }
    Ok(())
}

/// The URL given, else (none, or an empty one) the file's own `file://` URL.
fn page_url(url: Option<&str>, file: &Path) -> anyhow::Result<Url> {
    match url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => Url::parse(u).with_context(|| format!("not a URL: {u}")),
        None => {
            let abs = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
            Url::from_file_path(&abs)
                .map_err(|()| anyhow::anyhow!("give --url for {}", file.display()))
        }
    }
}

fn to_json(a: &Article) -> Value {
    json!({
        "title": a.title,
        "byline": a.byline,
        "site_name": a.site_name,
        "published": a.published,
        "modified": a.modified,
        "lead_image": a.lead_image,
        "lang": a.lang,
        "dir": a.dir,
        "content_html": a.content_html,
        "text": a.text,
        "word_count": a.word_count,
        "reading_minutes": a.reading_minutes,
    })
}

fn print_text(a: &Article) {
    if let Some(t) = &a.title {
        println!("{t}");
    }
    let line: Vec<&str> = [a.byline.as_deref(), a.published.as_deref()]
        .into_iter()
        .flatten()
        .collect();
    if !line.is_empty() {
        println!("{}", line.join(" · "));
    }
    println!(
        "{} words, {} min\n\n{}",
        a.word_count, a.reading_minutes, a.text
    );
}

/// One page of a batch: its JSON object, or an error object.
fn one(id: Option<&str>, path: &str, url: &str) -> Value {
    let result = (|| -> Result<Article, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?;
        let url = page_url(Some(url), Path::new(path)).map_err(|e| format!("{e:#}"))?;
        match std::panic::catch_unwind(|| extract(&bytes, &url)) {
            Ok(r) => r.map_err(|e| e.to_string()),
            Err(_) => Err("internal error (panic) while extracting".to_string()),
        }
    })();
    let mut v = match result {
        Ok(a) => to_json(&a),
        Err(e) => json!({ "error": e }),
    };
    if let (Some(id), Some(obj)) = (id, v.as_object_mut()) {
        obj.insert("id".to_string(), Value::String(id.to_string()));
    }
    v
}

fn batch<'a>(
    items: impl Iterator<Item = (Option<&'a str>, &'a str, &'a str)>,
) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (id, path, url) in items {
        let v = one(id, path, url);
        serde_json::to_writer(&mut out, &v)?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
    Ok(())
}
