// Import a read-later archive (Pocket, Instapaper, Wallabag, Omnivore, browser bookmarks): the
// file typed or chosen, its format told from the file and named, progress (entries done of the
// total; saved, already there, failed) with a Cancel that stops between entries, and a summary
// with the reasons of the entries not saved in full. The same file again goes on where it
// stopped (the library keeps a journal of each entry).

import * as api from "../api.js";
import { $, node, show } from "../dom.js";
import { explain } from "../errors.js";
import { plural } from "../format.js";
import { refreshLibrary } from "../refresh.js";
import { state } from "../state.js";
import { say } from "../sync-status.js";
import { closeDialog, openDialog } from "./dialog.js";

// The running import's counts (by the journal's words), or null when none runs.
let running = null;

/** Opens the dialog (the path of the last import kept, else the home folder). */
export function openImportSavedDialog() {
  if ($("import-saved-dialog").open) return;
  if (!running) {
    const home = state.homeDir ? state.homeDir.replace(/\/+$/, "") : "";
    if (!$("import-saved-path").value) $("import-saved-path").value = home ? `${home}/` : "";
    for (const id of ["import-saved-progress", "import-saved-summary", "import-saved-error"]) show(id, false);
  }
  openDialog("import-saved-dialog", "import-saved-path");
}

function setRunning(on) {
  $("import-saved-submit").disabled = on;
  $("import-saved-path").disabled = on;
  $("import-saved-choose").disabled = on;
  show("import-saved-stop", on);
  $("import-saved-stop").disabled = false;
  $("import-saved-dialog").dataset.running = String(on);
}

function countsText(c) {
  const failed = c.dead + c.skipped;
  return `${c.done} of ${c.total} entries · saved ${c.saved + c.archived} · already there ${c.already} · failed ${failed}`;
}

function onProgress(p) {
  if (!running) return;
  if (p.event === "started") {
    const earlier = p.done_before ? ` ${plural(p.done_before, "entry was", "entries were")} done by an earlier import: going on from there.` : "";
    const line = `${p.detected ? "Read as" : "Imported as"} ${p.format_words}: ${plural(p.entries, "entry", "entries")}.${earlier}`;
    $("import-saved-format").textContent = line;
    Object.assign(running, { total: p.entries, done: p.done_before, words: p.format_words, line });
  } else if (p.event === "entry-done") {
    running.done = p.done;
    running.total = p.total;
    if (p.state in running) running[p.state] += 1;
  } else if (p.event === "images") {
    $("import-saved-count").textContent = `${countsText(running)} · images ${p.done} of ${p.total}`;
    return;
  } else {
    return;
  }
  const bar = $("import-saved-bar");
  bar.max = Math.max(1, running.total);
  bar.value = running.done;
  $("import-saved-count").textContent = countsText(running);
}

function summaryText(r) {
  const parts = [
    `${r.cancelled ? "Stopped" : "Imported"} ${r.format_words || "the archive"}: ${plural(r.entries, "entry", "entries")} in ${r.seconds.toFixed(1)} s.`,
    `Saved ${r.saved + r.archived}${r.archived ? ` (${r.archived} from the archive's own copy)` : ""}, already in your library ${r.already}, kept as title and link ${r.dead}, skipped ${r.skipped}${r.bad ? `, unreadable ${r.bad}` : ""}.`,
  ];
  if (r.images_stored || r.images_failed) parts.push(`Images: ${r.images_stored} stored${r.images_failed ? `, ${r.images_failed} failed` : ""}.`);
  if (r.done_before) parts.push(`${plural(r.done_before, "entry was", "entries were")} done by an earlier import.`);
  if (r.cancelled) parts.push("Import the same file again to go on.");
  return parts.join(" ");
}

function renderSummary(report) {
  $("import-saved-result").textContent = summaryText(report);
  const items = report.problems.map((p) => {
    const li = node("li", `import-problem ${p.kind}`);
    li.append(node("span", "problem-where", `${p.position} (${p.kind})`), node("span", "problem-url", p.url || ""), node("span", "problem-why", p.reason));
    return li;
  });
  if (report.problems_unlisted) items.push(node("li", "import-problem", `… and ${report.problems_unlisted} more.`));
  $("import-saved-problems").replaceChildren(...items);
  $("import-saved-problems").hidden = items.length === 0;
  show("import-saved-summary", true);
}

async function onImportSubmit(event) {
  event.preventDefault();
  const path = $("import-saved-path").value.trim();
  if (!path || running) return;
  running = { words: null, line: "", total: 0, done: 0, saved: 0, archived: 0, already: 0, dead: 0, skipped: 0 };
  for (const id of ["import-saved-summary", "import-saved-error"]) show(id, false);
  $("import-saved-format").textContent = "Reading the file…";
  $("import-saved-count").textContent = "";
  $("import-saved-bar").value = 0;
  show("import-saved-progress", true);
  setRunning(true);
  $("import-saved-stop").focus();
  try {
    const report = { ...(await api.importSaved(path, null)), format_words: running.words };
    // Not "Stopping…" any more: the summary says what happened.
    if (running.line) $("import-saved-format").textContent = running.line;
    renderSummary(report);
    say(summaryText(report));
    refreshLibrary();
  } catch (error) {
    show("import-saved-progress", false);
    $("import-saved-error").textContent = explain(error, "Could not import the archive");
    show("import-saved-error", true);
  } finally {
    running = null;
    setRunning(false);
    $("import-saved-close").focus();
  }
}

async function onChoose() {
  try {
    const chosen = await api.chooseFile("import-saved", $("import-saved-path").value.trim());
    if (chosen) $("import-saved-path").value = chosen;
  } catch (error) {
    $("import-saved-error").textContent = `The file chooser could not open (${explain(error)}); type the path instead.`;
    show("import-saved-error", true);
  } finally {
    $("import-saved-path").focus();
  }
}

async function onStop() {
  $("import-saved-stop").disabled = true;
  $("import-saved-format").textContent = "Stopping after the entries under way…";
  try {
    await api.cancelImport();
  } catch (error) {
    $("import-saved-stop").disabled = false;
    $("import-saved-error").textContent = explain(error, "Could not stop the import");
    show("import-saved-error", true);
  }
}

export function wireImportSavedDialog() {
  api.onImportProgress(onProgress).catch(() => {});
  $("import-saved-form").addEventListener("submit", onImportSubmit);
  $("import-saved-choose").addEventListener("click", onChoose);
  $("import-saved-stop").addEventListener("click", onStop);
  // Closing leaves a running import going (its summary is said in the status line).
  $("import-saved-close").addEventListener("click", () => closeDialog("import-saved-dialog"));
}
