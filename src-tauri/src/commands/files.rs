//! Files the user names in the window: importing an OPML subscription list, exporting one, and
//! exporting bookmarks as one HTML file, an EPUB book or a folder of Markdown files. Paths come
//! from the window's own file fields (typed, or filled in by the desktop's file chooser,
//! `choose_file`; never from article content) and must be absolute; an export never overwrites
//! a file (the Markdown export updates only the files it wrote itself).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tauri::State;
use tidings::opml::{parse_opml, write_opml, OpmlSubscription};
use tidings::store::NewFeed;

use super::CommandError;
use crate::state::AppState;

/// What `import_opml` did.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    /// Subscriptions in the file.
    pub total: usize,
    /// How many of them were new.
    pub added: usize,
    /// Entries without a usable feed URL, and repeats, that were skipped.
    pub skipped: usize,
    /// Set when the file was broken part-way (what was read before that point was imported).
    pub incomplete: Option<String>,
}

fn absolute(path: &str) -> Result<PathBuf, CommandError> {
    let path = PathBuf::from(path.trim());
    if path.as_os_str().is_empty() || !path.is_absolute() {
        return Err(CommandError::new(
            "invalid-path",
            format!("give a full path (starting with /): {}", path.display()),
        ));
    }
    Ok(path)
}

fn io_error(path: &Path, verb: &str, err: std::io::Error) -> CommandError {
    let kind = match err.kind() {
        std::io::ErrorKind::AlreadyExists => "file-exists",
        std::io::ErrorKind::NotFound => "file-not-found",
        _ => "file",
    };
    CommandError::new(kind, format!("cannot {verb} {}: {err}", path.display()))
}

/// A new file at `path` (refused if one is there), written whole by `write`.
fn write_new(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<(), CommandError>,
) -> Result<(), CommandError> {
    let file = std::fs::File::create_new(path).map_err(|e| io_error(path, "create", e))?;
    let mut out = std::io::BufWriter::new(file);
    let result = write(&mut out).and_then(|()| out.flush().map_err(|e| io_error(path, "write", e)));
    if result.is_err() {
        // Ours, just created and incomplete: do not leave half a file behind.
        let _ = std::fs::remove_file(path);
    }
    result
}

/// What the desktop's file chooser is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pick {
    /// An existing file to read.
    Open,
    /// A new file to write.
    Save,
    /// A folder (made if missing) to write into.
    Folder,
}

/// What a file action asks the desktop's file chooser for.
struct Chooser {
    pick: Pick,
    title: &'static str,
    filter: &'static str,
    extensions: &'static [&'static str],
}

fn chooser_for(purpose: &str) -> Option<Chooser> {
    let (pick, title, filter, extensions): (_, _, _, &'static [&'static str]) = match purpose {
        "import-opml" => (
            Pick::Open,
            "Import subscriptions",
            "OPML lists",
            &["opml", "xml"],
        ),
        "export-opml" => (Pick::Save, "Export subscriptions", "OPML lists", &["opml"]),
        "export-html" => (
            Pick::Save,
            "Export bookmarks as a web page",
            "Web pages",
            &["html"],
        ),
        "export-epub" => (
            Pick::Save,
            "Export bookmarks as an e-book",
            "EPUB books",
            &["epub"],
        ),
        "export-markdown" => (
            Pick::Folder,
            "Export bookmarks as Markdown",
            "Markdown",
            &["md"],
        ),
        _ => return None,
    };
    Some(Chooser {
        pick,
        title,
        filter,
        extensions,
    })
}

/// Asks the desktop's own file chooser (GTK) for the file of a file action (`purpose`:
/// `import-opml`, `export-opml`, `export-html`, `export-epub`, or `export-markdown`, a folder),
/// starting at `suggested` (the path the window's field holds). Returns the chosen absolute
/// path, or nothing when the user cancelled. It only fills the field: the action itself still
/// goes through its own command.
#[tauri::command]
pub async fn choose_file(
    window: tauri::WebviewWindow,
    purpose: String,
    suggested: String,
) -> Result<Option<String>, CommandError> {
    use tauri_plugin_dialog::DialogExt;
    let Some(Chooser {
        pick,
        title,
        filter,
        extensions,
    }) = chooser_for(&purpose)
    else {
        return Err(CommandError::new(
            "invalid-purpose",
            format!("unknown file action {purpose:?}"),
        ));
    };
    let suggested = PathBuf::from(suggested.trim());
    let mut chooser = window.dialog().file().set_parent(&window).set_title(title);
    if pick != Pick::Folder {
        chooser = chooser
            .add_filter(filter, extensions)
            .add_filter("All files", &["*"]);
    }
    if suggested.is_absolute() {
        if let Some(dir) = suggested.parent().filter(|d| d.is_dir()) {
            chooser = chooser.set_directory(dir);
        }
        if let Some(name) = suggested.file_name().filter(|_| pick != Pick::Open) {
            chooser = chooser.set_file_name(name.to_string_lossy());
        }
    }
    // The blocking calls hand the dialog to the main thread and wait here, off it.
    let chosen = match pick {
        Pick::Open => chooser.blocking_pick_file(),
        Pick::Save => chooser.blocking_save_file(),
        Pick::Folder => chooser.blocking_pick_folder(),
    };
    Ok(chosen
        .and_then(|file| file.into_path().ok())
        .map(|path| path.to_string_lossy().into_owned()))
}

