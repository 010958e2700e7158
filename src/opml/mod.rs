//! OPML: reading and writing subscription lists (folders kept).
