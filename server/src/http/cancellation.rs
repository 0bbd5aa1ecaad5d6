//! Ending a subscription from the portal: cancel (when and how the portal
//! configuration says, with a reason it offers) and resume (undo a cancel that
//! waits for the period end).

use super::{ApiContext, AppResult, IdempotencyKey, JsonBody, PortalSession};
use crate::provider::rules;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use portico_wire::actions::CancelRequest;

#[utoipa::path(post, path = "/v1/embed/subscriptions/{id}/cancel", tag = "widget", security(("session_token" = [])),
    params(("id" = String, Path, description = "The subscription (`sub_…`)"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first result for 24 hours instead of acting twice")),
    request_body = portico_wire::actions::CancelRequest,
    responses((status = 200, description = "The canceled (or cancelling) subscription", body = portico_wire::actions::ActionResponse),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody),
        (status = 409, description = "Conflicting state", body = portico_wire::ErrorBody)))]
pub(super) async fn cancel(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    Path(id): Path<String>,
    key: IdempotencyKey,
    JsonBody(request): JsonBody<CancelRequest>,
) -> AppResult<Response> {
    let allowed = &session.features().subscription_cancel;
    session.require(allowed.enabled, "subscription_cancel")?;
    let how = rules::cancellation(session.features(), &request)?;
    session.may_act_on(&id)?;
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &("cancel", &id, &request), || async {
        let response = ctx
            .provider
            .cancel(session.party(), &id, &how, key.action(&scope))
            .await?;
        Ok((StatusCode::OK, response))
    })
    .await
}

#[utoipa::path(post, path = "/v1/embed/subscriptions/{id}/resume", tag = "widget", security(("session_token" = [])),
    params(("id" = String, Path, description = "The subscription (`sub_…`)"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first result for 24 hours instead of acting twice")),
    responses((status = 200, description = "The subscription, no longer cancelling", body = portico_wire::actions::ActionResponse),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody),
        (status = 409, description = "Conflicting state", body = portico_wire::ErrorBody)))]
pub(super) async fn resume(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    Path(id): Path<String>,
    key: IdempotencyKey,
) -> AppResult<Response> {
    session.require_writable()?;
    session.may_act_on(&id)?;
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &("resume", &id), || async {
        let response = ctx
            .provider
            .resume(session.party(), &id, key.action(&scope))
            .await?;
        Ok((StatusCode::OK, response))
    })
    .await
}
