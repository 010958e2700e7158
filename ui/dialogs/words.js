// Highlighting by typing the words (the keyboard's way, as the story frame's text cannot be
// selected without a pointer): the words as they stand in the story, spacing aside, and which
// place they stand in when more than once. The opener says how to add them (highlights.js).

import { $, show } from "../dom.js";
import { explain } from "../errors.js";
import { closeDialog, openDialog } from "./dialog.js";

// What the open dialog does with the words: add({ exact, occurrence }).
let adding = null;

/** Opens the dialog; `add({ exact, occurrence })` highlights them (and may refuse). */
export function openWordsDialog(add) {
  adding = add;
  $("words-text").value = "";
  $("words-place").value = "";
  show("words-error", false);
  openDialog("words-dialog", "words-text");
}

async function onSubmit(event) {
  event.preventDefault();
  const exact = $("words-text").value;
  const place = Number.parseInt($("words-place").value, 10);
  if (!adding || !exact.trim()) return;
  $("words-submit").disabled = true;
  show("words-error", false);
  try {
    await adding({ exact, occurrence: Number.isInteger(place) && place > 0 ? place : null });
    adding = null;
    closeDialog("words-dialog");
  } catch (error) {
    $("words-error").textContent = explain(error, "Could not highlight");
    show("words-error", true);
  } finally {
    $("words-submit").disabled = false;
  }
}

export function wireWordsDialog() {
  $("words-form").addEventListener("submit", onSubmit);
  $("words-cancel").addEventListener("click", () => closeDialog("words-dialog"));
  $("words-dialog").addEventListener("close", () => (adding = null));
}
