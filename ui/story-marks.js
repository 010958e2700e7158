// What duplicates folded across feeds and keep rules show on a story: its "also in" line (the
// other feeds carrying it) and its flag (a keep rule caught it), in a story row and in the
// reader's header; and which loaded rows are copies of one story, since reading or
// bookmarking one copy does it to all (the library does; the rows follow).

import { $, node, show } from "./dom.js";
import { on, state } from "./state.js";

/** "also in: Feed B, Feed C", or "" for a story in one feed. */
export function alsoInText(story) {
  const feeds = (story && story.also_in) || [];
  return feeds.length ? `also in: ${feeds.join(", ")}` : "";
}

/** The parts of a row's accessible name these marks add (before its title). */
export function spokenMarks(story) {
  return story.flagged ? ["Flagged"] : [];
}

/** The parts of a row's accessible name after its feed's name. */
export function spokenAfterFeed(story) {
  const also = alsoInText(story);
  return also ? [also] : [];
}

/** The row's flag (shown beside its feed's name) and "also in" line, compact. */
export function rowMarks(story) {
  const flag = story.flagged ? node("span", "row-flag", "⚑ Flagged") : null;
  if (flag) flag.title = "A keep rule caught this story";
  const also = alsoInText(story);
  const line = also ? node("div", "row-also-in", also) : null;
  if (line) line.title = also;
  return { flag, line };
}

/** A test for the loaded rows that are copies of `story` (itself included). */
export function copiesOf(story) {
  const shown = story.duplicate_of ?? story.id;
  return (s) => s.id === story.id || s.id === shown || s.duplicate_of === shown;
}

/** The reader's header: the open story's flag and "also in" line, as its row has them. */
function renderReaderMarks() {
  const article = state.article;
  const story = article ? state.stories.find((s) => s.id === article.id) : null;
  const flagged = !!(story && story.flagged);
  show("flag-badge", flagged);
  const also = alsoInText(story);
  $("also-in-line").textContent = also;
  show("also-in-line", !!also);
  show("story-marks", flagged || !!also);
}

export function wireStoryMarks() {
  on("article", renderReaderMarks);
  on("stories", ({ changed }) => changed && renderReaderMarks());
}
