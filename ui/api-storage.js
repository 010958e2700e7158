// The library's storage (what takes the space, the budget): part of api.js (import from there).

import { invoke } from "./ipc.js";

// A StorageReport (src/store/storage.rs) is { text, images, search_index, revisions, other,
// free, file, budget } in bytes: the first six are whole pages and sum to `file` (the library
// file's size); `free` pages are reused before the file grows, so the budget counts `file -
// free`; `budget` is null when none is set. Reading it touches every page of the file (about
// a second per GB on a cold disk): ask when the Storage view opens, not on a timer.

/** What takes the space in the library file: a StorageReport. */
export function storageReport() {
  return invoke("storage_report");
}

/**
 * Sets the budget in bytes (null: no budget) and brings the library under it at once.
 * Resolves to an Eviction: { images, revisions (how many were given up), used (the bytes the
 * contents take now), within_budget (false when only texts and protected stories are left) }.
 */
export function setStorageBudget(bytes) {
  return invoke("set_storage_budget", { bytes: bytes ?? null });
}
