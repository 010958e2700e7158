// A feed's own settings (its menu → Settings…): full-text fetching, how often it is fetched,
// how long its read stories are kept, and the user agent. A feed whose site turns readers away
// says so here, and its failure offers this dialog (refusedAsReader).

import * as api from "../api.js";
import { $, displayName, node, show } from "../dom.js";
import { explain } from "../errors.js";
import { state } from "../state.js";
import { say } from "../sync-status.js";
import { closeDialog, openDialog } from "./dialog.js";

let editing = null;

/**
 * True when a failure's kind (a feed's `last_error_kind`, a sync failure's `kind`) is a refusal
 * that the browser user agent may get past ("readers-refused", src/sync/failure.rs).
 */
export function refusedAsReader(kind) {
  return kind === "readers-refused";
}

const blankIfUnset = (n) => (n == null ? "" : String(n));

function whole(id) {
  const text = $(id).value.trim();
  return text === "" ? null : Math.max(1, Math.round(Number(text)) || 1);
}

/** Opens feed `feed`'s settings ({ id, title, url, last_error, last_error_kind }). */
export async function openFeedSettings(feed) {
  editing = feed;
  $("feed-settings-name").textContent = displayName(feed.title, feed.url);
  const refused = refusedAsReader(feed.last_error_kind);
  $("feed-settings-refused").textContent = refused ? `${feed.last_error}.` : "";
  show("feed-settings-refused", refused);
  show("feed-settings-error", false);
  try {
    const settings = await api.feedSettings(feed.id);
    if (editing !== feed) return;
    $("feed-full-text").checked = settings.full_text;
    $("feed-interval").value = blankIfUnset(settings.interval_minutes);
    $("feed-keep-days").value = blankIfUnset(settings.keep_days);
    $("feed-user-agent").value = settings.user_agent;
    openDialog("feed-settings-dialog", refused ? "feed-user-agent" : "feed-full-text");
  } catch (error) {
    say(explain(error, "Could not read the feed's settings"));
  }
}

/**
 * For a failed feed of a sync's summary ({ feed_id, title, url, error, kind }): a button opening
 * its settings when the failure is a refusal the browser user agent may get past, else null.
 */
export function refusalFix(failure) {
  if (!refusedAsReader(failure.kind)) return null;
  const b = node("button", "link-button failure-fix", "Use the browser user agent…");
  b.type = "button";
  b.dataset.feedId = String(failure.feed_id);
  b.setAttribute("aria-label", `Feed settings for ${failure.title || failure.url}: use the browser user agent`);
  b.addEventListener("click", () => {
    const feed = state.sources && state.sources.feeds.find((f) => f.id === failure.feed_id);
    openFeedSettings(feed || { id: failure.feed_id, title: failure.title, url: failure.url, last_error: failure.error, last_error_kind: failure.kind });
  });
  return b;
}

async function onSave(event) {
  event.preventDefault();
  const feed = editing;
  if (!feed) return;
  const settings = {
    full_text: $("feed-full-text").checked,
    interval_minutes: whole("feed-interval"),
    keep_days: whole("feed-keep-days"),
    user_agent: $("feed-user-agent").value,
  };
  try {
    await api.setFeedSettings(feed.id, settings);
    closeDialog("feed-settings-dialog");
    editing = null;
    say("Feed settings saved: they apply from the next sync.");
  } catch (error) {
    $("feed-settings-error").textContent = explain(error, "Could not save");
    show("feed-settings-error", true);
  }
}

export function wireFeedSettingsDialog() {
  $("feed-settings-form").addEventListener("submit", onSave);
  $("feed-settings-cancel").addEventListener("click", () => closeDialog("feed-settings-dialog"));
}
