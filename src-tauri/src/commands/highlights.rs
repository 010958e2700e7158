//! Highlights and their notes, made in the reader: the window reads the selection in the story
//! frame and sends it as a text-quote selector; the library anchors it in the story's plain text
//! (and keeps it, orphaned, when a later version of the story lost its words).

use tauri::State;
use tidings::store::{Highlight, HighlightColor, HighlightMark, Selection};

use super::CommandError;
use crate::state::AppState;

/// Highlights `selection` in story `article_id` (`{"kind":"quote","quote":{"exact","prefix",
/// "suffix"},"hint":N}`, offsets in code points); the story becomes bookmarked.
#[tauri::command]
pub async fn add_highlight(
    state: State<'_, AppState>,
    article_id: i64,
    selection: Selection,
    color: HighlightColor,
) -> Result<Highlight, CommandError> {
    state
        .with_library(move |lib| lib.add_highlight(article_id, &selection, color, None))
        .await
}

/// Story `article_id`'s highlights in reading order, or every highlight in the library, newest
/// first (`None`).
#[tauri::command]
pub async fn highlights(
    state: State<'_, AppState>,
    article_id: Option<i64>,
) -> Result<Vec<Highlight>, CommandError> {
    state
        .with_library(move |lib| lib.highlights(article_id))
        .await
}

/// Story `article_id`'s highlights, each with where it stands in `text` (the text the window
/// built from the story frame, in code points) or `None` when its words are not there.
#[tauri::command]
pub async fn highlight_marks(
    state: State<'_, AppState>,
    article_id: i64,
    text: String,
) -> Result<Vec<HighlightMark>, CommandError> {
    state
        .with_library(move |lib| lib.highlight_marks(article_id, &text))
        .await
}

/// Sets a highlight's note (`None` or blank: removes it).
#[tauri::command]
pub async fn set_highlight_note(
    state: State<'_, AppState>,
    id: i64,
    note: Option<String>,
) -> Result<Highlight, CommandError> {
    state
        .with_library(move |lib| lib.set_highlight_note(id, note.as_deref()))
        .await
}

/// Shows a highlight in another colour.
#[tauri::command]
pub async fn set_highlight_color(
    state: State<'_, AppState>,
    id: i64,
    color: HighlightColor,
) -> Result<Highlight, CommandError> {
    state
        .with_library(move |lib| lib.set_highlight_color(id, color))
        .await
}

/// Removes a highlight (its story stays bookmarked) and returns it as it was.
#[tauri::command]
pub async fn remove_highlight(
    state: State<'_, AppState>,
    id: i64,
) -> Result<Highlight, CommandError> {
    state
        .with_library(move |lib| lib.remove_highlight(id))
        .await
}
