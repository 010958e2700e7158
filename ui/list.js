// The story list: a listbox of the current list's stories, loaded a page at a time and drawn in
// chunks of CHUNK rows; only chunks within MARGIN pixels of the visible part hold rows, the
// others are empty boxes of their measured (or estimated) height. Rows re-render from the
// store: a story changed anywhere is redrawn here. Each row's name says whether it is unread
// or bookmarked; the selected one is `aria-selected` and the list's active descendant.

import * as api from "./api.js";
import { $, displayName, node } from "./dom.js";
import { explain } from "./errors.js";
import { clockTime, dayKey, dayLabel, fullDate, plural, startOfDay, timeAgo } from "./format.js";
import { isOfflineImage } from "./reader.js";
import { refreshSourcesSoon } from "./sources.js";
import { actions, currentStory, on, state } from "./state.js";
import { say, sayError } from "./sync-status.js";

export const PAGE = 100; // the first page of a list: one screen and a bit, fast to paint
const MORE = 500; // later pages (the backend's maximum)
const CHUNK = 50;
const MARGIN = 1200;

// The view's own drawing state: the chunks ({ start, end, el, rendered }), a row's estimated
// height, and which load is current (a late page of an old list is dropped).
let chunks = [];
let rowEstimate = 92;
let generation = 0;
let loading = false;

// What opening a story and its row's menu do (reader-pane.js and menu.js, set by main.js).
const hooks = { open: () => {}, menu: () => {} };
export function setListHooks(open, menu) {
  hooks.open = open;
  hooks.menu = menu;
}

