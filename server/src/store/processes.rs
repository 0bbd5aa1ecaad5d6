//! Whether the Portico process that claimed an idempotency key is still running,
//! so that a retry after a crash need not wait out the claim's lease. SQLite serves
//! one process: any other process's claim was left by one that stopped. On
//! PostgreSQL several servers share the database, so each process holds, for as
//! long as it runs, a session advisory lock on its id, on a connection of its own;
//! PostgreSQL lets go of it as soon as that connection closes, which a killed
//! process's does. A claim's owner is alive exactly while its lock is held. (If the
//! connection alone dropped, a live request's claim could be taken over: its
//! token then no longer matches, and it commits nothing.)

use super::StoreResult;
use super::backend::{Conn, on};
use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};

/// Opens the connection that holds `process`'s lock for the life of the store.
pub(super) async fn hold(url: &str, process: &str) -> StoreResult<PgConnection> {
    let mut conn = PgConnection::connect(url).await?;
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(lock_key(process))
        .execute(&mut conn)
        .await?;
    Ok(conn)
}

/// Whether `owner`, a process other than this one, is still running.
pub(super) async fn is_alive(conn: &mut Conn<'_>, owner: &str) -> StoreResult<bool> {
    let Conn::Postgres(_) = conn else {
        return Ok(false);
    };
    let key = lock_key(owner);
    // A bigint advisory lock shows in pg_locks as its high and low 32 bits.
    let high = (key >> 32) & 0xFFFF_FFFF;
    let low = key & 0xFFFF_FFFF;
    let (alive,): (bool,) = on!(conn => sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
             AND classid = CAST($1 AS BIGINT)::oid AND objid = CAST($2 AS BIGINT)::oid
             AND objsubid = 1)",
    )
    .bind(high)
    .bind(low)
    .fetch_one(&mut *conn)
    .await)?;
    Ok(alive)
}

/// The advisory lock key of a process id: the first 8 bytes of its SHA-256.
fn lock_key(process: &str) -> i64 {
    let digest = Sha256::digest(format!("portico-process:{process}"));
    i64::from_be_bytes(digest[..8].try_into().expect("8 bytes"))
}
