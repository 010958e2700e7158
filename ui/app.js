// The app: three panes (sources, stories, reader), keyboard first. Shows the library as it is
// on disk at once and never waits for the network; sync runs in the background and reports
// through events. Every string from the library or the network goes into the page with
// textContent (or an attribute), never innerHTML; story bodies render only in the sandboxed
// frame built by reader.js.

import * as api from "./api.js";
import { clockTime, dayKey, dayLabel, fullDate, plural, startOfDay, timeAgo } from "./format.js";
import { storyDocument } from "./reader.js";

const PAGE = 100;
const $ = (id) => document.getElementById(id);

const state = {
  list: { kind: "unread" },
  listKey: "unread",
  listTitle: "All unread",
  stories: [],
  next: null,
  asOf: 0,
  loading: false,
  generation: 0, // bumps when the list changes, so late pages of an old list are dropped
  selected: -1,
  openId: null,
  article: null,
  openToken: 0,
  sources: null,
  summary: null,
  syncing: false,
  lastSync: null, // { offline, time } of the last finished sync
  gPending: false,
  gTimer: 0,
  theme: "system",
};

// ---------------------------------------------------------------------------------------------
// Small helpers

function show(id, visible) {
  $(id).hidden = !visible;
}

function node(tag, className, text) {
  const n = document.createElement(tag);
  if (className) n.className = className;
  if (text !== undefined && text !== null) n.textContent = text;
  return n;
}

function errorText(error) {
  return (error && error.message) || String(error);
}

let statusTimer = 0;
let statusShowing = false;
/** A short message in the sources footer for a few seconds, then the counts again. */
function status(text) {
  $("status-line").textContent = text;
  $("status-line").title = text;
  statusShowing = true;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => {
    statusShowing = false;
    renderStatusIdle();
  }, 6000);
}

function renderStatusIdle() {
  const s = state.sources;
  if (!s) return;
  const parts = [plural(s.feeds.length, "feed", "feeds")];
  const failing = s.feeds.filter((f) => f.error_count > 0 || f.status === "gone").length;
  if (state.lastSync && state.lastSync.offline) parts.unshift(`Offline since ${state.lastSync.time}`);
  else if (failing) parts.push(`${failing} failing`);
  if (state.lastSync && !state.lastSync.offline) parts.push(`synced ${state.lastSync.time}`);
  $("status-line").textContent = parts.join(" · ");
  $("status-line").title = parts.join(" · ");
}

// ---------------------------------------------------------------------------------------------
// Sources pane

const SMART = {
  unread: { list: () => ({ kind: "unread" }), title: "All unread" },
  today: { list: () => ({ kind: "today", since: startOfDay() }), title: "Today" },
  bookmarks: { list: () => ({ kind: "bookmarks" }), title: "Bookmarks" },
  all: { list: () => ({ kind: "all" }), title: "All stories" },
};

/** A feed never fetched yet is named by its URL: show that without the scheme. */
function displayName(title, url) {
  const name = title || url || "";
  return /^https?:\/\//.test(name) ? name.replace(/^https?:\/\//, "") : name;
}

function countText(n) {
  return n > 0 ? String(n) : "";
}

function feedButton(feed) {
  const b = node("button", "source feed");
  b.type = "button";
  b.dataset.key = `feed:${feed.id}`;
  b.dataset.feedId = String(feed.id);
  const name = node("span", "source-name", displayName(feed.title, feed.url));
  b.append(name);
  const failing = feed.error_count > 0 || feed.status === "gone";
  if (failing) {
    b.classList.add("feed-error");
    const why = feed.status === "gone" ? "This feed is gone (410)." : feed.last_error || "The last sync failed.";
    b.title = `${feed.title}\n${why}`;
    const mark = node("span", "error-mark", "!");
    mark.setAttribute("aria-label", "failing");
    b.append(mark);
  } else {
    b.title = feed.url;
  }
  b.append(node("span", "count", countText(feed.unread)));
  b.addEventListener("click", () => selectList(`feed:${feed.id}`, { kind: "feed", id: feed.id }, feed.title));
  return b;
}

