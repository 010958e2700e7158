//! The `tidings` binary run on a library file, for tests that check what the CLI prints.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `tidings --library LIBRARY ARGS...` and returns what it did.
pub fn tidings(library: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tidings"))
        .arg("--library")
        .arg(library)
        .args(args)
        .output()
        .unwrap()
}

/// What a successful run printed (a failed run fails the test, with its stderr).
pub fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
