//! A small real HTTP/1.1 server for integration tests: `127.0.0.1:0`, plain threads, no crates.
//!
//! ```ignore
//! let server = TestServer::start(|req: &Request| match req.path.as_str() {
//!     "/feed.xml" => Response::ok(FEED).header("Content-Type", "application/rss+xml"),
//!     "/old" => Response::redirect(301, "/feed.xml"),
//!     "/slow" => Response::ok("late").delay(Duration::from_secs(5)),
//!     "/huge" => Response::ok("").generated(50 << 20).chunked(),
//!     _ => Response::status(404),
//! });
//! // or, for a fixed table: TestServer::routes(vec![("/feed.xml", Response::ok(FEED))])
//! let url = server.url("/feed.xml");          // http://127.0.0.1:<port>/feed.xml
//! // ... fetch it ...
//! assert_eq!(server.hits("/feed.xml"), 1);
//! assert_eq!(server.last_request("/feed.xml").unwrap().header("if-none-match"), Some("\"v1\""));
//! ```
//!
//! What it does:
//! - One thread accepts; one thread per connection. Each connection serves **one** request and
//!   is closed (`Connection: close` is always sent), so "connections" and "requests" are the same
//!   count and clients never reuse a socket the server is about to close.
//! - The handler is any `Fn(&Request) -> Response + Send + Sync + 'static`; it runs on the
//!   connection's thread, so handlers may block. Request bodies are read (by `Content-Length`) and
//!   ignored.
//! - Records every request (method, path with query, headers in order) and counts hits per
//!   exact path ([`TestServer::hits`]), the maximum number of requests waiting for their answer
//!   at the same time ([`TestServer::max_in_flight`]) and the body bytes written
//!   ([`TestServer::body_bytes_sent`]).
//! - Responses: a status, headers (sent as given, names as spelled) and a [`Body`]:
//!   [`Body::Bytes`] is sent verbatim (gzip-encoded bytes are served as given: add
//!   `Content-Encoding: gzip` yourself); [`Body::Generated`] produces `len` bytes of one byte
//!   value in fixed-size chunks, never held in memory, optionally pausing between chunks (a
//!   slow server). [`Response::delay`] waits before sending anything (a hanging server).
//! - Framing: `Content-Length` by default; [`Response::chunked`] uses chunked transfer
//!   encoding (no length known in advance); [`Response::until_close`] sends neither and ends the
//!   body by closing the connection. A `Content-Length` or `Transfer-Encoding` header you add
//!   yourself replaces the automatic one (to lie about the length, for example).
//! - Dropping the server stops accepting and wakes delayed or slow responses (they stop within
//!   ~20 ms without answering), so a test's hanging server never outlives the test.

#![allow(dead_code)] // each test module uses a different part of it

pub mod cli;
pub mod farm;
pub mod feeds;
pub mod library;
pub mod scratch;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// The request target as sent: path and query (`/feed?x=1`).
    pub path: String,
    /// Headers in the order received, names as spelled by the client.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A response body.
#[derive(Debug, Clone)]
pub enum Body {
    /// Sent verbatim.
    Bytes(Vec<u8>),
    /// `len` bytes of `fill`, written `chunk` bytes at a time with `pause` after each chunk;
    /// generated as it is written (a 50 MB body costs `chunk` bytes of memory).
    Generated {
        /// Total bytes.
        len: u64,
        /// The byte repeated.
        fill: u8,
        /// Bytes per write.
        chunk: usize,
        /// Sleep after each write (zero: as fast as the client reads).
        pause: Duration,
    },
}

/// How the end of the body is signalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length: <len>` (the default).
    Length,
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Neither: the body ends when the connection closes.
    UntilClose,
}

/// What the handler returns.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status code; the reason phrase is filled in.
    pub status: u16,
    /// Extra headers, sent as given.
    pub headers: Vec<(String, String)>,
    /// The body (not sent for `HEAD` requests or 1xx/204/304 statuses).
    pub body: Body,
    /// Wait this long before sending anything.
    pub delay: Duration,
    /// How the body length is signalled.
    pub framing: Framing,
}

