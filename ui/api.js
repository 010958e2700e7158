// Every backend command and event the UI uses, by name, in one place: the only door to the
// backend. The commands of accounts, rules and feed settings, saved pages and storage are in
// their parts (api-accounts.js, api-control.js, api-saved.js, api-storage.js), exported from
// here; ipc.js is the bridge.
// Errors arrive as { kind, message } (see src-tauri/src/commands/mod.rs for the kinds).

import { invoke, listen } from "./ipc.js";

export * from "./api-accounts.js";
export * from "./api-storage.js";
export * from "./api-control.js";
export * from "./api-saved.js";


/** Counts: { folders, feeds, articles, unread, bookmarked, schema_version }. */
export function librarySummary() {
  return invoke("library_summary");
}

/**
 * The sources pane: { counts: { unread, today, bookmarks, all, flagged }, feeds: [Feed] } where a Feed
 * is { id, url, site_url, title, folder, status, last_error, last_error_kind, error_count, unread,
 * total, … } (`last_error_kind` is the failure's word, as a sync's `failure` below).
 */
export function sources(todaySince) {
  return invoke("sources", { todaySince });
}

/**
 * A page of a list. `list` is { kind: "unread" | "all" | "bookmarks" | "flagged" } or
 * { kind: "today", since } | { kind: "feed", id } | { kind: "folder", name }; `after` is the
 * previous page's `next` cursor or null. Returns { stories: [StoryRow], next, as_of } where a
 * StoryRow (src/store/articles.rs) is { id, feed_id, feed_title, title, url, author,
 * published_at, sort_at, teaser, read, bookmarked, thumbnail, flagged, duplicate_of, also_in }
 * (`url`, `author`, `published_at` and `thumbnail` may be null; `thumbnail` is a
 * "tidings-img://localhost/KEY"; `flagged`: a keep rule caught it; a story in several feeds is
 * listed once, its other feeds' names in `also_in`, except in a feed's own list, where its copy
 * has `duplicate_of`: the id of the copy shown elsewhere, else null). Reading or bookmarking
 * any copy does it to every copy.
 */
export function storyPage(list, after, limit) {
  const early = takeFirstPage(list, after, limit);
  return early ? Promise.resolve(early) : invoke("story_page", { list, after, limit });
}

/**
 * The first page of "All unread", read by the app while the window was being made and set in
 * `window.__TIDINGS_FIRST_PAGE__` before this module ran ({ list, limit, page }). Taken by the
 * first page request only, and only when it asks for that page; null otherwise.
 */
function takeFirstPage(list, after, limit) {
  const first = window.__TIDINGS_FIRST_PAGE__;
  if (first === undefined) return null;
  window.__TIDINGS_FIRST_PAGE__ = undefined;
  const same = first && first.page && list && list.kind === first.list && after == null && limit === first.limit;
  return same ? first.page : null;
}

/**
 * Marks the story read and returns it whole (Article: content_html, teaser_html, lang, …, plus
 * lead_image_src: "tidings-img://localhost/KEY" when the body does not show its lead image).
 */
export function openStory(id) {
  return invoke("open_story", { id });
}

export function setRead(id, read) {
  return invoke("set_read", { id, read });
}

export function setBookmarked(id, bookmarked) {
  return invoke("set_bookmarked", { id, bookmarked });
}

/** Marks the list's unread stories up to story id `asOf` read; resolves to how many. */
export function markListRead(list, asOf) {
  return invoke("mark_list_read", { list, asOf });
}

/** Opens the story's original page in the system browser; resolves to the URL opened. */
export function openOriginal(id) {
  return invoke("open_original", { id });
}

/** { url, title, site_url, format, entries, discovered_from } for what the user typed. */
export function findFeed(address) {
  return invoke("find_feed", { address });
}

/** Subscribes; resolves to { id, is_new }. */
export function addFeed(url, title, siteUrl, folder) {
  return invoke("add_feed", { url, title, siteUrl, folder });
}

/** Starts a sync; resolves to { started } (false when one is already running). */
export function syncNow() {
  return invoke("sync_now");
}

/**
 * Searches the whole library: [{ article: { id, feed_id, feed_title, title, url, author,
 * published_at, read, bookmarked }, snippet: [{ text, hit }] }], best first. Snippet parts are
 * plain text: build <mark> elements from them.
 */
