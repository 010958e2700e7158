// The library's storage (what takes the space, the budget): part of api.js (import from there).

import { invoke, listen } from "./ipc.js";

// A StorageReport (src/store/storage.rs) is { text, images, search_index, revisions, other,
// free, file, budget, images_at_reading_size } in bytes: the first six are whole pages and sum to `file` (the library
// file's size); `free` pages are reused before the file grows, so the budget counts `file -
// free`; `budget` is null when none is set; `images_at_reading_size` says whether large images
// are kept at reading size. Reading it touches every page of the file (about
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

/**
 * Turns keeping large images at reading size (longest edge 1,600 px) on or off. On, the stored
 * ones are shrunk at once (`shrink-progress` meanwhile). Resolves to a FitReport: { checked,
 * shrunk (how many of the large images checked were shrunk), bytes_before, bytes_after }.
 */
export function setImagesAtReadingSize(on) {
  return invoke("set_images_at_reading_size", { on: !!on });
}

/** `shrink-progress`: { done, total } large stored images looked at. */
export function onShrinkProgress(handler) {
  return listen("shrink-progress", (e) => handler(e.payload));
}

/**
 * Gives the library file's free pages back to the disk (a vacuum; `compact-progress` in bytes
 * meanwhile). Refused while a sync runs ("sync-running"); "library-busy" when the library kept
 * changing (nothing lost).
 */
export function compactLibrary() {
  return invoke("compact_library");
}

/** `compact-progress`: { done, total } bytes. */
export function onCompactProgress(handler) {
  return listen("compact-progress", (e) => handler(e.payload));
}
