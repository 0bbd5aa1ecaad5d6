//! `Idempotency-Key` claims. A request claims its key with a token of its own; only
//! the holder of that token may mark the key applied, store its answer or release
//! it, so a request that lost its claim (past its lease, or its process taken for
//! stopped) can change nothing any more.

use super::backend::{Conn, Lock, on};
use super::{Store, StoreError, StoreResult};
use std::future::Future;

tokio::task_local! {
    /// The claimed key of the action this task runs, while it runs.
    static MARKING: HeldClaim;
}

/// A request's hold on its key: given by [`Store::claim_idempotency_key`], needed
/// to mark it applied, finish it or release it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimToken(String);

#[derive(Debug, Clone)]
struct HeldClaim {
    scope: String,
    key: String,
    token: ClaimToken,
}

/// What the store knows of a key when a request claims it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new (or its first request changed nothing and is gone): this
    /// request runs and must `finish` or `release` it with the token.
    Fresh(ClaimToken),
    /// The key was first used with another request.
    Mismatch,
    /// The first request with this key is still running.
    InFlight,
    /// The first request's effect committed, but no request will answer it any
    /// more (its process stopped, or it failed after the commit): acting again
    /// would act twice.
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

/// Runs `action` (a keyed action whose effect is the store's) so that each write
/// transaction it commits also marks its claimed key applied; a transaction of a
/// request that lost its claim fails instead of committing.
pub async fn marking_applied<F: Future>(
    scope: &str,
    key: &str,
    token: &ClaimToken,
    action: F,
) -> F::Output {
    let held = HeldClaim {
        scope: scope.to_owned(),
        key: key.to_owned(),
        token: token.clone(),
    };
    MARKING.scope(held, action).await
}

/// In a write transaction of a keyed action: the key is applied if the
/// transaction commits.
pub(super) async fn mark_applied(conn: &mut Conn<'_>) -> StoreResult<()> {
    let Ok(held) = MARKING.try_with(HeldClaim::clone) else {
        return Ok(());
    };
    let marked = on!(conn => sqlx::query(
        "UPDATE idempotency_keys SET applied = TRUE
         WHERE scope = $1 AND key = $2 AND claim = $3 AND status IS NULL",
    )
    .bind(&held.scope)
    .bind(&held.key)
    .bind(&held.token.0)
    .execute(&mut *conn)
    .await.map(|done| done.rows_affected()))?;
    if marked == 1 {
        Ok(())
    } else {
        Err(StoreError::ClaimLost)
    }
}

