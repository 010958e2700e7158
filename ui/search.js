// Search: "/" focuses the field; results replace the list as you type (the whole library).
// Enter or ↓ goes to the results (Enter opens the first), Esc goes back to the list that
// showed before.

import * as api from "./api.js";
import { $, focusList } from "./dom.js";
import { select, showResults } from "./list.js";
import { actions, on, state } from "./state.js";
import { sayError } from "./sync-status.js";

const SEARCH_DELAY = 150;
let searchTimer = 0;
let searchToken = 0;

export function focusSearch() {
  const input = $("search-input");
  input.focus();
  input.select();
}

function onSearchInput() {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(runSearch, SEARCH_DELAY);
}

export async function runSearch() {
  clearTimeout(searchTimer);
  searchTimer = 0;
  const query = $("search-input").value.trim();
  if (!query) {
    if (state.searching) leaveSearch({ focus: false });
    return;
  }
  const token = ++searchToken;
  actions.searchStarted();
  try {
    const hits = await api.search(query);
    if (token !== searchToken || !state.searching) return;
    actions.searchShown(query);
    showResults(
      hits.map((hit) => ({ ...hit.article, sort_at: hit.article.published_at ?? 0, teaser: "", snippet: hit.snippet }))
    );
  } catch (error) {
    if (token === searchToken) sayError("Search failed", error);
  }
}

/** Leaves search: back to the list that was showing before it. */
export function leaveSearch({ focus = true } = {}) {
  const saved = actions.searchEnded();
  forgetQuery();
  if (saved) actions.showList(saved.key, saved.list, saved.title);
  if (focus) focusList();
}

function forgetQuery() {
  searchToken++;
  clearTimeout(searchTimer);
  searchTimer = 0;
  $("search-input").value = "";
}

function onSearchKey(event) {
  if (event.key === "Escape") {
    event.preventDefault();
    leaveSearch();
  } else if (event.key === "Enter" || event.key === "ArrowDown") {
    event.preventDefault();
    // Results as of now (a pending keystroke is searched first).
    const go = async () => {
      if (searchTimer) await runSearch();
      $("story-list").focus({ preventScroll: true });
      if (state.searching && state.stories.length) select(0, event.key === "Enter");
    };
    go();
  }
}

export function wireSearch() {
  // Another list was picked: the query is forgotten (the store already ended the search).
  on("list", ({ load }) => load && forgetQuery());
  $("search-input").addEventListener("input", onSearchInput);
  $("search-input").addEventListener("keydown", onSearchKey);
}
