//! A minimal W3C WebDriver client over `std::net::TcpStream` + serde_json: enough to drive the
//! real app through tauri-driver without compiling a second async HTTP stack for tests.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The key under which W3C WebDriver returns element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One WebDriver session against a driver listening on `127.0.0.1:port`.
pub struct Session {
    port: u16,
    id: String,
    /// The X display the app is on (set by the harness): screenshots come from it.
    pub display: Option<String>,
}

/// A WebDriver request that failed, with the driver's answer.
#[derive(Debug)]
pub struct WdError(pub String);

impl std::fmt::Display for WdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub type WdResult<T> = Result<T, WdError>;

fn request(port: u16, method: &str, path: &str, body: Option<&Value>) -> WdResult<Value> {
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .map_err(|e| WdError(format!("connect to driver :{port}: {e}")))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .map_err(|e| WdError(e.to_string()))?;
    // HTTP/1.0: the driver answers with a plain body and closes, no chunking to undo.
    let head = format!(
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        payload.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(payload.as_bytes()))
        .map_err(|e| WdError(format!("send {method} {path}: {e}")))?;
    // Read the head, then exactly Content-Length bytes: the driver may keep the socket open.
    let mut raw = Vec::new();
    let mut buf = [0u8; 8192];
    let (header, mut body) = loop {
        let n = stream
            .read(&mut buf)
            .map_err(|e| WdError(format!("read {method} {path}: {e}")))?;
        if n == 0 {
            return Err(WdError(format!("{method} {path}: connection closed early")));
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let header = String::from_utf8_lossy(&raw[..split]).to_string();
            break (header, raw[split + 4..].to_vec());
        }
    };
    let lower = header.to_ascii_lowercase();
    let length = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    match length {
        Some(length) => {
            while body.len() < length {
                let n = stream
                    .read(&mut buf)
                    .map_err(|e| WdError(format!("read {method} {path}: {e}")))?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&buf[..n]);
            }
        }
        None if lower.contains("transfer-encoding: chunked") => {
            // Read until the last (empty) chunk has arrived; the socket may stay open.
            while !body.windows(5).any(|w| w == b"0\r\n\r\n") {
                let n = stream
                    .read(&mut buf)
                    .map_err(|e| WdError(format!("read {method} {path}: {e}")))?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&buf[..n]);
            }
            body = unchunk(&body);
        }
        None => {
            stream
                .read_to_end(&mut body)
                .map_err(|e| WdError(format!("read {method} {path}: {e}")))?;
        }
    }
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        WdError(format!(
            "{method} {path}: bad JSON ({e}): {}",
            String::from_utf8_lossy(&body)
        ))
    })?;
    let status_ok = header
        .lines()
        .next()
        .map(|l| l.contains(" 200"))
        .unwrap_or(false);
    if !status_ok {
        return Err(WdError(format!("{method} {path}: {header}\n{value}")));
    }
    Ok(value.get("value").cloned().unwrap_or(Value::Null))
}

fn unchunk(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size_text = String::from_utf8_lossy(&rest[..line_end]).to_string();
        let size = usize::from_str_radix(size_text.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        let end = (start + size).min(rest.len());
        out.extend_from_slice(&rest[start..end]);
        rest = &rest[(end + 2).min(rest.len())..];
    }
    out
}

