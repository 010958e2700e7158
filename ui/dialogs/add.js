// Add a subscription: what the user typed is looked up (a feed, or a site whose feed is
// found), shown, then subscribed to; when the address cannot be reached it can be subscribed
// to anyway (fetched on the next sync).

import * as api from "../api.js";
import { $, show } from "../dom.js";
import { explain, isOffline } from "../errors.js";
import { plural } from "../format.js";
import { refreshSummary } from "../reader-pane.js";
import { refreshSources } from "../sources.js";
import { say, syncNow } from "../sync-status.js";
import { closeDialog, openDialog } from "./dialog.js";
import { openSaveDialog } from "./save.js";

const FORMATS = { "rss2.0": "RSS 2.0", "rss1.0": "RSS 1.0", "rss0.9x": "RSS 0.9", "atom1.0": "Atom", "atom0.3": "Atom 0.3", jsonfeed: "JSON Feed" };

let found = null;

/**
 * Opens the dialog, filled in with `address` when given (a feed link handed to the app);
 * `{ find: true }` looks it up at once (an address that is no feed is then offered for saving).
 */
export function openAddDialog(address = "", { find = false } = {}) {
  if ($("add-dialog").open) return;
  found = null;
  $("add-form").reset();
  show("add-found", false);
  show("add-error", false);
  show("add-anyway", false);
  show("add-save-instead", false);
  $("add-submit").textContent = "Find feed";
  $("add-submit").disabled = false;
  openDialog("add-dialog", "add-address");
  $("add-address").value = address;
  if (find && address) $("add-form").requestSubmit();
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
  show("add-save-instead", false);
  submit.disabled = true;
  submit.textContent = "Looking…";
  try {
    found = await api.findFeed(address);
    $("found-title").textContent = found.title || "Untitled feed";
    $("found-meta").textContent = `${FORMATS[found.format] || found.format} · ${plural(found.entries, "story", "stories")}`;
    $("found-url").textContent = found.discovered_from ? `${found.url} (found on ${found.discovered_from})` : found.url;
    show("add-found", true);
    submit.textContent = "Subscribe";
    document.body.dataset.addFound = found.url;
  } catch (error) {
    submit.textContent = "Find feed";
    const offline = isOffline(error);
    const anyway = offline ? " You can subscribe anyway: Tidings will fetch it on the next sync." : "";
    addError(explain(error) + anyway, offline);
    // A page, not a feed: it can be saved to read later.
    const page = error && (error.kind === "not-a-feed" || error.kind === "no-feed-found");
    if (page) $("add-error").textContent += " If it is a page, you can save it to read later.";
    show("add-save-instead", page);
  } finally {
    submit.disabled = false;
  }
}

async function subscribe(url, title, siteUrl) {
  const folder = $("add-folder").value.trim() || null;
  try {
    const added = await api.addFeed(url, title || null, siteUrl || null, folder);
    closeDialog("add-dialog");
    say(added.is_new ? `Subscribed to ${title || url}.` : `Already subscribed to ${title || url}.`);
    await refreshSummary();
    await refreshSources();
    if (added.is_new) syncNow();
  } catch (error) {
    addError(explain(error, "Could not subscribe"), false);
  }
}

export function wireAddDialog() {
  $("empty-add-button").addEventListener("click", () => openAddDialog());
  $("add-form").addEventListener("submit", onAddSubmit);
  $("add-cancel").addEventListener("click", () => closeDialog("add-dialog"));
  $("add-anyway").addEventListener("click", () => {
    const address = $("add-address").value.trim();
    if (address) subscribe(address, null, null);
  });
  $("add-save-instead").addEventListener("click", () => {
    const address = $("add-address").value.trim();
    closeDialog("add-dialog");
    openSaveDialog(address);
  });
  $("add-address").addEventListener("input", () => {
    if (!found) return;
    found = null;
    show("add-found", false);
    $("add-submit").textContent = "Find feed";
  });
}
