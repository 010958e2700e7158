// Saved pages, tags and read-later imports: part of api.js (import from there).

import { invoke, listen } from "./ipc.js";

// Saved pages, tags and read-later imports (src-tauri/src/commands/saved.rs). A SaveOutcome
// (src/saved/mod.rs) is { article_id, saved_as: "saved" | "already" | "unavailable", title,
// url, reason (why the page could not be had, or null), tags, site_feed (a feed the site
// offers, or null), images_stored, images_failed }.

/**
 * Saves the page at `url` in the Saved source, bookmarked with `tags` and `note` (or null).
 * Fails with kind "is-a-feed" or "site-has-feed" when the address is better subscribed to.
 */
export function savePage(url, tags, note) {
  return invoke("save_page", { url, tags, note });
}

/** The text on the desktop's clipboard, or null. */
export function clipboardText() {
  return invoke("clipboard_text");
}

/** Fetches saved story `id`'s page again; resolves to a SaveOutcome. */
export function retrySaved(id) {
  return invoke("retry_saved", { id });
}

/** Story `id`'s tags, alphabetically. */
export function storyTags(id) {
  return invoke("story_tags", { id });
}

/** Adds tags to story `id` (bookmarking it); resolves to its tags. */
export function tagStory(id, tags) {
  return invoke("tag_story", { id, tags });
}

/** Removes tags from story `id` (it stays bookmarked); resolves to its tags. */
export function untagStory(id, tags) {
  return invoke("untag_story", { id, tags });
}

/** Every tag on a bookmark: [{ tag, bookmarks }], alphabetically. */
export function bookmarkTags() {
  return invoke("bookmark_tags");
}

/**
 * Imports the read-later archive at `path` (absolute), its format told from the file unless
 * `format` names one ("pocket-csv", "pocket-html", "instapaper", "wallabag", "omnivore",
 * "bookmarks"). Resolves, when it ends, to its ImportReport (src/saved/import.rs): { format,
 * detected, entries, saved, archived, already, dead, skipped, bad, done_before,
 * fetched_again, images_stored, images_failed, problems: [{ position, url, kind, reason }],
 * problems_unlisted, cancelled, seconds }. Importing the same file again resumes it.
 */
export function importSaved(path, format) {
  return invoke("import_saved", { path, format: format || null });
}

/** Stops the running import between entries (it then resolves with `cancelled`). */
export function cancelImport() {
  return invoke("cancel_import");
}

/**
 * `import-progress`: { event: "started", format, format_words, detected, entries,
 * done_before } | { event: "entry-done", done, total, url, state } (`state`: "saved",
 * "archived", "dead", "already" or "skipped") | { event: "images", done, total }.
 */
export function onImportProgress(handler) {
  return listen("import-progress", (e) => handler(e.payload));
}
