//! A tiny real HTTP/1.1 server on `127.0.0.1:0` for the end-to-end tests (the minimal part of
//! the library's `tests/support/mod.rs`): one thread per connection, one request per
//! connection, `Connection: close`. It logs every request (headers and arrival time) before its
//! handler runs, so a test can check what the app sent and when. Dropping it stops it, so "the
//! network is gone" is real.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// One request as received.
#[derive(Debug, Clone)]
pub struct Request {
    /// The request target as sent: path and query.
    pub path: String,
    /// Headers in the order received, names as the client spelled them.
    pub headers: Vec<(String, String)>,
    /// When its head had arrived.
    pub at: Instant,
}

impl Request {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut named = self
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name));
        named.next().map(|(_, v)| v.as_str())
    }
}

/// What the handler answers.
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    /// Sent after Content-Type, as given.
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Reply {
    /// 200 with this body.
    pub fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            content_type,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    pub fn not_found() -> Reply {
        Reply {
            status: 404,
            ..Reply::ok("text/plain", "not found")
        }
    }

    /// 304 Not Modified (no body).
    pub fn not_modified() -> Reply {
        Reply {
            status: 304,
            ..Reply::ok("text/plain", "")
        }
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Reply {
        self.headers.push((name, value.to_string()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<Request>>>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves every request with `handler`.
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let handler = Arc::new(handler);
        let acceptor = {
            let (stop, log) = (Arc::clone(&stop), Arc::clone(&log));
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (handler, log) = (Arc::clone(&handler), Arc::clone(&log));
                    thread::spawn(move || serve(stream, &*handler, &log));
                }
            })
        };
        Server {
            addr,
            stop,
            log,
            acceptor: Some(acceptor),
        }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Every request received so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The requests received so far for exactly `path`.
    pub fn requests_for(&self, path: &str) -> Vec<Request> {
        let mut all = self.requests();
        all.retain(|r| r.path == path);
        all
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.acceptor.take() {
            let _ = t.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    handler: &(dyn Fn(&Request) -> Reply + Send + Sync),
    log: &Mutex<Vec<Request>>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => return,
            Ok(_) if header.trim_end().is_empty() => break,
            Ok(_) => {
                if let Some((name, value)) = header.split_once(':') {
                    headers.push((name.trim().to_string(), value.trim().to_string()));
                }
            }
        }
    }
    let request = Request {
        path,
        headers,
        at: Instant::now(),
    };
    log.lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(request.clone());
    let reply = handler(&request);
    thread::sleep(reply.delay);
    let reason = match reply.status {
        200 => "OK",
        304 => "Not Modified",
        404 => "Not Found",
        _ => "Other",
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\n",
        reply.status, reply.content_type
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if reply.status != 304 {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    let mut stream = stream;
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(&reply.body))
        .and_then(|_| stream.flush());
}
