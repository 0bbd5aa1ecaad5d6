//! Usage events and their hourly rollups.

use super::backend::{Conn, Lock, on};
use super::{Store, StoreResult};
use crate::billing::proration::Period;
use crate::billing::state::MeteredItem;
use portico_wire::usage::Aggregation;
use std::collections::BTreeMap;

/// An event ready to store: validated, its customer resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    pub event_id: String,
    pub customer_id: String,
    pub meter: String,
    pub quantity: i64,
    pub timestamp: i64,
    pub unique_value: Option<String>,
}

/// One meter's rollup for one hour.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HourRow {
    pub meter: String,
    pub hour: i64,
    pub total: i64,
    pub events: i64,
    pub maximum: i64,
}

impl Store {
    /// Which of `event_ids` were ingested already in this mode.
    pub async fn known_events(
        &self,
        livemode: bool,
        event_ids: &[&str],
    ) -> StoreResult<std::collections::HashSet<String>> {
        let known: Vec<(String,)> = {
            let mut pooled = self.pool.acquire().await?;
            let conn = &mut pooled.conn();
            let sql = format!(
                "SELECT event_id FROM usage_events
             WHERE livemode = $1 AND event_id IN (SELECT value FROM {})",
                conn.dialect().json_strings(2)
            );
            on!(conn => sqlx::query_as(&sql)
        .bind(livemode)
        .bind(serde_json::to_string(event_ids).unwrap_or_default())
        .fetch_all(&mut *conn)
        .await)
        }?;
        Ok(known.into_iter().map(|(id,)| id).collect())
    }

    /// Stores the events in one transaction; returns, per event, whether it was new
    /// (`false`: its `event_id` was ingested before, or earlier in this batch, and it
    /// is not counted again). The batch travels as one JSON parameter, so a thousand
    /// events cost three statements, not two thousand.
    pub async fn ingest_events(
        &self,
        livemode: bool,
        events: &[EventRow],
        now: i64,
    ) -> StoreResult<Vec<bool>> {
        let json = |rows: &[&EventRow]| {
            serde_json::Value::Array(
                rows.iter()
                    .map(|e| {
                        serde_json::json!({
                            "id": e.event_id, "c": e.customer_id, "m": e.meter, "q": e.quantity,
                            "t": e.timestamp, "h": e.timestamp - e.timestamp.rem_euclid(3600),
                            "u": e.unique_value,
                        })
                    })
                    .collect(),
            )
            .to_string()
        };
        // Batches are ingested one at a time (on PostgreSQL too): two batches
        // upserting the same hourly rows in different orders could deadlock.
        let mut tx = self.begin_write(Lock::Name("usage-ingestion")).await?;
        let inserted: Vec<(String,)> = {
            let conn = &mut tx.conn();
            let sql = format!(
            "INSERT INTO usage_events (livemode, event_id, customer_id, meter, quantity, timestamp, unique_value, ingested)
             SELECT $1, value ->> 'id', value ->> 'c', value ->> 'm', CAST(value ->> 'q' AS BIGINT),
                 CAST(value ->> 't' AS BIGINT), value ->> 'u', $2
             FROM {} WHERE true
             ON CONFLICT (livemode, event_id) DO NOTHING RETURNING event_id",
            conn.dialect().json_objects(3)
        );
            on!(conn => sqlx::query_as(&sql)
        .bind(livemode)
        .bind(now)
        .bind(json(&events.iter().collect::<Vec<_>>()))
        .fetch_all(&mut *conn)
        .await)
        }?;
        let mut new: std::collections::HashSet<String> =
            inserted.into_iter().map(|(id,)| id).collect();
        // The first of several events with one id is the one that was stored.
        let fresh: Vec<bool> = events.iter().map(|e| new.remove(&e.event_id)).collect();
        let counted: Vec<&EventRow> = events
            .iter()
            .zip(&fresh)
            .filter_map(|(e, new)| new.then_some(e))
            .collect();
        if !counted.is_empty() {
            let counted = json(&counted);
            {
                let conn = &mut tx.conn();
                let dialect = conn.dialect();
                let sql = format!(
                    "INSERT INTO usage_hourly (customer_id, meter, hour, total, events, maximum)
                 SELECT value ->> 'c', value ->> 'm', CAST(value ->> 'h' AS BIGINT),
                     CAST(SUM(CAST(value ->> 'q' AS BIGINT)) AS BIGINT), COUNT(*),
                     MAX(CAST(value ->> 'q' AS BIGINT))
                 FROM {} GROUP BY 1, 2, 3
                 ON CONFLICT (customer_id, meter, hour) DO UPDATE SET
                   total = usage_hourly.total + excluded.total,
                   events = usage_hourly.events + excluded.events,
                   maximum = {}",
                    dialect.json_objects(1),
                    dialect.greatest("usage_hourly.maximum", "excluded.maximum")
                );
                on!(conn => sqlx::query(&sql)
            .bind(&counted)
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected()))
            }?;
            {
                let conn = &mut tx.conn();
                let sql = format!(
                    "INSERT INTO usage_unique (customer_id, meter, hour, value)
                 SELECT value ->> 'c', value ->> 'm', CAST(value ->> 'h' AS BIGINT), value ->> 'u'
                 FROM {} WHERE value ->> 'u' IS NOT NULL
                 ON CONFLICT DO NOTHING",
                    conn.dialect().json_objects(1)
                );
                on!(conn => sqlx::query(&sql)
            .bind(&counted)
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected()))
            }?;
        }
        tx.commit().await?;
        Ok(fresh)
    }

    /// Resolves customer references as events name them (an email, the
    /// integrator's id, or a `cus_…`) to customer ids of the mode, in one query.
    pub async fn resolve_customers(
        &self,
        livemode: bool,
        references: &[String],
    ) -> StoreResult<std::collections::HashMap<String, String>> {
        let emails: Vec<String> = references
            .iter()
            .filter(|r| r.contains('@'))
            .map(|r| r.trim().to_ascii_lowercase())
            .collect();
        let ids: Vec<&String> = references.iter().filter(|r| !r.contains('@')).collect();
        let rows: Vec<(String, Option<String>, Option<String>)> = {
            let mut pooled = self.pool.acquire().await?;
            let conn = &mut pooled.conn();
            let dialect = conn.dialect();
            let sql = format!(
                "SELECT id, email, external_id FROM customers WHERE livemode = $1 AND (
                email IN (SELECT value FROM {})
                OR external_id IN (SELECT value FROM {})
                OR id IN (SELECT value FROM {}))",
                dialect.json_strings(2),
                dialect.json_strings(3),
                dialect.json_strings(4)
            );
            on!(conn => sqlx::query_as(&sql)
        .bind(livemode)
        .bind(serde_json::to_string(&emails).unwrap_or_default())
        .bind(serde_json::to_string(&ids).unwrap_or_default())
        .bind(serde_json::to_string(&ids).unwrap_or_default())
        .fetch_all(&mut *conn)
        .await)
        }?;
        let mut resolved = std::collections::HashMap::new();
        for reference in references {
            let normalized = reference.trim().to_ascii_lowercase();
            // The integrator's own id wins over a `cus_…` that happens to equal it.
            let found = if reference.contains('@') {
                rows.iter()
                    .find(|(_, email, _)| email.as_deref() == Some(&normalized))
            } else {
                rows.iter()
                    .find(|(_, _, external)| external.as_deref() == Some(reference))
                    .or_else(|| rows.iter().find(|(id, ..)| id == reference))
            };
            if let Some((id, ..)) = found {
                resolved.insert(reference.clone(), id.clone());
            }
        }
        Ok(resolved)
    }

    /// The customer's hourly rollups for `meters` in `[from, to)`.
    pub async fn usage_hours(
        &self,
        customer_id: &str,
        from: i64,
        to: i64,
    ) -> StoreResult<Vec<HourRow>> {
        Ok(on!(pool self.pool, conn => sqlx::query_as(
            "SELECT meter, hour, total, events, maximum FROM usage_hourly
             WHERE customer_id = $1 AND hour >= $2 AND hour < $3 ORDER BY meter, hour",
        )
        .bind(customer_id)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await)?)
    }

    /// Distinct values of a unique-count meter per bucket of `bucket` seconds
    /// (aligned on `from`), and over the whole range.
    pub async fn unique_counts(
        &self,
        customer_id: &str,
        meter: &str,
        from: i64,
        to: i64,
        bucket: i64,
    ) -> StoreResult<(Vec<(i64, i64)>, i64)> {
        let per_bucket: Vec<(i64, i64)> = on!(pool self.pool, conn => sqlx::query_as(
            "SELECT (hour - $1) / $2 AS bucket, COUNT(DISTINCT value) FROM usage_unique
             WHERE customer_id = $3 AND meter = $4 AND hour >= $5 AND hour < $6 GROUP BY bucket",
        )
        .bind(from)
        .bind(bucket)
        .bind(customer_id)
        .bind(meter)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await)?;
        let (total,): (i64,) = on!(pool self.pool, conn => sqlx::query_as(
            "SELECT COUNT(DISTINCT value) FROM usage_unique
             WHERE customer_id = $1 AND meter = $2 AND hour >= $3 AND hour < $4",
        )
        .bind(customer_id)
        .bind(meter)
        .bind(from)
        .bind(to)
        .fetch_one(&mut *conn)
        .await)?;
        Ok((per_bucket, total))
    }
}