/// Subscribes to every feed of the OPML file at `path` (folders kept), in one transaction.
#[tauri::command]
pub async fn import_opml(
    state: State<'_, AppState>,
    path: String,
) -> Result<Imported, CommandError> {
    let path = absolute(&path)?;
    state
        .with_library_io(move |lib| {
            let bytes = std::fs::read(&path).map_err(|e| io_error(&path, "read", e))?;
            let opml = parse_opml(&bytes)
                .map_err(|e| CommandError::new("not-opml", format!("{}: {e}", path.display())))?;
            let feeds: Vec<NewFeed> = opml.subscriptions.iter().map(NewFeed::from).collect();
            let added = lib.add_feeds(&feeds)?;
            Ok(Imported {
                total: feeds.len(),
                added,
                skipped: opml.dropped_urls + opml.duplicates,
                incomplete: opml.incomplete,
            })
        })
        .await
}

/// Writes every subscription (with its folder) as OPML 2.0 to a new file at `path`. Returns how
/// many were written.
#[tauri::command]
pub async fn export_opml(state: State<'_, AppState>, path: String) -> Result<usize, CommandError> {
    let path = absolute(&path)?;
    state
        .with_library_io(move |lib| {
            let subs: Vec<OpmlSubscription> = lib
                .feeds_for_export()?
                .into_iter()
                .filter_map(|f| {
                    Some(OpmlSubscription {
                        xml_url: tauri::Url::parse(&f.url).ok()?,
                        html_url: f
                            .site_url
                            .as_deref()
                            .and_then(|u| tauri::Url::parse(u).ok()),
                        title: f.title,
                        folder: f.folder,
                    })
                })
                .collect();
            let text = write_opml("Tidings subscriptions", &subs);
            write_new(&path, |out| {
                out.write_all(text.as_bytes())
                    .map_err(|e| io_error(&path, "write", e))
            })?;
            Ok(subs.len())
        })
        .await
}

/// Exports every bookmarked story to a new file at `path`: `format` is `html` (one
/// self-contained page) or `epub`. Returns how many stories were written.
#[tauri::command]
pub async fn export_bookmarks(
    state: State<'_, AppState>,
    path: String,
    format: String,
) -> Result<usize, CommandError> {
    let path = absolute(&path)?;
    let epub = match format.as_str() {
        "html" => false,
        "epub" => true,
        other => {
            return Err(CommandError::new(
                "invalid-format",
                format!("unknown export format {other:?} (html or epub)"),
            ))
        }
    };
    state
        .with_library_io(move |lib| {
            let count = tidings::export::bookmarked(lib)?.len();
            write_new(&path, |out| {
                if epub {
                    tidings::export::bookmarks_epub(lib, &mut *out)?;
                    Ok(())
                } else {
                    let html = tidings::export::bookmarks_html(lib)?;
                    out.write_all(html.as_bytes())
                        .map_err(|e| io_error(&path, "write", e))
                }
            })?;
            Ok(count)
        })
        .await
}

/// Exports every bookmarked story, with its highlights and notes, as one Markdown file each in
/// the folder `path` (made if missing; images in its `assets/`). Exporting again updates the
/// files in place; a file there that this export did not write stops it before anything is
/// written (`file-in-the-way`).
#[tauri::command]
pub async fn export_markdown(
    state: State<'_, AppState>,
    path: String,
) -> Result<tidings::export::MarkdownExport, CommandError> {
    let path = absolute(&path)?;
    state
        .with_library_io(move |lib| Ok(tidings::export::bookmarks_markdown(lib, &path)?))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_action_has_its_chooser_and_nothing_else_does() {
        for purpose in ["import-opml", "export-opml", "export-html", "export-epub"] {
            let chooser = chooser_for(purpose).unwrap();
            let pick = if purpose.starts_with("import") {
                Pick::Open
            } else {
                Pick::Save
            };
            assert_eq!(chooser.pick, pick, "{purpose}");
            assert!(purpose.ends_with(chooser.extensions[0]), "{purpose}");
        }
        assert_eq!(chooser_for("export-markdown").unwrap().pick, Pick::Folder);
        assert!(chooser_for("../etc/passwd").is_none());
    }

    #[test]
    fn only_absolute_paths_and_never_over_a_file() {
        assert_eq!(absolute("notes.opml").unwrap_err().kind, "invalid-path");
        assert_eq!(absolute("  ").unwrap_err().kind, "invalid-path");
        let dir = std::env::temp_dir().join(format!("tidings-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.txt");
        let _ = std::fs::remove_file(&path);
        write_new(&path, |out| {
            out.write_all(b"one")
                .map_err(|e| io_error(&path, "write", e))
        })
        .unwrap();
        let err = write_new(&path, |out| {
            out.write_all(b"two")
                .map_err(|e| io_error(&path, "write", e))
        })
        .unwrap_err();
        assert_eq!(err.kind, "file-exists");
        assert_eq!(std::fs::read(&path).unwrap(), b"one", "left untouched");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
