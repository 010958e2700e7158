//! Reader-server accounts: their stage of a sync, and adding, checking and removing them.
//!
//! The stage runs in [`super::sync_library`] after the local feeds and before the page and
//! image stages, which then fetch the new stories' pages and images like any others (the
//! server's own content stays as the fallback). For each account, in this order:
//! 1. sign in; a 401/403 marks it "sign in again" and nothing is tried again until the user
//!    signs in (no retry storm); a 429/503 waits for the server's Retry-After;
//! 2. send the outbox in the order the changes were made, before anything is pulled, so a story
//!    read offline is never turned unread again; each step leaves the outbox once accepted (a
//!    change the server refuses for good is dropped and reported);
//! 3. pull the subscriptions and folders (the server is their source of truth);
//! 4. pull the ids of the items added since the last listing (`ot`), of every unread and every
//!    starred item; apply the read and starred changes made on the server; fetch the contents
//!    of the items not here yet in batches, each committed on its own (a crash loses nothing
//!    stored, and the next sync fetches the rest). Mute and keep rules judge the new items as
//!    they judge a local feed's; a muted item is read here, and the server is told.
//!
//! Any failure ends that account's turn with its status, never the whole sync; only the
//! library failing does.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use url::Url;

use super::feeds::incoming_article;
use super::{SharedLibrary, SyncError, SyncEvent, SyncOptions};
use crate::accounts::credentials::{new_key, CredentialError, CredentialStore, Credentials};
use crate::accounts::greader::{
    self, Client, ClientConfig, GReaderError, SubscriptionEdit, READ, READING_LIST, STARRED,
};
use crate::accounts::{ServerUrl, ServerUrlError};
use crate::feeds::fetch::Fetcher;
use crate::feeds::ParsedEntry;
use crate::rules::RuleSet;
use crate::store::{
    self, Account, AccountItem, AccountStatus, AccountSyncResult, Library, MarkAllScope,
    NewAccount, OutboxChange, OutboxEntry, RemoteFeed, RemovedAccount, StateChanges, StoreError,
    SubscriptionChanges,
};

/// Items listed again before the newest one stored (seconds): a server adds a refresh's items
/// in one transaction, so items stamped a little earlier may appear after a listing.
const LISTING_OVERLAP: i64 = 3600;

/// What one account's sync did.
#[derive(Debug, Clone, Serialize)]
pub struct AccountReport {
    pub account_id: i64,
    pub name: String,
    pub status: AccountStatus,
    /// Why it stopped, or what it skipped; `None` when everything went through.
    pub error: Option<String>,
    /// The server was not contacted (waiting for its Retry-After, or for the user to sign in).
    pub skipped: bool,
    /// The sync went through (`error` may still name items it skipped).
    pub synced: bool,
    /// Outbox changes the server accepted.
    pub changes_sent: usize,
    /// Changes the server refused for good (dropped from the outbox), each with the reason.
    pub changes_refused: Vec<String>,
    pub subscriptions: SubscriptionChanges,
    pub new_articles: usize,
    /// Read and starred changes made on the server, applied here.
    pub state: StateChanges,
    /// HTTP requests sent to the server.
    pub requests: usize,
}

/// Why adding, checking or removing an account failed. Never carries the password.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Address(#[from] ServerUrlError),
    #[error(transparent)]
    Server(#[from] GReaderError),
    #[error(transparent)]
    Credentials(#[from] CredentialError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("an account task failed: {0}")]
    Task(String),
}

/// What adding an account needs.
#[derive(Debug, Clone, Copy)]
pub struct AccountSignIn<'a> {
    /// The API root as the user typed it.
    pub server: &'a str,
    pub username: &'a str,
    pub password: &'a str,
    /// The user confirmed plain http to a host that is not loopback.
    pub allow_http: bool,
}

/// The HTTP settings of an account's client: the fetcher's user agent and timeouts.
pub fn client_config(fetcher: &Fetcher) -> ClientConfig {
    let fetch = fetcher.config();
    ClientConfig {
        user_agent: fetch.user_agent.clone(),
        connect_timeout: fetch.connect_timeout,
        request_timeout: fetch.request_timeout,
        ..ClientConfig::default()
    }
}

async fn blocking<T, F>(work: F) -> Result<T, AccountError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, AccountError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AccountError::Task(e.to_string()))?
}

