// Highlights in the reader. The story frame runs no script, so everything happens from the
// window through the frame's document (same origin): the selection is read with
// getSelection(), turned into a text-quote selector over the story's text (story-text.js, the
// library's own way of reading it) and sent to the library, which anchors it in the stored
// text; the marks are <mark> elements wrapped around text nodes with splitText, never markup.
// Every change re-marks the story from the library's answer, so what shows is what is stored.

import * as api from "./api.js";
import { $ } from "./dom.js";
import { openNoteDialog } from "./dialogs/note.js";
import { openWordsDialog } from "./dialogs/words.js";
import { openStory } from "./reader-pane.js";
import { refreshSourcesSoon } from "./sources.js";
import { actions, on, state } from "./state.js";
import { quoteOf, spanOfRange, storyText, wrapSpan } from "./story-text.js";
import { say, sayError } from "./sync-status.js";

/** The colours a highlight can have (the library's HighlightColor), the first the default. */
export const COLORS = ["yellow", "green", "blue", "pink"];
// Characters of context kept either side of a quote (the library's annotations::CONTEXT_CHARS).
const CONTEXT = 32;
const MARK = "mark[data-highlight-id]";

let markToken = 0;
// A highlight to show once its story is open and marked: { articleId, highlightId }.
let pending = null;

/** The frame's document while it shows the open story, else null. */
function frameDoc() {
  const frame = $("story-frame");
  if (!state.article || frame.dataset.loaded !== String(state.article.id)) return null;
  return frame.contentDocument;
}

function selectionRange(doc) {
  const selection = doc.getSelection();
  return selection && selection.rangeCount ? selection.getRangeAt(0) : null;
}

function unmark(doc) {
  const marks = Array.from(doc.querySelectorAll(MARK));
  for (const mark of marks) mark.replaceWith(...mark.childNodes);
  if (marks.length) doc.body.normalize();
}

/** The words a mark's note is said with (its tooltip and accessible description). */
function described(highlight) {
  return highlight.note ? `Highlight. Note: ${highlight.note}` : "Highlight";
}

function markElement(doc, highlight) {
  const mark = doc.createElement("mark");
  const color = COLORS.includes(highlight.color) ? highlight.color : COLORS[0];
  mark.className = `hl hl-${color}`;
  mark.dataset.highlightId = String(highlight.id);
  mark.title = described(highlight);
  return mark;
}

/**
 * Marks the open story's highlights in its frame, afresh: each where the library finds it in
 * the text the frame shows; the ones whose words are gone are listed under the story.
 */
export async function markStory() {
  const doc = frameDoc();
  if (!doc) return;
  const article = state.article;
  const token = ++markToken;
  const frame = $("story-frame");
  delete frame.dataset.marked;
  unmark(doc);
  // Most stories have none: the library's list says so without sending their text.
  const none = state.highlights && !state.highlights.some((h) => h.article_id === article.id);
  let marks = [];
  try {
    if (!none) marks = await api.highlightMarks(article.id, storyText(doc).text);
  } catch (error) {
    if (token === markToken) sayError("Could not show the story's highlights", error);
    return;
  }
  if (token !== markToken || frameDoc() !== doc) return;
  for (const { highlight, span } of marks) {
    // Each wrap splits text nodes: the next one reads the text's nodes again.
    if (span) wrapSpan(storyText(doc), span, () => markElement(doc, highlight));
  }
  frame.dataset.marked = String(article.id);
  actions.storyHighlightsShown(marks);
  showPending();
}

/** A highlighted story is bookmarked (the library sees to it): the list and the bar say so. */
function bookmarked(articleId) {
  actions.storiesChanged((s) => s.id === articleId, { bookmarked: true });
  if (state.article && state.article.id === articleId) actions.articleChanged({ bookmarked: true });
  refreshSourcesSoon();
}

/** h: highlights the text selected in the open story; with none, asks for the words. */
export async function highlightSelection() {
  const doc = frameDoc();
  if (!doc) return say("Open a story to highlight its words.");
  const article = state.article;
  const range = selectionRange(doc);
  const story = storyText(doc);
  let span = null;
  try {
    span = range && !range.collapsed ? spanOfRange(story, range) : null;
  } catch (_) {
    // A selection outside the story's own text.
  }
  if (!span) return openWordsDialog((words) => addHighlight(article, { kind: "words", ...words }));
  try {
    await addHighlight(article, { kind: "quote", quote: quoteOf(story, span, CONTEXT), hint: span.start });
  } catch (error) {
    sayError("Could not highlight", error);
  }
}

