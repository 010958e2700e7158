//! Reader-server accounts, the leaf parts: the Google Reader API client ([`greader`]) and where
//! account passwords live ([`credentials`]), plus what a server address may be
//! ([`ServerUrl`]).
//!
//! A leaf: it knows neither the library file nor feeds; `sync::accounts` composes it with the
//! store (syncing an account, adding, checking and removing one). The account's server is the
//! one origin these requests go to, so it is trusted whatever its address (a home server on the
//! local network works); no request follows a redirect to anywhere else.

pub mod credentials;
pub mod greader;

use std::net::IpAddr;

use url::{Host, Url};

/// Why a server address cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerUrlError {
    #[error("{input:?} is not a web address: {reason}")]
    Invalid { input: String, reason: String },
    #[error("{url} is plain http to a host that is not this machine: the password would cross the network readable by anyone on the way; use https, or confirm with --allow-http")]
    PlainHttp { url: String },
    #[error("put the user name in --user and never a password in the address")]
    CredentialsInUrl,
}

/// An account's server: the API root (e.g. `https://host/api/greader.php`), http(s) only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl {
    url: Url,
    plain_http: bool,
}

impl ServerUrl {
    /// Checks what the user typed. Plain `http://` is refused unless the host is loopback or
    /// `allow_http` (the user confirmed; the account then keeps a visible warning).
    pub fn parse(input: &str, allow_http: bool) -> Result<ServerUrl, ServerUrlError> {
        let invalid = |reason: String| ServerUrlError::Invalid {
            input: input.to_string(),
            reason,
        };
        let trimmed = input.trim();
        let mut url = Url::parse(trimmed).map_err(|e| invalid(e.to_string()))?;
        match url.scheme() {
            "http" | "https" => {}
            other => return Err(invalid(format!("scheme {other:?} is not http or https"))),
        }
        if url.host().is_none() {
            return Err(invalid("no host".into()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(ServerUrlError::CredentialsInUrl);
        }
        url.set_query(None);
        url.set_fragment(None);
        let path = url.path().trim_end_matches('/').to_string();
        url.set_path(&path);
        let plain_http = url.scheme() == "http" && !is_loopback(&url);
        if plain_http && !allow_http {
            return Err(ServerUrlError::PlainHttp {
                url: url.to_string(),
            });
        }
        Ok(ServerUrl { url, plain_http })
    }

    /// The API root, without a trailing slash.
    pub fn as_str(&self) -> &str {
        self.url.as_str().trim_end_matches('/')
    }

    /// The API root as a URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Plain http to a host that is not loopback (allowed because the user confirmed it).
    pub fn plain_http(&self) -> bool {
        self.plain_http
    }

    /// `host[:port]`, for an account's name.
    pub fn host_and_port(&self) -> String {
        let host = self.url.host_str().unwrap_or_default();
        match self.url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        }
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_loopback_unless_confirmed() {
        for ok in [
            "https://rss.example/api/greader.php/",
            "http://127.0.0.1:8080/api/greader.php",
            "http://[::1]/api/greader.php",
            "http://localhost:1/x",
        ] {
            let url = ServerUrl::parse(ok, false).unwrap();
            assert!(!url.plain_http(), "{ok}");
            assert!(!url.as_str().ends_with('/'), "{ok}");
        }
        let refused = ServerUrl::parse("http://rss.example/api/greader.php", false);
        assert!(matches!(refused, Err(ServerUrlError::PlainHttp { .. })));
        let confirmed = ServerUrl::parse("http://rss.example/api/greader.php", true).unwrap();
        assert!(confirmed.plain_http());
        assert_eq!(confirmed.host_and_port(), "rss.example");
    }

    #[test]
    fn refuses_other_schemes_and_passwords_in_the_address() {
        assert!(matches!(
            ServerUrl::parse("ftp://rss.example/", true),
            Err(ServerUrlError::Invalid { .. })
        ));
        assert!(matches!(
            ServerUrl::parse("not a url", true),
            Err(ServerUrlError::Invalid { .. })
        ));
        let err = ServerUrl::parse("https://alice:secret@rss.example/api", true).unwrap_err();
        assert_eq!(err, ServerUrlError::CredentialsInUrl);
        assert!(!err.to_string().contains("secret"));
    }
}
