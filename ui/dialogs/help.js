// The keyboard help ("?"): every key the app answers to.

import { $ } from "../dom.js";
import { closeDialog, openDialog } from "./dialog.js";

export function toggleHelp() {
  if ($("help-dialog").open) closeDialog("help-dialog");
  else openDialog("help-dialog", "help-close");
}

export function wireHelp() {
  $("help-button").addEventListener("click", toggleHelp);
  $("help-close").addEventListener("click", toggleHelp);
}
