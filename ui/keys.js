// The keyboard: one-key commands (see the help dialog), "g" then a letter to go to a smart
// list, F10 for the app menu, and the context-menu key (or Shift+F10) for the focused feed's
// or story's menu. Keys
// typed into a field, or pressed while a dialog is open, are left alone.

import { $, focusList } from "./dom.js";
import { toggleHelp } from "./dialogs/help.js";
import { openAddDialog } from "./dialogs/add.js";
import { editHighlightAtCaret, highlightSelection } from "./highlights.js";
import { markAllRead, move, moveUnread } from "./list.js";
import { closeMenu, menuOpen, openAppMenu, openFeedMenu, openStoryMenu } from "./menu.js";
import { closeStory, openOriginal, openSelected, pageStory, toggleBookmark, toggleRead } from "./reader-pane.js";
import { focusSearch, leaveSearch } from "./search.js";
import { SMART } from "./sources.js";
import { actions, currentStory, state } from "./state.js";
import { syncNow } from "./sync-status.js";

let gPending = false;
let gTimer = 0;

function goSmart(key) {
  actions.showList(key, SMART[key].list(), SMART[key].title);
}

function openOrFirst() {
  return state.selected < 0 ? move(1) : openSelected();
}

/** Space: a screen of the open story, at its end the next unread; with none open, opens one. */
function space(step) {
  if (pageStory(step) || step < 0) return;
  if (state.article) moveUnread(1);
  else openOrFirst();
}

function escape() {
  if (menuOpen()) return closeMenu();
  if (state.searching && !state.article) return leaveSearch();
  closeStory();
  focusList();
}

/** The menu of what has focus: a feed (its button or "…") or the selected story. */
function contextMenu(target) {
  const feedId = target && target.dataset && target.dataset.feedId;
  if (feedId) {
    const feed = state.sources && state.sources.feeds.find((f) => String(f.id) === feedId);
    const r = target.getBoundingClientRect();
    if (feed) openFeedMenu(feed, r.left, r.bottom);
    return;
  }
  const story = currentStory();
  if (!story) return;
  const row = document.getElementById(`story-${story.id}`);
  const r = row ? row.getBoundingClientRect() : $("story-list").getBoundingClientRect();
  openStoryMenu(story, r.left + 24, r.top + 16);
}

function onKey(event) {
  const target = event.target;
  if (event.key === "ContextMenu" || event.key === "F10") {
    if (document.querySelector("dialog[open]") || menuOpen()) return;
    event.preventDefault();
    // F10: the app menu (import, export, settings); Shift+F10: the focused item's menu.
    if (event.key === "F10" && !event.shiftKey) openAppMenu();
    else contextMenu(target);
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
  // A focused button keeps Enter and Space for itself.
  if (target && target.tagName === "BUTTON" && (event.key === "Enter" || event.key === " ")) return;
  if (document.querySelector("dialog[open]")) {
    if (event.key === "?" && $("help-dialog").open) toggleHelp();
    return;
  }
  if (gPending) {
    gPending = false;
    clearTimeout(gTimer);
    const go = { a: "all", b: "bookmarks", u: "unread", t: "today", h: "highlights" }[event.key];
    if (go) {
      event.preventDefault();
      goSmart(go);
    }
    return;
  }
  const actionsByKey = {
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    // On a highlight (the caret or selection in it), its note; else the next unread story.
    n: () => editHighlightAtCaret() || moveUnread(1),
    p: () => moveUnread(-1),
    o: openOrFirst,
    Enter: openOrFirst,
    " ": () => space(event.shiftKey ? -1 : 1),
    h: highlightSelection,
    v: openOriginal,
    m: toggleRead,
    s: toggleBookmark,
    b: toggleBookmark,
    A: markAllRead,
    r: syncNow,
    "+": () => openAddDialog(),
    "?": toggleHelp,
    "/": focusSearch,
    Escape: escape,
    g: () => {
      gPending = true;
      gTimer = setTimeout(() => (gPending = false), 1500);
    },
  };
  const action = actionsByKey[event.key];
  if (!action) return;
  event.preventDefault();
  action();
}

export function wireKeys() {
  document.addEventListener("keydown", onKey);
}