export function search(query, limit) {
  return invoke("search", { query, limit: limit ?? null });
}

/** Renames a subscription (empty or null: back to the feed's own title). */
export function renameFeed(id, title) {
  return invoke("rename_feed", { id, title });
}

/** Moves a subscription into folder `folder` (created if new; empty or null: no folder). */
export function moveFeed(id, folder) {
  return invoke("move_feed", { id, folder });
}

/** Unsubscribes; resolves to how many bookmarked stories were kept. */
export function unsubscribe(id) {
  return invoke("unsubscribe", { id });
}

/** Imports an OPML file (absolute path); resolves to { total, added, skipped, incomplete }. */
export function importOpml(path) {
  return invoke("import_opml", { path });
}

/** Writes the subscriptions to a new OPML file; resolves to how many. */
export function exportOpml(path) {
  return invoke("export_opml", { path });
}

/**
 * Opens the desktop's file chooser for a file action ("import-opml", "export-opml",
 * "export-html", "export-epub", or "export-markdown", a folder) at the suggested path;
 * resolves to the chosen path or null.
 */
export function chooseFile(purpose, suggested) {
  return invoke("choose_file", { purpose, suggested });
}

/** Writes every bookmark to a new file, `format` "html" or "epub"; resolves to how many. */
export function exportBookmarks(path, format) {
  return invoke("export_bookmarks", { path, format });
}

/**
 * Writes every bookmark, with its highlights and notes, as one Markdown file each into the
 * folder `path` (made if missing; images in its assets/); files this export wrote before are
 * updated in place. Resolves to { stories, images }.
 */
export function exportMarkdown(path) {
  return invoke("export_markdown", { path });
}

// Highlights. A Highlight (src/store/highlights.rs) is { id, article_id, article_title, text,
// prefix, suffix, start, end, color: "yellow" | "green" | "blue" | "pink", note (or null),
// created_at, updated_at, orphaned } (`start`/`end`: code points in the story's stored text;
// `orphaned`: its words are no longer in the story).

/**
 * Highlights a passage of story `articleId`. `selection` is { kind: "quote", quote: { exact,
 * prefix, suffix }, hint } (read from the story's text; `hint`: where `exact` began, in code
 * points) or { kind: "words", exact, occurrence } (typed; `occurrence` from 1, or null when
 * the words stand once). The story becomes bookmarked. Resolves to the Highlight.
 */
export function addHighlight(articleId, selection, color) {
  return invoke("add_highlight", { articleId, selection, color });
}

/** Story `articleId`'s highlights in reading order, or (null) every one, newest first. */
export function highlights(articleId) {
  return invoke("highlights", { articleId });
}

/**
 * Story `articleId`'s highlights as they stand in `text` (the text the window read from the
 * story): [{ highlight: Highlight, span: { start, end } | null }], code points, null when the
 * words are not there.
 */
export function highlightMarks(articleId, text) {
  return invoke("highlight_marks", { articleId, text });
}

/** Sets a highlight's note (empty or null removes it); resolves to the Highlight. */
export function setHighlightNote(id, note) {
  return invoke("set_highlight_note", { id, note });
}

export function setHighlightColor(id, color) {
  return invoke("set_highlight_color", { id, color });
}

/** Removes a highlight (its story stays bookmarked); resolves to it as it was. */
export function removeHighlight(id) {
  return invoke("remove_highlight", { id });
}

/**
 * { values, auto_sync, auto_sync_seconds, home_dir }: `values` holds every window setting by
 * name (theme, text_size, font, sync_interval, pane_sources, pane_stories), as strings, the
 * library's defaults filled in (the keys and defaults live in the library, store::UI_SETTINGS);
 * `auto_sync` false: the window never syncs on its own; `auto_sync_seconds`: a test's timer
 * period in seconds, or null; `home_dir`: the user's home folder, or null.
 */
export function settings() {
  return invoke("settings");
}

/** Stores one setting (a name and value `settings` lists). */
export function setSetting(name, value) {
  return invoke("set_setting", { name, value: String(value) });
}

// Events, emitted to the main window by src-tauri/src/commands/sync.rs (payloads as sent; the
// progress events are the library's SyncEvent, src/sync/mod.rs, serialized as they are).

