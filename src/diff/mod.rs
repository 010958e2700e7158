//! Word diffs between two versions of a story ("what changed in the update").
//!
//! A longest-common-subsequence over words, bounded: texts whose word counts multiply past
//! [`MAX_CELLS`] trim their common head and tail first, and report the rest as replaced if it is
//! still too large, so a huge story never costs unbounded time or memory.

use serde::Serialize;

/// The largest LCS table computed (cells).
pub const MAX_CELLS: usize = 4_000_000;

/// A run of words: kept, removed (only in the old text) or added (only in the new).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "lowercase")]
pub enum Change {
    Same(String),
    Removed(String),
    Added(String),
}

/// The word-level changes from `old` to `new`.
pub fn word_diff(old: &str, new: &str) -> Vec<Change> {
    let a: Vec<&str> = old.split_whitespace().collect();
    let b: Vec<&str> = new.split_whitespace().collect();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_mid, b_mid) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops: Vec<(u8, &str)> = a[..head].iter().map(|w| (0, *w)).collect();
    if a_mid.len().saturating_mul(b_mid.len()) > MAX_CELLS {
        ops.extend(a_mid.iter().map(|w| (1, *w)));
        ops.extend(b_mid.iter().map(|w| (2, *w)));
    } else {
        ops.extend(lcs_ops(a_mid, b_mid));
    }
    ops.extend(a[a.len() - tail..].iter().map(|w| (0, *w)));
    let mut out: Vec<Change> = Vec::new();
    for (kind, word) in ops {
        let extend = |s: &mut String| {
            s.push(' ');
            s.push_str(word);
        };
        match (out.last_mut(), kind) {
            (Some(Change::Same(s)), 0)
            | (Some(Change::Removed(s)), 1)
            | (Some(Change::Added(s)), 2) => extend(s),
            _ => out.push(match kind {
                0 => Change::Same(word.to_string()),
                1 => Change::Removed(word.to_string()),
                _ => Change::Added(word.to_string()),
            }),
        }
    }
    out
}

fn lcs_ops<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(u8, &'a str)> {
    let (n, m) = (a.len(), b.len());
    let mut table = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            table[i * (m + 1) + j] = if a[i] == b[j] {
                table[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                table[(i + 1) * (m + 1) + j].max(table[i * (m + 1) + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut ops = Vec::with_capacity(n + m);
    while i < n && j < m {
        if a[i] == b[j] {
            ops.push((0, a[i]));
            i += 1;
            j += 1;
        } else if table[(i + 1) * (m + 1) + j] >= table[i * (m + 1) + j + 1] {
            ops.push((1, a[i]));
            i += 1;
        } else {
            ops.push((2, b[j]));
            j += 1;
        }
    }
    ops.extend(a[i..].iter().map(|w| (1, *w)));
    ops.extend(b[j..].iter().map(|w| (2, *w)));
    ops
}

/// The diff as text, git's word-diff style: `[-removed-]{+added+}`.
pub fn render(changes: &[Change]) -> String {
    changes
        .iter()
        .map(|c| match c {
            Change::Same(s) => s.clone(),
            Change::Removed(s) => format!("[-{s}-]"),
            Change::Added(s) => format!("{{+{s}+}}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_replaced_words() {
        let d = word_diff(
            "the ferry leaves at nine today",
            "the ferry now leaves at ten today",
        );
        assert_eq!(
            render(&d),
            "the ferry {+now+} leaves at [-nine-] {+ten+} today"
        );
    }

    #[test]
    fn identical_and_empty_texts() {
        assert_eq!(word_diff("a b", "a b"), vec![Change::Same("a b".into())]);
        assert_eq!(word_diff("", "x"), vec![Change::Added("x".into())]);
        assert!(word_diff("", "").is_empty());
    }

    #[test]
    fn huge_texts_stay_bounded() {
        let old = "w ".repeat(5_000) + &"a ".repeat(3_000);
        let new = "w ".repeat(5_000) + &"b ".repeat(3_000);
        let d = word_diff(&old, &new);
        assert!(matches!(
            d.as_slice(),
            [Change::Same(_), Change::Removed(_), Change::Added(_)]
        ));
    }
}
