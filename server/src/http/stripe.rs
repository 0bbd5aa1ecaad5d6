//! What only the Stripe provider has: SetupIntents for Stripe.js card entry
//! (`/v1/embed/setup_intents…`), the inbound webhook endpoint
//! (`POST /v1/stripe/webhooks`), and the Portico events it records
//! (`GET /v1/provider_events`, with a secret key).

use super::{ApiContext, AppError, AppResult, IdempotencyKey, PortalSession, SecretKeyAuth};
use crate::provider::stripe::{self, Stripe, objects::Event, signature};
use crate::store::ProviderEventRow;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use portico_wire::ErrorCode;
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

fn stripe_only(ctx: &ApiContext) -> AppResult<&Stripe> {
    ctx.provider.stripe().ok_or_else(|| {
        AppError::not_found(
            ErrorCode::ResourceNotFound,
            "This server runs the built-in billing engine; SetupIntents and Stripe webhooks exist only with `--provider stripe`.",
        )
    })
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
    let stripe = stripe_only(&ctx)?;
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &("setup_intent",), || async {
        let intent = stripe
            .create_setup_intent(&session.customer, &key.forwarded(&scope))
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
    let stripe = stripe_only(&ctx)?;
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &("complete_setup", &id), || async {
        let attached = stripe::complete_setup(
            stripe,
            &session.customer,
            &session.service,
            &id,
            &key.forwarded(&scope),
        )
        .await?;
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
    let stripe = stripe_only(&ctx)?;
    let Some(secret) = &stripe.webhook_secret else {
        return Err(AppError::not_found(
            ErrorCode::ResourceNotFound,
            "No webhook signing secret is configured (STRIPE_WEBHOOK_SECRET), so no webhook is accepted.",
        ));
    };
    let header = headers
        .get("stripe-signature")
        .and_then(|h| h.to_str().ok());
    signature::verify(header, &body, secret, ctx.now()).map_err(|e| {
        tracing::warn!(error = %e, "Stripe webhook refused");
        AppError::bad_request(ErrorCode::InvalidRequest, format!("Stripe-Signature: {e}."))
            .param("Stripe-Signature")
    })?;
    let event: Event = serde_json::from_slice(&body).map_err(|e| {
        AppError::bad_request(
            ErrorCode::InvalidRequest,
            format!("The event is not a Stripe event: {e}."),
        )
    })?;
    let Some(translated) = stripe::events::translate(&event) else {
        return Ok((
            StatusCode::OK,
            Json(json!({"received": true, "recorded": false})),
        ));
    };
    let new = ctx
        .store
        .record_provider_event(&translated, ctx.now())
        .await?;
    if new {
        tracing::info!(event = %event.id, kind = translated.kind, object = %translated.object_id, "Stripe event");
    }
    Ok((
        StatusCode::OK,
        Json(
            json!({"received": true, "recorded": true, "duplicate": !new, "type": translated.kind}),
        ),
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
