// Settings → Storage: what takes the space in the library file (a stacked bar with its figures
// also as a list, so a screen reader reads the same), and the budget: "keep the library under
// N GB". Save stores it and brings the library under it at once, then says what was given up.
// Measuring reads every page of the file (about a second per GB on a cold disk), so it runs
// when the view opens, in the backend's own thread, never on a timer. Keeping large images at
// reading size is a switch here: turned on, the stored ones are shrunk at once, with progress.
// The free pages (what the budget gave up) go back to the disk with "Give back", a compaction
// with progress.

import * as api from "../api.js";
import { $, node, show } from "../dom.js";
import { explain } from "../errors.js";
import { plural } from "../format.js";
import { closeDialog, openDialog } from "./dialog.js";

// The report's parts in the chart's order, each with its name (StorageReport's fields).
const PARTS = [
  ["text", "Text"],
  ["images", "Images"],
  ["search_index", "Search index"],
  ["revisions", "Revisions"],
  ["other", "Other"],
  ["free", "Free"],
];

// Decimal units, as file managers (and `tidings storage`) show sizes.
const UNITS = [
  ["TB", 1e12],
  ["GB", 1e9],
  ["MB", 1e6],
  ["KB", 1e3],
];

/** A size for people: "1.2 GB", "340 B". */
function sizeText(bytes) {
  const found = UNITS.find(([, scale]) => bytes >= scale);
  return found ? `${(bytes / found[1]).toFixed(1)} ${found[0]}` : `${bytes} B`;
}

// Which measurement is current: a report that arrives after a newer one was asked for (or
// after the dialog closed) is dropped.
let measuring = 0;

// Set while stored images are being shrunk: the switch stays as the person left it.
let shrinking = false;

// Set while the file is being compacted: its button stays disabled.
let compacting = false;

function partItem(key, name, bytes, file) {
  const li = node("li");
  li.dataset.part = key;
  li.dataset.bytes = String(bytes);
  const swatch = node("span", `storage-swatch part-${key}`);
  swatch.setAttribute("aria-hidden", "true");
  const share = file > 0 ? Math.round((bytes / file) * 100) : 0;
  li.append(swatch, node("span", "storage-name", name), node("span", "storage-size", `${sizeText(bytes)} (${share}%)`));
  return li;
}

function showReport(report) {
  const words = PARTS.map(([key, name]) => `${name} ${sizeText(report[key])}`);
  const chart = $("storage-chart");
  chart.setAttribute("aria-label", `What takes the space in the library file of ${sizeText(report.file)}: ${words.join(", ")}`);
  chart.replaceChildren(
    ...PARTS.filter(([key]) => report[key] > 0).map(([key]) => {
      const part = node("span", `storage-part part-${key}`);
      part.dataset.part = key;
      part.dataset.bytes = String(report[key]);
      part.style.flexGrow = String(report[key]);
      return part;
    }),
  );
  $("storage-parts").replaceChildren(...PARTS.map(([key, name]) => partItem(key, name, report[key], report.file)));
  const used = report.file - report.free;
  const total = $("storage-total");
  total.dataset.file = String(report.file);
  total.dataset.used = String(used);
  total.textContent = `The library file: ${sizeText(report.file)}, ${sizeText(used)} of it in use (the free space is reused first).`;
  const budget = report.budget == null ? "No budget." : `Budget ${sizeText(report.budget)}: ${used > report.budget ? "over it" : "within it"}.`;
  $("storage-status").textContent = budget;
  const compact = $("storage-compact");
  compact.disabled = compacting || report.free === 0;
  compact.textContent = report.free === 0 ? "No free space to give back" : `Give back ${sizeText(report.free)} of free space`;
  show("storage-figures", true);
  if (!shrinking) $("storage-reading-size").checked = report.images_at_reading_size;
}

async function measure() {
  const ticket = ++measuring;
  $("storage-dialog").dataset.state = "measuring";
  $("storage-status").textContent = "Measuring…";
  try {
    const report = await api.storageReport();
    if (ticket !== measuring) return null;
    showReport(report);
    $("storage-dialog").dataset.state = "measured";
    return report;
  } catch (error) {
    if (ticket !== measuring) return null;
    $("storage-status").textContent = "";
    showError(explain(error, "Could not measure the library"));
    $("storage-dialog").dataset.state = "error";
    return null;
  }
}

function showError(text) {
  $("storage-error").textContent = text;
  show("storage-error", !!text);
}

/** Fills the budget field from a budget in bytes (GB from 1 GB up, else MB). */
function fillBudget(bytes) {
  const input = $("storage-budget");
  if (bytes == null) {
    input.value = "";
    return;
  }
  const scale = bytes >= 1e9 ? 1e9 : 1e6;
  $("storage-unit").value = String(scale);
  input.value = String(Number((bytes / scale).toPrecision(6)));
}