/**
 * `sync-progress`, in three phases, each with its own start and per-item events (`done`
 * counts from 1 to `total`; page events are thinned to one per 100 ms, the last always sent):
 * - feeds: { event: "feeds-started", total } then, per feed, { event: "feed-done", done,
 *   total, feed_id, title, outcome } where outcome is { kind: "updated", new, updated,
 *   problems } | { kind: "not-modified" } | { kind: "failed", error, failure } (`error` is
 *   for people; `failure` is a word for programs: "offline", "timeout", "http", "redirects",
 *   "too-large", "refused", "readers-refused", "invalid-url", "network", "not-a-feed", "parse",
 *   "internal"; src/sync/failure.rs: "readers-refused" is a site turning readers away, which
 *   the browser user agent may get past);
 * - pages (each new story's full article): { event: "pages-started", total } then
 *   { event: "page-done", done, total, article_id, ok };
 * - images (saved for offline reading): { event: "images-started", total } then
 *   { event: "image-done", done, total };
 * - accounts (after the feeds, before pages and images), per account: { event:
 *   "account-progress", account_id, name, done, total } as batches of its new items are
 *   stored (`done` of `total` items), then { event: "account-done", account_id, name, status,
 *   error } (`status` an Account status word; `error` why it did not go through, or null).
 */
export function onSyncProgress(handler) {
  return listen("sync-progress", (e) => handler(e.payload));
}

/**
 * `sync-finished`: { report, offline } where report is { feeds_total, feeds_ok,
 * feeds_not_modified, feeds_failed: [{ feed_id, title, url, error, kind }], new_articles,
 * updated_articles, pages_extracted, pages_failed, pages_feed_kept, images_stored, images_failed,
 * articles_expired, offline, seconds, accounts: [AccountReport] } (`kind` is one of the
 * `failure` words above; an AccountReport, src/sync/accounts.rs, is { account_id, name, status,
 * error, skipped, synced, changes_sent, changes_refused: [reason], new_articles, requests, … }:
 * an account that failed never makes the sync "offline"). `offline`
 * (also in the report) is true when no feed could be reached at all (the network, not the
 * feeds, is down): those failures were not recorded on the feeds, and the pages and images
 * phases did not run.
 */
export function onSyncFinished(handler) {
  return listen("sync-finished", (e) => handler(e.payload));
}

/** `sync-failed`: { kind: "sync", message } when the sync could not run at all. */
export function onSyncFailed(handler) {
  return listen("sync-failed", (e) => handler(e.payload));
}

/**
 * `open-request`: { kind: "subscribe", url } | { kind: "import", path } — what a later launch
 * of the app (a clicked feed: link, a double-clicked feed or OPML file) asks this window to
 * open. The first launch's requests are in `window.__TIDINGS_OPEN_REQUESTS__`.
 */
export function onOpenRequest(handler) {
  return listen("open-request", (e) => handler(e.payload));
}

/** The first launch's open requests (read once). */
export function startupOpenRequests() {
  const list = window.__TIDINGS_OPEN_REQUESTS__;
  window.__TIDINGS_OPEN_REQUESTS__ = [];
  return Array.isArray(list) ? list : [];
}

/**
 * Tells the app a launch stage: "ready" (the first stories, or the error, are in the page:
 * the app shows its window), then "first-stories" and "library-shown" once painted (for the
 * launch measurement, `TIDINGS_LAUNCH_TRACE=1`). With "ready", while the trace is on, the
 * page's own timing goes along (`pageTiming`). Never fails.
 */
export function launchMark(stage) {
  const page = stage === "ready" && window.__TIDINGS_TRACE__ ? pageTiming() : null;
  invoke("launch_mark", { stage, page }).catch(() => {});
}

/** ms after navigation start: the HTML, stylesheet and last module received, the UI's start. */
function pageTiming() {
  const [nav] = performance.getEntriesByType("navigation");
  const resources = performance.getEntriesByType("resource");
  const received = (suffix) =>
    Math.max(0, ...resources.filter((r) => r.name.endsWith(suffix)).map((r) => r.responseEnd));
  const started = performance.getEntriesByName("tidings-start")[0];
  return {
    time_origin: performance.timeOrigin,
    html: nav ? nav.responseEnd : 0,
    styles: received(".css"),
    modules: received(".js"),
    start: started ? started.startTime : 0,
    rows: performance.now(),
    marks: Object.fromEntries(performance.getEntriesByType("mark").map((m) => [m.name, m.startTime])),
  };
}
