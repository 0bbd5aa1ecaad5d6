//! Secret keys stay out of the database and out of logs.

use super::{portico, stored_key};

#[test]
fn keys_live_in_a_private_file_and_the_database_holds_digests_only() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("portico.db");
    // The first command generates both keys; its stderr is a pipe (a log), so the
    // keys are not printed there, only where they are. Before, both were printed
    // and kept in clear in the database.
    let first = portico(&database, &["keys", "show"]);
    let stderr = String::from_utf8_lossy(&first.stderr).to_string();
    let (test, live) = (stored_key(&database, "test"), stored_key(&database, "live"));
    assert!(
        !stderr.contains(&test) && !stderr.contains(&live),
        "{stderr}"
    );
    assert!(stderr.contains("portico.db.keys"), "{stderr}");

    let key_file = dir.path().join("portico.db.keys");
    let text = std::fs::read_to_string(&key_file).unwrap();
    assert!(text.contains(&test) && text.contains(&live));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // No byte of either key is in the database or its write-ahead log.
    for file in ["portico.db", "portico.db-wal"] {
        let Ok(bytes) = std::fs::read(dir.path().join(file)) else {
            continue;
        };
        for key in [&test, &live] {
            assert!(
                !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
                "{file} holds a key"
            );
        }
    }

    // A rotated key replaces the file's; the database's digest follows.
    let rotated = super::stdout(&portico(&database, &["keys", "rotate", "--mode", "test"]));
    assert_eq!(stored_key(&database, "test"), rotated.trim());
    // A key file of another database is refused, by name.
    let other = tempfile::tempdir().unwrap();
    let other_db = other.path().join("portico.db");
    stored_key(&other_db, "test");
    std::fs::copy(&key_file, other.path().join("portico.db.keys")).unwrap();
    let refused = portico(&other_db, &["keys", "show"]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("is not this database's"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

#[tokio::test]
async fn a_key_kept_in_clear_by_an_older_portico_moves_to_the_key_file() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("portico.db");
    stored_key(&database, "test");
    // As an older Portico left it: the key in clear, no digest, no key file.
    let old = "sk_test_kept-in-clear-by-an-older-portico";
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", database.display()))
        .await
        .unwrap();
    sqlx::query("UPDATE secret_keys SET secret = ?, digest = NULL WHERE mode = 'test'")
        .bind(old)
        .execute(&pool)
        .await
        .unwrap();
    let key_file = dir.path().join("portico.db.keys");
    let live_only: String = std::fs::read_to_string(&key_file)
        .unwrap()
        .lines()
        .filter(|line| line.starts_with("live:"))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(&key_file, live_only).unwrap();

    assert_eq!(stored_key(&database, "test"), old);
    let (secret,): (String,) = sqlx::query_as("SELECT secret FROM secret_keys WHERE mode = 'test'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(secret, "", "the clear key is gone from the database");
    let text = std::fs::read_to_string(&key_file).unwrap();
    assert!(
        text.contains(old) && text.contains("live: sk_live_"),
        "{text}"
    );
}
