//! Card entry by SetupIntent (`/v1/embed/setup_intents…`, for Stripe.js), the
//! provider's inbound webhook endpoint (`POST /v1/stripe/webhooks`), and the
//! Portico events it records (`GET /v1/provider_events`, with a secret key).
//! A provider without them (the built-in engine) answers 404.

use super::{ApiContext, AppResult, IdempotencyKey, PortalSession, SecretKeyAuth};
use crate::store::ProviderEventRow;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

pub fn embed_router() -> Router<ApiContext> {
    Router::new()
        .route("/setup_intents", post(create_setup_intent))
        .route("/setup_intents/{id}/complete", post(complete_setup_intent))
}

pub fn webhook_router() -> Router<ApiContext> {
    Router::new().route("/stripe/webhooks", post(webhook))
}

pub fn events_router() -> Router<ApiContext> {
    Router::new().route("/provider_events", get(list_events))
}

fn card_updates(session: &PortalSession) -> AppResult<()> {
    session.require(
        session.features().payment_method_update.enabled,
        "payment_method_update",
    )
}

/// A SetupIntent for the session's customer, for Stripe.js to confirm (Stripe provider).
#[utoipa::path(post, path = "/v1/embed/setup_intents", tag = "widget", security(("session_token" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first result for 24 hours instead of acting twice")),
    responses((status = 201, description = "The SetupIntent's id and client secret", body = portico_wire::payment::SetupIntent),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "Not the Stripe provider, or no such customer", body = portico_wire::ErrorBody),
        (status = 502, description = "Stripe could not be reached", body = portico_wire::ErrorBody)))]
pub(super) async fn create_setup_intent(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    key: IdempotencyKey,
) -> AppResult<Response> {
    card_updates(&session)?;
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &("setup_intent",), || async {
        let intent = ctx
            .provider
            .create_setup_intent(session.party(), key.action(&scope))
            .await?;
        Ok((StatusCode::CREATED, intent))
    })
    .await
}

/// After Stripe.js confirmed it: the card becomes the default and pays what is open.
#[utoipa::path(post, path = "/v1/embed/setup_intents/{id}/complete", tag = "widget", security(("session_token" = [])),
    params(("id" = String, Path, description = "The SetupIntent (`seti_…`)"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first result for 24 hours instead of acting twice")),
    responses((status = 201, description = "The new default card and the open invoices it paid", body = portico_wire::payment::CardAttached),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such SetupIntent for this customer", body = portico_wire::ErrorBody),
        (status = 409, description = "The SetupIntent is not confirmed", body = portico_wire::ErrorBody),
        (status = 502, description = "Stripe could not be reached", body = portico_wire::ErrorBody)))]
pub(super) async fn complete_setup_intent(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    Path(id): Path<String>,
    key: IdempotencyKey,
) -> AppResult<Response> {
    card_updates(&session)?;
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &("complete_setup", &id), || async {
        let mut attached = ctx
            .provider
            .complete_setup_intent(session.party(), &id, key.action(&scope))
            .await?;
        attached
            .invoices
            .retain(|i| session.shows(i.subscription.as_ref().map(|s| s.as_str())));
        Ok((StatusCode::CREATED, attached))
    })
    .await
}

/// Stripe's webhook: the signature is checked over the raw body before anything
/// is parsed; each event is recorded once, by its id.
#[utoipa::path(post, path = "/v1/stripe/webhooks", tag = "stripe",
    params(("Stripe-Signature" = String, Header, description = "`t=…,v1=…`: HMAC-SHA256 of `{t}.{body}` with the endpoint's signing secret")),
    request_body(content = serde_json::Value, description = "A Stripe event"),
    responses((status = 200, description = "Received; `recorded` and `duplicate` say what became of it", body = serde_json::Value),
        (status = 400, description = "The signature or the event is invalid", body = portico_wire::ErrorBody),
        (status = 404, description = "Not the Stripe provider, or no signing secret configured", body = portico_wire::ErrorBody)))]
pub(super) async fn webhook(
    State(ctx): State<ApiContext>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<(StatusCode, Json<serde_json::Value>)> {
    let signature = headers
        .get("stripe-signature")
        .and_then(|h| h.to_str().ok());
    let received = ctx
        .provider
        .receive_webhook(signature, &body, ctx.now())
        .await?;
    if received.catalog_changed {
        crate::provider::refresh_catalog(ctx.provider.as_ref(), &ctx.catalog).await?;
    }
    let Some(event) = received.event else {
        return Ok((
            StatusCode::OK,
            Json(json!({"received": true, "recorded": false})),
        ));
    };
    let new = ctx.store.record_provider_event(&event, ctx.now()).await?;
    if new {
        tracing::info!(event = %event.id, kind = event.kind, object = %event.object_id, "provider event");
    }
    Ok((
        StatusCode::OK,
        Json(json!({"received": true, "recorded": true, "duplicate": !new, "type": event.kind})),
    ))
}

/// The Portico events recorded from the provider, newest first (at most 100).
#[utoipa::path(get, path = "/v1/provider_events", tag = "stripe", security(("secret_key" = [])),
    responses((status = 200, description = "A list of events: id, type, source_type, object_id, customer, created, received", body = serde_json::Value),
        (status = 401, description = "Missing or invalid API key", body = portico_wire::ErrorBody)))]
pub(super) async fn list_events(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
) -> AppResult<Json<serde_json::Value>> {
    let rows: Vec<ProviderEventRow> = ctx.store.provider_events(auth.livemode(), 100).await?;
    Ok(Json(
        json!({"object": "list", "data": rows, "has_more": false}),
    ))
}
