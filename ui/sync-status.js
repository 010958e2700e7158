// The sources pane's footer: the status line (a short message for a few seconds, else the
// library's state: feeds, failing ones, when it last synced or since when it is offline), the
// sync's progress by phase (feeds, pages, images) and the summary a sync leaves. The status
// line and the summary are live regions: a screen reader hears them without moving focus.

import { isTrouble, statusText } from "./accounts.js";
import * as api from "./api.js";
import { $, node, show } from "./dom.js";
import { explain } from "./errors.js";
import { clockTime, fullDate, plural } from "./format.js";
import { actions, on, state } from "./state.js";

let sayTimer = 0;
let saying = false;

/** A short message in the status line for a few seconds, then the library's state again. */
export function say(text) {
  setStatus(text);
  saying = true;
  clearTimeout(sayTimer);
  sayTimer = setTimeout(() => {
    saying = false;
    renderIdle();
  }, 6000);
}

/** An error in the status line, and to a screen reader at once (an assertive region). */
export function sayError(doing, error) {
  const text = explain(error, doing);
  say(text);
  $("alerts").textContent = text;
}

function setStatus(text) {
  $("status-line").textContent = text;
  $("status-line").title = text;
}

/** True when the last sync found the network down. */
function wasOffline(result) {
  return !!result && result.offline === true;
}

function renderIdle() {
  const s = state.sources;
  if (!s || saying) return;
  const parts = [plural(s.feeds.length, "feed", "feeds")];
  const last = state.lastSync;
  if (wasOffline(last)) {
    // Offline is said once, not as each feed failing.
    parts.unshift(`Offline since ${fullDate(last.at)}`);
  } else {
    const failing = s.feeds.filter((f) => f.error_count > 0 || f.status === "gone").length;
    if (failing) parts.push(`${failing} failing`);
    // An account's server down is said for that account; the rest of the app is not offline.
    for (const a of state.accounts.filter((a) => isTrouble(a.status))) parts.push(`${a.name}: ${statusText(a.status)}`);
    if (last) parts.push(`synced ${clockTime(last.at)}`);
  }
  setStatus(parts.join(" · "));
}

function renderSyncing() {
  const on = state.syncing;
  $("sync-button").classList.toggle("spinning", on);
  $("sync-button").disabled = on;
  $("sync-button").setAttribute("aria-busy", String(on));
  document.body.dataset.sync = on ? "running" : "idle";
  if (!on) show("sync-progress", false);
  renderIdle();
}

export async function syncNow() {
  if (state.syncing) return;
  if (!state.summary || (state.summary.feeds === 0 && state.accounts.length === 0)) {
    say("Nothing to sync yet: add a subscription first.");
    return;
  }
  actions.syncStarted();
  show("sync-summary", false);
  showProgress(null, 0, "Starting…");
  try {
    await api.syncNow();
  } catch (error) {
    syncFailed(error);
  }
}

function showProgress(done, total, text) {
  show("sync-progress", true);
  const bar = $("sync-bar");
  if (done == null) bar.removeAttribute("value");
  else {
    bar.max = Math.max(1, total);
    bar.value = done;
  }
  $("sync-text").textContent = text;
}

// Each phase of `sync-progress` in words (see api.js for the events).
const PHASES = {
  "feeds-started": (p) => `0 of ${plural(p.total, "feed", "feeds")}`,
  "feed-done": (p) => `${p.done} of ${plural(p.total, "feed", "feeds")}`,
  "pages-started": (p) => `Fetching stories: 0 of ${p.total}`,
  "page-done": (p) => `Fetching stories: ${p.done} of ${p.total}`,
  "images-started": (p) => `Saving images: 0 of ${p.total}`,
  "image-done": (p) => `Saving images: ${p.done} of ${p.total}`,
  "account-progress": (p) => `${p.name}: ${p.done} of ${plural(p.total, "story", "stories")}`,
  "account-done": (p) => `${p.name}: ${statusText(p.status, p.error)}`,
};

let sourcesRefreshed = 0;
/** A `sync-progress` event; `refreshSources` is called now and then as feeds finish. */
export function onSyncProgress(p, refreshSources) {
  if (!state.syncing) actions.syncStarted();
  const words = PHASES[p.event];
  if (!words) return;
  // An event without a total (an account's end) leaves the bar waiting.
  showProgress(p.total ? p.done || 0 : null, p.total, words(p));
  $("sync-progress").dataset.phase = p.event.split("-")[0];
  // An account's feeds come in with its turn: shown when it ends.
  if (p.event === "account-done" || (p.event === "feed-done" && Date.now() - sourcesRefreshed > 1500)) {
    sourcesRefreshed = Date.now();
    refreshSources();
  }
}

// What a failed feed may offer beside its error, a button or null (main.js sets it: a refusal
// offers the feed's settings).
let failureFix = () => null;
export function setFailureFix(make) {
  failureFix = make;
}

let summaryTimer = 0;
/** A `sync-finished` event: { report, offline } (api.js documents it). */
export function onSyncFinished(payload) {
  const { report } = payload;
  const offline = wasOffline(payload);
  const summary = $("sync-summary-text");
  const failures = report.feeds_failed;
  const details = $("sync-failures");
  // Accounts that did not go through (the reason is in the accounts dialog and the pane).
  const accounts = (report.accounts || []).filter((a) => isTrouble(a.status));
  summary.classList.toggle("offline", offline);
  document.body.dataset.network = offline ? "offline" : "online";
  if (offline) {
    summary.textContent = "Offline — your feeds could not be reached. Your library is still here to read.";
    details.hidden = true;
  } else {
    const parts = [report.new_articles ? plural(report.new_articles, "new story", "new stories") : "No new stories"];
    if (failures.length) parts.push(`${plural(failures.length, "feed", "feeds")} failed`);
    parts.push(...accounts.map((a) => `${a.name}: ${statusText(a.status)}`));
    summary.textContent = parts.join(" · ");
    details.hidden = failures.length === 0;
    $("sync-failures-title").textContent = "Failed feeds";
    $("sync-failure-list").replaceChildren(
      ...failures.map((f) => {
        const li = node("li");
        li.append(node("span", "failure-title", f.title || f.url), node("span", "failure-error", f.error));
        const fix = failureFix(f);
        if (fix) li.append(fix);
        return li;
      })
    );
  }
  show("sync-summary", true);
  // A clean sync's summary fades on its own; failures and "offline" stay until dismissed.
  clearTimeout(summaryTimer);
  if (!offline && failures.length === 0 && accounts.length === 0) summaryTimer = setTimeout(() => show("sync-summary", false), 10000);
  actions.syncEnded({ offline });
}

/** A `sync-failed` event, or `sync_now` refused: { kind, message }. */
export function syncFailed(error) {
  $("sync-summary-text").textContent = explain(error, "Sync could not run");
  show("sync-failures", false);
  show("sync-summary", true);
  actions.syncEnded(null);
}

export function wireSyncStatus() {
  on("sync", renderSyncing);
  on("sources", renderIdle);
  $("sync-button").addEventListener("click", syncNow);
  $("sync-summary-close").addEventListener("click", () => show("sync-summary", false));
}
