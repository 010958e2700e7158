//! Feeds and folders: subscriptions and their fetch state.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use super::{now, Library, Result, StoreError};

/// A subscription as the UI and the CLI show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Feed {
    pub id: i64,
    pub url: String,
    pub site_url: Option<String>,
    /// The name to show: the user's own title if set, else the feed's.
    pub title: String,
    pub folder: Option<String>,
    /// `active`, `gone` or `unsubscribed`.
    pub status: String,
    pub trusted_host: bool,
    pub format: Option<String>,
    pub parse_report: Option<String>,
    pub last_success_at: Option<i64>,
    pub last_error: Option<String>,
    /// Why the last fetch failed, as the sync's word for it (`sync::FailureKind`:
    /// "readers-refused", "http", …); `None` when it did not fail, or failed before the
    /// library kept the word (schema step 11).
    pub last_error_kind: Option<String>,
    pub error_count: i64,
    pub next_attempt_at: Option<i64>,
    pub unread: i64,
    pub total: i64,
    /// The feed's icon as an offline `src` (`tidings-img://localhost/KEY`) once it is stored;
    /// `None` before (or when the feed and its site have none).
    pub icon: Option<String>,
    /// The reader-server account the feed belongs to; `None` for a local subscription.
    pub account_id: Option<i64>,
    /// That account's name (`user@host`).
    pub account: Option<String>,
}

/// A subscription to add.
#[derive(Debug, Clone, Default)]
pub struct NewFeed {
    pub url: String,
    pub title: Option<String>,
    pub site_url: Option<String>,
    pub folder: Option<String>,
    /// The user named this URL directly, so a private or loopback host is allowed for it.
    pub trusted_host: bool,
}

// An account's feed shows the feed URL its server gives (see schema step 6).
const FEED_COLUMNS: &str =
    "f.id, coalesce(af.url, f.url), f.site_url, coalesce(f.custom_title, nullif(f.title, ''), af.url, f.url),
    d.name, f.status, f.trusted_host, f.format, f.parse_report, f.last_success_at, f.last_error,
    f.error_count, f.next_attempt_at,
    coalesce(fc.unread, 0), coalesce(fc.stories, 0),
    (SELECT i.key FROM images i WHERE i.key = f.icon_key AND i.status = 'ok'),
    af.account_id, (SELECT name FROM accounts WHERE id = af.account_id), f.last_error_kind";

/// The joins [`FEED_COLUMNS`] reads from, after `feeds f`.
const FEED_JOINS: &str = "LEFT JOIN folders d ON d.id = f.folder_id
    LEFT JOIN account_feeds af ON af.feed_id = f.id LEFT JOIN feed_counts fc ON fc.feed_id = f.id";

fn feed_from_row(r: &Row<'_>) -> rusqlite::Result<Feed> {
    Ok(Feed {
        id: r.get(0)?,
        url: r.get(1)?,
        site_url: r.get(2)?,
        title: r.get(3)?,
        folder: r.get(4)?,
        status: r.get(5)?,
        trusted_host: r.get(6)?,
        format: r.get(7)?,
        parse_report: r.get(8)?,
        last_success_at: r.get(9)?,
        last_error: r.get(10)?,
        last_error_kind: r.get(18)?,
        error_count: r.get(11)?,
        next_attempt_at: r.get(12)?,
        unread: r.get(13)?,
        total: r.get(14)?,
        icon: r
            .get::<_, Option<String>>(15)?
            .map(|key| crate::images::image_src_for_key(&key)),
        account_id: r.get(16)?,
        account: r.get(17)?,
    })
}

impl Library {
    /// Subscriptions (not the unsubscribed ones), by folder then title.
    pub fn feeds(&self) -> Result<Vec<Feed>> {
        let sql = format!(
            "SELECT {FEED_COLUMNS} FROM feeds f {FEED_JOINS}
             WHERE f.status != 'unsubscribed'
             ORDER BY d.position, d.name, lower(coalesce(f.custom_title, nullif(f.title, ''), f.url))"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], feed_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// One feed by id.
    pub fn feed(&self, id: i64) -> Result<Feed> {
        let sql = format!("SELECT {FEED_COLUMNS} FROM feeds f {FEED_JOINS} WHERE f.id = ?1");
        self.conn
            .query_row(&sql, [id], feed_from_row)
            .optional()?
            .ok_or(StoreError::NotFound { what: "feed", id })
    }

    /// Adds a subscription, or re-activates an existing one with the same URL. Returns its id
    /// and whether it is new.
    pub fn add_feed(&mut self, new: &NewFeed) -> Result<(i64, bool)> {
        let tx = self.conn.transaction()?;
        let result = add_feed_in(&tx, new)?;
        tx.commit()?;
        Ok(result)
    }

    /// Adds many subscriptions in one transaction (an OPML import): all or nothing. Returns
    /// how many were new.
    pub fn add_feeds(&mut self, feeds: &[NewFeed]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut added = 0;
        for new in feeds {
            if add_feed_in(&tx, new)?.1 {
                added += 1;
            }
        }
        tx.commit()?;
        Ok(added)
    }

    /// Subscriptions with their folder, for an OPML export (not the Saved source).
    pub fn feeds_for_export(&self) -> Result<Vec<NewFeed>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT coalesce(af.url, f.url), coalesce(f.custom_title, nullif(f.title, '')), f.site_url, d.name
             FROM feeds f {FEED_JOINS}
             WHERE f.status NOT IN ('unsubscribed', 'saved')
             ORDER BY d.position, d.name, f.id"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(NewFeed {
                url: r.get(0)?,
                title: r.get(1)?,
                site_url: r.get(2)?,
                folder: r.get(3)?,
                trusted_host: false,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Folder names in display order.
    pub fn folders(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM folders ORDER BY position, name")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

fn add_feed_in(tx: &rusqlite::Transaction<'_>, new: &NewFeed) -> Result<(i64, bool)> {
    let folder_id = match new
        .folder
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
    {
        Some(name) => Some(folder_id_in(tx, name)?),
        None => None,
    };
    let existing: Option<i64> = tx
        .query_row("SELECT id FROM feeds WHERE url = ?1", [&new.url], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(match existing {
        Some(id) => {
            tx.execute(
                "UPDATE feeds SET status = 'active',
                    folder_id = coalesce(?2, folder_id),
                    trusted_host = max(trusted_host, ?3)
                 WHERE id = ?1",
                params![id, folder_id, new.trusted_host],
            )?;
            (id, false)
        }
        None => {
            tx.execute(
                "INSERT INTO feeds(url, title, site_url, folder_id, trusted_host, created_at)
                 VALUES (?1, coalesce(?2, ''), ?3, ?4, ?5, ?6)",
                params![
                    new.url,
                    new.title,
                    new.site_url,
                    folder_id,
                    new.trusted_host,
                    now()
                ],
            )?;
            (tx.last_insert_rowid(), true)
        }
    })
}

/// The id of the folder named `name`, created if missing.
pub(crate) fn folder_id_in(tx: &rusqlite::Transaction<'_>, name: &str) -> Result<i64> {
    tx.execute(
        "INSERT INTO folders(name, position)
         VALUES (?1, (SELECT coalesce(max(position), 0) + 1 FROM folders))
         ON CONFLICT(name) DO NOTHING",
        [name],
    )?;
    Ok(
        tx.query_row("SELECT id FROM folders WHERE name = ?1", [name], |r| {
            r.get(0)
        })?,
    )
}
