//! The portal's subscription actions: signup, change (and its preview),
//! resubscribe; cancel and resume are in `cancellation.rs`. Each checks the
//! session and the portal configuration, then makes one call to the provider,
//! and answers with the subscription as it now is and the invoice the action
//! created, if any.

use super::rate_limit::Expensive;
use super::{ApiContext, AppResult, IdempotencyKey, JsonBody, PortalSession};
use crate::provider::{Change, rules};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use portico_wire::actions::{ChangePreview, ChangeRequest, ResubscribeRequest};
use portico_wire::embed::SignupRequest;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/", post(sign_up))
        .route(
            "/{id}/preview",
            post(preview).route_layer(Extension(Expensive)),
        )
        .route("/{id}/change", post(change))
        .route("/{id}/cancel", post(super::cancellation::cancel))
        .route("/{id}/resume", post(super::cancellation::resume))
        .route("/{id}/resubscribe", post(resubscribe))
}

/// Signs the session's customer up to a plan of the session's service.
#[utoipa::path(post, path = "/v1/embed/subscriptions", tag = "widget", security(("session_token" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first result for 24 hours instead of acting twice")),
    request_body = portico_wire::embed::SignupRequest,
    responses((status = 201, description = "The new subscription and its first invoice", body = portico_wire::actions::ActionResponse),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 402, description = "The card was declined", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody),
        (status = 409, description = "Conflicting state", body = portico_wire::ErrorBody)))]
async fn sign_up(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    key: IdempotencyKey,
    JsonBody(request): JsonBody<SignupRequest>,
) -> AppResult<Response> {
    session.require_writable()?;
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &("signup", &request), || async {
        let plan = rules::plan(&session.service, &request.plan)?;
        let response = ctx
            .provider
            .sign_up(
                session.party(),
                plan,
                request.quantity.as_ref(),
                key.action(&scope),
            )
            .await?;
        Ok((StatusCode::CREATED, response))
    })
    .await
}

#[utoipa::path(post, path = "/v1/embed/subscriptions/{id}/preview", tag = "widget", security(("session_token" = [])),
    params(("id" = String, Path, description = "The subscription (`sub_…`)")),
    request_body = portico_wire::actions::ChangeRequest,
    responses((status = 200, description = "What the change would do, computed by the code that applies it", body = portico_wire::actions::ChangePreview),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody),
        (status = 409, description = "Conflicting state", body = portico_wire::ErrorBody)))]
async fn preview(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<ChangeRequest>,
) -> AppResult<Json<ChangePreview>> {
    session.may_act_on(&id)?;
    let update = &session.features().subscription_update;
    session.require(update.enabled, "subscription_update")?;
    let rules = rules::change(session.features(), &request)?;
    let change = Change {
        plan: request.plan.as_deref(),
        quantity: request.quantity.as_ref(),
        rules: &rules,
    };
    Ok(Json(
        ctx.provider
            .preview_change(session.party(), &id, change)
            .await?,
    ))
}

#[utoipa::path(post, path = "/v1/embed/subscriptions/{id}/change", tag = "widget", security(("session_token" = [])),
    params(("id" = String, Path, description = "The subscription (`sub_…`)"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first result for 24 hours instead of acting twice")),
    request_body = portico_wire::actions::ChangeRequest,
    responses((status = 200, description = "The changed subscription and the invoice the change created", body = portico_wire::actions::ActionResponse),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 402, description = "The card was declined", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody),
        (status = 409, description = "Conflicting state", body = portico_wire::ErrorBody)))]
async fn change(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    Path(id): Path<String>,
    key: IdempotencyKey,
    JsonBody(request): JsonBody<ChangeRequest>,
) -> AppResult<Response> {
    session.may_act_on(&id)?;
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &("change", &id, &request), || async {
        let update = &session.features().subscription_update;
        session.require(update.enabled, "subscription_update")?;
        let rules = rules::change(session.features(), &request)?;
        let change = Change {
            plan: request.plan.as_deref(),
            quantity: request.quantity.as_ref(),
            rules: &rules,
        };
        let response = ctx
            .provider
            .change(session.party(), &id, change, key.action(&scope))
            .await?;
        Ok((StatusCode::OK, response))
    })
    .await
}

/// A new subscription after a full cancel, by default to the same plan and quantities.
#[utoipa::path(post, path = "/v1/embed/subscriptions/{id}/resubscribe", tag = "widget", security(("session_token" = [])),
    params(("id" = String, Path, description = "The subscription (`sub_…`)"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first result for 24 hours instead of acting twice")),
    request_body = portico_wire::actions::ResubscribeRequest,
    responses((status = 201, description = "The new subscription", body = portico_wire::actions::ActionResponse),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 402, description = "The card was declined", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody),
        (status = 409, description = "Conflicting state", body = portico_wire::ErrorBody)))]
async fn resubscribe(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    Path(id): Path<String>,
    key: IdempotencyKey,
    JsonBody(request): JsonBody<ResubscribeRequest>,
) -> AppResult<Response> {
    session.require_writable()?;
    session.may_act_on(&id)?;
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &("resubscribe", &id, &request), || async {
        let response = ctx
            .provider
            .resubscribe(
                session.party(),
                &id,
                request.plan.as_deref(),
                request.quantity.as_ref(),
                key.action(&scope),
            )
            .await?;
        Ok((StatusCode::CREATED, response))
    })
    .await
}
