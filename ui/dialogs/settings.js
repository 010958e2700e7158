// The settings dialog: each choice is stored at once (Done only closes the dialog).

import { $, show } from "../dom.js";
import { applyTheme, saveSetting } from "../settings.js";
import { state } from "../state.js";
import { closeDialog, openDialog } from "./dialog.js";

export function openSettings() {
  for (const select of document.querySelectorAll("#settings-form select")) {
    select.value = state.settings[select.dataset.setting] ?? select.value;
  }
  const note = $("settings-note");
  note.textContent = state.autoSync ? "" : "Automatic sync is turned off for this session.";
  note.hidden = state.autoSync;
  show("settings-error", false);
  openDialog("settings-dialog", "set-theme");
}

function onSettingChange(event) {
  const select = event.target;
  const name = select.dataset.setting;
  if (!name) return;
  if (name === "theme") applyTheme(select.value, { save: true });
  else saveSetting(name, select.value);
}

export function wireSettingsDialog() {
  $("settings-button").addEventListener("click", openSettings);
  $("settings-form").addEventListener("change", onSettingChange);
  $("settings-form").addEventListener("submit", (event) => {
    event.preventDefault();
    closeDialog("settings-dialog");
  });
}
