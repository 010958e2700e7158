//! Web addresses compared as pages: the one normalization that says two links name the same
//! story. Sync folds duplicate stories by it; anything asking "is this page already in the
//! library" asks it too. Pure: strings in, strings out, no network and no library.

use url::Url;

/// The address of a page as a key for comparing, or `None` when `address` is not an `http` or
/// `https` URL with a host.
///
/// Two links name the same page when their keys are equal. The key is an `https://` URL:
/// - `http` and `https` alike (the key always says `https`), the host lowercased, without a
///   trailing dot and without a leading `www.`;
/// - no fragment, no trailing `/` (the site's root is `https://host`);
/// - no tracking parameters: `utm_*`, `fbclid`, `gclid` (the other parameters keep their order
///   and spelling);
/// - AMP pages mapped to their canonical page: Google's AMP caches
///   (`*.cdn.ampproject.org/c/s/HOST/…`, `google.com/amp/s/HOST/…`) unwrapped, an `amp.` host
///   prefix, `amp` path segments, `.amp` / `.amp.html` endings and the `amp`, `amp=1`,
///   `outputType=amp` parameters dropped.
///
/// The key is for comparing; it is not always a page that exists (`amp.example.org` becomes
/// `example.org`), so fetch the story's own link, never its key.
pub fn canonical_url(address: &str) -> Option<String> {
    let url = web_url(address)?;
    let url = match amp_cache_target(&url) {
        Some(inner) => web_url(&inner)?,
        None => url,
    };
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let host = host
        .strip_prefix("amp.")
        .filter(|rest| rest.contains('.'))
        .unwrap_or(host);
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();

    let segments: Vec<String> = url
        .path()
        .split('/')
        .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("amp"))
        .map(without_amp_ending)
        .collect();
    let path = segments.iter().map(|s| format!("/{s}")).collect::<String>();

    let kept: Vec<&str> = url
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty() && !is_dropped_parameter(pair))
        .collect();
    let query = if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    };
    Some(format!("https://{host}{port}{path}{query}"))
}

/// The canonical address a page declares (`rel=canonical`, `og:url`) as a key, trusted only
/// when it stays on the page's own site (the same host once both are keys): page HTML is
/// hostile, and a page naming another site's story as its canonical could fold that story
/// into itself.
pub fn declared_canonical_url(page: &str, declared: &str) -> Option<String> {
    let page_key = canonical_url(page)?;
    let declared_key = canonical_url(declared)?;
    let host = |key: &str| Url::parse(key).ok()?.host_str().map(str::to_owned);
    (host(&page_key)? == host(&declared_key)?).then_some(declared_key)
}

fn web_url(address: &str) -> Option<Url> {
    let url = Url::parse(address.trim()).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()))
        .then_some(url)
}

/// The page a Google AMP cache address serves, as an address: `…cdn.ampproject.org/c/s/HOST/P`
/// and `google.com/amp/s/HOST/P` are `https://HOST/P` (without `s/`: `http://`).
fn amp_cache_target(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    let path = url.path();
    let rest = if host.ends_with(".cdn.ampproject.org") {
        ["/c/", "/v/"].iter().find_map(|p| path.strip_prefix(p))?
    } else if host == "google.com" || host == "www.google.com" {
        path.strip_prefix("/amp/")?
    } else {
        return None;
    };
    let (scheme, rest) = match rest.strip_prefix("s/") {
        Some(secure) => ("https", secure),
        None => ("http", rest),
    };
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    Some(format!("{scheme}://{rest}{query}"))
}

/// A path segment without its AMP ending: `story.amp` is `story`, `story.amp.html` is
/// `story.html`.
fn without_amp_ending(segment: &str) -> String {
    let lower = segment.to_ascii_lowercase();
    if let Some(cut) = lower.strip_suffix(".amp.html").map(str::len) {
        format!("{}.html", &segment[..cut])
    } else if let Some(cut) = lower.strip_suffix(".amp").map(str::len).filter(|n| *n > 0) {
        segment[..cut].to_string()
    } else {
        segment.to_string()
    }
}

