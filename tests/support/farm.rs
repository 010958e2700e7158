//! The shared feed farm (`../shared/tools/feedfarm/feedfarm.py`), started on a free port of
//! 127.0.0.1 for one test and stopped when dropped: story pages (`/articles/<f>/<j>.html`)
//! with their truth (`/truth/<f>/<j>.json`), images, feeds, and its request counts (`/stats`).
//!
//! Where `../shared` is absent, [`Farm::start`] says so on stderr and returns `None`: the
//! test then skips, visibly.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running feed farm.
pub struct Farm {
    child: Child,
    port: u16,
    /// The port file's folder, removed with the farm.
    dir: PathBuf,
}

impl Farm {
    /// Starts a farm of `feeds` feeds with `items` stories each, answering every request after
    /// `latency_ms`. `None` (with a note on stderr) when the farm is not there.
    pub fn start(test: &str, feeds: usize, items: usize, latency_ms: u64) -> Option<Farm> {
        let script =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/feedfarm/feedfarm.py");
        if !script.exists() {
            eprintln!(
                "note: {test} skipped: the feed farm {} is absent",
                script.display()
            );
            return None;
        }
        let dir = super::scratch::scratch_dir(&format!("farm-{test}"));
        let port_file = dir.join("port");
        let child = Command::new("python3")
            .arg(&script)
            .args(["--port", "0", "--port-file"])
            .arg(&port_file)
            .args(["--feeds", &feeds.to_string(), "--items", &items.to_string()])
            .args(["--seed", "19", "--latency-ms", &latency_ms.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs the feed farm");
        let started = Instant::now();
        let port = loop {
            if let Some(port) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|p| p.trim().parse().ok())
            {
                break port;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "the feed farm did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        Some(Farm { child, port, dir })
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// A story page's address.
    pub fn article(&self, feed: usize, item: usize) -> String {
        self.url(&format!("/articles/{feed}/{item}.html"))
    }

    /// A feed's address (RSS 2.0 for feeds whose index is a multiple of 4).
    pub fn feed(&self, feed: usize) -> String {
        self.url(&format!("/feeds/{feed}.xml"))
    }

    /// The truth of a story page: title, byline, published, body_text, lead_image.
    pub fn truth(&self, feed: usize, item: usize) -> serde_json::Value {
        let body = self.get(&format!("/truth/{feed}/{item}.json"));
        serde_json::from_slice(&body).expect("the truth is JSON")
    }

    /// Requests answered so far, by kind (`article`, `image`, `feed` …), once the farm has
    /// been quiet for a moment (it counts a request when its answer is written).
    pub fn hits(&self, kind: &str) -> u64 {
        let mut last = None;
        loop {
            let stats: serde_json::Value = serde_json::from_slice(&self.get("/stats")).unwrap();
            let now = stats["requests"][kind].as_u64().unwrap_or(0);
            let total = stats["total"].as_u64();
            if last == Some(total) {
                return now;
            }
            last = Some(total);
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// Forgets the request counts.
    pub fn reset_hits(&self) {
        self.get("/stats/reset");
    }

    /// The body of a GET on `path` (HTTP/1.0, the farm closes the connection).
    fn get(&self, path: &str) -> Vec<u8> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let at = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP answer");
        response.split_off(at + 4)
    }
}

impl Drop for Farm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
