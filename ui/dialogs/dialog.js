// Opening a modal dialog, the one way: it remembers what had focus and gives focus back to it
// when the dialog closes (however it closes: a button, Esc, or the work done), so focus is
// never lost to the page's start.

import { $, focusList } from "../dom.js";

const returnTo = new Map();

/** Opens dialog `id` modally and focuses `focusId` in it (its first field by default). */
export function openDialog(id, focusId) {
  const dialog = $(id);
  if (dialog.open) return;
  const from = document.activeElement;
  returnTo.set(id, from && from !== document.body ? from : null);
  dialog.showModal();
  if (focusId) $(focusId).focus();
}

export function closeDialog(id) {
  if ($(id).open) $(id).close();
}

function restoreFocus(id) {
  const back = returnTo.get(id);
  returnTo.delete(id);
  // Another dialog opened from this one keeps the focus it has.
  if (document.querySelector("dialog[open]")) return;
  if (back && back.isConnected && !back.closest("[hidden]")) back.focus({ preventScroll: true });
  else focusList();
}

export function wireDialogs() {
  for (const dialog of document.querySelectorAll("dialog")) {
    dialog.addEventListener("close", () => restoreFocus(dialog.id));
  }
}
