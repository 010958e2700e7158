// Save a page to read later: its address (the clipboard's, when it holds a web address and the
// dialog was opened by key), tags and a note. The page is fetched and kept, with its images, in
// the Saved source; the story opens when saved. An address that is a feed, or a site with a
// feed, is better subscribed to: the dialog says so and offers that instead. A page that cannot
// be had is still saved (its title and link, with the reason and a Retry on the story).

import * as api from "../api.js";
import { $, show } from "../dom.js";
import { explain } from "../errors.js";
import { plural } from "../format.js";
import { openStory } from "../reader-pane.js";
import { showSaved } from "../saved.js";
import { refreshSources } from "../sources.js";
import { say } from "../sync-status.js";
import { parseTags } from "../tags.js";
import { openAddDialog } from "./add.js";
import { closeDialog, openDialog } from "./dialog.js";

let saving = false;

const WEB_ADDRESS = /^https?:\/\/\S+$/i;

/** The clipboard's text when it is one web address, else "". */
async function clipboardAddress() {
  try {
    const text = ((await api.clipboardText()) || "").trim();
    return WEB_ADDRESS.test(text) ? text : "";
  } catch (_) {
    // The clipboard could not be read: the field stays empty.
    return "";
  }
}

/**
 * Opens the dialog with `address` filled in; `{ clipboard: true }`: with the clipboard's web
 * address when none is given.
 */
export async function openSaveDialog(address = "", { clipboard = false } = {}) {
  if ($("save-dialog").open || saving) return;
  $("save-form").reset();
  for (const id of ["save-error", "save-progress", "save-subscribe"]) show(id, false);
  setBusy(false);
  openDialog("save-dialog", "save-url");
  const url = address || (clipboard ? await clipboardAddress() : "");
  if (url && !$("save-url").value) {
    $("save-url").value = url;
    // An address is there: tags come next.
    $("save-tags").focus();
  }
}

function setBusy(busy) {
  saving = busy;
  for (const id of ["save-url", "save-tags", "save-note", "save-submit"]) $(id).disabled = busy;
}

function saidOf(outcome) {
  const tags = outcome.tags.length ? ` Tags: ${outcome.tags.join(", ")}.` : "";
  if (outcome.saved_as === "already") return `Already in your library: “${outcome.title}” is bookmarked.${tags}`;
  if (outcome.saved_as === "unavailable") return `Could not get the page (${outcome.reason}): its title and link are kept; Retry is on the story.${tags}`;
  const images = outcome.images_stored ? ` with ${plural(outcome.images_stored, "image", "images")}` : "";
  const feed = outcome.site_feed ? " This site has a feed: press + to subscribe to it." : "";
  return `Saved “${outcome.title}”${images} for reading offline.${tags}${feed}`;
}

async function onSaveSubmit(event) {
  event.preventDefault();
  const url = $("save-url").value.trim();
  if (!url || saving) return;
  show("save-error", false);
  show("save-subscribe", false);
  $("save-progress").textContent = "Fetching the page and its images…";
  show("save-progress", true);
  setBusy(true);
  try {
    const outcome = await api.savePage(url, parseTags($("save-tags").value), $("save-note").value.trim() || null);
    setBusy(false);
    closeDialog("save-dialog");
    say(saidOf(outcome));
    await refreshSources();
    showSaved();
    await openStory(outcome.article_id);
    document.body.dataset.savedStory = String(outcome.article_id);
  } catch (error) {
    setBusy(false);
    show("save-progress", false);
    const subscribe = error && (error.kind === "is-a-feed" || error.kind === "site-has-feed");
    $("save-error").textContent = subscribe
      ? `${error.kind === "is-a-feed" ? "This address is a feed" : "This is a site's front page, and the site has a feed"}: subscribe to it to get its new stories.`
      : explain(error, "Could not save the page");
    show("save-error", true);
    show("save-subscribe", subscribe);
    $(subscribe ? "save-subscribe" : "save-url").focus();
  }
}

/** The web address a drop carries (a link dragged from a browser), or "". */
function droppedAddress(data) {
  const lines = (data.getData("text/uri-list") || data.getData("text/plain") || "").split(/\r?\n/);
  const url = lines.map((l) => l.trim()).find((l) => l && !l.startsWith("#")) || "";
  return WEB_ADDRESS.test(url) ? url : "";
}

/** A link dropped on the window: looked up as a feed first, then offered for saving. */
function wireDrops() {
  const carriesLink = (event) => event.dataTransfer && Array.from(event.dataTransfer.types).some((t) => t === "text/uri-list" || t === "text/plain");
  document.addEventListener("dragover", (event) => {
    if (carriesLink(event) && !document.querySelector("dialog[open]")) event.preventDefault();
  });
  document.addEventListener("drop", (event) => {
    if (!event.dataTransfer || document.querySelector("dialog[open]")) return;
    const url = droppedAddress(event.dataTransfer);
    event.preventDefault();
    if (url) openAddDialog(url, { find: true });
  });
}

export function wireSaveDialog() {
  wireDrops();
  $("save-form").addEventListener("submit", onSaveSubmit);
  $("save-cancel").addEventListener("click", () => closeDialog("save-dialog"));
  $("save-subscribe").addEventListener("click", () => {
    const url = $("save-url").value.trim();
    closeDialog("save-dialog");
    openAddDialog(url, { find: true });
  });
  // The dialog closes only when the save is done (or failed): Esc while it fetches is ignored.
  $("save-dialog").addEventListener("cancel", (event) => saving && event.preventDefault());
}
