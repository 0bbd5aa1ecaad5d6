//! The two databases the store runs on, SQLite and PostgreSQL, behind one set of
//! queries. Every query is written once, with `$1`-style parameters (which both
//! drivers take), and runs through [`on!`], which expands it once per backend so
//! that each runs on its own native driver: no `sqlx::Any` value conversion, and
//! each backend keeps its own types (PostgreSQL's `BOOLEAN`, SQLite's integers).
//! Where the two dialects differ, [`Dialect`] names the difference once.

use super::StoreResult;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};

/// A pool of connections to one database.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One connection, borrowed from a pool or from a transaction.
pub(crate) enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// A connection taken from the pool for a few reads outside a transaction.
pub(crate) enum Pooled {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// A transaction; dropped without [`Tx::commit`], it rolls back.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs one sqlx expression on whichever backend `conn` (a `&mut Conn`) is. Inside
/// the expression, `conn` is that backend's own connection (`&mut *conn` passes it
/// to `execute`/`fetch_*`), so the query is type-checked against both drivers.
///
/// `on!(pool self.pool, conn => …)` runs it on a connection taken from the pool
/// for this one statement, and `on!(tx, conn => …)` in the transaction `tx`.
macro_rules! on {
    (pool $pool:expr, $conn:ident => $body:expr) => {{
        let mut pooled = $pool.acquire().await?;
        let $conn = &mut pooled.conn();
        $crate::store::backend::on!($conn => $body)
    }};
    ($tx:ident, $conn:ident => $body:expr) => {{
        let $conn = &mut $tx.conn();
        $crate::store::backend::on!($conn => $body)
    }};
    ($conn:ident => $body:expr) => {
        match $conn {
            $crate::store::backend::Conn::Sqlite($conn) => {
                let $conn: &mut ::sqlx::SqliteConnection = &mut **$conn;
                $body
            }
            $crate::store::backend::Conn::Postgres($conn) => {
                let $conn: &mut ::sqlx::PgConnection = &mut **$conn;
                $body
            }
        }
    };
}
pub(crate) use on;

/// Where the two SQL dialects differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// A table of the strings in the JSON array bound as parameter `n`, one per row,
    /// in a column named `value`.
    pub(crate) fn json_strings(self, n: u8) -> String {
        match self {
            Self::Sqlite => format!("json_each(${n})"),
            Self::Postgres => format!("jsonb_array_elements_text(${n}::jsonb)"),
        }
    }

    /// A table of the objects in the JSON array bound as parameter `n`, one per row,
    /// in a column named `value` that `value ->> 'field'` reads.
    pub(crate) fn json_objects(self, n: u8) -> String {
        match self {
            Self::Sqlite => format!("json_each(${n})"),
            Self::Postgres => format!("jsonb_array_elements(${n}::jsonb)"),
        }
    }

    /// The larger of two values.
    pub(crate) fn greatest(self, a: &str, b: &str) -> String {
        match self {
            Self::Sqlite => format!("max({a}, {b})"),
            Self::Postgres => format!("GREATEST({a}, {b})"),
        }
    }
}

impl Pool {
    pub(crate) async fn acquire(&self) -> StoreResult<Pooled> {
        Ok(match self {
            Self::Sqlite(pool) => Pooled::Sqlite(pool.acquire().await?),
            Self::Postgres(pool) => Pooled::Postgres(pool.acquire().await?),
        })
    }

    /// A transaction that writes, once it holds `lock`: each decision reads what
    /// the writer before it, on any server, committed about the same customer.
    /// SQLite takes its one write lock up front, which covers everything (a
    /// deferred transaction that reads first and writes later fails with
    /// `SQLITE_BUSY` when another writer commits in between; this one waits its
    /// turn, up to the busy timeout). PostgreSQL locks only what `lock` names, so
    /// writers of different customers go on side by side.
    pub(crate) async fn begin_write(&self, lock: Lock<'_>) -> StoreResult<Tx> {
        let mut tx = match self {
            Self::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Self::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        };
        tx.lock(lock).await?;
        Ok(tx)
    }

    /// A transaction that only reads, on one consistent snapshot of the database.
    pub(crate) async fn begin_read(&self) -> StoreResult<Tx> {
        Ok(match self {
            Self::Sqlite(pool) => Tx::Sqlite(pool.begin().await?),
            Self::Postgres(pool) => Tx::Postgres(
                pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        })
    }
}

impl Pooled {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Self::Sqlite(conn) => Conn::Sqlite(conn),
            Self::Postgres(conn) => Conn::Postgres(conn),
        }
    }
}

/// What a write transaction locks on PostgreSQL, until it commits or rolls back
/// (and when a Portico process dies mid-transaction, the server lets go). On
/// SQLite the one write lock already covers it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Lock<'a> {
    /// The customer's row, and so all that is theirs: subscriptions, invoices,
    /// balance, cards and wallets. Every write of a customer's billing takes it.
    Customer(&'a str),
    /// The row of the customer whose subscription this is.
    CustomerOfSubscription(&'a str),
    /// The row of the customer whose wallet this is.
    CustomerOfWallet(&'a str),
    /// A name that has no row (yet): a customer's identity before the customer
    /// exists, an idempotency key before its claim. An advisory lock on its hash
    /// (a collision only makes two writers wait for each other).
    Name(&'a str),
}

impl Tx {
    /// Takes `lock` (see [`Lock`]); the customer's row is locked `FOR NO KEY
    /// UPDATE`, which lets other transactions insert rows that refer to it.
    pub(crate) async fn lock(&mut self, lock: Lock<'_>) -> StoreResult<()> {
        let Self::Postgres(tx) = self else {
            return Ok(());
        };
        let (sql, key) = match lock {
            Lock::Customer(id) => (
                "SELECT 1 FROM customers WHERE id = $1 FOR NO KEY UPDATE",
                id,
            ),
            Lock::CustomerOfSubscription(id) => (
                "SELECT 1 FROM customers
                 WHERE id = (SELECT customer_id FROM subscriptions WHERE id = $1)
                 FOR NO KEY UPDATE",
                id,
            ),
            Lock::CustomerOfWallet(id) => (
                "SELECT 1 FROM customers
                 WHERE id = (SELECT customer_id FROM wallets WHERE id = $1)
                 FOR NO KEY UPDATE",
                id,
            ),
            Lock::Name(name) => (
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                name,
            ),
        };
        sqlx::query(sql).bind(key).execute(&mut **tx).await?;
        Ok(())
    }

    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Self::Sqlite(tx) => Conn::Sqlite(tx),
            Self::Postgres(tx) => Conn::Postgres(tx),
        }
    }

    pub(crate) async fn commit(self) -> StoreResult<()> {
        match self {
            Self::Sqlite(tx) => tx.commit().await?,
            Self::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    pub(crate) async fn rollback(self) -> StoreResult<()> {
        match self {
            Self::Sqlite(tx) => tx.rollback().await?,
            Self::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }
}

impl Conn<'_> {
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Self::Sqlite(_) => Dialect::Sqlite,
            Self::Postgres(_) => Dialect::Postgres,
        }
    }
}
