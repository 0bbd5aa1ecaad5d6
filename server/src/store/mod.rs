//! Persistence: SQLite or PostgreSQL through sqlx ([`backend`]), each with its own
//! migrations embedded in the binary. The store
//! applies what the billing core decided; it decides nothing itself.

mod accounts;
pub(crate) mod backend;
mod billing;
mod changes;
mod clocks;
mod copy;
mod customers;
mod idempotency;
mod invoices;
mod keys;
pub use keys::StoredKey;
mod portal;
mod processes;
mod provider_events;
mod sessions;
mod stored;
mod subscriptions;
#[doc(hidden)]
pub mod testing;
mod usage;
mod wallets;

pub use accounts::CardRow;
pub use billing::{Applied, DueFailure, DueRun, SignupContext, SignupOutcome};
pub use customers::{CustomerDetails, CustomerRow};
pub use idempotency::{Claim, ClaimToken, Expiry, marking_applied};
pub use invoices::InvoiceRow;
pub use portal::{LinkRefused, ListQuery, PortalSessionRow};
pub use provider_events::ProviderEventRow;
pub use sessions::{Revocation, SessionRow};
pub use subscriptions::SubscriptionRow;
pub use usage::{EventRow, HourRow};
pub use wallets::{CreateWalletError, NewGrant, TransactionRow, WalletRow};

use backend::{Lock, Pool, Tx, on};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// A keyed action's claim on its `Idempotency-Key` was taken over (it outlived
    /// its lease): its transaction is rolled back rather than act a second time.
    #[error("the request lost its claim on its Idempotency-Key; nothing was committed")]
    ClaimLost,
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    /// This process among those that opened the database: a random id, which
    /// idempotency claims carry.
    process: std::sync::Arc<str>,
    /// On PostgreSQL, the connection that shows this process alive to the others
    /// ([`processes`]) for as long as the store is open.
    _alive: Option<std::sync::Arc<tokio::sync::Mutex<sqlx::PgConnection>>>,
}

impl Store {
    /// Opens the database at `url` and brings its schema up to date: a
    /// `postgres://` URL, or SQLite as `sqlite://path.db` or a plain file path
    /// (created if missing).
    pub async fn open(url: &str) -> StoreResult<Self> {
        let process: std::sync::Arc<str> = crate::auth::random_alphanumeric(16).into();
        let mut alive = None;
        let pool = if is_postgres_url(url) {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            let held = processes::hold(url, &process).await?;
            alive = Some(std::sync::Arc::new(tokio::sync::Mutex::new(held)));
            Pool::Postgres(pool)
        } else {
            let url = if url.starts_with("sqlite:") {
                url.to_owned()
            } else {
                format!("sqlite://{url}")
            };
            let options = SqliteConnectOptions::from_str(&url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(options)
                .await?;
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
            Pool::Sqlite(pool)
        };
        Ok(Self {
            pool,
            process,
            _alive: alive,
        })
    }

    /// A transaction that writes, holding `lock` ([`Pool::begin_write`]). Inside a
    /// keyed action ([`marking_applied`]), it also marks the key applied: the mark
    /// commits with the action's effect, or neither does.
    async fn begin_write(&self, lock: Lock<'_>) -> StoreResult<Tx> {
        let mut tx = self.pool.begin_write(lock).await?;
        idempotency::mark_applied(&mut tx.conn()).await?;
        Ok(tx)
    }

    /// Answers whether the database is reachable, for readiness checks.
    pub async fn ping(&self) -> StoreResult<()> {
        on!(pool self.pool, conn => sqlx::query("SELECT 1").execute(&mut *conn).await.map(|_| ()))?;
        Ok(())
    }
}

/// Whether `database`, as `--database` takes it, names a PostgreSQL database
/// (else it is SQLite's).
pub fn is_postgres_url(database: &str) -> bool {
    database.starts_with("postgres://") || database.starts_with("postgresql://")
}

/// A stored Unix time as a timestamp.
fn ts(seconds: i64) -> StoreResult<jiff::Timestamp> {
    jiff::Timestamp::from_second(seconds)
        .map_err(|e| StoreError::Corrupt(format!("time {seconds}: {e}")))
}

/// A stored quantity, if it is one.
fn quantity(value: i64) -> Option<portico_wire::Quantity> {
    u64::try_from(value)
        .ok()
        .and_then(|q| portico_wire::Quantity::new(q).ok())
}

/// A random id suffix: 24 alphanumerics, ~143 bits.
fn new_suffix() -> String {
    crate::auth::random_alphanumeric(24)
}