/// Adds an account: signs in, keeps the password (Secret Service, else the user-only file) and
/// adds the account to the library at `library`. A refused sign-in or an unreachable server
/// stores nothing.
pub async fn add_account(
    library: &Path,
    credentials: &Credentials,
    config: &ClientConfig,
    request: AccountSignIn<'_>,
) -> Result<Account, AccountError> {
    let server = ServerUrl::parse(request.server, request.allow_http)?;
    let name = format!("{}@{}", request.username.trim(), server.host_and_port());
    let path = library.to_path_buf();
    let (server_url, username) = (server.as_str().to_string(), request.username.to_string());
    let exists = {
        let (path, server_url, username) = (path.clone(), server_url.clone(), username.clone());
        blocking(move || {
            let lib = Library::open(&path)?;
            Ok(lib
                .accounts()?
                .iter()
                .any(|a| a.server_url == server_url && a.username == username))
        })
        .await?
    };
    if exists {
        return Err(StoreError::AccountExists { name }.into());
    }
    let mut client = Client::new(&server, config)?;
    client.sign_in(&username, request.password).await?;
    let credentials = credentials.clone();
    let password = request.password.to_string();
    let plain_http = server.plain_http();
    blocking(move || {
        let key = new_key(&server_url, &username);
        let store = credentials.save(&key, &password)?;
        let added = Library::open(&path).and_then(|mut lib| {
            let id = lib.add_account(&NewAccount {
                server_url,
                username,
                name,
                credential_key: key.clone(),
                credential_store: store.as_str().to_string(),
                plain_http,
            })?;
            lib.account(id)
        });
        if added.is_err() {
            // Nothing stays behind when the library refused the account.
            let _ = credentials.delete(&key, store);
        }
        Ok(added?)
    })
    .await
}

/// Signs in to an account's server again: with its kept password, or with `new_password`,
/// which replaces it once the server accepts it. Clears "sign in again".
pub async fn check_account(
    library: &Path,
    credentials: &Credentials,
    config: &ClientConfig,
    id: i64,
    new_password: Option<&str>,
) -> Result<Account, AccountError> {
    let path = library.to_path_buf();
    let account = {
        let path = path.clone();
        blocking(move || Ok(Library::open(&path)?.account(id)?)).await?
    };
    let password = match new_password {
        Some(p) => p.to_string(),
        None => {
            let (credentials, key) = (credentials.clone(), account.credential_key.clone());
            let store = CredentialStore::from_stored(&account.credential_store);
            blocking(move || Ok(credentials.load(&key, store)?)).await?
        }
    };
    let server = ServerUrl::parse(&account.server_url, true)?;
    let mut client = Client::new(&server, config)?;
    client.sign_in(&account.username, &password).await?;
    let credentials = credentials.clone();
    let replace = new_password.is_some();
    blocking(move || {
        let mut store = CredentialStore::from_stored(&account.credential_store);
        if replace {
            let saved = credentials.save(&account.credential_key, &password)?;
            if saved != store {
                let _ = credentials.delete(&account.credential_key, store);
            }
            store = saved;
        }
        let mut lib = Library::open(&path)?;
        lib.record_account_signed_in(id, store.as_str())?;
        Ok(lib.account(id)?)
    })
    .await
}

/// Removes an account from the library (its bookmarked stories stay) and forgets its
/// password. Returns what was kept, and a note when the password could not be deleted.
pub fn remove_account(
    lib: &mut Library,
    credentials: &Credentials,
    id: i64,
) -> Result<(RemovedAccount, Option<String>), AccountError> {
    let removed = lib.remove_account(id)?;
    let store = CredentialStore::from_stored(&removed.credential_store);
    let note = credentials
        .delete(&removed.credential_key, store)
        .err()
        .map(|e| e.to_string());
    Ok((removed, note))
}

/// Why an account's turn ended early.
enum Stop {
    Server(GReaderError),
    Credentials(CredentialError),
    Library(SyncError),
}

impl From<GReaderError> for Stop {
    fn from(e: GReaderError) -> Self {
        Stop::Server(e)
    }
}

impl From<SyncError> for Stop {
    fn from(e: SyncError) -> Self {
        Stop::Library(e)
    }
}

