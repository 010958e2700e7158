//! Starts what an end-to-end test needs: its own Xvfb display and its own tauri-driver (in its
//! own process group, killed as a group so no WebKitWebDriver child survives the test).

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::scratch;
use super::webdriver::Session;

/// A running display + driver pair; dropping it stops both.
pub struct Harness {
    xvfb: Child,
    driver: Child,
    pub port: u16,
    /// The X display (":N") the app's windows are on, for driving native dialogs (xdotool).
    pub display: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn tool(name: &str) -> PathBuf {
    let home_bin = std::env::var_os("HOME")
        .map(|h| Path::new(&h).join(".cargo/bin").join(name))
        .filter(|p| p.exists());
    home_bin.unwrap_or_else(|| PathBuf::from(name))
}

impl Harness {
    /// Starts Xvfb and tauri-driver with `env` added to the driver's (and so the app's)
    /// environment.
    pub fn start(env: &[(&str, &Path)]) -> Harness {
        let (mut reader, writer) = std::io::pipe().expect("a pipe for Xvfb's display number");
        let xvfb = unsafe {
            Command::new("Xvfb")
                .args([
                    "-displayfd",
                    "3",
                    "-screen",
                    "0",
                    "1280x800x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .pre_exec({
                    use std::os::fd::AsRawFd;
                    let fd = writer.as_raw_fd();
                    move || {
                        if fd != 3 && libc_dup2(fd, 3) < 0 {
                            return Err(std::io::Error::last_os_error());
                        }
                        Ok(())
                    }
                })
                .spawn()
                .expect("Xvfb must be installed (make test installs it)")
        };
        drop(writer);
        let mut number = String::new();
        let mut byte = [0u8; 1];
        while reader.read(&mut byte).map(|n| n == 1).unwrap_or(false) {
            if byte[0] == b'\n' {
                break;
            }
            number.push(byte[0] as char);
        }
        assert!(!number.trim().is_empty(), "Xvfb did not report a display");
        let display = format!(":{}", number.trim());

        let port = free_port();
        let native_port = free_port();
        let mut cmd = Command::new(tool("tauri-driver"));
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .env("DISPLAY", &display)
        .env("NO_AT_BRIDGE", "1")
        // The app never syncs on its own in tests (a sync only reaches what a test serves).
        .env("TIDINGS_AUTO_SYNC", "off")
        // Stories a test dates minutes or hours ago must be "Today" whenever the test runs.
        .env("TZ", midday_time_zone())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let driver = cmd
            .spawn()
            .expect("tauri-driver must be installed (make test installs it)");
        let harness = Harness {
            xvfb,
            driver,
            port,
            display,
        };
        // tauri-driver listens at once but starts WebKitWebDriver beside it and forwards each
        // request to it: a session asked for before WebKitWebDriver listens is cut off
        // ("connection closed early"), which a busy machine made happen now and then.
        let start = Instant::now();
        for (what, port) in [("tauri-driver", port), ("WebKitWebDriver", native_port)] {
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    start.elapsed() < Duration::from_secs(20),
                    "{what} did not listen on port {port}"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        harness
    }

    /// Launches the app binary in a new WebDriver session.
    pub fn launch(&self, app: &str) -> Session {
        self.launch_with_args(app, &[])
    }

    /// Launches the app binary with command-line arguments.
    pub fn launch_with_args(&self, app: &str, args: &[&str]) -> Session {
        let mut session = Session::start_with_args(self.port, app, args)
            .unwrap_or_else(|e| panic!("app did not start: {e}"));
        session.display = Some(self.display.clone());
        session
    }
}

extern "C" {
    #[link_name = "dup2"]
    fn c_dup2(old: i32, new: i32) -> i32;
}

fn libc_dup2(old: i32, new: i32) -> i32 {
    // SAFETY: dup2 on descriptors this process owns, between fork and exec.
    unsafe { c_dup2(old, new) }
}

impl Drop for Harness {
    fn drop(&mut self) {
        // The whole driver group: tauri-driver, WebKitWebDriver and any app it left behind.
        // tauri-driver may ignore SIGTERM while it has a session, so SIGKILL follows.
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill")
            .args(["-s", "TERM", "--", &group])
            .status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.driver.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &group])
            .status();
        let _ = self.driver.wait();
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

/// Where every run saves its screenshots: `target/e2e-screenshots/` at the workspace root.
pub fn screenshot_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("target")
        .join("e2e-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot folder");
    dir
}

/// A fresh temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    scratch::scratch_dir(&format!("e2e-{name}"))
}

