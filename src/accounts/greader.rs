//! A Google Reader API client: the protocol FreshRSS, Miniflux, Inoreader, The Old Reader and
//! BazQux speak. Sign-in (`accounts/ClientLogin`, then `Authorization: GoogleLogin auth=…`),
//! the write token (`token`, sent as `T`), subscriptions and their folders
//! (`subscription/list`, `quickadd`, `edit`; `tag/list` would add only empty folders, which
//! Tidings does not keep), item ids with continuation and a newer-than stamp
//! (`stream/items/ids`), item contents in batches (`stream/items/contents`), state changes in
//! batches (`edit-tag`) and `mark-all-as-read`.
//!
//! Server answers are hostile data: every body is size-capped, JSON is read field by field
//! (a missing field skips the item, never panics), and an item's HTML is returned as sent, for
//! the caller to sanitize. No error message carries the password or the auth token (both live
//! only in this client's memory).
//!
//! Differences between servers handled here:
//! - item ids: decimal (`stream/items/ids`), long form `tag:google.com,2005:reader/item/<hex>`
//!   (contents), 16-hex (FreshRSS, Miniflux, Inoreader) or 24-hex (The Old Reader); kept as
//!   the hex string and sent back in the long form, which every server parses (Miniflux reads
//!   a short id as hex, so a decimal one would name another item);
//! - user-specific stream names (`user/1005921515/state/com.google/read` from Inoreader and
//!   Miniflux) are recognised by their suffix;
//! - continuation: an item id (FreshRSS) or an offset, `0` meaning "no more" (Miniflux);
//!   listings go oldest first (`r=o`) so an offset does not shift as new items arrive;
//! - `output=json` is sent everywhere (Miniflux and The Old Reader require it), and the sign-in
//!   carries Google's `service`, `accountType` and `client` fields (The Old Reader's);
//! - times: `timestampUsec` first (Miniflux's `crawlTimeMsec` is in microseconds too);
//! - FreshRSS reads `T`, `a` and `r` only when they come before the item ids (PHP's
//!   `max_input_vars` drops later form fields, and the edit is then silently a no-op), and
//!   reads at most 1 MiB of a body: batches are at most [`BATCH`] ids, fields first.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

use super::ServerUrl;

/// Every item of the account.
pub const READING_LIST: &str = "user/-/state/com.google/reading-list";
/// Read items.
pub const READ: &str = "user/-/state/com.google/read";
/// Starred items.
pub const STARRED: &str = "user/-/state/com.google/starred";
/// A folder's stream id is this prefix and its name.
pub const LABEL_PREFIX: &str = "user/-/label/";
const ITEM_PREFIX: &str = "tag:google.com,2005:reader/item/";

/// Items per `stream/items/contents` or `edit-tag` request.
pub const BATCH: usize = 250;
/// Item ids per `stream/items/ids` page.
const IDS_PAGE: usize = 50_000;
/// Pages of one listing before giving up (a server whose continuation never ends).
const MAX_PAGES: usize = 1_000;

/// How the client talks to the server.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub user_agent: String,
    pub connect_timeout: Duration,
    /// For one request, its body included.
    pub request_timeout: Duration,
    /// Largest answer accepted.
    pub max_body_bytes: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            user_agent: format!("Tidings/{} (+offline news reader)", crate::VERSION),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            max_body_bytes: 64 * 1024 * 1024,
        }
    }
}

