// The sources pane: the smart lists (All unread, Today, Bookmarks, All stories) and the
// subscriptions, loose or in folders, as lists of buttons; the one showing is `aria-current`.
// Each source's accessible name says its unread count and whether it is failing.

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
  b.addEventListener("click", () => actions.showList(`feed:${feed.id}`, { kind: "feed", id: feed.id }, feed.title));
  b.addEventListener("contextmenu", (event) => {
    event.preventDefault();
    feedMenu(feed, event.clientX, event.clientY);
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
    feedMenu(feed, r.left, r.bottom);
  });
  return more;
}

function feedList(feeds) {
  const ul = node("ul", "feeds");
  for (const feed of feeds) {
    const li = node("li", "feed-item");
    li.append(feedButton(feed), feedMoreButton(feed));
    ul.append(li);
  }
  return ul;
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
  ]) {
    $(id).textContent = countText(n);
    const button = document.querySelector(`#smart-lists [data-list="${key}"]`);
    const noun = key === "bookmarks" || key === "all" ? "stories" : "unread";
    button.setAttribute("aria-label", n > 0 ? `${SMART[key].title}, ${n} ${noun}` : SMART[key].title);
  }
  document.title = c.unread > 0 ? `Tidings (${c.unread})` : "Tidings";

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
  replaceKeepingFocus($("feed-tree"), out);
  markSelectedSource();

  $("folder-names").replaceChildren(
    ...Array.from(folders.keys(), (f) => {
      const o = document.createElement("option");
      o.value = f;
      return o;
    })
  );
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
  for (const b of document.querySelectorAll("#sources .source")) {
    const key = b.dataset.key || b.dataset.list;
    b.classList.toggle("selected", key === state.listKey);
    if (key === state.listKey) b.setAttribute("aria-current", "true");
    else b.removeAttribute("aria-current");
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
    const [sources, counts] = await Promise.all([api.sources(startOfDay()), summary ? api.librarySummary() : null]);
    actions.sourcesLoaded(sources);
    if (counts) actions.summaryLoaded(counts);
  } catch (error) {
    sayError("Could not read the subscriptions", error);
  }
}

export function wireSources() {
  on("sources", renderSources);
  on("list", markSelectedSource);
  for (const b of document.querySelectorAll("#smart-lists .source")) {
    b.dataset.key = b.dataset.list;
    b.addEventListener("click", () => {
      const smart = SMART[b.dataset.list];
      actions.showList(b.dataset.list, smart.list(), smart.title);
    });
  }
}