/// A time zone (tzdata's `Etc/GMT±N`, which WebKit's ICU knows) in which it is now between
/// 11:00 and 13:00, so that "Today" holds every story dated up to 11 hours ago (a test run just
/// after midnight would split them otherwise). The reader journey checks that the app shows
/// times in it that way ([`assert_shown_near_midday`]).
fn midday_time_zone() -> String {
    let utc_hour = crate::reader::now().div_euclid(3600).rem_euclid(24);
    // Etc/GMT+N is N hours west of Greenwich: local = UTC - N (N from -12 to +11 here).
    let offset = utc_hour - 12;
    format!("Etc/GMT{offset:+}")
}

/// Fails unless `shown`, the app's rendering of the Unix time `at` (a moment minutes before
/// the harness started), is a local time between 11:00 and 13:59 with `at`'s minutes: the zone
/// the harness chose reached the app, and tzdata reads it as `midday_time_zone` means it.
pub fn assert_shown_near_midday(shown: &str, at: i64) {
    let (hour, minute) =
        clock_in(shown).unwrap_or_else(|| panic!("no clock time in what the app shows: {shown:?}"));
    // Every Etc/GMT±N zone is whole hours from UTC: the minutes are the same in all of them.
    assert_eq!(
        minute,
        at.rem_euclid(3600) / 60,
        "{shown:?} is not the time {at}"
    );
    assert!(
        (11..=13).contains(&hour),
        "the app shows {shown:?} for a moment minutes ago: not around midday, so stories from \
         earlier today may not be \"Today\" (the harness's zone now: {})",
        midday_time_zone()
    );
}

/// The last clock time in `text` ("May 5, 2026 at 12:05 PM", "5 May 2026, 12:05") as a 24-hour
/// (hour, minute).
fn clock_in(text: &str) -> Option<(i64, i64)> {
    let (before, after) = text.rsplit_once(':')?;
    let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let hour: i64 = before[before.len() - digits..].parse().ok()?;
    let minute: i64 = after.get(..2)?.parse().ok()?;
    // The locale may write a 12-hour clock, its AM/PM after a (narrow no-break) space.
    let marker = after[2..].trim_start().to_ascii_uppercase();
    Some(match hour {
        1..=11 if marker.starts_with("PM") => (hour + 12, minute),
        12 if marker.starts_with("AM") => (0, minute),
        _ => (hour, minute),
    })
}

#[test]
fn the_test_time_zone_is_one_tzdata_knows() {
    let tz = midday_time_zone();
    assert!(
        std::path::Path::new("/usr/share/zoneinfo")
            .join(&tz)
            .exists(),
        "{tz}"
    );
}

#[test]
fn clock_times_are_read_in_either_convention() {
    assert_eq!(clock_in("May 5, 2026 at 12:05\u{202f}PM"), Some((12, 5)));
    assert_eq!(clock_in("May 5, 2026 at 1:59 PM"), Some((13, 59)));
    assert_eq!(clock_in("May 5, 2026 at 12:30 AM"), Some((0, 30)));
    assert_eq!(clock_in("5 May 2026, 11:07"), Some((11, 7)));
    assert_eq!(clock_in("5 May 2026"), None);
}