impl Session {
    /// Starts a session that launches `application` (the app binary, with `args`) through
    /// tauri-driver.
    pub fn start_with_args(port: u16, application: &str, args: &[&str]) -> WdResult<Session> {
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "wry",
            "tauri:options": {"application": application, "args": args}
        }}});
        let value = request(port, "POST", "/session", Some(&caps))?;
        let id = value["sessionId"]
            .as_str()
            .ok_or_else(|| WdError(format!("no sessionId in {value}")))?
            .to_string();
        Ok(Session {
            port,
            id,
            display: None,
        })
    }

    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> WdResult<Value> {
        request(
            self.port,
            method,
            &format!("/session/{}{}", self.id, path),
            body,
        )
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page and returns its value.
    pub fn execute(&self, script: &str, args: Value) -> WdResult<Value> {
        self.call(
            "POST",
            "/execute/sync",
            Some(&json!({"script": script, "args": args})),
        )
    }

    /// Runs an async script; it calls `arguments[arguments.length - 1](value)` to finish.
    pub fn execute_async(&self, script: &str, args: Value) -> WdResult<Value> {
        self.call(
            "POST",
            "/execute/async",
            Some(&json!({"script": script, "args": args})),
        )
    }

    /// The element matching a CSS selector, if any.
    pub fn find(&self, css: &str) -> WdResult<String> {
        let v = self.call(
            "POST",
            "/element",
            Some(&json!({"using": "css selector", "value": css})),
        )?;
        v[ELEMENT_KEY]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| WdError(format!("no element id for {css}: {v}")))
    }

    /// Clicks the element matching `inner` inside the frame matching `frame` (a real click, as
    /// a user's: WebDriver moves into the frame, clicks, and comes back to the page).
    pub fn click_in_frame(&self, frame: &str, inner: &str) -> WdResult<()> {
        self.enter_frame(frame)?;
        let clicked = self.click(inner);
        self.call("POST", "/frame/parent", Some(&json!({})))?;
        clicked
    }

    /// Runs `script` inside a frame, as the frame's own script would run: `frames` are CSS
    /// selectors, each matched in the frame the one before it entered (the first in the page).
    /// Comes back to the page after.
    pub fn execute_in_frame(&self, frames: &[&str], script: &str) -> WdResult<Value> {
        let result = frames
            .iter()
            .try_for_each(|css| self.enter_frame(css))
            .and_then(|_| self.execute(script, json!([])));
        self.call("POST", "/frame", Some(&json!({ "id": null })))?;
        result
    }

    /// [`Session::execute_async`] inside the frame matching `frame`; back to the page after.
    pub fn execute_async_in_frame(&self, frame: &str, script: &str) -> WdResult<Value> {
        let result = self
            .enter_frame(frame)
            .and_then(|_| self.execute_async(script, json!([])));
        self.call("POST", "/frame", Some(&json!({ "id": null })))?;
        result
    }

    /// Makes the frame matching `css` (in the current one) the one scripts and lookups use.
    fn enter_frame(&self, css: &str) -> WdResult<()> {
        let id = self.find(css)?;
        self.call(
            "POST",
            "/frame",
            Some(&json!({ "id": { ELEMENT_KEY: id } })),
        )
        .map(|_| ())
    }

    /// Visible text of the element matching `css`.
    pub fn text(&self, css: &str) -> WdResult<String> {
        let id = self.find(css)?;
        let v = self.call("GET", &format!("/element/{id}/text"), None)?;
        Ok(v.as_str().unwrap_or_default().to_string())
    }

    /// Clicks the element matching `css`.
    pub fn click(&self, css: &str) -> WdResult<()> {
        let id = self.find(css)?;
        self.call("POST", &format!("/element/{id}/click"), Some(&json!({})))
            .map(|_| ())
    }

    /// Types `text` into the element matching `css` (focusing it first). WebDriver key codes
    /// work too: `"\u{E007}"` is Enter, `"\u{E00C}"` Escape.
    pub fn send_keys(&self, css: &str, text: &str) -> WdResult<()> {
        let id = self.find(css)?;
        self.call(
            "POST",
            &format!("/element/{id}/value"),
            Some(&json!({ "text": text })),
        )
        .map(|_| ())
    }

    /// Presses and releases each character of `keys` on whatever has focus (W3C actions), as a
    /// user typing without aiming at an element.
    pub fn press(&self, keys: &str) -> WdResult<()> {
        let mut actions = Vec::new();
        for c in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        let body = json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]});
        self.call("POST", "/actions", Some(&body))?;
        self.call("DELETE", "/actions", None).map(|_| ())
    }

    /// Presses each character of `keys` while `modifier` (a WebDriver key code, e.g.
    /// `"\u{E008}"` Shift) is held: Shift+Tab, Shift+F10.
    pub fn press_with(&self, modifier: &str, keys: &str) -> WdResult<()> {
        let mut actions = vec![json!({"type": "keyDown", "value": modifier})];
        for c in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        actions.push(json!({"type": "keyUp", "value": modifier}));
        let body = json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]});
        self.call("POST", "/actions", Some(&body))?;
        self.call("DELETE", "/actions", None).map(|_| ())
    }

    /// Drags the element matching `css` by `dx` CSS pixels with the mouse (W3C actions).
    pub fn drag(&self, css: &str, dx: i64) -> WdResult<()> {
        let id = self.find(css)?;
        let origin = json!({ "element-6066-11e4-a52e-4f735466cecf": id });
        let body = json!({"actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [
                {"type": "pointerMove", "origin": origin, "x": 0, "y": 0, "duration": 0},
                {"type": "pointerDown", "button": 0},
                {"type": "pointerMove", "origin": "pointer", "x": dx / 2, "y": 0, "duration": 50},
                {"type": "pointerMove", "origin": "pointer", "x": dx - dx / 2, "y": 0, "duration": 50},
                {"type": "pointerUp", "button": 0}
            ]
        }]});
        self.call("POST", "/actions", Some(&body))?;
        self.call("DELETE", "/actions", None).map(|_| ())
    }

    /// Presses mouse `button` (0 left, 2 right) at `from`, moves to `to` and lets go: a drag,
    /// or with `from == to` a click. Points are CSS pixels of the window's viewport, so a drag
    /// may start and end inside a frame as a user's would.
    pub fn mouse_between(&self, button: u8, from: (i64, i64), to: (i64, i64)) -> WdResult<()> {
        let mid = ((from.0 + to.0) / 2, (from.1 + to.1) / 2);
        let at = |(x, y): (i64, i64), duration: u64| json!({"type": "pointerMove", "origin": "viewport", "x": x, "y": y, "duration": duration});
        let body = json!({"actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [
                at(from, 0),
                {"type": "pointerDown", "button": button},
                at(mid, 60),
                at(to, 60),
                {"type": "pointerUp", "button": button}
            ]
        }]});
        self.call("POST", "/actions", Some(&body))?;
        self.call("DELETE", "/actions", None).map(|_| ())
    }

    /// Polls `script` (which returns a value) until it returns something truthy, or times out.
    pub fn wait_for(&self, script: &str, timeout: Duration) -> WdResult<Value> {
        let start = Instant::now();
        loop {
            let v = self.execute(script, json!([]))?;
            let truthy = match &v {
                Value::Null => false,
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty(),
                Value::Number(n) => n.as_f64().unwrap_or(0.0) != 0.0,
                _ => true,
            };
            if truthy {
                return Ok(v);
            }
            if start.elapsed() > timeout {
                return Err(WdError(format!("timed out waiting for: {script}")));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The window title.
    pub fn title(&self) -> WdResult<String> {
        Ok(self
            .call("GET", "/title", None)?
            .as_str()
            .unwrap_or_default()
            .to_string())
    }

    /// A PNG screenshot of the window, after two animation frames so it is not a stale frame.
    pub fn screenshot_png(&self) -> WdResult<Vec<u8>> {
        self.execute_async(
            "const done = arguments[arguments.length - 1];
             requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
            json!([]),
        )?;
        if let Some(display) = &self.display {
            return crate::xcapture::window_png(display).map_err(WdError);
        }
        let v = self.call("GET", "/screenshot", None)?;
        let b64 = v.as_str().unwrap_or_default();
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| WdError(format!("screenshot is not base64: {e}")))
    }

    /// Ends the session (closes the app).
    pub fn quit(self) -> WdResult<()> {
        request(self.port, "DELETE", &format!("/session/{}", self.id), None).map(|_| ())
    }
}
