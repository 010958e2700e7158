//! Reader-server accounts against a real FreshRSS (`../shared/tools/freshrss`, PHP's built-in
//! server with SQLite) subscribed to the real feed farm (`../shared/tools/feedfarm`), driven
//! through the `tidings` CLI as a person would, and checked through the API as a second client
//! (plain `curl`, not Tidings' own client). Each test starts its own servers on free ports.
//! Skipped with a note only where `../shared` is absent.
//!
//! The CLI runs with its own `XDG_CONFIG_HOME` and a session bus address that leads nowhere, so
//! passwords go to the user-only credentials file of the test (never the developer's keyring).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tidings::store::{AccountStatus, Library};

use crate::support::{Lcg, Request, Response, TestServer};

// --- The shared tools ------------------------------------------------------------------------

fn shared_tools() -> Option<PathBuf> {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools");
    if tools.join("freshrss/start-freshrss").is_file()
        && tools.join("feedfarm/feedfarm.py").is_file()
    {
        Some(tools)
    } else {
        eprintln!(
            "note: {} is absent; the reader-server account tests are skipped",
            tools.display()
        );
        None
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = crate::support::scratch::scratch_dir(&format!("accounts-{name}"));
    dir
}

fn curl(args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new("curl")
        .args(["-sS", "--max-time", "60"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("curl");
    if let Some(body) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(body.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The feed farm: `feeds` feeds of `items` items, stories with pages and images.
struct Farm {
    child: Child,
    base: String,
}

impl Farm {
    fn start(tools: &Path, name: &str, feeds: usize, items: usize, latency_ms: u64) -> Farm {
        let dir = temp_dir(&format!("farm-{name}"));
        let port_file = dir.join("port");
        let child = Command::new("python3")
            .arg(tools.join("feedfarm/feedfarm.py"))
            .args(["--port", "0", "--port-file"])
            .arg(&port_file)
            .args(["--feeds", &feeds.to_string(), "--items", &items.to_string()])
            .args(["--seed", "7", "--latency-ms", &latency_ms.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 feedfarm.py");
        // From here the farm is stopped (killed and waited for) when dropped.
        let mut farm = Farm {
            child,
            base: String::new(),
        };
        let started = Instant::now();
        while farm.base.is_empty() {
            match std::fs::read_to_string(&port_file).map(|p| p.trim().parse::<u16>()) {
                Ok(Ok(port)) => farm.base = format!("http://127.0.0.1:{port}"),
                _ => {
                    assert!(
                        started.elapsed() < Duration::from_secs(20),
                        "the feed farm did not start"
                    );
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        }
        farm
    }

    /// `n` new items in the farm's feeds.
    fn advance(&self, n: usize) {
        curl(
            &[&format!("{}/admin/advance?n={n}&every=1", self.base)],
            None,
        );
    }
}

impl Drop for Farm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A real FreshRSS, and a second client of its API (curl).
struct FreshRss {
    tools: PathBuf,
    dir: PathBuf,
    port: u16,
    greader: String,
    user: String,
    api_password: String,
}

impl FreshRss {
    fn start(tools: &Path, api_password: &str) -> FreshRss {
        let out = Command::new(tools.join("freshrss/start-freshrss"))
            .args(["--json", "--api-password", api_password])
            .stderr(Stdio::null())
            .output()
            .expect("start-freshrss");
        assert!(out.status.success(), "start-freshrss failed");
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .find(|l| l.starts_with('{'))
            .expect("start-freshrss JSON");
        let info: Value = serde_json::from_str(line).unwrap();
        let url = url::Url::parse(info["url"].as_str().unwrap()).unwrap();
        FreshRss {
            tools: tools.to_path_buf(),
            dir: PathBuf::from(info["dir"].as_str().unwrap()),
            port: url.port().unwrap(),
            greader: info["greader"].as_str().unwrap().to_string(),
            user: info["user"].as_str().unwrap().to_string(),
            api_password: api_password.to_string(),
        }
    }

    fn script(&self) -> Command {
        Command::new(self.tools.join("freshrss/start-freshrss"))
    }

    fn stop(&self) {
        let _ = self.script().arg("stop").arg(&self.dir).status();
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "FreshRSS did not stop"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The same server again, on the same port and data.
    fn restart(&self) {
        let status = self
            .script()
            .args(["--json", "--port", &self.port.to_string()])
            // The script checks the API answers a sign-in before it returns.
            .args(["--api-password", &self.api_password, "--dir"])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "FreshRSS did not restart");
    }

    /// The server fetches its feeds now. Its SimplePie cache (`data/cache/*.spc`) would keep
    /// a feed fetched a moment ago as it was, so it goes first.
    fn refresh(&self) {
        for entry in std::fs::read_dir(self.dir.join("data/cache")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "spc") {
                std::fs::remove_file(path).unwrap();
            }
        }
        let out = self
            .script()
            .arg("refresh")
            .arg(&self.dir)
            .arg(&self.user)
            .output()
            .unwrap();
        assert!(out.status.success(), "refresh failed");
    }

    /// The user changes the API password on the server (the web UI would do the same).
    fn change_api_password(&mut self, new: &str) {
        let status = Command::new("php")
            .arg(self.dir.join("cli/update-user.php"))
            .arg(format!("--user={}", self.user))
            .arg(format!("--api-password={new}"))
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        // PHP's opcache may serve the old user configuration for a moment.
        let old = std::mem::replace(&mut self.api_password, new.to_string());
        let started = Instant::now();
        loop {
            let answer = curl(
                &[
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    "--data-urlencode",
                    &format!("Email={}", self.user),
                    "--data-urlencode",
                    &format!("Passwd={old}"),
                    &format!("{}/accounts/ClientLogin", self.greader),
                ],
                None,
            );
            if answer.trim() == "401" {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the old password still works"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// API requests the server logged (`GET /api/greader.php/...`), in order.
    fn api_requests(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("server.log"))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.split_once("]: ").map(|(_, r)| r.to_string()))
            .filter(|r| r.contains(" /api/greader.php/"))
            .collect()
    }

    fn auth(&self) -> String {
        let text = curl(
            &[
                "-f",
                "--data-urlencode",
                &format!("Email={}", self.user),
                "--data-urlencode",
                &format!("Passwd={}", self.api_password),
                &format!("{}/accounts/ClientLogin", self.greader),
            ],
            None,
        );
        text.lines()
            .find_map(|l| l.strip_prefix("Auth="))
            .expect("Auth line")
            .to_string()
    }

    fn get(&self, path: &str) -> Value {
        let header = format!("Authorization: GoogleLogin auth={}", self.auth());
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = format!("{}/reader/api/0/{path}{sep}output=json", self.greader);
        serde_json::from_str(&curl(&["-f", "-H", &header, &url], None)).unwrap()
    }

    /// A write call, the token first (fields in order; ids after the rest).
    fn post(&self, path: &str, fields: &[(&str, String)]) -> String {
        let auth = self.auth();
        let header = format!("Authorization: GoogleLogin auth={auth}");
        let token = curl(
            &[
                "-f",
                "-H",
                &header,
                &format!("{}/reader/api/0/token", self.greader),
            ],
            None,
        );
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        body.append_pair("T", token.trim());
        for (k, v) in fields {
            body.append_pair(k, v);
        }
        curl(
            &[
                "-f",
                "-H",
                &header,
                "--data-binary",
                "@-",
                &format!("{}/reader/api/0/{path}", self.greader),
            ],
            Some(&body.finish()),
        )
    }

    /// Subscribes the server to every feed of the farm, in the farm's folders.
    fn subscribe_to(&self, farm: &Farm) {
        let opml = curl(&["-f", &format!("{}/opml.xml", farm.base)], None);
        let header = format!("Authorization: GoogleLogin auth={}", self.auth());
        let answer = curl(
            &[
                "-f",
                "-H",
                &header,
                "--data-binary",
                "@-",
                &format!("{}/reader/api/0/subscription/import", self.greader),
            ],
            Some(&opml),
        );
        assert_eq!(answer.trim(), "OK");
    }

    /// Subscriptions: stream id → (url, title, folder).
    fn subscriptions(&self) -> BTreeMap<String, (String, String, Option<String>)> {
        let json = self.get("subscription/list");
        json["subscriptions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let folder = s["categories"][0]["label"].as_str().map(str::to_string);
                (
                    s["id"].as_str().unwrap().to_string(),
                    (
                        s["url"].as_str().unwrap().to_string(),
                        s["title"].as_str().unwrap().to_string(),
                        folder,
                    ),
                )
            })
            .collect()
    }

    /// Unread counts by stream id.
    fn unread_counts(&self) -> HashMap<String, i64> {
        self.get("unread-count")["unreadcounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_string(),
                    c["count"].as_i64().unwrap(),
                )
            })
            .collect()
    }

    /// Item ids (decimal, as the ids call gives them) of a stream, optionally minus another.
    fn ids(&self, stream: &str, exclude: Option<&str>) -> HashSet<u64> {
        let mut path = format!("stream/items/ids?n=100000&s={stream}");
        if let Some(x) = exclude {
            path.push_str(&format!("&xt={x}"));
        }
        self.get(&path)["itemRefs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().parse().unwrap())
            .collect()
    }

    fn unread(&self) -> HashSet<u64> {
        self.ids(READING_LIST, Some(READ))
    }

    fn starred(&self) -> HashSet<u64> {
        self.ids(STARRED, None)
    }

    fn edit_tag(&self, ids: &[u64], add: Option<&str>, remove: Option<&str>) {
        let mut fields = Vec::new();
        if let Some(a) = add {
            fields.push(("a", a.to_string()));
        }
        if let Some(r) = remove {
            fields.push(("r", r.to_string()));
        }
        fields.extend(ids.iter().map(|id| ("i", id.to_string())));
        assert_eq!(self.post("edit-tag", &fields).trim(), "OK");
    }
}

impl Drop for FreshRss {
    fn drop(&mut self) {
        let _ = self.script().arg("stop").arg(&self.dir).status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const READING_LIST: &str = "user/-/state/com.google/reading-list";
const READ: &str = "user/-/state/com.google/read";
const STARRED: &str = "user/-/state/com.google/starred";

// --- Tidings, as a person runs it ------------------------------------------------------------

/// A library and a configuration folder of its own; the CLI run against them.
struct Reader {
    library: PathBuf,
    config: PathBuf,
}

impl Reader {
    fn new(name: &str) -> Reader {
        let dir = temp_dir(&format!("reader-{name}"));
        Reader {
            library: dir.join("library.sqlite"),
            config: dir.join("config"),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tidings"));
        cmd.arg("--library")
            .arg(&self.library)
            .args(args)
            .env("XDG_CONFIG_HOME", &self.config)
            // No Secret Service: the user-only file, never the developer's keyring.
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/tidings-test-bus",
            )
            .env_remove("TIDINGS_LIBRARY");
        cmd
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    }

    /// Runs and expects success; returns standard output.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args, None);
        assert!(
            out.status.success(),
            "tidings {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn add_account(&self, server: &FreshRss) -> i64 {
        self.add_account_at(&server.greader, &server.user, &server.api_password)
    }

    /// `tidings account add URL --user USER`, the password on standard input; the new id.
    fn add_account_at(&self, url: &str, user: &str, password: &str) -> i64 {
        let out = self.run(
            &["account", "add", url, "--user", user],
            Some(&format!("{password}\n")),
        );
        assert!(
            out.status.success(),
            "account add failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }

    fn sync(&self, feeds_only: bool) -> String {
        if feeds_only {
            self.ok(&["sync", "--feeds-only"])
        } else {
            self.ok(&["sync"])
        }
    }

    fn lib(&self) -> Library {
        Library::open(&self.library).unwrap()
    }

    fn raw(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.library).unwrap()
    }

    /// Article id → the server's item id (decimal, as the API lists it).
    fn items(&self) -> BTreeMap<i64, u64> {
        let conn = self.raw();
        let mut stmt = conn
            .prepare("SELECT article_id, item_id FROM account_items")
            .unwrap();
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .unwrap();
        rows.map(|r| {
            let (article, hex) = r.unwrap();
            (article, u64::from_str_radix(&hex, 16).unwrap())
        })
        .collect()
    }

    /// The outbox as (action, item or stream), in order.
    fn outbox(&self) -> Vec<(String, String)> {
        let conn = self.raw();
        let mut stmt = conn
            .prepare("SELECT action, coalesce(item_id, stream_id, url, '') FROM account_outbox ORDER BY id")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    }

    /// The account's stories whose read (or bookmark) state is `on`, as server item ids.
    fn items_where(&self, column: &str) -> HashSet<u64> {
        let items = self.items();
        let conn = self.raw();
        let sql = format!(
            "SELECT a.id FROM articles a JOIN article_status s ON s.article_id = a.id WHERE {column}"
        );
        let mut stmt = conn.prepare(&sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, i64>(0)).unwrap();
        rows.filter_map(|id| items.get(&id.unwrap()).copied())
            .collect()
    }
}

/// Marks the account's feeds as vouched for by the user (explicit opt-in, as other tests name
/// loopback feeds trusted): their pages and images on the farm (127.0.0.1) may be fetched.
fn trust_account_feeds(reader: &Reader) {
    reader
        .raw()
        .execute(
            "UPDATE feeds SET trusted_host = 1 WHERE id IN (SELECT feed_id FROM account_feeds)",
            [],
        )
        .unwrap();
}

fn one_line(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
    assert_eq!(err.lines().count(), 1, "one line expected: {err:?}");
    err
}

// --- 1. Adding an account mirrors the server ---------------------------------------------------

#[test]
fn an_added_account_has_the_servers_subscriptions_folders_and_unread_counts() {
    let Some(tools) = shared_tools() else { return };
    let farm = Farm::start(&tools, "mirror", 9, 6, 0);
    let server = FreshRss::start(&tools, "mirror-api-pw");
    server.subscribe_to(&farm);
    // The person already read and starred some stories on another device.
    let some: Vec<u64> = server.unread().into_iter().take(4).collect();
    server.edit_tag(&some[..3], Some(READ), None);
    server.edit_tag(&some[3..], Some(STARRED), None);

    let reader = Reader::new("mirror");
    let id = reader.add_account(&server);
    let synced = reader.sync(true);
    assert!(synced.contains(&format!("Account {id}")), "{synced}");

    let lib = reader.lib();
    let remote = server.subscriptions();
    let counts = server.unread_counts();
    let feeds: Vec<_> = lib
        .feeds()
        .unwrap()
        .into_iter()
        .filter(|f| f.account_id == Some(id))
        .collect();
    assert_eq!(feeds.len(), remote.len(), "every subscription, no more");
    let stream_of: HashMap<i64, String> = {
        let conn = reader.raw();
        let mut stmt = conn
            .prepare("SELECT feed_id, stream_id FROM account_feeds")
            .unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    };
    for feed in &feeds {
        let stream = &stream_of[&feed.id];
        let (url, title, folder) = &remote[stream];
        assert_eq!(&feed.url, url);
        assert_eq!(&feed.title, title);
        assert_eq!(&feed.folder, folder, "{title}");
        assert_eq!(feed.unread, counts[stream], "unread of {title}");
    }
    let folders: HashSet<_> = feeds.iter().filter_map(|f| f.folder.clone()).collect();
    let remote_folders: HashSet<_> = remote.values().filter_map(|(_, _, f)| f.clone()).collect();
    assert_eq!(folders, remote_folders);
    assert!(folders.contains("Tech & Science"), "{folders:?}");
    assert_eq!(
        reader.items_where("a.bookmarked = 1"),
        server.starred(),
        "starred on the server is bookmarked here"
    );
    let total: i64 = feeds.iter().map(|f| f.total).sum();
    assert_eq!(total as usize, server.ids(READING_LIST, None).len());

    // `tidings feeds --json` names each feed's account; `account list --json` the account.
    let json: Value = serde_json::from_str(&reader.ok(&["feeds", "--json"])).unwrap();
    let account_name = format!("{}@127.0.0.1:{}", server.user, server.port);
    for feed in json.as_array().unwrap() {
        assert_eq!(feed["account_id"], id);
        assert_eq!(feed["account"], account_name.as_str());
    }
    let accounts: Value = serde_json::from_str(&reader.ok(&["account", "list", "--json"])).unwrap();
    assert_eq!(accounts[0]["status"], "ok");
    assert_eq!(accounts[0]["credential_store"], "file");
    assert_eq!(accounts[0]["feeds"], feeds.len());
    // The local feed stage never fetches an account's feeds itself.
    assert!(lib.feeds_to_sync(true).unwrap().is_empty());
}

// --- 2. Reading in Tidings reaches the server ---------------------------------------------------

#[test]
fn reading_and_bookmarking_in_tidings_reach_the_server() {
    let Some(tools) = shared_tools() else { return };
    let farm = Farm::start(&tools, "push", 5, 6, 0);
    let server = FreshRss::start(&tools, "push-api-pw");
    server.subscribe_to(&farm);
    let reader = Reader::new("push");
    reader.add_account(&server);
    reader.sync(true);

    let items = reader.items();
    let articles: Vec<i64> = items.keys().copied().collect();
    let (read_a, read_b, marked) = (articles[0], articles[1], articles[2]);
    reader.ok(&["mark-read", &read_a.to_string(), &read_b.to_string()]);
    reader.ok(&["bookmark", &marked.to_string(), "--note", "for later"]);
    // A whole feed read in one go (another feed than those stories').
    let lib = reader.lib();
    let theirs: HashSet<i64> = [read_a, read_b, marked]
        .iter()
        .map(|a| lib.article(*a).unwrap().feed_id)
        .collect();
    let feed = lib
        .feeds()
        .unwrap()
        .into_iter()
        .find(|f| f.unread > 0 && !theirs.contains(&f.id))
        .unwrap();
    reader.ok(&["mark-read", "--feed", &feed.id.to_string()]);
    let queued = reader.outbox();
    assert_eq!(
        queued.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(),
        ["read", "read", "star", "mark-all-read"],
        "{queued:?}"
    );

    let before = server.api_requests().len();
    let out = reader.sync(true);
    assert!(out.contains("4 changes sent"), "{out}");
    assert!(reader.outbox().is_empty());
    let sent: Vec<String> = server.api_requests()[before..].to_vec();
    let edit_tags = sent.iter().filter(|r| r.contains("/edit-tag")).count();
    assert_eq!(edit_tags, 2, "one read batch, one star batch: {sent:?}");
    assert_eq!(
        sent.iter()
            .filter(|r| r.contains("/mark-all-as-read"))
            .count(),
        1
    );

    let unread = server.unread();
    assert!(!unread.contains(&items[&read_a]) && !unread.contains(&items[&read_b]));
    assert_eq!(server.starred(), HashSet::from([items[&marked]]));
    let stream: String = reader
        .raw()
        .query_row(
            "SELECT stream_id FROM account_feeds WHERE feed_id = ?1",
            [feed.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        server.unread_counts()[&stream],
        0,
        "the feed is read on the server"
    );
    // The local note stays local; the bookmark does not come undone by the pull.
    let article = reader.lib().article(marked).unwrap();
    assert!(article.bookmarked && !article.read);
    assert_eq!(article.note.as_deref(), Some("for later"));

    // Nothing is sent twice.
    let before = server.api_requests().len();
    reader.sync(true);
    let again = &server.api_requests()[before..];
    assert!(
        again
            .iter()
            .all(|r| !r.contains("/edit-tag") && !r.contains("/mark-all-as-read")),
        "{again:?}"
    );

    // A folder, then everything, read in one go: one call each, on the server's folder and on
    // the whole reading list, however many stories.
    reader.ok(&["mark-read", "--folder", "Tech & Science"]);
    assert_eq!(
        reader.outbox(),
        [("mark-all-read".to_string(), String::new())]
    );
    reader.sync(true);
    let counts = server.unread_counts();
    assert_eq!(counts["user/-/label/Tech & Science"], 0, "{counts:?}");
    assert!(counts[READING_LIST] > 0, "{counts:?}");
    reader.ok(&["mark-read", "--all"]);
    assert_eq!(reader.outbox().len(), 1);
    let before = server.api_requests().len();
    reader.sync(true);
    let sent = &server.api_requests()[before..];
    assert_eq!(
        sent.iter()
            .filter(|r| r.contains("/mark-all-as-read"))
            .count(),
        1,
        "{sent:?}"
    );
    assert!(server.unread().is_empty());
    assert!(reader.items_where("s.read = 0").is_empty());
}

// --- 3. Reading elsewhere reaches Tidings ------------------------------------------------------

#[test]
fn reading_and_starring_on_the_server_reach_tidings() {
    let Some(tools) = shared_tools() else { return };
    let farm = Farm::start(&tools, "pull", 5, 6, 0);
    let server = FreshRss::start(&tools, "pull-api-pw");
    server.subscribe_to(&farm);
    let reader = Reader::new("pull");
    reader.add_account(&server);
    reader.sync(true);
    assert!(reader.items_where("s.read = 1").is_empty());

    let ids: Vec<u64> = reader.items().values().copied().collect();
    server.edit_tag(&ids[..4], Some(READ), None);
    server.edit_tag(&ids[4..6], Some(STARRED), None);
    let out = reader.sync(true);
    assert!(out.contains("4 read and 2 starred elsewhere"), "{out}");
    assert_eq!(
        reader.items_where("s.read = 1"),
        ids[..4].iter().copied().collect()
    );
    assert_eq!(
        reader.items_where("a.bookmarked = 1"),
        ids[4..6].iter().copied().collect()
    );

    // Undone on the server: undone here too.
    server.edit_tag(&ids[..1], None, Some(READ));
    server.edit_tag(&ids[4..5], None, Some(STARRED));
    reader.sync(true);
    assert_eq!(
        reader.items_where("s.read = 1"),
        ids[1..4].iter().copied().collect()
    );
    assert_eq!(
        reader.items_where("a.bookmarked = 1"),
        HashSet::from([ids[5]])
    );
    // Tidings and the server agree on every story.
    assert_eq!(reader.items_where("s.read = 0"), server.unread());
}

// --- 4. Offline: the outbox waits, then arrives in order, once --------------------------------

#[test]
fn offline_changes_wait_in_the_outbox_and_arrive_in_order_once() {
    let Some(tools) = shared_tools() else { return };
    let farm = Farm::start(&tools, "offline", 6, 5, 0);
    let server = FreshRss::start(&tools, "offline-api-pw");
    server.subscribe_to(&farm);
    let reader = Reader::new("offline");
    let id = reader.add_account(&server);
    reader.sync(true);
    let items = reader.items();
    let lib = reader.lib();
    let feeds: Vec<_> = lib
        .feeds()
        .unwrap()
        .into_iter()
        .filter(|f| f.total > 0)
        .collect();
    let (kept_feed, gone_feed, renamed_feed) = (&feeds[0], &feeds[1], &feeds[2]);
    let stories = |feed: i64| -> Vec<i64> {
        items
            .keys()
            .copied()
            .filter(|a| lib.article(*a).unwrap().feed_id == feed)
            .collect()
    };
    let (a, b, c) = {
        let s = stories(kept_feed.id);
        (s[0], s[1], s[2])
    };
    let gone_stream: String = reader
        .raw()
        .query_row(
            "SELECT stream_id FROM account_feeds WHERE feed_id = ?1",
            [gone_feed.id],
            |r| r.get(0),
        )
        .unwrap();

    server.stop();
    // Reading goes on offline; each change waits in the outbox, in order.
    reader.ok(&["read", &a.to_string()]);
    reader.ok(&["mark-read", &a.to_string()]);
    reader.ok(&["mark-read", &b.to_string()]);
    reader.ok(&["mark-read", "--unread", &b.to_string()]);
    reader.ok(&["mark-read", &b.to_string()]);
    reader.ok(&["mark-read", "--unread", &b.to_string()]);
    reader.ok(&["bookmark", &c.to_string()]);
    reader.ok(&["unsubscribe", &gone_feed.id.to_string()]);
    reader.ok(&["rename", &renamed_feed.id.to_string(), "Renamed offline"]);
    reader.ok(&["move", &renamed_feed.id.to_string(), "Later"]);
    // The farm serves feed 0 under any extension: to the server, a feed it does not have.
    let added_url = format!("{}/feeds/0.atom", farm.base);
    reader.ok(&[
        "account",
        "subscribe",
        &id.to_string(),
        &added_url,
        "--folder",
        "Added",
    ]);
    let queued = reader.outbox();
    assert_eq!(
        queued.iter().map(|(a, _)| a.as_str()).collect::<Vec<_>>(),
        [
            "read",
            "read",
            "unread",
            "read",
            "unread",
            "star",
            "unsubscribe",
            "rename",
            "move",
            "subscribe"
        ]
    );
    let out = reader.sync(true);
    assert!(out.contains("server unreachable"), "{out}");
    let account = reader.lib().account(id).unwrap();
    assert_eq!(account.status, AccountStatus::Unreachable);
    assert_eq!(reader.outbox(), queued, "the outbox waits, whole");
    assert!(reader.lib().article(a).unwrap().read, "local state stays");

    server.restart();
    let before = server.api_requests().len();
    let out = reader.ok(&["sync", "--feeds-only", "--force"]);
    // The 10 queued, then 2 more: the added feed is feed 0 again, so its copies of a (read)
    // and c (bookmarked) are those stories, and the server is told so in the same sync.
    assert!(out.contains("12 changes sent"), "{out}");
    assert!(reader.outbox().is_empty());
    let unread = server.unread();
    assert!(!unread.contains(&items[&a]), "a read");
    assert!(unread.contains(&items[&b]), "b's last change was unread");
    // c, and the added feed's copy of c: one story, bookmarked here, starred there.
    let starred = server.starred();
    assert!(starred.contains(&items[&c]), "{starred:?}");
    assert_eq!(starred.len(), 2, "{starred:?}");
    let remote = server.subscriptions();
    assert!(
        !remote.contains_key(&gone_stream),
        "unsubscribed on the server"
    );
    let renamed = remote
        .values()
        .find(|(_, title, _)| title == "Renamed offline")
        .expect("renamed on the server");
    assert_eq!(renamed.2.as_deref(), Some("Later"));
    let added = remote
        .values()
        .find(|(url, _, _)| *url == added_url)
        .expect("subscribed on the server");
    assert_eq!(added.2.as_deref(), Some("Added"));
    let sent = &server.api_requests()[before..];
    let writes: Vec<&str> = sent
        .iter()
        .filter_map(|r| {
            ["/edit-tag", "/subscription/edit", "/subscription/quickadd"]
                .into_iter()
                .find(|w| r.contains(w))
        })
        .collect();
    // Read a, unread b, star c (three edit-tag batches), then the feed changes in order, then
    // after pulling, the new feed's copies of a and c taking their state (one batch each).
    assert_eq!(
        writes,
        [
            "/edit-tag",
            "/edit-tag",
            "/edit-tag",
            "/subscription/edit",
            "/subscription/edit",
            "/subscription/edit",
            "/subscription/quickadd",
            "/subscription/edit",
            "/edit-tag",
            "/edit-tag"
        ],
        "{sent:?}"
    );
    let added_here: Vec<String> = reader
        .lib()
        .feeds()
        .unwrap()
        .into_iter()
        .filter(|f| f.folder.as_deref() == Some("Added"))
        .map(|f| f.url)
        .collect();
    assert_eq!(added_here, [added_url], "the new feed, pulled back");
    // The server's state now agrees with the library, and nothing is sent again.
    assert_eq!(reader.items_where("s.read = 0"), server.unread());
    let before = server.api_requests().len();
    reader.sync(true);
    assert!(server.api_requests()[before..]
        .iter()
        .all(|r| !r.contains("/edit-tag")
            && !r.contains("/subscription/edit")
            && !r.contains("/quickadd")));
    assert!(reader.lib().feed(renamed_feed.id).unwrap().title == "Renamed offline");
}

/// A story both a local feed and an account's feed carry is one story: marking the local feed
/// read reads the account's copy too, and the server is told.
#[test]
fn marking_a_local_feed_read_reads_the_accounts_copies_on_the_server() {
    let Some(tools) = shared_tools() else { return };
    let farm = Farm::start(&tools, "copies", 2, 4, 0);
    let server = FreshRss::start(&tools, "copies-api-pw");
    server.subscribe_to(&farm);
    let reader = Reader::new("copies");
    // The farm serves feed 0 under any extension: here, a local feed of another address that
    // carries the same stories as the account's feed 0, stored first (so it is the one shown).
    reader.ok(&["add", &format!("{}/feeds/0.atom", farm.base)]);
    reader.sync(true);
    let local = reader.lib().feeds().unwrap()[0].id;
    reader.add_account(&server);
    reader.sync(true);
    let items = reader.items();
    let copies: Vec<i64> = reader
        .raw()
        .prepare(
            "SELECT s.article_id FROM article_status s JOIN account_items ai USING (article_id)
             WHERE s.duplicate_of IN (SELECT id FROM articles WHERE feed_id = ?1)",
        )
        .unwrap()
        .query_map([local], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        copies.len(),
        4,
        "the account's feed 0 folded into the local feed"
    );
    assert!(reader.outbox().is_empty());

    reader.ok(&["mark-read", "--feed", &local.to_string()]);
    let lib = reader.lib();
    assert!(copies.iter().all(|c| lib.article(*c).unwrap().read));
    let queued: HashSet<String> = reader
        .outbox()
        .into_iter()
        .filter(|(action, _)| action == "read")
        .map(|(_, item)| item)
        .collect();
    assert_eq!(queued.len(), 4, "each copy queued once: {queued:?}");
    reader.sync(true);
    assert!(reader.outbox().is_empty());
    let unread = server.unread();
    for copy in &copies {
        assert!(
            !unread.contains(&items[copy]),
            "copy {copy} read on the server"
        );
    }
    assert_eq!(reader.items_where("s.read = 0"), unread);
}

/// Mute and keep rules judge an account's new items as they judge a local feed's: a muted item
/// is read here and on the server, a kept one flagged and left unread; each rule's feed holds.
#[test]
fn rules_judge_an_accounts_new_items_and_the_server_hears_of_the_muted() {
    let Some(tools) = shared_tools() else { return };
    let farm = Farm::start(&tools, "rules", 2, 3, 0);
    let server = FreshRss::start(&tools, "rules-api-pw");
    server.subscribe_to(&farm);
    let reader = Reader::new("rules");
    reader.add_account(&server);
    reader.sync(true);
    let feeds: Vec<i64> = reader
        .lib()
        .feeds()
        .unwrap()
        .into_iter()
        .filter(|f| f.total > 0)
        .map(|f| f.id)
        .collect();
    let (muted_feed, kept_feed) = (feeds[0], feeds[1]);
    reader.ok(&[
        "rule",
        "add",
        "mute",
        "/./",
        "--feed",
        &muted_feed.to_string(),
    ]);
    reader.ok(&[
        "rule",
        "add",
        "keep",
        "/./",
        "--feed",
        &kept_feed.to_string(),
    ]);
    let known: HashSet<i64> = reader.items().keys().copied().collect();
    let flagged_before = reader.items_where("s.flagged = 1");
    assert!(flagged_before.is_empty(), "rules judge new items only");

    farm.advance(2);
    server.refresh();
    reader.sync(true);
    let items = reader.items();
    let lib = reader.lib();
    let new_in = |feed: i64| -> Vec<i64> {
        items
            .keys()
            .copied()
            .filter(|a| !known.contains(a) && lib.article(*a).unwrap().feed_id == feed)
            .collect()
    };
    let (muted, kept) = (new_in(muted_feed), new_in(kept_feed));
    assert_eq!((muted.len(), kept.len()), (2, 2), "{items:?}");
    let unread = server.unread();
    let flagged = reader.items_where("s.flagged = 1");
    for id in &muted {
        assert!(lib.article(*id).unwrap().read, "muted {id} is read here");
        assert!(!unread.contains(&items[id]), "and on the server");
        assert!(!flagged.contains(&items[id]));
    }
    for id in &kept {
        assert!(!lib.article(*id).unwrap().read, "kept {id} stays unread");
        assert!(unread.contains(&items[id]));
        assert!(flagged.contains(&items[id]), "kept {id} is flagged");
    }
    assert!(reader.outbox().is_empty());
}

// --- 5. New items arrive with full text and images ---------------------------------------------

#[test]
fn new_items_arrive_with_full_text_and_images() {
    let Some(tools) = shared_tools() else { return };
    let farm = Farm::start(&tools, "fresh", 4, 3, 0);
    let server = FreshRss::start(&tools, "fresh-api-pw");
    server.subscribe_to(&farm);
    let reader = Reader::new("fresh");
    reader.add_account(&server);

    // The farm is on 127.0.0.1, another origin than the server's: its pages are refused until
    // the person vouches for those feeds (the server's own origin is the only one trusted).
    reader.sync(false);
    let refused: i64 = reader
        .raw()
        .query_row(
            "SELECT count(*) FROM articles WHERE extraction = 'teaser' AND extraction_note LIKE 'refused to fetch%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        refused > 0,
        "pages on a private host other than the server's are refused"
    );
    trust_account_feeds(&reader);

    let known: HashSet<i64> = reader.items().keys().copied().collect();
    farm.advance(4);
    server.refresh();
    let out = reader.sync(false);
    let new: Vec<i64> = reader
        .items()
        .keys()
        .copied()
        .filter(|a| !known.contains(a))
        .collect();
    assert!(new.len() >= 4, "{out}");
    let lib = reader.lib();
    for id in &new {
        let article = lib.article(*id).unwrap();
        assert_eq!(
            article.extraction,
            tidings::store::Extraction::Full,
            "{}: {:?}",
            article.title,
            article.extraction_note
        );
        assert!(article.word_count.unwrap_or(0) > 100, "{}", article.title);
    }
    let stored_images: i64 = reader
        .raw()
        .query_row(
            &format!(
                "SELECT count(*) FROM article_images ai JOIN images i ON i.key = ai.key
                 WHERE i.status = 'ok' AND ai.article_id IN ({})",
                new.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            ),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        stored_images >= new.len() as i64,
        "{stored_images} images for {} stories",
        new.len()
    );
    // The stored HTML never names the network.
    for id in &new {
        let html = lib.article(*id).unwrap().content_html.unwrap_or_default();
        assert!(!html.contains("src=\"http"), "{html}");
    }
}

// --- 6. kill -9 during the first sync ----------------------------------------------------------

#[test]
fn kill_9_during_the_first_sync_loses_nothing_and_the_next_sync_completes_it() {
    let Some(tools) = shared_tools() else { return };
    // 18 feeds FreshRSS reads (it skips JSON Feed) of 15 items: two content batches.
    let farm = Farm::start(&tools, "kill", 24, 15, 10);
    let server = FreshRss::start(&tools, "kill-api-pw");
    server.subscribe_to(&farm);
    let reader = Reader::new("kill");
    reader.add_account(&server);

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(7);
    eprintln!("account kill test seed: {seed}");
    let mut rng = Lcg(seed);
    let mut committed: HashSet<i64> = HashSet::new();
    let mut outbox: Vec<(String, String)> = Vec::new();
    let mut completed = 0;
    let started = Instant::now();
    for kill in 0..20 {
        let mut child = reader
            .command(&["sync"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Early kills land in the sign-in, the outbox and the item batches; later ones in the
        // pages: each run resumes where the last one stopped.
        std::thread::sleep(Duration::from_millis(10 + rng.next(150 + 60 * kill)));
        if child.try_wait().unwrap().is_some() {
            completed += 1;
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();

        let mut lib = Library::open(&reader.library)
            .unwrap_or_else(|e| panic!("kill {kill} (seed {seed}): library does not open: {e}"));
        assert_eq!(
            lib.integrity_check().unwrap(),
            "ok",
            "kill {kill} (seed {seed})"
        );
        let now: HashSet<i64> = reader.items().keys().copied().collect();
        assert!(
            committed.is_subset(&now),
            "kill {kill} (seed {seed}): stored stories were lost"
        );
        committed = now;
        eprintln!(
            "kill {kill}: {} stories stored, {:?} elapsed",
            committed.len(),
            started.elapsed()
        );
        // The outbox holds what was queued and not sent, nothing twice, nothing else: the
        // sync sends it as one run, so it is either whole or gone.
        let actual = reader.outbox();
        assert!(
            actual == outbox || actual.is_empty(),
            "kill {kill} (seed {seed}): outbox {actual:?}, queued {outbox:?}"
        );
        outbox = actual;
        // Meanwhile the person reads: each change is queued once.
        if let Some(article) = committed
            .iter()
            .nth(rng.next(committed.len().max(1) as u64) as usize)
        {
            let read = lib.article(*article).unwrap().read;
            lib.set_read(*article, !read).unwrap();
            let item = format!("{:016x}", reader.items()[article]);
            outbox.push((if read { "unread" } else { "read" }.to_string(), item));
            if trust_needed(&reader) {
                // Pages refused before the opt-in are fetched again at the next sync.
                trust_account_feeds(&reader);
                lib.retry_teasers(None).unwrap();
            }
        }
        assert_eq!(
            reader.outbox(),
            outbox,
            "kill {kill}: a local change is queued once"
        );
    }
    eprintln!("{completed} of 20 syncs had finished before their kill");

    // The next sync completes it: every item stored, the outbox sent, both sides agree.
    reader.sync(false);
    eprintln!("completed at {:?}", started.elapsed());
    assert!(reader.outbox().is_empty());
    assert_eq!(
        reader.items().values().copied().collect::<HashSet<_>>(),
        server.ids(READING_LIST, None)
    );
    assert_eq!(reader.items_where("s.read = 0"), server.unread());
    let lib = reader.lib();
    assert_eq!(lib.integrity_check().unwrap(), "ok");
    let pending: i64 = reader
        .raw()
        .query_row(
            "SELECT count(*) FROM articles WHERE extraction = 'pending'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pending, 0, "every page was fetched in the end");
}

/// Whether account feeds exist that are not yet vouched for (the farm's pages are on loopback).
fn trust_needed(reader: &Reader) -> bool {
    reader
        .raw()
        .query_row(
            "SELECT EXISTS(SELECT 1 FROM feeds f JOIN account_feeds af ON af.feed_id = f.id
             WHERE f.trusted_host = 0)",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

// --- 7. Faults ---------------------------------------------------------------------------------

/// A Google Reader API of our own for the faults FreshRSS never shows: `api` answers every
/// call after the sign-in.
fn fake_server(api: impl Fn(&Request) -> Response + Send + Sync + 'static) -> TestServer {
    TestServer::start(move |req| {
        if req.path.starts_with("/api/accounts/ClientLogin") {
            return Response::ok("SID=x\nLSID=x\nAuth=fake-auth-token\n")
                .header("Content-Type", "text/plain");
        }
        api(req)
    })
}

fn empty_api(req: &Request) -> Response {
    let json =
        |body: &str| Response::ok(body.to_string()).header("Content-Type", "application/json");
    match req.path.split('?').next().unwrap_or_default() {
        "/api/reader/api/0/subscription/list" => json(r#"{"subscriptions":[]}"#),
        "/api/reader/api/0/stream/items/ids" => json(r#"{"itemRefs":[]}"#),
        _ => Response::status(404),
    }
}

#[test]
fn faults_are_one_clear_line_store_nothing_and_never_show_the_password() {
    let Some(tools) = shared_tools() else { return };
    const SECRET: &str = "Secret-7f3a-never-shown";
    let mut server = FreshRss::start(&tools, SECRET);
    let reader = Reader::new("faults");
    let mut said: Vec<String> = Vec::new();
    let mut record = |out: &Output| {
        said.push(String::from_utf8_lossy(&out.stdout).into_owned());
        said.push(String::from_utf8_lossy(&out.stderr).into_owned());
    };

    // A wrong password: one clear line, a failure, nothing stored.
    let out = reader.run(
        &["account", "add", &server.greader, "--user", &server.user],
        Some("not-the-password\n"),
    );
    record(&out);
    assert!(!out.status.success());
    assert!(
        one_line(&out).contains("refused the sign-in (HTTP 401"),
        "{out:?}"
    );
    assert!(reader.lib().accounts().unwrap().is_empty());
    assert!(!reader.config.join("tidings/credentials.json").exists());

    // A dead address: the same.
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let out = reader.run(
        &[
            "account",
            "add",
            &format!("http://127.0.0.1:{dead}/api/greader.php"),
            "--user",
            "alice",
        ],
        Some("pw\n"),
    );
    record(&out);
    assert!(!out.status.success());
    assert!(one_line(&out).contains("server unreachable"), "{out:?}");
    // Plain http to another machine is refused unless confirmed.
    let out = reader.run(
        &[
            "account",
            "add",
            "http://rss.example/api/greader.php",
            "--user",
            "alice",
        ],
        Some("pw\n"),
    );
    assert!(!out.status.success());
    assert!(one_line(&out).contains("--allow-http"), "{out:?}");
    // A web site, not an API: its sign-in page answers HTML.
    let site = TestServer::fixed(
        Response::ok("<!doctype html><html><body>Welcome</body></html>")
            .header("Content-Type", "text/html"),
    );
    let out = reader.run(
        &["account", "add", site.url("/").as_str(), "--user", "alice"],
        Some("pw\n"),
    );
    record(&out);
    assert!(!out.status.success());
    assert!(one_line(&out).contains("no Auth line"), "{out:?}");
    assert!(reader.lib().accounts().unwrap().is_empty());

    // The real account works; the password lands in the user-only file and nowhere else.
    let farm = Farm::start(&tools, "faults", 3, 3, 0);
    server.subscribe_to(&farm);
    let id = reader.add_account(&server);
    let credentials = reader.config.join("tidings/credentials.json");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&credentials).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    assert!(std::fs::read_to_string(&credentials)
        .unwrap()
        .contains(SECRET));
    let out = reader.run(&["sync", "--feeds-only"], None);
    record(&out);
    let listed = reader.ok(&["account", "list"]);
    assert!(listed.contains("readable by you only"), "{listed}");

    // A server answering HTML instead of JSON: a per-account error; the sync still succeeds.
    let html = fake_server(|_| {
        Response::ok("<html><body>Maintenance</body></html>").header("Content-Type", "text/html")
    });
    let out = reader.run(
        &["account", "add", html.url("/api").as_str(), "--user", "bob"],
        Some("pw\n"),
    );
    record(&out);
    assert!(out.status.success(), "{out:?}");
    let out = reader.run(&["sync", "--feeds-only"], None);
    record(&out);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("sent a web page"), "{text}");
    assert!(
        text.contains(&format!("Account {id}")) && text.contains("new stories"),
        "{text}"
    );

    // 401 after the password changed on the server: "sign in again", and no retry storm.
    server.change_api_password("Changed-9c1d-api-pw");
    let out = reader.run(&["sync", "--feeds-only"], None);
    record(&out);
    let account = reader.lib().account(id).unwrap();
    assert_eq!(account.status, AccountStatus::SignInAgain);
    let before = server.api_requests().len();
    for _ in 0..3 {
        let out = reader.run(&["sync", "--feeds-only", "--force"], None);
        record(&out);
    }
    assert_eq!(
        server.api_requests().len(),
        before,
        "no request until the person signs in"
    );
    assert!(reader.ok(&["account", "list"]).contains("sign in again"));
    let out = reader.run(
        &["account", "check", &id.to_string(), "--new-password"],
        Some("Changed-9c1d-api-pw\n"),
    );
    record(&out);
    assert!(out.status.success(), "{out:?}");
    let out = reader.run(&["sync", "--feeds-only"], None);
    record(&out);
    assert_eq!(reader.lib().account(id).unwrap().status, AccountStatus::Ok);

    // Items with missing fields: the others are stored, the account says what it skipped.
    let sloppy = fake_server(|req| {
        let json =
            |body: &str| Response::ok(body.to_string()).header("Content-Type", "application/json");
        match req.path.split('?').next().unwrap_or_default() {
            "/api/reader/api/0/subscription/list" => json(
                r#"{"subscriptions":[{"id":"feed/1","title":"One","url":"https://one.example/feed"}]}"#,
            ),
            "/api/reader/api/0/stream/items/ids" => {
                json(r#"{"itemRefs":[{"id":"1"},{"id":"2"},{"id":"3"}]}"#)
            }
            "/api/reader/api/0/stream/items/contents" => json(
                r#"{"items":[
                    {"id":"tag:google.com,2005:reader/item/0000000000000001","title":"Kept",
                     "origin":{"streamId":"feed/1"},"summary":{"content":"<p>Hello</p>"}},
                    {"title":"No id","origin":{"streamId":"feed/1"}},
                    {"id":"3","title":"No feed"}]}"#,
            ),
            _ => Response::status(404),
        }
    });
    let sloppy_id = reader.add_account_at(sloppy.url("/api").as_str(), "dan", "pw");
    let out = reader.ok(&["sync", "--feeds-only"]);
    assert!(out.contains("2 items without an id or a feed"), "{out}");
    let account = reader.lib().account(sloppy_id).unwrap();
    assert_eq!(account.status, AccountStatus::Error);
    let kept = reader
        .lib()
        .feeds()
        .unwrap()
        .into_iter()
        .find(|f| f.account_id == Some(sloppy_id))
        .unwrap();
    assert_eq!(kept.total, 1, "the sound item is stored");

    // 429 with Retry-After: the account waits that long, even when asked to sync now.
    let limited = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let flag = limited.clone();
    let busy = fake_server(move |req| {
        if flag.swap(false, std::sync::atomic::Ordering::SeqCst) {
            return Response::status(429).header("Retry-After", "2");
        }
        empty_api(req)
    });
    let busy_id = reader.add_account_at(busy.url("/api").as_str(), "carol", "pw");
    reader.ok(&["sync", "--feeds-only"]);
    let account = reader.lib().account(busy_id).unwrap();
    assert_eq!(account.status, AccountStatus::RateLimited);
    assert!(account.next_attempt_at.unwrap() > tidings::store::now());
    let before = busy.total_hits();
    let out = reader.ok(&["sync", "--feeds-only", "--force"]);
    assert!(out.contains("not synced"), "{out}");
    assert_eq!(busy.total_hits(), before, "no request before Retry-After");
    std::thread::sleep(Duration::from_millis(2100));
    reader.ok(&["sync", "--feeds-only"]);
    assert_eq!(
        reader.lib().account(busy_id).unwrap().status,
        AccountStatus::Ok
    );
    assert!(busy.total_hits() > before);

    // Removing an account keeps its bookmarked stories and forgets its password.
    let story = *reader.items().keys().next().unwrap();
    reader.ok(&["bookmark", &story.to_string()]);
    let out = reader.ok(&["account", "remove", &id.to_string()]);
    assert!(out.contains("1 bookmarked stories are kept"), "{out}");
    assert!(reader.lib().article(story).unwrap().bookmarked);
    assert!(!std::fs::read_to_string(&credentials)
        .unwrap()
        .contains("Changed-9c1d"));

    // No password in the library file (nor its journal), nor in anything Tidings said.
    for file in ["library.sqlite", "library.sqlite-wal", "library.sqlite-shm"] {
        let path = reader.library.with_file_name(file);
        let bytes = std::fs::read(&path).unwrap_or_default();
        for secret in [SECRET, "Changed-9c1d-api-pw"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds a password",
                path.display()
            );
        }
    }
    let backup = reader.library.with_file_name("backup.sqlite");
    reader.ok(&["backup", backup.to_str().unwrap()]);
    assert!(!std::fs::read(&backup)
        .unwrap()
        .windows(SECRET.len())
        .any(|w| w == SECRET.as_bytes()));
    for text in &said {
        assert!(
            !text.contains(SECRET) && !text.contains("Changed-9c1d"),
            "{text}"
        );
    }
}
