// The sources pane: the smart lists (All unread, Today, Bookmarks, All stories) and the
// subscriptions, loose or in folders, as lists of buttons; the one showing is `aria-current`.
// Each source's accessible name says its unread count and whether it is failing.

import { isTrouble, statusText } from "./accounts.js";
import * as api from "./api.js";
import { $, displayName, focusList, node } from "./dom.js";
import { startOfDay } from "./format.js";
import { isOfflineImage } from "./reader.js";
import { actions, on, state } from "./state.js";
import { sayError } from "./sync-status.js";

export const SMART = {
  unread: { list: () => ({ kind: "unread" }), title: "All unread" },
  today: { list: () => ({ kind: "today", since: startOfDay() }), title: "Today" },
  bookmarks: { list: () => ({ kind: "bookmarks" }), title: "Bookmarks" },
  all: { list: () => ({ kind: "all" }), title: "All stories" },
  flagged: { list: () => ({ kind: "flagged" }), title: "Flagged" },
  // Not a list of stories: highlight-list.js shows it in the story list's place.
  highlights: { list: () => ({ kind: "highlights" }), title: "Highlights" },
};

// The feed's menu (menu.js sets it: the menu's dialogs refresh this pane, so no import here).
let feedMenu = () => {};
export function setFeedMenu(open) {
  feedMenu = open;
}

function countText(n) {
  return n > 0 ? String(n) : "";
}

function spoken(name, unread, failing) {
  const parts = [name];
  if (unread > 0) parts.push(`${unread} unread`);
  if (failing) parts.push(failing);
  return parts.join(", ");
}

function feedButton(feed) {
  const b = node("button", "source feed");
  b.type = "button";
  b.dataset.key = `feed:${feed.id}`;
  b.dataset.feedId = String(feed.id);
  const shown = displayName(feed.title, feed.url);
  const name = node("span", "source-name", shown);
  // The feed's icon from the library, else its first letter in a tile of the same size.
  if (isOfflineImage(feed.icon)) {
    const icon = document.createElement("img");
    icon.className = "feed-icon";
    icon.alt = "";
    icon.decoding = "async";
    icon.src = feed.icon;
    b.append(icon);
  } else {
    const letter = node("span", "feed-icon letter", (shown.trim()[0] || "?").toUpperCase());
    letter.setAttribute("aria-hidden", "true");
    b.append(letter);
  }
  b.append(name);
  const failing = feed.error_count > 0 || feed.status === "gone";
  let why = "";
  if (failing) {
    b.classList.add("feed-error");
    why = feed.status === "gone" ? "This feed is gone (410)." : feed.last_error || "The last sync failed.";
    b.title = `${feed.title}\n${why}`;
    const mark = node("span", "error-mark", "!");
    mark.setAttribute("aria-hidden", "true");
    b.append(mark);
  } else {
    b.title = feed.url;
  }
  b.append(node("span", "count", countText(feed.unread)));
  b.setAttribute("aria-label", spoken(shown, feed.unread, failing ? `failing: ${why}` : ""));
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
  return more;
}

function feedItem(feed) {
  const li = node("li", "feed-item");
  li.append(feedButton(feed), feedMoreButton(feed));
  return li;
}

// The first render at launch builds the rows a screen can show and leaves the other feeds'
// rows to be built in chunks right after, in lists already as tall as they will be: with
// 10,000 feeds, building every row first held the whole pane back by most of a second.
const FIRST_ROWS = 200;
const ROWS_PER_CHUNK = 400;
/** `.feed-item`'s `contain-intrinsic-size` in style.css. */
const ROW_PX = 30;

/** Rows still to build: `{ ul, feeds, from }`, and how many may still be built at once. */
let rowsToBuild = [];
let rowBudget = Infinity;
let buildGeneration = 0;
let allRowsBuilt = null;
/** The shown feeds by id, for the tree's one click and context-menu listener. */
let feedsById = new Map();
let rowsBuilt = () => {};

/** Resolves once every feed's row is in the page (at launch they are built in chunks). */
export function whenAllRowsBuilt() {
  return allRowsBuilt || Promise.resolve();
}

