//! The Tidings desktop app: a thin Tauri shell over the `tidings` library.
//!
//! Owns the window, the app state (the open library), the commands the UI calls and the events
//! it listens to. No SQL, no HTML parsing, no HTTP here: every command delegates to the library.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;
mod state;

fn main() {
    let library_path = state::library_path_from_args(std::env::args_os());
    let app_state = state::AppState::open(library_path);
    let result = tauri::Builder::default()
        .manage(app_state)
        .invoke_handler(tauri::generate_handler![commands::library::library_summary])
        .run(tauri::generate_context!());
    if let Err(err) = result {
        eprintln!("tidings-app: cannot start the window: {err}");
        std::process::exit(1);
    }
}
