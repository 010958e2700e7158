// Adding an account (server, user, password), signing in again with a new password, checking
// one, and removing one (confirmed; its bookmarked stories stay). A failed sign-in shows the
// server's reason; plain http to another machine is asked once more, and the account keeps
// the warning.

import * as api from "../api.js";
import {
  accountsError,
  accountsNote,
  focusInAccounts,
  loadAccounts,
  openAccounts,
  PLAIN_HTTP_WARNING,
  setAccountActions,
  statusText,
} from "../accounts.js";
import { $, show } from "../dom.js";
import { explain } from "../errors.js";
import { plural } from "../format.js";
import { refreshLibrary } from "../refresh.js";
import { syncNow } from "../sync-status.js";
import { closeDialog, openDialog } from "./dialog.js";

// The account being signed in to again, or null while adding one.
let signingIn = null;
let removing = null;

function accountError(error) {
  $("account-error").textContent = error ? explain(error, "Could not sign in") : "";
  show("account-error", !!error);
}

function openAccountDialog(account) {
  signingIn = account;
  $("account-form").reset();
  $("account-title").textContent = account ? "Sign in again" : "Add an account";
  $("account-for").textContent = account ? `${account.name} at ${account.server_url}` : "";
  show("account-for", !!account);
  show("account-new-fields", !account);
  $("account-server").required = !account;
  $("account-user").required = !account;
  $("account-submit").textContent = "Sign in";
  show("account-http", false);
  accountError(null);
  openDialog("account-dialog", account ? "account-password" : "account-server");
}

async function onSignIn(event) {
  event.preventDefault();
  const password = $("account-password").value;
  const submit = $("account-submit");
  submit.disabled = true;
  $("account-form").setAttribute("aria-busy", "true");
  accountError(null);
  try {
    const account = signingIn
      ? await api.checkAccount(signingIn.id, password)
      : await api.addAccount($("account-server").value.trim(), $("account-user").value.trim(), password, $("account-http-confirm").checked);
    closeDialog("account-dialog");
    await afterSignIn(account, !signingIn);
  } catch (error) {
    if (error && error.kind === "plain-http") {
      // Asked once more: the box must be ticked to go on.
      show("account-http", true);
      $("account-http-confirm").focus();
    }
    accountError(error);
  } finally {
    submit.disabled = false;
    $("account-form").removeAttribute("aria-busy");
  }
}

/** After a sign-in: the list again, and a sync so the account's feeds come in. */
async function afterSignIn(account, added) {
  const warning = account.plain_http ? ` ${PLAIN_HTTP_WARNING}` : "";
  const what = added ? `Added ${account.name}; its feeds come in with this sync.` : `Signed in to ${account.name}; it syncs again.`;
  accountsNote(what + warning);
  await loadAccounts().catch((error) => accountsError(error, "Could not read the accounts"));
  focusInAccounts(account.id, added ? "check" : "sign-in");
  syncNow();
}

async function check(account) {
  accountsError(null);
  accountsNote(`Checking ${account.name}…`);
  try {
    const checked = await api.checkAccount(account.id, null);
    accountsNote(`${checked.name}: signed in, ${statusText(checked.status, checked.last_error)}.`);
    await loadAccounts();
  } catch (error) {
    accountsNote("");
    accountsError(error, `Could not sign in to ${account.name}`);
  }
}

function openRemove(account) {
  removing = account;
  $("account-remove-text").textContent = `Remove the account ${account.name}?`;
  show("account-remove-error", false);
  openDialog("account-remove-dialog", "account-remove-cancel");
}

async function onRemove(event) {
  event.preventDefault();
  const account = removing;
  if (!account) return;
  try {
    const removed = await api.removeAccount(account.id);
    removing = null;
    closeDialog("account-remove-dialog");
    const kept = removed.kept_bookmarks;
    const parts = [`Removed ${account.name}.`];
    if (kept) parts.push(`Its ${plural(kept, "bookmarked story is", "bookmarked stories are")} kept.`);
    if (removed.note) parts.push(`Its password could not be forgotten: ${removed.note}`);
    accountsNote(parts.join(" "));
    await Promise.all([loadAccounts(), refreshLibrary()]);
    focusInAccounts(account.id, "remove");
  } catch (error) {
    $("account-remove-error").textContent = explain(error, "Could not remove the account");
    show("account-remove-error", true);
  }
}

export function wireAccountDialogs() {
  setAccountActions({ signIn: openAccountDialog, remove: openRemove, check });
  $("settings-accounts").addEventListener("click", openAccounts);
  $("account-add").addEventListener("click", () => openAccountDialog(null));
  $("accounts-form").addEventListener("submit", (event) => {
    event.preventDefault();
    closeDialog("accounts-dialog");
  });
  $("account-form").addEventListener("submit", onSignIn);
  $("account-cancel").addEventListener("click", () => closeDialog("account-dialog"));
  $("account-remove-form").addEventListener("submit", onRemove);
  $("account-remove-cancel").addEventListener("click", () => closeDialog("account-remove-dialog"));
}
