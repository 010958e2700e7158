// The reader pane: the open story (an `article`, its body in the sandboxed frame reader.js
// builds) with its bar of actions, or, with no story open, the library's counts, the empty
// library's welcome or the error that kept the library from opening.

import * as api from "./api.js";
import { $, displayName, focusList, node, show } from "./dom.js";
import { explain } from "./errors.js";
import { fullDate, plural } from "./format.js";
import { storyDocument } from "./reader.js";
import { refreshSourcesSoon } from "./sources.js";
import { actions, currentStory, on, state } from "./state.js";
import { copiesOf } from "./story-marks.js";
import { say, sayError } from "./sync-status.js";

let openToken = 0;

export function openSelected() {
  const story = currentStory();
  return story ? openStory(story.id, !story.read) : Promise.resolve();
}

/** Opens story `id` in the reader, marking it read (`wasUnread` false: no counts to redo). */
export async function openStory(id, wasUnread = true) {
  const token = ++openToken;
  try {
    const article = await api.openStory(id);
    if (token !== openToken) return;
    const row = state.stories.find((s) => s.id === id);
    actions.storiesChanged(row ? copiesOf(row) : (s) => s.id === id, { read: true, bookmarked: article.bookmarked });
    if (wasUnread) refreshSourcesSoon();
    actions.articleOpened(article);
  } catch (error) {
    if (token !== openToken) return;
    showReader();
    $("reader-error").textContent = explain(error, "Could not open the story");
    show("reader-error", true);
  }
}

function showReader() {
  for (const id of ["empty-state", "error-state", "library-counts"]) show(id, false);
  show("story-view", true);
  show("reader-error", false);
}

function bylineOf(article) {
  const parts = [];
  if (article.author) parts.push(article.author);
  parts.push(article.published_at == null ? "Date unknown" : fullDate(article.published_at));
  if (article.word_count) parts.push(`${Math.max(1, Math.round(article.word_count / 230))} min read`);
  return parts.join(" · ");
}

function renderArticle() {
  const article = state.article;
  if (!article) return renderClosed();
  showReader();
  const note = $("teaser-note");
  if (article.extraction === "teaser" || article.extraction === "pending") {
    const why =
      article.extraction === "pending" ? "the full story has not been fetched yet." : article.extraction_note || "the page could not be read.";
    note.textContent = `Teaser only — ${why}`;
    show("teaser-note", true);
  } else if (article.extraction === "feed" && article.extraction_note) {
    // The page was fetched but gave far less than the feed: the feed's text is the story.
    note.textContent = `From the feed — ${article.extraction_note}.`;
    show("teaser-note", true);
  } else {
    show("teaser-note", false);
  }
  const frame = $("story-frame");
  frame.dataset.storyId = String(article.id);
  frame.title = `Story: ${article.title || "Untitled"}`;
  delete frame.dataset.loaded;
  frame.srcdoc = storyDocument(article, {
    byline: bylineOf(article),
    source: displayName(article.feed_title),
    theme: state.theme === "system" ? "" : state.theme,
    textSize: state.settings.text_size,
    font: state.settings.font,
  });
  $("story-view").setAttribute("aria-label", article.title || "Untitled");
  renderReaderBar();
  document.body.dataset.open = String(article.id);
}

let rerenderFrame = 0;
/** Re-renders the open story once, after a burst of setting changes (one srcdoc load). */
function rerenderSoon() {
  cancelAnimationFrame(rerenderFrame);
  rerenderFrame = requestAnimationFrame(() => {
    if (state.article) renderArticle();
  });
}

/** The bar follows the story as the list has it (read, bookmarked), else the article. */
function renderReaderBar() {
  const article = state.article;
  if (!article) return;
  const story = state.stories.find((s) => s.id === article.id);
  const read = story ? story.read : true;
  const bookmarked = story ? story.bookmarked : article.bookmarked;
  $("read-toggle").textContent = read ? "Mark unread" : "Mark read";
  const b = $("bookmark-toggle");
  b.textContent = bookmarked ? "★ Bookmarked" : "☆ Bookmark";
  b.setAttribute("aria-pressed", String(bookmarked));
  b.classList.toggle("on", bookmarked);
  $("open-original").disabled = !article.url;
  const versions = article.revisions || 0;
  const badge = $("updated-badge");
  badge.hidden = versions === 0;
  badge.title = versions
    ? `This story changed after Tidings first stored it${article.updated_at ? ` (updated ${fullDate(article.updated_at)})` : ""}: ${plural(versions, "earlier version is", "earlier versions are")} kept.`
    : "";
}

