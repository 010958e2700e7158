//! Progress on standard error for the long commands (sync, import, upgrade, vacuum, backup): a
//! bar per phase on a
//! terminal, else a plain line every 10 % (for logs), nothing when the output is JSON.

use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

/// Progress through phases (feeds, then stories, then images …), each a count of things.
pub struct Progress {
    /// What the plain lines start with (`sync`, `import`).
    command: &'static str,
    /// Draw a bar (standard error is a terminal).
    bar: bool,
    /// Print nothing (the command prints JSON).
    quiet: bool,
    phase: Mutex<Phase>,
}

#[derive(Default)]
struct Phase {
    bar: Option<ProgressBar>,
    what: String,
    total: usize,
    /// The last 10 % step a plain line was printed for.
    printed: Option<usize>,
}

impl Progress {
    /// Progress for `command`; `json`: the command prints JSON, so no progress at all.
    pub fn new(command: &'static str, json: bool) -> Progress {
        Progress {
            command,
            bar: std::io::stderr().is_terminal() && !json,
            quiet: json,
            phase: Mutex::new(Phase::default()),
        }
    }

    /// A new phase: `total` `what`s, `done` of them already done.
    pub fn phase(&self, what: &str, total: usize, done: usize) {
        let Ok(mut phase) = self.phase.lock() else {
            return;
        };
        if let Some(old) = phase.bar.take() {
            old.finish_and_clear();
        }
        *phase = Phase {
            bar: None,
            what: what.to_string(),
            total,
            printed: None,
        };
        if self.bar {
            let bar = ProgressBar::new(total as u64);
            if let Ok(style) = ProgressStyle::with_template(&format!(
                "{{bar:30}} {{pos}} of {{len}} {what} {{msg}}"
            )) {
                bar.set_style(style);
            }
            bar.set_position(done as u64);
            phase.bar = Some(bar);
        } else {
            self.line(&mut phase, done);
        }
    }

    /// `done` of the phase's things are done; `message` names the last one (on the bar).
    pub fn step(&self, done: usize, message: Option<&str>) {
        let Ok(mut phase) = self.phase.lock() else {
            return;
        };
        match &phase.bar {
            Some(bar) => {
                bar.set_position(done as u64);
                if let Some(message) = message {
                    bar.set_message(message.chars().take(60).collect::<String>());
                }
            }
            None => self.line(&mut phase, done),
        }
    }

    /// `done` of `total` `what`s: a single-phase operation whose total is known only from its
    /// reports (the upgrade, vacuum, backup). A new `what` or `total` starts a new phase.
    pub fn count(&self, what: &str, done: u64, total: u64) {
        let (done, total) = (done as usize, total as usize);
        let same = self
            .phase
            .lock()
            .is_ok_and(|p| p.what == what && p.total == total);
        if same {
            self.step(done, None);
        } else {
            self.phase(what, total, done);
        }
    }

    /// Clears the bar, before the command prints its summary.
    pub fn finish(&self) {
        if let Ok(mut phase) = self.phase.lock() {
            if let Some(bar) = phase.bar.take() {
                bar.finish_and_clear();
            }
        }
    }

    /// A plain line, when `done` reaches the next 10 %.
    fn line(&self, phase: &mut Phase, done: usize) {
        if self.quiet || phase.total == 0 {
            return;
        }
        let tenth = done * 10 / phase.total;
        if phase.printed != Some(tenth) {
            phase.printed = Some(tenth);
            eprintln!("{}: {done} of {} {}", self.command, phase.total, phase.what);
        }
    }
}
