//! `tidings upgrade`, and the progress every long library operation shows (the upgrade's
//! backfill, vacuum, backup): a bar on a terminal, a line every 10 % otherwise.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::store::{Library, UpgradeProgress};

/// Progress of one long operation, counted in `unit`s.
pub struct Progress {
    bar: Option<ProgressBar>,
    what: &'static str,
    unit: &'static str,
    last_tenth: Option<u64>,
}

impl Progress {
    /// Progress of `what` ("Upgrading the library"), counted in `unit`s ("stories").
    pub fn new(what: &'static str, unit: &'static str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            if let Ok(style) = ProgressStyle::with_template(&format!(
                "{what} {{bar:30}} {{pos}} of {{len}} {unit}"
            )) {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            what,
            unit,
            last_tenth: None,
        }
    }

    /// `done` of `total` so far.
    pub fn show(&mut self, done: u64, total: u64) {
        match &self.bar {
            Some(bar) => {
                bar.set_length(total);
                bar.set_position(done);
            }
            None if total > 0 => {
                let tenth = done.min(total) * 10 / total;
                if self.last_tenth != Some(tenth) {
                    self.last_tenth = Some(tenth);
                    eprintln!(
                        "{}: {}% ({done} of {total} {})",
                        self.what,
                        tenth * 10,
                        self.unit
                    );
                }
            }
            None => {}
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

/// Finishes a pending upgrade of the library's stories, with progress; says nothing when
/// there is none. Returns whether there was one.
pub fn finish_upgrade(lib: &mut Library) -> anyhow::Result<bool> {
    if lib.upgrade_pending()?.is_none() {
        return Ok(false);
    }
    let mut progress = Progress::new("Upgrading the library", "stories");
    lib.finish_upgrade(&mut |at: UpgradeProgress| progress.show(at.done, at.total))?;
    drop(progress);
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
