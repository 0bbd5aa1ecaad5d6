//! `POST /v1/events`: usage ingestion with a secret key, one event or a batch of up
//! to 1,000 with a result per event. The same `event_id` counts once.

use super::api_key::SecretKeyAuth;
use super::params::typed;
use super::{ApiContext, AppError, AppResult, JsonBody};
use crate::store::EventRow;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use portico_wire::ErrorCode;
use portico_wire::usage::{BatchResult, EventResult, EventStatus, MAX_BATCH, UsageEvent};
use serde_json::Value;

/// A validated event: its customer reference and the row to store once that
/// reference is resolved; or why it is refused.
type Checked = AppResult<(String, EventRow)>;

/// How far back an event may be dated, and how far ahead.
const MAX_AGE: i64 = 35 * 86_400;
const MAX_AHEAD: i64 = 300;

pub fn router() -> Router<ApiContext> {
    Router::new().route("/events", post(ingest))
}

#[utoipa::path(post, path = "/v1/events", tag = "usage", security(("secret_key" = [])),
    request_body(content(
        (UsageEvent = "application/json"),
        (portico_wire::usage::EventBatch = "application/json"))),
    responses(
        (status = 200, description = "A batch's result per event, or a single duplicate", body = BatchResult),
        (status = 201, description = "The single event was accepted", body = BatchResult),
        (status = 400, description = "The event or the batch is invalid; `param` names the field", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing or invalid secret key", body = portico_wire::ErrorBody)))]
async fn ingest(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    JsonBody(body): JsonBody<Value>,
) -> AppResult<Response> {
    let (items, batch) = match body {
        Value::Object(mut map) if map.contains_key("events") => match map.remove("events") {
            Some(Value::Array(items)) if map.is_empty() => (items, true),
            Some(Value::Array(_)) => {
                let extra = map.keys().next().cloned().unwrap_or_default();
                return Err(AppError::bad_request(
                    ErrorCode::ParameterUnknown,
                    format!("Received unknown parameter: {extra}."),
                )
                .param(extra));
            }
            _ => {
                return Err(AppError::bad_request(
                    ErrorCode::InvalidRequest,
                    "`events` must be an array of events.",
                )
                .param("events"));
            }
        },
        single => (vec![single], false),
    };
    if items.is_empty() || items.len() > MAX_BATCH {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            format!(
                "A batch holds 1 to {MAX_BATCH} events; this one has {}.",
                items.len()
            ),
        )
        .param("events"));
    }
    let now = ctx.now();
    let parsed: Vec<(Option<String>, Checked)> = items
        .into_iter()
        .map(|item| {
            let event_id = item
                .get("event_id")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let checked = typed::<UsageEvent>(item).and_then(|event| check(&ctx, event, now));
            (event_id, checked)
        })
        .collect();
    // Every customer of the batch in one query.
    let mut references: Vec<String> = parsed
        .iter()
        .filter_map(|(_, checked)| checked.as_ref().ok().map(|(customer, _)| customer.clone()))
        .collect();
    references.sort();
    references.dedup();
    let customers = ctx
        .provider
        .usage_customers(auth.livemode(), &references)
        .await?;
    let mut results = Vec::with_capacity(parsed.len());
    let mut rows = Vec::new();
    for (index, (event_id, checked)) in parsed.into_iter().enumerate() {
        let checked = checked.and_then(|(customer, mut row)| match customers.get(&customer) {
            Some(id) => {
                row.customer_id.clone_from(id);
                Ok(row)
            }
            None => Err(AppError::not_found(
                ErrorCode::ResourceMissing,
                format!("No such customer in this mode: '{customer}'."),
            )
            .param("customer")),
        });
        match checked {
            Ok(row) => {
                rows.push((results.len(), row));
                results.push(EventResult {
                    index,
                    event_id,
                    status: EventStatus::Accepted,
                    error: None,
                });
            }
            Err(error) => {
                let Some((_, body)) = error.client_body() else {
                    return Err(error);
                };
                if !batch {
                    return Err(error);
                }
                results.push(EventResult {
                    index,
                    event_id,
                    status: EventStatus::Rejected,
                    error: Some(body.error),
                });
            }
        }
    }
    let stored: Vec<EventRow> = rows.iter().map(|(_, row)| row.clone()).collect();
    report_new_usage(&ctx, auth.livemode(), &stored).await?;
    let fresh = ctx
        .store
        .ingest_events(auth.livemode(), &stored, now)
        .await?;
    for ((position, _), new) in rows.iter().zip(fresh) {
        if !new {
            results[*position].status = EventStatus::Duplicate;
        }
    }
    let count = |status| results.iter().filter(|r| r.status == status).count();
    let result = BatchResult {
        accepted: count(EventStatus::Accepted),
        duplicates: count(EventStatus::Duplicate),
        rejected: count(EventStatus::Rejected),
        results,
    };
    let status = if !batch && result.accepted == 1 {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(result)).into_response())
}

