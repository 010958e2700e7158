// Reader-server accounts: part of api.js (import from there).

import { invoke } from "./ipc.js";

// Reader-server accounts. An Account (src/store/accounts.rs) is { id, kind: "greader",
// server_url, username, name ("user@host"), credential_store: "secret-service" | "file",
// plain_http (confirmed plain http to another machine: keep the warning), status: "new" | "ok"
// | "sign-in-again" | "unreachable" | "rate-limited" | "error", last_error, last_sync_at,
// last_success_at, next_attempt_at, feeds, unread, pending_changes } (times in Unix seconds,
// or null). Errors: "sign-in-refused" (the server's reason in the message),
// "server-unreachable", "not-an-api", "rate-limited", "plain-http", "account-exists",
// "invalid-address", "credentials".

/** { accounts: [Account], credentials_file }: where passwords go without a Secret Service. */
export function accounts() {
  return invoke("accounts");
}

/**
 * Signs in and adds the account; resolves to the Account. `allowHttp`: the user confirmed
 * plain http to a host that is not this machine (else that is refused with "plain-http").
 */
export function addAccount(server, username, password, allowHttp) {
  return invoke("add_account", { server, username, password, allowHttp: !!allowHttp });
}

/** Signs in again with the kept password, or `newPassword` (kept once it works): Account. */
export function checkAccount(id, newPassword) {
  return invoke("check_account", { id, newPassword: newPassword || null });
}

/** Removes an account: { kept_bookmarks, note } (`note`: the password could not be forgotten). */
export function removeAccount(id) {
  return invoke("remove_account", { id });
}
