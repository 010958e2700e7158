//! The app binary names WebKitGTK's speech voice library among its own libraries when
//! WebKitGTK needs it (`link_order.rs`, for a faster start), and the ELF reader behind that.

#[path = "../link_order.rs"]
mod link_order;

use link_order::{elf_needed, SPEECH_VOICE};

const WEBKIT: &str = "/usr/lib/x86_64-linux-gnu/libwebkit2gtk-4.1.so.0";

#[test]
fn the_app_names_the_voice_library_when_webkit_needs_it() {
    let app = std::fs::read(env!("CARGO_BIN_EXE_tidings-app")).expect("the app binary");
    let app_needs = elf_needed(&app);
    assert!(app_needs.iter().any(|n| n == "libc.so.6"), "{app_needs:?}");
    assert!(
        app_needs
            .iter()
            .any(|n| n.starts_with("libwebkit2gtk-4.1.so")),
        "{app_needs:?}"
    );
    let Ok(webkit) = std::fs::read(WEBKIT) else {
        eprintln!("no {WEBKIT} (not Debian's layout): nothing to compare");
        return;
    };
    let webkit_needs = elf_needed(&webkit);
    assert!(
        webkit_needs
            .iter()
            .any(|n| n.starts_with("libjavascriptcoregtk-4.1.so")),
        "{webkit_needs:?}"
    );
    assert_eq!(
        app_needs.iter().any(|n| n == SPEECH_VOICE),
        webkit_needs.iter().any(|n| n == SPEECH_VOICE),
        "the app names {SPEECH_VOICE} exactly when WebKitGTK needs it: {app_needs:?}"
    );
}

#[test]
fn anything_but_a_whole_elf_file_reads_as_no_libraries() {
    let app = std::fs::read(env!("CARGO_BIN_EXE_tidings-app")).expect("the app binary");
    assert!(elf_needed(b"").is_empty());
    assert!(elf_needed(b"#!/bin/sh\necho not an ELF file\n").is_empty());
    // Cut anywhere: no panic, and never a made-up name.
    let whole = elf_needed(&app);
    for cut in [4, 64, 100, 4096, app.len() / 2, app.len() - 1] {
        let part = elf_needed(&app[..cut]);
        assert!(
            part.iter().all(|n| whole.contains(n)),
            "cut at {cut}: {part:?}"
        );
    }
}