/// What can go wrong talking to the server. No message carries a password or token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GReaderError {
    /// 401/403 (or a refused sign-in): the user must sign in again.
    #[error("the server refused the sign-in (HTTP {status}{}): sign in again", reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    SignIn { status: u16, reason: Option<String> },
    /// Connecting failed (down, refused, DNS).
    #[error("server unreachable: could not connect to {url}")]
    Unreachable {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    /// No answer in time.
    #[error("server unreachable: {url} did not answer within {}s", after.as_secs())]
    Timeout { url: String, after: Duration },
    /// 429 or 503: come back later.
    #[error("the server asked to wait (HTTP {status}){}", retry_after.map(|d| format!(", retry after {}s", d.as_secs())).unwrap_or_default())]
    RateLimited {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// Another unexpected status.
    #[error("HTTP {status} from {endpoint}{}", detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    Status {
        endpoint: String,
        status: u16,
        detail: Option<String>,
        retry_after: Option<Duration>,
    },
    /// A redirect: never followed (the password would go with it).
    #[error(
        "{endpoint} redirects to {location}; add the account with the address it redirects to"
    )]
    Redirect { endpoint: String, location: String },
    /// The answer is not what the API sends (HTML, garbage, missing fields).
    #[error("{endpoint} did not answer as a Google Reader API does: {reason}")]
    BadAnswer { endpoint: String, reason: String },
    /// The answer is larger than allowed.
    #[error("the answer of {endpoint} is larger than {limit} bytes")]
    TooLarge { endpoint: String, limit: usize },
    /// Reading the answer failed part-way.
    #[error("the connection to {endpoint} broke")]
    Http {
        endpoint: String,
        #[source]
        source: reqwest::Error,
    },
    /// The HTTP client could not be built.
    #[error("could not set up the HTTP client")]
    Setup(#[source] reqwest::Error),
}

impl GReaderError {
    /// How long the server asked to wait, if it did.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            GReaderError::RateLimited { retry_after, .. }
            | GReaderError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// A subscription as the server lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub stream_id: String,
    pub title: String,
    pub url: String,
    pub site_url: Option<String>,
    /// The first folder (label) it is in.
    pub folder: Option<String>,
    pub icon_url: Option<String>,
}

/// One item's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The hex id (see [`item_id`]).
    pub id: String,
    /// The feed it belongs to (`feed/…`).
    pub stream_id: String,
    /// When the server added it (microseconds; 0 when it did not say).
    pub crawled_usec: i64,
    /// Seconds.
    pub published: Option<i64>,
    pub updated: Option<i64>,
    pub title: String,
    /// The story's page (http(s) only).
    pub link: Option<String>,
    pub author: Option<String>,
    /// The server's HTML, unsanitized.
    pub html: Option<String>,
    /// An image enclosure's URL.
    pub image: Option<String>,
    pub read: bool,
    pub starred: bool,
}

/// A page of item contents: the items, and how many came without an id or a feed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Items {
    pub items: Vec<Item>,
    pub skipped: usize,
}

