// Menus: the app menu ("⋯" in the sources pane), the "+" menu (subscribe, or save a page), a
// feed's menu (its "…" button, a right-click, or the context-menu key on it) and a story's (a
// right-click, or the context-menu key or Shift+F10 in the list; for the open story it holds
// the highlight commands too: a right-click in the story itself is the engine's, since WebKit
// runs no listener, not even the window's, in a frame that may not run scripts). Arrow keys,
// Home and End move in a menu, Esc closes it; focus goes back to where it was, or, when an
// item opens a dialog, comes back there after.

import { openAccounts } from "./accounts.js";
import { $, node } from "./dom.js";
import { openAddDialog } from "./dialogs/add.js";
import { openFeedDialog } from "./dialogs/edit-feed.js";
import { openFeedSettings, refusedAsReader } from "./dialogs/feed-settings.js";
import { openFileDialog } from "./dialogs/file.js";
import { openRules } from "./dialogs/rules.js";
import { openImportSavedDialog } from "./dialogs/import-saved.js";
import { openSaveDialog } from "./dialogs/save.js";
import { openSettings } from "./dialogs/settings.js";
import { openStorage } from "./dialogs/storage.js";
import { openUnsubscribe } from "./dialogs/unsubscribe.js";
import { editHighlight, highlightAtCaret, highlightSelection, removeHighlight } from "./highlights.js";
import { markAllRead } from "./list.js";
import { openOriginal, openSelected, toggleBookmark, toggleRead } from "./reader-pane.js";
import { state } from "./state.js";
import { sayError } from "./sync-status.js";

let returnFocus = null;

/** Shows `items` ([{ id, label, action, danger }] or "-" for a rule) at (x, y). */
function openMenu(items, x, y, id, label) {
  const menu = $("menu");
  if (menu.hidden) {
    returnFocus = document.activeElement;
    if (returnFocus && returnFocus.hasAttribute("aria-haspopup")) returnFocus.setAttribute("aria-expanded", "true");
  }
  menu.dataset.menu = id;
  menu.setAttribute("aria-label", label);
  menu.replaceChildren(
    ...items.map((item) => {
      if (item === "-") {
        const rule = node("div", "menu-rule");
        rule.setAttribute("role", "separator");
        return rule;
      }
      const b = node("button", item.danger ? "menu-item danger" : "menu-item", item.label);
      b.type = "button";
      b.tabIndex = -1;
      b.setAttribute("role", "menuitem");
      b.dataset.action = item.id;
      b.addEventListener("click", () => {
        closeMenu();
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

export function menuOpen() {
  return !$("menu").hidden;
}

export function closeMenu({ restoreFocus = true } = {}) {
  const menu = $("menu");
  if (menu.hidden) return;
  menu.hidden = true;
  menu.replaceChildren();
  if (returnFocus && returnFocus.hasAttribute("aria-expanded")) returnFocus.setAttribute("aria-expanded", "false");
  if (restoreFocus && returnFocus && returnFocus.isConnected) returnFocus.focus({ preventScroll: true });
  returnFocus = null;
}

function onMenuKey(event) {
  const items = Array.from($("menu").querySelectorAll(".menu-item"));
  const at = items.indexOf(document.activeElement);
  const to = {
    ArrowDown: (at + 1) % items.length,
    ArrowUp: (at - 1 + items.length) % items.length,
    Home: 0,
    End: items.length - 1,
  }[event.key];
  if (to !== undefined) items[to]?.focus();
  else if (event.key === "Escape" || event.key === "Tab") closeMenu();
  else return;
  event.preventDefault();
  event.stopPropagation();
}

export function openFeedMenu(feed, x, y) {
  const refused = refusedAsReader(feed.last_error_kind);
  openMenu(
    [
      ...(refused ? [{ id: "browser-agent", label: "Try the browser user agent…", action: () => openFeedSettings(feed) }] : []),
      { id: "rename", label: "Rename…", action: () => openFeedDialog(feed, "feed-name") },
      { id: "move", label: "Move to folder…", action: () => openFeedDialog(feed, "feed-folder") },
      { id: "feed-settings", label: "Settings…", action: () => openFeedSettings(feed) },
      "-",
      { id: "unsubscribe", label: "Unsubscribe…", danger: true, action: () => openUnsubscribe(feed) },
    ],
    x,
    y,
    `feed:${feed.id}`,
    `Subscription ${feed.title || feed.url}`
  );
}

/** The open story's highlight commands: make one, and the note or removal of the one at the caret. */
function highlightItems() {
  const at = highlightAtCaret();
  const items = [{ id: "highlight", label: "Highlight selection", action: highlightSelection }];
  if (at) {
    const remove = () => removeHighlight(at).catch((error) => sayError("Could not remove the highlight", error));
    items.push(
      { id: "note", label: at.note ? "Edit note on highlight…" : "Add note on highlight…", action: () => editHighlight(at) },
      { id: "remove-highlight", label: "Remove highlight", danger: true, action: remove }
    );
  }
  return items;
}

/** A story's menu: what the keys do, for mouse users (acts on that story). */
export function openStoryMenu(story, x, y) {
  const open = state.article && state.article.id === story.id;
  openMenu(
    [
      ...(open ? [...highlightItems(), "-"] : []),
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
    `story:${story.id}`,
    `Story ${story.title || "Untitled"}`
  );
}

export function openAppMenu() {
  const r = $("menu-button").getBoundingClientRect();
  openMenu(
    [
      { id: "import-opml", label: "Import subscriptions (OPML)…", action: () => openFileDialog("import-opml") },
      { id: "export-opml", label: "Export subscriptions (OPML)…", action: () => openFileDialog("export-opml") },
      "-",
      { id: "export-html", label: "Export bookmarks as a web page…", action: () => openFileDialog("export-html") },
      { id: "export-epub", label: "Export bookmarks as an e-book (EPUB)…", action: () => openFileDialog("export-epub") },
      { id: "export-markdown", label: "Export bookmarks as Markdown…", action: () => openFileDialog("export-markdown") },
      "-",
      { id: "import-saved", label: "Import a read-later archive (Pocket, Instapaper…)…", action: openImportSavedDialog },
      "-",
      { id: "accounts", label: "Accounts…", action: openAccounts },
      { id: "rules", label: "Mute and keep rules…", action: openRules },
      { id: "storage", label: "Storage…", action: openStorage },
      { id: "settings", label: "Settings…", action: openSettings },
    ],
    r.left,
    r.bottom + 4,
    "app",
    "Import, export and settings"
  );
}

/** The "+" menu: subscribe, or save a page. */
function openAddMenu() {
  const r = $("add-button").getBoundingClientRect();
  openMenu(
    [
      { id: "add-feed", label: "Add a subscription…", action: () => openAddDialog() },
      { id: "save-page", label: "Save a page…", action: () => openSaveDialog("", { clipboard: true }) },
    ],
    r.left,
    r.bottom + 4,
    "add",
    "Add a subscription or save a page"
  );
}

export function wireMenu() {
  $("add-button").addEventListener("click", (event) => {
    event.stopPropagation();
    if ($("menu").hidden || $("menu").dataset.menu !== "add") openAddMenu();
    else closeMenu();
  });
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
}
