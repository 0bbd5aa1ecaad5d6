use super::{Store, StoreResult};
use sqlx::SqliteConnection;
use std::future::Future;

tokio::task_local! {
    /// The claimed key of the action this task runs, while it runs.
    static APPLYING: ClaimedKey;
}

#[derive(Debug, Clone)]
struct ClaimedKey {
    scope: String,
    key: String,
}

/// Runs `action` (a keyed action whose effect is the store's) so that each write
/// transaction it commits also marks the key `(scope, key)` applied.
pub async fn applying<F: Future>(scope: &str, key: &str, action: F) -> F::Output {
    let claimed = ClaimedKey {
        scope: scope.to_owned(),
        key: key.to_owned(),
    };
    APPLYING.scope(claimed, action).await
}

/// In a write transaction of a keyed action: the key is applied if the
/// transaction commits.
pub(super) async fn mark_applied(conn: &mut SqliteConnection) -> StoreResult<()> {
    let Ok(claimed) = APPLYING.try_with(ClaimedKey::clone) else {
        return Ok(());
    };
    sqlx::query(
        "UPDATE idempotency_keys SET applied = 1
         WHERE scope = ? AND key = ? AND status IS NULL AND applied = 0",
    )
    .bind(&claimed.scope)
    .bind(&claimed.key)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What the store knows of a key when a request claims it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: this request runs and must `finish` or `release` it.
    Fresh,
    /// The key was first used with another request.
    Mismatch,
    /// The first request with this key is still running.
    InFlight,
    /// The first request's effect committed, but its process stopped (or it was
    /// dropped) before its answer was stored: acting again would act twice.
    AppliedUnanswered,
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
    /// forgotten first, so it can be used afresh, and so is a claim with no answer
    /// and no effect that an earlier process made (it stopped) or that is past its
    /// lease (its request was dropped).
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
               AND (created < ?
                    OR (status IS NULL AND applied = 0 AND (created < ? OR owner IS NOT ?)))",
        )
        .bind(scope)
        .bind(key)
        .bind(expiry.kept_before)
        .bind(expiry.abandoned_before)
        .bind(&*self.process)
        .execute(&mut *tx)
        .await?;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (scope, key, request_digest, created, owner)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (scope, key) DO NOTHING",
        )
        .bind(scope)
        .bind(key)
        .bind(digest)
        .bind(now)
        .bind(&*self.process)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let claim = if inserted == 1 {
            Claim::Fresh
        } else {
            let first: FirstUse = sqlx::query_as(
                "SELECT request_digest, status, response, applied, owner, created
                 FROM idempotency_keys WHERE scope = ? AND key = ?",
            )
            .bind(scope)
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
            let abandoned = first.owner.as_deref() != Some(&*self.process)
                || first.created < expiry.abandoned_before;
            match (first.status, first.response) {
                _ if first.request_digest != digest => Claim::Mismatch,
                (Some(status), Some(response)) => Claim::Done {
                    status: u16::try_from(status).unwrap_or(500),
                    response,
                },
                _ if first.applied && abandoned => Claim::AppliedUnanswered,
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

    /// Frees a key whose request failed on our side before it changed anything, so
    /// a retry can run. A key whose action committed stays claimed.
    pub async fn release_idempotency_key(&self, scope: &str, key: &str) -> StoreResult<()> {
        sqlx::query(
            "DELETE FROM idempotency_keys
             WHERE scope = ? AND key = ? AND status IS NULL AND applied = 0",
        )
        .bind(scope)
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// The stored first use of a key.
#[derive(Debug, sqlx::FromRow)]
struct FirstUse {
    request_digest: String,
    status: Option<i64>,
    response: Option<String>,
    applied: bool,
    owner: Option<String>,
    created: i64,
}
