//! The `tidings` binary against real library files.

use std::path::PathBuf;
use std::process::Command;

fn tidings() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tidings"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tidings-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn feeds_on_a_new_library_creates_it_and_lists_nothing() {
    let dir = temp_dir("new");
    let lib = dir.join("x.sqlite");
    let out = tidings()
        .arg("--library")
        .arg(&lib)
        .arg("feeds")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("No subscriptions yet"), "{stdout}");
    let lib = tidings::store::Library::open(&lib).unwrap();
    assert_eq!(lib.integrity_check().unwrap(), "ok");
    assert_eq!(lib.journal_mode().unwrap(), "wal");
}

#[test]
fn library_env_var_is_used() {
    let dir = temp_dir("env");
    let lib = dir.join("env.sqlite");
    let out = tidings()
        .env("TIDINGS_LIBRARY", &lib)
        .args(["summary", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["feeds"], 0);
    assert!(lib.exists());
}

#[test]
fn a_bad_library_is_one_clear_line_and_a_failure() {
    let dir = temp_dir("bad");
    let lib = dir.join("bad.sqlite");
    std::fs::write(&lib, b"not sqlite at all".repeat(100)).unwrap();
    let out = tidings()
        .arg("--library")
        .arg(&lib)
        .arg("feeds")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("is not a Tidings library"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn version_and_help() {
    let out = tidings().arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(tidings::VERSION));
    let out = tidings().arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("feeds"));
}
