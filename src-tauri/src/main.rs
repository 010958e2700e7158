//! The Tidings desktop app: a thin Tauri shell over the `tidings` library.
//!
//! Owns the window, the app state (the open library), the commands the UI calls and the events
//! it listens to (see `commands::sync`). No SQL, no HTML parsing, no HTTP here: every command
//! delegates to the library. The command list below must match `build.rs` (which generates
//! their permissions) and `capabilities/main.json` (which grants them to the main window).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod images;
mod state;

fn main() {
    let library_path = state::library_path_from_args(std::env::args_os());
    let app_state = state::AppState::open(library_path);
    let result = tauri::Builder::default()
        .manage(app_state)
        .register_asynchronous_uri_scheme_protocol(tidings::sanitize::IMAGE_SCHEME, images::serve)
        .invoke_handler(tauri::generate_handler![
            commands::library::library_summary,
            commands::library::sources,
            commands::stories::story_page,
            commands::stories::open_story,
            commands::stories::set_read,
            commands::stories::set_bookmarked,
            commands::stories::mark_list_read,
            commands::stories::open_original,
            commands::subscriptions::find_feed,
            commands::subscriptions::add_feed,
            commands::sync::sync_now,
            commands::search::search,
            commands::subscriptions::rename_feed,
            commands::subscriptions::move_feed,
            commands::subscriptions::unsubscribe,
            commands::files::import_opml,
            commands::files::export_opml,
            commands::files::export_bookmarks,
            commands::settings::settings,
            commands::settings::set_setting,
        ])
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("tidings-app: cannot start the window: {err}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use sha2::{Digest, Sha256};

    /// The story frame's one inline `<style>` must be allowed by hash in the window's CSP
    /// (srcdoc frames inherit it); edit `ui/frame-css.js` and this test gives the new hash.
    #[test]
    fn frame_css_hash_is_in_the_csp() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let js = std::fs::read_to_string(root.join("../ui/frame-css.js")).unwrap();
        let start = js.find("String.raw`").expect("FRAME_CSS template") + "String.raw`".len();
        let end = start + js[start..].find("`;").expect("end of FRAME_CSS");
        let css = &js[start..end];
        assert!(
            css.is_ascii() && !css.contains("${"),
            "keep FRAME_CSS plain ASCII"
        );
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(css));
        let conf: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(root.join("tauri.conf.json")).unwrap())
                .unwrap();
        let style_src = conf["app"]["security"]["csp"]["style-src"]
            .as_str()
            .unwrap_or_default();
        assert!(
            style_src.contains(&format!("'sha256-{hash}'")),
            "style-src must allow the frame stylesheet: add 'sha256-{hash}' (and drop the old hash)"
        );
        let script_src = conf["app"]["security"]["csp"]["script-src"]
            .as_str()
            .unwrap_or_default();
        assert!(
            !script_src.contains("unsafe"),
            "no unsafe scripts: {script_src}"
        );
    }
}
