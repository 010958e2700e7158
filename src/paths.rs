//! Where the library file lives: one rule shared by the CLI and the app.
//!
//! Precedence: an explicit path (`--library PATH`), then `TIDINGS_LIBRARY`, then the XDG data
//! directory (`~/.local/share/tidings/library.sqlite`).

use std::path::PathBuf;

/// The environment variable that overrides the default library location.
pub const LIBRARY_ENV: &str = "TIDINGS_LIBRARY";

/// Resolves the library path from an explicit choice, the environment, or the XDG default.
pub fn library_path(explicit: Option<PathBuf>) -> PathBuf {
    if let Some(path) = explicit {
        return path;
    }
    if let Some(path) = std::env::var_os(LIBRARY_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(path);
    }
    default_library_path()
}

/// `$XDG_DATA_HOME/tidings/library.sqlite`, falling back to the current directory when the
/// system names no data directory (a bare container).
pub fn default_library_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("tidings")
        .join("library.sqlite")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_path_wins() {
        let p = library_path(Some(PathBuf::from("/tmp/x.sqlite")));
        assert_eq!(p, PathBuf::from("/tmp/x.sqlite"));
    }

    #[test]
    fn default_ends_in_tidings_library() {
        let p = default_library_path();
        assert!(p.ends_with("tidings/library.sqlite"), "{}", p.display());
    }
}
