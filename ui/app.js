// The app: three panes (sources, stories, reader), keyboard first. Shows the library as it is
// on disk at once and never waits for the network; sync runs in the background and reports
// through events. Every string from the library or the network goes into the page with
// textContent (or an attribute), never innerHTML; story bodies render only in the sandboxed
// frame built by reader.js.

import * as api from "./api.js";
import { clockTime, dayKey, dayLabel, fullDate, plural, startOfDay, timeAgo } from "./format.js";
import { isOfflineImage, storyDocument } from "./reader.js";

const PAGE = 100; // the first page of a list: one screen and a bit, fast to paint
const MORE = 500; // later pages (the backend's maximum)
// The list is virtualized in chunks of CHUNK stories: only chunks within MARGIN pixels of the
// visible part hold rows; the others are empty boxes of their measured (or estimated) height.
const CHUNK = 50;
const MARGIN = 1200;
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
  // While searching: the list to go back to ({ key, list, title }); null otherwise.
  searching: null,
  searchQuery: "",
  // The list's chunks ({ start, end, el, rendered, days }) and the height of a row, estimated
  // from rendered chunks (for the boxes of chunks not rendered yet).
  chunks: [],
  rowEstimate: 92,
  // Settings as stored in the library (strings), and whether the window may sync on its own.
  settings: { theme: "system", text_size: "3", font: "serif", sync_interval: "30", pane_sources: "", pane_stories: "" },
  autoSync: false,
  homeDir: "",
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
  // The feed's icon from the library, else its first letter in a tile of the same size.
  if (isOfflineImage(feed.icon)) {
    const icon = document.createElement("img");
    icon.className = "feed-icon";
    icon.alt = "";
    icon.decoding = "async";
    icon.src = feed.icon;
    b.append(icon);
  } else {
    b.append(node("span", "feed-icon letter", (name.textContent.trim()[0] || "?").toUpperCase()));
  }
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
  b.addEventListener("contextmenu", (event) => {
    event.preventDefault();
    openFeedMenu(feed, event.clientX, event.clientY);
  });
  return b;
}

