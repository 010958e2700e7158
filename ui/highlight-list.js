// Lists of highlights: the Highlights view (a source in the sources pane: every highlight in
// the library, newest first, shown in place of the story list, with its count beside the
// source) and, under the open story, its highlights whose words are no longer in it (kept,
// never dropped). Each entry has its words, its note and buttons for its note and removing
// it; in the view also its story, and going to it opens the story at the highlight.

import { $, node, show } from "./dom.js";
import { plural } from "./format.js";
import { editHighlight, refreshHighlights, removeHighlight, showHighlight } from "./highlights.js";
import { on, state } from "./state.js";
import { sayError } from "./sync-status.js";

/** The list key of the Highlights view (a source like the smart lists). */
export const HIGHLIGHTS = "highlights";

/** The first words of a highlight, to tell its buttons apart by name. */
function shortText(highlight) {
  const words = highlight.text.replace(/\s+/g, " ").trim();
  return words.length > 40 ? `${words.slice(0, 39)}…` : words;
}

/** A button `label` named `name` (which highlight it acts on) that does `run`. */
function button(action, label, name, run, className = "link-button") {
  const b = node("button", className, label);
  b.type = "button";
  b.dataset.action = action;
  b.setAttribute("aria-label", name);
  b.addEventListener("click", run);
  return b;
}

async function remove(highlight) {
  try {
    await removeHighlight(highlight);
  } catch (error) {
    sayError("Could not remove the highlight", error);
  }
}

/** One highlight's entry; `inView`: in the Highlights view (with its story and a way to it). */
function entry(highlight, inView) {
  const li = node("li", `hl-entry hl-${highlight.color}`);
  li.dataset.highlightId = String(highlight.id);
  const quoted = `“${shortText(highlight)}”`;
  if (inView) li.append(node("p", "hl-story", highlight.article_title || "Untitled"));
  li.append(node("blockquote", "hl-words", highlight.text));
  if (highlight.note) li.append(node("p", "hl-note", highlight.note));
  if (inView && highlight.orphaned) li.append(node("p", "hl-gone", "No longer in this story"));
  const buttons = node("div", "hl-actions");
  if (inView) {
    const story = highlight.article_title || "its story";
    buttons.append(button("go", "Go to highlight", `Go to highlight ${quoted} in ${story}`, () => showHighlight(highlight)));
  }
  const noteLabel = highlight.note ? "Edit note…" : "Add note…";
  buttons.append(
    button("note", noteLabel, `${noteLabel.slice(0, -1)} on ${quoted}`, () => editHighlight(highlight)),
    button("remove", "Remove", `Remove the highlight ${quoted}`, () => remove(highlight), "link-button danger")
  );
  li.append(buttons);
  return li;
}

/**
 * Puts `content` in `box`; focus that was on an entry's button stays on that button, else
 * goes to the entry now in its place, else to the box.
 */
function replaceKeepingFocus(box, content) {
  const had = box.contains(document.activeElement) ? document.activeElement : null;
  const from = had && had.closest("li[data-highlight-id]");
  const index = from ? Array.from(from.parentNode.children).indexOf(from) : -1;
  box.replaceChildren(content);
  if (!had || box.contains(had)) return;
  const same = from && box.querySelector(`li[data-highlight-id="${from.dataset.highlightId}"]`);
  const near = same || box.querySelectorAll("li[data-highlight-id]")[Math.max(0, index - 1)];
  const target = near && (near.querySelector(`[data-action="${had.dataset.action}"]`) || near.querySelector("button"));
  (target || box).focus({ preventScroll: true });
}

function showing() {
  return state.listKey === HIGHLIGHTS;
}

function renderView() {
  const view = $("highlight-list");
  const stories = $("story-list");
  const shown = showing();
  // The list that had focus hands it to the one taking its place.
  const from = shown ? stories : view;
  const focused = !from.hidden && from.contains(document.activeElement);
  view.hidden = !shown;
  stories.hidden = shown;
  if (focused) (shown ? view : stories).focus({ preventScroll: true });
  if (!shown) return;
  const list = state.highlights;
  let content;
  if (!list) {
    content = node("p", "list-empty", "Reading your highlights…");
  } else if (!list.length) {
    content = node("p", "list-empty", "No highlights yet. Select words in a story and press h.");
  } else {
    content = node("ul", "hl-entries");
    content.append(...list.map((h) => entry(h, true)));
  }
  replaceKeepingFocus(view, content);
  view.dataset.count = String(list ? list.length : 0);
}

function renderCount() {
  const n = state.highlights ? state.highlights.length : 0;
  $("count-highlights").textContent = n > 0 ? String(n) : "";
  const source = document.querySelector('#smart-lists [data-list="highlights"]');
  source.setAttribute("aria-label", n > 0 ? `Highlights, ${plural(n, "highlight", "highlights")}` : "Highlights");
}

function renderOrphans() {
  const gone = state.storyHighlights.filter((m) => !m.span).map((m) => m.highlight);
  show("orphans", gone.length > 0);
  $("orphans-title").textContent = `${plural(gone.length, "highlight", "highlights")} no longer in this story`;
  const list = node("ul", "hl-entries");
  list.append(...gone.map((h) => entry(h, false)));
  replaceKeepingFocus($("orphan-list"), list);
}

let countTimer = 0;
export function wireHighlightList() {
  on("highlights", ({ story }) => {
    if (story) return renderOrphans();
    renderCount();
    renderView();
  });
  on("list", ({ load }) => {
    renderView();
    if (load && showing()) refreshHighlights();
  });
  // The count follows the library's (after a sync, an unsubscribe, another window's change).
  on("sources", () => {
    clearTimeout(countTimer);
    countTimer = setTimeout(refreshHighlights, 0);
  });
}
