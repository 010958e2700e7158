//! Reader-server accounts: the accounts, the outbox of changes made in Tidings that wait for
//! their server, and what an account's sync writes (its subscriptions, its items as articles,
//! the server's read and starred state).
//!
//! No credential is ever stored here: an account names its password by a key in the credential
//! store (`crate::accounts::credentials`). Changes to an account's stories and feeds (read,
//! bookmark, rename, move, unsubscribe, mark all read) are queued by the `Library` methods that
//! make them, in the same transaction (the `enqueue_*_in` helpers), so no change is made
//! without its entry and no entry is queued for a change that was not made.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension, Row, ToSql, Transaction, TransactionBehavior};
use serde::Serialize;

use super::ingest::{backoff_seconds, set_feed_icon_in, store_items_in};
use super::maintenance::unsubscribe_in;
use super::{now, IncomingArticle, IngestCounts, Library, Result, StoreError};

/// Where an account stands, as the CLI and the app show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountStatus {
    /// Added, never synced.
    New,
    /// The last sync went through.
    Ok,
    /// The server refused the password (401/403): nothing is tried until the user signs in.
    SignInAgain,
    /// The server could not be reached or timed out; changes wait in the outbox.
    Unreachable,
    /// The server asked to wait (429 or 503); no request before `next_attempt_at`.
    RateLimited,
    /// The server answered something unusable (see `last_error`).
    Error,
}

impl AccountStatus {
    /// The name stored in the library.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::New => "new",
            AccountStatus::Ok => "ok",
            AccountStatus::SignInAgain => "sign-in-again",
            AccountStatus::Unreachable => "unreachable",
            AccountStatus::RateLimited => "rate-limited",
            AccountStatus::Error => "error",
        }
    }

    fn from_stored(s: &str) -> AccountStatus {
        match s {
            "new" => AccountStatus::New,
            "ok" => AccountStatus::Ok,
            "sign-in-again" => AccountStatus::SignInAgain,
            "unreachable" => AccountStatus::Unreachable,
            "rate-limited" => AccountStatus::RateLimited,
            _ => AccountStatus::Error,
        }
    }
}

/// A reader-server account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    /// `greader` (the Google Reader API).
    pub kind: String,
    /// The API root, e.g. `https://host/api/greader.php`.
    pub server_url: String,
    pub username: String,
    /// `user@host`.
    pub name: String,
    /// Where the password is kept: `secret-service` or `file`.
    pub credential_store: String,
    /// The name of the password in its store (not a secret).
    #[serde(skip)]
    pub credential_key: String,
    /// Plain `http://` to a host that is not loopback, which the user confirmed.
    pub plain_http: bool,
    pub status: AccountStatus,
    pub last_error: Option<String>,
    pub last_sync_at: Option<i64>,
    pub last_success_at: Option<i64>,
    /// No sync before this (seconds): the server's Retry-After, or backoff after failures.
    pub next_attempt_at: Option<i64>,
    /// The account's subscriptions.
    pub feeds: i64,
    /// Unread stories in them.
    pub unread: i64,
    /// Changes made in Tidings that the server has not accepted yet.
    pub pending_changes: i64,
}

/// An account to add (after signing in worked and its password was stored).
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub server_url: String,
    pub username: String,
    pub name: String,
    pub credential_key: String,
    pub credential_store: String,
    pub plain_http: bool,
}

/// What removing an account did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemovedAccount {
    /// Bookmarked stories kept (with their feeds, hidden).
    pub kept_bookmarks: usize,
    /// The name of its password in the credential store, for the caller to delete.
    #[serde(skip)]
    pub credential_key: String,
    #[serde(skip)]
    pub credential_store: String,
}

/// How an account sync ended, for [`Library::record_account_sync`].
#[derive(Debug, Clone, Copy)]
pub enum AccountSyncResult<'a> {
    /// Everything went through; `problem` notes what was skipped (items the server sent
    /// without an id), which leaves the account in `error` until a clean sync.
    Synced { problem: Option<&'a str> },
    /// The sync stopped: why, and how long the server asked to wait (seconds).
    Failed {
        status: AccountStatus,
        error: &'a str,
        retry_after: Option<i64>,
    },
}

