//! `tidings storage` (what takes the space, the budget) and `tidings upgrade`.

use clap::Args;

use super::progress::Progress;
use crate::store::{Library, UpgradeProgress};

/// Finishes a pending upgrade of the library's stories, with progress; says nothing when
/// there is none. Returns whether there was one.
pub fn finish_upgrade(lib: &mut Library) -> anyhow::Result<bool> {
    if lib.upgrade_pending()?.is_none() {
        return Ok(false);
    }
    let progress = Progress::new("upgrade", false);
    lib.finish_upgrade(&mut |at: UpgradeProgress| progress.count("stories", at.done, at.total))?;
    progress.finish();
    Ok(true)
}

/// `tidings upgrade`: the library in its current form, stories compressed.
pub fn upgrade(lib: &mut Library) -> anyhow::Result<()> {
    if finish_upgrade(lib)? {
        println!(
            "Upgraded {}; `tidings vacuum` gives the space it freed back to the disk",
            lib.path().display()
        );
    } else {
        println!("{} is up to date", lib.path().display());
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct StorageArgs {
    /// Keep the library's contents under SIZE ("5GB", "500MB"; "off" for no budget): over it,
    /// the images of old read stories go first, then old revisions; never texts or bookmarks.
    #[arg(long, value_name = "SIZE")]
    pub budget: Option<String>,
    /// Keep large images at reading size (longest edge 1,600 px): "on" shrinks the stored ones
    /// now and every new one; "off" keeps new images as they are (the default).
    #[arg(long, value_name = "on|off", value_parser = ["on", "off"])]
    pub reading_size: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Units a budget may be given in (decimal, as file managers show sizes).
const UNITS: &[(&str, u64)] = &[
    ("TB", 1_000_000_000_000),
    ("GB", 1_000_000_000),
    ("MB", 1_000_000),
    ("KB", 1_000),
    ("B", 1),
];

/// A size as a person types it: "5GB", "1.5 gb", "500MB", "off" (or "0": no budget).
fn parse_size(text: &str) -> anyhow::Result<Option<u64>> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("off") || text == "0" {
        return Ok(None);
    }
    let upper = text.to_ascii_uppercase();
    let (number, scale) = UNITS
        .iter()
        .find_map(|(unit, scale)| upper.strip_suffix(unit).map(|n| (n.trim(), *scale)))
        .unwrap_or((upper.as_str(), 1));
    match number.parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 => Ok(Some((n * scale as f64) as u64)),
        _ => anyhow::bail!("{text:?} is not a size: write it like 5GB, 500MB or off"),
    }
}

/// A size for people: "1.2 GB".
fn size(bytes: u64) -> String {
    let (unit, scale) = UNITS
        .iter()
        .find(|(_, scale)| bytes >= *scale)
        .copied()
        .unwrap_or(("B", 1));
    if scale == 1 {
        format!("{bytes} B")
    } else {
        format!("{:.1} {unit}", bytes as f64 / scale as f64)
    }
}

/// `tidings storage [--budget SIZE] [--reading-size on|off]`: what takes the space, and the
/// budget.
pub fn storage(lib: &mut Library, args: &StorageArgs) -> anyhow::Result<()> {
    let mut shrunk = None;
    if let Some(setting) = &args.reading_size {
        lib.set_images_at_reading_size(setting == "on")?;
        if setting == "on" {
            let progress = Progress::new("shrink", args.json);
            shrunk = Some(crate::sync::fit_stored_images(
                lib.path(),
                |done, total| progress.count("images", done, total),
            )?);
            progress.finish();
        }
    }
    let mut eviction = None;
    if let Some(budget) = &args.budget {
        lib.set_storage_budget(parse_size(budget)?)?;
        eviction = Some(lib.enforce_budget()?);
    }
    let report = lib.storage_report()?;
    if args.json {
        let json = serde_json::json!({ "storage": report, "gave_up": eviction, "shrunk": shrunk });
        println!("{json}");
        return Ok(());
    }
    println!("{}: {} on disk", lib.path().display(), size(report.file));
    let parts = [
        ("text", report.text),
        ("images", report.images),
        ("search index", report.search_index),
        ("revisions", report.revisions),
        ("other", report.other),
        ("free (reused first)", report.free),
    ];
    for (what, bytes) in parts {
        let share = bytes as f64 / report.file.max(1) as f64;
        println!(
            "  {what:<20} {:>9}  {:>3.0}%  {}",
            size(bytes),
            share * 100.0,
            "#".repeat((share * 30.0).round() as usize)
        );
    }
    match report.budget {
        Some(budget) => println!(
            "Budget {}: {} used{}",
            size(budget),
            size(report.used()),
            if report.used() > budget {
                " (over: only texts and protected stories are left to keep)"
            } else {
                ""
            }
        ),
        None => println!("No budget (set one with `tidings storage --budget 5GB`)"),
    }
    if let Some(s) = shrunk {
        println!(
            "Kept {} of {} large images at reading size: {} became {}",
            s.shrunk,
            s.checked,
            size(s.bytes_before),
            size(s.bytes_after)
        );
    }
    if report.images_at_reading_size {
        println!("Large images are kept at reading size (longest edge 1,600 px)");
    }
    if let Some(e) = eviction.filter(|e| e.images + e.revisions > 0) {
        println!(
            "Gave up {} images and {} revisions; `tidings vacuum` returns the free space to the disk",
            e.images, e.revisions
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_read_as_people_write_them() {
        assert_eq!(parse_size("5GB").unwrap(), Some(5_000_000_000));
        assert_eq!(parse_size(" 1.5 gb ").unwrap(), Some(1_500_000_000));
        assert_eq!(parse_size("500MB").unwrap(), Some(500_000_000));
        assert_eq!(parse_size("2048").unwrap(), Some(2048));
        assert_eq!(parse_size("off").unwrap(), None);
        assert_eq!(parse_size("0").unwrap(), None);
        for bad in ["", "GB", "-1GB", "five GB", "1e400GB", "NaNGB"] {
            let err = parse_size(bad).unwrap_err().to_string();
            assert!(err.contains("not a size"), "{bad:?}: {err}");
        }
        assert_eq!(size(1_234_567_890), "1.2 GB");
        assert_eq!(size(999), "999 B");
    }
}
