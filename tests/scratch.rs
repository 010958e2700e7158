//! Test folders: made fresh, and the ones earlier runs left behind swept away.

use crate::support::scratch::scratch_dir;

#[test]
fn a_scratch_folder_is_fresh_and_sweeps_only_folders_of_ended_processes() {
    let tmp = std::env::temp_dir();
    let name = "scratch-sweep";
    // No process has this id (Linux's largest is 4,194,304); process 1 always runs.
    let ended = tmp.join(format!("tidings-{name}-99999999"));
    let running = tmp.join(format!("tidings-{name}-1"));
    let other_test = tmp.join(format!("tidings-{name}-more-99999999"));
    for dir in [&ended, &running, &other_test] {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("library.sqlite"), b"left behind").unwrap();
    }
    let own = tmp.join(format!("tidings-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&own).unwrap();
    std::fs::write(own.join("old.txt"), b"from before").unwrap();

    let dir = scratch_dir(name);

    assert_eq!(dir, own);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "not fresh");
    assert!(!ended.exists(), "a folder of an ended process stays");
    assert!(
        running.join("library.sqlite").exists(),
        "a running process's folder went"
    );
    assert!(
        other_test.join("library.sqlite").exists(),
        "another test's folder went"
    );
    for dir in [&running, &other_test, &own] {
        std::fs::remove_dir_all(dir).unwrap();
    }
}
