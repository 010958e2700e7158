//! Recovery rules for feeds that leave elements open: which start tag closes which open
//! element, and which HTML elements never have content.

/// Feed elements that hold text or entries, in every format (local names).
const FEED_FIELDS: &[&str] = &[
    "item",
    "entry",
    "title",
    "link",
    "guid",
    "description",
    "pubDate",
    "summary",
    "content",
    "encoded",
    "id",
    "updated",
    "published",
    "creator",
];

/// Elements that never contain themselves: a second start tag closes the first.
pub(super) fn closes_same(local: &str) -> bool {
    FEED_FIELDS.contains(&local) || matches!(local, "category" | "date")
}

/// Leaf fields (text only): a feed-structure start tag inside one closes it.
pub(super) fn is_leaf_field(local: &str) -> bool {
    matches!(
        local,
        "title" | "link" | "guid" | "pubDate" | "id" | "updated" | "published" | "creator" | "date"
    )
}

/// Start tags of feed structure, which close an open leaf field.
pub(super) fn is_structure(local: &str) -> bool {
    FEED_FIELDS.contains(&local) || local == "author"
}

/// HTML elements that never have content (`link`, `meta` and `source` are left out: feeds
/// use those names for elements with content).
pub(super) fn is_html_void(local: &str) -> bool {
    matches!(
        local,
        "br" | "BR"
            | "img"
            | "IMG"
            | "hr"
            | "HR"
            | "wbr"
            | "area"
            | "col"
            | "embed"
            | "param"
            | "track"
            | "input"
    )
}
