//! Pages saved to read later, their tags, and read-later archives imported, from the window.
//! Saving and importing open their own library handle (as a sync does), so the window keeps
//! reading while they fetch.
//!
//! Events (to the `main` window):
//! - `import-progress`: an [`ImportProgress`], the library's [`ImportEvent`] as it is
//!   (`{"event": "started", "format", "detected", "entries", "done_before"}`, `{"event":
//!   "entry-done", "done", "total", "url", "state"}`, `{"event": "images", "done", "total"}`)
//!   plus `format_words` on `started` (the format in words: "a Pocket CSV export").

use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use tidings::saved::formats::Format;
use tidings::saved::{
    import_archive, retry_saved as retry, save_page as save, Cancel, ImportEvent, ImportOptions,
    ImportReport, SaveOptions, SaveOutcome, SaveRequest,
};
use tidings::store::TagCount;

use super::CommandError;
use crate::state::AppState;

/// The import under way, if any: its cancel switch (one import at a time).
#[derive(Default)]
pub struct ImportSlot(Mutex<Option<Cancel>>);

/// The payload of `import-progress`.
#[derive(Debug, Clone, Serialize)]
pub struct ImportProgress {
    #[serde(flatten)]
    pub event: ImportEvent,
    /// The format in words, on `started`.
    pub format_words: Option<&'static str>,
}

/// Saves the page at `url` (fetched, extracted, with its images) in the Saved source,
/// bookmarked with `tags` and `note`; a page the library has is bookmarked instead.
#[tauri::command]
pub async fn save_page(
    state: State<'_, AppState>,
    url: String,
    tags: Vec<String>,
    note: Option<String>,
) -> Result<SaveOutcome, CommandError> {
    let request = SaveRequest { url, tags, note };
    Ok(save(
        &state.library_path,
        &state.fetcher()?,
        &request,
        &SaveOptions::default(),
    )
    .await?)
}

/// The text on the desktop's clipboard, or nothing (no text, or it did not answer within a
/// second): "Save a page" fills in a web address found there. Read from GTK on the main
/// thread, as the desktop hands it over; the page is given no clipboard access of its own.
#[tauri::command]
pub async fn clipboard_text(app: AppHandle) -> Result<Option<String>, CommandError> {
    let (sender, receiver) = std::sync::mpsc::channel();
    app.run_on_main_thread(move || request_clipboard_text(sender))
        .map_err(|e| CommandError::internal(format!("cannot read the clipboard: {e}")))?;
    tauri::async_runtime::spawn_blocking(move || {
        receiver
            .recv_timeout(std::time::Duration::from_secs(1))
            .ok()
            .flatten()
    })
    .await
    .map_err(|e| CommandError::internal(format!("clipboard task failed: {e}")))
}

#[cfg(target_os = "linux")]
fn request_clipboard_text(sender: std::sync::mpsc::Sender<Option<String>>) {
    let clipboard = gtk::Clipboard::get(&gtk::gdk::SELECTION_CLIPBOARD);
    clipboard.request_text(move |_, text| {
        let _ = sender.send(text.map(str::to_string));
    });
}

#[cfg(not(target_os = "linux"))]
fn request_clipboard_text(sender: std::sync::mpsc::Sender<Option<String>>) {
    let _ = sender.send(None);
}

/// Fetches saved story `id`'s page again (one kept as only its title and link).
#[tauri::command]
pub async fn retry_saved(state: State<'_, AppState>, id: i64) -> Result<SaveOutcome, CommandError> {
    Ok(retry(
        &state.library_path,
        &state.fetcher()?,
        id,
        &SaveOptions::default(),
    )
    .await?)
}

/// A story's tags, alphabetically.
#[tauri::command]
pub async fn story_tags(state: State<'_, AppState>, id: i64) -> Result<Vec<String>, CommandError> {
    state.with_library(move |lib| lib.tags_of(id)).await
}

/// Tags a story (bookmarking it); returns its tags afterwards.
#[tauri::command]
pub async fn tag_story(
    state: State<'_, AppState>,
    id: i64,
    tags: Vec<String>,
) -> Result<Vec<String>, CommandError> {
    state.with_library(move |lib| lib.tag(id, &tags)).await
}

/// Removes tags from a story (its bookmark stays); returns its tags afterwards.
#[tauri::command]
pub async fn untag_story(
    state: State<'_, AppState>,
    id: i64,
    tags: Vec<String>,
) -> Result<Vec<String>, CommandError> {
    state.with_library(move |lib| lib.untag(id, &tags)).await
}

/// Every tag on a bookmark with how many carry it: the Bookmarks view's filter.
#[tauri::command]
pub async fn bookmark_tags(state: State<'_, AppState>) -> Result<Vec<TagCount>, CommandError> {
    state.with_counts(|lib| lib.bookmark_tags()).await
}

/// Imports the read-later archive at `path` (its format told from the file unless `format`
/// names one), reporting through `import-progress`; returns the summary. Importing the same
/// file again goes on where an earlier run stopped.
#[tauri::command]
pub async fn import_saved(
    app: AppHandle,
    state: State<'_, AppState>,
    slot: State<'_, ImportSlot>,
    path: String,
    format: Option<String>,
) -> Result<ImportReport, CommandError> {
    let file = super::files::absolute(&path)?;
    let format = match format.as_deref() {
        None | Some("") => None,
        Some(name) => Some(Format::from_name(name).ok_or_else(|| {
            CommandError::new("invalid-format", format!("no archive format {name:?}"))
        })?),
    };
    let cancel = slot.start()?;
    let result = run_import(&app, &state, file, format, &cancel).await;
    slot.finish();
    result
}

/// Stops the import under way between entries (it returns its report, `cancelled` set).
#[tauri::command]
pub fn cancel_import(slot: State<'_, ImportSlot>) {
    if let Ok(Some(cancel)) = slot.0.lock().as_deref() {
        cancel.cancel();
    }
}

async fn run_import(
    app: &AppHandle,
    state: &AppState,
    file: PathBuf,
    format: Option<Format>,
    cancel: &Cancel,
) -> Result<ImportReport, CommandError> {
    let options = ImportOptions {
        format,
        ..ImportOptions::default()
    };
    let progress = |event: ImportEvent| {
        let format_words = match &event {
            ImportEvent::Started { format, .. } => Some(format.describe()),
            _ => None,
        };
        let _ = app.emit_to(
            "main",
            "import-progress",
            ImportProgress {
                event,
                format_words,
            },
        );
    };
    let fetcher = state.fetcher()?;
    Ok(import_archive(
        &state.library_path,
        &file,
        &fetcher,
        &options,
        &progress,
        cancel,
    )
    .await?)
}

impl ImportSlot {
    /// A new import's cancel switch; refused while one runs.
    fn start(&self) -> Result<Cancel, CommandError> {
        let mut slot = self
            .0
            .lock()
            .map_err(|_| CommandError::internal("the import lock was poisoned"))?;
        if slot.is_some() {
            return Err(CommandError::new(
                "import-running",
                "an import is already running",
            ));
        }
        let cancel = Cancel::default();
        *slot = Some(cancel.clone());
        Ok(cancel)
    }

    fn finish(&self) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = None;
        }
    }
}
