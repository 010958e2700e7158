//! #18 test 8, the real app with a real reader server: a FreshRSS (`../shared/tools/freshrss`,
//! PHP's built-in server with SQLite) subscribed to the feed farm (`../shared/tools/feedfarm`),
//! both on 127.0.0.1. In Settings → Accounts a wrong password shows the server's refusal, the
//! right one adds the account, its feeds show under its name, a story read in the app is read
//! on the server after a sync (checked through the API as a second client, plain `curl`), and
//! a server that went away is said for that account without calling the app offline.
//!
//! The app gets its own `XDG_CONFIG_HOME` and a session bus address that leads nowhere, so the
//! password goes to the test's user-only credentials file (never the developer's keyring), as
//! in the library's `tests/accounts.rs`; the start and stop calls below are a minimal copy of
//! that file's. Skipped with a note only where `../shared` is absent.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::harness::{temp_dir, Harness};
use super::reader::{js, shot, text_of, wait};
use super::webdriver::Session;
use super::APP;

const API_PASSWORD: &str = "tide-table-api-9";
const NEW_API_PASSWORD: &str = "neap-tide-api-10";
const READ: &str = "user/-/state/com.google/read";

fn shared_tools() -> Option<PathBuf> {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/tools");
    if tools.join("freshrss/start-freshrss").is_file()
        && tools.join("feedfarm/feedfarm.py").is_file()
    {
        Some(tools)
    } else {
        eprintln!(
            "note: {} is absent; the accounts journey is skipped",
            tools.display()
        );
        None
    }
}

