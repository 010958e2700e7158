//! `scripts/bench-parse DIR [--repeat N] [--verbose] [--dump]`: parses every file in DIR with Tidings'
//! parser and with feed-rs alone, in the same run, and prints what each read and how fast.
//!
//! Counted per parser: feeds parsed (Ok), errors, entries read, entries whose title still holds
//! an entity reference (`&eacute;`, `&#233;`), entries with an empty or missing title, and
//! parse time per MB of input (median of N timed passes over all files, after a warm-up).
//! `--dump` prints Tidings' output for each file as JSON instead.
//! A file `NAME.ctype` beside `NAME` holds the HTTP Content-Type to pass to Tidings.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use url::Url;

#[derive(Default, Debug, Clone, Copy)]
struct Tally {
    feeds: usize,
    errors: usize,
    entries: usize,
    undecoded: usize,
    empty_titles: usize,
}

fn has_entity(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        if c != b'&' {
            return false;
        }
        let rest = &b[i + 1..];
        let end = rest
            .iter()
            .take(34)
            .position(|c| !(c.is_ascii_alphanumeric() || *c == b'#'));
        matches!(end, Some(e) if e > 0 && rest[e] == b';')
    })
}

fn tally_tidings(
    t: &mut Tally,
    r: &Result<tidings::feeds::ParsedFeed, tidings::feeds::ParseError>,
) {
    match r {
        Ok(f) => {
            t.feeds += 1;
            t.entries += f.entries.len();
            for e in &f.entries {
                match e.title.as_deref() {
                    None | Some("") => t.empty_titles += 1,
                    Some(s) if has_entity(s) => t.undecoded += 1,
                    Some(_) => {}
                }
            }
        }
        Err(_) => t.errors += 1,
    }
}

