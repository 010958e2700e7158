// Edit a subscription: rename it (empty: the feed's own title) and move it to a folder.

import * as api from "../api.js";
import { $, displayName, show } from "../dom.js";
import { explain } from "../errors.js";
import { loadList, reloadList } from "../list.js";
import { refreshSources } from "../sources.js";
import { actions, state } from "../state.js";
import { say } from "../sync-status.js";
import { closeDialog, openDialog } from "./dialog.js";
import { openUnsubscribe } from "./unsubscribe.js";

let editing = null;

/** Opens the dialog for `feed` with field `focusId` ("feed-name" or "feed-folder") focused. */
export function openFeedDialog(feed, focusId) {
  editing = feed;
  $("feed-dialog-url").textContent = feed.url;
  $("feed-name").value = feed.title || "";
  $("feed-name").placeholder = displayName(null, feed.url);
  $("feed-folder").value = feed.folder || "";
  show("feed-error", false);
  openDialog("feed-dialog", focusId);
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
    closeDialog("feed-dialog");
    editing = null;
    if (state.listKey === `feed:${feed.id}`) actions.retitleList(name || feed.title);
    else if (state.listKey === `folder:${feed.folder}` && folder !== (feed.folder || "")) loadList();
    await refreshSources();
    // Story rows show the feed's name.
    if (name !== (feed.title || "") && !state.searching) reloadList();
    say("Subscription saved.");
  } catch (error) {
    $("feed-error").textContent = explain(error, "Could not save");
    show("feed-error", true);
  }
}

export function wireFeedDialog() {
  $("feed-form").addEventListener("submit", onFeedSave);
  $("feed-cancel").addEventListener("click", () => closeDialog("feed-dialog"));
  $("feed-unsubscribe").addEventListener("click", () => editing && openUnsubscribe(editing));
}
