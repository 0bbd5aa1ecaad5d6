//! Secret keys: from the environment, or at rest in a file beside the database
//! (`portico.db.keys`, mode 0600), never in it. The database keeps each key's
//! SHA-256 digest only, so a copy of it forges no customer's hash, and a key file of
//! another database is refused. A generated key is shown once on a terminal and
//! never written to a log.

use crate::auth::SecretKey;
use crate::catalog::Mode;
use crate::http::Keys;
use crate::store::{self, Store, StoredKey};
use crate::{Config, StartError};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct KeyFile {
    path: PathBuf,
}

impl KeyFile {
    /// The key file of the SQLite database `database` (a path or `sqlite://` URL);
    /// `None` for an in-memory database, and for PostgreSQL, whose servers are
    /// several machines with no file beside the database to share.
    pub fn beside(database: &str) -> Option<Self> {
        if store::is_postgres_url(database) {
            return None;
        }
        let path = database
            .strip_prefix("sqlite://")
            .or_else(|| database.strip_prefix("sqlite:"))
            .unwrap_or(database);
        let path = path.split('?').next().unwrap_or(path);
        if path.is_empty() || path.contains(":memory:") {
            return None;
        }
        Some(Self {
            path: PathBuf::from(format!("{path}.keys")),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The keys by mode name (`test`, `live`); none if the file does not exist.
    pub fn read(&self) -> std::io::Result<BTreeMap<String, String>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(BTreeMap::new());
            }
            Err(error) => return Err(error),
        };
        Ok(text
            .lines()
            .filter_map(|line| line.split_once(':'))
            .map(|(mode, key)| (mode.trim().to_owned(), key.trim().to_owned()))
            .collect())
    }

    /// Writes `keys`, readable by this user only, replacing the file at once (a
    /// crash leaves the old file or the new one, never half of one).
    pub fn write(&self, keys: &BTreeMap<String, String>) -> std::io::Result<()> {
        let temporary = self.path.with_extension("keys.new");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temporary)?;
        for (mode, key) in keys {
            writeln!(file, "{mode}: {key}")?;
        }
        file.sync_all()?;
        std::fs::rename(&temporary, &self.path)
    }
}

