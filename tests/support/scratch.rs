//! Scratch folders for tests, under the system's temporary folder. One file shared by the
//! integration tests, the library's unit tests and the app's end-to-end tests (the last two
//! include it by path), so every test folder is made, named and swept one way.

use std::path::{Path, PathBuf};

/// A fresh, empty `tidings-{name}-{pid}` folder for one test.
///
/// A folder is never removed when its test ends, so a failed test can be looked into. Instead,
/// the folders of the same name left by earlier runs whose process has ended go first: nextest
/// runs every test in a process of its own, and folders kept per process filled the disk (58
/// copies of one crash test's 115 MB). A folder of a process still running (a test run beside
/// this one; Linux's `/proc` says which are) stays.
pub fn scratch_dir(name: &str) -> PathBuf {
    let tmp = std::env::temp_dir();
    let prefix = format!("tidings-{name}-");
    let own = std::process::id().to_string();
    if let Ok(entries) = std::fs::read_dir(&tmp) {
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(pid) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
                continue;
            };
            let is_pid = !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit());
            if is_pid && pid != own && !Path::new("/proc").join(pid).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = tmp.join(format!("{prefix}{own}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}