/// `subscription/edit` actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionEdit<'a> {
    Unsubscribe,
    Rename(&'a str),
    /// Into the folder.
    MoveTo(&'a str),
    /// Out of the folder (the server puts it in its default one).
    MoveOutOf(&'a str),
}

/// A feed the server subscribed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickAdded {
    pub stream_id: String,
    pub title: Option<String>,
}

/// The canonical hex id of an item id in any form the API uses: decimal (possibly the signed
/// form of a 64-bit id), the long form, or hex. `None` for anything else.
pub fn item_id(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let hex = if let Some(hex) = raw.strip_prefix(ITEM_PREFIX) {
        hex.to_ascii_lowercase()
    } else if let Ok(n) = raw.parse::<i64>() {
        return Some(format!("{:016x}", n as u64));
    } else if let Ok(n) = raw.parse::<u64>() {
        return Some(format!("{n:016x}"));
    } else {
        raw.to_ascii_lowercase()
    };
    if hex.is_empty() || hex.len() > 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    if hex.len() <= 16 {
        // Some servers drop leading zeros; the decimal form never has them.
        return Some(format!("{hex:0>16}"));
    }
    Some(hex)
}

/// The long form of a hex item id, as sent back to the server.
pub fn long_item_id(hex: &str) -> String {
    format!("{ITEM_PREFIX}{hex}")
}

/// The stream id of a folder.
pub fn label(folder: &str) -> String {
    format!("{LABEL_PREFIX}{folder}")
}

/// The folder name of a label stream id (`user/-/label/News`, `user/1005921515/label/News`).
pub fn folder_of(stream: &str) -> Option<&str> {
    let rest = stream.strip_prefix("user/")?;
    let (_, name) = rest.split_once("/label/")?;
    (!name.is_empty()).then_some(name)
}

fn is_state(category: &str, state: &str) -> bool {
    category.starts_with("user/")
        && category
            .strip_suffix(state)
            .is_some_and(|head| head.ends_with("/state/com.google/"))
}

/// A signed-in (or not yet) client of one server.
pub struct Client {
    http: reqwest::Client,
    /// The API root with a trailing slash, for joining.
    root: Url,
    config: ClientConfig,
    auth: Option<String>,
    token: Option<String>,
    requests: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("root", &self.root.as_str())
            .field("signed_in", &self.auth.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client of `server`.
    pub fn new(server: &ServerUrl, config: &ClientConfig) -> Result<Client, GReaderError> {
        let http = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            // A redirect would carry the Authorization header (or the password) elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .map_err(GReaderError::Setup)?;
        let mut root = server.url().clone();
        root.set_path(&format!("{}/", root.path().trim_end_matches('/')));
        Ok(Client {
            http,
            root,
            config: config.clone(),
            auth: None,
            token: None,
            requests: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Requests sent so far.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Signs in with the user's (API) password. A refusal is [`GReaderError::SignIn`] with
    /// the server's reason.
    pub async fn sign_in(&mut self, user: &str, password: &str) -> Result<(), GReaderError> {
        let endpoint = "accounts/ClientLogin";
        // Google's own fields; The Old Reader asks for them, the others ignore them.
        let body = form_body([
            ("service", "reader"),
            ("accountType", "HOSTED_OR_GOOGLE"),
            ("client", "Tidings"),
            ("Email", user),
            ("Passwd", password),
        ]);
        let request = self
            .http
            .post(self.endpoint_url(endpoint))
            .header(
                header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=UTF-8",
            )
            .body(body);
        let (status, headers, bytes) = self.send(endpoint, request).await?;
        if matches!(status.as_u16(), 400 | 401 | 403) {
            let reason = reason_of(&bytes).map(|r| r.replace(password, "…"));
            return Err(GReaderError::SignIn {
                status: status.as_u16(),
                reason,
            });
        }
        check_status(endpoint, status, &headers, &bytes)?;
        let text = String::from_utf8_lossy(&bytes);
        let auth = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("Auth="))
            .map(str::to_string)
            .or_else(|| {
                serde_json::from_slice::<Value>(&bytes)
                    .ok()?
                    .get("Auth")?
                    .as_str()
                    .map(str::to_string)
            })
            .filter(|a| !a.is_empty() && HeaderValue::from_str(&auth_header(a)).is_ok());
        match auth {
            Some(auth) => {
                self.auth = Some(auth);
                self.token = None;
                Ok(())
            }
            None => Err(GReaderError::BadAnswer {
                endpoint: self.endpoint_url(endpoint).to_string(),
                reason: format!(
                    "its sign-in answer has no Auth line ({}); is {} the API root (such as …/api/greader.php)?",
                    content_type(&headers),
                    self.root.as_str().trim_end_matches('/')
                ),
            }),
        }
    }

    /// Every subscription.
    pub async fn subscriptions(&self) -> Result<Vec<Subscription>, GReaderError> {
        let endpoint = "reader/api/0/subscription/list";
        let json = self.get_json(endpoint, &[]).await?;
        let list = json
            .get("subscriptions")
            .and_then(Value::as_array)
            .ok_or_else(|| bad_answer(endpoint, "no \"subscriptions\" list"))?;
        let mut out = Vec::with_capacity(list.len());
        for sub in list {
            let Some(stream_id) = str_field(sub, "id").filter(|s| !s.is_empty()) else {
                continue;
            };
            let url = str_field(sub, "url")
                .or_else(|| stream_id.strip_prefix("feed/").map(str::to_string))
                .and_then(|u| web_url(&u));
            let Some(url) = url else { continue };
            let folder = sub
                .get("categories")
                .and_then(Value::as_array)
                .and_then(|cats| {
                    cats.iter().find_map(|c| {
                        let id = str_field(c, "id")?;
                        folder_of(&id)
                            .map(str::to_string)
                            .or_else(|| str_field(c, "label"))
                    })
                });
            out.push(Subscription {
                title: str_field(sub, "title").unwrap_or_else(|| url.clone()),
                stream_id,
                url,
                site_url: str_field(sub, "htmlUrl").and_then(|u| web_url(&u)),
                folder,
                icon_url: str_field(sub, "iconUrl").and_then(|u| web_url(&u)),
            });
        }
        Ok(out)
    }

    /// The ids of every item of `stream` (minus those in `exclude`), added at or after
    /// `since` (seconds), all pages.
    pub async fn item_ids(
        &self,
        stream: &str,
        exclude: Option<&str>,
        since: Option<i64>,
    ) -> Result<Vec<String>, GReaderError> {
        let endpoint = "reader/api/0/stream/items/ids";
        let mut ids = Vec::new();
        let mut continuation: Option<String> = None;
        let n = IDS_PAGE.to_string();
        let since = since.filter(|s| *s > 0).map(|s| s.to_string());
        for _ in 0..MAX_PAGES {
            let mut query: Vec<(&str, &str)> = vec![("s", stream), ("n", &n), ("r", "o")];
            if let Some(x) = exclude {
                query.push(("xt", x));
            }
            if let Some(ot) = since.as_deref() {
                query.push(("ot", ot));
            }
            if let Some(c) = continuation.as_deref() {
                query.push(("c", c));
            }
            let json = self.get_json(endpoint, &query).await?;
            let refs = json
                .get("itemRefs")
                .map(|r| r.as_array().cloned().unwrap_or_default())
                .unwrap_or_default();
            if json
                .get("itemRefs")
                .is_some_and(|r| !r.is_array() && !r.is_null())
            {
                return Err(bad_answer(endpoint, "\"itemRefs\" is not a list"));
            }
            let page_len = refs.len();
            ids.extend(
                refs.iter()
                    .filter_map(|r| str_or_number(r.get("id")?))
                    .filter_map(|id| item_id(&id)),
            );
            let next = json
                .get("continuation")
                .and_then(str_or_number)
                .filter(|c| !c.is_empty() && c != "0");
            match next {
                Some(next) if page_len > 0 && continuation.as_deref() != Some(next.as_str()) => {
                    continuation = Some(next)
                }
                _ => return Ok(ids),
            }
        }
        Err(bad_answer(endpoint, "the listing never ends"))
    }

    /// The contents of these items (hex ids; at most [`BATCH`] per request, more are split).
    pub async fn items(&self, ids: &[String]) -> Result<Items, GReaderError> {
        let endpoint = "reader/api/0/stream/items/contents";
        let mut out = Items::default();
        for chunk in ids.chunks(BATCH) {
            let ids: Vec<String> = chunk.iter().map(|id| long_item_id(id)).collect();
            let body = form_body(
                std::iter::once(("output", "json")).chain(ids.iter().map(|id| ("i", id.as_str()))),
            );
            let (status, headers, bytes) = self.post(endpoint, body).await?;
            check_status(endpoint, status, &headers, &bytes)?;
            let json = parse_json(endpoint, &headers, &bytes)?;
            let list = json
                .get("items")
                .and_then(Value::as_array)
                .ok_or_else(|| bad_answer(endpoint, "no \"items\" list"))?;
            for raw in list {
                match parse_item(raw) {
                    Some(item) => out.items.push(item),
                    None => out.skipped += 1,
                }
            }
        }
        Ok(out)
    }

    /// Adds and/or removes a state or label (`READ`, `STARRED`) on items, in batches.
    pub async fn edit_tag(
        &mut self,
        ids: &[String],
        add: Option<&str>,
        remove: Option<&str>,
    ) -> Result<(), GReaderError> {
        for chunk in ids.chunks(BATCH) {
            let mut fields: Vec<(&str, String)> = Vec::with_capacity(chunk.len() + 2);
            if let Some(a) = add {
                fields.push(("a", a.to_string()));
            }
            if let Some(r) = remove {
                fields.push(("r", r.to_string()));
            }
            fields.extend(chunk.iter().map(|id| ("i", long_item_id(id))));
            self.write("reader/api/0/edit-tag", &fields).await?;
        }
        Ok(())
    }

    /// Marks everything in `stream` read up to `ts_usec` (the server's time of the newest item
    /// the person saw, microseconds).
    pub async fn mark_all_as_read(
        &mut self,
        stream: &str,
        ts_usec: i64,
    ) -> Result<(), GReaderError> {
        let fields = [
            ("s", stream.to_string()),
            ("ts", ts_usec.max(0).to_string()),
        ];
        self.write("reader/api/0/mark-all-as-read", &fields)
            .await
            .map(drop)
    }

    /// Subscribes to a feed by its URL. `Ok(None)` when the server found no feed there.
    pub async fn quickadd(&mut self, url: &str) -> Result<Option<QuickAdded>, GReaderError> {
        let endpoint = "reader/api/0/subscription/quickadd";
        let bytes = self
            .write(endpoint, &[("quickadd", url.to_string())])
            .await?;
        let json: Value = serde_json::from_slice(&bytes)
            .map_err(|e| bad_answer(endpoint, &format!("not JSON ({e})")))?;
        let found = json
            .get("numResults")
            .and_then(|n| n.as_i64().or_else(|| n.as_str()?.parse().ok()))
            .unwrap_or(0);
        Ok(match str_field(&json, "streamId") {
            Some(stream_id) if found > 0 => Some(QuickAdded {
                stream_id,
                title: str_field(&json, "streamName"),
            }),
            _ => None,
        })
    }

    /// Edits one subscription.
    pub async fn edit_subscription(
        &mut self,
        stream: &str,
        edit: SubscriptionEdit<'_>,
    ) -> Result<(), GReaderError> {
        let mut fields = vec![("s", stream.to_string())];
        match edit {
            SubscriptionEdit::Unsubscribe => fields.push(("ac", "unsubscribe".into())),
            SubscriptionEdit::Rename(title) => {
                fields.push(("ac", "edit".into()));
                fields.push(("t", title.to_string()));
            }
            SubscriptionEdit::MoveTo(folder) => {
                fields.push(("ac", "edit".into()));
                fields.push(("a", label(folder)));
            }
            SubscriptionEdit::MoveOutOf(folder) => {
                fields.push(("ac", "edit".into()));
                fields.push(("r", label(folder)));
            }
        }
        self.write("reader/api/0/subscription/edit", &fields)
            .await
            .map(drop)
    }

    /// Unread counts by stream id (feeds, folders and the whole reading list).
    pub async fn unread_counts(&self) -> Result<Vec<(String, i64)>, GReaderError> {
        let endpoint = "reader/api/0/unread-count";
        let json = self.get_json(endpoint, &[]).await?;
        let list = json
            .get("unreadcounts")
            .and_then(Value::as_array)
            .ok_or_else(|| bad_answer(endpoint, "no \"unreadcounts\" list"))?;
        Ok(list
            .iter()
            .filter_map(|c| {
                let count = c.get("count")?;
                let count = count.as_i64().or_else(|| count.as_str()?.parse().ok())?;
                Some((str_field(c, "id")?, count))
            })
            .collect())
    }

    fn endpoint_url(&self, endpoint: &str) -> Url {
        // The endpoint names are constants that always join.
        self.root
            .join(endpoint)
            .unwrap_or_else(|_| self.root.clone())
    }

    fn authorized(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.auth {
            Some(auth) => request.header(header::AUTHORIZATION, auth_header(auth)),
            None => request,
        }
    }

    async fn get_json(
        &self,
        endpoint: &str,
        query: &[(&str, &str)],
    ) -> Result<Value, GReaderError> {
        let mut url = self.endpoint_url(endpoint);
        {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
            pairs.append_pair("output", "json");
        }
        let request = self.authorized(self.http.get(url));
        let (status, headers, bytes) = self.send(endpoint, request).await?;
        check_status(endpoint, status, &headers, &bytes)?;
        parse_json(endpoint, &headers, &bytes)
    }

    async fn post(
        &self,
        endpoint: &str,
        body: String,
    ) -> Result<(StatusCode, HeaderMap, Vec<u8>), GReaderError> {
        let request = self
            .authorized(self.http.post(self.endpoint_url(endpoint)))
            .header(
                header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=UTF-8",
            )
            .body(body);
        self.send(endpoint, request).await
    }

    /// A write call: the token first, then `fields` in order. A token the server calls bad is
    /// fetched again, once.
    async fn write(
        &mut self,
        endpoint: &str,
        fields: &[(&str, String)],
    ) -> Result<Vec<u8>, GReaderError> {
        for attempt in 0..2 {
            let token = self.token().await?;
            let body = form_body(
                std::iter::once(("T", token.as_str()))
                    .chain(fields.iter().map(|(k, v)| (*k, v.as_str()))),
            );
            let (status, headers, bytes) = self.post(endpoint, body).await?;
            let bad_token = status == StatusCode::UNAUTHORIZED
                && headers
                    .get("google-bad-token")
                    .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"true"));
            if bad_token && attempt == 0 {
                self.token = None;
                continue;
            }
            check_status(endpoint, status, &headers, &bytes)?;
            return Ok(bytes);
        }
        Err(GReaderError::SignIn {
            status: 401,
            reason: Some("the server refused its own write token".into()),
        })
    }

    async fn token(&mut self) -> Result<String, GReaderError> {
        if let Some(token) = &self.token {
            return Ok(token.clone());
        }
        let endpoint = "reader/api/0/token";
        let request = self.authorized(self.http.get(self.endpoint_url(endpoint)));
        let (status, headers, bytes) = self.send(endpoint, request).await?;
        check_status(endpoint, status, &headers, &bytes)?;
        let token = String::from_utf8_lossy(&bytes).trim().to_string();
        if token.is_empty() || token.len() > 1024 || token.contains(char::is_whitespace) {
            return Err(bad_answer(endpoint, "no token"));
        }
        self.token = Some(token.clone());
        Ok(token)
    }

    /// Sends one request and reads its (size-capped) body. Transport failures and redirects
    /// become errors here; statuses are the caller's to judge (see [`check_status`]).
    async fn send(
        &self,
        endpoint: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<(StatusCode, HeaderMap, Vec<u8>), GReaderError> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let shown = self.endpoint_url(endpoint).to_string();
        let mut resp = request.send().await.map_err(|e| {
            if e.is_timeout() {
                GReaderError::Timeout {
                    url: shown.clone(),
                    after: self.config.request_timeout,
                }
            } else {
                GReaderError::Unreachable {
                    url: shown.clone(),
                    source: e.without_url(),
                }
            }
        })?;
        let status = resp.status();
        let headers = resp.headers().clone();
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            let location = headers
                .get(header::LOCATION)
                .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned())
                .unwrap_or_else(|| "nowhere".into());
            return Err(GReaderError::Redirect {
                endpoint: shown,
                location: printable(&location, 300),
            });
        }
        let limit = self.config.max_body_bytes;
        if resp.content_length().is_some_and(|len| len > limit as u64) {
            return Err(GReaderError::TooLarge {
                endpoint: shown,
                limit,
            });
        }
        let mut body = Vec::new();
        loop {
            let chunk = resp.chunk().await.map_err(|e| {
                if e.is_timeout() {
                    GReaderError::Timeout {
                        url: shown.clone(),
                        after: self.config.request_timeout,
                    }
                } else {
                    GReaderError::Http {
                        endpoint: shown.clone(),
                        source: e.without_url(),
                    }
                }
            })?;
            let Some(chunk) = chunk else { break };
            if body.len() + chunk.len() > limit {
                return Err(GReaderError::TooLarge {
                    endpoint: shown,
                    limit,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, headers, body))
    }
}

/// A form body with the fields in this order.
fn form_body<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        form.append_pair(k, v);
    }
    form.finish()
}

