//! Choosing the article block the way Readability does.
//!
//! Three stages, one file each: [`prep_document`] (`prep`) normalises the page once (scripts
//! out, `<br><br>` runs into paragraphs, lazy and `<noscript>` images resolved);
//! [`grab_article`] (`grab`) scores paragraphs into their ancestors (commas, length, tag and
//! class/id hints, link density), picks the best candidate and merges its siblings that look
//! like content; `conditional` then runs Readability's `prepArticle` cleaning on the block
//! (conditional removal of forms, tables, lists and divs by their text/link/image mix). The
//! grab is retried with fewer heuristics when the result is too short, like Readability. This
//! file holds what the stages share: the flags, the class/id hints and their weight.

mod conditional;
mod grab;
mod prep;

use super::dom::Dom;

pub(crate) use grab::{grab_article, is_visible};
pub(crate) use prep::{prep_document, MEDIA_MARK};

/// Which heuristics are on (Readability's flags).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flags {
    pub strip_unlikely: bool,
    pub weight_classes: bool,
    pub clean_conditionally: bool,
}

impl Flags {
    /// Every heuristic on: the first attempt.
    pub(crate) const ALL: Flags = Flags {
        strip_unlikely: true,
        weight_classes: true,
        clean_conditionally: true,
    };
}

/// An article block found in the page.
#[derive(Debug)]
pub(crate) struct Grab {
    /// A detached `div` holding the article's nodes.
    pub root: usize,
    pub text_len: usize,
    /// A byline found (and removed) in the page.
    pub byline: Option<String>,
    /// `dir` of the block or its ancestors.
    pub dir: Option<String>,
}

const UNLIKELY: &[&str] = &[
    "-ad-",
    "ai2html",
    "banner",
    "breadcrumbs",
    "combx",
    "comment",
    "community",
    "cover-wrap",
    "disqus",
    "extra",
    "footer",
    "gdpr",
    "header",
    "legends",
    "menu",
    "related",
    "remark",
    "replies",
    "rss",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "social",
    "sponsor",
    "supplemental",
    "ad-break",
    "agegate",
    "pagination",
    "pager",
    "popup",
    "yom-remote",
];
const MAYBE: &[&str] = &[
    "and", "article", "body", "column", "content", "main", "mathjax", "shadow",
];
const POSITIVE: &[&str] = &[
    "article",
    "body",
    "content",
    "entry",
    "hentry",
    "h-entry",
    "main",
    "page",
    "pagination",
    "post",
    "text",
    "blog",
    "story",
];
const NEGATIVE: &[&str] = &[
    "-ad-",
    "hidden",
    "banner",
    "combx",
    "comment",
    "com-",
    "contact",
    "footer",
    "gdpr",
    "masthead",
    "media",
    "meta",
    "outbrain",
    "promo",
    "related",
    "scroll",
    "share",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "sponsor",
    "shopping",
    "tags",
    "widget",
];
const BYLINE: &[&str] = &["byline", "author", "dateline", "writtenby", "p-author"];
const UNLIKELY_ROLES: &[&str] = &[
    "menu",
    "menubar",
    "complementary",
    "navigation",
    "alert",
    "alertdialog",
    "dialog",
];
const TO_SCORE: &[&str] = &["section", "h2", "h3", "h4", "h5", "h6", "p", "td", "pre"];
const DIV_TO_P: &[&str] = &[
    "blockquote",
    "dl",
    "div",
    "img",
    "ol",
    "p",
    "pre",
    "table",
    "ul",
];
const PHRASING: &[&str] = &[
    "abbr",
    "audio",
    "b",
    "bdo",
    "br",
    "button",
    "cite",
    "code",
    "data",
    "datalist",
    "dfn",
    "em",
    "embed",
    "i",
    "img",
    "input",
    "kbd",
    "label",
    "mark",
    "math",
    "meter",
    "noscript",
    "object",
    "output",
    "progress",
    "q",
    "ruby",
    "samp",
    "script",
    "select",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "textarea",
    "time",
    "var",
    "wbr",
    prep::MEDIA_MARK,
];

fn contains_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

fn has_word(s: &str, word: &str) -> bool {
    s.split(|c: char| c.is_whitespace()).any(|t| t == word)
}

/// Readability's class/id weight: ±25 for each of class and id.
fn class_weight(dom: &Dom, id: usize, flags: Flags) -> f64 {
    if !flags.weight_classes {
        return 0.0;
    }
    let mut w = 0.0;
    for attr in ["class", "id"] {
        if let Some(v) = dom.attr(id, attr) {
            let v = v.to_ascii_lowercase();
            if v.is_empty() {
                continue;
            }
            if contains_any(&v, NEGATIVE) || has_word(&v, "hid") {
                w -= 25.0;
            }
            if contains_any(&v, POSITIVE) {
                w += 25.0;
            }
        }
    }
    w
}

fn is_phrasing(dom: &Dom, id: usize) -> bool {
    let n = &dom.nodes[id];
    if n.is_text() {
        return true;
    }
    let tag = &*n.tag;
    if PHRASING.contains(&tag) {
        return true;
    }
    if matches!(tag, "a" | "del" | "ins") {
        return !dom.any_descendant(id, |d| {
            let t = dom.tag(d);
            !(t.is_empty() || PHRASING.contains(&t) || matches!(t, "a" | "del" | "ins"))
        });
    }
    false
}

/// Token similarity of two strings (Readability's `_textSimilarity`).
pub(crate) fn similarity(a: &str, b: &str) -> f64 {
    let tok = |s: &str| -> Vec<String> {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    let ta = tok(a);
    let tb = tok(b);
    if ta.is_empty() || tb.is_empty() {
        return 0.0;
    }
    let total = tb.join(" ").chars().count();
    let unique: Vec<&str> = tb
        .iter()
        .filter(|w| !ta.contains(w))
        .map(String::as_str)
        .collect();
    1.0 - unique.join(" ").chars().count() as f64 / total as f64
}