/// Validates one event: its customer reference, and the row to store once the
/// customer is resolved.
fn check(ctx: &ApiContext, event: UsageEvent, now: i64) -> Checked {
    let invalid = |param: &str, message: String| {
        Err(AppError::bad_request(ErrorCode::InvalidRequest, message).param(param))
    };
    let event_id = event.event_id.trim();
    if event_id.is_empty() || event_id.len() > 255 {
        return invalid("event_id", "`event_id` must be 1 to 255 characters.".into());
    }
    let catalog = ctx.catalog.current();
    let Some(meter) = catalog.meter(&event.meter) else {
        return Err(AppError::not_found(
            ErrorCode::ResourceMissing,
            format!("No such meter: '{}'.", event.meter),
        )
        .param("meter"));
    };
    let quantity = event.quantity.unwrap_or(1);
    if !(0..=1_000_000_000_000).contains(&quantity) {
        return invalid(
            "quantity",
            format!("`quantity` must be 0 to 10^12, not {quantity}."),
        );
    }
    let timestamp = event.timestamp.unwrap_or(now);
    if timestamp < now - MAX_AGE || timestamp > now + MAX_AHEAD {
        return invalid(
            "timestamp",
            "`timestamp` must be within the past 35 days and at most 5 minutes ahead.".into(),
        );
    }
    let unique_value = match &meter.unique_property {
        None => None,
        Some(property) => match event.properties.get(property) {
            Some(value) => Some(value.clone()),
            None => {
                return Err(AppError::bad_request(
                    ErrorCode::ParameterMissing,
                    format!(
                        "The meter `{}` counts distinct `properties[{property}]`; this event has none.",
                        meter.key
                    ),
                )
                .param(format!("properties[{property}]")));
            }
        },
    };
    let customer = event.customer.trim();
    if customer.is_empty() {
        return invalid("customer", "`customer` must name the customer.".into());
    }
    Ok((
        customer.to_owned(),
        EventRow {
            event_id: event_id.to_owned(),
            customer_id: String::new(),
            meter: meter.key.clone(),
            quantity,
            timestamp,
            unique_value,
        },
    ))
}

/// Hands a provider that bills usage (Stripe's meters) the new events of the
/// meters it prices, before Portico keeps them: if it cannot be reached,
/// nothing is kept, and the client's retry (same event ids) counts once in
/// both. An event Portico already has is not reported again.
async fn report_new_usage(ctx: &ApiContext, livemode: bool, rows: &[EventRow]) -> AppResult<()> {
    let billed = provider_billed_meters(ctx);
    let candidates: Vec<&EventRow> = rows
        .iter()
        .filter(|row| billed.contains(row.meter.as_str()))
        .collect();
    if candidates.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = candidates.iter().map(|r| r.event_id.as_str()).collect();
    let known = ctx.store.known_events(livemode, &ids).await?;
    let mut seen = std::collections::HashSet::new();
    let reported: Vec<EventRow> = candidates
        .into_iter()
        .filter(|r| !known.contains(&r.event_id) && seen.insert(r.event_id.clone()))
        .cloned()
        .collect();
    if !reported.is_empty() {
        ctx.provider.report_usage(&reported).await?;
    }
    Ok(())
}

/// The meters some plan prices through the provider (a Stripe metered price).
fn provider_billed_meters(ctx: &ApiContext) -> std::collections::BTreeSet<String> {
    ctx.catalog
        .current()
        .services()
        .flat_map(|service| &service.plans)
        .flat_map(|plan| &plan.metered)
        .filter(|metered| metered.provider_price.is_some())
        .map(|metered| metered.meter.key.clone())
        .collect()
}