impl Response {
    /// A response with this status and an empty body.
    pub fn status(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Body::Bytes(Vec::new()),
            delay: Duration::ZERO,
            framing: Framing::Length,
        }
    }

    /// 200 with this body.
    pub fn ok(body: impl Into<Vec<u8>>) -> Response {
        Response::status(200).body(body)
    }

    /// A redirect (`301`, `302`, `303`, `307`, `308`) to `location` (sent as given, so it may be
    /// relative).
    pub fn redirect(status: u16, location: &str) -> Response {
        Response::status(status).header("Location", location)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Replaces the body with these bytes.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.body = Body::Bytes(body.into());
        self
    }

    /// Replaces the body with `len` generated bytes (`b'x'`, 64 KiB writes, no pause).
    pub fn generated(mut self, len: u64) -> Response {
        self.body = Body::Generated {
            len,
            fill: b'x',
            chunk: 64 * 1024,
            pause: Duration::ZERO,
        };
        self
    }

    /// Makes a generated body slow: `chunk` bytes, then `pause`, and so on.
    pub fn slowly(mut self, chunk: usize, pause: Duration) -> Response {
        if let Body::Generated {
            chunk: c, pause: p, ..
        } = &mut self.body
        {
            *c = chunk.max(1);
            *p = pause;
        }
        self
    }

    /// Waits `delay` before answering (a hanging server).
    pub fn delay(mut self, delay: Duration) -> Response {
        self.delay = delay;
        self
    }

    /// Uses chunked transfer encoding.
    pub fn chunked(mut self) -> Response {
        self.framing = Framing::Chunked;
        self
    }

    /// Ends the body by closing the connection (no length sent).
    pub fn until_close(mut self) -> Response {
        self.framing = Framing::UntilClose;
        self
    }
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync + 'static;

#[derive(Default)]
struct State {
    requests: Mutex<Vec<Request>>,
    hits: Mutex<HashMap<String, usize>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    body_bytes_sent: AtomicU64,
}