function storyRow(story, index) {
  const row = node("div", "story-row");
  row.setAttribute("role", "option");
  row.id = `story-${story.id}`;
  row.dataset.id = String(story.id);
  row.dataset.index = String(index);
  const marks = node("span", "marks");
  marks.setAttribute("aria-hidden", "true");
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
  updateRow(row, index);
  row.addEventListener("click", () => select(index, true));
  row.addEventListener("contextmenu", (event) => {
    event.preventDefault();
    select(index, false);
    hooks.menu(state.stories[index], event.clientX, event.clientY);
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

function updateRow(row, index) {
  const story = state.stories[index];
  row.classList.toggle("unread", !story.read);
  row.classList.toggle("bookmarked", story.bookmarked);
  row.setAttribute("aria-selected", String(index === state.selected));
  const said = [story.read ? null : "Unread", story.bookmarked ? "Bookmarked" : null, story.title || "Untitled"];
  said.push(displayName(story.feed_title), row.querySelector(".row-time").title);
  row.setAttribute("aria-label", said.filter(Boolean).join(", "));
}

function rowFor(index) {
  return $("story-list").querySelector(`.story-row[data-index="${index}"]`);
}

function redraw(index) {
  const row = rowFor(index);
  if (row) updateRow(row, index);
}

let markAllFrame = 0;
/** "Mark all read" is offered only while the list shows an unread story. */
function updateMarkAllSoon() {
  cancelAnimationFrame(markAllFrame);
  markAllFrame = requestAnimationFrame(() => {
    $("mark-all-button").disabled = !!state.searching || !state.stories.some((s) => !s.read);
  });
}

function renderStories(change) {
  const list = $("story-list");
  if (change.changed) {
    for (const index of change.changed) redraw(index);
  } else {
    if (change.reset) {
      chunks = [];
      list.replaceChildren();
      list.removeAttribute("aria-activedescendant");
    }
    appendRows(change.reset ? 0 : change.from);
    list.dataset.count = String(state.stories.length);
    if (!state.stories.length) renderEmpty();
  }
  updateMarkAllSoon();
}

/** Adds rows for the stories from `from` on; search results have no day headings. */
function appendRows(from) {
  const list = $("story-list");
  list.querySelector(".list-more")?.remove();
  const days = !state.searching;
  let last = chunks[chunks.length - 1];
  // The last chunk fills up first (rendered, so its rows can be added to it).
  if (last && last.end - last.start < CHUNK && !last.rendered) renderChunk(last);
  for (let index = from; index < state.stories.length; index++) {
    if (!last || last.end - last.start >= CHUNK) {
      const el = node("div", "chunk");
      el.setAttribute("role", "none");
      last = { start: index, end: index, el, rendered: false, days };
      el.style.height = "0px";
      chunks.push(last);
      list.append(el);
    }
    last.end = index + 1;
    if (last.rendered) appendRow(last.el, index, last.days);
    else last.el.style.height = `${(last.end - last.start) * rowEstimate}px`;
  }
  if (state.next) {
    const more = node("div", "list-more", "Loading more…");
    more.setAttribute("aria-hidden", "true");
    list.append(more);
  }
  updateWindow();
}

function appendRow(target, index, days) {
  const story = state.stories[index];
  if (days) {
    const previous = index > 0 ? state.stories[index - 1] : null;
    if (!previous || dayKey(previous.sort_at) !== dayKey(story.sort_at)) {
      // Each row's name carries its full date: the heading is for the eye.
      const head = node("div", "day-head", dayLabel(story.sort_at));
      head.setAttribute("aria-hidden", "true");
      target.append(head);
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
  if (rows >= CHUNK / 2) rowEstimate = height / rows;
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
  const near = chunks.map((c) => {
    const y = c.el.offsetTop;
    return y + c.el.offsetHeight >= top && y <= bottom;
  });
  chunks.forEach((chunk, i) => {
    const holdsSelected = state.selected >= chunk.start && state.selected < chunk.end;
    if (near[i] && !chunk.rendered) renderChunk(chunk);
    else if (!near[i] && chunk.rendered && !holdsSelected) emptyChunk(chunk);
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
  const chunk = chunks[Math.floor(index / CHUNK)];
  if (chunk && !chunk.rendered) renderChunk(chunk);
  return rowFor(index);
}

const EMPTY = {
  unread: "No unread stories. All caught up.",
  today: "Nothing new today.",
  bookmarks: "No bookmarks yet. Press s on a story to keep it forever.",
  all: "No stories yet. Press r to sync.",
};

function renderEmpty() {
  let message = EMPTY[state.listKey] || "No stories here.";
  if (state.searching) message = `No stories match “${state.searchQuery}”.`;
  else if (state.summary && state.summary.feeds === 0) message = "Stories from your subscriptions will appear here.";
  showListMessage(message);
}

function showListMessage(text) {
  const p = node("p", "list-empty", text);
  p.setAttribute("role", "option");
  p.setAttribute("aria-disabled", "true");
  $("story-list").replaceChildren(p);
}

/**
 * Loads the first page of the current list; keeps the story `keepId` selected if present.
 * `onRows` is called once its rows are in the document, before the scroll position is set
 * (which lays the page out).
 */
export async function loadList({ keepId = null, limit = PAGE, onRows = null } = {}) {
  const mine = ++generation;
  $("list-title").textContent = state.listTitle;
  loading = true;
  try {
    // The Highlights view has no stories (highlight-list.js draws it).
    const page =
      state.list.kind === "highlights" ? { stories: [], next: null, as_of: 0 } : await api.storyPage(state.list, null, limit);
    if (mine !== generation) return;
    const scroll = keepId != null ? $("story-list").scrollTop : 0;
    actions.storiesLoaded(page.stories, page.next, page.as_of);
    if (onRows) onRows();
    $("story-list").scrollTop = scroll;
    if (keepId != null) {
      const index = state.stories.findIndex((s) => s.id === keepId);
      if (index >= 0) select(index, false);
    }
    document.body.dataset.list = state.listKey;
  } catch (error) {
    if (mine === generation) showListMessage(explain(error, "Could not load the stories"));
  } finally {
    if (mine === generation) loading = false;
  }
}

/** Reloads the list as far as it was read, keeping the selected story. */
export function reloadList() {
  const keep = currentStory();
  return loadList({ keepId: keep ? keep.id : null, limit: Math.min(MORE, Math.max(PAGE, state.stories.length)) });
}

/** Search results in place of the list (no more pages, no day headings). */
export function showResults(stories) {
  generation++; // a page of the old list arriving now is dropped
  loading = false;
  const keep = currentStory();
  $("list-title").textContent = `${plural(stories.length, "result", "results")} for “${state.searchQuery}”`;
  $("story-list").scrollTop = 0;
  actions.storiesLoaded(stories, null, 0);
  if (keep) {
    const index = state.stories.findIndex((s) => s.id === keep.id);
    if (index >= 0) select(index, false);
  }
  document.body.dataset.list = "search";
}

async function loadMore() {
  if (loading || !state.next) return false;
  const mine = generation;
  loading = true;
  try {
    const page = await api.storyPage(state.list, state.next, MORE);
    if (mine !== generation) return false;
    actions.moreLoaded(page.stories, page.next);
    return page.stories.length > 0;
  } catch (error) {
    sayError("Could not load more stories", error);
    return false;
  } finally {
    if (mine === generation) loading = false;
  }
}

function onListScroll() {
  updateWindowSoon();
  const list = $("story-list");
  if (list.scrollTop + list.clientHeight > list.scrollHeight - 800) loadMore();
}

export function select(index, open) {
  if (index < 0 || index >= state.stories.length) return;
  actions.select(index);
  if (open) hooks.open();
}

function renderSelection({ previous }) {
  if (previous >= 0) redraw(previous);
  const row = ensureRow(state.selected);
  if (!row) return;
  updateRow(row, state.selected);
  row.scrollIntoView({ block: "nearest" });
  $("story-list").setAttribute("aria-activedescendant", row.id);
}

/** Moves the selection by `step`, loading the next page when needed, and opens the story. */
export async function move(step) {
  let target = state.selected < 0 ? (step > 0 ? 0 : -1) : state.selected + step;
  if (target >= state.stories.length && (await loadMore())) target = Math.min(target, state.stories.length - 1);
  if (target < 0 || target >= state.stories.length) return;
  select(target, true);
}

/** Jumps to the next (or previous) unread story, loading pages as needed. */
export async function moveUnread(step) {
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
  say(step > 0 ? "No more unread stories below." : "No unread stories above.");
}

export async function markAllRead() {
  if (!state.stories.length || state.searching) return;
  const asOf = state.asOf;
  try {
    const n = await api.markListRead(state.list, asOf);
    actions.storiesChanged((s) => s.id <= asOf && !s.read, { read: true });
    refreshSourcesSoon(0);
    say(n ? `Marked ${plural(n, "story", "stories")} read.` : "Nothing to mark read.");
  } catch (error) {
    sayError("Could not mark the list read", error);
  }
}

export function wireList() {
  on("stories", renderStories);
  on("selection", renderSelection);
  on("list", ({ load }) => {
    $("list-title").textContent = state.listTitle;
    if (load) loadList();
  });
  $("story-list").addEventListener("scroll", onListScroll, { passive: true });
  $("mark-all-button").addEventListener("click", markAllRead);
}
