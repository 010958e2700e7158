//! How search ranks the stories a query matches: Okapi BM25 as FTS5's own `bm25()` computes it,
//! but with each phrase's rarity (its IDF) given by the caller.
//!
//! FTS5's `bm25()` counts, for every query, how many stories in the whole index hold each
//! phrase: a walk of every match. On a million stories that walk costs 50–100 ms for a common
//! word or a prefix, though only the newest thousand matches are ranked. `tidings_rank` is
//! registered on every connection as an FTS5 auxiliary function; search estimates the IDFs
//! from the newest matches (or gives none for a one-phrase query, whose order the IDF cannot
//! change) and passes them in.
//!
//! This is the store's only `unsafe` code: FTS5 offers auxiliary functions through its C API
//! alone (rusqlite has no wrapper for them).

use std::ffi::{c_int, c_void, CStr};

use rusqlite::ffi;
use rusqlite::Connection;

/// The SQL name: `tidings_rank(articles_fts, idf_1, …, idf_n)`, one IDF per phrase of the
/// query (all taken as 1 when their number is not the query's phrase count). Lower is better,
/// like `bm25()`.
pub(crate) const RANK_FUNCTION: &str = "tidings_rank";

/// The weight of a match in each column of `articles_fts` (title, author, text, CJK pairs):
/// a title match counts most.
pub(crate) const COLUMN_WEIGHTS: [f64; 4] = [8.0, 2.0, 1.0, 1.0];

/// BM25's term-frequency saturation and length normalization, FTS5's values.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The IDF of a phrase held by `holding` of `stories` stories, as FTS5's `bm25()` computes it
/// (never below a small positive floor, so a word in most stories still counts a little).
pub(crate) fn idf(stories: f64, holding: f64) -> f64 {
    let idf = ((stories - holding + 0.5) / (holding + 0.5)).ln();
    idf.max(1e-6)
}

/// The BM25 score of one story (higher is better): `weighted_hits[p]` is phrase `p`'s matches
/// weighted by column, `length` the story's tokens, `average` the mean over all stories.
pub(crate) fn bm25(weighted_hits: &[f64], idfs: &[f64], length: f64, average: f64) -> f64 {
    let norm = K1 * (1.0 - B + B * length / average.max(1.0));
    weighted_hits
        .iter()
        .zip(idfs)
        .map(|(f, idf)| idf * (f * (K1 + 1.0)) / (f + norm))
        .sum()
}

/// Registers [`RANK_FUNCTION`] on `conn`.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    let api = fts5_api(conn)?;
    let name = c"tidings_rank";
    debug_assert_eq!(name.to_str().ok(), Some(RANK_FUNCTION));
    // SAFETY: `api` is the connection's live FTS5 API (checked non-null and of a version with
    // xCreateFunction); the name is a static C string; the function keeps no user data.
    let rc = unsafe {
        let create = (*api).xCreateFunction.ok_or_else(no_fts5)?;
        create(api, name.as_ptr(), std::ptr::null_mut(), Some(rank), None)
    };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(rusqlite::Error::SqliteFailure(ffi::Error::new(rc), None))
    }
}

fn no_fts5() -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(
        ffi::Error::new(ffi::SQLITE_ERROR),
        Some("this SQLite has no FTS5 API".into()),
    )
}