/// A change waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxChange {
    Read {
        item_id: String,
    },
    Unread {
        item_id: String,
    },
    Star {
        item_id: String,
    },
    Unstar {
        item_id: String,
    },
    /// Everything in `scope` up to `ts_usec` (server time, microseconds).
    MarkAllRead {
        scope: MarkAllScope,
        ts_usec: i64,
    },
    Subscribe {
        url: String,
        folder: Option<String>,
    },
    Unsubscribe {
        stream_id: String,
    },
    Rename {
        stream_id: String,
        title: String,
    },
    /// To `folder` (`None`: out of any folder) from `old_folder`.
    Move {
        stream_id: String,
        folder: Option<String>,
        old_folder: Option<String>,
    },
}

/// What a queued "mark all read" covers on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkAllScope {
    /// One feed (its stream id).
    Feed(String),
    /// A folder (the server's label of that name).
    Folder(String),
    /// Every item of the account.
    Everything,
}

/// An outbox entry: its place in the queue and the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: i64,
    pub change: OutboxChange,
}

/// A subscription as the server lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemoteFeed {
    pub stream_id: String,
    pub url: String,
    pub title: String,
    pub site_url: Option<String>,
    pub folder: Option<String>,
    pub icon_url: Option<String>,
}

/// How the server's subscription list changed the account's feeds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SubscriptionChanges {
    pub added: usize,
    pub removed: usize,
}

/// A server item to store as an article of its feed.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountItem {
    /// The item's hex id; also the article's `item_key`.
    pub item_id: String,
    pub stream_id: String,
    /// When the server added it (microseconds).
    pub crawled_usec: i64,
    pub read: bool,
    pub starred: bool,
    pub article: IncomingArticle,
}

/// What storing a batch of server items did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AccountIngest {
    pub counts: IngestCounts,
    /// Items of a feed the account does not (or no longer) subscribe to.
    pub unknown_feed: usize,
}

/// Local state changed because it changed on the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StateChanges {
    pub read: usize,
    pub unread: usize,
    pub starred: usize,
    pub unstarred: usize,
}

const ACCOUNT_COLUMNS: &str = "a.id, a.kind, a.server_url, a.username, a.name, a.credential_store,
    a.credential_key, a.plain_http, a.status, a.last_error, a.last_sync_at, a.last_success_at,
    a.next_attempt_at,
    (SELECT count(*) FROM account_feeds af JOIN feeds f ON f.id = af.feed_id
      WHERE af.account_id = a.id AND f.status != 'unsubscribed'),
    (SELECT count(*) FROM account_feeds af JOIN feeds f ON f.id = af.feed_id
      JOIN article_status s ON s.feed_id = f.id
      WHERE af.account_id = a.id AND f.status != 'unsubscribed' AND s.read = 0),
    (SELECT count(*) FROM account_outbox o WHERE o.account_id = a.id)";

fn account_from_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        kind: r.get(1)?,
        server_url: r.get(2)?,
        username: r.get(3)?,
        name: r.get(4)?,
        credential_store: r.get(5)?,
        credential_key: r.get(6)?,
        plain_http: r.get(7)?,
        status: AccountStatus::from_stored(&r.get::<_, String>(8)?),
        last_error: r.get(9)?,
        last_sync_at: r.get(10)?,
        last_success_at: r.get(11)?,
        next_attempt_at: r.get(12)?,
        feeds: r.get(13)?,
        unread: r.get(14)?,
        pending_changes: r.get(15)?,
    })
}

/// The suffix that keeps an account feed's `feeds.url` apart (see schema step 6).
fn account_feed_url(url: &str, account_id: i64) -> String {
    format!("{url}#tidings-account-{account_id}")
}

