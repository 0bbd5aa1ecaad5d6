//! `portico migrate`: a SQLite database copied whole into a new PostgreSQL one, for
//! a deployment that outgrows one machine. The copy reads one snapshot of the
//! source and writes the target in one transaction, so it either completes or
//! leaves the target empty. Column types come from the target's schema: SQLite's
//! integer flags become `BOOLEAN`, and `seq` keeps the order rows were inserted in.

use super::backend::Pool;
use super::{Store, StoreError, StoreResult};
use sqlx::{Postgres, QueryBuilder, Row};

/// Every table, parents before the rows that refer to them.
const TABLES: &[&str] = &[
    "secret_keys",
    "customers",
    "subscriptions",
    "subscription_items",
    "subscription_meters",
    "portal_sessions",
    "idempotency_keys",
    "customer_balances",
    "payment_methods",
    "invoices",
    "invoice_lines",
    "invoice_numbers",
    "test_clocks",
    "portal_configurations",
    "billing_portal_sessions",
    "catalog_imports",
    "usage_events",
    "usage_hourly",
    "usage_unique",
    "wallets",
    "wallet_transactions",
    "provider_events",
];

/// Rows per `INSERT`: well under PostgreSQL's 65,535 parameters for the widest
/// table.
const ROWS_PER_INSERT: usize = 500;

enum Value {
    Flag(Option<bool>),
    Integer(Option<i64>),
    Text(Option<String>),
}

impl Store {
    /// Copies every row of this SQLite database into `target`, a PostgreSQL
    /// database that holds no customer yet; returns how many rows each table had.
    pub async fn copy_into(&self, target: &Store) -> StoreResult<Vec<(&'static str, usize)>> {
        let (Pool::Sqlite(source), Pool::Postgres(target_pool)) = (&self.pool, &target.pool) else {
            return Err(StoreError::Corrupt(
                "migrate copies a SQLite database into a PostgreSQL one".into(),
            ));
        };
        let mut read = source.begin().await?;
        let mut write = target_pool.begin().await?;
        let (customers,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM customers")
            .fetch_one(&mut *write)
            .await?;
        if customers > 0 {
            return Err(StoreError::Corrupt(format!(
                "the target already holds {customers} customers: migrate into a new database"
            )));
        }
        let mut copied = Vec::with_capacity(TABLES.len());
        for &table in TABLES {
            let columns: Vec<(String, String)> = sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1
                 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(&mut *write)
            .await?;
            let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
            let list = names.join(", ");
            let rows = sqlx::query(&format!("SELECT {list} FROM {table}"))
                .fetch_all(&mut *read)
                .await?;
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let mut values = Vec::with_capacity(chunk.len());
                for row in chunk {
                    let mut row_values = Vec::with_capacity(columns.len());
                    for (i, (name, kind)) in columns.iter().enumerate() {
                        let corrupt =
                            |e: sqlx::Error| StoreError::Corrupt(format!("{table}.{name}: {e}"));
                        row_values.push(match kind.as_str() {
                            "boolean" => Value::Flag(row.try_get(i).map_err(corrupt)?),
                            "bigint" | "integer" => {
                                Value::Integer(row.try_get(i).map_err(corrupt)?)
                            }
                            _ => Value::Text(row.try_get(i).map_err(corrupt)?),
                        });
                    }
                    values.push(row_values);
                }
                let mut insert: QueryBuilder<Postgres> = QueryBuilder::new(format!(
                    "INSERT INTO {table} ({list}) OVERRIDING SYSTEM VALUE "
                ));
                insert.push_values(values, |mut row, values| {
                    for value in values {
                        match value {
                            Value::Flag(v) => row.push_bind(v),
                            Value::Integer(v) => row.push_bind(v),
                            Value::Text(v) => row.push_bind(v),
                        };
                    }
                });
                insert.build().execute(&mut *write).await?;
            }
            if names.contains(&"seq") {
                // The identity goes on after the copied rows.
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'seq'),
                                   COALESCE(MAX(seq), 0) + 1, false) FROM {table}"
                ))
                .execute(&mut *write)
                .await?;
            }
            copied.push((table, rows.len()));
        }
        write.commit().await?;
        read.rollback().await?;
        Ok(copied)
    }
}
