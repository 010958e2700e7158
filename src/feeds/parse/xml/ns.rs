//! Namespaces: the ones the feed mapping cares about, from their URIs (with the variants real
//! feeds use) or, when a document uses a prefix without declaring it, from the prefix.

/// Namespaces the feed mapping cares about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    /// No namespace (RSS 0.9x/2.0, un-namespaced Atom).
    None,
    Atom10,
    Atom03,
    Rss10,
    Rss090,
    Rdf,
    Dc,
    DcTerms,
    Content,
    Media,
    Itunes,
    /// FeedBurner's extensions (`feedburner:origLink`).
    Feedburner,
    Xhtml,
    Xml,
    Other,
}

impl Ns {
    pub(super) fn from_uri(uri: &str) -> Ns {
        let u = uri.trim().trim_end_matches(['/', '#']);
        let u = u
            .strip_prefix("http://")
            .or_else(|| u.strip_prefix("https://"))
            .unwrap_or(u);
        let u = u.to_ascii_lowercase();
        match u.as_str() {
            // RSS 2.0 has no namespace; these were used for it anyway.
            "backend.userland.com/rss2" | "blogs.law.harvard.edu/tech/rss" | "purl.org/rss/2.0" => {
                Ns::None
            }
            "purl.org/rss/1.0" => Ns::Rss10,
            "my.netscape.com/rdf/simple/0.9" => Ns::Rss090,
            "www.w3.org/1999/02/22-rdf-syntax-ns" => Ns::Rdf,
            "purl.org/dc/elements/1.1" => Ns::Dc,
            "purl.org/dc/terms" => Ns::DcTerms,
            "purl.org/rss/1.0/modules/content" => Ns::Content,
            "search.yahoo.com/mrss"
            | "video.search.yahoo.com/mrss"
            | "tools.search.yahoo.com/mrss" => Ns::Media,
            "www.itunes.com/dtds/podcast-1.0.dtd" | "www.itunes.com/dtds/podcast-1.0" => Ns::Itunes,
            "rssnamespace.org/feedburner/ext/1.0" => Ns::Feedburner,
            "www.w3.org/1999/xhtml" => Ns::Xhtml,
            "www.w3.org/xml/1998/namespace" => Ns::Xml,
            // Atom drafts and misspellings of the final namespace.
            a if a.starts_with("www.w3.org/2005/atom") => Ns::Atom10,
            a if a.starts_with("purl.org/atom/ns") => Ns::Atom03,
            _ => Ns::Other,
        }
    }

    /// The namespace a prefix conventionally stands for, for documents that use it without
    /// declaring it.
    pub(super) fn from_prefix(prefix: &str) -> Ns {
        match prefix {
            "atom" => Ns::Atom10,
            "rdf" => Ns::Rdf,
            "dc" => Ns::Dc,
            "dcterms" => Ns::DcTerms,
            "content" => Ns::Content,
            "media" => Ns::Media,
            "itunes" => Ns::Itunes,
            "feedburner" => Ns::Feedburner,
            "xhtml" | "html" => Ns::Xhtml,
            "xml" => Ns::Xml,
            _ => Ns::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Ns;

    #[test]
    fn uris_in_their_variants_and_undeclared_prefixes() {
        assert_eq!(Ns::from_uri("http://www.w3.org/2005/Atom"), Ns::Atom10);
        assert_eq!(Ns::from_uri(" https://www.w3.org/2005/Atom/ "), Ns::Atom10);
        assert_eq!(Ns::from_uri("http://purl.org/atom/ns#"), Ns::Atom03);
        assert_eq!(Ns::from_uri("http://purl.org/rss/1.0/"), Ns::Rss10);
        assert_eq!(Ns::from_uri("http://backend.userland.com/RSS2"), Ns::None);
        assert_eq!(Ns::from_uri("http://search.yahoo.com/mrss/"), Ns::Media);
        assert_eq!(Ns::from_uri("http://example.com/made-up"), Ns::Other);
        assert_eq!(Ns::from_prefix("dc"), Ns::Dc);
        assert_eq!(Ns::from_prefix("madeup"), Ns::Other);
    }
}