/// The connection's `fts5_api`, got the documented way: `SELECT fts5(?1)` with a pointer bound.
fn fts5_api(conn: &Connection) -> rusqlite::Result<*mut ffi::fts5_api> {
    let mut api: *mut ffi::fts5_api = std::ptr::null_mut();
    let sql = c"SELECT fts5(?1)";
    let kind: &CStr = c"fts5_api_ptr";
    // SAFETY: the statement is prepared, bound, stepped and finalized on this connection's
    // handle while `conn` is borrowed; `api` outlives the statement, which writes through the
    // bound pointer during the step only.
    let rc = unsafe {
        let db = conn.handle();
        let mut stmt: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
        let mut rc = ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, std::ptr::null_mut());
        if rc == ffi::SQLITE_OK {
            rc = ffi::sqlite3_bind_pointer(
                stmt,
                1,
                (&mut api as *mut *mut ffi::fts5_api).cast::<c_void>(),
                kind.as_ptr(),
                None,
            );
            if rc == ffi::SQLITE_OK {
                rc = ffi::sqlite3_step(stmt);
            }
        }
        ffi::sqlite3_finalize(stmt);
        rc
    };
    if rc != ffi::SQLITE_ROW && rc != ffi::SQLITE_DONE && rc != ffi::SQLITE_OK {
        return Err(rusqlite::Error::SqliteFailure(ffi::Error::new(rc), None));
    }
    // SAFETY: non-null means SQLite wrote its FTS5 API's address, valid for the connection.
    if api.is_null() || unsafe { (*api).iVersion } < 2 {
        return Err(no_fts5());
    }
    Ok(api)
}

/// The auxiliary function itself; see [`RANK_FUNCTION`]. Never panics (it runs inside SQLite).
unsafe extern "C" fn rank(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    n_args: c_int,
    args: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: SQLite calls this with its live extension API, the row's FTS5 context and the
    // call's `n_args` arguments.
    let score = unsafe { score(&*api, fts, n_args, args) };
    match score {
        Some(score) => unsafe { ffi::sqlite3_result_double(ctx, -score) },
        None => unsafe {
            ffi::sqlite3_result_error(ctx, c"tidings_rank: FTS5 failed".as_ptr(), -1);
        },
    }
}

