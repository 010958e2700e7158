// A highlight's note and colour, and removing it: opened by n on a highlight, its menu, or the
// lists of highlights. The opener says how to save and remove (highlights.js), so this dialog
// only asks. Ctrl+Enter saves (Enter is a new line in the note).

import { $, show } from "../dom.js";
import { explain } from "../errors.js";
import { closeDialog, openDialog } from "./dialog.js";

// What the open dialog edits: { highlight, save(change), remove() }.
let editing = null;

/** Opens the dialog on `highlight`; `save({ note, color })` and `remove()` do the work. */
export function openNoteDialog(highlight, { save, remove }) {
  editing = { highlight, save, remove };
  $("note-quote").textContent = highlight.text;
  $("note-text").value = highlight.note || "";
  for (const radio of document.querySelectorAll("#note-form input[name=note-color]")) {
    radio.checked = radio.value === highlight.color;
  }
  show("note-error", false);
  openDialog("note-dialog", "note-text");
}

async function run(work, doing) {
  if (!editing) return;
  $("note-save").disabled = true;
  show("note-error", false);
  try {
    await work(editing);
    editing = null;
    closeDialog("note-dialog");
  } catch (error) {
    $("note-error").textContent = explain(error, doing);
    show("note-error", true);
  } finally {
    $("note-save").disabled = false;
  }
}

function onSave(event) {
  event.preventDefault();
  const checked = document.querySelector("#note-form input[name=note-color]:checked");
  const change = { note: $("note-text").value.trim(), color: checked ? checked.value : null };
  run((e) => e.save(change), "Could not save the note");
}

export function wireNoteDialog() {
  $("note-form").addEventListener("submit", onSave);
  $("note-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) onSave(event);
  });
  $("note-cancel").addEventListener("click", () => closeDialog("note-dialog"));
  $("note-remove").addEventListener("click", () => run((e) => e.remove(), "Could not remove the highlight"));
  $("note-dialog").addEventListener("close", () => (editing = null));
}
