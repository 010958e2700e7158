// The DOM helpers every view uses. Text goes in with textContent, never as markup.

export const $ = (id) => document.getElementById(id);

export function show(id, visible) {
  $(id).hidden = !visible;
}

export function node(tag, className, text) {
  const n = document.createElement(tag);
  if (className) n.className = className;
  if (text !== undefined && text !== null) n.textContent = text;
  return n;
}

/** A feed never fetched yet is named by its URL: show that without the scheme. */
export function displayName(title, url) {
  const name = title || url || "";
  return /^https?:\/\//.test(name) ? name.replace(/^https?:\/\//, "") : name;
}

/** Focuses the list the stories pane shows: the stories, or the Highlights view. */
export function focusList() {
  const stories = $("story-list");
  (stories.hidden ? $("highlight-list") : stories).focus({ preventScroll: true });
}