/// This row's BM25 score, or `None` where FTS5 reports an error.
unsafe fn score(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    n_args: c_int,
    args: *mut *mut ffi::sqlite3_value,
) -> Option<f64> {
    let ok = |rc: c_int| (rc == ffi::SQLITE_OK).then_some(());
    // SAFETY (whole body): every call is one of FTS5's extension API functions on the context
    // it gave, with out-pointers to locals; `args` holds `n_args` values.
    unsafe {
        let phrases = usize::try_from((api.xPhraseCount?)(fts)).ok()?;
        let mut stories: i64 = 0;
        ok((api.xRowCount?)(fts, &mut stories))?;
        let mut all_tokens: i64 = 0;
        ok((api.xColumnTotalSize?)(fts, -1, &mut all_tokens))?;
        let mut length: c_int = 0;
        ok((api.xColumnSize?)(fts, -1, &mut length))?;
        let mut instances: c_int = 0;
        ok((api.xInstCount?)(fts, &mut instances))?;
        let mut hits = vec![0.0; phrases];
        for i in 0..instances {
            let (mut phrase, mut column, mut offset) = (0, 0, 0);
            ok((api.xInst?)(fts, i, &mut phrase, &mut column, &mut offset))?;
            let weight = usize::try_from(column)
                .ok()
                .and_then(|c| COLUMN_WEIGHTS.get(c))
                .copied()
                .unwrap_or(1.0);
            if let Some(h) = usize::try_from(phrase).ok().and_then(|p| hits.get_mut(p)) {
                *h += weight;
            }
        }
        let given = usize::try_from(n_args).unwrap_or(0);
        let idfs: Vec<f64> = if given == phrases && !args.is_null() {
            (0..given)
                .map(|i| ffi::sqlite3_value_double(*args.add(i)))
                .collect()
        } else {
            vec![1.0; phrases]
        };
        let average = all_tokens as f64 / (stories.max(1)) as f64;
        Some(bm25(&hits, &idfs, f64::from(length), average))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Extraction, IncomingArticle, Library, NewFeed};

    /// With the true IDFs, `tidings_rank` scores every story as FTS5's `bm25()` does (with the
    /// index's column weights): the ranking is bm25's, only cheaper.
    #[test]
    fn with_exact_idfs_it_scores_as_fts5_bm25() {
        let dir = crate::scratch::scratch_dir("rank");
        let mut lib = Library::open(&dir.join("library.sqlite")).unwrap();
        let (feed, _) = lib
            .add_feed(&NewFeed {
                url: "https://rank.example/feed".into(),
                ..NewFeed::default()
            })
            .unwrap();
        let long = "a long story about nothing much at all, ".repeat(20);
        let texts = [
            ("Harbour ferry", "the ferry left the harbour at dawn"),
            (
                "Council",
                "the council met; ferry fares rise, ferry fares rise again",
            ),
            (
                "Weather",
                "rain over the harbour, wind over the hills, and more rain",
            ),
            ("Ferry ferry", long.as_str()),
            ("Markets", "prices of fish at the harbour market"),
        ];
        // Stories without the words, so that their IDFs are well above FTS5's floor.
        let filler: Vec<(String, String)> = (0..12)
            .map(|i| {
                (
                    format!("Gardens {i}"),
                    format!("roses and tulips, bed number {i}"),
                )
            })
            .collect();
        let texts: Vec<(&str, &str)> = texts
            .into_iter()
            .chain(filler.iter().map(|(t, x)| (t.as_str(), x.as_str())))
            .collect();
        let items: Vec<IncomingArticle> = texts
            .iter()
            .enumerate()
            .map(|(i, (title, text))| IncomingArticle {
                item_key: format!("s{i}"),
                title: title.to_string(),
                author: Some(if i == 2 { "Ferry Desk" } else { "Staff" }.into()),
                published_at: Some(1_700_000_000 + i as i64),
                content_text: Some(text.to_string()),
                extraction: Extraction::Feed,
                ..IncomingArticle::default()
            })
            .collect();
        lib.store_feed_result(feed, &Default::default(), &items)
            .unwrap();
        let stories = texts.len() as f64;
        for query in ["\"ferry\"", "\"ferry\" \"harbour\"", "\"ferr\"* \"rain\""] {
            let holding: Vec<f64> = query
                .split(' ')
                .map(|phrase| {
                    lib.conn
                        .query_row(
                            "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1",
                            [phrase],
                            |r| r.get::<_, f64>(0),
                        )
                        .unwrap()
                })
                .collect();
            let idfs: Vec<f64> = holding.iter().map(|h| idf(stories, *h)).collect();
            let args: String = (0..idfs.len()).map(|i| format!(", ?{}", i + 2)).collect();
            let weights: String = COLUMN_WEIGHTS.iter().map(|w| format!(", {w:.1}")).collect();
            let mut stmt = lib
                .conn
                .prepare(&format!(
                    "SELECT bm25(articles_fts{weights}), {RANK_FUNCTION}(articles_fts{args})
                     FROM articles_fts WHERE articles_fts MATCH ?1"
                ))
                .unwrap();
            let mut params: Vec<&dyn rusqlite::ToSql> = vec![&query];
            params.extend(idfs.iter().map(|v| v as &dyn rusqlite::ToSql));
            let scores: Vec<(f64, f64)> = stmt
                .query_map(params.as_slice(), |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            assert!(!scores.is_empty(), "{query} matched nothing");
            for (theirs, ours) in scores {
                assert!(
                    (theirs - ours).abs() < 1e-9,
                    "{query}: bm25 {theirs}, ours {ours}"
                );
            }
        }
    }

    #[test]
    fn rarer_phrases_and_shorter_stories_score_higher() {
        assert!(idf(1000.0, 10.0) > idf(1000.0, 500.0));
        assert!(idf(1000.0, 999.0) > 0.0);
        let idfs = [1.0];
        assert!(bm25(&[2.0], &idfs, 100.0, 200.0) > bm25(&[2.0], &idfs, 400.0, 200.0));
        assert!(bm25(&[3.0], &idfs, 100.0, 100.0) > bm25(&[1.0], &idfs, 100.0, 100.0));
    }
}
