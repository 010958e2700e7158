//! Reader-server accounts from Settings → Accounts: list, add (sign in), check or sign in again,
//! remove. Passwords go to the user's store (`tidings::accounts::credentials`: the Secret
//! Service, else the user-only credentials file) and never come back to the window.

use serde::Serialize;
use tauri::State;
use tidings::accounts::credentials::Credentials;
use tidings::store::{Account, RemovedAccount};
use tidings::sync::accounts::{self as account, client_config, AccountSignIn};

use super::CommandError;
use crate::state::AppState;

/// What `accounts` returns.
#[derive(Debug, Clone, Serialize)]
pub struct AccountList {
    pub accounts: Vec<Account>,
    /// Where passwords go when no Secret Service runs (an account whose `credential_store`
    /// is `file`).
    pub credentials_file: String,
}

/// Every account with its status, pending changes and where its password is kept.
#[tauri::command]
pub async fn accounts(state: State<'_, AppState>) -> Result<AccountList, CommandError> {
    let credentials_file = Credentials::for_user().file_path().display().to_string();
    let accounts = state.with_counts(|lib| lib.accounts()).await?;
    Ok(AccountList {
        accounts,
        credentials_file,
    })
}

/// Signs in to `server` (the API root) as `username` and adds the account; a refused sign-in
/// or an unreachable server adds nothing. `allow_http`: the user confirmed plain http to a
/// host that is not this machine.
#[tauri::command]
pub async fn add_account(
    state: State<'_, AppState>,
    server: String,
    username: String,
    password: String,
    allow_http: bool,
) -> Result<Account, CommandError> {
    let request = AccountSignIn {
        server: &server,
        username: &username,
        password: &password,
        allow_http,
    };
    let config = client_config(&state.fetcher()?);
    let path = &state.library_path;
    Ok(account::add_account(path, &Credentials::for_user(), &config, request).await?)
}

/// Signs in again with the kept password, or with `new_password` (kept once it works).
#[tauri::command]
pub async fn check_account(
    state: State<'_, AppState>,
    id: i64,
    new_password: Option<String>,
) -> Result<Account, CommandError> {
    let config = client_config(&state.fetcher()?);
    let (path, password) = (&state.library_path, new_password.as_deref());
    Ok(account::check_account(path, &Credentials::for_user(), &config, id, password).await?)
}

/// What `remove_account` did.
#[derive(Debug, Clone, Serialize)]
pub struct Removed {
    /// Bookmarked stories kept in the library.
    pub kept_bookmarks: usize,
    /// Why the password could not be forgotten, when it could not.
    pub note: Option<String>,
}

/// Removes an account; its bookmarked stories stay.
#[tauri::command]
pub async fn remove_account(state: State<'_, AppState>, id: i64) -> Result<Removed, CommandError> {
    let removed = state.with_library_io(move |lib| {
        Ok(account::remove_account(lib, &Credentials::for_user(), id)?)
    });
    let (RemovedAccount { kept_bookmarks, .. }, note) = removed.await?;
    Ok(Removed {
        kept_bookmarks,
        note,
    })
}