function feedList(feeds) {
  const ul = node("ul", "feeds");
  const now = Math.min(feeds.length, rowBudget);
  for (let i = 0; i < now; i++) ul.append(feedItem(feeds[i]));
  rowBudget -= now;
  if (now < feeds.length) {
    ul.style.minHeight = `${feeds.length * ROW_PX}px`;
    rowsToBuild.push({ ul, feeds, from: now });
  }
  return ul;
}

function buildMoreRows(generation) {
  if (generation !== buildGeneration) return;
  let rows = ROWS_PER_CHUNK;
  while (rows > 0 && rowsToBuild.length) {
    const next = rowsToBuild[0];
    const end = Math.min(next.feeds.length, next.from + rows);
    const part = document.createDocumentFragment();
    for (let i = next.from; i < end; i++) part.append(feedItem(next.feeds[i]));
    next.ul.append(part);
    rows -= end - next.from;
    next.from = end;
    if (end === next.feeds.length) {
      next.ul.style.minHeight = "";
      rowsToBuild.shift();
    }
  }
  if (rowsToBuild.length) {
    setTimeout(() => buildMoreRows(generation), 0);
  } else {
    markSelectedSource();
    rowsBuilt();
  }
}

/** The feed a click or context menu in the tree is about, and its row's element. */
function feedAt(target) {
  const el = target.closest(".feed, .feed-more");
  const feed = el && feedsById.get(Number(el.dataset.feedId));
  return feed ? { el, feed } : null;
}

function renderSources() {
  const sources = state.sources;
  if (!sources) return;
  const c = sources.counts;
  for (const [id, n, key] of [
    ["count-unread", c.unread, "unread"],
    ["count-today", c.today, "today"],
    ["count-bookmarked", c.bookmarks, "bookmarks"],
    ["count-all", c.all, "all"],
    ["count-flagged", c.flagged, "flagged"],
  ]) {
    $(id).textContent = countText(n);
    const button = document.querySelector(`#smart-lists [data-list="${key}"]`);
    const noun = key === "unread" || key === "today" ? "unread" : "stories";
    button.setAttribute("aria-label", n > 0 ? `${SMART[key].title}, ${n} ${noun}` : SMART[key].title);
  }
  document.title = c.unread > 0 ? `Tidings (${c.unread})` : "Tidings";

  feedsById = new Map(sources.feeds.map((f) => [f.id, f]));
  const generation = ++buildGeneration;
  const first = allRowsBuilt === null;
  if (first) allRowsBuilt = new Promise((resolve) => (rowsBuilt = resolve));
  rowsToBuild = [];
  rowBudget = first ? FIRST_ROWS : Infinity;
  const folderNames = new Set();
  const out = document.createDocumentFragment();
  out.append(feedTree(sources.feeds.filter((f) => f.account_id == null), folderNames));
  for (const section of accountSections(sources.feeds, folderNames)) out.append(section);
  replaceKeepingFocus($("feed-tree"), out);
  markSelectedSource();
  rowBudget = Infinity;
  if (rowsToBuild.length) setTimeout(() => buildMoreRows(generation), 0);
  else rowsBuilt();

  $("folder-names").replaceChildren(
    ...Array.from(folderNames, (f) => {
      const o = document.createElement("option");
      o.value = f;
      return o;
    })
  );
}

/** Feeds loose, then in their folders (whose names go into `folderNames`). */
function feedTree(feeds, folderNames) {
  const folders = new Map();
  const loose = [];
  for (const feed of feeds) {
    // The Saved source is not a subscription: saved.js shows it under the smart lists.
    if (feed.status === "saved") continue;
    if (feed.folder) {
      if (!folders.has(feed.folder)) folders.set(feed.folder, []);
      folders.get(feed.folder).push(feed);
    } else {
      loose.push(feed);
    }
  }
  const out = document.createDocumentFragment();
  if (loose.length) out.append(feedList(loose));
  for (const [name, feeds] of folders) {
    const section = node("section", "folder");
    section.setAttribute("aria-label", name);
    const head = node("button", "source folder-name");
    head.type = "button";
    head.dataset.key = `folder:${name}`;
    const unread = feeds.reduce((n, f) => n + f.unread, 0);
    head.append(node("span", "source-name", name), node("span", "count", countText(unread)));
    head.setAttribute("aria-label", spoken(`Folder ${name}`, unread, ""));
    head.addEventListener("click", () => actions.showList(`folder:${name}`, { kind: "folder", name }, name));
    section.append(head, feedList(feeds));
    out.append(section);
  }
  for (const name of folders.keys()) folderNames.add(name);
  return out;
}

