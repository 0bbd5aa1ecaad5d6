use super::{Store, StoreResult};

/// What the store knows of a key when a request claims it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: this request runs and must `finish` or `release` it.
    Fresh,
    /// The key was first used with another request.
    Mismatch,
    /// The first request with this key is still running.
    InFlight,
    /// The first request finished: replay its status and body.
    Done { status: u16, response: String },
}

/// When a stored key no longer counts.
#[derive(Debug, Clone, Copy)]
pub struct Expiry {
    /// A key claimed before this replays nothing any more.
    pub kept_before: i64,
    /// A claim made before this with no result yet was abandoned.
    pub abandoned_before: i64,
}

impl Store {
    /// Claims `key` for a request with `digest`. A key past its `expiry` is
    /// forgotten first, so it can be used afresh.
    pub async fn claim_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        digest: &str,
        now: i64,
        expiry: Expiry,
    ) -> StoreResult<Claim> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE scope = ? AND key = ?
               AND (created < ? OR (status IS NULL AND created < ?))",
        )
        .bind(scope)
        .bind(key)
        .bind(expiry.kept_before)
        .bind(expiry.abandoned_before)
        .execute(&mut *tx)
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (scope, key, request_digest, created) VALUES (?, ?, ?, ?)
             ON CONFLICT (scope, key) DO NOTHING",
        )
        .bind(scope)
        .bind(key)
        .bind(digest)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let claim = if inserted == 1 {
            Claim::Fresh
        } else {
            let (first_digest, status, response): (String, Option<i64>, Option<String>) = sqlx::query_as(
                "SELECT request_digest, status, response FROM idempotency_keys WHERE scope = ? AND key = ?",
            )
            .bind(scope)
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
            match (status, response) {
                _ if first_digest != digest => Claim::Mismatch,
                (Some(status), Some(response)) => Claim::Done {
                    status: u16::try_from(status).unwrap_or(500),
                    response,
                },
                _ => Claim::InFlight,
            }
        };
        tx.commit().await?;
        Ok(claim)
    }

    /// Records the result of the request that claimed the key.
    pub async fn finish_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        status: u16,
        response: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE idempotency_keys SET status = ?, response = ? WHERE scope = ? AND key = ?",
        )
        .bind(i64::from(status))
        .bind(response)
        .bind(scope)
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Deletes every key created before `expired_before` (they replay nothing any
    /// more), by the age index; returns how many.
    pub async fn purge_idempotency_keys(&self, expired_before: i64) -> StoreResult<u64> {
        Ok(
            sqlx::query("DELETE FROM idempotency_keys WHERE created < ?")
                .bind(expired_before)
                .execute(&self.pool)
                .await?
                .rows_affected(),
        )
    }

    /// Frees a key whose request failed on our side, so a retry can run.
    pub async fn release_idempotency_key(&self, scope: &str, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND status IS NULL")
            .bind(scope)
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
