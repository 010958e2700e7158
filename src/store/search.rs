//! Full-text search over the library: words (bm25-ranked, prefix `econ*`, phrases `"rate cut"`)
//! and substrings for scripts without spaces (Chinese, Japanese, Korean) through the trigram
//! index. Snippets come back as plain-text pieces marked hit or not, so no caller ever has to
//! put markup from article text into a page.

use rusqlite::params;
use serde::Serialize;

use super::articles::{story_from_row, StoryRow, STATUS_JOIN, STORY_COLUMNS};
use super::rank::{idf, RANK_FUNCTION};
use super::{Library, Result};
use crate::text::is_cjk;

/// One piece of a snippet: text, and whether it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// A search result: the story's row and where it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchHit {
    pub article: StoryRow,
    pub snippet: Vec<SnippetPart>,
}

/// How many of the newest matches bm25 ranks (news readers look for recent stories; this bounds
/// a query that matches the whole library).
const RANKED_MATCHES: usize = 1000;

const HIT_START: char = '\u{E000}';
const HIT_END: char = '\u{E001}';

/// A term of a user's query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Term {
    Word { text: String, prefix: bool },
    Phrase(String),
}

/// Splits a user's query into words and quoted phrases; FTS5 syntax characters are dropped,
/// so no input is ever an FTS syntax error.
pub(super) fn terms(query: &str) -> Vec<Term> {
    let mut out = Vec::new();
    let mut rest = query;
    while let Some(start) = rest.find('"') {
        push_words(&rest[..start], &mut out);
        let after = &rest[start + 1..];
        match after.find('"') {
            Some(end) => {
                let phrase = clean(&after[..end]);
                if !phrase.is_empty() {
                    out.push(Term::Phrase(phrase));
                }
                rest = &after[end + 1..];
            }
            None => {
                rest = after;
                break;
            }
        }
    }
    push_words(rest, &mut out);
    out
}

fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '\'' || c == '-' {
                c
            } else {
                ' '
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn push_words(text: &str, out: &mut Vec<Term>) {
    for raw in text.split_whitespace() {
        let prefix = raw.ends_with('*');
        for word in clean(raw).split_whitespace() {
            out.push(Term::Word {
                text: word.to_string(),
                prefix,
            });
        }
    }
}

fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

fn snippet_parts(marked: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut hit = false;
    let mut current = String::new();
    for c in marked.chars() {
        if c == HIT_START || c == HIT_END {
            if !current.is_empty() {
                parts.push(SnippetPart {
                    text: std::mem::take(&mut current),
                    hit,
                });
            }
            hit = c == HIT_START;
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        parts.push(SnippetPart { text: current, hit });
    }
    parts
}

/// A snippet around the first occurrence of `needle` (for substring matches too short for the
/// trigram index).
fn manual_snippet(text: &str, needle: &str) -> Vec<SnippetPart> {
    let found = if needle.is_empty() {
        None
    } else {
        text.find(needle)
    };
    let Some(at) = found else {
        let head: String = text.chars().take(60).collect();
        return vec![SnippetPart {
            text: head,
            hit: false,
        }];
    };
    let before: String = text[..at]
        .chars()
        .rev()
        .take(30)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = text[at + needle.len()..].chars().take(40).collect();
    vec![
        SnippetPart {
            text: format!("…{before}"),
            hit: false,
        },
        SnippetPart {
            text: needle.to_string(),
            hit: true,
        },
        SnippetPart {
            text: format!("{after}…"),
            hit: false,
        },
    ]
}

/// The overlapping character pairs of every CJK run in `text`, space-separated ("香港的" →
/// "香港 港的"); a lone CJK character stands as itself. What the search index's `cjk` column
/// holds, and how CJK query terms are turned into phrases over it.
pub(crate) fn cjk_bigrams(text: &str) -> String {
    let mut out = String::new();
    let mut run: Vec<char> = Vec::new();
    let flush = |run: &mut Vec<char>, out: &mut String| {
        if run.len() == 1 {
            out.push(run[0]);
            out.push(' ');
        }
        for pair in run.windows(2) {
            out.push(pair[0]);
            out.push(pair[1]);
            out.push(' ');
        }
        run.clear();
    };
    for c in text.chars() {
        if is_cjk(c) {
            run.push(c);
        } else if !run.is_empty() {
            flush(&mut run, &mut out);
        }
    }
    flush(&mut run, &mut out);
    out.truncate(out.trim_end().len());
    out
}

/// The columns of `articles_fts` words and phrases match.
pub(super) const ARTICLE_WORDS: &str = "{title author content_text}";
/// The columns of `highlights_fts` words and phrases match.
const HIGHLIGHT_WORDS: &str = "{exact note}";

/// The FTS5 expression for the query's terms: words and phrases match `word_columns`; CJK
/// terms match their bigrams in the `search_cjk` column (both indexes have one) as a phrase.
pub(super) fn fts_expression(terms: &[Term], word_columns: &str) -> String {
    terms
        .iter()
        .map(|t| {
            let text = match t {
                Term::Word { text, .. } | Term::Phrase(text) => text,
            };
            if text.chars().any(is_cjk) {
                let pairs = cjk_bigrams(text);
                let single = pairs.chars().count() == 1;
                let rest: String = text.chars().filter(|c| !is_cjk(*c)).collect();
                let mut expr = format!(
                    "search_cjk : {}{}",
                    quoted(&pairs),
                    if single { "*" } else { "" }
                );
                if !rest.trim().is_empty() {
                    expr = format!("({expr} AND {})", quoted(rest.trim()));
                }
                return expr;
            }
            match t {
                Term::Word { text, prefix: true } => {
                    format!("{word_columns} : {}*", quoted(text))
                }
                _ => format!("{word_columns} : {}", quoted(text)),
            }
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

impl Library {
    /// Each term's IDF for [`RANK_FUNCTION`], estimated from its newest matches: a term matched
    /// by N of the newest stories spread over a span of ids is as dense over the whole library
    /// (exact when it has fewer than [`RANKED_MATCHES`] matches). None for a one-term query:
    /// one IDF scales every score alike and cannot change the order.
    fn estimated_idfs(&self, terms: &[Term]) -> Result<Vec<f64>> {
        if terms.len() < 2 {
            return Ok(Vec::new());
        }
        let (oldest_story, newest_story): (i64, i64) = self.conn.query_row(
            // Two subqueries: SQLite finds a lone min() or max() at the end of the index, but
            // both in one query walk the whole table.
            "SELECT coalesce((SELECT min(id) FROM articles), 0),
                    coalesce((SELECT max(id) FROM articles), 0)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let stories = (newest_story - oldest_story + 1).max(1) as f64;
        let mut newest_matches = self.conn.prepare_cached(&format!(
            "SELECT count(*), coalesce(min(id), 0) FROM (
                SELECT rowid AS id FROM articles_fts WHERE articles_fts MATCH ?1
                ORDER BY rowid DESC LIMIT {RANKED_MATCHES})"
        ))?;
        terms
            .iter()
            .map(|term| {
                let expr = fts_expression(std::slice::from_ref(term), ARTICLE_WORDS);
                let (found, oldest): (i64, i64) =
                    newest_matches.query_row([expr], |r| Ok((r.get(0)?, r.get(1)?)))?;
                let holding = if found < RANKED_MATCHES as i64 {
                    found as f64
                } else {
                    found as f64 * stories / (newest_story - oldest + 1).max(1) as f64
                };
                Ok(idf(stories, holding.min(stories)))
            })
            .collect()
    }

    /// Searches titles, authors, article text, and highlights with their notes; best matches
    /// first (bm25, titles weigh most; a story matched in both ways ranks by its better match),
    /// after the stories tagged with the query.
    pub fn search(&self, query: &str, limit: i64) -> Result<Vec<SearchHit>> {
        let terms = terms(query);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let expr = fts_expression(&terms, ARTICLE_WORDS);
        let highlight_expr = fts_expression(&terms, HIGHLIGHT_WORDS);
        let idfs = self.estimated_idfs(&terms)?;
        let idf_args: String = (0..idfs.len()).map(|i| format!(", ?{}", i + 4)).collect();
        // FTS5 walks matches newest first and stops after RANKED_MATCHES; BM25 ranks those
        // (with the IDFs estimated above: see `rank`), and only the best few are joined and
        // given snippets. A word in every story costs the same as a rare one. Highlights (a
        // person's own, few) are all ranked by FTS5's own bm25. A story in several feeds is
        // one result, its shown copy (as the lists fold it), whichever copy matched.
        let sql = format!(
            "WITH recent AS (
                SELECT rowid AS id, {RANK_FUNCTION}(articles_fts{idf_args}) AS rank
                FROM articles_fts WHERE articles_fts MATCH ?1
                ORDER BY rowid DESC LIMIT {RANKED_MATCHES}),
             marked AS (
                SELECT h.article_id AS id, highlights_fts.rank AS rank
                FROM highlights_fts JOIN highlights h ON h.id = highlights_fts.rowid
                WHERE highlights_fts MATCH ?3),
             top AS (
                SELECT coalesce(st.duplicate_of, m.id) AS id, min(m.rank) AS rank
                FROM (SELECT id, rank FROM recent UNION ALL SELECT id, rank FROM marked) m
                LEFT JOIN article_status st ON st.article_id = m.id
                GROUP BY 1 ORDER BY rank LIMIT ?2)
             SELECT {columns}
             FROM top JOIN articles a ON a.id = top.id JOIN feeds f ON f.id = a.feed_id
             {STATUS_JOIN}
             ORDER BY top.rank, a.sort_at DESC",
            columns = *STORY_COLUMNS
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut args: Vec<&dyn rusqlite::ToSql> = vec![&expr, &limit, &highlight_expr];
        args.extend(idfs.iter().map(|idf| idf as &dyn rusqlite::ToSql));
        let mut stories = stmt
            .query_map(args.as_slice(), story_from_row)?
            .collect::<rusqlite::Result<Vec<StoryRow>>>()?;
        self.finish_rows(&mut stories)?;
        let cjk_needle = terms.iter().find_map(|t| match t {
            Term::Word { text, .. } | Term::Phrase(text) if text.chars().any(is_cjk) => {
                Some(text.chars().filter(|c| is_cjk(*c)).collect::<String>())
            }
            _ => None,
        });
        let mut snippet_stmt = self.conn.prepare_cached(
            "SELECT snippet(articles_fts, 2, char(57344), char(57345), '…', 16)
             FROM articles_fts WHERE articles_fts MATCH ?1 AND rowid = ?2",
        )?;
        let mut highlight_snippet_stmt = self.conn.prepare_cached(
            "SELECT snippet(highlights_fts, -1, char(57344), char(57345), '…', 16)
             FROM highlights_fts JOIN highlights h ON h.id = highlights_fts.rowid
             WHERE highlights_fts MATCH ?1 AND h.article_id = ?2 LIMIT 1",
        )?;
        // A story's text is read (decompressed) only where FTS5's snippet cannot serve.
        let mut text_stmt = self
            .conn
            .prepare_cached("SELECT content_text FROM articles WHERE id = ?1")?;
        let mut text_of = |id: i64| -> Result<String> {
            let text: Option<String> = text_stmt.query_row([id], |r| r.get(0))?;
            Ok(text.unwrap_or_default())
        };
        let mut hits = Vec::with_capacity(stories.len());
        for article in stories {
            let snippet = match &cjk_needle {
                Some(needle) => manual_snippet(&text_of(article.id)?, needle),
                None => {
                    // The story's text, else (matched by a highlight or its note) the highlight.
                    let marked: Option<String> = snippet_stmt
                        .query_row(params![expr, article.id], |r| r.get(0))
                        .ok()
                        .filter(|m: &String| m.contains(HIT_START))
                        .or_else(|| {
                            highlight_snippet_stmt
                                .query_row(params![highlight_expr, article.id], |r| r.get(0))
                                .ok()
                        });
                    match marked {
                        Some(m) if m.contains(HIT_START) => snippet_parts(&m),
                        _ => manual_snippet(&text_of(article.id)?, ""),
                    }
                }
            };
            hits.push(SearchHit { article, snippet });
        }
        // Stories tagged with the query come first: the person filed them under it.
        let mut found = self.tag_hits(query, limit)?;
        hits.retain(|hit| found.iter().all(|t| t.article.id != hit.article.id));
        found.extend(hits);
        found.truncate(usize::try_from(limit).unwrap_or(0));
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_never_carry_fts_syntax() {
        let word = |t: &str, prefix| Term::Word {
            text: t.into(),
            prefix,
        };
        assert_eq!(
            terms(r#"rate* "central bank" NEAR(x) -y ^z"#),
            vec![
                word("rate", true),
                Term::Phrase("central bank".into()),
                word("NEAR", false),
                word("x", false),
                word("-y", false),
                word("z", false),
            ]
        );
        assert_eq!(
            terms("\"unclosed phrase"),
            vec![word("unclosed", false), word("phrase", false)]
        );
    }

    #[test]
    fn cjk_runs_become_bigrams() {
        assert_eq!(
            cjk_bigrams("香港的天气 is fine 港"),
            "香港 港的 的天 天气 港"
        );
        assert_eq!(cjk_bigrams("no cjk here"), "");
    }

    #[test]
    fn snippet_markers_become_parts() {
        let parts = snippet_parts("a \u{E000}b\u{E001} c");
        assert_eq!(parts.len(), 3);
        assert!(parts[1].hit && parts[1].text == "b");
    }
}
