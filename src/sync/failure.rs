//! Why a feed could not be synced, as a kind the app picks its words by (and decides "offline"
//! by), beside the message for people. Derived from the fetcher's and the parser's errors, so no
//! caller ever matches on message text.

use serde::{Serialize, Serializer};

use crate::feeds::fetch::FetchError;
use crate::feeds::ParseError;

/// What went wrong with one feed. Serialized as a kebab-case word (`"offline"`, `"timeout"`,
/// `"http"`, `"redirects"`, `"too-large"`, `"refused"`, `"readers-refused"`, `"invalid-url"`,
/// `"network"`, `"not-a-feed"`, `"parse"`, `"internal"`); an HTTP status is in the failure's
/// message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureKind {
    /// The host could not be reached: DNS or connecting failed.
    Offline,
    /// The answer did not come in time (connecting included).
    Timeout,
    /// The server answered with an error status (404, 410, 429, 5xx, …).
    Http(u16),
    /// Too many redirects, or a redirect loop.
    Redirects,
    /// The answer was larger than allowed.
    TooLarge,
    /// The address is not public and not on the subscribed feed's own host: refused (SSRF).
    Refused,
    /// The site turns feed readers away (403 or a CDN's challenge page, also when asked with
    /// a browser's headers), and the feed is not yet fetched with the browser user agent: that
    /// setting may get through. Once it is, a refusal is an `Http` failure like any other.
    ReadersRefused,
    /// The address is not a usable http(s) URL.
    InvalidUrl,
    /// The connection broke mid-answer, or the answer was not valid HTTP.
    Network,
    /// The address is a web page, not a feed.
    NotAFeed,
    /// The document could not be read as a feed.
    Parse,
    /// A sync task failed (a bug, not the feed's fault).
    Internal,
}

impl FailureKind {
    /// The word this kind is serialized as.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Offline => "offline",
            FailureKind::Timeout => "timeout",
            FailureKind::Http(_) => "http",
            FailureKind::Redirects => "redirects",
            FailureKind::TooLarge => "too-large",
            FailureKind::Refused => "refused",
            FailureKind::ReadersRefused => "readers-refused",
            FailureKind::InvalidUrl => "invalid-url",
            FailureKind::Network => "network",
            FailureKind::NotAFeed => "not-a-feed",
            FailureKind::Parse => "parse",
            FailureKind::Internal => "internal",
        }
    }

    /// Whether this failure says the network, not the feed, is the problem: nothing answered
    /// (the host could not be reached, or nothing came back in time).
    pub fn is_unreachable(self) -> bool {
        matches!(self, FailureKind::Offline | FailureKind::Timeout)
    }
}

impl Serialize for FailureKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl From<&FetchError> for FailureKind {
    fn from(err: &FetchError) -> FailureKind {
        match err {
            FetchError::InvalidUrl { .. } => FailureKind::InvalidUrl,
            FetchError::Blocked { .. } => FailureKind::Refused,
            FetchError::Connect { .. } => FailureKind::Offline,
            FetchError::Timeout { .. } | FetchError::Stalled { .. } => FailureKind::Timeout,
            FetchError::TooManyRedirects { .. } => FailureKind::Redirects,
            FetchError::NotFound { .. } => FailureKind::Http(404),
            FetchError::Gone { .. } => FailureKind::Http(410),
            FetchError::Refused {
                as_browser: false, ..
            } => FailureKind::ReadersRefused,
            FetchError::RateLimited { code, .. }
            | FetchError::Status { code, .. }
            | FetchError::Refused { code, .. } => FailureKind::Http(*code),
            FetchError::TooLarge { .. } => FailureKind::TooLarge,
            FetchError::Http { .. } => FailureKind::Network,
            // The client is built before any feed is fetched; a feed never sees this.
            FetchError::Setup { .. } => FailureKind::Internal,
        }
    }
}

impl From<&ParseError> for FailureKind {
    fn from(err: &ParseError) -> FailureKind {
        match err {
            ParseError::Html => FailureKind::NotAFeed,
            ParseError::NotAFeed(_) => FailureKind::Parse,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_serialize_as_words_and_only_unreachable_ones_say_offline() {
        let words: Vec<String> = [
            FailureKind::Offline,
            FailureKind::Http(503),
            FailureKind::NotAFeed,
        ]
        .iter()
        .map(|k| serde_json::to_string(k).unwrap())
        .collect();
        assert_eq!(words, [r#""offline""#, r#""http""#, r#""not-a-feed""#]);
        assert!(FailureKind::Offline.is_unreachable());
        assert!(FailureKind::Timeout.is_unreachable());
        for reachable in [
            FailureKind::Http(404),
            FailureKind::Refused,
            FailureKind::Parse,
            FailureKind::Network,
        ] {
            assert!(!reachable.is_unreachable(), "{reachable:?}");
        }
    }

    #[test]
    fn statuses_keep_their_code() {
        let url = url::Url::parse("https://news.example/feed").unwrap();
        let kind = |err: FetchError| FailureKind::from(&err);
        assert_eq!(
            kind(FetchError::Gone { url: url.clone() }),
            FailureKind::Http(410)
        );
        assert_eq!(
            kind(FetchError::RateLimited {
                url: url.clone(),
                code: 429,
                retry_after: None
            }),
            FailureKind::Http(429)
        );
        assert_eq!(
            kind(FetchError::Blocked {
                url,
                addr: "10.0.0.1".parse().unwrap()
            }),
            FailureKind::Refused
        );
    }

    #[test]
    fn a_refusal_is_one_the_browser_user_agent_may_pass_only_until_it_is_used() {
        let url = url::Url::parse("https://news.example/feed").unwrap();
        let refused = |as_browser| {
            FailureKind::from(&FetchError::Refused {
                url: url.clone(),
                code: 403,
                challenge: true,
                as_browser,
            })
        };
        assert_eq!(refused(false), FailureKind::ReadersRefused);
        assert_eq!(
            serde_json::to_string(&refused(false)).unwrap(),
            r#""readers-refused""#
        );
        assert_eq!(refused(true), FailureKind::Http(403));
        assert!(!FailureKind::ReadersRefused.is_unreachable());
    }
}
