//! Fetching over HTTP: the one polite client every feed, page and image request goes through.
//!
//! Owns: the HTTP client(s), conditional GET, redirects (followed by hand so every hop is
//! checked), body limits (applied to the decompressed stream), concurrency limits (global and
//! per host) and the SSRF guard (submodule `guard`, see [`is_public_ip`] and
//! [`FetchRequest::trusted_origin`]). Returns bytes and validators; it does not parse, decode
//! charsets or store anything. Called by `sync` (feeds, article pages, images) and by feed
//! discovery.
//!
//! Outcomes: a 304 is [`FetchResponse::NotModified`] (not an error); every failing HTTP outcome
//! has its own [`FetchError`] variant, each naming the URL.
//!
//! Sites that refuse readers: a 403, or a CDN's challenge page, is asked again once with a
//! browser's `Accept` and `Accept-Language` headers (never more: a refusal of that second ask is
//! [`FetchError::Refused`], which says so and points at the browser user agent). A request can
//! also go out as a browser from the start ([`FetchRequest::as_browser`]).
//!
//! Dead servers: a connection that sends nothing for [`FetchConfig::idle_timeout`] is given up
//! ([`FetchError::Stalled`]); one that keeps sending goes on up to the body limit and the total
//! [`FetchConfig::request_timeout`].
//!
//! Trust: every URL must reach public addresses only, except URLs on the request's
//! [`FetchRequest::trusted_origin`]. Set it to `origin_of(&feed_url)` when fetching a feed the
//! user subscribed to directly (the store's `trusted_host` flag), and to that same feed origin
//! when fetching its stories' pages and images; leave it `None` otherwise. Trust is exact:
//! another port, scheme or host name (even one resolving to the same address) is not trusted,
//! and a redirect from the trusted origin to anywhere else is checked like any other URL.
//!
//! Limits: one [`Fetcher`] per process (clones share everything). A request first waits for a
//! slot for its host name, then for a global slot, and holds both for one hop; the request
//! timeout starts once the first hop has its slots.

mod guard;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::StatusCode;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;

pub use guard::{is_public_ip, origin_of};
pub use url::Origin;

use guard::{GuardedResolver, TrustedHosts};

/// How the one [`Fetcher`] behaves. `Default` gives the documented values.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Sent with every request. Default `Tidings/<version> (+offline news reader)`.
    pub user_agent: String,
    /// Time allowed to open a connection (DNS + TCP + TLS). Default 10 s.
    pub connect_timeout: Duration,
    /// Total time for one [`Fetcher::fetch`] call, all redirect hops and the body included
    /// (time spent waiting for a concurrency slot is not counted). Default 30 s.
    pub request_timeout: Duration,
    /// Longest silence accepted from a server: waiting for its answer once the request is
    /// under way, or between two pieces of the body. Default 10 s.
    pub idle_timeout: Duration,
    /// Largest body accepted, counted after decompression, unless a request sets
    /// [`FetchRequest::max_bytes`]. Default 10 MiB (feeds).
    pub max_body_bytes: usize,
    /// Redirect hops followed before [`FetchError::TooManyRedirects`]. Default 5.
    pub max_redirects: usize,
    /// Requests in flight at once, all hosts together. Default 32 (at least 1).
    pub max_concurrent: usize,
    /// Requests in flight at once to one host name. Default 16 (at least 1): a host serving
    /// many feeds (a CDN, an aggregator) gets at most half the requests; 429 and Retry-After
    /// are honoured on top of this.
    pub per_host: usize,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: format!("Tidings/{} (+offline news reader)", crate::VERSION),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(10),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            max_concurrent: 32,
            per_host: 16,
        }
    }
}

/// What the caller wants back; sets the `Accept` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Accept {
    /// RSS, Atom or JSON Feed.
    #[default]
    Feed,
    /// An HTML article page.
    Page,
    /// An image.
    Image,
}

/// The user agent of a current desktop browser, for sites that refuse anything else.
pub const BROWSER_USER_AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

