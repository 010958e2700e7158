//! The data half of an upgrade: rewriting every story into the form a schema step introduced,
//! too long for the step's own transaction on a large library.
//!
//! A schema step changes the schema at once and lists its backfills in `upgrade_backfills`;
//! readers cope with both forms (schema step 9's generated columns read `body` or the old
//! column). The backfill then rewrites rows in id order, a batch per transaction with its
//! place (`after`) saved in the same transaction, so a kill loses at most the batch in flight
//! and the next run starts after the last one committed. Each batch frees the old columns'
//! pages, which the next batches reuse: the file never grows by more than a batch. No whole
//! table is copied and nothing is vacuumed here (`tidings vacuum` gives the freed pages back
//! to the file system afterwards).

use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

use super::{Library, Result};

/// Where the upgrade's backfill stands, in stories and revisions rewritten.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct UpgradeProgress {
    pub done: u64,
    pub total: u64,
}

impl UpgradeProgress {
    /// Whether nothing is left to do.
    pub fn finished(&self) -> bool {
        self.done >= self.total
    }
}

/// Rows rewritten per transaction: a few megabytes of text, a fraction of a second, so a
/// reader or a sync waiting for the write lock waits no longer than that.
pub const UPGRADE_BATCH: usize = 200;

/// What one batch of a backfill did: rows rewritten, and the last one's id (`None`: no row was
/// left).
struct Batch {
    rows: u64,
    last: Option<i64>,
}

/// A backfill: the table it rewrites, counted how, and the statements of one batch.
struct Backfill {
    table: &'static str,
    /// Counts rows in an id range without reading the (large) rows themselves.
    count: &'static str,
    /// Schema step 9: the next `?3` rows after id `?1` up to `?2`: id, whether the row is in
    /// the old form, and its old text, HTML and teaser columns.
    select: &'static str,
    /// The row `?1` with its texts in one compressed body `?2` (`NULL` for a row a sync already
    /// rewrote, which keeps its body): the old columns are emptied.
    update: &'static str,
}

const BACKFILLS: &[Backfill] = &[
    Backfill {
        table: "articles",
        count: "SELECT count(*) FROM article_status WHERE article_id > ?1 AND article_id <= ?2",
        select: "SELECT id, body IS NULL, content_text_uncompressed, content_html_uncompressed,
                    teaser_html_uncompressed
                 FROM articles WHERE id > ?1 AND id <= ?2 ORDER BY id LIMIT ?3",
        update: "UPDATE articles SET body = coalesce(body, ?2), content_text_uncompressed = NULL,
                    content_html_uncompressed = NULL, teaser_html_uncompressed = NULL,
                    search_cjk_uncompressed = ''
                 WHERE id = ?1",
    },
    Backfill {
        table: "article_revisions",
        count: "SELECT count(*) FROM article_revisions INDEXED BY article_revisions_article
                WHERE id > ?1 AND id <= ?2",
        select:
            "SELECT id, body IS NULL, content_text_uncompressed, content_html_uncompressed, NULL
                 FROM article_revisions WHERE id > ?1 AND id <= ?2 ORDER BY id LIMIT ?3",
        update: "UPDATE article_revisions SET body = coalesce(body, ?2),
                    content_text_uncompressed = NULL, content_html_uncompressed = NULL
                 WHERE id = ?1",
    },
];

/// One row as the backfill reads it: id, whether it is in the old form, text, HTML, teaser.
type OldRow = (i64, bool, Option<String>, Option<String>, Option<String>);

/// Rewrites the next `rows` rows of `backfill` after id `after` (up to `until`).
fn rewrite(
    tx: &Transaction<'_>,
    backfill: &Backfill,
    after: i64,
    until: i64,
    rows: usize,
) -> Result<Batch> {
    let mut select = tx.prepare_cached(backfill.select)?;
    let mut update = tx.prepare_cached(backfill.update)?;
    let found = select
        .query_map(params![after, until, rows as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<Vec<OldRow>>>()?;
    let mut last = None;
    for (id, old_form, text, html, teaser) in &found {
        let body = if *old_form {
            Some(super::body::encode(
                text.as_deref(),
                html.as_deref(),
                teaser.as_deref(),
            )?)
        } else {
            None
        };
        update.execute(params![id, body])?;
        last = Some(*id);
    }
    Ok(Batch {
        rows: found.len() as u64,
        last,
    })
}

impl Library {
    /// How far the upgrade's backfill is; `None` when the library is in its final form.
    pub fn upgrade_pending(&self) -> Result<Option<UpgradeProgress>> {
        let mut progress = UpgradeProgress::default();
        let mut any = false;
        for backfill in BACKFILLS {
            let Some((after, until)) = self.backfill_place(backfill.table)? else {
                continue;
            };
            any = true;
            let count = |from: i64, to: i64| -> Result<u64> {
                Ok(self
                    .conn
                    .query_row(backfill.count, params![from, to], |r| r.get::<_, i64>(0))?
                    as u64)
            };
            let done = count(0, after)?;
            progress.done += done;
            progress.total += done + count(after, until)?;
        }
        Ok(any.then_some(progress))
    }

    fn backfill_place(&self, table: &str) -> Result<Option<(i64, i64)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT after, until FROM upgrade_backfills WHERE name = ?1",
                [table],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Rewrites up to `rows` rows of the backfill in one transaction (which saves its place).
    /// Returns how many were rewritten, `None` when nothing was left to do.
    pub fn upgrade_batch(&mut self, rows: usize) -> Result<Option<u64>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut rewritten = None;
        for backfill in BACKFILLS {
            let place: Option<(i64, i64)> = tx
                .query_row(
                    "SELECT after, until FROM upgrade_backfills WHERE name = ?1",
                    [backfill.table],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((after, until)) = place else {
                continue;
            };
            let batch = rewrite(&tx, backfill, after, until, rows.max(1))?;
            match batch.last {
                Some(last) if last < until => {
                    tx.execute(
                        "UPDATE upgrade_backfills SET after = ?2 WHERE name = ?1",
                        params![backfill.table, last],
                    )?;
                }
                _ => {
                    tx.execute(
                        "DELETE FROM upgrade_backfills WHERE name = ?1",
                        [backfill.table],
                    )?;
                }
            }
            rewritten = Some(batch.rows);
            // One table per batch: the next batch goes on where this one stopped.
            break;
        }
        tx.commit()?;
        Ok(rewritten)
    }

    /// Runs the backfill to its end in batches of [`UPGRADE_BATCH`], telling `progress` after
    /// each. Killed at any moment, the next call goes on from the last batch committed.
    pub fn finish_upgrade(&mut self, progress: &mut dyn FnMut(UpgradeProgress)) -> Result<()> {
        let Some(mut at) = self.upgrade_pending()? else {
            return Ok(());
        };
        progress(at);
        while let Some(rewritten) = self.upgrade_batch(UPGRADE_BATCH)? {
            at.done = (at.done + rewritten).min(at.total);
            progress(at);
        }
        at.done = at.total;
        progress(at);
        Ok(())
    }
}
