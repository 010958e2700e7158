// Reader-server accounts (FreshRSS, Miniflux… through the Google Reader API): their status in
// words, the one place that says it (the accounts dialog, the sources pane and the sync status
// use it), and the Accounts dialog's list. Adding, signing in again and removing are in
// dialogs/account.js.

import * as api from "./api.js";
import { $, node, show } from "./dom.js";
import { explain } from "./errors.js";
import { clockTime, plural } from "./format.js";
import { actions, on, state } from "./state.js";
import { openDialog } from "./dialogs/dialog.js";

// An account's status (store::AccountStatus, as sent) in words.
const STATUS_WORDS = {
  new: "not synced yet",
  ok: "ok",
  "sign-in-again": "sign in again",
  unreachable: "server unreachable",
  "rate-limited": "rate limited",
  error: "error",
};

/** The status of an account (or of an `account-done` event) in words, with the reason. */
export function statusText(status, reason) {
  const words = STATUS_WORDS[status] || status;
  const withReason = status === "error" || status === "rate-limited";
  return withReason && reason ? `${words}: ${reason}` : words;
}

/** True when an account's status is worth saying next to it (anything but ok). */
export function isTrouble(status) {
  return status !== "ok" && status !== "new";
}

export const PLAIN_HTTP_WARNING = "Plain http: the password and every story cross the network unencrypted.";

/** Where the account's password is kept, in words. */
export function passwordPlace(account, credentialsFile) {
  return account.credential_store === "secret-service"
    ? "Password in the desktop's Secret Service"
    : `No Secret Service: password in ${credentialsFile} (readable by you only)`;
}

/** Reads the accounts into the state (the sources pane groups their feeds by them). */
export async function loadAccounts() {
  actions.accountsLoaded(await api.accounts());
}

// Opening the sign-in and remove dialogs (dialogs/account.js sets them: those dialogs
// reload this list, so no import from here).
let accountActions = { signIn: () => {}, remove: () => {}, check: () => {} };
export function setAccountActions(handlers) {
  accountActions = handlers;
}

function accountItem(account) {
  const li = node("li", "account-item");
  li.dataset.accountId = String(account.id);
  const head = node("div", "account-head");
  const title = node("h3", "account-name", account.name);
  title.id = `account-name-${account.id}`;
  const status = node("span", `account-status status-${account.status}`, statusText(account.status, account.last_error));
  status.dataset.status = account.status;
  head.append(title, status);
  const facts = node("p", "account-facts muted");
  const parts = [account.server_url, plural(account.feeds, "feed", "feeds")];
  if (account.pending_changes > 0) {
    parts.push(plural(account.pending_changes, "change waiting for the server", "changes waiting for the server"));
  }
  if (account.last_success_at) parts.push(`synced ${clockTime(account.last_success_at)}`);
  facts.textContent = parts.join(" · ");
  const place = node("p", "account-password muted", passwordPlace(account, state.credentialsFile));
  li.append(head, facts, place);
  if (account.plain_http) li.append(node("p", "account-warning", PLAIN_HTTP_WARNING));
  const buttons = node("div", "account-actions");
  for (const [action, label, handler] of [
    ["check", "Check", accountActions.check],
    ["sign-in", "Sign in again…", accountActions.signIn],
    ["remove", "Remove…", accountActions.remove],
  ]) {
    const b = node("button", action === "remove" ? "link-button danger" : "secondary-button", label);
    b.type = "button";
    b.dataset.action = action;
    b.setAttribute("aria-describedby", title.id);
    b.addEventListener("click", () => handler(account));
    buttons.append(b);
  }
  li.append(buttons);
  return li;
}

function renderAccounts() {
  if (!$("accounts-dialog").open) return;
  const accounts = state.accounts || [];
  const list = $("account-list");
  const had = list.contains(document.activeElement) ? document.activeElement : null;
  list.replaceChildren(...accounts.map(accountItem));
  show("accounts-empty", accounts.length === 0);
  if (had) {
    const item = had.closest(".account-item");
    const same = item && list.querySelector(`[data-account-id="${item.dataset.accountId}"] [data-action="${had.dataset.action}"]`);
    (same || $("account-add")).focus();
  }
}

/**
 * Focuses account `id`'s `action` button in the list, else "Add an account…": the button a
 * closed dialog came from may have been drawn again, or be gone with its account.
 */
export function focusInAccounts(id, action) {
  const button = $("account-list").querySelector(`[data-account-id="${id}"] [data-action="${action}"]`);
  (button || $("account-add")).focus();
}

/** A line under the list: what the last action did (a status region). */
export function accountsNote(text) {
  $("accounts-note").textContent = text;
}

/** An error under the list. */
export function accountsError(error, doing) {
  $("accounts-error").textContent = error ? explain(error, doing) : "";
  show("accounts-error", !!error);
}

export async function openAccounts() {
  accountsNote("");
  accountsError(null);
  // Opened first so the list draws into it.
  openDialog("accounts-dialog", "account-add");
  try {
    await loadAccounts();
  } catch (error) {
    accountsError(error, "Could not read the accounts");
  }
}

export function wireAccounts() {
  on("accounts", renderAccounts);
  on("sources", renderAccounts);
}