fn auth_header(auth: &str) -> String {
    format!("GoogleLogin auth={auth}")
}

fn bad_answer(endpoint: &str, reason: &str) -> GReaderError {
    GReaderError::BadAnswer {
        endpoint: endpoint.to_string(),
        reason: reason.to_string(),
    }
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| printable(v, 80))
        .unwrap_or_else(|| "no content type".into())
}

/// Turns a status that is not a success into its error.
fn check_status(
    endpoint: &str,
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), GReaderError> {
    if status.is_success() {
        return Ok(());
    }
    if matches!(status.as_u16(), 401 | 403) {
        return Err(GReaderError::SignIn {
            status: status.as_u16(),
            reason: reason_of(body),
        });
    }
    let retry_after = headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
    if matches!(status.as_u16(), 429 | 503) {
        return Err(GReaderError::RateLimited {
            status: status.as_u16(),
            retry_after,
        });
    }
    Err(GReaderError::Status {
        endpoint: endpoint.to_string(),
        status: status.as_u16(),
        detail: reason_of(body),
        retry_after,
    })
}

/// `Retry-After` as delay-seconds or an HTTP date, at most a day.
fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    let secs = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        value.parse::<u64>().ok()?
    } else {
        let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        u64::try_from(
            (date.with_timezone(&chrono::Utc) - now)
                .num_seconds()
                .max(0),
        )
        .ok()?
    };
    Some(Duration::from_secs(secs.min(86_400)))
}

