//! Full-text search over the library: words (bm25-ranked, prefix `econ*`, phrases `"rate cut"`)
//! and substrings for scripts without spaces (Chinese, Japanese, Korean) through the trigram
//! index. Snippets come back as plain-text pieces marked hit or not, so no caller ever has to
//! put markup from article text into a page.

use rusqlite::params;
use serde::Serialize;

use super::{ArticleSummary, Library, Result};

/// One piece of a snippet: text, and whether it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SnippetPart {
    pub text: String,
    pub hit: bool,
}

/// A search result: the article and where it matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchHit {
    pub article: ArticleSummary,
    pub snippet: Vec<SnippetPart>,
}

const HIT_START: char = '\u{E000}';
const HIT_END: char = '\u{E001}';

/// A term of a user's query.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Word { text: String, prefix: bool },
    Phrase(String),
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Splits a user's query into words and quoted phrases; FTS5 syntax characters are dropped,
/// so no input is ever an FTS syntax error.
fn terms(query: &str) -> Vec<Term> {
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
    let Some(at) = text.find(needle) else {
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

const SUMMARY_COLUMNS: &str =
    "a.id, a.feed_id, coalesce(f.custom_title, nullif(f.title, ''), f.url),
    a.title, a.url, a.author, a.published_at, a.read, a.bookmarked";

fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<ArticleSummary> {
    Ok(ArticleSummary {
        id: r.get(0)?,
        feed_id: r.get(1)?,
        feed_title: r.get(2)?,
        title: r.get(3)?,
        url: r.get(4)?,
        author: r.get(5)?,
        published_at: r.get(6)?,
        read: r.get(7)?,
        bookmarked: r.get(8)?,
    })
}

impl Library {
    /// Searches titles, authors and article text; best matches first.
    pub fn search(&self, query: &str, limit: i64) -> Result<Vec<SearchHit>> {
        let terms = terms(query);
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        if query.chars().any(is_cjk) {
            return self.search_substrings(&terms, limit);
        }
        let expr = terms
            .iter()
            .map(|t| match t {
                Term::Word { text, prefix: true } => format!("{}*", quoted(text)),
                Term::Word { text, .. } | Term::Phrase(text) => quoted(text),
            })
            .collect::<Vec<_>>()
            .join(" ");
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS},
                snippet(articles_fts, -1, char(57344), char(57345), '…', 16)
             FROM articles_fts
             JOIN articles a ON a.id = articles_fts.rowid
             JOIN feeds f ON f.id = a.feed_id
             WHERE articles_fts MATCH ?1
             ORDER BY bm25(articles_fts, 8.0, 2.0, 1.0), a.sort_at DESC
             LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![expr, limit], |r| {
            Ok(SearchHit {
                article: summary(r)?,
                snippet: snippet_parts(&r.get::<_, String>(9)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Substring search through the trigram index; terms under three characters (most Chinese
    /// words are two) are matched with LIKE on the same index.
    fn search_substrings(&self, terms: &[Term], limit: i64) -> Result<Vec<SearchHit>> {
        let texts: Vec<String> = terms
            .iter()
            .map(|t| match t {
                Term::Word { text, .. } | Term::Phrase(text) => text.clone(),
            })
            .collect();
        let (long, short): (Vec<&String>, Vec<&String>) =
            texts.iter().partition(|t| t.chars().count() >= 3);
        let mut conditions = Vec::new();
        let mut values: Vec<String> = Vec::new();
        if !long.is_empty() {
            values.push(long.iter().map(|t| quoted(t)).collect::<Vec<_>>().join(" "));
            conditions.push(format!("articles_trigram MATCH ?{}", values.len()));
        }
        for t in &short {
            let escaped = t
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            values.push(format!("%{escaped}%"));
            let n = values.len();
            conditions.push(format!(
                "(articles_trigram.title LIKE ?{n} ESCAPE '\\' OR articles_trigram.content_text LIKE ?{n} ESCAPE '\\')"
            ));
        }
        values.push(limit.to_string());
        let limit_param = values.len();
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, coalesce(a.content_text, a.title)
             FROM articles_trigram
             JOIN articles a ON a.id = articles_trigram.rowid
             JOIN feeds f ON f.id = a.feed_id
             WHERE {}
             ORDER BY a.sort_at DESC
             LIMIT ?{limit_param}",
            conditions.join(" AND ")
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let needle = texts.first().cloned().unwrap_or_default();
        let rows = stmt.query_map(rusqlite::params_from_iter(values.iter()), |r| {
            let text: String = r.get(9)?;
            Ok(SearchHit {
                article: summary(r)?,
                snippet: manual_snippet(&text, &needle),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
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
    fn snippet_markers_become_parts() {
        let parts = snippet_parts("a \u{E000}b\u{E001} c");
        assert_eq!(parts.len(), 3);
        assert!(parts[1].hit && parts[1].text == "b");
    }
}
