// Import and export: the path is typed or chosen in the desktop's file chooser; an export
// never overwrites a file.

import * as api from "../api.js";
import { $, show } from "../dom.js";
import { explain } from "../errors.js";
import { plural } from "../format.js";
import { refreshSummary } from "../reader-pane.js";
import { refreshSources } from "../sources.js";
import { state } from "../state.js";
import { say, syncNow } from "../sync-status.js";
import { closeDialog, openDialog } from "./dialog.js";

async function exported(format, noun, nouns, path) {
  const n = format ? await api.exportBookmarks(path, format) : await api.exportOpml(path);
  return `Exported ${plural(n, noun, nouns)}.`;
}

const FILE_ACTIONS = {
  "import-opml": {
    title: "Import subscriptions",
    label: "OPML file to import",
    hint: "A list of subscriptions exported from another reader. Folders are kept; feeds you already have are skipped.",
    submit: "Import",
    name: "subscriptions.opml",
    async run(path) {
      const r = await api.importOpml(path);
      const parts = [`Imported ${plural(r.total, "subscription", "subscriptions")} (${r.added} new)`];
      if (r.skipped) parts.push(`${r.skipped} skipped`);
      if (r.incomplete) parts.push("the file was broken part-way");
      await refreshSummary();
      await refreshSources();
      // New feeds are fetched at once (after the dialog has said what was imported).
      if (r.added) setTimeout(syncNow, 0);
      return parts.join(" · ") + ".";
    },
  },
  "export-opml": {
    title: "Export subscriptions",
    label: "New OPML file",
    hint: "Every subscription with its folder, for another reader.",
    submit: "Export",
    name: "tidings-subscriptions.opml",
    run: (path) => exported(null, "subscription", "subscriptions", path),
  },
  "export-html": {
    title: "Export bookmarks as a web page",
    label: "New HTML file",
    hint: "Every bookmarked story in one page that opens in any browser, images included.",
    submit: "Export",
    name: "tidings-bookmarks.html",
    run: (path) => exported("html", "bookmark", "bookmarks", path),
  },
  "export-markdown": {
    title: "Export bookmarks as Markdown",
    label: "Folder for the Markdown files",
    hint: "One .md file per bookmarked story, with its highlights and notes, for Obsidian, Logseq or any notes folder; images go in its assets folder. Exporting again updates the files in place.",
    submit: "Export",
    name: "tidings-notes",
    async run(path) {
      const r = await api.exportMarkdown(path);
      const images = r.images ? ` with ${plural(r.images, "image", "images")}` : "";
      return `Exported ${plural(r.stories, "bookmark", "bookmarks")} as Markdown${images}.`;
    },
  },
  "export-epub": {
    title: "Export bookmarks as an e-book",
    label: "New EPUB file",
    hint: "Every bookmarked story as an EPUB book for an e-reader.",
    submit: "Export",
    name: "tidings-bookmarks.epub",
    run: (path) => exported("epub", "bookmark", "bookmarks", path),
  },
};

let fileAction = null;

/** Opens the dialog for `kind` (a key of FILE_ACTIONS), with `path` filled in if given. */
export function openFileDialog(kind, path = "") {
  const action = FILE_ACTIONS[kind];
  fileAction = kind;
  $("file-title").textContent = action.title;
  $("file-label").textContent = action.label;
  $("file-hint").textContent = action.hint;
  $("file-submit").textContent = action.submit;
  $("file-submit").disabled = false;
  const home = state.homeDir ? state.homeDir.replace(/\/+$/, "") : "";
  $("file-path").value = path || (home ? `${home}/${action.name}` : "");
  $("file-path").placeholder = `/home/you/${action.name}`;
  show("file-error", false);
  $("file-dialog").dataset.kind = kind;
  openDialog("file-dialog", "file-path");
  // Typing replaces the suggested path.
  $("file-path").select();
}

async function onFileChoose() {
  if (!fileAction) return;
  $("file-choose").disabled = true;
  try {
    const chosen = await api.chooseFile(fileAction, $("file-path").value.trim());
    if (chosen) {
      $("file-path").value = chosen;
      show("file-error", false);
    }
  } catch (error) {
    $("file-error").textContent = `The file chooser could not open (${explain(error)}); type the path instead.`;
    show("file-error", true);
  } finally {
    $("file-choose").disabled = false;
    $("file-path").focus();
  }
}

async function onFileSubmit(event) {
  event.preventDefault();
  const action = FILE_ACTIONS[fileAction];
  const path = $("file-path").value.trim();
  if (!action || !path) return;
  $("file-submit").disabled = true;
  show("file-error", false);
  try {
    const message = await action.run(path);
    closeDialog("file-dialog");
    say(message);
  } catch (error) {
    $("file-error").textContent = explain(error);
    show("file-error", true);
  } finally {
    $("file-submit").disabled = false;
  }
}

export function wireFileDialog() {
  $("empty-import-button").addEventListener("click", () => openFileDialog("import-opml"));
  $("file-form").addEventListener("submit", onFileSubmit);
  $("file-cancel").addEventListener("click", () => closeDialog("file-dialog"));
  $("file-choose").addEventListener("click", onFileChoose);
}