impl Store {
    /// Claims `key` for a request with `digest`. A key past `expiry.kept_before` is
    /// forgotten first; a first request that is gone ([`FirstUse::abandoned`]) and
    /// changed nothing makes way for this one.
    pub async fn claim_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        digest: &str,
        now: i64,
        expiry: Expiry,
    ) -> StoreResult<Claim> {
        let mut tx = self.begin_write(Lock::Name(&key_lock(scope, key))).await?;
        on!(tx, conn => sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created < $3")
            .bind(scope)
            .bind(key)
            .bind(expiry.kept_before)
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected()))?;
        let first: Option<FirstUse> = on!(tx, conn => sqlx::query_as(
            "SELECT request_digest, status, response, applied, owner, claim, created
             FROM idempotency_keys WHERE scope = $1 AND key = $2",
        )
        .bind(scope)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await)?;
        let owner_gone = match first.as_ref().and_then(|first| first.owner.as_deref()) {
            Some(owner) if owner != &*self.process => {
                !super::processes::is_alive(&mut tx.conn(), owner).await?
            }
            _ => false,
        };
        let claim = match first {
            Some(first) if first.request_digest != digest => Claim::Mismatch,
            Some(FirstUse {
                status: Some(status),
                response: Some(response),
                ..
            }) => Claim::Done {
                status: u16::try_from(status).unwrap_or(500),
                response,
            },
            Some(first) if !first.abandoned(owner_gone, expiry.abandoned_before) => Claim::InFlight,
            Some(first) if first.applied => Claim::AppliedUnanswered,
            gone_or_none => {
                if gone_or_none.is_some() {
                    on!(tx, conn => sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2")
                        .bind(scope)
                        .bind(key)
                        .execute(&mut *conn)
                        .await.map(|done| done.rows_affected()))?;
                }
                let token = ClaimToken(crate::auth::random_alphanumeric(24));
                on!(tx, conn => sqlx::query(
                    "INSERT INTO idempotency_keys (scope, key, request_digest, created, owner, claim)
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(scope)
                .bind(key)
                .bind(digest)
                .bind(now)
                .bind(&*self.process)
                .bind(&token.0)
                .execute(&mut *conn)
                .await.map(|done| done.rows_affected()))?;
                Claim::Fresh(token)
            }
        };
        tx.commit().await?;
        Ok(claim)
    }

    /// Records the result of the request that holds the claim; a request that lost
    /// its claim records nothing.
    pub async fn finish_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        token: &ClaimToken,
        status: u16,
        response: &str,
    ) -> StoreResult<()> {
        on!(pool self.pool, conn => sqlx::query(
            "UPDATE idempotency_keys SET status = $1, response = $2
             WHERE scope = $3 AND key = $4 AND claim = $5 AND status IS NULL",
        )
        .bind(i64::from(status))
        .bind(response)
        .bind(scope)
        .bind(key)
        .bind(&token.0)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Deletes every key created before `expired_before` (they replay nothing any
    /// more), by the age index; returns how many.
    pub async fn purge_idempotency_keys(&self, expired_before: i64) -> StoreResult<u64> {
        Ok(
            on!(pool self.pool, conn => sqlx::query("DELETE FROM idempotency_keys WHERE created < $1")
                .bind(expired_before)
                .execute(&mut *conn)
                .await.map(|done| done.rows_affected()))?,
        )
    }

    /// Lets go of a claim whose request failed on our side. If it changed nothing,
    /// the key is free and a retry runs; if it did, no request holds it any more,
    /// so a retry is told at once that it was applied.
    pub async fn release_idempotency_key(
        &self,
        scope: &str,
        key: &str,
        token: &ClaimToken,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write(Lock::Name(&key_lock(scope, key))).await?;
        on!(tx, conn => sqlx::query(
            "DELETE FROM idempotency_keys
             WHERE scope = $1 AND key = $2 AND claim = $3 AND status IS NULL AND NOT applied",
        )
        .bind(scope)
        .bind(key)
        .bind(&token.0)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
        on!(tx, conn => sqlx::query(
            "UPDATE idempotency_keys SET claim = NULL
             WHERE scope = $1 AND key = $2 AND claim = $3 AND status IS NULL",
        )
        .bind(scope)
        .bind(key)
        .bind(&token.0)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
        tx.commit().await?;
        Ok(())
    }
}

/// The stored first use of a key.
/// What a claim or a release of a key locks: the key, which has no row before
/// its first claim.
fn key_lock(scope: &str, key: &str) -> String {
    format!("idempotency:{scope}:{key}")
}

#[derive(Debug, sqlx::FromRow)]
struct FirstUse {
    request_digest: String,
    status: Option<i64>,
    response: Option<String>,
    applied: bool,
    owner: Option<String>,
    claim: Option<String>,
    created: i64,
}

impl FirstUse {
    /// No request will answer it any more: its request let go of it after an
    /// effect (`claim` NULL); or the process that claimed it stopped
    /// (`owner_gone`, [`super::processes`]; a claim from before owners were kept
    /// has none); or it is past its lease (its request was dropped).
    fn abandoned(&self, owner_gone: bool, abandoned_before: i64) -> bool {
        self.claim.is_none() || owner_gone || self.created < abandoned_before
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::TestDatabase;

    const SCOPE: &str = "embed:test:acme:email:ada@example.com";
    const KEEP: Expiry = Expiry {
        kept_before: 0,
        abandoned_before: 0,
    };

    async fn store() -> ((tempfile::TempDir, TestDatabase), Store) {
        let dir = tempfile::tempdir().unwrap();
        let database = TestDatabase::new(&dir.path().join("keys.db")).await;
        let store = Store::open(&database.url).await.unwrap();
        ((dir, database), store)
    }

    async fn claim(store: &Store, key: &str, now: i64, expiry: Expiry) -> Claim {
        store
            .claim_idempotency_key(SCOPE, key, "digest", now, expiry)
            .await
            .unwrap()
    }

    fn token(claim: Claim) -> ClaimToken {
        match claim {
            Claim::Fresh(token) => token,
            other => panic!("not fresh: {other:?}"),
        }
    }

    /// A write transaction of the keyed action, as the engine's would be.
    async fn commit_inside(store: &Store, key: &str, token: &ClaimToken) -> StoreResult<()> {
        marking_applied(SCOPE, key, token, async {
            store
                .begin_write(Lock::Name("test"))
                .await?
                .commit()
                .await?;
            Ok(())
        })
        .await
    }

    #[tokio::test]
    async fn a_request_that_failed_after_its_commit_leaves_the_key_applied_at_once() {
        let (_dir, store) = store().await;
        let first = token(claim(&store, "k", 100, KEEP).await);
        commit_inside(&store, "k", &first).await.unwrap();
        store
            .release_idempotency_key(SCOPE, "k", &first)
            .await
            .unwrap();
        // Not "in use, retry shortly" for the rest of the lease: applied.
        assert_eq!(
            claim(&store, "k", 101, KEEP).await,
            Claim::AppliedUnanswered
        );
    }

    #[tokio::test]
    async fn a_request_that_lost_its_claim_commits_nothing_and_answers_nothing() {
        let (_dir, store) = store().await;
        let late = token(claim(&store, "k", 100, KEEP).await);
        // Past its lease, a retry takes the key over.
        let past_lease = Expiry {
            kept_before: 0,
            abandoned_before: 500,
        };
        let retry = token(claim(&store, "k", 600, past_lease).await);
        assert!(matches!(
            commit_inside(&store, "k", &late).await,
            Err(StoreError::ClaimLost)
        ));
        store
            .finish_idempotency_key(SCOPE, "k", &late, 200, "late")
            .await
            .unwrap();
        store
            .release_idempotency_key(SCOPE, "k", &late)
            .await
            .unwrap();
        // The retry's claim stands, untouched by the late request.
        commit_inside(&store, "k", &retry).await.unwrap();
        store
            .finish_idempotency_key(SCOPE, "k", &retry, 201, "retry")
            .await
            .unwrap();
        assert_eq!(
            claim(&store, "k", 601, KEEP).await,
            Claim::Done {
                status: 201,
                response: "retry".into()
            }
        );
    }

    #[tokio::test]
    async fn a_claim_of_an_older_portico_waits_for_its_lease() {
        let (_dir, store) = store().await;
        let mut pooled = store.pool.acquire().await.unwrap();
        let conn = &mut pooled.conn();
        on!(conn => sqlx::query(
            "INSERT INTO idempotency_keys (scope, key, request_digest, created, claim)
             VALUES ($1, 'k', 'digest', 100, 'before-0013')",
        )
        .bind(SCOPE)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))
        .unwrap();
        assert_eq!(claim(&store, "k", 101, KEEP).await, Claim::InFlight);
        let past_lease = Expiry {
            kept_before: 0,
            abandoned_before: 500,
        };
        assert!(matches!(
            claim(&store, "k", 600, past_lease).await,
            Claim::Fresh(_)
        ));
    }
}