/// What the database keeps of a key.
pub fn digest(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// Both modes' secret keys, as `secret_key` settles them.
pub async fn keys(store: &Store, config: &Config, now: i64) -> Result<Keys, StartError> {
    Ok(Keys {
        test: secret_key(
            store,
            config,
            Mode::Test,
            config.test_secret_key.as_deref(),
            now,
        )
        .await?,
        live: secret_key(
            store,
            config,
            Mode::Live,
            config.live_secret_key.as_deref(),
            now,
        )
        .await?,
    })
}

/// The configured key wins (nothing of it is stored); otherwise the key file's,
/// checked against the digest the database keeps; otherwise a new one, written to
/// the key file (0600) and announced without being logged.
async fn secret_key(
    store: &Store,
    config: &Config,
    mode: Mode,
    configured: Option<&str>,
    now: i64,
) -> Result<SecretKey, StartError> {
    let expected_prefix = if mode.is_live() {
        "sk_live_"
    } else {
        "sk_test_"
    };
    if let Some(key) = configured {
        if !key.starts_with(expected_prefix) || key.len() < expected_prefix.len() + 16 {
            return Err(StartError::Config(format!(
                "the configured {expected_prefix}… key must start with `{expected_prefix}` and have at least 16 more characters"
            )));
        }
        return Ok(SecretKey::new(key.to_owned()));
    }
    let name = mode.name();
    let file = KeyFile::beside(&config.database).ok_or_else(|| {
        StartError::Config(format!(
            "an in-memory or PostgreSQL database keeps no key file: pass the {name} key by \
             environment (PORTICO_{}_SECRET_KEY), the same to every server",
            name.to_ascii_uppercase()
        ))
    })?;
    let io = |e: std::io::Error| StartError::Config(format!("{}: {e}", file.path().display()));
    let mut in_file = file.read().map_err(io)?;
    let stored = store.stored_secret_key(mode).await?;
    let key = match (in_file.get(name), stored) {
        (Some(key), Some(stored)) => {
            let matches = stored.digest.as_deref() == Some(digest(key).as_str())
                || stored.clear.as_deref() == Some(key.as_str());
            if !matches {
                return Err(StartError::Config(format!(
                    "the {name} key in {} is not this database's: restore the right key file, or pass the key by environment",
                    file.path().display()
                )));
            }
            key.clone()
        }
        (Some(key), None) => key.clone(),
        // A database from before keys left it: the key moves to the file.
        (
            None,
            Some(StoredKey {
                clear: Some(clear), ..
            }),
        ) => {
            in_file.insert(name.to_owned(), clear.clone());
            file.write(&in_file).map_err(io)?;
            clear
        }
        (None, Some(_)) => {
            return Err(StartError::Config(format!(
                "{} has no {name} key, and this database has one: restore the key file, or pass the key by environment",
                file.path().display()
            )));
        }
        (None, None) => {
            let generated = SecretKey::generate(mode.is_live());
            in_file.insert(name.to_owned(), generated.expose().to_owned());
            file.write(&in_file).map_err(io)?;
            announce(name, &generated, file.path());
            generated.expose().to_owned()
        }
    };
    // Only the digest stays in the database (and a key kept in clear is erased).
    store
        .set_secret_key_digest(mode, &digest(&key), now)
        .await?;
    Ok(SecretKey::new(key))
}

/// A new key is shown once on a terminal; to anything else (a log), only where it is.
fn announce(name: &str, key: &SecretKey, file: &std::path::Path) {
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        eprintln!(
            "portico: generated a new {name} secret key, shown only this once: {}",
            key.expose()
        );
    } else {
        eprintln!(
            "portico: generated a new {name} secret key into {} (`portico keys show` prints it)",
            file.display()
        );
    }
}

/// Replaces the mode's key with a new one in the key file (and its digest in the
/// database); every session of the mode ends. Returns the new key.
pub async fn rotate_secret_key(
    store: &Store,
    database: &str,
    mode: Mode,
    now: i64,
) -> Result<SecretKey, StartError> {
    let name = mode.name();
    let file = KeyFile::beside(database).ok_or_else(|| {
        StartError::Config(
            "an in-memory or PostgreSQL database keeps no key file: give the servers \
                 a new key by environment instead"
                .to_owned(),
        )
    })?;
    let io = |e: std::io::Error| StartError::Config(format!("{}: {e}", file.path().display()));
    let mut in_file = file.read().map_err(io)?;
    let key = SecretKey::generate(mode.is_live());
    in_file.insert(name.to_owned(), key.expose().to_owned());
    file.write(&in_file).map_err(io)?;
    store
        .set_secret_key_digest(mode, &digest(key.expose()), now)
        .await?;
    store
        .revoke_sessions(store::Revocation::Mode {
            livemode: mode.is_live(),
        })
        .await?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgresql_database_has_no_key_file() {
        assert!(super::KeyFile::beside("postgres://u@db.internal/portico").is_none());
        assert!(super::KeyFile::beside("postgresql://u@db.internal/portico").is_none());
    }

    #[test]
    fn the_file_sits_beside_the_database_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("portico.db").display().to_string();
        let file = KeyFile::beside(&format!("sqlite://{database}?mode=rwc")).unwrap();
        assert_eq!(file.path(), Path::new(&format!("{database}.keys")));
        assert!(KeyFile::beside("sqlite::memory:").is_none());
        assert!(file.read().unwrap().is_empty());
        let keys = BTreeMap::from([("test".to_owned(), "sk_test_abc".to_owned())]);
        file.write(&keys).unwrap();
        assert_eq!(file.read().unwrap(), keys);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
