//! Where account passwords live: the desktop's Secret Service (GNOME Keyring, KWallet,
//! KeePassXC…) through the `keyring` crate, or, where none runs (a headless machine), a file
//! only its owner may read (0600, in a 0700 folder) in the user's configuration folder,
//! `$XDG_CONFIG_HOME/tidings/credentials.json`. Never in the library file (so never in a
//! backup of it), a log or an error message.
//!
//! A password is stored under a key made for its account ([`new_key`]): the key is what the
//! library keeps, so two libraries never share or overwrite each other's passwords.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The Secret Service's name for Tidings' entries.
const SERVICE: &str = "tidings";

/// Where a password is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialStore {
    /// The desktop's Secret Service.
    SecretService,
    /// The user-only file (no Secret Service was running).
    File,
}

impl CredentialStore {
    /// The name the library keeps.
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialStore::SecretService => "secret-service",
            CredentialStore::File => "file",
        }
    }

    /// The store a library names (`file` for anything but `secret-service`).
    pub fn from_stored(name: &str) -> CredentialStore {
        match name {
            "secret-service" => CredentialStore::SecretService,
            _ => CredentialStore::File,
        }
    }
}

/// Why a password could not be kept or read. Never carries the password.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    #[error("the Secret Service could not give the password ({0}); sign in again")]
    SecretService(String),
    #[error("cannot use the credentials file {path}: {source}")]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the credentials file {path} is readable by other users (mode {mode:o}); make it private (chmod 600) and try again")]
    NotPrivate { path: PathBuf, mode: u32 },
    #[error("the credentials file {path} is damaged; sign in again")]
    Damaged { path: PathBuf },
    #[error("no password is kept for this account; sign in again")]
    Missing,
}

/// The password store of one user.
#[derive(Debug, Clone)]
pub struct Credentials {
    file: PathBuf,
    use_secret_service: bool,
}