/** Highlights `selection` (api.js, addHighlight) in `article`, and puts the caret in it. */
async function addHighlight(article, selection) {
  const highlight = await api.addHighlight(article.id, selection, COLORS[0]);
  const doc = frameDoc();
  if (doc) doc.getSelection().removeAllRanges();
  bookmarked(article.id);
  // The caret goes into the new highlight, so n writes its note.
  pending = { articleId: article.id, highlightId: highlight.id, outline: false };
  await highlightsChanged(article.id);
  say("Highlighted; the story is bookmarked. Press n to write a note on it.");
}

/** The open story's highlight that the frame's caret or selection is in, or null. */
export function highlightAtCaret() {
  const doc = frameDoc();
  const range = doc && selectionRange(doc);
  if (!range) return null;
  const start = range.startContainer;
  const element = start.nodeType === Node.ELEMENT_NODE ? start : start.parentElement;
  const mark =
    (element && element.closest(MARK)) || Array.from(doc.querySelectorAll(MARK)).find((m) => range.intersectsNode(m));
  if (!mark) return null;
  const found = state.storyHighlights.find((m) => String(m.highlight.id) === mark.dataset.highlightId);
  return found ? found.highlight : null;
}

/** Opens the note dialog on `highlight` (its note, its colour, removing it). */
export function editHighlight(highlight) {
  openNoteDialog(highlight, {
    save: (change) => saveHighlight(highlight, change),
    remove: () => removeHighlight(highlight),
  });
}

/** n on a highlight: its note. Returns false when the caret is in none. */
export function editHighlightAtCaret() {
  const highlight = highlightAtCaret();
  if (highlight) editHighlight(highlight);
  return !!highlight;
}

/** Stores what changed of a highlight's `note` and `color`; shows it. */
export async function saveHighlight(highlight, { note, color }) {
  if ((highlight.note || "") !== note) await api.setHighlightNote(highlight.id, note || null);
  if (color && color !== highlight.color) await api.setHighlightColor(highlight.id, color);
  await highlightsChanged(highlight.article_id);
}

/** Removes a highlight (its story stays bookmarked). */
export async function removeHighlight(highlight) {
  await api.removeHighlight(highlight.id);
  await highlightsChanged(highlight.article_id);
  say("Highlight removed; the story stays bookmarked.");
}

async function highlightsChanged(articleId) {
  await refreshHighlights();
  if (state.article && state.article.id === articleId) await markStory();
}

/** Reads every highlight in the library again (the Highlights view and its count). */
export async function refreshHighlights() {
  try {
    actions.highlightsLoaded(await api.highlights(null));
  } catch (error) {
    sayError("Could not read the highlights", error);
  }
}

/** Opens `highlight`'s story and shows it there: in view, outlined, the caret in it. */
export function showHighlight(highlight) {
  pending = { articleId: highlight.article_id, highlightId: highlight.id, outline: true };
  const marked = $("story-frame").dataset.marked === String(highlight.article_id);
  if (state.article && state.article.id === highlight.article_id && marked) showPending();
  else openStory(highlight.article_id);
}

function showPending() {
  const doc = frameDoc();
  if (!pending || !doc || pending.articleId !== state.article.id) return;
  const { highlightId, outline } = pending;
  pending = null;
  for (const old of doc.querySelectorAll(".hl-at")) old.classList.remove("hl-at");
  const marks = Array.from(doc.querySelectorAll(`mark[data-highlight-id="${highlightId}"]`));
  if (!marks.length) {
    // No longer in the story: its entry in the list under it.
    const entry = document.querySelector(`#orphan-list [data-highlight-id="${highlightId}"] button`);
    if (entry) entry.focus();
    return;
  }
  if (outline) for (const mark of marks) mark.classList.add("hl-at");
  marks[0].scrollIntoView({ block: "center" });
  doc.getSelection().collapse(marks[0].firstChild || marks[0], 0);
}

/**
 * The reader bar's Highlight button: the selection highlighted; with none, the highlight at
 * the caret edited; with none either, the words asked for.
 */
function highlightOrEdit() {
  const doc = frameDoc();
  const range = doc && selectionRange(doc);
  const selected = range && !range.collapsed;
  if (selected || !editHighlightAtCaret()) highlightSelection();
}

export function wireHighlights() {
  $("story-frame").addEventListener("load", () => markStory());
  on("article", (change) => {
    if (!(change && change.changed)) delete $("story-frame").dataset.marked;
  });
  $("highlight-button").addEventListener("click", highlightOrEdit);
}