/** The feed's "…" button: the same menu as a right-click. */
function feedMoreButton(feed) {
  const more = node("button", "feed-more icon-button small", "…");
  more.type = "button";
  more.title = "Rename, move or unsubscribe";
  more.setAttribute("aria-label", `Options for ${displayName(feed.title, feed.url)}`);
  more.setAttribute("aria-haspopup", "menu");
  more.dataset.feedId = String(feed.id);
  more.addEventListener("click", (event) => {
    event.stopPropagation();
    const r = more.getBoundingClientRect();
    openFeedMenu(feed, r.left, r.bottom);
  });
  return more;
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
      const li = node("li", "feed-item");
      li.append(feedButton(feed), feedMoreButton(feed));
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
      const li = node("li", "feed-item");
      li.append(feedButton(feed), feedMoreButton(feed));
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

/** The sources pane, and the library's counts too unless `summary` is false (just read). */
async function refreshSources({ summary = true } = {}) {
  try {
    const [sources, counts] = await Promise.all([
      api.sources(startOfDay()),
      summary ? api.librarySummary() : null,
    ]);
    renderSources(sources);
    if (counts) renderSummary(counts);
  } catch (error) {
    status(`Could not read the subscriptions: ${errorText(error)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Story list

function selectList(key, list, title) {
  if (state.searching) endSearchState();
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
  if (story.snippet) body.append(snippetNode(story.snippet));
  else if (story.teaser) body.append(node("div", "row-teaser", story.teaser));
  row.append(marks, body);
  // The lead picture, when it is stored in the library (never a network address).
  if (isOfflineImage(story.thumbnail)) {
    const thumb = document.createElement("img");
    thumb.className = "row-thumb";
    thumb.alt = "";
    thumb.loading = "lazy";
    thumb.decoding = "async";
    thumb.src = story.thumbnail;
    row.append(thumb);
  }
  updateRow(row, story);
  row.addEventListener("click", () => select(index, true));
  row.addEventListener("contextmenu", (event) => {
    event.preventDefault();
    select(index, false);
    openStoryMenu(story, event.clientX, event.clientY);
  });
  return row;
}

/** A search hit's snippet: plain-text parts, the matches in <mark> elements (never markup). */
function snippetNode(parts) {
  const out = node("div", "row-teaser row-snippet");
  for (const part of parts) {
    if (part.hit) out.append(node("mark", null, part.text));
    else out.append(document.createTextNode(part.text));
  }
  return out;
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
    $("mark-all-button").disabled = !!state.searching || !state.stories.some((s) => !s.read);
  });
}

/** Empties the list (stories, chunks, rows). */
function resetList() {
  state.stories = [];
  state.chunks = [];
  state.selected = -1;
  const list = $("story-list");
  list.replaceChildren();
  list.dataset.count = "0";
}

/** Adds stories at the end; `days`: group them under day headings (not for search results). */
function appendStories(stories, { days = true } = {}) {
  const list = $("story-list");
  list.querySelector(".list-more")?.remove();
  let last = state.chunks[state.chunks.length - 1];
  // The last chunk fills up first (rendered, so its rows can be added to it).
  if (last && last.end - last.start < CHUNK && !last.rendered) renderChunk(last);
  for (const story of stories) {
    if (!last || last.end - last.start >= CHUNK) {
      const el = node("div", "chunk");
      last = { start: state.stories.length, end: state.stories.length, el, rendered: false, days };
      el.style.height = "0px";
      state.chunks.push(last);
      list.append(el);
    }
    const index = state.stories.length;
    state.stories.push(story);
    last.end = index + 1;
    if (last.rendered) appendRow(last.el, index, last.days);
    else last.el.style.height = `${(last.end - last.start) * state.rowEstimate}px`;
  }
  if (state.next) list.append(node("div", "list-more", "Loading more…"));
  list.dataset.count = String(state.stories.length);
  updateWindow();
  updateMarkAllSoon();
}

function appendRow(target, index, days) {
  const story = state.stories[index];
  if (days) {
    const previous = index > 0 ? state.stories[index - 1] : null;
    if (!previous || dayKey(previous.sort_at) !== dayKey(story.sort_at)) {
      target.append(node("div", "day-head", dayLabel(story.sort_at)));
    }
  }
  target.append(storyRow(story, index));
}

function renderChunk(chunk) {
  const out = document.createDocumentFragment();
  for (let i = chunk.start; i < chunk.end; i++) appendRow(out, i, chunk.days);
  chunk.el.replaceChildren(out);
  chunk.el.style.removeProperty("height");
  chunk.rendered = true;
}

function emptyChunk(chunk) {
  const height = chunk.el.offsetHeight;
  const rows = chunk.end - chunk.start;
  if (rows >= CHUNK / 2) state.rowEstimate = height / rows;
  chunk.el.style.height = `${height}px`;
  chunk.el.replaceChildren();
  chunk.rendered = false;
}

/** Fills the chunks near the visible part of the list and empties the others. */
function updateWindow() {
  const list = $("story-list");
  const top = list.scrollTop - MARGIN;
  const bottom = list.scrollTop + list.clientHeight + MARGIN;
  // Read every position first, then change the DOM (one layout, not one per chunk).
  const near = state.chunks.map((c) => {
    const y = c.el.offsetTop;
    return y + c.el.offsetHeight >= top && y <= bottom;
  });
  state.chunks.forEach((chunk, i) => {
    if (near[i] && !chunk.rendered) renderChunk(chunk);
    else if (!near[i] && chunk.rendered && !(state.selected >= chunk.start && state.selected < chunk.end)) emptyChunk(chunk);
  });
}

let windowFrame = 0;
function updateWindowSoon() {
  if (!windowFrame) {
    windowFrame = requestAnimationFrame(() => {
      windowFrame = 0;
      updateWindow();
    });
  }
}

/** The row of story `index`, rendering its chunk if it was not. */
function ensureRow(index) {
  const chunk = state.chunks[Math.floor(index / CHUNK)];
  if (chunk && !chunk.rendered) renderChunk(chunk);
  return rowFor(index);
}

/** Updates every row on screen (after many stories changed at once). */
function refreshRenderedRows() {
  for (const row of $("story-list").querySelectorAll(".story-row")) {
    updateRow(row, state.stories[Number(row.dataset.index)]);
  }
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

/**
 * Loads the first page of the current list; keeps the story `keepId` selected if present.
 * `onRows` is called once its rows are in the document, before the scroll position is set
 * (which lays the page out).
 */
async function loadList({ keepId = null, limit = PAGE, onRows = null } = {}) {
  const generation = ++state.generation;
  $("list-title").textContent = state.listTitle;
  state.loading = true;
  try {
    const page = await api.storyPage(state.list, null, limit);
    if (generation !== state.generation) return;
    const scroll = keepId != null ? $("story-list").scrollTop : 0;
    resetList();
    state.next = page.next;
    state.asOf = page.as_of;
    appendStories(page.stories);
    renderListEmpty();
    if (onRows) onRows();
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
    const page = await api.storyPage(state.list, state.next, MORE);
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
  updateWindowSoon();
  const list = $("story-list");
  if (list.scrollTop + list.clientHeight > list.scrollHeight - 800) loadMore();
}

function select(index, open) {
  if (index < 0 || index >= state.stories.length) return;
  const previous = state.selected;
  state.selected = index;
  if (previous >= 0) refreshRow(previous);
  const row = ensureRow(index);
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
    textSize: state.settings.text_size,
    font: state.settings.font,
  });
  renderReaderBar();
  document.body.dataset.open = String(article.id);
}

let rerenderFrame = 0;
/** Re-renders the open story once, after a burst of setting changes (one srcdoc load). */
function rerenderSoon() {
  cancelAnimationFrame(rerenderFrame);
  rerenderFrame = requestAnimationFrame(() => {
    if (state.article) renderArticle(state.article);
  });
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
  const versions = article.revisions || 0;
  const badge = $("updated-badge");
  badge.hidden = versions === 0;
  badge.title = versions
    ? `This story changed after Tidings first stored it${article.updated_at ? ` (updated ${fullDate(article.updated_at)})` : ""}: ${plural(versions, "earlier version is", "earlier versions are")} kept.`
    : "";
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
  if (!state.stories.length || state.searching) return;
  try {
    const n = await api.markListRead(state.list, state.asOf);
    for (const story of state.stories) if (story.id <= state.asOf) story.read = true;
    refreshRenderedRows();
    renderReaderBar();
    refreshSourcesSoon(0);
    status(n ? `Marked ${plural(n, "story", "stories")} read.` : "Nothing to mark read.");
  } catch (error) {
    status(`Could not mark the list read: ${errorText(error)}`);
  }
}

/**
 * Space: the open story's next screen, or at its end the next unread story (Shift+Space: the
 * screen before). With no story open, opens the selected one.
 */
function pageStory(step) {
  const frame = $("story-frame");
  const doc = state.openId != null ? frame.contentDocument : null;
  const view = doc && doc.scrollingElement;
  if (!view) {
    if (step > 0) return state.selected < 0 ? move(1) : openSelected();
    return;
  }
  const height = frame.clientHeight;
  if (step > 0 && view.scrollTop + height >= view.scrollHeight - 4) return moveUnread(1);
  // A line of the last screen stays in view, as browsers page.
  view.scrollTop += step * Math.max(40, height - 48);
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
  if (!statusShowing) renderStatusIdle();
  refreshAfterSync();
}

async function refreshAfterSync() {
  await refreshSummary();
  await refreshSources();
  if (state.searching) {
    runSearch();
    return;
  }
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

function applyTheme(theme, { save = false } = {}) {
  state.theme = THEMES.includes(theme) ? theme : "system";
  state.settings.theme = state.theme;
  if (save) saveSetting("theme", state.theme);
  if (state.theme === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = state.theme;
  const names = { system: "as the system", light: "light", dark: "dark" };
  $("theme-button").title = `Theme: ${names[state.theme]} (click to change)`;
  $("theme-button").dataset.theme = state.theme;
  document.body.dataset.theme = state.theme;
  try {
    // A copy for the first paint of the next start; the library's setting is the truth.
    localStorage.setItem("tidings.theme", state.theme);
  } catch (_) {
    // storage unavailable
  }
  rerenderSoon();
}

function cycleTheme() {
  applyTheme(THEMES[(THEMES.indexOf(state.theme) + 1) % THEMES.length], { save: true });
}

function toggleHelp() {
  const help = $("help-dialog");
  if (help.open) help.close();
  else help.showModal();
}

// ---------------------------------------------------------------------------------------------
// Search: "/" focuses the field; results replace the list as you type (the whole library).

const SEARCH_DELAY = 150;
let searchTimer = 0;
let searchToken = 0;

function focusSearch() {
  const input = $("search-input");
  input.focus();
  input.select();
}

function onSearchInput() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(runSearch, SEARCH_DELAY);
}

async function runSearch() {
  clearTimeout(searchTimer);
  searchTimer = 0;
  const query = $("search-input").value.trim();
  if (!query) {
    if (state.searching) leaveSearch({ focusList: false });
    return;
  }
  const token = ++searchToken;
  if (!state.searching) state.searching = { key: state.listKey, list: state.list, title: state.listTitle };
  try {
    const hits = await api.search(query);
    if (token !== searchToken || !state.searching) return;
    showResults(query, hits);
  } catch (error) {
    if (token === searchToken) status(`Search failed: ${errorText(error)}`);
  }
}

function showResults(query, hits) {
  state.generation++; // a page of the old list arriving now is dropped
  state.loading = false;
  state.searchQuery = query;
  state.listKey = "search";
  markSelectedSource();
  const keep = currentStory();
  $("list-title").textContent = `${plural(hits.length, "result", "results")} for “${query}”`;
  resetList();
  state.next = null;
  state.asOf = 0;
  const list = $("story-list");
  list.scrollTop = 0;
  appendStories(
    hits.map((hit) => ({ ...hit.article, sort_at: hit.article.published_at ?? 0, teaser: "", snippet: hit.snippet })),
    { days: false }
  );
  if (!hits.length) list.replaceChildren(node("p", "list-empty", `No stories match “${query}”.`));
  if (keep) {
    const index = state.stories.findIndex((s) => s.id === keep.id);
    if (index >= 0) select(index, false);
  }
  document.body.dataset.list = "search";
  updateMarkAllSoon();
}

/** Forgets the search without loading anything (the caller picks the list). */
function endSearchState() {
  state.searching = null;
  state.searchQuery = "";
  searchToken++;
  clearTimeout(searchTimer);
  searchTimer = 0;
  $("search-input").value = "";
}

/** Leaves search: back to the list that was showing before it. */
function leaveSearch({ focusList = true } = {}) {
  const saved = state.searching;
  endSearchState();
  if (saved) selectList(saved.key, saved.list, saved.title);
  if (focusList) $("story-list").focus({ preventScroll: true });
}

function onSearchKey(event) {
  if (event.key === "Escape") {
    event.preventDefault();
    leaveSearch();
  } else if (event.key === "Enter" || event.key === "ArrowDown") {
    event.preventDefault();
    // Results as of now (a pending keystroke is searched first).
    const go = async () => {
      if (searchTimer) await runSearch();
      $("story-list").focus({ preventScroll: true });
      if (state.searching && state.stories.length) select(0, event.key === "Enter");
    };
    go();
  }
}

// ---------------------------------------------------------------------------------------------
// Menus: the feed menu (right-click or "…") and the app menu ("⋯" in the sources pane).

let menuReturnFocus = null;

/** Shows `items` ([{ label, action, danger }] or "-" for a rule) at (x, y). */
function openMenu(items, x, y, id) {
  const menu = $("menu");
  menuReturnFocus = document.activeElement;
  menu.dataset.menu = id;
  menu.replaceChildren(
    ...items.map((item) => {
      if (item === "-") return node("div", "menu-rule");
      const b = node("button", item.danger ? "menu-item danger" : "menu-item", item.label);
      b.type = "button";
      b.setAttribute("role", "menuitem");
      b.dataset.action = item.id;
      b.addEventListener("click", () => {
        closeMenu({ restoreFocus: false });
        item.action();
      });
      return b;
    })
  );
  menu.hidden = false;
  const w = menu.offsetWidth;
  const h = menu.offsetHeight;
  menu.style.left = `${Math.max(4, Math.min(x, window.innerWidth - w - 4))}px`;
  menu.style.top = `${Math.max(4, Math.min(y, window.innerHeight - h - 4))}px`;
  menu.querySelector("button")?.focus();
}

function closeMenu({ restoreFocus = true } = {}) {
  const menu = $("menu");
  if (menu.hidden) return;
  menu.hidden = true;
  menu.replaceChildren();
  if (restoreFocus && menuReturnFocus && menuReturnFocus.focus) menuReturnFocus.focus({ preventScroll: true });
  menuReturnFocus = null;
}

function onMenuKey(event) {
  const items = Array.from($("menu").querySelectorAll(".menu-item"));
  const at = items.indexOf(document.activeElement);
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    event.stopPropagation();
    const step = event.key === "ArrowDown" ? 1 : -1;
    items[(at + step + items.length) % items.length]?.focus();
  } else if (event.key === "Escape") {
    event.preventDefault();
    event.stopPropagation();
    closeMenu();
  }
}

function openFeedMenu(feed, x, y) {
  openMenu(
    [
      { id: "rename", label: "Rename…", action: () => openFeedDialog(feed, "feed-name") },
      { id: "move", label: "Move to folder…", action: () => openFeedDialog(feed, "feed-folder") },
      "-",
      { id: "unsubscribe", label: "Unsubscribe…", danger: true, action: () => openUnsubscribe(feed) },
    ],
    x,
    y,
    `feed:${feed.id}`
  );
}

/** A story row's right-click menu: what the keys do, for mouse users (acts on that story). */
function openStoryMenu(story, x, y) {
  openMenu(
    [
      { id: "open", label: "Open", action: openSelected },
      { id: "open-original", label: "Open original in browser", action: openOriginal },
      "-",
      { id: "toggle-read", label: story.read ? "Mark unread" : "Mark read", action: toggleRead },
      { id: "toggle-bookmark", label: story.bookmarked ? "Remove bookmark" : "Bookmark", action: toggleBookmark },
      "-",
      { id: "mark-all-read", label: "Mark all read in this list", action: markAllRead },
    ],
    x,
    y,
    `story:${story.id}`
  );
}

function openAppMenu() {
  const r = $("menu-button").getBoundingClientRect();
  openMenu(
    [
      { id: "import-opml", label: "Import subscriptions (OPML)…", action: () => openFileDialog("import-opml") },
      { id: "export-opml", label: "Export subscriptions (OPML)…", action: () => openFileDialog("export-opml") },
      "-",
      { id: "export-html", label: "Export bookmarks as a web page…", action: () => openFileDialog("export-html") },
      { id: "export-epub", label: "Export bookmarks as an e-book (EPUB)…", action: () => openFileDialog("export-epub") },
      "-",
      { id: "settings", label: "Settings…", action: openSettings },
    ],
    r.left,
    r.bottom + 4,
    "app"
  );
}

// ---------------------------------------------------------------------------------------------
// Subscriptions: rename, move, unsubscribe

let editing = null;

function openFeedDialog(feed, focusId) {
  editing = feed;
  $("feed-dialog-title").textContent = "Edit subscription";
  $("feed-dialog-url").textContent = feed.url;
  $("feed-name").value = feed.title || "";
  $("feed-name").placeholder = displayName(null, feed.url);
  $("feed-folder").value = feed.folder || "";
  show("feed-error", false);
  $("feed-dialog").showModal();
  $(focusId).focus();
  $(focusId).select();
}

async function onFeedSave(event) {
  event.preventDefault();
  const feed = editing;
  if (!feed) return;
  const name = $("feed-name").value.trim();
  const folder = $("feed-folder").value.trim();
  try {
    if (name !== (feed.title || "")) await api.renameFeed(feed.id, name || null);
    if (folder !== (feed.folder || "")) await api.moveFeed(feed.id, folder || null);
    $("feed-dialog").close();
    editing = null;
    if (state.listKey === `feed:${feed.id}`) {
      state.listTitle = name || feed.title;
      $("list-title").textContent = state.listTitle;
    } else if (state.listKey === `folder:${feed.folder}` && folder !== (feed.folder || "")) {
      loadList();
    }
    await refreshSources();
    // Story rows show the feed's name.
    if (name !== (feed.title || "") && !state.searching) {
      const keep = currentStory();
      loadList({ keepId: keep ? keep.id : null, limit: Math.min(500, Math.max(PAGE, state.stories.length)) });
    }
    status("Subscription saved.");
  } catch (error) {
    $("feed-error").textContent = `Could not save: ${errorText(error)}`;
    show("feed-error", true);
  }
}

let unsubscribing = null;

function openUnsubscribe(feed) {
  unsubscribing = feed;
  $("unsubscribe-title").textContent = "Unsubscribe?";
  $("unsubscribe-text").textContent = `Unsubscribe from “${displayName(feed.title, feed.url)}”?`;
  show("unsubscribe-error", false);
  $("unsubscribe-dialog").showModal();
  $("unsubscribe-cancel").focus();
}

async function onUnsubscribe(event) {
  event.preventDefault();
  const feed = unsubscribing;
  if (!feed) return;
  try {
    const kept = await api.unsubscribe(feed.id);
    $("unsubscribe-dialog").close();
    if ($("feed-dialog").open) $("feed-dialog").close();
    unsubscribing = null;
    const name = displayName(feed.title, feed.url);
    status(kept ? `Unsubscribed from ${name}; ${plural(kept, "bookmarked story", "bookmarked stories")} kept.` : `Unsubscribed from ${name}.`);
    await refreshSummary();
    await refreshSources();
    const folderGone = feed.folder && !state.sources.feeds.some((f) => f.folder === feed.folder);
    if (state.listKey === `feed:${feed.id}` || (folderGone && state.listKey === `folder:${feed.folder}`)) goSmart("unread");
    else if (state.searching) runSearch();
    else {
      const keep = currentStory();
      loadList({ keepId: keep ? keep.id : null, limit: Math.min(500, Math.max(PAGE, state.stories.length)) });
    }
  } catch (error) {
    $("unsubscribe-error").textContent = `Could not unsubscribe: ${errorText(error)}`;
    show("unsubscribe-error", true);
  }
}

// ---------------------------------------------------------------------------------------------
// Files: import and export (the path is typed or chosen in the desktop's file chooser; an
// export never overwrites a file)

const FILE_ACTIONS = {
  "import-opml": {
    title: "Import subscriptions",
    label: "OPML file to import",
    hint: "A list of subscriptions exported from another reader. Folders are kept; feeds you already have are skipped.",
    submit: "Import",
    name: "subscriptions.opml",
    async run(path) {
      const r = await api.importOpml(path);
      const parts = [`Imported ${plural(r.total, "subscription", "subscriptions")} (${r.added} new)`];
      if (r.skipped) parts.push(`${r.skipped} skipped`);
      if (r.incomplete) parts.push("the file was broken part-way");
      await refreshSummary();
      await refreshSources();
      // New feeds are fetched at once (after the dialog has said what was imported).
      if (r.added) setTimeout(syncNow, 0);
      return parts.join(" · ") + ".";
    },
  },
  "export-opml": {
    title: "Export subscriptions",
    label: "New OPML file",
    hint: "Every subscription with its folder, for another reader.",
    submit: "Export",
    name: "tidings-subscriptions.opml",
    async run(path) {
      const n = await api.exportOpml(path);
      return `Exported ${plural(n, "subscription", "subscriptions")}.`;
    },
  },
  "export-html": {
    title: "Export bookmarks as a web page",
    label: "New HTML file",
    hint: "Every bookmarked story in one page that opens in any browser, images included.",
    submit: "Export",
    name: "tidings-bookmarks.html",
    async run(path) {
      const n = await api.exportBookmarks(path, "html");
      return `Exported ${plural(n, "bookmark", "bookmarks")}.`;
    },
  },
  "export-epub": {
    title: "Export bookmarks as an e-book",
    label: "New EPUB file",
    hint: "Every bookmarked story as an EPUB book for an e-reader.",
    submit: "Export",
    name: "tidings-bookmarks.epub",
    async run(path) {
      const n = await api.exportBookmarks(path, "epub");
      return `Exported ${plural(n, "bookmark", "bookmarks")}.`;
    },
  },
};

let fileAction = null;

function openFileDialog(kind) {
  const action = FILE_ACTIONS[kind];
  fileAction = kind;
  $("file-title").textContent = action.title;
  $("file-label").textContent = action.label;
  $("file-hint").textContent = action.hint;
  $("file-submit").textContent = action.submit;
  $("file-submit").disabled = false;
  const home = state.homeDir ? state.homeDir.replace(/\/+$/, "") : "";
  $("file-path").value = home ? `${home}/${action.name}` : "";
  $("file-path").placeholder = `/home/you/${action.name}`;
  show("file-error", false);
  $("file-dialog").dataset.kind = kind;
  $("file-dialog").showModal();
  $("file-path").focus();
}

async function onFileChoose() {
  if (!fileAction) return;
  $("file-choose").disabled = true;
  try {
    const chosen = await api.chooseFile(fileAction, $("file-path").value.trim());
    if (chosen) {
      $("file-path").value = chosen;
      show("file-error", false);
    }
  } catch (error) {
    $("file-error").textContent = `The file chooser could not open (${errorText(error)}); type the path instead.`;
    show("file-error", true);
  } finally {
    $("file-choose").disabled = false;
    $("file-path").focus();
  }
}

async function onFileSubmit(event) {
  event.preventDefault();
  const action = FILE_ACTIONS[fileAction];
  const path = $("file-path").value.trim();
  if (!action || !path) return;
  $("file-submit").disabled = true;
  show("file-error", false);
  try {
    const message = await action.run(path);
    $("file-dialog").close();
    status(message);
  } catch (error) {
    const messages = {
      "file-exists": "That file already exists. Choose another name: an export never replaces a file.",
      "file-not-found": "There is no file at that path.",
      "invalid-path": "Give the full path, starting with /.",
      "not-opml": `That is not an OPML file (${errorText(error)}).`,
    };
    $("file-error").textContent = messages[error && error.kind] || errorText(error);
    show("file-error", true);
  } finally {
    $("file-submit").disabled = false;
  }
}

// ---------------------------------------------------------------------------------------------
// Settings (stored in the library) and pane widths

function saveSetting(name, value) {
  state.settings[name] = String(value);
  api.setSetting(name, value).catch((error) => status(`Could not save the setting: ${errorText(error)}`));
}

function applySettings() {
  const s = state.settings;
  if (s.theme !== state.theme) applyTheme(s.theme);
  const root = document.documentElement;
  for (const pane of ["sources", "stories"]) {
    const w = Number(s[`pane_${pane}`]);
    if (w > 0) root.style.setProperty(`--w-${pane}`, `${w}px`);
    else root.style.removeProperty(`--w-${pane}`);
  }
  rerenderSoon();
  scheduleAutoSync();
}

async function loadSettings() {
  try {
    const loaded = await api.settings();
    Object.assign(state.settings, loaded.values);
    state.autoSync = loaded.auto_sync;
    state.autoSyncSeconds = loaded.auto_sync_seconds || 0;
    state.homeDir = loaded.home_dir || "";
    applySettings();
  } catch (error) {
    status(`Could not read the settings: ${errorText(error)}`);
  }
}

function openSettings() {
  for (const select of document.querySelectorAll("#settings-form select")) {
    select.value = state.settings[select.dataset.setting];
  }
  const note = $("settings-note");
  note.textContent = state.autoSync ? "" : "Automatic sync is turned off for this session (TIDINGS_AUTO_SYNC=off).";
  note.hidden = state.autoSync;
  show("settings-error", false);
  $("settings-dialog").showModal();
  $("set-theme").focus();
}

function onSettingChange(event) {
  const select = event.target;
  const name = select.dataset.setting;
  if (!name) return;
  if (name === "theme") applyTheme(select.value, { save: true });
  else {
    saveSetting(name, select.value);
    rerenderSoon();
    if (name === "sync_interval") scheduleAutoSync();
  }
}

let autoSyncTimer = 0;
/**
 * Syncs every `sync_interval` minutes (never when off, or when the app was told not to; a
 * test may shorten the period to seconds with TIDINGS_AUTO_SYNC=every:N).
 */
function scheduleAutoSync() {
  clearInterval(autoSyncTimer);
  autoSyncTimer = 0;
  const minutes = Number(state.settings.sync_interval);
  if (!state.autoSync || !(minutes > 0)) return;
  const period = state.autoSyncSeconds ? state.autoSyncSeconds * 1000 : minutes * 60 * 1000;
  autoSyncTimer = setInterval(() => {
    if (!state.syncing && state.summary && state.summary.feeds > 0) syncNow();
  }, period);
}

const PANE_MIN = { sources: 160, stories: 240 };
const PANE_MAX = { sources: 480, stories: 720 };

/** A drag handle on a pane's right edge: the width follows the pointer, saved on release. */
function wireResizer(handle) {
  const pane = handle.dataset.pane;
  const target = $(pane);
  let startX = 0;
  let startW = 0;
  let width = 0;
  handle.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    startX = event.clientX;
    startW = target.getBoundingClientRect().width;
    width = startW;
    document.body.classList.add("resizing");
  });
  handle.addEventListener("pointermove", (event) => {
    if (!handle.hasPointerCapture(event.pointerId)) return;
    width = Math.round(Math.max(PANE_MIN[pane], Math.min(PANE_MAX[pane], startW + event.clientX - startX)));
    document.documentElement.style.setProperty(`--w-${pane}`, `${width}px`);
  });
  const done = (event) => {
    if (!handle.hasPointerCapture(event.pointerId)) return;
    handle.releasePointerCapture(event.pointerId);
    document.body.classList.remove("resizing");
    if (width !== startW) saveSetting(`pane_${pane}`, width);
  };
  handle.addEventListener("pointerup", done);
  handle.addEventListener("pointercancel", done);
  // Double-click: back to the default width.
  handle.addEventListener("dblclick", () => {
    document.documentElement.style.removeProperty(`--w-${pane}`);
    saveSetting(`pane_${pane}`, "");
  });
}

// ---------------------------------------------------------------------------------------------
// Keyboard

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
  // A focused button keeps Enter and Space for itself.
  if (target && target.tagName === "BUTTON" && (event.key === "Enter" || event.key === " ")) return;
  if (document.querySelector("dialog[open]")) {
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
    " ": () => pageStory(event.shiftKey ? -1 : 1),
    v: openOriginal,
    m: toggleRead,
    s: toggleBookmark,
    b: toggleBookmark,
    A: markAllRead,
    r: syncNow,
    "+": openAddDialog,
    "?": toggleHelp,
    "/": focusSearch,
    Escape: () => {
      if (!$("menu").hidden) return closeMenu();
      if (state.searching && state.openId == null) return leaveSearch();
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

// The story frame runs no script (not even the window's listeners on it), so keys pressed
// while it has focus never reach this page. Give focus back to the list after a click in the
// frame (wheel scrolling still works there).
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
  $("empty-import-button").addEventListener("click", () => openFileDialog("import-opml"));
  $("menu-button").addEventListener("click", (event) => {
    event.stopPropagation();
    if ($("menu").hidden || $("menu").dataset.menu !== "app") openAppMenu();
    else closeMenu();
  });
  $("menu").addEventListener("keydown", onMenuKey);
  document.addEventListener("pointerdown", (event) => {
    if (!$("menu").hidden && !$("menu").contains(event.target)) closeMenu({ restoreFocus: false });
  });
  window.addEventListener("blur", () => closeMenu({ restoreFocus: false }));
  $("search-input").addEventListener("input", onSearchInput);
  $("search-input").addEventListener("keydown", onSearchKey);
  $("feed-form").addEventListener("submit", onFeedSave);
  $("feed-cancel").addEventListener("click", () => $("feed-dialog").close());
  $("feed-unsubscribe").addEventListener("click", () => editing && openUnsubscribe(editing));
  $("unsubscribe-form").addEventListener("submit", onUnsubscribe);
  $("unsubscribe-cancel").addEventListener("click", () => $("unsubscribe-dialog").close());
  $("file-form").addEventListener("submit", onFileSubmit);
  $("file-cancel").addEventListener("click", () => $("file-dialog").close());
  $("file-choose").addEventListener("click", onFileChoose);
  $("settings-button").addEventListener("click", openSettings);
  $("settings-form").addEventListener("change", onSettingChange);
  $("settings-form").addEventListener("submit", (event) => {
    event.preventDefault();
    $("settings-dialog").close();
  });
  for (const handle of document.querySelectorAll(".resizer")) wireResizer(handle);
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
    api.onOpenRequest((request) => queueOpenRequests([request]));
    $("add-dialog").addEventListener("close", () => setTimeout(nextOpenRequest, 0));
    $("file-dialog").addEventListener("close", () => setTimeout(nextOpenRequest, 0));
  } catch (_) {
    // no backend: start() shows the error
  }
}

// ---------------------------------------------------------------------------------------------
// Open requests: a feed link or file the desktop handed to Tidings. Nothing happens silently:
// each opens the matching dialog, filled in, for the user to confirm; one at a time.

const openQueue = [];

function nextOpenRequest() {
  if ($("add-dialog").open || $("file-dialog").open) return;
  const request = openQueue.shift();
  if (!request) return;
  if (request.kind === "subscribe" && typeof request.url === "string") {
    openAddDialog();
    $("add-address").value = request.url;
  } else if (request.kind === "import" && typeof request.path === "string") {
    openFileDialog("import-opml");
    $("file-path").value = request.path;
  } else {
    nextOpenRequest();
  }
}

function queueOpenRequests(requests) {
  openQueue.push(...requests);
  nextOpenRequest();
}

async function start() {
  performance.mark("tidings-start");
  // The size the page first lays out at: the window's own, though it is still hidden (a test
  // compares; see lay_out_hidden in src-tauri/src/launch.rs).
  document.body.dataset.startViewport = `${innerWidth}x${innerHeight}`;
  // The app sets an explicit light or dark theme on the root before the first paint (the
  // library's setting); else the copy from the last run, until the settings arrive.
  let theme = document.documentElement.dataset.theme;
  if (!theme) {
    try {
      theme = localStorage.getItem("tidings.theme");
    } catch (_) {
      // storage unavailable
    }
  }
  applyTheme(theme || "system");
  wire();
  // The list at once, beside the counts: its first page is one indexed query; the sources
  // pane counts every feed, so it comes after.
  const counted = refreshSummary();
  // The window is shown once it has stories to show (see src-tauri/src/launch.rs): as soon as
  // the rows are in, so the app maps it while this page lays them out; else once the list
  // is done whatever it shows (an error, say).
  let readySent = false;
  const ready = () => {
    if (!readySent) api.launchMark("ready");
    readySent = true;
  };
  const listShown = loadList({ onRows: ready }).then(() => {
    ready();
    document.body.dataset.firstRowsAt = String(Math.round(performance.now()));
    // After the frame that shows them: the launch measurement's "first stories on screen".
    requestAnimationFrame(() => setTimeout(() => api.launchMark("first-stories"), 0));
  });
  await counted;
  if (document.body.dataset.state === "error") {
    ready();
    return;
  }
  await Promise.all([listShown, refreshSources({ summary: false }), loadSettings()]);
  $("story-list").focus({ preventScroll: true });
  document.body.dataset.loaded = "true";
  requestAnimationFrame(() => setTimeout(() => api.launchMark("library-shown"), 0));
  queueOpenRequests(api.startupOpenRequests());
  // The cached library is on screen: now sync, if the user asked for automatic sync.
  if (state.autoSync && state.settings.sync_interval !== "off" && state.summary && state.summary.feeds > 0) {
    requestAnimationFrame(() => setTimeout(syncNow, 0));
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
