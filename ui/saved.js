// Pages saved to read later: the Saved source under the smart lists (the library keeps it as a
// feed whose status is "saved", never fetched by a sync, so it has no subscription menu), and,
// on a saved page that could not be had, the reason and a Retry in the reader.

import * as api from "./api.js";
import { $, node, show } from "./dom.js";
import { explain } from "./errors.js";
import { openStory } from "./reader-pane.js";
import { refreshLibrary } from "./refresh.js";
import { actions, on, state } from "./state.js";
import { say } from "./sync-status.js";

/** The Saved source (a Feed of `sources`), or null before anything was saved. */
export function savedSource() {
  return (state.sources && state.sources.feeds.find((f) => f.status === "saved")) || null;
}

/** Shows the Saved source's list. */
export function showSaved() {
  const saved = savedSource();
  if (saved) actions.showList(`feed:${saved.id}`, { kind: "feed", id: saved.id }, saved.title || "Saved");
}

function renderSavedSource() {
  const saved = savedSource();
  const list = $("saved-sources");
  list.hidden = !saved;
  if (!saved) return list.replaceChildren();
  const b = node("button", "source saved-source");
  b.type = "button";
  b.dataset.key = `feed:${saved.id}`;
  const name = saved.title || "Saved";
  b.append(node("span", "source-name", name), node("span", "count", saved.unread > 0 ? String(saved.unread) : ""));
  b.setAttribute("aria-label", saved.unread > 0 ? `${name}, ${saved.unread} unread` : name);
  b.title = "Pages you saved to read later";
  // As sources.js marks the source showing (it marks this one on later list changes).
  if (b.dataset.key === state.listKey) {
    b.classList.add("selected");
    b.setAttribute("aria-current", "true");
  }
  b.addEventListener("click", showSaved);
  const li = document.createElement("li");
  li.append(b);
  const had = list.contains(document.activeElement);
  list.replaceChildren(li);
  if (had) b.focus({ preventScroll: true });
}

/** The open story, when it is a saved page kept as only its title and link. */
function unavailableSaved() {
  const article = state.article;
  const saved = savedSource();
  if (!article || !saved || article.feed_id !== saved.id) return null;
  return article.extraction === "teaser" ? article : null;
}

function renderSavedNote(change) {
  if (change && change.changed) return;
  const article = unavailableSaved();
  show("saved-note", !!article);
  if (!article) return;
  // Said here, with its Retry, instead of the feeds' "Teaser only" line.
  show("teaser-note", false);
  $("saved-reason").textContent = `Could not get the page — ${article.extraction_note || "no reason given"}. Its title and link are kept.`;
  $("retry-save").disabled = false;
}

async function retry() {
  const article = unavailableSaved();
  if (!article) return;
  const button = $("retry-save");
  button.disabled = true;
  $("saved-reason").textContent = "Fetching the page again…";
  try {
    const outcome = await api.retrySaved(article.id);
    say(outcome.saved_as === "unavailable" ? `Still could not get the page: ${outcome.reason}.` : `Saved “${outcome.title}”.`);
    await openStory(article.id, false);
    // Its title and teaser in the list too.
    refreshLibrary();
  } catch (error) {
    $("saved-reason").textContent = explain(error, "Could not fetch the page again");
    button.disabled = false;
  }
}

export function wireSaved() {
  on("sources", renderSavedSource);
  on("article", renderSavedNote);
  $("retry-save").addEventListener("click", retry);
}