export function closeStory() {
  openToken++;
  if (state.article) actions.articleClosed();
  else renderClosed();
}

function renderClosed() {
  show("story-view", false);
  const frame = $("story-frame");
  delete frame.dataset.storyId;
  delete frame.dataset.loaded;
  frame.srcdoc = "";
  delete document.body.dataset.open;
  renderPlaceholder();
}

function renderPlaceholder() {
  const s = state.summary;
  if (!s || state.article || document.body.dataset.state === "error") return;
  show("empty-state", s.feeds === 0);
  show("library-counts", s.feeds > 0);
}

function renderSummary() {
  const summary = state.summary;
  const counts = $("library-counts");
  counts.dataset.feeds = String(summary.feeds);
  counts.dataset.articles = String(summary.articles);
  const hint = !summary.articles
    ? "Press r to sync your feeds."
    : summary.unread
      ? "Press j to read the first story, ? for every key."
      : "All caught up. Press r to sync, ? for every key.";
  counts.replaceChildren(
    node("p", "counts-line", `${plural(summary.feeds, "feed", "feeds")} · ${plural(summary.articles, "story", "stories")} · ${summary.unread} unread`),
    node("p", "counts-hint", hint)
  );
  document.body.dataset.state = summary.feeds === 0 ? "empty" : "ready";
  renderPlaceholder();
}

export async function refreshSummary() {
  try {
    actions.summaryLoaded(await api.librarySummary());
  } catch (error) {
    $("error-detail").textContent = explain(error);
    show("error-state", true);
    show("empty-state", false);
    show("library-counts", false);
    document.body.dataset.state = "error";
  }
}

export async function toggleRead() {
  const story = currentStory();
  if (!story) return;
  const read = !story.read;
  try {
    await api.setRead(story.id, read);
    actions.storiesChanged(copiesOf(story), { read });
    refreshSourcesSoon();
  } catch (error) {
    sayError("Could not change the story", error);
  }
}

export async function toggleBookmark() {
  const story = currentStory();
  if (!story) return;
  const bookmarked = !story.bookmarked;
  try {
    await api.setBookmarked(story.id, bookmarked);
    actions.storiesChanged(copiesOf(story), { bookmarked });
    if (state.article && state.article.id === story.id) actions.articleChanged({ bookmarked });
    refreshSourcesSoon();
    say(bookmarked ? "Bookmarked: kept forever." : "Bookmark removed.");
  } catch (error) {
    sayError("Could not change the bookmark", error);
  }
}

export async function openOriginal() {
  const story = currentStory() || state.article;
  if (!story) return;
  try {
    await api.openOriginal(story.id);
    say("Opened in your browser.");
  } catch (error) {
    sayError("Could not open the page", error);
  }
}

/** Space: the open story's next screen; returns false at its end (or with none open). */
export function pageStory(step) {
  const frame = $("story-frame");
  const doc = state.article ? frame.contentDocument : null;
  const view = doc && doc.scrollingElement;
  if (!view) return false;
  const height = frame.clientHeight;
  if (step > 0 && view.scrollTop + height >= view.scrollHeight - 4) return false;
  // A line of the last screen stays in view, as browsers page.
  view.scrollTop += step * Math.max(40, height - 48);
  return true;
}

export function wireReader() {
  on("article", (change) => (change && change.changed ? renderReaderBar() : renderArticle()));
  on("stories", ({ changed }) => changed && renderReaderBar());
  on("summary", renderSummary);
  on("list", ({ load }) => load && closeStory());
  on("settings", rerenderSoon);
  on("theme", rerenderSoon);
  $("back-button").addEventListener("click", () => {
    closeStory();
    focusList();
  });
  $("read-toggle").addEventListener("click", toggleRead);
  $("bookmark-toggle").addEventListener("click", toggleBookmark);
  $("open-original").addEventListener("click", openOriginal);
  $("story-frame").addEventListener("load", (e) => (e.target.dataset.loaded = e.target.dataset.storyId || ""));
  // The story frame runs no script, so keys pressed while it has focus never reach this
  // page: after a click in it, focus goes back to the list (wheel scrolling still works).
  window.addEventListener("blur", () =>
    setTimeout(() => {
      if (document.activeElement === $("story-frame")) {
        $("story-frame").blur();
        focusList();
      }
    }, 0)
  );
}
