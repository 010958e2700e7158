// Tags on bookmarks: the open story's tags under the reader bar (added in a field, removed by
// their "×"; tagging a story bookmarks it), and, above the Bookmarks list, the tags with how
// many bookmarks carry each, to filter it by one. Search finds tags too (the library does).

import * as api from "./api.js";
import { $, focusList, node } from "./dom.js";
import { refreshSourcesSoon } from "./sources.js";
import { actions, on, state } from "./state.js";
import { sayError } from "./sync-status.js";

const TAG_KEY = "tag:";

/** The tags typed in a field: separated by commas, blanks dropped. */
export function parseTags(text) {
  return text
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

// The open story's tags.

let shownFor = 0;

function renderStoryTags(id, tags) {
  if (!state.article || state.article.id !== id) return;
  const chips = tags.map((tag) => {
    const li = node("li", "tag-chip");
    const remove = node("button", "tag-remove", "×");
    remove.type = "button";
    remove.title = `Remove the tag “${tag}”`;
    remove.setAttribute("aria-label", `Remove tag ${tag}`);
    remove.addEventListener("click", () => changeTags(id, [tag], false));
    li.append(node("span", "tag-name", tag), remove);
    return li;
  });
  $("tag-chips").replaceChildren(...chips);
  $("story-tags").dataset.tags = tags.join(",");
}

async function loadStoryTags(change) {
  if (change && change.changed) return;
  const article = state.article;
  $("story-tags").hidden = !article;
  if (!article) return;
  if (shownFor !== article.id) $("tag-input").value = "";
  shownFor = article.id;
  $("tag-chips").replaceChildren();
  try {
    renderStoryTags(article.id, await api.storyTags(article.id));
  } catch (error) {
    sayError("Could not read the story's tags", error);
  }
}

async function changeTags(id, tags, add) {
  if (!tags.length) return;
  try {
    const now = add ? await api.tagStory(id, tags) : await api.untagStory(id, tags);
    renderStoryTags(id, now);
    if (add) {
      // Tagging bookmarks the story.
      actions.storiesChanged((s) => s.id === id, { bookmarked: true });
      if (state.article && state.article.id === id) actions.articleChanged({ bookmarked: true });
      refreshSourcesSoon();
    }
    if (!$("tag-filter").hidden) loadTagFilter();
    // The removed tag's button is gone: focus stays in the tags, on the field.
    if (!add) $("tag-input").focus();
  } catch (error) {
    sayError(add ? "Could not add the tag" : "Could not remove the tag", error);
  }
}

/** Focuses the open story's tag field (key t); false with no story open. */
export function focusTagInput() {
  if (!state.article) return false;
  $("tag-input").focus();
  return true;
}

// The Bookmarks view's tag filter.

function inBookmarks() {
  return state.listKey === "bookmarks" || state.listKey.startsWith(TAG_KEY);
}

function filterButton(label, count, key, list, title) {
  const b = node("button", "tag-filter-button", label);
  b.type = "button";
  if (count !== null) b.append(node("span", "count", String(count)));
  b.setAttribute("aria-pressed", String(state.listKey === key));
  b.dataset.key = key;
  b.addEventListener("click", () => actions.showList(key, list, title));
  return b;
}

async function loadTagFilter() {
  const bar = $("tag-filter");
  if (!inBookmarks()) {
    bar.hidden = true;
    return bar.replaceChildren();
  }
  let tags;
  try {
    tags = await api.bookmarkTags();
  } catch (error) {
    return sayError("Could not read the tags", error);
  }
  if (!inBookmarks()) return;
  const had = bar.contains(document.activeElement) ? document.activeElement.dataset.key : null;
  bar.replaceChildren(
    filterButton("All bookmarks", null, "bookmarks", { kind: "bookmarks" }, "Bookmarks"),
    ...tags.map((t) => filterButton(t.tag, t.bookmarks, TAG_KEY + t.tag, { kind: "tagged", tag: t.tag }, `Bookmarks tagged “${t.tag}”`))
  );
  bar.hidden = tags.length === 0;
  if (had) bar.querySelector(`[data-key="${CSS.escape(had)}"]`)?.focus({ preventScroll: true });
}

export function wireTags() {
  on("article", loadStoryTags);
  on("list", loadTagFilter);
  $("tag-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      const input = event.target;
      const tags = parseTags(input.value);
      input.value = "";
      if (state.article) changeTags(state.article.id, tags, true);
    } else if (event.key === "Escape") {
      event.preventDefault();
      focusList();
    }
  });
}