impl Library {
    /// Adds an account. Refused when the library has one for the same server and user.
    pub fn add_account(&mut self, new: &NewAccount) -> Result<i64> {
        let tx = self.conn.transaction()?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM accounts WHERE server_url = ?1 AND username = ?2)",
            params![new.server_url, new.username],
            |r| r.get(0),
        )?;
        if exists {
            return Err(StoreError::AccountExists {
                name: new.name.clone(),
            });
        }
        tx.execute(
            "INSERT INTO accounts(server_url, username, name, credential_key, credential_store,
                plain_http, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                new.server_url,
                new.username,
                new.name,
                new.credential_key,
                new.credential_store,
                new.plain_http,
                now()
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Every account, oldest first.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts a ORDER BY a.id"
        ))?;
        let rows = stmt.query_map([], account_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One account by id.
    pub fn account(&self, id: i64) -> Result<Account> {
        self.conn
            .query_row(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = ?1"),
                [id],
                account_from_row,
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "account",
                id,
            })
    }

    /// Removes an account: its feeds are unsubscribed here (never on the server) and its
    /// bookmarked stories stay, with their feeds hidden, like any unsubscribed feed's.
    pub fn remove_account(&mut self, id: i64) -> Result<RemovedAccount> {
        let account = self.account(id)?;
        let tx = self.conn.transaction()?;
        let feeds: Vec<i64> = {
            let mut stmt = tx.prepare("SELECT feed_id FROM account_feeds WHERE account_id = ?1")?;
            let rows = stmt.query_map([id], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut kept = 0;
        for feed in feeds {
            kept += unsubscribe_in(&tx, feed)?;
        }
        tx.execute("DELETE FROM accounts WHERE id = ?1", [id])?;
        tx.commit()?;
        self.collect_unused_images()?;
        Ok(RemovedAccount {
            kept_bookmarks: kept,
            credential_key: account.credential_key,
            credential_store: account.credential_store,
        })
    }

    /// Records how an account's sync ended. A failure waits before the next attempt: the
    /// server's Retry-After, else backoff that doubles from five minutes; "sign in again"
    /// waits for the user instead.
    pub fn record_account_sync(&mut self, id: i64, result: AccountSyncResult<'_>) -> Result<()> {
        let at = now();
        match result {
            AccountSyncResult::Synced { problem } => {
                let status = match problem {
                    Some(_) => AccountStatus::Error,
                    None => AccountStatus::Ok,
                };
                self.conn.execute(
                    "UPDATE accounts SET status = ?2, last_error = ?3, error_count = 0,
                        next_attempt_at = NULL, last_sync_at = ?4, last_success_at = ?4
                     WHERE id = ?1",
                    params![id, status.as_str(), problem, at],
                )?;
            }
            AccountSyncResult::Failed {
                status,
                error,
                retry_after,
            } => {
                let failures: i64 = self.conn.query_row(
                    "SELECT error_count + 1 FROM accounts WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )?;
                let next = match status {
                    AccountStatus::SignInAgain => None,
                    _ => Some(at + backoff_seconds(failures).max(retry_after.unwrap_or(0))),
                };
                // A server's own wait is honoured as given; backoff is for the rest.
                let next = match (status, retry_after) {
                    (AccountStatus::RateLimited, Some(wait)) => Some(at + wait),
                    _ => next,
                };
                self.conn.execute(
                    "UPDATE accounts SET status = ?2, last_error = ?3, error_count = ?4,
                        next_attempt_at = ?5, last_sync_at = ?6
                     WHERE id = ?1",
                    params![id, status.as_str(), error, failures, next, at],
                )?;
            }
        }
        Ok(())
    }

    /// After the user signed in again (a new password, or the old one accepted again): the
    /// account syncs at the next sync, with its password where `credential_store` says.
    pub fn record_account_signed_in(&mut self, id: i64, credential_store: &str) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE accounts SET credential_store = ?2,
                status = CASE WHEN last_success_at IS NULL THEN 'new' ELSE 'ok' END,
                last_error = NULL, error_count = 0, next_attempt_at = NULL
             WHERE id = ?1",
            params![id, credential_store],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "account",
                id,
            });
        }
        Ok(())
    }

    /// Queues a subscription to `url` (in `folder`) for the account's server; the feed
    /// appears once the server has it (the next sync).
    pub fn add_account_subscription(
        &mut self,
        account_id: i64,
        url: &str,
        folder: Option<&str>,
    ) -> Result<()> {
        self.account(account_id)?;
        let folder = folder.map(str::trim).filter(|f| !f.is_empty());
        self.conn.execute(
            "INSERT INTO account_outbox(account_id, action, url, folder, created_at)
             VALUES (?1, 'subscribe', ?2, ?3, ?4)",
            params![account_id, url, folder, now()],
        )?;
        Ok(())
    }

    /// The account's queued changes, oldest first.
    pub fn account_outbox(&self, account_id: i64) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, action, item_id, stream_id, url, title, folder, old_folder, ts_usec
             FROM account_outbox WHERE account_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([account_id], |r| {
            let text = |i: usize| -> rusqlite::Result<String> {
                Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
            };
            let action: String = r.get(1)?;
            let change = match action.as_str() {
                "read" => OutboxChange::Read { item_id: text(2)? },
                "unread" => OutboxChange::Unread { item_id: text(2)? },
                "star" => OutboxChange::Star { item_id: text(2)? },
                "unstar" => OutboxChange::Unstar { item_id: text(2)? },
                "mark-all-read" => OutboxChange::MarkAllRead {
                    scope: match (
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(6)?,
                    ) {
                        (Some(stream), _) => MarkAllScope::Feed(stream),
                        (None, Some(folder)) => MarkAllScope::Folder(folder),
                        (None, None) => MarkAllScope::Everything,
                    },
                    ts_usec: r.get::<_, Option<i64>>(8)?.unwrap_or(0),
                },
                "subscribe" => OutboxChange::Subscribe {
                    url: text(4)?,
                    folder: r.get(6)?,
                },
                "unsubscribe" => OutboxChange::Unsubscribe {
                    stream_id: text(3)?,
                },
                "rename" => OutboxChange::Rename {
                    stream_id: text(3)?,
                    title: text(5)?,
                },
                _ => OutboxChange::Move {
                    stream_id: text(3)?,
                    folder: r.get(6)?,
                    old_folder: r.get(7)?,
                },
            };
            Ok(OutboxEntry {
                id: r.get(0)?,
                change,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Drops outbox entries the server accepted (or refused for good).
    pub fn remove_outbox_entries(&mut self, ids: &[i64]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut delete = tx.prepare_cached("DELETE FROM account_outbox WHERE id = ?1")?;
            for id in ids {
                delete.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Makes the account's feeds what the server lists: new ones added, titles, folders and
    /// addresses updated, the ones it no longer lists unsubscribed here (their bookmarked
    /// stories kept). A feed with a change still queued keeps the change.
    pub fn apply_account_subscriptions(
        &mut self,
        account_id: i64,
        remote: &[RemoteFeed],
    ) -> Result<SubscriptionChanges> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut changes = SubscriptionChanges::default();
        let mapped: HashMap<String, (i64, String)> = {
            let mut stmt = tx.prepare(
                "SELECT af.stream_id, af.feed_id, f.status FROM account_feeds af
                 JOIN feeds f ON f.id = af.feed_id WHERE af.account_id = ?1",
            )?;
            let rows = stmt.query_map([account_id], |r| {
                Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?)))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let queued: HashMap<String, Vec<String>> = {
            let mut stmt = tx.prepare(
                "SELECT stream_id, action FROM account_outbox
                 WHERE account_id = ?1 AND stream_id IS NOT NULL",
            )?;
            let rows = stmt.query_map([account_id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut out: HashMap<String, Vec<String>> = HashMap::new();
            for row in rows {
                let (stream, action) = row?;
                out.entry(stream).or_default().push(action);
            }
            out
        };
        let queued_for = |stream: &str, action: &str| {
            queued
                .get(stream)
                .is_some_and(|actions| actions.iter().any(|a| a == action))
        };
        let mut listed = HashSet::new();
        for feed in remote {
            listed.insert(feed.stream_id.as_str());
            if queued_for(&feed.stream_id, "unsubscribe") {
                continue;
            }
            let url = account_feed_url(&feed.url, account_id);
            let folder_id = match feed.folder.as_deref().map(str::trim) {
                Some(name) if !name.is_empty() => Some(super::feeds::folder_id_in(&tx, name)?),
                _ => None,
            };
            let feed_id = match mapped.get(&feed.stream_id) {
                Some((id, _)) => *id,
                None => {
                    // A feed left by an earlier sync of this account (kept for its bookmarks)
                    // is taken back rather than duplicated.
                    let left: Option<i64> = tx
                        .query_row("SELECT id FROM feeds WHERE url = ?1", [&url], |r| r.get(0))
                        .optional()?;
                    let id = match left {
                        Some(id) => id,
                        None => {
                            tx.execute(
                                "INSERT INTO feeds(url, title, created_at) VALUES (?1, ?2, ?3)",
                                params![url, feed.title, now()],
                            )?;
                            tx.last_insert_rowid()
                        }
                    };
                    tx.execute(
                        "INSERT INTO account_feeds(feed_id, account_id, stream_id, url)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT(feed_id) DO UPDATE SET account_id = excluded.account_id,
                            stream_id = excluded.stream_id, url = excluded.url",
                        params![id, account_id, feed.stream_id, feed.url],
                    )?;
                    changes.added += 1;
                    id
                }
            };
            if mapped
                .get(&feed.stream_id)
                .is_some_and(|(_, status)| status == "unsubscribed")
            {
                changes.added += 1;
            }
            // Another feed may already hold the address (never for a well-formed server
            // list): keep the old one then.
            let taken: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM feeds WHERE url = ?1 AND id != ?2)",
                params![url, feed_id],
                |r| r.get(0),
            )?;
            if !taken {
                tx.execute(
                    "UPDATE feeds SET url = ?2 WHERE id = ?1",
                    params![feed_id, url],
                )?;
                tx.execute(
                    "UPDATE account_feeds SET url = ?2 WHERE feed_id = ?1",
                    params![feed_id, feed.url],
                )?;
            }
            tx.execute(
                "UPDATE feeds SET status = 'active', site_url = coalesce(?2, site_url)
                 WHERE id = ?1",
                params![feed_id, feed.site_url],
            )?;
            if !queued_for(&feed.stream_id, "rename") {
                tx.execute(
                    "UPDATE feeds SET title = ?2, custom_title = NULL WHERE id = ?1",
                    params![feed_id, feed.title],
                )?;
            }
            if !queued_for(&feed.stream_id, "move") {
                tx.execute(
                    "UPDATE feeds SET folder_id = ?2 WHERE id = ?1",
                    params![feed_id, folder_id],
                )?;
            }
            if let Some(icon) = feed.icon_url.as_deref() {
                set_feed_icon_in(&tx, feed_id, icon)?;
            }
        }
        for (stream, (feed_id, status)) in &mapped {
            if !listed.contains(stream.as_str()) && status != "unsubscribed" {
                unsubscribe_in(&tx, *feed_id)?;
                changes.removed += 1;
            }
        }
        tx.execute(
            "DELETE FROM folders WHERE id NOT IN (SELECT folder_id FROM feeds WHERE folder_id IS NOT NULL)",
            [],
        )?;
        tx.commit()?;
        if changes.removed > 0 {
            self.collect_unused_images()?;
        }
        Ok(changes)
    }

    /// The ids of the account's items this library has, or deleted (retention tombstones):
    /// the ones a sync need not fetch.
    pub fn known_account_items(&self, account_id: i64) -> Result<HashSet<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT item_id FROM account_items WHERE account_id = ?1
             UNION
             SELECT t.item_key FROM tombstones t JOIN account_feeds af ON af.feed_id = t.feed_id
             WHERE af.account_id = ?1",
        )?;
        let rows = stmt.query_map([account_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The account's feeds by the server's stream id.
    pub fn account_streams(&self, account_id: i64) -> Result<HashMap<String, i64>> {
        account_streams_in(&self.conn, account_id)
    }

    /// Stores a batch of the account's items in one transaction: each as an article of its
    /// feed, with the server's read and starred state for the ones new here.
    pub fn store_account_items(
        &mut self,
        account_id: i64,
        items: &[AccountItem],
    ) -> Result<AccountIngest> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let streams = account_streams_in(&tx, account_id)?;
        let mut result = AccountIngest::default();
        let mut by_feed: Vec<(i64, Vec<&AccountItem>)> = Vec::new();
        for item in items {
            let Some(feed_id) = streams.get(&item.stream_id) else {
                result.unknown_feed += 1;
                continue;
            };
            match by_feed.iter_mut().find(|(id, _)| id == feed_id) {
                Some((_, group)) => group.push(item),
                None => by_feed.push((*feed_id, vec![item])),
            }
        }
        let at = now();
        for (feed_id, group) in by_feed {
            // The item's id is its identity in its feed (and in retention's tombstones).
            let articles: Vec<IncomingArticle> = group
                .iter()
                .map(|i| IncomingArticle {
                    item_key: i.item_id.clone(),
                    ..i.article.clone()
                })
                .collect();
            let (counts, ids) = store_items_in(&tx, feed_id, &articles, at)?;
            result.counts.new += counts.new;
            result.counts.updated += counts.updated;
            result.counts.unchanged += counts.unchanged;
            let mut map = tx.prepare_cached(
                "INSERT INTO account_items(account_id, item_id, article_id, crawled_usec,
                    server_read, server_starred)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            )?;
            let mut read =
                tx.prepare_cached("UPDATE article_status SET read = ?2 WHERE article_id = ?1")?;
            let mut star = tx.prepare_cached(
                "UPDATE articles SET bookmarked = 1, bookmarked_at = coalesce(bookmarked_at, ?2)
                 WHERE id = ?1",
            )?;
            let mut here = tx.prepare_cached(
                "SELECT s.read, a.bookmarked FROM articles a
                 JOIN article_status s ON s.article_id = a.id WHERE a.id = ?1",
            )?;
            for (item, article_id) in group.iter().zip(ids) {
                let Some(article_id) = article_id else {
                    continue;
                };
                let mapped = map.execute(params![
                    account_id,
                    item.item_id,
                    article_id,
                    item.crawled_usec,
                    item.read,
                    item.starred
                ])?;
                if mapped == 0 {
                    continue;
                }
                // A copy of a story already read or bookmarked here (the same page from
                // another feed) is that story: the server hears so at the next push.
                let (read_here, kept_here): (bool, bool) =
                    here.query_row([article_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                if item.read {
                    read.execute(params![article_id, true])?;
                } else if read_here {
                    enqueue_item_change_in(&tx, article_id, ItemChange::Read)?;
                }
                if item.starred {
                    star.execute(params![article_id, at])?;
                } else if kept_here {
                    enqueue_item_change_in(&tx, article_id, ItemChange::Star)?;
                }
            }
        }
        tx.commit()?;
        Ok(result)
    }

    /// Where the next item listing starts (`ot`, seconds).
    pub fn set_account_items_since(&mut self, account_id: i64, since: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE accounts SET items_since = ?2 WHERE id = ?1",
            params![account_id, since],
        )?;
        Ok(())
    }

    /// Where the next item listing starts (`ot`, seconds; 0 before the first sync).
    pub fn account_items_since(&self, account_id: i64) -> Result<i64> {
        self.conn
            .query_row(
                "SELECT items_since FROM accounts WHERE id = ?1",
                [account_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "account",
                id: account_id,
            })
    }

    /// Applies the server's read and starred state (every unread and every starred item id):
    /// a story's state changes here only where it changed on the server since the last sync,
    /// and never while a change of the same story made here is still queued.
    pub fn apply_account_states(
        &mut self,
        account_id: i64,
        unread: &HashSet<String>,
        starred: &HashSet<String>,
    ) -> Result<StateChanges> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut queued_read = HashSet::new();
        let mut queued_star = HashSet::new();
        let mut queued_streams = HashSet::new();
        // A folder's or the whole account's "mark all read" still queued: no read state of
        // the account changes until it is sent.
        let mut queued_all = false;
        {
            let mut stmt = tx.prepare(
                "SELECT action, item_id, stream_id FROM account_outbox WHERE account_id = ?1",
            )?;
            let rows = stmt.query_map([account_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?;
            for row in rows {
                match row? {
                    (action, Some(item), _) if action == "read" || action == "unread" => {
                        queued_read.insert(item);
                    }
                    (_, Some(item), _) => {
                        queued_star.insert(item);
                    }
                    (action, None, Some(stream)) if action == "mark-all-read" => {
                        queued_streams.insert(stream);
                    }
                    (action, None, None) if action == "mark-all-read" => queued_all = true,
                    _ => {}
                }
            }
        }
        struct Known {
            item: String,
            article: i64,
            server_read: bool,
            server_starred: bool,
            read: bool,
            bookmarked: bool,
            stream: Option<String>,
        }
        let rows: Vec<Known> = {
            let mut stmt = tx.prepare(
                "SELECT ai.item_id, ai.article_id, ai.server_read, ai.server_starred, s.read,
                    a.bookmarked, af.stream_id
                 FROM account_items ai JOIN articles a ON a.id = ai.article_id
                 JOIN article_status s ON s.article_id = a.id
                 LEFT JOIN account_feeds af ON af.feed_id = a.feed_id
                 WHERE ai.account_id = ?1",
            )?;
            let rows = stmt.query_map([account_id], |r| {
                Ok(Known {
                    item: r.get(0)?,
                    article: r.get(1)?,
                    server_read: r.get(2)?,
                    server_starred: r.get(3)?,
                    read: r.get(4)?,
                    bookmarked: r.get(5)?,
                    stream: r.get(6)?,
                })
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut changes = StateChanges::default();
        {
            let mut set_read =
                tx.prepare_cached("UPDATE article_status SET read = ?2 WHERE article_id = ?1")?;
            let mut server_read = tx.prepare_cached(
                "UPDATE account_items SET server_read = ?3 WHERE account_id = ?1 AND item_id = ?2",
            )?;
            let mut set_star = tx.prepare_cached(
                "UPDATE articles SET bookmarked = ?2,
                    bookmarked_at = CASE WHEN ?2 THEN coalesce(bookmarked_at, ?3) ELSE NULL END
                 WHERE id = ?1",
            )?;
            let mut server_star = tx.prepare_cached(
                "UPDATE account_items SET server_starred = ?3
                 WHERE account_id = ?1 AND item_id = ?2",
            )?;
            let at = now();
            for known in rows {
                let item = &known.item;
                let is_read = !unread.contains(item);
                let is_starred = starred.contains(item);
                let stream_queued = queued_all
                    || known
                        .stream
                        .as_ref()
                        .is_some_and(|s| queued_streams.contains(s));
                if is_read != known.server_read && !queued_read.contains(item) && !stream_queued {
                    server_read.execute(params![account_id, item, is_read])?;
                    if known.read != is_read {
                        set_read.execute(params![known.article, is_read])?;
                        if is_read {
                            changes.read += 1;
                        } else {
                            changes.unread += 1;
                        }
                    }
                }
                if is_starred != known.server_starred && !queued_star.contains(item) {
                    server_star.execute(params![account_id, item, is_starred])?;
                    if known.bookmarked != is_starred {
                        set_star.execute(params![known.article, is_starred, at])?;
                        if is_starred {
                            changes.starred += 1;
                        } else {
                            changes.unstarred += 1;
                        }
                    }
                }
            }
        }
        tx.commit()?;
        Ok(changes)
    }
}

/// A change to one story's state, as queued for its server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemChange {
    Read,
    Unread,
    Star,
    Unstar,
}

impl ItemChange {
    fn action(self) -> &'static str {
        match self {
            ItemChange::Read => "read",
            ItemChange::Unread => "unread",
            ItemChange::Star => "star",
            ItemChange::Unstar => "unstar",
        }
    }
}

fn account_streams_in(
    conn: &rusqlite::Connection,
    account_id: i64,
) -> Result<HashMap<String, i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT stream_id, feed_id FROM account_feeds WHERE account_id = ?1")?;
    let rows = stmt.query_map([account_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Queues `change` of an article for its account's server; nothing for a local story. Runs
/// inside the caller's transaction, which makes the change itself.
pub(crate) fn enqueue_item_change_in(
    tx: &Transaction<'_>,
    article_id: i64,
    change: ItemChange,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO account_outbox(account_id, action, item_id, created_at)
         SELECT account_id, ?2, item_id, ?3 FROM account_items WHERE article_id = ?1",
    )?
    .execute(params![article_id, change.action(), now()])?;
    Ok(())
}

/// What a "mark read" covers, for its account's server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReadScope<'a> {
    /// Some stories (a date range, the bookmarks): each is queued.
    Stories,
    /// Whole feeds up to what the person saw: one "mark all read" per feed.
    Feeds,
    /// A whole folder: one per account, on the server's folder of that name.
    Folder(&'a str),
    /// Everything: one per account.
    Everything,
}

/// Queues marking read the stories `marked` selects (a condition on `article_status s`, with its
/// `params`), before the caller's transaction marks them. Whole feeds, folders or accounts go
/// as one "mark all read" each, up to the server time of the newest story marked (the
/// server's own call is far cheaper than naming every story); other stories one by one.
pub(crate) fn enqueue_marked_read_in(
    tx: &Transaction<'_>,
    marked: &str,
    params: &[&dyn ToSql],
    scope: ReadScope<'_>,
) -> Result<()> {
    let any: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM account_items)", [], |r| {
        r.get(0)
    })?;
    if !any {
        return Ok(());
    }
    let at = now();
    let stories = format!(
        "FROM (SELECT s.article_id, s.feed_id FROM article_status s WHERE {marked}) m
         JOIN account_items ai ON ai.article_id = m.article_id"
    );
    let sql = match scope {
        ReadScope::Stories => format!(
            "INSERT INTO account_outbox(account_id, action, item_id, created_at)
             SELECT ai.account_id, 'read', ai.item_id, {at} {stories}
             ORDER BY m.article_id"
        ),
        ReadScope::Feeds => format!(
            "INSERT INTO account_outbox(account_id, action, stream_id, ts_usec, created_at)
             SELECT af.account_id, 'mark-all-read', af.stream_id, max(ai.crawled_usec), {at}
             {stories} JOIN account_feeds af ON af.feed_id = m.feed_id
             GROUP BY af.feed_id ORDER BY af.feed_id"
        ),
        // The folder's name goes first: its `?` comes before the condition's.
        ReadScope::Folder(_) => format!(
            "INSERT INTO account_outbox(account_id, action, folder, ts_usec, created_at)
             SELECT ai.account_id, 'mark-all-read', ?, max(ai.crawled_usec), {at}
             {stories} GROUP BY ai.account_id ORDER BY ai.account_id"
        ),
        ReadScope::Everything => format!(
            "INSERT INTO account_outbox(account_id, action, ts_usec, created_at)
             SELECT ai.account_id, 'mark-all-read', max(ai.crawled_usec), {at}
             {stories} GROUP BY ai.account_id ORDER BY ai.account_id"
        ),
    };
    match scope {
        ReadScope::Folder(name) => {
            let mut all: Vec<&dyn ToSql> = vec![&name];
            all.extend_from_slice(params);
            tx.execute(&sql, all.as_slice())?
        }
        _ => tx.execute(&sql, params)?,
    };
    Ok(())
}

/// A change to an account's feed, as queued for its server.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FeedChange<'a> {
    Rename(&'a str),
    Move { to: Option<&'a str> },
    Unsubscribe,
}

/// Queues `change` of a feed for its account's server; nothing for a local feed. Call it
/// inside the caller's transaction before the change is made (a move needs the old folder).
pub(crate) fn enqueue_feed_change_in(
    tx: &Transaction<'_>,
    feed_id: i64,
    change: FeedChange<'_>,
) -> Result<()> {
    let Some((account_id, stream_id, old_folder)) = tx
        .query_row(
            "SELECT af.account_id, af.stream_id, d.name FROM account_feeds af
             JOIN feeds f ON f.id = af.feed_id LEFT JOIN folders d ON d.id = f.folder_id
             WHERE af.feed_id = ?1",
            [feed_id],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            },
        )
        .optional()?
    else {
        return Ok(());
    };
    let at = now();
    match change {
        FeedChange::Rename(title) => tx.execute(
            "INSERT INTO account_outbox(account_id, action, stream_id, title, created_at)
             VALUES (?1, 'rename', ?2, ?3, ?4)",
            params![account_id, stream_id, title, at],
        )?,
        FeedChange::Move { to } => tx.execute(
            "INSERT INTO account_outbox(account_id, action, stream_id, folder, old_folder,
                created_at)
             VALUES (?1, 'move', ?2, ?3, ?4, ?5)",
            params![account_id, stream_id, to, old_folder, at],
        )?,
        FeedChange::Unsubscribe => tx.execute(
            "INSERT INTO account_outbox(account_id, action, stream_id, created_at)
             VALUES (?1, 'unsubscribe', ?2, ?3)",
            params![account_id, stream_id, at],
        )?,
    };
    Ok(())
}
