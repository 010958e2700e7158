// The app's entry: loads the library summary and shows the frame, the empty state or the error.
// Every string from the library goes into the page with textContent, never innerHTML.

import * as api from "./api.js";

function show(id, visible) {
  document.getElementById(id).hidden = !visible;
}

function renderSummary(summary) {
  document.getElementById("count-unread").textContent = String(summary.unread);
  document.getElementById("count-bookmarked").textContent = String(summary.bookmarked);
  const counts = document.getElementById("library-counts");
  counts.dataset.feeds = String(summary.feeds);
  counts.dataset.articles = String(summary.articles);
  counts.textContent = `${summary.feeds} feeds · ${summary.articles} stories · ${summary.unread} unread`;
  document.getElementById("status-line").textContent =
    summary.feeds === 0 ? "No subscriptions" : `${summary.feeds} feeds`;
  show("library-counts", summary.feeds > 0);
  show("empty-state", summary.feeds === 0);
  document.body.dataset.state = summary.feeds === 0 ? "empty" : "ready";
}

function renderError(error) {
  document.getElementById("error-detail").textContent =
    (error && error.message) || String(error);
  show("error-state", true);
  show("empty-state", false);
  document.body.dataset.state = "error";
}

async function start() {
  try {
    renderSummary(await api.librarySummary());
  } catch (error) {
    renderError(error);
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
