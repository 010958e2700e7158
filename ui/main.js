// The app's start and wiring: three panes (sources, stories, reader), keyboard first. Shows the
// library as it is on disk at once and never waits for the network; sync runs in the
// background and reports through events. Every string from the library or the network goes
// into the page with textContent (or an attribute), never innerHTML; story bodies render only
// in the sandboxed frame built by reader.js.

import { wireAccounts } from "./accounts.js";
import * as api from "./api.js";
import { $ } from "./dom.js";
import { wireAccountDialogs } from "./dialogs/account.js";
import { openAddDialog, wireAddDialog } from "./dialogs/add.js";
import { wireDialogs } from "./dialogs/dialog.js";
import { wireFeedDialog } from "./dialogs/edit-feed.js";
import { refusalFix, wireFeedSettingsDialog } from "./dialogs/feed-settings.js";
import { wireRulesDialog } from "./dialogs/rules.js";
import { openFileDialog, wireFileDialog } from "./dialogs/file.js";
import { wireImportSavedDialog } from "./dialogs/import-saved.js";
import { wireSaveDialog } from "./dialogs/save.js";
import { wireStorageDialog } from "./dialogs/storage.js";
import { wireHelp } from "./dialogs/help.js";
import { wireNoteDialog } from "./dialogs/note.js";
import { wireWordsDialog } from "./dialogs/words.js";
import { wireSettingsDialog } from "./dialogs/settings.js";
import { wireUnsubscribeDialog } from "./dialogs/unsubscribe.js";
import { wireKeys } from "./keys.js";
import { wireHighlightList } from "./highlight-list.js";
import { wireHighlights } from "./highlights.js";
import { loadList, setListHooks, wireList } from "./list.js";
import { openFeedMenu, openStoryMenu, wireMenu } from "./menu.js";
import { openSelected, refreshSummary, wireReader } from "./reader-pane.js";
import { refreshLibrary } from "./refresh.js";
import { wireSaved } from "./saved.js";
import { wireSearch } from "./search.js";
import { applyTheme, loadSettings, wireSettings } from "./settings.js";
import { refreshSources, setFeedMenu, whenAllRowsBuilt, wireSources } from "./sources.js";
import { state } from "./state.js";
import { wireStoryMarks } from "./story-marks.js";
import { wireTags } from "./tags.js";
import { onSyncFinished, onSyncProgress, setFailureFix, syncFailed, syncNow, wireSyncStatus } from "./sync-status.js";

// Open requests: a feed link or file the desktop handed to Tidings. Nothing happens silently:
// each opens the matching dialog, filled in, for the user to confirm; one at a time.
const openQueue = [];

function nextOpenRequest() {
  if ($("add-dialog").open || $("file-dialog").open || $("save-dialog").open) return;
  const request = openQueue.shift();
  if (!request) return;
  if (request.kind === "subscribe" && typeof request.url === "string") openAddDialog(request.url);
  else if (request.kind === "import" && typeof request.path === "string") openFileDialog("import-opml", request.path);
  else nextOpenRequest();
}

function queueOpenRequests(requests) {
  openQueue.push(...requests);
  nextOpenRequest();
}

function wire() {
  wireSyncStatus();
  wireSources();
  wireList();
  wireReader();
  wireHighlights();
  wireHighlightList();
  wireSearch();
  wireSettings();
  wireMenu();
  wireDialogs();
  wireAddDialog();
  wireFeedDialog();
  wireUnsubscribeDialog();
  wireFileDialog();
  wireSettingsDialog();
  wireHelp();
  wireNoteDialog();
  wireWordsDialog();
  wireAccounts();
  wireAccountDialogs();
  wireRulesDialog();
  wireStorageDialog();
  wireFeedSettingsDialog();
  wireStoryMarks();
  setFailureFix(refusalFix);
  wireSaved();
  wireTags();
  wireSaveDialog();
  wireImportSavedDialog();
  wireKeys();
  setListHooks(openSelected, openStoryMenu);
  setFeedMenu(openFeedMenu);
  try {
    api.onSyncProgress((p) => onSyncProgress(p, () => refreshSources()));
    api.onSyncFinished((payload) => {
      onSyncFinished(payload);
      refreshLibrary();
    });
    api.onSyncFailed(syncFailed);
    api.onOpenRequest((request) => queueOpenRequests([request]));
    $("add-dialog").addEventListener("close", () => setTimeout(nextOpenRequest, 0));
    $("file-dialog").addEventListener("close", () => setTimeout(nextOpenRequest, 0));
    $("save-dialog").addEventListener("close", () => setTimeout(nextOpenRequest, 0));
  } catch (_) {
    // no backend: start() shows the error
  }
}

async function start() {
  performance.mark("tidings-start");
  // The size the page first lays out at: the window's own, though it is still hidden (a test
  // compares; see lay_out_hidden in src-tauri/src/launch.rs).
  document.body.dataset.startViewport = `${innerWidth}x${innerHeight}`;
  // The app sets an explicit light or dark theme on the root before the first paint (the
  // library's setting); else the copy from the last run, until the settings arrive.
  let theme = document.documentElement.dataset.theme;
  if (!theme) {
    try {
      theme = localStorage.getItem("tidings.theme");
    } catch (_) {
      // storage unavailable
    }
  }
  wire();
  applyTheme(theme || "system");
  // The list at once, beside the counts: its first page is one indexed query; the sources
  // pane counts every feed, so it comes after.
  const counted = refreshSummary();
  // The window is shown once it has stories to show (see src-tauri/src/launch.rs): as soon as
  // the rows are in, so the app maps it while this page lays them out; else once the list
  // is done whatever it shows (an error, say).
  let readySent = false;
  const ready = () => {
    if (!readySent) api.launchMark("ready");
    readySent = true;
  };
  const listShown = loadList({ onRows: ready }).then(() => {
    ready();
    document.body.dataset.firstRowsAt = String(Math.round(performance.now()));
    // After the frame that shows them: the launch measurement's "first stories on screen".
    requestAnimationFrame(() => setTimeout(() => api.launchMark("first-stories"), 0));
  });
  await counted;
  if (document.body.dataset.state === "error") {
    ready();
    return;
  }
  await Promise.all([listShown, refreshSources({ summary: false }), loadSettings()]);
  $("story-list").focus({ preventScroll: true });
  document.body.dataset.loaded = "true";
  requestAnimationFrame(() => setTimeout(() => api.launchMark("library-shown"), 0));
  // Every feed's row built (with many feeds, the rows off screen come in chunks after).
  whenAllRowsBuilt().then(() => requestAnimationFrame(() => setTimeout(() => api.launchMark("all-rows"), 0)));
  queueOpenRequests(api.startupOpenRequests());
  // The cached library is on screen: now sync, if the user asked for automatic sync.
  if (state.autoSync && state.settings.sync_interval !== "off" && state.summary && state.summary.feeds > 0) {
    requestAnimationFrame(() => setTimeout(syncNow, 0));
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
