// Settings kept in the library (the backend hands over every key with its default filled in,
// so none is repeated here), applied to the window: the theme, the pane widths (dragged, or
// moved with the arrow keys on a focused divider) and the automatic sync timer.

import * as api from "./api.js";
import { $ } from "./dom.js";
import { actions, on, state } from "./state.js";
import { sayError, syncNow } from "./sync-status.js";

const THEMES = ["system", "light", "dark"];
const THEME_NAMES = { system: "as the system", light: "light", dark: "dark" };

export function saveSetting(name, value) {
  actions.settingChanged(name, value);
  api.setSetting(name, value).catch((error) => sayError("Could not save the setting", error));
}

/** Shows `theme`; with `save`, stores it in the library too. */
export function applyTheme(theme, { save = false } = {}) {
  const chosen = THEMES.includes(theme) ? theme : "system";
  if (chosen === "system") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = chosen;
  const button = $("theme-button");
  button.title = `Theme: ${THEME_NAMES[chosen]} (click to change)`;
  button.setAttribute("aria-label", `Theme: ${THEME_NAMES[chosen]}`);
  button.dataset.theme = chosen;
  document.body.dataset.theme = chosen;
  try {
    // A copy for the first paint of the next start; the library's setting is the truth.
    localStorage.setItem("tidings.theme", chosen);
  } catch (_) {
    // storage unavailable
  }
  if (chosen !== state.theme) actions.themeChanged(chosen);
  if (save) saveSetting("theme", chosen);
}

export function cycleTheme() {
  applyTheme(THEMES[(THEMES.indexOf(state.theme) + 1) % THEMES.length], { save: true });
}

function applyPaneWidths() {
  const root = document.documentElement;
  for (const pane of ["sources", "stories"]) {
    const w = Number(state.settings[`pane_${pane}`]);
    if (w > 0) root.style.setProperty(`--w-${pane}`, `${w}px`);
    else root.style.removeProperty(`--w-${pane}`);
  }
}

export async function loadSettings() {
  try {
    actions.settingsLoaded(await api.settings());
    if (state.settings.theme !== state.theme) applyTheme(state.settings.theme);
    applyPaneWidths();
    scheduleAutoSync();
  } catch (error) {
    sayError("Could not read the settings", error);
  }
}

let autoSyncTimer = 0;
/**
 * Syncs every `sync_interval` minutes (never when off, or when the app was told not to; a
 * test may shorten the period to seconds).
 */
function scheduleAutoSync() {
  clearInterval(autoSyncTimer);
  autoSyncTimer = 0;
  const minutes = Number(state.settings.sync_interval);
  if (!state.autoSync || !(minutes > 0)) return;
  const period = state.autoSyncSeconds ? state.autoSyncSeconds * 1000 : minutes * 60 * 1000;
  autoSyncTimer = setInterval(() => {
    if (!state.syncing && state.summary && state.summary.feeds > 0) syncNow();
  }, period);
}

const PANE_MIN = { sources: 160, stories: 240 };
const PANE_MAX = { sources: 480, stories: 720 };
const KEY_STEP = 16;

/** A divider on a pane's right edge: the width follows the pointer or the arrow keys. */
function wireResizer(handle) {
  const pane = handle.dataset.pane;
  const target = $(pane);
  const clamp = (w) => Math.round(Math.max(PANE_MIN[pane], Math.min(PANE_MAX[pane], w)));
  const setWidth = (w) => {
    document.documentElement.style.setProperty(`--w-${pane}`, `${w}px`);
    handle.setAttribute("aria-valuenow", String(w));
  };
  handle.setAttribute("aria-valuemin", String(PANE_MIN[pane]));
  handle.setAttribute("aria-valuemax", String(PANE_MAX[pane]));
  let startX = 0;
  let startW = 0;
  let width = 0;
  handle.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    startX = event.clientX;
    startW = target.getBoundingClientRect().width;
    width = startW;
    document.body.classList.add("resizing");
  });
  handle.addEventListener("pointermove", (event) => {
    if (!handle.hasPointerCapture(event.pointerId)) return;
    width = clamp(startW + event.clientX - startX);
    setWidth(width);
  });
  const done = (event) => {
    if (!handle.hasPointerCapture(event.pointerId)) return;
    handle.releasePointerCapture(event.pointerId);
    document.body.classList.remove("resizing");
    if (width !== startW) saveSetting(`pane_${pane}`, width);
  };
  handle.addEventListener("pointerup", done);
  handle.addEventListener("pointercancel", done);
  handle.addEventListener("keydown", (event) => {
    const step = { ArrowLeft: -KEY_STEP, ArrowRight: KEY_STEP }[event.key];
    if (!step) return;
    event.preventDefault();
    event.stopPropagation();
    const w = clamp(target.getBoundingClientRect().width + step);
    setWidth(w);
    saveSetting(`pane_${pane}`, w);
  });
  // Double-click (or Home on the focused divider): back to the default width.
  const reset = () => {
    document.documentElement.style.removeProperty(`--w-${pane}`);
    handle.removeAttribute("aria-valuenow");
    saveSetting(`pane_${pane}`, "");
  };
  handle.addEventListener("dblclick", reset);
  handle.addEventListener("keydown", (event) => event.key === "Home" && reset());
}

export function wireSettings() {
  on("settings", (change) => change && change.name === "sync_interval" && scheduleAutoSync());
  $("theme-button").addEventListener("click", cycleTheme);
  for (const handle of document.querySelectorAll(".resizer")) wireResizer(handle);
}
