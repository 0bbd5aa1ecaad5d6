//! A subscription's metered meters, with a snapshot of each price like its items.

use crate::billing::state::MeteredItem;
use crate::store::backend::{Conn, on};
use crate::store::stored::StoredPrice;
use crate::store::{Store, StoreError, StoreResult};
use portico_wire::Currency;
use portico_wire::price::Price;
use portico_wire::usage::Aggregation;

pub(super) async fn load(
    conn: &mut Conn<'_>,
    subscription_id: &str,
) -> StoreResult<Vec<MeteredItem>> {
    let rows: Vec<(String, String, String, String, String)> = on!(conn => sqlx::query_as(
        "SELECT meter, name, unit, aggregation, price FROM subscription_meters
         WHERE subscription_id = $1 ORDER BY position",
    )
    .bind(subscription_id)
    .fetch_all(&mut *conn)
    .await)?;
    rows.into_iter()
        .map(|(meter, name, unit, aggregation, price)| {
            let corrupt = |what: String| {
                StoreError::Corrupt(format!(
                    "subscription {subscription_id}, meter {meter}: {what}"
                ))
            };
            Ok(MeteredItem {
                aggregation: parse_aggregation(&aggregation)
                    .ok_or_else(|| corrupt(format!("aggregation `{aggregation}`")))?,
                price: serde_json::from_str::<StoredPrice>(&price)
                    .map_err(|e| e.to_string())
                    .and_then(Price::try_from)
                    .map_err(|e| corrupt(format!("price `{price}`: {e}")))?,
                meter: meter.clone(),
                name,
                unit,
            })
        })
        .collect()
}

impl Store {
    /// The metered prices and currency of the customer's live subscription in
    /// `service`, if it has one: what the usage view prices usage at, read without
    /// loading the whole subscription on every refresh.
    pub async fn live_metered_prices(
        &self,
        customer_id: &str,
        service: &str,
    ) -> StoreResult<Option<(Vec<MeteredItem>, Currency)>> {
        let live: Option<(String, String)> = on!(pool self.pool, conn => sqlx::query_as(
            "SELECT id, currency FROM subscriptions
             WHERE customer_id = $1 AND service = $2 AND status NOT IN ('canceled', 'incomplete_expired')
             ORDER BY created DESC, seq DESC LIMIT 1",
        )
        .bind(customer_id)
        .bind(service)
        .fetch_optional(&mut *conn)
        .await)?;
        let Some((id, currency)) = live else {
            return Ok(None);
        };
        let currency = Currency::parse(&currency)
            .map_err(|e| StoreError::Corrupt(format!("subscription {id}: {e}")))?;
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        Ok(Some((load(conn, &id).await?, currency)))
    }
}

pub(super) async fn save(
    conn: &mut Conn<'_>,
    subscription_id: &str,
    metered: &[MeteredItem],
) -> StoreResult<()> {
    on!(conn => sqlx::query("DELETE FROM subscription_meters WHERE subscription_id = $1")
        .bind(subscription_id)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
    for (position, item) in metered.iter().enumerate() {
        let price = serde_json::to_string(&StoredPrice::from(&item.price))
            .map_err(|e| StoreError::Corrupt(format!("price of meter {}: {e}", item.meter)))?;
        on!(conn => sqlx::query(
            "INSERT INTO subscription_meters (subscription_id, position, meter, name, unit, aggregation, price)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(subscription_id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(&item.meter)
        .bind(&item.name)
        .bind(&item.unit)
        .bind(aggregation_str(item.aggregation))
        .bind(price)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
    }
    Ok(())
}

fn aggregation_str(aggregation: Aggregation) -> &'static str {
    match aggregation {
        Aggregation::Sum => "sum",
        Aggregation::Count => "count",
        Aggregation::Max => "max",
        Aggregation::UniqueCount => "unique_count",
    }
}

fn parse_aggregation(value: &str) -> Option<Aggregation> {
    [
        Aggregation::Sum,
        Aggregation::Count,
        Aggregation::Max,
        Aggregation::UniqueCount,
    ]
    .into_iter()
    .find(|a| aggregation_str(*a) == value)
}
