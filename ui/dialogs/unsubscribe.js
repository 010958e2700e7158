// Unsubscribe, confirmed: the feed's stories leave the library, its bookmarks stay.

import * as api from "../api.js";
import { $, displayName, show } from "../dom.js";
import { explain } from "../errors.js";
import { plural } from "../format.js";
import { refreshLibrary } from "../refresh.js";
import { SMART } from "../sources.js";
import { actions, state } from "../state.js";
import { say } from "../sync-status.js";
import { closeDialog, openDialog } from "./dialog.js";

let unsubscribing = null;

export function openUnsubscribe(feed) {
  unsubscribing = feed;
  $("unsubscribe-text").textContent = `Unsubscribe from “${displayName(feed.title, feed.url)}”?`;
  show("unsubscribe-error", false);
  openDialog("unsubscribe-dialog", "unsubscribe-cancel");
}

async function onUnsubscribe(event) {
  event.preventDefault();
  const feed = unsubscribing;
  if (!feed) return;
  try {
    const kept = await api.unsubscribe(feed.id);
    closeDialog("unsubscribe-dialog");
    closeDialog("feed-dialog");
    unsubscribing = null;
    const name = displayName(feed.title, feed.url);
    say(kept ? `Unsubscribed from ${name}; ${plural(kept, "bookmarked story", "bookmarked stories")} kept.` : `Unsubscribed from ${name}.`);
    await refreshLibrary();
    const folderGone = feed.folder && !state.sources.feeds.some((f) => f.folder === feed.folder);
    if (state.listKey === `feed:${feed.id}` || (folderGone && state.listKey === `folder:${feed.folder}`)) {
      actions.showList("unread", SMART.unread.list(), SMART.unread.title);
    }
  } catch (error) {
    $("unsubscribe-error").textContent = explain(error, "Could not unsubscribe");
    show("unsubscribe-error", true);
  }
}

export function wireUnsubscribeDialog() {
  $("unsubscribe-form").addEventListener("submit", onUnsubscribe);
  $("unsubscribe-cancel").addEventListener("click", () => closeDialog("unsubscribe-dialog"));
}