/// What a browser asks for when it opens a page (or a feed's address).
const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// The languages a browser says its reader reads.
const BROWSER_ACCEPT_LANGUAGE: &str = "en-US,en;q=0.5";

impl Accept {
    /// The `Accept` header a browser would send for this kind of resource.
    fn browser_header_value(self) -> &'static str {
        match self {
            Accept::Feed | Accept::Page => BROWSER_ACCEPT,
            Accept::Image => self.header_value(),
        }
    }

    fn header_value(self) -> &'static str {
        match self {
            Accept::Feed => {
                "application/rss+xml, application/atom+xml, application/feed+json, \
                 application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
            }
            Accept::Page => "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
            Accept::Image => {
                "image/avif, image/webp, image/png, image/jpeg, image/gif, \
                 image/svg+xml;q=0.9, image/*;q=0.8, */*;q=0.5"
            }
        }
    }
}

/// One GET request.
#[derive(Debug, Clone)]
pub struct FetchRequest {
    /// Where to go; only `http` and `https` are fetched.
    pub url: Url,
    /// Sent as `If-None-Match` when set.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since` when set.
    pub last_modified: Option<String>,
    /// What kind of resource is wanted.
    pub accept: Accept,
    /// Overrides [`FetchConfig::max_body_bytes`] (e.g. larger for images).
    pub max_bytes: Option<usize>,
    /// The origin of a feed the user subscribed to directly. URLs on exactly this origin may
    /// reach loopback and private addresses; every other origin must be public.
    pub trusted_origin: Option<Origin>,
    /// Go out as a browser: its user agent ([`BROWSER_USER_AGENT`]) and its `Accept` and
    /// `Accept-Language` headers (a feed's "browser" user agent setting).
    pub as_browser: bool,
}

impl FetchRequest {
    fn new(url: Url, accept: Accept) -> Self {
        FetchRequest {
            url,
            etag: None,
            last_modified: None,
            accept,
            max_bytes: None,
            trusted_origin: None,
            as_browser: false,
        }
    }

    /// A feed request with no validators and no trusted origin.
    pub fn feed(url: Url) -> Self {
        Self::new(url, Accept::Feed)
    }

    /// An article page request.
    pub fn page(url: Url) -> Self {
        Self::new(url, Accept::Page)
    }

    /// An image request.
    pub fn image(url: Url) -> Self {
        Self::new(url, Accept::Image)
    }

    /// Sets the validators stored from the previous fetch (conditional GET).
    pub fn validators(mut self, etag: Option<String>, last_modified: Option<String>) -> Self {
        self.etag = etag;
        self.last_modified = last_modified;
        self
    }

    /// Sets the trusted origin (see [`FetchRequest::trusted_origin`]).
    pub fn trusted(mut self, origin: Origin) -> Self {
        self.trusted_origin = Some(origin);
        self
    }

    /// Sends this request as a browser would (see [`FetchRequest::as_browser`]).
    pub fn as_browser(mut self) -> Self {
        self.as_browser = true;
        self
    }

    /// Sets the body limit for this request.
    pub fn max_bytes(mut self, limit: usize) -> Self {
        self.max_bytes = Some(limit);
        self
    }
}

/// A successful fetch: the final response's body and metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The URL the body came from, after redirects.
    pub final_url: Url,
    /// Set (to the final URL) only when at least one redirect was followed and every hop was
    /// permanent (301/308): the caller should update the stored URL.
    pub moved_permanently: Option<Url>,
    /// The HTTP status (2xx).
    pub status: u16,
    /// The `Content-Type` header as sent.
    pub content_type: Option<String>,
    /// The `ETag` header, to send back next time.
    pub etag: Option<String>,
    /// The `Last-Modified` header, to send back next time.
    pub last_modified: Option<String>,
    /// The body, decompressed, at most the request's byte limit.
    pub body: Vec<u8>,
}