/// A new key for an account's password: unique per account and library (a hash of the
/// server, the user, the time and the process; not secret).
pub fn new_key(server: &str, user: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        server,
        user,
        &chrono::Utc::now()
            .timestamp_nanos_opt()
            .unwrap_or(0)
            .to_string(),
        &std::process::id().to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest: String = h.finalize()[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("account-{digest}")
}

impl Credentials {
    /// The user's store: the Secret Service when one runs, else
    /// `$XDG_CONFIG_HOME/tidings/credentials.json`.
    pub fn for_user() -> Credentials {
        let dir = dirs::config_dir().unwrap_or_else(|| PathBuf::from("."));
        Credentials {
            file: dir.join("tidings").join("credentials.json"),
            use_secret_service: true,
        }
    }

    /// Only the file at `file`, never the Secret Service (tests, and headless tools that must
    /// not touch the desktop's keyring).
    pub fn file_only(file: PathBuf) -> Credentials {
        Credentials {
            file,
            use_secret_service: false,
        }
    }

    /// The file used when no Secret Service runs.
    pub fn file_path(&self) -> &Path {
        &self.file
    }

    /// Keeps `secret` under `key`: in the Secret Service if one answers, else in the file.
    pub fn save(&self, key: &str, secret: &str) -> Result<CredentialStore, CredentialError> {
        if self.use_secret_service {
            let saved = keyring::Entry::new(SERVICE, key).and_then(|e| e.set_password(secret));
            if saved.is_ok() {
                return Ok(CredentialStore::SecretService);
            }
        }
        self.update_file(|entries| {
            entries.insert(key.to_string(), secret.to_string());
        })?;
        Ok(CredentialStore::File)
    }

    /// The secret kept under `key` in `store`.
    pub fn load(&self, key: &str, store: CredentialStore) -> Result<String, CredentialError> {
        match store {
            CredentialStore::SecretService => {
                let entry = keyring::Entry::new(SERVICE, key)
                    .map_err(|e| CredentialError::SecretService(e.to_string()))?;
                entry.get_password().map_err(|e| match e {
                    keyring::Error::NoEntry => CredentialError::Missing,
                    other => CredentialError::SecretService(other.to_string()),
                })
            }
            CredentialStore::File => self
                .read_file()?
                .remove(key)
                .ok_or(CredentialError::Missing),
        }
    }

    /// Forgets the secret under `key` (nothing to do when it is already gone).
    pub fn delete(&self, key: &str, store: CredentialStore) -> Result<(), CredentialError> {
        match store {
            CredentialStore::SecretService => {
                let entry = keyring::Entry::new(SERVICE, key)
                    .map_err(|e| CredentialError::SecretService(e.to_string()))?;
                match entry.delete_credential() {
                    Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                    Err(e) => Err(CredentialError::SecretService(e.to_string())),
                }
            }
            CredentialStore::File => self.update_file(|entries| {
                entries.remove(key);
            }),
        }
    }

    fn file_error(&self, source: std::io::Error) -> CredentialError {
        CredentialError::File {
            path: self.file.clone(),
            source,
        }
    }

    fn read_file(&self) -> Result<BTreeMap<String, String>, CredentialError> {
        let mut file = match File::open(&self.file) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(self.file_error(e)),
        };
        let mode = file.metadata().map_err(|e| self.file_error(e))?.mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(CredentialError::NotPrivate {
                path: self.file.clone(),
                mode,
            });
        }
        let mut text = String::new();
        file.read_to_string(&mut text)
            .map_err(|e| self.file_error(e))?;
        if text.trim().is_empty() {
            return Ok(BTreeMap::new());
        }
        serde_json::from_str(&text).map_err(|_| CredentialError::Damaged {
            path: self.file.clone(),
        })
    }

    /// Reads, changes and writes the file back whole (a new file renamed over the old, so a
    /// crash leaves one or the other), holding a lock so two processes never lose an entry.
    fn update_file(
        &self,
        change: impl FnOnce(&mut BTreeMap<String, String>),
    ) -> Result<(), CredentialError> {
        let dir = self.file.parent().unwrap_or(Path::new("."));
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| self.file_error(e))?;
        let private = |path: &Path| {
            OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(false)
                .mode(0o600)
                .open(path)
        };
        let lock = private(&self.file.with_extension("lock")).map_err(|e| self.file_error(e))?;
        lock.lock().map_err(|e| self.file_error(e))?;
        let mut entries = self.read_file()?;
        change(&mut entries);
        let text = serde_json::to_string_pretty(&entries).map_err(|e| self.file_error(e.into()))?;
        let fresh = self.file.with_extension("json.new");
        let _ = std::fs::remove_file(&fresh);
        let mut out = private(&fresh).map_err(|e| self.file_error(e))?;
        // The mode above applies only to a file it creates: make sure of it.
        out.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| self.file_error(e))?;
        out.write_all(text.as_bytes())
            .and_then(|()| out.sync_all())
            .map_err(|e| self.file_error(e))?;
        std::fs::rename(&fresh, &self.file).map_err(|e| self.file_error(e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str) -> PathBuf {
        crate::scratch::scratch_dir(&format!("credentials-{name}"))
            .join("tidings")
            .join("credentials.json")
    }

    #[test]
    fn the_file_is_private_and_keeps_each_key_apart() {
        let path = temp_file("private");
        let creds = Credentials::file_only(path.clone());
        let (a, b) = (new_key("https://s", "a"), new_key("https://s", "b"));
        assert_ne!(a, b);
        assert_eq!(creds.save(&a, "pw-a").unwrap(), CredentialStore::File);
        assert_eq!(creds.save(&b, "pw-b").unwrap(), CredentialStore::File);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
        assert_eq!(creds.load(&a, CredentialStore::File).unwrap(), "pw-a");
        creds.delete(&a, CredentialStore::File).unwrap();
        assert!(matches!(
            creds.load(&a, CredentialStore::File),
            Err(CredentialError::Missing)
        ));
        assert_eq!(creds.load(&b, CredentialStore::File).unwrap(), "pw-b");
    }

    #[test]
    fn a_file_others_can_read_is_refused_without_showing_it() {
        let path = temp_file("open");
        let creds = Credentials::file_only(path.clone());
        let key = new_key("https://s", "a");
        creds.save(&key, "hunter2-secret").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = creds.load(&key, CredentialStore::File).unwrap_err();
        assert!(matches!(err, CredentialError::NotPrivate { .. }), "{err}");
        assert!(!err.to_string().contains("hunter2"));
    }
}