/** Each account's feeds under its name, with its status when it is in trouble. */
function accountSections(feeds, folderNames) {
  const byAccount = new Map(state.accounts.map((a) => [a.id, { account: a, name: a.name, feeds: [] }]));
  for (const feed of feeds) {
    if (feed.account_id == null) continue;
    if (!byAccount.has(feed.account_id)) byAccount.set(feed.account_id, { account: null, name: feed.account, feeds: [] });
    byAccount.get(feed.account_id).feeds.push(feed);
  }
  return Array.from(byAccount, ([id, { account, name, feeds: own }]) => {
    const section = node("section", "account-feeds");
    section.dataset.accountId = String(id);
    const head = node("h2", "account-title");
    head.id = `account-feeds-${id}`;
    head.append(node("span", "account-title-name", name));
    if (account && isTrouble(account.status)) {
      head.append(node("span", "account-title-status", statusText(account.status, account.last_error)));
    }
    section.setAttribute("aria-labelledby", head.id);
    section.append(head, feedTree(own, folderNames));
    return section;
  });
}

/**
 * Redraws the tree; focus inside it stays on the same source (or its "…" button), and goes to
 * the story list when that source is gone, never to the page's start.
 */
function replaceKeepingFocus(tree, content) {
  const had = tree.contains(document.activeElement) ? document.activeElement : null;
  tree.replaceChildren(content);
  if (!had) return;
  const same = had.classList.contains("feed-more")
    ? `.feed-more[data-feed-id="${had.dataset.feedId}"]`
    : `.source[data-key="${CSS.escape(had.dataset.key || "")}"]`;
  const target = tree.querySelector(same);
  if (target) target.focus({ preventScroll: true });
  else focusList();
}

function markSelectedSource() {
  for (const b of document.querySelectorAll("#sources .source.selected, #sources .source[aria-current]")) {
    b.classList.remove("selected");
    b.removeAttribute("aria-current");
  }
  const key = CSS.escape(state.listKey || "");
  for (const b of document.querySelectorAll(`#sources .source[data-key="${key}"]`)) {
    b.classList.add("selected");
    b.setAttribute("aria-current", "true");
  }
}

let soonTimer = 0;
/** Reloads the counts soon (coalescing bursts of changes). */
export function refreshSourcesSoon(delay = 250) {
  clearTimeout(soonTimer);
  soonTimer = setTimeout(refreshSources, delay);
}

/** The sources pane, and the library's counts too unless `summary` is false (just read). */
export async function refreshSources({ summary = true } = {}) {
  try {
    const [sources, counts, accounts] = await Promise.all([
      api.sources(startOfDay()),
      summary ? api.librarySummary() : null,
      api.accounts(),
    ]);
    actions.sourcesLoaded(sources, accounts);
    if (counts) actions.summaryLoaded(counts);
  } catch (error) {
    sayError("Could not read the subscriptions", error);
  }
}

export function wireSources() {
  // One listener for every feed's row (thousands of feeds, thousands of listeners otherwise).
  const tree = $("feed-tree");
  tree.addEventListener("click", (event) => {
    const hit = feedAt(event.target);
    if (!hit) return;
    if (hit.el.classList.contains("feed-more")) {
      event.stopPropagation();
      const r = hit.el.getBoundingClientRect();
      feedMenu(hit.feed, r.left, r.bottom);
    } else {
      actions.showList(`feed:${hit.feed.id}`, { kind: "feed", id: hit.feed.id }, hit.feed.title);
    }
  });
  tree.addEventListener("contextmenu", (event) => {
    const hit = feedAt(event.target);
    if (!hit || hit.el.classList.contains("feed-more")) return;
    event.preventDefault();
    feedMenu(hit.feed, event.clientX, event.clientY);
  });
  on("sources", renderSources);
  on("accounts", renderSources);
  on("list", markSelectedSource);
  for (const b of document.querySelectorAll("#smart-lists .source")) {
    b.dataset.key = b.dataset.list;
    b.addEventListener("click", () => {
      const smart = SMART[b.dataset.list];
      actions.showList(b.dataset.list, smart.list(), smart.title);
    });
  }
}