/// Each metered meter's usage in `period`, aggregated as the meter says. Usage is
/// read by the hour: a period bills the hours that begin in it, counted from the
/// hour its start falls in, so consecutive periods bill every hour exactly once.
pub(super) async fn period_usage(
    conn: &mut Conn<'_>,
    customer_id: &str,
    metered: &[MeteredItem],
    period: Period,
) -> StoreResult<BTreeMap<String, i64>> {
    let hour = |t: jiff::Timestamp| t.as_second() - t.as_second().rem_euclid(3_600);
    let (from, to) = (hour(period.start), hour(period.end));
    let mut usage = BTreeMap::new();
    for item in metered {
        let (value,): (Option<i64>,) = match item.aggregation {
            Aggregation::UniqueCount => on!(conn => sqlx::query_as(
                    "SELECT COUNT(DISTINCT value) FROM usage_unique
                     WHERE customer_id = $1 AND meter = $2 AND hour >= $3 AND hour < $4",
                )
                .bind(customer_id)
                .bind(&item.meter)
                .bind(from)
                .bind(to)
                .fetch_one(&mut *conn)
                .await)?,
            aggregation => {
                let column = match aggregation {
                    Aggregation::Count => "CAST(SUM(events) AS BIGINT)",
                    Aggregation::Max => "CAST(MAX(maximum) AS BIGINT)",
                    _ => "CAST(SUM(total) AS BIGINT)",
                };
                on!(conn => sqlx::query_as(&format!(
                    "SELECT {column} FROM usage_hourly
                     WHERE customer_id = $1 AND meter = $2 AND hour >= $3 AND hour < $4"
                ))
                .bind(customer_id)
                .bind(&item.meter)
                .bind(from)
                .bind(to)
                .fetch_one(&mut *conn)
                .await)?
            }
        };
        usage.insert(item.meter.clone(), value.unwrap_or(0));
    }
    Ok(usage)
}
