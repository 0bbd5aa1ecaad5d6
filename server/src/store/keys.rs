use super::{Store, StoreResult};
use crate::catalog::Mode;

fn mode_name(mode: Mode) -> &'static str {
    if mode.is_live() { "live" } else { "test" }
}

impl Store {
    pub async fn secret_key(&self, mode: Mode) -> StoreResult<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT secret FROM secret_keys WHERE mode = ?")
                .bind(mode_name(mode))
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(secret,)| secret))
    }

    /// Stores `secret` for `mode` unless one is stored already; returns the stored one.
    pub async fn insert_secret_key_if_absent(
        &self,
        mode: Mode,
        secret: &str,
        now: i64,
    ) -> StoreResult<String> {
        sqlx::query("INSERT INTO secret_keys (mode, secret, created) VALUES (?, ?, ?) ON CONFLICT (mode) DO NOTHING")
            .bind(mode_name(mode))
            .bind(secret)
            .bind(now)
            .execute(&self.pool)
            .await?;
        self.secret_key(mode)
            .await?
            .ok_or_else(|| super::StoreError::Corrupt("secret key vanished after insert".into()))
    }

    /// Replaces the mode's stored key with `secret`.
    pub async fn rotate_secret_key(&self, mode: Mode, secret: &str, now: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO secret_keys (mode, secret, created) VALUES (?, ?, ?)
             ON CONFLICT (mode) DO UPDATE SET secret = excluded.secret, created = excluded.created",
        )
        .bind(mode_name(mode))
        .bind(secret)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Keeps a validated catalog as the one `serve` uses without `--catalog`.
    pub async fn import_catalog(&self, toml: &str, now: i64) -> StoreResult<()> {
        sqlx::query("INSERT INTO catalog_imports (source, imported) VALUES (?, ?)")
            .bind(toml)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The catalog imported last, as its TOML text.
    pub async fn latest_catalog(&self) -> StoreResult<Option<String>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT source FROM catalog_imports ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(source,)| source))
    }
}