/** The typed budget in bytes (null: none), or undefined when it is not a size. */
function typedBudget() {
  const input = $("storage-budget");
  if (input.validity.badInput) return undefined;
  if (input.value.trim() === "") return null;
  const number = Number(input.value);
  if (!Number.isFinite(number) || number < 0) return undefined;
  const bytes = Math.floor(number * Number($("storage-unit").value));
  return bytes > 0 ? bytes : null;
}

/** What Save did, in words. */
function evictionText(eviction, budget) {
  if (budget == null) return "No budget: nothing is given up.";
  const given = [];
  if (eviction.images > 0) given.push(plural(eviction.images, "image of a read story", "images of read stories"));
  if (eviction.revisions > 0) given.push(plural(eviction.revisions, "old revision", "old revisions"));
  const now = `the library takes ${sizeText(eviction.used)} now`;
  const done = given.length ? `Gave up ${given.join(" and ")}; ${now}.` : `Nothing needed giving up: ${now}.`;
  return eviction.within_budget ? done : `${done} Still over the budget: only texts and what is never dropped are left.`;
}

async function onSave(event) {
  event.preventDefault();
  showError("");
  const budget = typedBudget();
  if (budget === undefined) {
    showError("Write the budget as a number, like 5 (GB), or leave it empty for no budget.");
    $("storage-budget").focus();
    return;
  }
  const save = $("storage-save");
  save.disabled = true;
  $("storage-result").textContent = budget == null ? "Saving…" : "Saving, and giving up what the budget asks…";
  try {
    const eviction = await api.setStorageBudget(budget);
    $("storage-result").textContent = evictionText(eviction, budget);
    $("storage-result").dataset.images = String(eviction.images);
    $("storage-result").dataset.revisions = String(eviction.revisions);
  } catch (error) {
    $("storage-result").textContent = "";
    showError(explain(error, "Could not set the budget"));
  } finally {
    save.disabled = false;
  }
  await measure();
}

/** What shrinking did, in words. */
function shrinkText(report) {
  if (report.shrunk === 0) return "No stored image was larger than reading size.";
  return `Shrank ${plural(report.shrunk, "large image", "large images")}: ${sizeText(report.bytes_before)} became ${sizeText(report.bytes_after)}. New images are kept at reading size.`;
}

async function onReadingSize() {
  const box = $("storage-reading-size");
  const on = box.checked;
  const line = $("storage-shrink");
  showError("");
  box.disabled = true;
  shrinking = true;
  line.textContent = on ? "Shrinking large images…" : "";
  delete line.dataset.shrunk;
  try {
    const report = await api.setImagesAtReadingSize(on);
    line.textContent = on ? shrinkText(report) : "New images are kept as they come.";
    line.dataset.shrunk = String(report.shrunk);
  } catch (error) {
    line.textContent = "";
    box.checked = !on;
    showError(explain(error, "Could not change how images are kept"));
  } finally {
    box.disabled = false;
    shrinking = false;
  }
  await measure();
}

async function onCompact() {
  const status = $("storage-compact-status");
  const before = Number($("storage-total").dataset.file);
  showError("");
  compacting = true;
  $("storage-compact").disabled = true;
  status.textContent = "Compacting…";
  delete status.dataset.done;
  try {
    await api.compactLibrary();
    compacting = false;
    const report = await measure();
    status.textContent = report ? `Done: the file is ${sizeText(report.file)} (was ${sizeText(before)}).` : "Done.";
    status.dataset.done = "true";
  } catch (error) {
    status.textContent = "";
    showError(explain(error, "Could not compact the library"));
  } finally {
    if (compacting) {
      compacting = false;
      $("storage-compact").disabled = false;
    }
  }
}

export async function openStorage() {
  show("storage-figures", false);
  showError("");
  $("storage-result").textContent = "";
  delete $("storage-result").dataset.images;
  if (!shrinking) $("storage-shrink").textContent = "";
  if (!compacting) $("storage-compact-status").textContent = "";
  $("storage-budget").value = "";
  openDialog("storage-dialog", "storage-budget");
  const report = await measure();
  // What the person typed while it measured stays.
  if (report && $("storage-budget").value === "") fillBudget(report.budget);
}

export function wireStorageDialog() {
  $("settings-storage").addEventListener("click", openStorage);
  $("storage-form").addEventListener("submit", onSave);
  $("storage-reading-size").addEventListener("change", onReadingSize);
  $("storage-compact").addEventListener("click", onCompact);
  api.onCompactProgress(({ done, total }) => {
    if (compacting && total > 0) $("storage-compact-status").textContent = `Compacting… ${Math.floor((done / total) * 100)}%`;
  });
  api.onShrinkProgress(({ done, total }) => {
    if (shrinking && total > 0) $("storage-shrink").textContent = `Shrinking large images: ${done} of ${total}…`;
  });
  $("storage-close").addEventListener("click", () => closeDialog("storage-dialog"));
  // Closed, a measurement still running is dropped (the close event comes a task later: the
  // dialog may be open again by then, measuring anew).
  $("storage-dialog").addEventListener("close", () => {
    if (!$("storage-dialog").open) measuring++;
  });
}