/// Whether a `name=value` query pair only tracks a click or asks for the AMP version.
fn is_dropped_parameter(pair: &str) -> bool {
    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
    let name = name.to_ascii_lowercase();
    name.starts_with("utm_")
        || name == "fbclid"
        || name == "gclid"
        || name == "amp"
        || (name == "outputtype" && value.eq_ignore_ascii_case("amp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(address: &str) -> String {
        canonical_url(address).unwrap_or_else(|| panic!("{address} has no key"))
    }

    #[test]
    fn tracking_parameters_fragment_and_trailing_slash_go() {
        let same = [
            "https://news.example/2024/05/harbour-bridge",
            "https://news.example/2024/05/harbour-bridge/",
            "https://news.example/2024/05/harbour-bridge#comments",
            "https://news.example/2024/05/harbour-bridge?utm_source=rss&utm_medium=feed",
            "https://news.example/2024/05/harbour-bridge/?UTM_Campaign=x#top",
            "https://news.example/2024/05/harbour-bridge?fbclid=IwAR0abc",
            "https://news.example/2024/05/harbour-bridge?gclid=EAIaIQ",
            "  https://NEWS.example./2024/05/harbour-bridge  ",
        ];
        for address in same {
            assert_eq!(
                key(address),
                "https://news.example/2024/05/harbour-bridge",
                "{address}"
            );
        }
    }

    #[test]
    fn other_parameters_stay_in_their_order() {
        assert_eq!(
            key("https://news.example/story?id=42&utm_source=x&page=2"),
            "https://news.example/story?id=42&page=2"
        );
        assert_ne!(
            key("https://news.example/story?id=42"),
            key("https://news.example/story?id=43")
        );
        // A parameter that merely starts like a tracker is kept.
        assert_eq!(
            key("https://news.example/story?utmost=1&gclid_x=2"),
            "https://news.example/story?utmost=1&gclid_x=2"
        );
    }

    #[test]
    fn http_and_https_and_www_are_alike() {
        let expected = "https://news.example/a/b";
        for address in [
            "http://news.example/a/b",
            "https://www.news.example/a/b/",
            "http://WWW.News.Example/a/b",
        ] {
            assert_eq!(key(address), expected, "{address}");
        }
        // An explicit port is part of the address; the scheme's default port is not.
        assert_eq!(key("http://news.example:80/a"), "https://news.example/a");
        assert_eq!(
            key("http://news.example:8080/a"),
            "https://news.example:8080/a"
        );
        assert_eq!(key("https://news.example/"), "https://news.example");
    }

    #[test]
    fn amp_pages_map_to_their_canonical_page() {
        let expected = "https://news.example/world/harbour-bridge";
        for address in [
            "https://news.example/world/harbour-bridge/amp",
            "https://news.example/world/harbour-bridge/amp/",
            "https://news.example/amp/world/harbour-bridge",
            "https://amp.news.example/world/harbour-bridge",
            "https://news.example/world/harbour-bridge.amp",
            "https://news.example/world/harbour-bridge?amp",
            "https://news.example/world/harbour-bridge?amp=1",
            "https://news.example/world/harbour-bridge?outputType=amp",
            "https://news-example.cdn.ampproject.org/c/s/news.example/world/harbour-bridge/amp",
            "https://www.google.com/amp/s/news.example/world/harbour-bridge",
        ] {
            assert_eq!(key(address), expected, "{address}");
        }
        assert_eq!(
            key("https://news.example/world/harbour-bridge.amp.html"),
            "https://news.example/world/harbour-bridge.html"
        );
        // Without `s/` an AMP cache served an http page: still the same key.
        assert_eq!(
            key("https://news-example.cdn.ampproject.org/c/news.example/world/harbour-bridge"),
            expected
        );
        // A word that merely contains "amp" is not AMP.
        assert_eq!(
            key("https://news.example/camp/lamp.amplifier"),
            "https://news.example/camp/lamp.amplifier"
        );
        // `amp.` alone is a host, not a prefix.
        assert_eq!(key("https://amp.example/x"), "https://amp.example/x");
        assert_eq!(
            key("https://news.example/.amp"),
            "https://news.example/.amp"
        );
    }

    #[test]
    fn only_web_addresses_have_a_key() {
        for address in [
            "",
            "not a url",
            "/relative/path",
            "mailto:desk@news.example",
            "javascript:alert(1)",
            "ftp://news.example/file",
            "file:///etc/passwd",
            "https://www.google.com/amp/s/",
        ] {
            assert_eq!(canonical_url(address), None, "{address:?}");
        }
    }

    #[test]
    fn a_key_is_its_own_key() {
        for address in [
            "http://www.news.example/a/b/?utm_source=x&id=3#f",
            "https://news-example.cdn.ampproject.org/c/s/news.example/a/amp?amp=1",
            "https://news.example/",
            "https://news.example:8443/x.amp.html?q=%20a",
        ] {
            let once = key(address);
            assert_eq!(key(&once), once, "{address}");
        }
    }

    #[test]
    fn a_declared_canonical_counts_only_on_the_pages_own_site() {
        let page = "https://amp.news.example/world/harbour-bridge";
        assert_eq!(
            declared_canonical_url(page, "https://www.news.example/world/harbour-bridge-2024"),
            Some("https://news.example/world/harbour-bridge-2024".to_string())
        );
        assert_eq!(
            declared_canonical_url(
                "https://news-example.cdn.ampproject.org/c/s/news.example/x/amp",
                "https://news.example/x"
            ),
            Some("https://news.example/x".to_string())
        );
        assert_eq!(
            declared_canonical_url(page, "https://other.example/world/harbour-bridge"),
            None
        );
        assert_eq!(declared_canonical_url(page, "javascript:void(0)"), None);
    }
}