/// The account stage of a sync: every account in turn. Only a library failure is an `Err`.
pub(super) async fn sync_accounts(
    lib: &SharedLibrary,
    fetcher: &Fetcher,
    options: &SyncOptions,
    progress: &(dyn Fn(SyncEvent) + Send + Sync),
) -> Result<Vec<AccountReport>, SyncError> {
    let accounts = lib.run(|l| l.accounts()).await?;
    if accounts.is_empty() {
        return Ok(Vec::new());
    }
    let rules = lib.run(|l| l.rules()).await?;
    let stage = Stage {
        lib,
        rules: Arc::new(RuleSet::new(rules.iter().map(|r| &r.spec))),
        credentials: Credentials::for_user(),
        config: client_config(fetcher),
        options,
        progress,
    };
    let mut reports = Vec::with_capacity(accounts.len());
    for account in accounts {
        let report = sync_account(&stage, &account).await?;
        progress(SyncEvent::AccountDone {
            account_id: report.account_id,
            name: report.name.clone(),
            status: report.status,
            error: report.error.clone(),
        });
        reports.push(report);
    }
    Ok(reports)
}

/// What every account's turn uses.
struct Stage<'a> {
    lib: &'a SharedLibrary,
    /// The mute and keep rules, for the new items as for a local feed's.
    rules: Arc<RuleSet>,
    credentials: Credentials,
    config: ClientConfig,
    options: &'a SyncOptions,
    progress: &'a (dyn Fn(SyncEvent) + Send + Sync),
}

async fn sync_account(stage: &Stage<'_>, account: &Account) -> Result<AccountReport, SyncError> {
    let lib = stage.lib;
    let mut report = AccountReport {
        account_id: account.id,
        name: account.name.clone(),
        status: account.status,
        error: account.last_error.clone(),
        skipped: true,
        synced: false,
        changes_sent: 0,
        changes_refused: Vec::new(),
        subscriptions: SubscriptionChanges::default(),
        new_articles: 0,
        state: StateChanges::default(),
        requests: 0,
    };
    if account.status == AccountStatus::SignInAgain {
        return Ok(report);
    }
    let now = store::now();
    if let Some(next) = account.next_attempt_at.filter(|next| *next > now) {
        // The server's own Retry-After holds even when the user asks for a sync.
        if account.status == AccountStatus::RateLimited || !stage.options.ignore_backoff {
            report.error = Some(format!(
                "{} (next attempt in {} s)",
                account.last_error.as_deref().unwrap_or("waiting"),
                next - now
            ));
            return Ok(report);
        }
    }
    report.skipped = false;
    report.error = None;
    let mut client = None;
    let outcome = run_account(stage, account, &mut report, &mut client).await;
    report.requests = client.as_ref().map_or(0, Client::requests);
    let id = account.id;
    let (status, error) = match outcome {
        Ok(problem) => {
            let stored = problem.clone();
            lib.run(move |l| {
                l.record_account_sync(
                    id,
                    AccountSyncResult::Synced {
                        problem: stored.as_deref(),
                    },
                )
            })
            .await?;
            let status = match problem {
                Some(_) => AccountStatus::Error,
                None => AccountStatus::Ok,
            };
            report.synced = true;
            (status, problem)
        }
        Err(Stop::Library(e)) => return Err(e),
        Err(Stop::Server(e)) => {
            let status = match &e {
                GReaderError::SignIn { .. } => AccountStatus::SignInAgain,
                GReaderError::Unreachable { .. } | GReaderError::Timeout { .. } => {
                    AccountStatus::Unreachable
                }
                GReaderError::RateLimited { .. } => AccountStatus::RateLimited,
                _ => AccountStatus::Error,
            };
            let retry_after = e.retry_after().map(|d| d.as_secs() as i64);
            record_failure(lib, id, status, e.to_string(), retry_after).await?
        }
        Err(Stop::Credentials(e)) => {
            let status = match e {
                CredentialError::Missing | CredentialError::SecretService(_) => {
                    AccountStatus::SignInAgain
                }
                _ => AccountStatus::Error,
            };
            record_failure(lib, id, status, e.to_string(), None).await?
        }
    };
    report.status = status;
    report.error = error;
    Ok(report)
}

