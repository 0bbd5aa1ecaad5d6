//! Usage metering: the events `POST /v1/events` ingests, and what the portal's
//! usage views read back (`GET /v1/embed/usage`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most events one request may carry.
pub const MAX_BATCH: usize = 1_000;

/// One usage event. `event_id` makes ingestion idempotent: the same id in the same
/// mode is counted once, however often it is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UsageEvent {
    pub event_id: String,
    /// Your id for the customer (the embed's `customer_id`), their `cus_…`, or the
    /// email they are identified by.
    pub customer: String,
    /// The meter's key in the catalog (`api_calls`).
    pub meter: String,
    /// In the meter's unit; whole numbers (use a finer unit for fractions). Default 1.
    #[serde(default)]
    pub quantity: Option<i64>,
    /// Unix seconds; default: when it arrives. At most 35 days old, 5 minutes ahead.
    #[serde(default)]
    pub timestamp: Option<i64>,
    /// What `unique_count` meters count distinct values of.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
}

/// `POST /v1/events` with a batch: `{"events": [...]}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    pub events: Vec<serde_json::Value>,
}

/// What happened to one event of a batch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventResult {
    /// Its position in the batch.
    pub index: usize,
    pub event_id: Option<String>,
    pub status: EventStatus,
    /// Why it was rejected.
    pub error: Option<crate::ApiError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    Accepted,
    /// An event with this `event_id` was ingested before; it is not counted again.
    Duplicate,
    Rejected,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchResult {
    pub accepted: usize,
    pub duplicates: usize,
    pub rejected: usize,
    pub results: Vec<EventResult>,
}

/// How a meter turns events into usage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    Sum,
    Count,
    Max,
    UniqueCount,
}

/// The portal's time ranges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UsageRange {
    #[serde(rename = "1d")]
    Day,
    #[serde(rename = "7d")]
    Week,
    #[default]
    #[serde(rename = "30d")]
    Month,
}

impl UsageRange {
    /// The range's length and its buckets' length, in seconds: hours for a day,
    /// days otherwise.
    pub fn seconds(self) -> (i64, i64) {
        match self {
            Self::Day => (86_400, 3_600),
            Self::Week => (7 * 86_400, 86_400),
            Self::Month => (30 * 86_400, 86_400),
        }
    }
}

/// `GET /v1/embed/usage?range=…`: one series per meter of the service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Usage {
    pub range: UsageRange,
    /// Unix seconds; the first bucket starts here.
    pub from: i64,
    pub to: i64,
    pub bucket_seconds: i64,
    pub meters: Vec<MeterUsage>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeterUsage {
    pub key: String,
    pub name: String,
    pub unit: String,
    /// For breakdowns by group ("GPU usage", "Add-ons").
    pub group: Option<String>,
    pub aggregation: Aggregation,
    /// The range's usage, aggregated as the meter says.
    pub total: i64,
    /// How many events the range holds.
    pub events: i64,
    /// One value per bucket, oldest first, every bucket present.
    pub series: Vec<i64>,
    /// What the range's usage costs at the metered price of the customer's
    /// subscription, in minor units of `currency`; `null` when no subscription of
    /// theirs meters it.
    #[serde(default)]
    pub cost: Option<i64>,
    #[serde(default)]
    pub currency: Option<crate::Currency>,
}