/// The outcome of a fetch that did not fail.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)] // one per request, matched at once: boxing buys nothing
pub enum FetchResponse {
    /// 304: unchanged since the validators sent. Carries the validators to store: those of
    /// the 304 response when it sent any, else the ones from the request.
    NotModified {
        /// The `ETag` to send next time.
        etag: Option<String>,
        /// The `Last-Modified` to send next time.
        last_modified: Option<String>,
    },
    /// 2xx with a body.
    Ok(Fetched),
}

/// Why a fetch failed. Every message names the URL involved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL cannot be fetched: unparseable, no host, or not `http`/`https`.
    #[error("invalid URL {url}: {reason}")]
    InvalidUrl {
        /// The URL as given (a redirect's `Location` may not parse).
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The host is or resolves to a non-public address and its origin is not trusted.
    #[error("refused to fetch {url}: {addr} is not a public address")]
    Blocked {
        /// The URL refused.
        url: Url,
        /// The (first) refused address.
        addr: IpAddr,
    },
    /// DNS lookup or connecting failed.
    #[error("could not connect to {url}")]
    Connect {
        /// The URL.
        url: Url,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// The server sent nothing for [`FetchConfig::idle_timeout`]: given up.
    #[error("gave up on {url}: the server sent nothing for {}s", after.as_secs())]
    Stalled {
        /// The URL being fetched.
        url: Url,
        /// The silence allowed ([`FetchConfig::idle_timeout`]).
        after: Duration,
    },
    /// The request (or connecting) took longer than allowed.
    #[error("timed out after {after:?} fetching {url}")]
    Timeout {
        /// The URL being fetched when time ran out.
        url: Url,
        /// The limit that ran out: [`FetchConfig::connect_timeout`] or
        /// [`FetchConfig::request_timeout`].
        after: Duration,
    },
    /// More than `max_redirects` hops, or a redirect back to a URL already visited.
    #[error("too many redirects from {url} ({hops} followed{})", if *looped { ", loop" } else { "" })]
    TooManyRedirects {
        /// The URL first requested.
        url: Url,
        /// Hops followed before giving up.
        hops: usize,
        /// Whether a hop pointed back to a URL already visited.
        looped: bool,
    },
    /// 404.
    #[error("not found (404): {url}")]
    NotFound {
        /// The URL.
        url: Url,
    },
    /// 410: gone for good; stop fetching it.
    #[error("gone (410): {url}")]
    Gone {
        /// The URL.
        url: Url,
    },
    /// 429 or 503: come back later.
    #[error("rate limited ({code}) by {url}{}", fmt_retry(retry_after))]
    RateLimited {
        /// The URL.
        url: Url,
        /// 429 or 503.
        code: u16,
        /// From `Retry-After` (seconds or HTTP date), when present and valid.
        retry_after: Option<Duration>,
    },
    /// 403 or a CDN's challenge page, also when asked as a browser asks: the site refuses
    /// readers. Never asked a third time.
    #[error("{}", refused_message(url, *code, *challenge, *as_browser))]
    Refused {
        /// The URL.
        url: Url,
        /// The status of the last refusal.
        code: u16,
        /// The answer was a CDN's challenge page (`cf-mitigated: challenge`).
        challenge: bool,
        /// The request already went out as a browser (user agent included).
        as_browser: bool,
    },
    /// Any other non-2xx status (including a 3xx without `Location`).
    #[error("HTTP {code} from {url}")]
    Status {
        /// The URL.
        url: Url,
        /// The status code.
        code: u16,
    },
    /// The (decompressed) body is larger than the limit; reading stopped there.
    #[error("body of {url} is larger than {limit} bytes")]
    TooLarge {
        /// The URL.
        url: Url,
        /// The limit in bytes.
        limit: usize,
    },
    /// Any other HTTP failure: protocol errors, a broken connection or bad compressed data
    /// while reading the body.
    #[error("HTTP error fetching {url}")]
    Http {
        /// The URL.
        url: Url,
        /// The transport error.
        #[source]
        source: reqwest::Error,
    },
    /// The HTTP client could not be built (TLS setup).
    #[error("could not set up the HTTP client")]
    Setup {
        /// The builder error.
        #[source]
        source: reqwest::Error,
    },
}

fn refused_message(url: &Url, code: u16, challenge: bool, as_browser: bool) -> String {
    let what = if challenge {
        format!("HTTP {code}, a challenge page")
    } else {
        format!("HTTP {code}")
    };
    if as_browser {
        format!("{url} refused the request ({what}), even as a browser")
    } else {
        format!(
            "{url} refused Tidings ({what}), also when asked with a browser's headers; \
             try the browser user agent in the feed's settings"
        )
    }
}

fn fmt_retry(retry: &Option<Duration>) -> String {
    match retry {
        Some(d) => format!(", retry after {}s", d.as_secs()),
        None => String::new(),
    }
}

/// The polite HTTP client. Cheap to clone (an `Arc` inside); clones share limits and
/// connection pools. Build one per process.
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

struct Inner {
    config: FetchConfig,
    /// For every URL whose origin is not the request's trusted origin: public addresses only.
    strict: reqwest::Client,
    /// For URLs on the request's trusted origin: private addresses allowed for the names in
    /// `trusted_hosts`.
    trusting: reqwest::Client,
    trusted_hosts: TrustedHosts,
    global: Arc<Semaphore>,
    per_host: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fetcher")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// Per-host semaphores kept before unused ones are pruned.
const PER_HOST_PRUNE_AT: usize = 256;

impl Fetcher {
    /// Builds the client(s). Fails only if the TLS backend cannot be set up.
    pub fn new(config: FetchConfig) -> Result<Fetcher, FetchError> {
        let trusted_hosts: TrustedHosts = Arc::new(RwLock::new(HashSet::new()));
        let build = |resolver: GuardedResolver| {
            reqwest::Client::builder()
                .user_agent(config.user_agent.clone())
                .connect_timeout(config.connect_timeout)
                .redirect(reqwest::redirect::Policy::none())
                // A proxy resolves names itself, past the guard: never use one.
                .no_proxy()
                .dns_resolver(Arc::new(resolver))
                .pool_idle_timeout(Duration::from_secs(30))
                .build()
                .map_err(|source| FetchError::Setup { source })
        };
        let strict = build(GuardedResolver { trusted: None })?;
        let trusting = build(GuardedResolver {
            trusted: Some(Arc::clone(&trusted_hosts)),
        })?;
        let global = Arc::new(Semaphore::new(config.max_concurrent.max(1)));
        Ok(Fetcher {
            inner: Arc::new(Inner {
                config,
                strict,
                trusting,
                trusted_hosts,
                global,
                per_host: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// The configuration this fetcher was built with.
    pub fn config(&self) -> &FetchConfig {
        &self.inner.config
    }

    /// Fetches `req.url` with a GET, following redirects, within the configured limits.
    pub async fn fetch(&self, req: FetchRequest) -> Result<FetchResponse, FetchError> {
        let cfg = &self.inner.config;
        let limit = req.max_bytes.unwrap_or(cfg.max_body_bytes);
        let mut url = req.url.clone();
        check_scheme(&url)?;
        let mut visited: HashSet<String> = HashSet::from([url.as_str().to_owned()]);
        let mut hops = 0usize;
        let mut all_permanent = true;
        let mut deadline: Option<Instant> = None;
        // Browser-like headers: from the start when asked, else only for the one second ask
        // after a refusal.
        let mut browser_headers = req.as_browser;

        loop {
            let trusted = req
                .trusted_origin
                .as_ref()
                .is_some_and(|o| *o == origin_of(&url));
            if !trusted {
                if let Some(addr) = guard::blocked_literal(&url) {
                    return Err(FetchError::Blocked { url, addr });
                }
            }
            let _permits = self.acquire(&url).await;
            let deadline = *deadline.get_or_insert_with(|| Instant::now() + cfg.request_timeout);
            let timeout = || FetchError::Timeout {
                url: url.clone(),
                after: cfg.request_timeout,
            };

            let request = self.build_request(&url, &req, trusted, browser_headers);
            let mut resp = match within(deadline, cfg.idle_timeout, request.send()).await {
                Err(Stall::Total) => return Err(timeout()),
                Err(Stall::Idle) => return Err(stalled(&url, cfg)),
                Ok(Err(e)) => return Err(map_send_error(&url, e, cfg)),
                Ok(Ok(resp)) => resp,
            };
            let status = resp.status();

            if let Some(challenge) = refusal(status, resp.headers()) {
                if !browser_headers {
                    browser_headers = true;
                    drop(resp);
                    continue;
                }
                return Err(FetchError::Refused {
                    url,
                    code: status.as_u16(),
                    challenge,
                    as_browser: req.as_browser,
                });
            }

            if is_followed_redirect(status) {
                let next = redirect_target(&url, resp.headers(), status)?;
                hops += 1;
                let looped = !visited.insert(next.as_str().to_owned());
                if looped || hops > cfg.max_redirects {
                    return Err(FetchError::TooManyRedirects {
                        url: req.url,
                        hops: hops - 1,
                        looped,
                    });
                }
                all_permanent &= matches!(
                    status,
                    StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
                );
                drop(resp);
                url = next;
                continue;
            }

            if status == StatusCode::NOT_MODIFIED {
                let headers = resp.headers();
                return Ok(FetchResponse::NotModified {
                    etag: header_string(headers, header::ETAG).or(req.etag),
                    last_modified: header_string(headers, header::LAST_MODIFIED)
                        .or(req.last_modified),
                });
            }
            if !status.is_success() {
                return Err(status_error(url, status, resp.headers()));
            }

            let headers = resp.headers();
            let content_type = header_string(headers, header::CONTENT_TYPE);
            let etag = header_string(headers, header::ETAG);
            let last_modified = header_string(headers, header::LAST_MODIFIED);
            let body = read_body(&url, &mut resp, limit, deadline, cfg).await?;
            let moved_permanently = (hops > 0 && all_permanent).then(|| url.clone());
            return Ok(FetchResponse::Ok(Fetched {
                final_url: url,
                moved_permanently,
                status: status.as_u16(),
                content_type,
                etag,
                last_modified,
                body,
            }));
        }
    }

    fn build_request(
        &self,
        url: &Url,
        req: &FetchRequest,
        trusted: bool,
        browser_headers: bool,
    ) -> reqwest::RequestBuilder {
        let client = if trusted {
            if let Some(host) = url.host_str() {
                self.inner
                    .trusted_hosts
                    .write()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .insert(host.trim_end_matches('.').to_ascii_lowercase());
            }
            &self.inner.trusting
        } else {
            &self.inner.strict
        };
        let mut headers = HeaderMap::new();
        if browser_headers {
            headers.insert(
                header::ACCEPT,
                HeaderValue::from_static(req.accept.browser_header_value()),
            );
            headers.insert(
                header::ACCEPT_LANGUAGE,
                HeaderValue::from_static(BROWSER_ACCEPT_LANGUAGE),
            );
        } else {
            headers.insert(
                header::ACCEPT,
                HeaderValue::from_static(req.accept.header_value()),
            );
        }
        if req.as_browser {
            headers.insert(
                header::USER_AGENT,
                HeaderValue::from_static(BROWSER_USER_AGENT),
            );
        }
        // Stored validators are external data: one with bytes a header cannot carry is skipped.
        if let Some(v) = req
            .etag
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            headers.insert(header::IF_NONE_MATCH, v);
        }
        if let Some(v) = req
            .last_modified
            .as_deref()
            .and_then(|v| HeaderValue::from_str(v).ok())
        {
            headers.insert(header::IF_MODIFIED_SINCE, v);
        }
        client.get(url.clone()).headers(headers)
    }

    /// Waits for a slot for `url`'s host, then a global one (in that order, so requests queued
    /// behind one busy host do not hold global slots other hosts could use).
    async fn acquire(&self, url: &Url) -> Permits {
        let host = url.host_str().unwrap_or_default().to_owned();
        let host_sem = {
            let mut map = self
                .inner
                .per_host
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if map.len() >= PER_HOST_PRUNE_AT && !map.contains_key(&host) {
                map.retain(|_, sem| Arc::strong_count(sem) > 1);
            }
            let per_host = self.inner.config.per_host.max(1);
            Arc::clone(
                map.entry(host)
                    .or_insert_with(|| Arc::new(Semaphore::new(per_host))),
            )
        };
        // The semaphores are never closed, so acquiring cannot fail; `ok()` keeps it total.
        let host = host_sem.acquire_owned().await.ok();
        let global = Arc::clone(&self.inner.global).acquire_owned().await.ok();
        Permits {
            _host: host,
            _global: global,
        }
    }
}

/// Slots held for the duration of one hop; released on drop.
struct Permits {
    _host: Option<OwnedSemaphorePermit>,
    _global: Option<OwnedSemaphorePermit>,
}

fn check_scheme(url: &Url) -> Result<(), FetchError> {
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Ok(()),
        "http" | "https" => Err(FetchError::InvalidUrl {
            url: url.to_string(),
            reason: "no host".into(),
        }),
        other => Err(FetchError::InvalidUrl {
            url: url.to_string(),
            reason: format!("scheme {other:?} is not http or https"),
        }),
    }
}

fn is_followed_redirect(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::MOVED_PERMANENTLY
            | StatusCode::FOUND
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT
            | StatusCode::PERMANENT_REDIRECT
    )
}

fn redirect_target(url: &Url, headers: &HeaderMap, status: StatusCode) -> Result<Url, FetchError> {
    let Some(location) = headers.get(header::LOCATION) else {
        return Err(FetchError::Status {
            url: url.clone(),
            code: status.as_u16(),
        });
    };
    let location = String::from_utf8_lossy(location.as_bytes());
    let next = url
        .join(location.trim())
        .map_err(|e| FetchError::InvalidUrl {
            url: location.to_string(),
            reason: format!("bad redirect Location from {url}: {e}"),
        })?;
    check_scheme(&next)?;
    Ok(next)
}

/// Whether an answer refuses the reader: a 403, or a CDN's challenge page (Cloudflare marks
/// those `cf-mitigated: challenge`, whatever their status). `Some(challenge)` when it does.
fn refusal(status: StatusCode, headers: &HeaderMap) -> Option<bool> {
    let challenge = headers
        .get_all("cf-mitigated")
        .iter()
        .any(|v| v.as_bytes().eq_ignore_ascii_case(b"challenge"));
    (challenge || status == StatusCode::FORBIDDEN).then_some(challenge)
}

/// Why waiting on the network ended before the answer came.
enum Stall {
    /// Nothing arrived for [`FetchConfig::idle_timeout`].
    Idle,
    /// The whole fetch's [`FetchConfig::request_timeout`] ran out.
    Total,
}

/// Awaits `step` (the answer, or the next piece of the body) for at most the idle timeout, and
/// never past the fetch's deadline.
async fn within<F: std::future::Future>(
    deadline: Instant,
    idle: Duration,
    step: F,
) -> Result<F::Output, Stall> {
    let at = (Instant::now() + idle).min(deadline);
    tokio::time::timeout_at(at, step).await.map_err(|_| {
        if at < deadline {
            Stall::Idle
        } else {
            Stall::Total
        }
    })
}

fn stalled(url: &Url, cfg: &FetchConfig) -> FetchError {
    FetchError::Stalled {
        url: url.clone(),
        after: cfg.idle_timeout,
    }
}

fn header_string(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn status_error(url: Url, status: StatusCode, headers: &HeaderMap) -> FetchError {
    match status {
        StatusCode::NOT_FOUND => FetchError::NotFound { url },
        StatusCode::GONE => FetchError::Gone { url },
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => {
            let retry_after = headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
            FetchError::RateLimited {
                url,
                code: status.as_u16(),
                retry_after,
            }
        }
        _ => FetchError::Status {
            url,
            code: status.as_u16(),
        },
    }
}

/// `Retry-After` as delay-seconds or an HTTP date (a date in the past gives zero).
fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<u64>().ok().map(Duration::from_secs);
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let secs = (date.with_timezone(&chrono::Utc) - now)
        .num_seconds()
        .max(0);
    u64::try_from(secs).ok().map(Duration::from_secs)
}

fn map_send_error(url: &Url, e: reqwest::Error, cfg: &FetchConfig) -> FetchError {
    if let Some(addr) = guard::find_blocked(&e) {
        return FetchError::Blocked {
            url: url.clone(),
            addr,
        };
    }
    if e.is_timeout() {
        let after = if e.is_connect() {
            cfg.connect_timeout
        } else {
            cfg.request_timeout
        };
        return FetchError::Timeout {
            url: url.clone(),
            after,
        };
    }
    if e.is_connect() {
        return FetchError::Connect {
            url: url.clone(),
            source: e,
        };
    }
    FetchError::Http {
        url: url.clone(),
        source: e,
    }
}

/// Reads the (decompressed) body chunk by chunk, stopping as soon as it passes `limit`, when
/// the server falls silent for the idle timeout, or at the fetch's deadline.
async fn read_body(
    url: &Url,
    resp: &mut reqwest::Response,
    limit: usize,
    deadline: Instant,
    cfg: &FetchConfig,
) -> Result<Vec<u8>, FetchError> {
    let too_large = || FetchError::TooLarge {
        url: url.clone(),
        limit,
    };
    let declared = resp.content_length();
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }
    let initial = declared
        .and_then(|len| usize::try_from(len).ok())
        .unwrap_or(0)
        .min(limit)
        .min(1024 * 1024);
    let mut body = Vec::with_capacity(initial);
    loop {
        let chunk = match within(deadline, cfg.idle_timeout, resp.chunk()).await {
            Err(Stall::Idle) => return Err(stalled(url, cfg)),
            Err(Stall::Total) => {
                return Err(FetchError::Timeout {
                    url: url.clone(),
                    after: cfg.request_timeout,
                })
            }
            Ok(chunk) => chunk.map_err(|source| FetchError::Http {
                url: url.clone(),
                source,
            })?,
        };
        let Some(chunk) = chunk else { break };
        if chunk.len() > limit - body.len() {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = chrono::Utc
            .with_ymd_and_hms(2015, 10, 21, 7, 28, 0)
            .unwrap();
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn only_http_and_https() {
        for bad in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "data:text/plain,hi",
        ] {
            let url = Url::parse(bad).unwrap();
            assert!(
                matches!(check_scheme(&url), Err(FetchError::InvalidUrl { .. })),
                "{bad}"
            );
        }
        assert!(check_scheme(&Url::parse("https://example.com/").unwrap()).is_ok());
    }

    #[test]
    fn redirect_targets_resolve_relative_locations() {
        let base = Url::parse("https://example.com/a/feed").unwrap();
        let mut h = HeaderMap::new();
        h.insert(header::LOCATION, HeaderValue::from_static("../b/rss"));
        let next = redirect_target(&base, &h, StatusCode::FOUND).unwrap();
        assert_eq!(next.as_str(), "https://example.com/b/rss");
        h.insert(header::LOCATION, HeaderValue::from_static("gopher://x/"));
        assert!(matches!(
            redirect_target(&base, &h, StatusCode::FOUND),
            Err(FetchError::InvalidUrl { .. })
        ));
        let empty = HeaderMap::new();
        assert!(matches!(
            redirect_target(&base, &empty, StatusCode::MOVED_PERMANENTLY),
            Err(FetchError::Status { code: 301, .. })
        ));
    }
}