async fn record_failure(
    lib: &SharedLibrary,
    id: i64,
    status: AccountStatus,
    error: String,
    retry_after: Option<i64>,
) -> Result<(AccountStatus, Option<String>), SyncError> {
    let stored = error.clone();
    lib.run(move |l| {
        l.record_account_sync(
            id,
            AccountSyncResult::Failed {
                status,
                error: &stored,
                retry_after,
            },
        )
    })
    .await?;
    Ok((status, Some(error)))
}

/// Signs in, sends the outbox, pulls subscriptions, state and items. Returns what was skipped,
/// if anything (items without an id), for the account's status.
async fn run_account(
    stage: &Stage<'_>,
    account: &Account,
    report: &mut AccountReport,
    client_slot: &mut Option<Client>,
) -> Result<Option<String>, Stop> {
    let (lib, progress) = (stage.lib, stage.progress);
    let id = account.id;
    let password = {
        let (credentials, key) = (stage.credentials.clone(), account.credential_key.clone());
        let store = CredentialStore::from_stored(&account.credential_store);
        tokio::task::spawn_blocking(move || credentials.load(&key, store))
            .await
            .map_err(|e| Stop::Library(SyncError::Task(e.to_string())))?
            .map_err(Stop::Credentials)?
    };
    let server = ServerUrl::parse(&account.server_url, true).map_err(|e| {
        Stop::Server(GReaderError::BadAnswer {
            endpoint: account.server_url.clone(),
            reason: e.to_string(),
        })
    })?;
    let client = client_slot.insert(Client::new(&server, &stage.config)?);
    client.sign_in(&account.username, &password).await?;
    drop(password);

    push_outbox(lib, client, id, report).await?;

    let remote: Vec<RemoteFeed> = client
        .subscriptions()
        .await?
        .into_iter()
        .map(|s| RemoteFeed {
            stream_id: s.stream_id,
            url: s.url,
            title: s.title,
            site_url: s.site_url,
            folder: s.folder,
            icon_url: s.icon_url,
        })
        .collect();
    report.subscriptions = lib
        .run(move |l| l.apply_account_subscriptions(id, &remote))
        .await?;

    let since = lib.run(move |l| l.account_items_since(id)).await?;
    let listed = client
        .item_ids(READING_LIST, None, (since > 0).then_some(since))
        .await?;
    let unread = client.item_ids(READING_LIST, Some(READ), None).await?;
    let starred = client.item_ids(STARRED, None, None).await?;
    let known = lib.run(move |l| l.known_account_items(id)).await?;
    // Unread and starred items are fetched whatever their date: some servers (Miniflux) list
    // by publication date, so a back-dated item would never be "new since".
    let mut wanted = HashSet::new();
    let missing: Vec<String> = listed
        .into_iter()
        .chain(unread.iter().cloned())
        .chain(starred.iter().cloned())
        .filter(|item| !known.contains(item) && wanted.insert(item.clone()))
        .collect();
    let unread: HashSet<String> = unread.into_iter().collect();
    let starred: HashSet<String> = starred.into_iter().collect();
    report.state = lib
        .run(move |l| l.apply_account_states(id, &unread, &starred))
        .await?;

    let total = missing.len();
    if total > 0 {
        progress(SyncEvent::AccountProgress {
            account_id: id,
            name: account.name.clone(),
            done: 0,
            total,
        });
    }
    let mut newest = 0;
    let mut skipped = 0;
    let mut done = 0;
    let full_text_words = stage.options.full_text_words;
    let streams = Arc::new(lib.run(move |l| l.account_streams(id)).await?);
    for batch in missing.chunks(greader::BATCH) {
        let page = client.items(batch).await?;
        skipped += page.skipped;
        newest = page
            .items
            .iter()
            .map(|i| i.crawled_usec)
            .fold(newest, i64::max);
        let (rules, streams) = (Arc::clone(&stage.rules), Arc::clone(&streams));
        let items = tokio::task::spawn_blocking(move || {
            page.items
                .into_iter()
                .map(|item| {
                    let mut item = account_item(item, full_text_words);
                    if let Some(&feed_id) = streams.get(&item.stream_id) {
                        item.article = super::rules::with_verdict(item.article, feed_id, &rules);
                    }
                    item
                })
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| Stop::Library(SyncError::Task(e.to_string())))?;
        let ingest = lib.run(move |l| l.store_account_items(id, &items)).await?;
        report.new_articles += ingest.counts.new;
        done += batch.len();
        progress(SyncEvent::AccountProgress {
            account_id: id,
            name: account.name.clone(),
            done,
            total,
        });
    }
    if newest > 0 {
        let next = (newest / 1_000_000 - LISTING_OVERLAP).max(since);
        lib.run(move |l| l.set_account_items_since(id, next))
            .await?;
    }
    // New items that are copies of stories read or bookmarked here queued that state: sent
    // now, so the server agrees when the sync ends (nothing is asked when nothing was queued).
    push_outbox(lib, client, id, report).await?;
    Ok((skipped > 0).then(|| {
        format!("the server sent {skipped} items without an id or a feed; they were skipped")
    }))
}

/// Whether a write the server answered with this error will never be accepted (so its
/// outbox entry goes, reported, instead of blocking every later change).
fn refused_for_good(e: &GReaderError) -> bool {
    matches!(e, GReaderError::Status { status, .. } if matches!(status, 400 | 404 | 405 | 409 | 410 | 422))
}

/// Sends the outbox in order. Consecutive story changes go together (the last change of each
/// story wins), in `edit-tag` batches; each feed change is one call.
async fn push_outbox(
    lib: &SharedLibrary,
    client: &mut Client,
    account_id: i64,
    report: &mut AccountReport,
) -> Result<(), Stop> {
    let entries = lib.run(move |l| l.account_outbox(account_id)).await?;
    let mut rest: &[OutboxEntry] = &entries;
    while let Some(first) = rest.first() {
        let is_item = |e: &OutboxEntry| {
            matches!(
                e.change,
                OutboxChange::Read { .. }
                    | OutboxChange::Unread { .. }
                    | OutboxChange::Star { .. }
                    | OutboxChange::Unstar { .. }
            )
        };
        let run_len = if is_item(first) {
            rest.iter().take_while(|e| is_item(e)).count()
        } else {
            1
        };
        let (run, later) = rest.split_at(run_len);
        rest = later;
        let sent = if is_item(first) {
            send_item_changes(client, run).await
        } else {
            send_feed_change(client, &first.change).await
        };
        match sent {
            Ok(()) => report.changes_sent += run.len(),
            Err(e) if refused_for_good(&e) => report
                .changes_refused
                .push(format!("{}: {e}", describe(&first.change))),
            Err(e) => return Err(e.into()),
        }
        let ids: Vec<i64> = run.iter().map(|e| e.id).collect();
        lib.run(move |l| l.remove_outbox_entries(&ids)).await?;
    }
    Ok(())
}

async fn send_item_changes(client: &mut Client, run: &[OutboxEntry]) -> Result<(), GReaderError> {
    // The last change of each story wins; BTreeMap keeps the requests deterministic.
    let mut read = std::collections::BTreeMap::new();
    let mut star = std::collections::BTreeMap::new();
    for entry in run {
        match &entry.change {
            OutboxChange::Read { item_id } => read.insert(item_id.clone(), true),
            OutboxChange::Unread { item_id } => read.insert(item_id.clone(), false),
            OutboxChange::Star { item_id } => star.insert(item_id.clone(), true),
            OutboxChange::Unstar { item_id } => star.insert(item_id.clone(), false),
            _ => None,
        };
    }
    let pick = |map: &std::collections::BTreeMap<String, bool>, on: bool| -> Vec<String> {
        map.iter()
            .filter(|(_, v)| **v == on)
            .map(|(k, _)| k.clone())
            .collect()
    };
    for (ids, add, remove) in [
        (pick(&read, true), Some(READ), None),
        (pick(&read, false), None, Some(READ)),
        (pick(&star, true), Some(STARRED), None),
        (pick(&star, false), None, Some(STARRED)),
    ] {
        if !ids.is_empty() {
            client.edit_tag(&ids, add, remove).await?;
        }
    }
    Ok(())
}

async fn send_feed_change(client: &mut Client, change: &OutboxChange) -> Result<(), GReaderError> {
    match change {
        OutboxChange::MarkAllRead { scope, ts_usec } => {
            let stream = match scope {
                MarkAllScope::Feed(stream) => stream.clone(),
                MarkAllScope::Folder(folder) => greader::label(folder),
                MarkAllScope::Everything => READING_LIST.to_string(),
            };
            client.mark_all_as_read(&stream, *ts_usec).await
        }
        OutboxChange::Subscribe { url, folder } => {
            let stream = match client.quickadd(url).await? {
                Some(added) => added.stream_id,
                // Sent again after a crash, it is already there (FreshRSS says so as a failure).
                None => match client
                    .subscriptions()
                    .await?
                    .into_iter()
                    .find(|s| s.url == *url)
                {
                    Some(existing) => existing.stream_id,
                    None => {
                        return Err(GReaderError::Status {
                            endpoint: "reader/api/0/subscription/quickadd".into(),
                            status: 404,
                            detail: Some(format!("the server found no feed at {url}")),
                            retry_after: None,
                        })
                    }
                },
            };
            match folder {
                Some(folder) => {
                    client
                        .edit_subscription(&stream, SubscriptionEdit::MoveTo(folder))
                        .await
                }
                None => Ok(()),
            }
        }
        OutboxChange::Unsubscribe { stream_id } => {
            client
                .edit_subscription(stream_id, SubscriptionEdit::Unsubscribe)
                .await
        }
        OutboxChange::Rename { stream_id, title } => {
            client
                .edit_subscription(stream_id, SubscriptionEdit::Rename(title))
                .await
        }
        OutboxChange::Move {
            stream_id,
            folder,
            old_folder,
        } => match (folder, old_folder) {
            (Some(folder), _) => {
                client
                    .edit_subscription(stream_id, SubscriptionEdit::MoveTo(folder))
                    .await
            }
            (None, Some(old)) => {
                client
                    .edit_subscription(stream_id, SubscriptionEdit::MoveOutOf(old))
                    .await
            }
            (None, None) => Ok(()),
        },
        _ => Ok(()),
    }
}

fn describe(change: &OutboxChange) -> String {
    match change {
        OutboxChange::Read { .. }
        | OutboxChange::Unread { .. }
        | OutboxChange::Star { .. }
        | OutboxChange::Unstar { .. } => "read and starred changes".into(),
        OutboxChange::MarkAllRead { scope, .. } => format!("mark all read in {scope:?}"),
        OutboxChange::Subscribe { url, .. } => format!("subscribe to {url}"),
        OutboxChange::Unsubscribe { stream_id } => format!("unsubscribe from {stream_id}"),
        OutboxChange::Rename { stream_id, .. } => format!("rename {stream_id}"),
        OutboxChange::Move { stream_id, .. } => format!("move {stream_id}"),
    }
}

/// A server item as the library stores it: its HTML sanitized like a feed's, its page to be
/// fetched unless its own text is the whole story.
fn account_item(item: greader::Item, full_text_words: usize) -> AccountItem {
    let base = item.link.as_deref().and_then(|l| Url::parse(l).ok());
    let date = |secs: Option<i64>| {
        secs.and_then(|s| chrono::DateTime::from_timestamp(s, 0))
            .map(|d| d.fixed_offset())
    };
    let entry = ParsedEntry {
        id: Some(item.id.clone()),
        link: item.link.clone(),
        title: Some(item.title.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty()),
        author: item
            .author
            .as_deref()
            .map(|a| a.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|a| !a.is_empty()),
        published: date(item.published),
        updated: date(item.updated),
        summary_html: None,
        content_html: item
            .html
            .as_deref()
            .map(|h| crate::sanitize::sanitize_html(h, base.as_ref()))
            .filter(|h| !h.trim().is_empty()),
        image: item.image.clone(),
        language: None,
    };
    AccountItem {
        article: incoming_article(&entry, None, full_text_words),
        item_id: item.id,
        stream_id: item.stream_id,
        crawled_usec: item.crawled_usec,
        read: item.read,
        starred: item.starred,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The app runs a sync on a spawned task: the whole future must be `Send` (checked here,
    /// at compile time, without building the app).
    #[allow(dead_code)]
    fn a_sync_can_run_on_a_spawned_task(path: &Path, fetcher: &Fetcher, options: &SyncOptions) {
        fn send<T: Send>(_: T) {}
        send(super::super::sync_library(path, fetcher, options, &|_| {}));
        let credentials = Credentials::for_user();
        let config = ClientConfig::default();
        send(check_account(path, &credentials, &config, 1, None));
        send(add_account(
            path,
            &credentials,
            &config,
            AccountSignIn {
                server: "",
                username: "",
                password: "",
                allow_http: false,
            },
        ));
    }
}
