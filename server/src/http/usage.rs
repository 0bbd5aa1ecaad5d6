//! `GET /v1/embed/usage?range=1d|7d|30d`: the session customer's usage of the
//! service's meters, one series per meter.

use super::rate_limit::Expensive;
use super::{ApiContext, AppError, AppResult, PortalSession};
use crate::metering::{self, UniqueCounts};
use axum::Extension;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use portico_wire::ErrorCode;
use portico_wire::usage::{Aggregation, Usage, UsageRange};
use serde::Deserialize;

pub fn router() -> Router<ApiContext> {
    Router::new().route("/usage", get(usage).route_layer(Extension(Expensive)))
}

#[derive(Debug, Deserialize)]
struct RangeQuery {
    range: Option<String>,
}

#[utoipa::path(get, path = "/v1/embed/usage", tag = "widget", security(("session_token" = [])),
    params(("range" = Option<String>, Query, description = "`1d` (hourly), `7d` or `30d` (daily); default `30d`")),
    responses((status = 200, description = "One series per meter of the service", body = Usage),
        (status = 400, description = "An unknown range", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing or expired session", body = portico_wire::ErrorBody)))]
async fn usage(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    Query(query): Query<RangeQuery>,
) -> AppResult<Json<Usage>> {
    let range = match query.range.as_deref() {
        None | Some("30d") => UsageRange::Month,
        Some("7d") => UsageRange::Week,
        Some("1d") => UsageRange::Day,
        Some(other) => {
            return Err(AppError::bad_request(
                ErrorCode::InvalidRequest,
                format!("`range` must be `1d`, `7d` or `30d`, not `{other}`."),
            )
            .param("range"));
        }
    };
    let now = ctx.now();
    let window = metering::window(range, now);
    let (from, to, bucket) = window;
    // Usage is Portico's own (`POST /v1/events`), kept under the provider's
    // customer id.
    let customer = ctx.provider.customer_id(session.party()).await?;
    let hours = match &customer {
        Some(customer) => ctx.store.usage_hours(customer, from, to).await?,
        None => Vec::new(),
    };
    // The prices the customer's live subscription meters usage at, for the costs.
    let prices = ctx.provider.metered_prices(session.party()).await?;
    let mut meters = Vec::with_capacity(session.service.meters.len());
    for meter in &session.service.meters {
        let unique = match (&customer, meter.aggregation) {
            (Some(customer), Aggregation::UniqueCount) => {
                let (per_bucket, total) = ctx
                    .store
                    .unique_counts(customer, &meter.key, from, to, bucket)
                    .await?;
                Some(UniqueCounts { per_bucket, total })
            }
            _ => None,
        };
        let mut usage = metering::summarize(meter, &hours, window, unique.as_ref());
        if let Some((metered, currency)) = &prices {
            metering::price(&mut usage, metered, currency);
        }
        meters.push(usage);
    }
    Ok(Json(Usage {
        range,
        from,
        to,
        bucket_seconds: bucket,
        meters,
    }))
}