/// A running server; stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    state: Arc<State>,
    acceptor: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Binds `127.0.0.1:0` and serves every request with `handler`.
    pub fn start<F>(handler: F) -> TestServer
    where
        F: Fn(&Request) -> Response + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let stop = Arc::new(AtomicBool::new(false));
        let state = Arc::new(State::default());
        let handler: Arc<Handler> = Arc::new(handler);
        let acceptor = {
            let stop = Arc::clone(&stop);
            let state = Arc::clone(&state);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (stop, state, handler) =
                        (Arc::clone(&stop), Arc::clone(&state), Arc::clone(&handler));
                    thread::spawn(move || serve(stream, &*handler, &state, &stop));
                }
            })
        };
        TestServer {
            addr,
            stop,
            state,
            acceptor: Some(acceptor),
        }
    }

    /// Serves the same response (cloned) to every request.
    pub fn fixed(response: Response) -> TestServer {
        TestServer::start(move |_| response.clone())
    }

    /// Serves a fixed table: the response for the exact path (query included), else 404.
    ///
    /// ```ignore
    /// let server = TestServer::routes(vec![
    ///     ("/rss.xml", Response::ok(RSS).header("Content-Type", "application/rss+xml")),
    ///     ("/gone", Response::status(410)),
    /// ]);
    /// ```
    pub fn routes(table: Vec<(&str, Response)>) -> TestServer {
        let table: HashMap<String, Response> = table
            .into_iter()
            .map(|(path, response)| (path.to_owned(), response))
            .collect();
        TestServer::start(move |req| {
            table
                .get(&req.path)
                .cloned()
                .unwrap_or_else(|| Response::status(404))
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port><path>`; `path` starts with `/`.
    pub fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("http://{}{}", self.addr, path)).expect("test URL")
    }

    /// The same URL spelled with `localhost` (resolved through DNS, not a literal IP).
    pub fn localhost_url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("http://localhost:{}{}", self.addr.port(), path))
            .expect("test URL")
    }

    /// The server's origin (`http://127.0.0.1:<port>`).
    pub fn origin(&self) -> url::Origin {
        self.url("/").origin()
    }

    /// Requests received for exactly `path` (path and query as sent).
    pub fn hits(&self, path: &str) -> usize {
        lock(&self.state.hits).get(path).copied().unwrap_or(0)
    }

    /// Requests received, all paths.
    pub fn total_hits(&self) -> usize {
        lock(&self.state.requests).len()
    }

    /// Every request received, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.state.requests).clone()
    }

    /// The last request received for `path`.
    pub fn last_request(&self, path: &str) -> Option<Request> {
        lock(&self.state.requests)
            .iter()
            .rev()
            .find(|r| r.path == path)
            .cloned()
    }

    /// The most requests that were being handled at the same moment: received, and the
    /// response not started yet (handler running or [`Response::delay`] pending). Give the
    /// responses a delay to measure a client's concurrency.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }

    /// Body bytes written to clients so far (all responses).
    pub fn body_bytes_sent(&self) -> u64 {
        self.state.body_bytes_sent.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the thread sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.acceptor.take() {
            let _ = t.join();
        }
    }
}

/// A tiny deterministic generator for tests that kill processes at random moments, so a
/// failing run can be replayed from its seed.
pub struct Lcg(pub u64);

impl Lcg {
    /// A number below `below`.
    pub fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Counts a request as in flight until dropped.
struct InFlight<'a>(&'a State);

impl<'a> InFlight<'a> {
    fn enter(state: &'a State) -> Self {
        let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(state)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

fn serve(stream: TcpStream, handler: &Handler, state: &State, stop: &AtomicBool) {
    if stop.load(Ordering::SeqCst) {
        return;
    }
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let Some(request) = read_request(&mut reader) else {
        return;
    };
    let in_flight = InFlight::enter(state);
    lock(&state.requests).push(request.clone());
    *lock(&state.hits).entry(request.path.clone()).or_default() += 1;

    let response = handler(&request);
    if !sleep_unless_stopped(response.delay, stop) {
        return;
    }
    // Out of flight as the answer starts: a client can only finish (and send its next request)
    // after that, so the count never includes a request whose client has already moved on.
    drop(in_flight);
    let _ = write_response(stream, &request, &response, state, stop);
}

/// Sleeps in short slices; false if the server was stopped meanwhile.
fn sleep_unless_stopped(total: Duration, stop: &AtomicBool) -> bool {
    let end = Instant::now() + total;
    loop {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        let now = Instant::now();
        if now >= end {
            return true;
        }
        thread::sleep((end - now).min(Duration::from_millis(20)));
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
        if headers.len() > 200 {
            return None;
        }
    }
    let request = Request {
        method,
        path,
        headers,
    };
    let body_len: u64 = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    std::io::copy(&mut reader.by_ref().take(body_len), &mut std::io::sink()).ok()?;
    Some(request)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

fn write_response(
    mut stream: TcpStream,
    request: &Request,
    response: &Response,
    state: &State,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    let status = response.status;
    let no_body = request.method.eq_ignore_ascii_case("HEAD")
        || (100..200).contains(&status)
        || status == 204
        || status == 304;
    let body_len = match &response.body {
        Body::Bytes(b) => b.len() as u64,
        Body::Generated { len, .. } => *len,
    };
    let has = |name: &str| {
        response
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in &response.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    // A Content-Length or Transfer-Encoding header the test set itself is sent as given and
    // the body written raw after it.
    let framing = if has("content-length") || has("transfer-encoding") {
        Framing::UntilClose
    } else {
        response.framing
    };
    if !(status == 304 || status == 204) {
        match framing {
            Framing::Length => head.push_str(&format!("Content-Length: {body_len}\r\n")),
            Framing::Chunked => head.push_str("Transfer-Encoding: chunked\r\n"),
            Framing::UntilClose => {}
        }
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes())?;
    if no_body {
        return stream.flush();
    }
    let chunked = framing == Framing::Chunked;
    let mut send = |bytes: &[u8]| -> std::io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        if chunked {
            stream.write_all(format!("{:x}\r\n", bytes.len()).as_bytes())?;
            stream.write_all(bytes)?;
            stream.write_all(b"\r\n")?;
        } else {
            stream.write_all(bytes)?;
        }
        state
            .body_bytes_sent
            .fetch_add(bytes.len() as u64, Ordering::SeqCst);
        Ok(())
    };
    match &response.body {
        Body::Bytes(b) => send(b)?,
        Body::Generated {
            len,
            fill,
            chunk,
            pause,
        } => {
            let buf = vec![*fill; (*chunk).max(1)];
            let mut left = *len;
            while left > 0 {
                let n = left.min(buf.len() as u64) as usize;
                send(&buf[..n])?;
                left -= n as u64;
                if !pause.is_zero() && !sleep_unless_stopped(*pause, stop) {
                    return Ok(());
                }
                if stop.load(Ordering::SeqCst) {
                    return Ok(());
                }
            }
        }
    }
    if chunked {
        stream.write_all(b"0\r\n\r\n")?;
    }
    stream.flush()
}
