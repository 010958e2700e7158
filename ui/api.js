// Every backend command the UI calls, by name, in one place. Tauri's global is looked up at
// call time, not at module load, so this module can load before the bridge is ready.

function invoke(command, args) {
  const tauri = window.__TAURI__;
  if (!tauri || !tauri.core) {
    return Promise.reject({ kind: "no-backend", message: "The Tidings backend is not available." });
  }
  return tauri.core.invoke(command, args);
}

/** Counts: { folders, feeds, articles, unread, bookmarked, schema_version }. */
export function librarySummary() {
  return invoke("library_summary");
}
