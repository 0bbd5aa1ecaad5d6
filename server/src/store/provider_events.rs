//! Provider events (Stripe webhooks as Portico events), one per provider event id.

use super::backend::on;
use super::{Store, StoreResult};
use crate::provider::PorticoEvent;
use sqlx::Row;

/// A recorded event, as the admin API lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProviderEventRow {
    pub id: String,
    pub provider: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub source_type: String,
    pub object_id: String,
    pub customer: Option<String>,
    pub livemode: bool,
    pub created: i64,
    pub received: i64,
}

impl Store {
    /// Records `event` unless its id was recorded before; `true` if it is new.
    pub async fn record_provider_event(
        &self,
        event: &PorticoEvent,
        received: i64,
    ) -> StoreResult<bool> {
        let done = on!(pool self.pool, conn => sqlx::query(
            "INSERT INTO provider_events (id, provider, type, source_type, object_id, customer, livemode, created, received)
             VALUES ($1, 'stripe', $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&event.id)
        .bind(event.kind)
        .bind(&event.source_type)
        .bind(&event.object_id)
        .bind(&event.customer)
        .bind(event.livemode)
        .bind(event.created)
        .bind(received)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// The mode's events, newest first.
    pub async fn provider_events(
        &self,
        livemode: bool,
        limit: u32,
    ) -> StoreResult<Vec<ProviderEventRow>> {
        Ok(on!(pool self.pool, conn => sqlx::query(
            "SELECT id, provider, type, source_type, object_id, customer, livemode, created, received
             FROM provider_events WHERE livemode = $1 ORDER BY received DESC, created DESC, id LIMIT $2",
        )
        .bind(livemode)
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await
        .map(|rows| rows
            .iter()
            .map(|r| ProviderEventRow {
                id: r.get("id"),
                provider: r.get("provider"),
                kind: r.get("type"),
                source_type: r.get("source_type"),
                object_id: r.get("object_id"),
                customer: r.get("customer"),
                livemode: r.get("livemode"),
                created: r.get("created"),
                received: r.get("received"),
            })
            .collect()))?)
    }
}
