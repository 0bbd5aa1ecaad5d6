//! Test clocks: test-mode time is real time plus an offset for everyone plus one
//! for the customer. Live mode never has an offset.

use super::StoreResult;
use super::backend::{Conn, on};

const EVERYONE: &str = "*";

/// Seconds to add to real time for `customer_id` (or for everyone with `None`).
pub(super) async fn offset(
    conn: &mut Conn<'_>,
    livemode: bool,
    customer_id: Option<&str>,
) -> StoreResult<i64> {
    if livemode {
        return Ok(0);
    }
    let (offset,): (i64,) = on!(conn => sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(offset_seconds), 0) AS BIGINT) FROM test_clocks WHERE scope = $1 OR scope = $2",
    )
    .bind(EVERYONE)
    .bind(customer_id.unwrap_or(EVERYONE))
    .fetch_one(&mut *conn)
    .await)?;
    // `scope = ? OR scope = ?` with both `*` counts the global row once.
    Ok(offset)
}

/// Moves the clock of `customer_id` (or everyone's) forward by `seconds`.
pub(super) async fn advance(
    conn: &mut Conn<'_>,
    customer_id: Option<&str>,
    seconds: i64,
) -> StoreResult<()> {
    on!(conn => sqlx::query(
        "INSERT INTO test_clocks (scope, offset_seconds) VALUES ($1, $2)
         ON CONFLICT (scope) DO UPDATE SET offset_seconds = test_clocks.offset_seconds + excluded.offset_seconds",
    )
    .bind(customer_id.unwrap_or(EVERYONE))
    .bind(seconds)
    .execute(&mut *conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(())
}

/// Ids of subscriptions with something due by their customer's clock.
pub(super) async fn due_subscriptions(
    conn: &mut Conn<'_>,
    real_now: i64,
) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = on!(conn => sqlx::query_as(
        "SELECT s.id FROM subscriptions s
         LEFT JOIN test_clocks g ON g.scope = '*' AND NOT s.livemode
         LEFT JOIN test_clocks c ON c.scope = s.customer_id AND NOT s.livemode
         WHERE s.next_due_at IS NOT NULL
           AND s.next_due_at <= $1 + COALESCE(g.offset_seconds, 0) + COALESCE(c.offset_seconds, 0)
         ORDER BY s.next_due_at",
    )
    .bind(real_now)
    .fetch_all(&mut *conn)
    .await)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