fn tally_feed_rs(t: &mut Tally, r: &Result<feed_rs::model::Feed, feed_rs::parser::ParseFeedError>) {
    match r {
        Ok(f) => {
            t.feeds += 1;
            t.entries += f.entries.len();
            for e in &f.entries {
                match e.title.as_ref().map(|t| t.content.trim()) {
                    None | Some("") => t.empty_titles += 1,
                    Some(s) if has_entity(s) => t.undecoded += 1,
                    Some(_) => {}
                }
            }
        }
        Err(_) => t.errors += 1,
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn main() {
    let mut dir = None;
    let mut repeat = 5usize;
    let mut verbose = false;
    let mut dump = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--bench" => {}
            "--repeat" => repeat = args.next().and_then(|n| n.parse().ok()).unwrap_or(5).max(1),
            "--verbose" | "-v" => verbose = true,
            "--dump" => dump = true,
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let Some(dir) = dir else {
        eprintln!("usage: bench-parse DIR [--repeat N] [--verbose]");
        std::process::exit(2);
    };
    let mut files: Vec<(String, Vec<u8>, Option<String>)> = Vec::new();
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("cannot read {}: {e}", dir.display());
            std::process::exit(1);
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if !p.is_file() || p.extension().is_some_and(|e| e == "ctype") {
            continue;
        }
        let Ok(bytes) = std::fs::read(&p) else {
            continue;
        };
        let ctype = std::fs::read_to_string(p.with_extension(format!(
            "{}.ctype",
            p.extension().and_then(|e| e.to_str()).unwrap_or("")
        )))
        .ok()
        .map(|s| s.trim().to_string());
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        files.push((name, bytes, ctype));
    }
    if files.is_empty() {
        eprintln!("no files in {}", dir.display());
        std::process::exit(1);
    }
    let total_bytes: usize = files.iter().map(|f| f.1.len()).sum();
    let mb = total_bytes as f64 / 1_000_000.0;
    let Ok(base) = Url::parse("http://127.0.0.1/feed.xml") else {
        return;
    };

    if dump {
        // Tidings' normalized output for each file, as JSON lines; no timing.
        for (name, bytes, ctype) in &files {
            let out = match tidings::feeds::parse(bytes, ctype.as_deref(), &base) {
                Ok(f) => serde_json::to_string(&f).unwrap_or_default(),
                Err(e) => format!("{{\"error\": {:?}}}", e.to_string()),
            };
            println!("{name}\t{out}");
        }
        return;
    }

    let mut ours = Tally::default();
    let mut theirs = Tally::default();
    for (name, bytes, ctype) in &files {
        let a = tidings::feeds::parse(bytes, ctype.as_deref(), &base);
        let b = feed_rs::parser::parse(bytes.as_slice());
        tally_tidings(&mut ours, &a);
        tally_feed_rs(&mut theirs, &b);
        if verbose {
            let ours = match &a {
                Ok(f) => format!(
                    "ok {} entries{}",
                    f.entries.len(),
                    if f.problems.is_empty() {
                        String::new()
                    } else {
                        format!(", problems: {}", f.problems.join("; "))
                    }
                ),
                Err(e) => format!("error: {e}"),
            };
            let theirs = match &b {
                Ok(f) => format!("ok {} entries", f.entries.len()),
                Err(e) => format!("error: {e}"),
            };
            let per_call = |f: &dyn Fn()| {
                let start = Instant::now();
                for _ in 0..20 {
                    f();
                }
                start.elapsed() / 20
            };
            let t_a = per_call(&|| {
                std::hint::black_box(tidings::feeds::parse(bytes, ctype.as_deref(), &base).ok());
            });
            let t_b = per_call(&|| {
                std::hint::black_box(feed_rs::parser::parse(bytes.as_slice()).ok());
            });
            println!("{name}: tidings {ours} ({t_a:?}) | feed-rs {theirs} ({t_b:?})");
        }
    }

    type File = (String, Vec<u8>, Option<String>);
    // Passes alternate between the two parsers so a change in machine load hits both.
    let time_both = |set: &[&File]| {
        let pass = |tidings: bool| {
            let start = Instant::now();
            for (_, b, c) in set {
                if tidings {
                    std::hint::black_box(tidings::feeds::parse(b, c.as_deref(), &base).ok());
                } else {
                    std::hint::black_box(feed_rs::parser::parse(b.as_slice()).ok());
                }
            }
            start.elapsed()
        };
        pass(true);
        pass(false);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..repeat {
            a.push(pass(true));
            b.push(pass(false));
        }
        (median(a), median(b))
    };
    let all: Vec<&File> = files.iter().collect();
    let (t_ours, t_theirs) = time_both(&all);
    // The same comparison on the files both parsers read (an early error is cheap).
    let both: Vec<&File> = files
        .iter()
        .filter(|(_, b, c)| {
            tidings::feeds::parse(b, c.as_deref(), &base).is_ok()
                && feed_rs::parser::parse(b.as_slice()).is_ok()
        })
        .collect();
    let both_mb = both.iter().map(|f| f.1.len()).sum::<usize>() as f64 / 1_000_000.0;
    let (t_ours_both, t_theirs_both) = time_both(&both);
    let per_mb = |d: Duration| {
        if mb > 0.0 {
            d.as_secs_f64() * 1000.0 / mb
        } else {
            0.0
        }
    };
    println!(
        "{} files, {:.2} MB, median of {repeat} passes\n",
        files.len(),
        mb
    );
    println!("| parser | feeds parsed | errors | entries | undecoded-entity titles | empty titles | ms/MB |");
    println!("|---|---|---|---|---|---|---|");
    for (name, t, d) in [
        ("tidings", ours, t_ours),
        ("feed-rs 2.4 alone", theirs, t_theirs),
    ] {
        println!(
            "| {name} | {} | {} | {} | {} | {} | {:.1} |",
            t.feeds,
            t.errors,
            t.entries,
            t.undecoded,
            t.empty_titles,
            per_mb(d)
        );
    }
    let ratio = if t_theirs.as_secs_f64() > 0.0 {
        t_ours.as_secs_f64() / t_theirs.as_secs_f64()
    } else {
        0.0
    };
    println!("\ntidings time / feed-rs time: {ratio:.2} (below 1.00: Tidings is faster)");
    if !both.is_empty() && t_theirs_both.as_secs_f64() > 0.0 {
        println!(
            "on the {} files both parse ({:.2} MB): tidings {:.1} ms/MB, feed-rs {:.1} ms/MB, ratio {:.2}",
            both.len(),
            both_mb,
            t_ours_both.as_secs_f64() * 1000.0 / both_mb,
            t_theirs_both.as_secs_f64() * 1000.0 / both_mb,
            t_ours_both.as_secs_f64() / t_theirs_both.as_secs_f64()
        );
    }
}