fn parse_json(endpoint: &str, headers: &HeaderMap, bytes: &[u8]) -> Result<Value, GReaderError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let start = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
        let reason = if start.trim_start().starts_with('<') {
            format!(
                "it sent a web page ({}) instead of JSON; is the address the API root?",
                content_type(headers)
            )
        } else {
            format!("its answer is not JSON ({e})")
        };
        bad_answer(endpoint, &reason)
    })
}

/// The first line of a plain-text or JSON error answer, printable and short.
fn reason_of(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(&body[..body.len().min(4096)]);
    let text = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|j| {
            ["error_message", "error", "message"]
                .iter()
                .find_map(|k| j.get(*k)?.as_str().map(str::to_string))
        })
        .unwrap_or_else(|| text.into_owned());
    if text.trim_start().starts_with('<') {
        return None;
    }
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(printable(line, 200))
}

/// Text without control characters, cut at `max` characters.
fn printable(text: &str, max: usize) -> String {
    let mut out: String = text.chars().filter(|c| !c.is_control()).take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

fn str_field(v: &Value, key: &str) -> Option<String> {
    v.get(key)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn str_or_number(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn int_field(v: &Value, key: &str) -> Option<i64> {
    let v = v.get(key)?;
    v.as_i64().or_else(|| v.as_str()?.trim().parse().ok())
}

/// An absolute http(s) URL, else `None`.
fn web_url(raw: &str) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host().is_some()).then(|| url.to_string())
}

fn href_of(v: &Value, key: &str) -> Option<String> {
    v.get(key)?
        .as_array()?
        .iter()
        .find_map(|h| web_url(&str_field(h, "href")?))
}

/// One item of a contents answer; `None` without an id or a feed.
fn parse_item(v: &Value) -> Option<Item> {
    let id = item_id(&str_or_number(v.get("id")?)?)?;
    let stream_id = v
        .get("origin")
        .and_then(|o| str_field(o, "streamId"))
        .filter(|s| !s.is_empty())?;
    let crawled_usec = int_field(v, "timestampUsec")
        .or_else(|| {
            // crawlTimeMsec is milliseconds, except where a server sends microseconds.
            int_field(v, "crawlTimeMsec")
                .map(|t| if t > 100_000_000_000_000 { t } else { t * 1000 })
        })
        .unwrap_or(0);
    let categories: Vec<String> = v
        .get("categories")
        .and_then(Value::as_array)
        .map(|c| {
            c.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let html = ["content", "summary"].iter().find_map(|k| {
        let text = v.get(*k)?.get("content")?.as_str()?;
        (!text.trim().is_empty()).then(|| text.to_string())
    });
    let image = v
        .get("enclosure")
        .and_then(Value::as_array)
        .and_then(|list| {
            list.iter().find_map(|e| {
                let kind = str_field(e, "type").unwrap_or_default();
                kind.starts_with("image")
                    .then(|| web_url(&str_field(e, "href")?))
                    .flatten()
            })
        });
    Some(Item {
        id,
        stream_id,
        crawled_usec,
        published: int_field(v, "published").filter(|t| *t > 0),
        updated: int_field(v, "updated").filter(|t| *t > 0),
        title: str_field(v, "title").unwrap_or_default(),
        link: href_of(v, "canonical").or_else(|| href_of(v, "alternate")),
        author: str_field(v, "author"),
        html,
        image,
        read: categories.iter().any(|c| is_state(c, "read")),
        starred: categories.iter().any(|c| is_state(c, "starred")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn item_ids_in_every_form_meet() {
        let long = item_id("tag:google.com,2005:reader/item/000661f9d7f45cd4").unwrap();
        assert_eq!(long, "000661f9d7f45cd4");
        assert_eq!(item_id("1796575558130900").unwrap(), long);
        assert_eq!(item_id("661f9d7f45cd4").unwrap(), long, "short hex");
        // A 64-bit id above i64::MAX, in its signed decimal form and unsigned.
        assert_eq!(item_id("-1").unwrap(), "ffffffffffffffff");
        assert_eq!(item_id("18446744073709551615").unwrap(), "ffffffffffffffff");
        // The Old Reader's ids are 24 hex digits.
        let old_reader = "5d0cc6a3e4b0a1b2c3d4e5f6";
        assert_eq!(item_id(&long_item_id(old_reader)).unwrap(), old_reader);
        for bad in ["", "tag:google.com,2005:reader/item/", "xyz", "12ab!"] {
            assert_eq!(item_id(bad), None, "{bad:?}");
        }
        assert_eq!(
            long_item_id(&long),
            "tag:google.com,2005:reader/item/000661f9d7f45cd4"
        );
    }

    #[test]
    fn streams_of_any_user_are_recognised() {
        assert_eq!(folder_of("user/-/label/News"), Some("News"));
        assert_eq!(
            folder_of("user/1005921515/label/Tech & Science"),
            Some("Tech & Science")
        );
        assert_eq!(folder_of("user/-/state/com.google/read"), None);
        assert!(is_state("user/-/state/com.google/read", "read"));
        assert!(is_state(
            "user/1005921515/state/com.google/starred",
            "starred"
        ));
        assert!(!is_state("user/-/label/read", "read"));
        assert!(!is_state("user/-/state/com.google/reading-list", "read"));
    }

    #[test]
    fn an_item_needs_an_id_and_a_feed() {
        let full = serde_json::json!({
            "id": "tag:google.com,2005:reader/item/00000000000000ff",
            "timestampUsec": "1700000000123456",
            "crawlTimeMsec": "1700000000123",
            "published": 1_690_000_000,
            "title": "A story",
            "canonical": [{"href": "javascript:alert(1)"}],
            "alternate": [{"href": "https://news.example/story"}],
            "categories": ["user/-/state/com.google/reading-list",
                           "user/1/state/com.google/read", "user/-/state/com.google/starred"],
            "origin": {"streamId": "feed/7"},
            "summary": {"content": "<p>Hi</p>"},
            "enclosure": [{"href": "https://img.example/a.jpg", "type": "image/jpeg"}],
        });
        let item = parse_item(&full).unwrap();
        assert_eq!(item.id, "00000000000000ff");
        assert_eq!(item.stream_id, "feed/7");
        assert_eq!(item.crawled_usec, 1_700_000_000_123_456);
        assert_eq!(item.link.as_deref(), Some("https://news.example/story"));
        assert_eq!(item.html.as_deref(), Some("<p>Hi</p>"));
        assert_eq!(item.image.as_deref(), Some("https://img.example/a.jpg"));
        assert!(item.read && item.starred);
        // Miniflux sends microseconds in crawlTimeMsec.
        let miniflux = serde_json::json!({"id": "1", "origin": {"streamId": "feed/1"},
            "crawlTimeMsec": "1700000000123456"});
        assert_eq!(
            parse_item(&miniflux).unwrap().crawled_usec,
            1_700_000_000_123_456
        );
        for broken in [
            serde_json::json!({"origin": {"streamId": "feed/1"}}),
            serde_json::json!({"id": "1"}),
            serde_json::json!({"id": ["1"], "origin": {"streamId": "feed/1"}}),
            serde_json::json!("not an object"),
        ] {
            assert_eq!(parse_item(&broken), None, "{broken}");
        }
    }

    #[test]
    fn retry_after_is_capped_at_a_day() {
        let now = chrono::Utc
            .with_ymd_and_hms(2015, 10, 21, 7, 28, 0)
            .unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("99999999", now),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn error_reasons_are_short_printable_lines() {
        assert_eq!(
            reason_of(b"Unauthorized!\n").as_deref(),
            Some("Unauthorized!")
        );
        assert_eq!(
            reason_of(br#"{"error_message":"Access Unauthorized"}"#).as_deref(),
            Some("Access Unauthorized")
        );
        assert_eq!(reason_of(b"<html><body>login</body></html>"), None);
        let long = "x\u{7}".repeat(500);
        let reason = reason_of(long.as_bytes()).unwrap();
        assert!(reason.chars().count() <= 201 && !reason.contains('\u{7}'));
    }
}
