//! App state: the library the window reads (opened once at start), its path for the sync task,
//! the one HTTP client of the process and whether a sync is running.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use tidings::feeds::fetch::{FetchConfig, Fetcher};
use tidings::store::Library;

use crate::commands::CommandError;

/// Shared by every command. A library that fails to open is kept as its error, so the window
/// still starts and says what is wrong instead of vanishing.
pub struct AppState {
    library: Result<Arc<Mutex<Library>>, CommandError>,
    /// A second handle for the counting reads (the sources pane, the summary): a long count
    /// never holds up the list, the reader or a write (WAL lets them run side by side).
    /// `None` when it could not be opened; those reads then share `library`.
    counts: Option<Arc<Mutex<Library>>>,
    /// The library file; a sync opens its own handle on it (WAL lets the window keep reading).
    pub library_path: PathBuf,
    /// Built on first use (inside the async runtime); clones share limits and pools.
    fetcher: Mutex<Option<Fetcher>>,
    /// Set while a sync task runs, so a second `sync_now` does not start another.
    pub syncing: Arc<AtomicBool>,
    /// False when started with `TIDINGS_AUTO_SYNC=off` (the e2e tests): the window then never
    /// syncs on its own (at start or on a timer), only when asked.
    pub auto_sync: bool,
    /// `TIDINGS_AUTO_SYNC=every:SECONDS` (a test of the timer): sync every that many seconds
    /// instead of the `sync_interval` setting's minutes.
    pub auto_sync_seconds: Option<u64>,
}

/// Reads `TIDINGS_AUTO_SYNC`: unset (sync at start and on the setting's interval), `off`, or
/// `every:SECONDS`. Returns (automatic sync on, the interval override).
fn auto_sync_from(value: Option<&std::ffi::OsStr>) -> (bool, Option<u64>) {
    match value.map(|v| v.to_string_lossy()) {
        None => (true, None),
        Some(v) if v == "off" => (false, None),
        Some(v) => (
            true,
            v.strip_prefix("every:")
                .and_then(|s| s.parse().ok())
                .filter(|s| *s > 0),
        ),
    }
}

impl AppState {
    pub fn open(library_path: PathBuf) -> AppState {
        let (auto_sync, auto_sync_seconds) =
            auto_sync_from(std::env::var_os("TIDINGS_AUTO_SYNC").as_deref());
        let library = Library::open(&library_path)
            .map(|lib| Arc::new(Mutex::new(lib)))
            .map_err(CommandError::from);
        let counts = library
            .is_ok()
            .then(|| Library::open(&library_path).ok())
            .flatten()
            .map(|lib| Arc::new(Mutex::new(lib)));
        AppState {
            library,
            counts,
            library_path,
            fetcher: Mutex::new(None),
            syncing: Arc::new(AtomicBool::new(false)),
            auto_sync,
            auto_sync_seconds,
        }
    }

    /// The open library, for work before the window exists (the first page).
    pub fn library_handle(&self) -> Option<Arc<Mutex<Library>>> {
        self.library.as_ref().ok().cloned()
    }

    /// The library's open error, if it could not be opened (sync refuses to run then).
    pub fn library_error(&self) -> Option<CommandError> {
        self.library.as_ref().err().cloned()
    }

    /// Runs blocking library work off the thread that serves the webview.
    pub async fn with_library<T, F>(&self, work: F) -> Result<T, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> Result<T, tidings::store::StoreError> + Send + 'static,
    {
        self.with_library_io(move |lib| work(lib).map_err(CommandError::from))
            .await
    }

    /// Like [`AppState::with_library`] for read-only counting work, on the second handle.
    pub async fn with_counts<T, F>(&self, work: F) -> Result<T, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> Result<T, tidings::store::StoreError> + Send + 'static,
    {
        let library = match &self.counts {
            Some(counts) => counts.clone(),
            None => self.library.as_ref().map_err(Clone::clone)?.clone(),
        };
        run_blocking(library, move |lib| work(lib).map_err(CommandError::from)).await
    }

    /// Like [`AppState::with_library`], for work that fails with more than a library error
    /// (reading or writing a file beside it).
    pub async fn with_library_io<T, F>(&self, work: F) -> Result<T, CommandError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Library) -> Result<T, CommandError> + Send + 'static,
    {
        let library = self.library.as_ref().map_err(Clone::clone)?.clone();
        run_blocking(library, work).await
    }

    /// The process's one HTTP client, built on first use.
    pub fn fetcher(&self) -> Result<Fetcher, CommandError> {
        let mut slot = self
            .fetcher
            .lock()
            .map_err(|_| CommandError::internal("the fetcher lock was poisoned"))?;
        if let Some(fetcher) = slot.as_ref() {
            return Ok(fetcher.clone());
        }
        let fetcher = Fetcher::new(FetchConfig::default()).map_err(|e| CommandError {
            kind: "internal",
            message: e.to_string(),
        })?;
        *slot = Some(fetcher.clone());
        Ok(fetcher)
    }
}

/// Runs `work` on a blocking thread with the handle locked.
async fn run_blocking<T, F>(library: Arc<Mutex<Library>>, work: F) -> Result<T, CommandError>
where
    T: Send + 'static,
    F: FnOnce(&mut Library) -> Result<T, CommandError> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(move || {
        let mut guard = library
            .lock()
            .map_err(|_| CommandError::internal("the library lock was poisoned"))?;
        work(&mut guard)
    })
    .await
    .map_err(|e| CommandError::internal(format!("library task failed: {e}")))?
}

/// `--library PATH` (or `--library=PATH`) on the command line, else the shared default rule.
pub fn library_path_from_args(args: impl IntoIterator<Item = OsString>) -> PathBuf {
    let mut explicit = None;
    let mut args = args.into_iter().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--library" {
            explicit = args.next().map(PathBuf::from);
        } else if let Some(value) = arg.to_str().and_then(|a| a.strip_prefix("--library=")) {
            explicit = Some(PathBuf::from(value));
        }
    }
    tidings::paths::library_path(explicit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automatic_sync_is_on_unless_told_off_and_a_test_may_set_its_period() {
        use std::ffi::OsStr;
        assert_eq!(auto_sync_from(None), (true, None));
        assert_eq!(auto_sync_from(Some(OsStr::new("off"))), (false, None));
        assert_eq!(auto_sync_from(Some(OsStr::new("every:3"))), (true, Some(3)));
        assert_eq!(auto_sync_from(Some(OsStr::new("every:0"))), (true, None));
        assert_eq!(auto_sync_from(Some(OsStr::new("on"))), (true, None));
    }

    #[test]
    fn reads_library_flag_in_both_forms() {
        let p = library_path_from_args(["app", "--library", "/a.sqlite"].map(OsString::from));
        assert_eq!(p, PathBuf::from("/a.sqlite"));
        let p = library_path_from_args(["app", "--library=/b.sqlite"].map(OsString::from));
        assert_eq!(p, PathBuf::from("/b.sqlite"));
    }
}