function renderSources(sources) {
  state.sources = sources;
  const c = sources.counts;
  $("count-unread").textContent = countText(c.unread);
  $("count-today").textContent = countText(c.today);
  $("count-bookmarked").textContent = countText(c.bookmarks);
  $("count-all").textContent = countText(c.all);
  document.title = c.unread > 0 ? `Tidings (${c.unread})` : "Tidings";

  const tree = $("feed-tree");
  const folders = new Map();
  const loose = [];
  for (const feed of sources.feeds) {
    if (feed.folder) {
      if (!folders.has(feed.folder)) folders.set(feed.folder, []);
      folders.get(feed.folder).push(feed);
    } else {
      loose.push(feed);
    }
  }
  const out = document.createDocumentFragment();
  if (loose.length) {
    const ul = node("ul", "feeds");
    for (const feed of loose) {
      const li = node("li");
      li.append(feedButton(feed));
      ul.append(li);
    }
    out.append(ul);
  }
  for (const [name, feeds] of folders) {
    const section = node("section", "folder");
    const head = node("button", "source folder-name");
    head.type = "button";
    head.dataset.key = `folder:${name}`;
    head.append(node("span", "source-name", name));
    head.append(node("span", "count", countText(feeds.reduce((n, f) => n + f.unread, 0))));
    head.addEventListener("click", () => selectList(`folder:${name}`, { kind: "folder", name }, name));
    section.append(head);
    const ul = node("ul", "feeds");
    for (const feed of feeds) {
      const li = node("li");
      li.append(feedButton(feed));
      ul.append(li);
    }
    section.append(ul);
    out.append(section);
  }
  tree.replaceChildren(out);
  markSelectedSource();

  const names = $("folder-names");
  names.replaceChildren(...Array.from(folders.keys(), (f) => {
    const o = document.createElement("option");
    o.value = f;
    return o;
  }));
  if (!statusShowing) renderStatusIdle();
}

function markSelectedSource() {
  for (const b of document.querySelectorAll("#sources .source")) {
    const key = b.dataset.key || b.dataset.list;
    b.classList.toggle("selected", key === state.listKey);
    if (key === state.listKey) b.setAttribute("aria-current", "true");
    else b.removeAttribute("aria-current");
  }
}

let sourcesTimer = 0;
/** Reloads the counts soon (coalescing bursts of changes). */
function refreshSourcesSoon(delay = 250) {
  clearTimeout(sourcesTimer);
  sourcesTimer = setTimeout(refreshSources, delay);
}

