use super::backend::on;
use super::{Store, StoreResult};
use crate::catalog::Mode;

/// What the database holds of a mode's secret key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    /// Only in a database from before keys left it.
    pub clear: Option<String>,
    pub digest: Option<String>,
}

impl Store {
    /// The mode's key as stored: its digest, and the key itself in clear if it
    /// was stored before keys left the database (emptied at the next start).
    pub async fn stored_secret_key(&self, mode: Mode) -> StoreResult<Option<StoredKey>> {
        let row: Option<(String, Option<String>)> = on!(pool self.pool, conn => sqlx::query_as("SELECT secret, digest FROM secret_keys WHERE mode = $1")
                .bind(mode.name())
                .fetch_optional(&mut *conn)
                .await)?;
        Ok(row.map(|(secret, digest)| StoredKey {
            clear: Some(secret).filter(|s| !s.is_empty()),
            digest,
        }))
    }

    /// Records the digest of the mode's key, and nothing of the key itself: a key
    /// kept in clear before is overwritten on disk (`secure_delete`), not just
    /// unlinked from the table.
    pub async fn set_secret_key_digest(
        &self,
        mode: Mode,
        digest: &str,
        now: i64,
    ) -> StoreResult<()> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        on!(conn => sqlx::query("PRAGMA secure_delete = ON")
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected()))?;
        let done = on!(conn => sqlx::query(
            "INSERT INTO secret_keys (mode, secret, digest, created) VALUES ($1, '', $2, $3)
             ON CONFLICT (mode) DO UPDATE SET secret = '', digest = excluded.digest,
                created = excluded.created",
        )
        .bind(mode.name())
        .bind(digest)
        .bind(now)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()));
        on!(conn => sqlx::query("PRAGMA secure_delete = OFF")
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected()))?;
        done?;
        Ok(())
    }

    /// Keeps a validated catalog as the one `serve` uses without `--catalog`.
    pub async fn import_catalog(&self, toml: &str, now: i64) -> StoreResult<()> {
        on!(pool self.pool, conn => sqlx::query("INSERT INTO catalog_imports (source, imported) VALUES ($1, $2)")
            .bind(toml)
            .bind(now)
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// The catalog imported last, as its TOML text.
    pub async fn latest_catalog(&self) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = on!(pool self.pool, conn => sqlx::query_as("SELECT source FROM catalog_imports ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&mut *conn)
                .await)?;
        Ok(row.map(|(source,)| source))
    }
}