fn curl(args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new("curl")
        .args(["-sS", "-f", "--max-time", "60"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("curl");
    if let (Some(body), Some(mut input)) = (stdin, child.stdin.take()) {
        input.write_all(body.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "curl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The feed farm on a free port, stopped when dropped.
struct Farm {
    child: Child,
    base: String,
}

impl Farm {
    fn start(tools: &Path, dir: &Path) -> Farm {
        let port_file = dir.join("farm-port");
        let child = Command::new("python3")
            .arg(tools.join("feedfarm/feedfarm.py"))
            .args(["--port", "0", "--port-file"])
            .arg(&port_file)
            .args([
                "--feeds",
                "2",
                "--items",
                "3",
                "--seed",
                "7",
                "--latency-ms",
                "0",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 feedfarm.py");
        let mut farm = Farm {
            child,
            base: String::new(),
        };
        let started = Instant::now();
        while farm.base.is_empty() {
            match std::fs::read_to_string(&port_file).map(|p| p.trim().parse::<u16>()) {
                Ok(Ok(port)) => farm.base = format!("http://127.0.0.1:{port}"),
                _ => {
                    assert!(started.elapsed() < Duration::from_secs(20), "no feed farm");
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        }
        farm
    }
}

impl Drop for Farm {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A real FreshRSS, and a second client of its API (curl); stopped and removed when dropped.
struct FreshRss {
    script: PathBuf,
    dir: PathBuf,
    greader: String,
    user: String,
    api_password: String,
}

impl FreshRss {
    fn start(tools: &Path) -> FreshRss {
        let script = tools.join("freshrss/start-freshrss");
        let out = Command::new(&script)
            .args(["--json", "--api-password", API_PASSWORD])
            .stderr(Stdio::null())
            .output()
            .expect("start-freshrss");
        assert!(out.status.success(), "start-freshrss failed");
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text.lines().find(|l| l.starts_with('{')).expect("JSON");
        let info: Value = serde_json::from_str(line).unwrap();
        FreshRss {
            script,
            dir: PathBuf::from(info["dir"].as_str().unwrap()),
            greader: info["greader"].as_str().unwrap().to_string(),
            user: info["user"].as_str().unwrap().to_string(),
            api_password: API_PASSWORD.to_string(),
        }
    }

    /// Signs in with `password`: the HTTP status and the answer.
    fn sign_in(&self, password: &str) -> (String, String) {
        let out = Command::new("curl")
            .args(["-sS", "--max-time", "60", "-w", "\n%{http_code}"])
            .args(["--data-urlencode", &format!("Email={}", self.user)])
            .args(["--data-urlencode", &format!("Passwd={password}")])
            .arg(format!("{}/accounts/ClientLogin", self.greader))
            .output()
            .expect("curl");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let (body, status) = text.rsplit_once('\n').unwrap_or_default();
        (status.trim().to_string(), body.to_string())
    }

    fn auth_header(&self) -> String {
        let (status, text) = self.sign_in(&self.api_password);
        assert_eq!(status, "200", "{text}");
        let auth = text.lines().find_map(|l| l.strip_prefix("Auth="));
        format!("Authorization: GoogleLogin auth={}", auth.expect("Auth="))
    }

    fn get(&self, path: &str) -> Value {
        let url = format!("{}/reader/api/0/{path}&output=json", self.greader);
        serde_json::from_str(&curl(&["-H", &self.auth_header(), &url], None)).unwrap()
    }

    /// Subscribes the server to the farm's feeds (its OPML) and has it fetch them now.
    fn subscribe_to(&self, farm: &Farm) {
        let opml = curl(&[&format!("{}/opml.xml", farm.base)], None);
        let import = format!("{}/reader/api/0/subscription/import", self.greader);
        let answer = curl(
            &["-H", &self.auth_header(), "--data-binary", "@-", &import],
            Some(&opml),
        );
        assert_eq!(answer.trim(), "OK");
        let refreshed = Command::new(&self.script)
            .arg("refresh")
            .arg(&self.dir)
            .arg(&self.user)
            .output()
            .unwrap();
        assert!(refreshed.status.success(), "refresh failed");
    }

    /// The titles of the server's subscriptions.
    fn subscriptions(&self) -> Vec<String> {
        let list = self.get("subscription/list?");
        let mut titles: Vec<String> = list["subscriptions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["title"].as_str().unwrap().to_string())
            .collect();
        titles.sort();
        titles
    }

    /// The titles of the items the server has as read.
    fn read_titles(&self) -> Vec<String> {
        let items = self.get("stream/contents/user/-/state/com.google/reading-list?n=1000");
        items["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| {
                i["categories"]
                    .as_array()
                    .is_some_and(|c| c.contains(&READ.into()))
            })
            .map(|i| i["title"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// The user changes the API password on the server (as in its web UI); PHP's opcache may
    /// serve the old one for a moment.
    fn change_api_password(&mut self, new: &str) {
        let status = Command::new("php")
            .arg(self.dir.join("cli/update-user.php"))
            .arg(format!("--user={}", self.user))
            .arg(format!("--api-password={new}"))
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let old = std::mem::replace(&mut self.api_password, new.to_string());
        let started = Instant::now();
        while self.sign_in(&old).0 != "401" {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the old password still works"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn stop(&self) {
        let _ = Command::new(&self.script)
            .arg("stop")
            .arg(&self.dir)
            .status();
    }
}

impl Drop for FreshRss {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn click(s: &Session, css: &str) {
    s.click(css)
        .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}

fn type_into(s: &Session, css: &str, text: &str) {
    js(
        s,
        &format!("document.querySelector({css:?}).value = ''; return true"),
    );
    s.send_keys(css, text)
        .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
}

fn wait_sync_done(s: &Session, what: &str) {
    wait(
        s,
        what,
        "return document.body.dataset.sync !== 'running' && !document.getElementById('sync-button').disabled",
    );
}

/// Clicks a button of the accounts list in one step: a sync's events draw the list again, so
/// an element found first may be gone by the time it is clicked.
fn click_in_list(s: &Session, css: &str) {
    js(
        s,
        &format!("document.querySelector({css:?}).click(); return true"),
    );
}

/// Opens Settings → Accounts and clicks `action` on the one account listed.
fn account_action(s: &Session, action: &str) {
    click(s, "#settings-button");
    click(s, "#settings-accounts");
    let button = format!("#account-list [data-action={action}]");
    wait(
        s,
        "the account in the list",
        &format!("return document.querySelectorAll({button:?}).length === 1"),
    );
    click_in_list(s, &button);
}

/// Syncs, then reads the account's status in the sources pane (shown when not ok).
fn sync_and_read_status(s: &Session) -> Value {
    wait_sync_done(s, "the sync before");
    click(s, "#sync-button");
    wait_sync_done(s, "the sync");
    wait(
        s,
        "the account's status in the sources pane",
        "const e = document.querySelector('.account-feeds .account-title-status'); return e && e.textContent",
    )
}

pub fn accounts_journey() {
    let Some(tools) = shared_tools() else {
        return;
    };
    let dir = temp_dir("accounts");
    let farm = Farm::start(&tools, &dir);
    let mut server = FreshRss::start(&tools);
    server.subscribe_to(&farm);
    let subscriptions = server.subscriptions();
    assert!(subscriptions.len() >= 2, "{subscriptions:?}");
    assert!(server.read_titles().is_empty());

    let lib = dir.join("library.sqlite");
    let config = dir.join("config");
    let no_bus = PathBuf::from("unix:path=/nonexistent/tidings-e2e-bus");
    let h = Harness::start(&[
        ("TIDINGS_LIBRARY", &lib),
        ("XDG_CONFIG_HOME", &config),
        ("DBUS_SESSION_BUS_ADDRESS", &no_bus),
    ]);
    let s = h.launch(APP);
    wait(&s, "the library", "return document.body.dataset.loaded");

    // Settings → Accounts → Add an account.
    click(&s, "#settings-button");
    click(&s, "#settings-accounts");
    wait(&s, "the accounts dialog", "return document.getElementById('accounts-dialog').open && !document.getElementById('accounts-empty').hidden");
    click(&s, "#account-add");
    wait(
        &s,
        "the sign-in dialog",
        "return document.getElementById('account-dialog').open",
    );
    // Plain http to another machine is refused before any connection, and asked once more.
    type_into(&s, "#account-server", "http://192.0.2.7/api/greader.php");
    type_into(&s, "#account-user", &server.user);
    type_into(&s, "#account-password", "not-the-password");
    click(&s, "#account-submit");
    let asked = wait(
        &s,
        "the plain-http question",
        "const e = document.getElementById('account-error'); \
         return !document.getElementById('account-http').hidden && !e.hidden && e.textContent",
    );
    assert!(
        asked.as_str().unwrap_or_default().contains("plain http"),
        "{asked}"
    );
    type_into(&s, "#account-server", &server.greader);
    // A wrong password: the server's refusal is shown, and nothing is added.
    type_into(&s, "#account-password", "not-the-password");
    click(&s, "#account-submit");
    let refused = wait(
        &s,
        "the refusal",
        "const e = document.getElementById('account-error'); return !e.hidden && e.textContent",
    );
    let refused = refused.as_str().unwrap_or_default().to_string();
    assert!(
        refused.contains("refused the sign-in") && refused.contains("401"),
        "{refused}"
    );
    assert!(!refused.contains("not-the-password"), "{refused}");
    shot(&s, "accounts-refused.png");
    type_into(&s, "#account-password", API_PASSWORD);
    click(&s, "#account-submit");
    wait(&s, "the account in the list", "return !document.getElementById('account-dialog').open && document.querySelectorAll('#account-list .account-item').length === 1");
    let place = text_of(&s, "#account-list .account-password");
    let file = config.join("tidings/credentials.json");
    assert!(
        place.contains("No Secret Service") && place.contains(&file.display().to_string()),
        "{place}"
    );
    let kept = std::fs::read_to_string(&file).expect("the credentials file");
    assert!(
        kept.contains(API_PASSWORD),
        "the password is kept in the file"
    );
    // Adding starts a sync: the account's feeds come in under its name.
    wait_sync_done(&s, "the first sync");
    wait(&s, "the account's status", "const s = document.querySelector('#account-list .account-status'); return s && s.dataset.status === 'ok'");
    shot(&s, "accounts-dialog.png");
    click(&s, "#accounts-close");
    click(&s, "#settings-close");
    let shown = wait(
        &s,
        "the account's feeds",
        &format!(
            "const f = document.querySelectorAll('.account-feeds .feed .source-name'); \
             return f.length === {} && Array.from(f, (e) => e.textContent).sort()",
            subscriptions.len()
        ),
    );
    let shown: Vec<String> = serde_json::from_value(shown).unwrap();
    assert_eq!(shown, subscriptions, "the server's subscriptions, by name");
    let heading = text_of(&s, ".account-feeds .account-title");
    assert!(heading.contains(&server.user), "{heading}");
    assert_eq!(
        js(
            &s,
            "return document.querySelectorAll('.account-feeds .account-title-status').length"
        ),
        0,
        "an account that is ok shows no status"
    );

    // Read a story of the account: the server has it read after the next sync.
    // After the first sync's pages and images, whose end reads the list again.
    wait_sync_done(&s, "the first sync's pages and images");
    let key = js(
        &s,
        "const b = document.querySelector('.account-feeds .feed'); b.click(); return b.dataset.key",
    );
    wait(
        &s,
        "the feed's stories",
        &format!(
            "return document.body.dataset.list === {key} && document.querySelectorAll('.story-row').length > 0"
        ),
    );
    // The row clicked and its title, in one step.
    let title = js(
        &s,
        "const r = document.querySelector('.story-row'); r.click(); return r.querySelector('.row-title').textContent",
    );
    let title = title.as_str().unwrap_or_default().to_string();
    wait(
        &s,
        "the story",
        "return document.getElementById('story-frame').dataset.loaded",
    );
    // Bookmarked too: it stays when the account goes.
    click(&s, "#bookmark-toggle");
    wait(
        &s,
        "the bookmark",
        "return document.getElementById('count-bookmarked').textContent === '1'",
    );
    shot(&s, "accounts-story.png");
    assert!(
        server.read_titles().is_empty(),
        "nothing is sent before a sync"
    );
    click(&s, "#sync-button");
    wait_sync_done(&s, "the second sync");
    let read = server.read_titles();
    assert_eq!(read, [title], "the server shows the story read");

    // The password changed on the server: the account says "sign in again", and signing in
    // with the new one in the Accounts dialog brings it back.
    server.change_api_password(NEW_API_PASSWORD);
    assert_eq!(sync_and_read_status(&s), "sign in again");
    account_action(&s, "sign-in");
    wait(&s, "the sign-in dialog", "return document.getElementById('account-dialog').open && document.getElementById('account-new-fields').hidden");
    type_into(&s, "#account-password", NEW_API_PASSWORD);
    shot(&s, "accounts-sign-in-again.png");
    click(&s, "#account-submit");
    wait(&s, "the account ok again", "const s = document.querySelector('#account-list .account-status'); return !document.getElementById('account-dialog').open && s && s.dataset.status === 'ok'");
    let kept = std::fs::read_to_string(&file).unwrap();
    assert!(
        kept.contains(NEW_API_PASSWORD) && !kept.contains(API_PASSWORD),
        "the new password replaced the old"
    );
    wait_sync_done(&s, "the sync after signing in");
    wait(
        &s,
        "focus back on the account's button",
        "return document.activeElement.dataset.action === 'sign-in'",
    );
    // Check signs in with the kept password.
    click_in_list(&s, "#account-list [data-action=check]");
    wait(
        &s,
        "the check",
        "return document.getElementById('accounts-note').textContent.endsWith(': signed in, ok.')",
    );
    click(&s, "#accounts-close");
    click(&s, "#settings-close");

    // The server goes away: that account says so, and the app is not offline.
    server.stop();
    assert_eq!(sync_and_read_status(&s), "server unreachable");
    assert_ne!(js(&s, "return document.body.dataset.network"), "offline");
    wait(
        &s,
        "the status line",
        "return document.getElementById('status-line').textContent.includes(': server unreachable')",
    );
    shot(&s, "accounts-unreachable.png");

    // Removed: its feeds leave the pane and its password the file; the bookmark stays.
    account_action(&s, "remove");
    wait(
        &s,
        "the remove dialog",
        "return document.getElementById('account-remove-dialog').open",
    );
    shot(&s, "accounts-remove.png");
    click(&s, "#account-remove-confirm");
    let note = wait(
        &s,
        "the account removed",
        "return document.querySelectorAll('#account-list .account-item').length === 0 \
         && document.getElementById('accounts-note').textContent",
    );
    wait(
        &s,
        "focus back in the Accounts dialog",
        "return document.activeElement === document.getElementById('account-add')",
    );
    assert!(
        note.as_str()
            .unwrap_or_default()
            .contains("1 bookmarked story is kept"),
        "{note}"
    );
    wait(
        &s,
        "the pane without the account",
        "return document.querySelectorAll('.account-feeds').length === 0",
    );
    assert_eq!(text_of(&s, "#count-bookmarked"), "1");
    let kept = std::fs::read_to_string(&file).unwrap();
    assert!(
        !kept.contains(NEW_API_PASSWORD),
        "the password is forgotten"
    );
    s.quit().unwrap();
    drop(h);
    drop(server);
    drop(farm);
    let _ = std::fs::remove_dir_all(&dir);
}