async function refreshSources() {
  try {
    const [sources, summary] = await Promise.all([api.sources(startOfDay()), api.librarySummary()]);
    renderSources(sources);
    renderSummary(summary);
  } catch (error) {
    status(`Could not read the subscriptions: ${errorText(error)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Story list

function selectList(key, list, title) {
  state.listKey = key;
  state.list = list;
  state.listTitle = title;
  markSelectedSource();
  closeStory();
  loadList();
}

function goSmart(key) {
  const smart = SMART[key];
  selectList(key, smart.list(), smart.title);
}

function storyRow(story, index) {
  const row = node("div", "story-row");
  row.setAttribute("role", "option");
  row.dataset.id = String(story.id);
  row.dataset.index = String(index);
  const marks = node("span", "marks");
  marks.append(node("span", "unread-dot"), node("span", "bookmark-mark", "★"));
  const body = node("div", "row-body");
  const meta = node("div", "row-meta");
  meta.append(node("span", "row-source", displayName(story.feed_title)));
  // Today: "5m", "3h"; older days carry their date in the group heading, so the clock time.
  const at = story.published_at ?? story.sort_at;
  const when = node("time", "row-time", at >= startOfDay() ? timeAgo(at) : clockTime(at));
  when.title = story.published_at == null ? "Date unknown (first seen)" : fullDate(story.published_at);
  meta.append(when);
  body.append(meta, node("div", "row-title", story.title || "Untitled"));
  if (story.teaser) body.append(node("div", "row-teaser", story.teaser));
  row.append(marks, body);
  updateRow(row, story);
  row.addEventListener("click", () => select(index, true));
  return row;
}

function updateRow(row, story) {
  row.classList.toggle("unread", !story.read);
  row.classList.toggle("bookmarked", story.bookmarked);
  row.setAttribute("aria-selected", String(state.stories[state.selected] === story));
}

function rowFor(index) {
  return $("story-list").querySelector(`.story-row[data-index="${index}"]`);
}

function refreshRow(index) {
  const row = rowFor(index);
  if (row) updateRow(row, state.stories[index]);
  updateMarkAllSoon();
}

let markAllFrame = 0;
/** "Mark all read" is offered only while the list shows an unread story. */
function updateMarkAllSoon() {
  cancelAnimationFrame(markAllFrame);
  markAllFrame = requestAnimationFrame(() => {
    $("mark-all-button").disabled = !state.stories.some((s) => !s.read);
  });
}

function appendStories(stories) {
  const list = $("story-list");
  const out = document.createDocumentFragment();
  let lastKey = state.stories.length ? dayKey(state.stories[state.stories.length - 1].sort_at) : null;
  for (const story of stories) {
    const key = dayKey(story.sort_at);
    if (key !== lastKey) {
      out.append(node("div", "day-head", dayLabel(story.sort_at)));
      lastKey = key;
    }
    const index = state.stories.length;
    state.stories.push(story);
    out.append(storyRow(story, index));
  }
  list.querySelector(".list-more")?.remove();
  list.append(out);
  if (state.next) list.append(node("div", "list-more", "Loading more…"));
  updateMarkAllSoon();
}

function renderListEmpty() {
  const list = $("story-list");
  if (state.stories.length) return;
  if (state.summary && state.summary.feeds === 0) {
    list.replaceChildren(node("p", "list-empty", "Stories from your subscriptions will appear here."));
    return;
  }
  const message = {
    unread: "No unread stories. All caught up.",
    today: "Nothing new today.",
    bookmarks: "No bookmarks yet. Press s on a story to keep it forever.",
    all: "No stories yet. Press r to sync.",
  }[state.listKey] || "No stories here.";
  list.replaceChildren(node("p", "list-empty", message));
}

/** Loads the first page of the current list; keeps the story `keepId` selected if present. */
async function loadList({ keepId = null, limit = PAGE } = {}) {
  const generation = ++state.generation;
  $("list-title").textContent = state.listTitle;
  state.loading = true;
  try {
    const page = await api.storyPage(state.list, null, limit);
    if (generation !== state.generation) return;
    const scroll = keepId != null ? $("story-list").scrollTop : 0;
    state.stories = [];
    state.selected = -1;
    state.next = page.next;
    state.asOf = page.as_of;
    $("story-list").replaceChildren();
    appendStories(page.stories);
    renderListEmpty();
    $("story-list").scrollTop = scroll;
    if (keepId != null) {
      const index = state.stories.findIndex((s) => s.id === keepId);
      if (index >= 0) select(index, false);
    }
    document.body.dataset.list = state.listKey;
  } catch (error) {
    if (generation === state.generation) {
      $("story-list").replaceChildren(node("p", "list-empty", `Could not load the stories: ${errorText(error)}`));
    }
  } finally {
    if (generation === state.generation) state.loading = false;
  }
}

async function loadMore() {
  if (state.loading || !state.next) return false;
  const generation = state.generation;
  state.loading = true;
  try {
    const page = await api.storyPage(state.list, state.next, PAGE);
    if (generation !== state.generation) return false;
    state.next = page.next;
    appendStories(page.stories);
    return page.stories.length > 0;
  } catch (error) {
    status(`Could not load more stories: ${errorText(error)}`);
    return false;
  } finally {
    if (generation === state.generation) state.loading = false;
  }
}

function onListScroll() {
  const list = $("story-list");
  if (list.scrollTop + list.clientHeight > list.scrollHeight - 800) loadMore();
}

function select(index, open) {
  if (index < 0 || index >= state.stories.length) return;
  const previous = state.selected;
  state.selected = index;
  if (previous >= 0) refreshRow(previous);
  const row = rowFor(index);
  if (row) {
    updateRow(row, state.stories[index]);
    row.scrollIntoView({ block: "nearest" });
  }
  if (open) openSelected();
}

/** Moves the selection by `step`, loading the next page when needed, and opens the story. */
async function move(step) {
  let target = state.selected < 0 ? (step > 0 ? 0 : -1) : state.selected + step;
  if (target >= state.stories.length && (await loadMore())) target = Math.min(target, state.stories.length - 1);
  if (target < 0 || target >= state.stories.length) return;
  select(target, true);
}

/** Jumps to the next (or previous) unread story, loading pages as needed. */
async function moveUnread(step) {
  let i = state.selected + step;
  for (;;) {
    for (; i >= 0 && i < state.stories.length; i += step) {
      if (!state.stories[i].read) {
        select(i, true);
        return;
      }
    }
    if (step < 0 || !(await loadMore())) break;
  }
  status(step > 0 ? "No more unread stories below." : "No unread stories above.");
}

// ---------------------------------------------------------------------------------------------
// Reader

function currentStory() {
  return state.selected >= 0 ? state.stories[state.selected] : null;
}

function currentTheme() {
  return state.theme === "system" ? "" : state.theme;
}

async function openSelected() {
  const story = currentStory();
  if (!story) return;
  const token = ++state.openToken;
  try {
    const article = await api.openStory(story.id);
    if (token !== state.openToken) return;
    if (!story.read) {
      story.read = true;
      refreshRow(state.selected);
      refreshSourcesSoon();
    }
    state.openId = story.id;
    state.article = article;
    story.bookmarked = article.bookmarked;
    renderArticle(article);
  } catch (error) {
    if (token !== state.openToken) return;
    showReader();
    $("reader-error").textContent = `Could not open the story: ${errorText(error)}`;
    show("reader-error", true);
  }
}

function showReader() {
  for (const id of ["empty-state", "error-state", "library-counts"]) show(id, false);
  show("story-view", true);
  show("reader-error", false);
}

function bylineOf(article) {
  const parts = [];
  if (article.author) parts.push(article.author);
  parts.push(article.published_at == null ? "Date unknown" : fullDate(article.published_at));
  if (article.word_count) parts.push(`${Math.max(1, Math.round(article.word_count / 230))} min read`);
  return parts.join(" · ");
}

function renderArticle(article) {
  showReader();
  const note = $("teaser-note");
  if (article.extraction === "teaser" || article.extraction === "pending") {
    const why =
      article.extraction === "pending"
        ? "the full story has not been fetched yet."
        : article.extraction_note || "the page could not be read.";
    note.textContent = `Teaser only — ${why}`;
    show("teaser-note", true);
  } else {
    show("teaser-note", false);
  }
  const frame = $("story-frame");
  frame.dataset.storyId = String(article.id);
  delete frame.dataset.loaded;
  frame.srcdoc = storyDocument(article, {
    byline: bylineOf(article),
    source: displayName(article.feed_title),
    theme: currentTheme(),
  });
  renderReaderBar();
  document.body.dataset.open = String(article.id);
}

function renderReaderBar() {
  const story = currentStory();
  const article = state.article;
  if (!article) return;
  const read = story && story.id === article.id ? story.read : true;
  const bookmarked = story && story.id === article.id ? story.bookmarked : article.bookmarked;
  $("read-toggle").textContent = read ? "Mark unread" : "Mark read";
  const b = $("bookmark-toggle");
  b.textContent = bookmarked ? "★ Bookmarked" : "☆ Bookmark";
  b.setAttribute("aria-pressed", String(bookmarked));
  b.classList.toggle("on", bookmarked);
  $("open-original").disabled = !article.url;
}

function closeStory() {
  state.openToken++;
  state.openId = null;
  state.article = null;
  show("story-view", false);
  const frame = $("story-frame");
  delete frame.dataset.storyId;
  delete frame.dataset.loaded;
  frame.srcdoc = "";
  delete document.body.dataset.open;
  renderPlaceholder();
}

function renderPlaceholder() {
  const s = state.summary;
  if (!s || state.openId != null || document.body.dataset.state === "error") return;
  show("empty-state", s.feeds === 0);
  show("library-counts", s.feeds > 0);
}

// ---------------------------------------------------------------------------------------------
// Actions

async function toggleRead() {
  const story = currentStory();
  if (!story) return;
  const read = !story.read;
  try {
    await api.setRead(story.id, read);
    story.read = read;
    refreshRow(state.selected);
    renderReaderBar();
    refreshSourcesSoon();
  } catch (error) {
    status(`Could not change the story: ${errorText(error)}`);
  }
}

async function toggleBookmark() {
  const story = currentStory();
  if (!story) return;
  const bookmarked = !story.bookmarked;
  try {
    await api.setBookmarked(story.id, bookmarked);
    story.bookmarked = bookmarked;
    if (state.article && state.article.id === story.id) state.article.bookmarked = bookmarked;
    refreshRow(state.selected);
    renderReaderBar();
    refreshSourcesSoon();
    status(bookmarked ? "Bookmarked: kept forever." : "Bookmark removed.");
  } catch (error) {
    status(`Could not change the bookmark: ${errorText(error)}`);
  }
}

async function markAllRead() {
  if (!state.stories.length) return;
  try {
    const n = await api.markListRead(state.list, state.asOf);
    for (const story of state.stories) if (story.id <= state.asOf) story.read = true;
    for (let i = 0; i < state.stories.length; i++) refreshRow(i);
    renderReaderBar();
    refreshSourcesSoon(0);
    status(n ? `Marked ${plural(n, "story", "stories")} read.` : "Nothing to mark read.");
  } catch (error) {
    status(`Could not mark the list read: ${errorText(error)}`);
  }
}

async function openOriginal() {
  const story = currentStory() || state.article;
  if (!story) return;
  try {
    await api.openOriginal(story.id);
    status("Opened in your browser.");
  } catch (error) {
    status(error && error.kind === "no-link" ? "This story has no web page to open." : `Could not open the page: ${errorText(error)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Sync

function setSyncing(on) {
  state.syncing = on;
  $("sync-button").classList.toggle("spinning", on);
  $("sync-button").disabled = on;
  document.body.dataset.sync = on ? "running" : "idle";
}

async function syncNow() {
  if (state.syncing) return;
  if (!state.summary || state.summary.feeds === 0) {
    status("Nothing to sync yet: add a subscription first.");
    return;
  }
  setSyncing(true);
  show("sync-summary", false);
  show("sync-progress", true);
  const bar = $("sync-bar");
  bar.removeAttribute("value");
  $("sync-text").textContent = "Starting…";
  try {
    await api.syncNow();
  } catch (error) {
    syncFailed(error);
  }
}

let progressRefresh = 0;
function onSyncProgress(p) {
  if (!state.syncing) {
    setSyncing(true);
    show("sync-progress", true);
  }
  const bar = $("sync-bar");
  const text = $("sync-text");
  if (p.event === "feeds-started" || p.event === "feed-done") {
    const done = p.done || 0;
    bar.max = Math.max(1, p.total);
    bar.value = done;
    text.textContent = `${done} of ${plural(p.total, "feed", "feeds")}`;
    if (p.event === "feed-done" && Date.now() - progressRefresh > 1500) {
      progressRefresh = Date.now();
      refreshSourcesSoon(0);
    }
  } else {
    const done = p.done || 0;
    bar.max = Math.max(1, p.total);
    bar.value = done;
    text.textContent = `Fetching stories: ${done} of ${p.total}`;
  }
}

let summaryTimer = 0;
function onSyncFinished({ report, offline }) {
  setSyncing(false);
  show("sync-progress", false);
  const summary = $("sync-summary-text");
  const failures = report.feeds_failed;
  const details = $("sync-failures");
  summary.classList.toggle("offline", offline);
  if (offline) {
    summary.textContent = "Offline — your feeds could not be reached. Your library is still here to read.";
    details.hidden = true;
    document.body.dataset.network = "offline";
  } else {
    document.body.dataset.network = "online";
    const parts = [report.new_articles ? plural(report.new_articles, "new story", "new stories") : "No new stories"];
    if (failures.length) parts.push(`${plural(failures.length, "feed", "feeds")} failed`);
    summary.textContent = parts.join(" · ");
    details.hidden = failures.length === 0;
    $("sync-failures-title").textContent = "Failed feeds";
    $("sync-failure-list").replaceChildren(
      ...failures.map((f) => {
        const li = node("li");
        li.append(node("span", "failure-title", f.title || f.url), node("span", "failure-error", f.error));
        return li;
      })
    );
  }
  show("sync-summary", true);
  // A clean sync's summary fades on its own; failures and "offline" stay until dismissed.
  clearTimeout(summaryTimer);
  if (!offline && failures.length === 0) summaryTimer = setTimeout(() => show("sync-summary", false), 10000);
  state.lastSync = { offline, time: clockTime(Date.now() / 1000) };
  renderStatusIdle();
  refreshAfterSync();
}

async function refreshAfterSync() {
  await refreshSummary();
  await refreshSources();
  const keep = currentStory();
  await loadList({ keepId: keep ? keep.id : null, limit: Math.min(500, Math.max(PAGE, state.stories.length)) });
}

function syncFailed(error) {
  setSyncing(false);
  show("sync-progress", false);
  $("sync-summary-text").textContent = `Sync could not run: ${errorText(error)}`;
  show("sync-failures", false);
  show("sync-summary", true);
}

// ---------------------------------------------------------------------------------------------
// Add a subscription

let found = null;

function openAddDialog() {
  const dialog = $("add-dialog");
  if (dialog.open) return;
  found = null;
  $("add-form").reset();
  show("add-found", false);
  show("add-error", false);
  show("add-anyway", false);
  $("add-submit").textContent = "Find feed";
  $("add-submit").disabled = false;
  dialog.showModal();
  $("add-address").focus();
}

function addError(text, offerAnyway) {
  $("add-error").textContent = text;
  show("add-error", true);
  show("add-anyway", offerAnyway);
}

async function onAddSubmit(event) {
  event.preventDefault();
  const submit = $("add-submit");
  if (found) {
    await subscribe(found.url, found.title, found.site_url);
    return;
  }
  const address = $("add-address").value.trim();
  if (!address) return;
  show("add-error", false);
  show("add-anyway", false);
  submit.disabled = true;
  submit.textContent = "Looking…";
  try {
    found = await api.findFeed(address);
    $("found-title").textContent = found.title || "Untitled feed";
    const format = { "rss2.0": "RSS 2.0", "rss1.0": "RSS 1.0", "rss0.9x": "RSS 0.9", "atom1.0": "Atom", "atom0.3": "Atom 0.3", jsonfeed: "JSON Feed" }[found.format] || found.format;
    $("found-meta").textContent = `${format} · ${plural(found.entries, "story", "stories")}`;
    $("found-url").textContent = found.discovered_from ? `${found.url} (found on ${found.discovered_from})` : found.url;
    show("add-found", true);
    submit.textContent = "Subscribe";
    document.body.dataset.addFound = found.url;
  } catch (error) {
    submit.textContent = "Find feed";
    const messages = {
      offline: "Could not reach that address. You may be offline; you can subscribe anyway and Tidings will fetch it on the next sync.",
      "invalid-address": "That does not look like a web address.",
      "no-feed-found": "No feed found at that address.",
    };
    addError(messages[error && error.kind] || errorText(error), error && error.kind === "offline");
  } finally {
    submit.disabled = false;
  }
}

async function subscribe(url, title, siteUrl) {
  const folder = $("add-folder").value.trim() || null;
  try {
    const added = await api.addFeed(url, title || null, siteUrl || null, folder);
    $("add-dialog").close();
    status(added.is_new ? `Subscribed to ${title || url}.` : `Already subscribed to ${title || url}.`);
    await refreshSummary();
    await refreshSources();
    if (added.is_new) syncNow();
  } catch (error) {
    addError(`Could not subscribe: ${errorText(error)}`, false);
  }
}

// ---------------------------------------------------------------------------------------------
// Theme and help

const THEMES = ["system", "light", "dark"];

function applyTheme(theme) {
  state.theme = THEMES.includes(theme) ? theme : "system";
  if (state.theme === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = state.theme;
  const names = { system: "as the system", light: "light", dark: "dark" };
  $("theme-button").title = `Theme: ${names[state.theme]} (click to change)`;
  $("theme-button").dataset.theme = state.theme;
  try {
    localStorage.setItem("tidings.theme", state.theme);
  } catch (_) {
    // storage unavailable: the choice lasts for this session
  }
  if (state.article) renderArticle(state.article);
}

function cycleTheme() {
  applyTheme(THEMES[(THEMES.indexOf(state.theme) + 1) % THEMES.length]);
}

function toggleHelp() {
  const help = $("help-dialog");
  if (help.open) help.close();
  else help.showModal();
}

// ---------------------------------------------------------------------------------------------
// Keyboard

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
  // A focused button keeps Enter and Space for itself.
  if (target && target.tagName === "BUTTON" && (event.key === "Enter" || event.key === " ")) return;
  if ($("add-dialog").open || $("help-dialog").open) {
    if (event.key === "?" && $("help-dialog").open) toggleHelp();
    return;
  }
  if (state.gPending) {
    state.gPending = false;
    clearTimeout(state.gTimer);
    const go = { a: "all", b: "bookmarks", u: "unread", t: "today" }[event.key];
    if (go) {
      event.preventDefault();
      goSmart(go);
    }
    return;
  }
  const actions = {
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    n: () => moveUnread(1),
    p: () => moveUnread(-1),
    o: () => (state.selected < 0 ? move(1) : openSelected()),
    Enter: () => (state.selected < 0 ? move(1) : openSelected()),
    v: openOriginal,
    m: toggleRead,
    s: toggleBookmark,
    b: toggleBookmark,
    A: markAllRead,
    r: syncNow,
    "+": openAddDialog,
    "?": toggleHelp,
    Escape: () => {
      closeStory();
      $("story-list").focus();
    },
    g: () => {
      state.gPending = true;
      state.gTimer = setTimeout(() => (state.gPending = false), 1500);
    },
  };
  const action = actions[event.key];
  if (!action) return;
  event.preventDefault();
  action();
}

// The story frame runs no script, so keys pressed while it has focus never reach this page.
// Give focus back to the list after a click in the frame (wheel scrolling still works there).
function keepFocusOutOfFrame() {
  setTimeout(() => {
    if (document.activeElement === $("story-frame")) {
      $("story-frame").blur();
      $("story-list").focus({ preventScroll: true });
    }
  }, 0);
}

// ---------------------------------------------------------------------------------------------
// Start

function renderSummary(summary) {
  state.summary = summary;
  const counts = $("library-counts");
  counts.dataset.feeds = String(summary.feeds);
  counts.dataset.articles = String(summary.articles);
  counts.replaceChildren(
    node("p", "counts-line", `${plural(summary.feeds, "feed", "feeds")} · ${plural(summary.articles, "story", "stories")} · ${summary.unread} unread`),
    node(
      "p",
      "counts-hint",
      !summary.articles
        ? "Press r to sync your feeds."
        : summary.unread
          ? "Press j to read the first story, ? for every key."
          : "All caught up. Press r to sync, ? for every key."
    )
  );
  document.body.dataset.state = summary.feeds === 0 ? "empty" : "ready";
  renderPlaceholder();
}

async function refreshSummary() {
  try {
    renderSummary(await api.librarySummary());
  } catch (error) {
    renderError(error);
  }
}

function renderError(error) {
  $("error-detail").textContent = errorText(error);
  show("error-state", true);
  show("empty-state", false);
  show("library-counts", false);
  document.body.dataset.state = "error";
}

function wire() {
  for (const b of document.querySelectorAll("#smart-lists .source")) {
    b.dataset.key = b.dataset.list;
    b.addEventListener("click", () => goSmart(b.dataset.list));
  }
  $("story-list").addEventListener("scroll", onListScroll, { passive: true });
  $("add-button").addEventListener("click", openAddDialog);
  $("empty-add-button").addEventListener("click", openAddDialog);
  $("sync-button").addEventListener("click", syncNow);
  $("mark-all-button").addEventListener("click", markAllRead);
  $("back-button").addEventListener("click", closeStory);
  $("read-toggle").addEventListener("click", toggleRead);
  $("bookmark-toggle").addEventListener("click", toggleBookmark);
  $("open-original").addEventListener("click", openOriginal);
  $("theme-button").addEventListener("click", cycleTheme);
  $("help-button").addEventListener("click", toggleHelp);
  $("help-close").addEventListener("click", toggleHelp);
  $("sync-summary-close").addEventListener("click", () => show("sync-summary", false));
  $("add-form").addEventListener("submit", onAddSubmit);
  $("add-cancel").addEventListener("click", () => $("add-dialog").close());
  $("add-anyway").addEventListener("click", () => {
    const address = $("add-address").value.trim();
    if (address) subscribe(address, null, null);
  });
  $("add-address").addEventListener("input", () => {
    if (!found) return;
    found = null;
    show("add-found", false);
    $("add-submit").textContent = "Find feed";
  });
  $("story-frame").addEventListener("load", (e) => (e.target.dataset.loaded = e.target.dataset.storyId || ""));
  document.addEventListener("keydown", onKey);
  window.addEventListener("blur", keepFocusOutOfFrame);
  try {
    api.onSyncProgress(onSyncProgress);
    api.onSyncFinished(onSyncFinished);
    api.onSyncFailed(syncFailed);
  } catch (_) {
    // no backend: start() shows the error
  }
}

async function start() {
  let theme = "system";
  try {
    theme = localStorage.getItem("tidings.theme") || "system";
  } catch (_) {
    // storage unavailable
  }
  applyTheme(theme);
  wire();
  await refreshSummary();
  if (document.body.dataset.state === "error") return;
  await Promise.all([refreshSources(), loadList()]);
  $("story-list").focus({ preventScroll: true });
  document.body.dataset.loaded = "true";
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
