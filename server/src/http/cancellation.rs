//! Ending a subscription from the portal: cancel (when and how the portal
//! configuration says, with a reason it offers) and resume (undo a cancel that
//! waits for the period end).

use super::subscriptions::{mutate, respond, session_customer};
use super::{ApiContext, AppError, AppResult, IdempotencyKey, JsonBody, PortalSession};
use crate::billing::{self, CancelCommand, CancelError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use portico_wire::ErrorCode;
use portico_wire::actions::{CancelRequest, CancellationFeedback, ProrationBehavior};
use portico_wire::billing_portal::configuration::CancelMode;

#[utoipa::path(post, path = "/v1/embed/subscriptions/{id}/cancel", tag = "widget", security(("session_token" = [])),
    params(("id" = String, Path, description = "The subscription (`sub_…`)"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first result for 24 hours instead of acting twice")),
    request_body = portico_wire::actions::CancelRequest,
    responses((status = 200, description = "The canceled (or cancelling) subscription", body = portico_wire::actions::ActionResponse),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody),
        (status = 409, description = "Conflicting state or an idempotency key in use", body = portico_wire::ErrorBody)))]
pub(super) async fn cancel(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    Path(id): Path<String>,
    key: IdempotencyKey,
    JsonBody(request): JsonBody<CancelRequest>,
) -> AppResult<Response> {
    let allowed = &session.features().subscription_cancel;
    session.require(allowed.enabled, "subscription_cancel")?;
    let configured_at_period_end = allowed.mode == CancelMode::AtPeriodEnd;
    let at_period_end = super::session::configured(
        request.at_period_end,
        configured_at_period_end,
        "at_period_end",
    )?;
    let proration = if at_period_end {
        ProrationBehavior::None
    } else {
        super::session::configured(
            request.proration_behavior,
            allowed.proration_behavior,
            "proration_behavior",
        )?
    };
    if let Some(feedback) = &request.feedback
        && !(allowed.cancellation_reason.enabled
            && allowed.cancellation_reason.options.contains(feedback))
        && !matches!(feedback, CancellationFeedback::Unknown(_))
    {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            "The portal configuration does not offer this cancellation reason.",
        )
        .param("feedback"));
    }
    let feedback = match &request.feedback {
        Some(CancellationFeedback::Unknown(value)) => {
            return Err(AppError::bad_request(
                ErrorCode::InvalidRequest,
                format!(
                    "`feedback` `{value}` is not one of customer_service, low_quality, missing_features, other, \
                     switched_service, too_complex, too_expensive, unused."
                ),
            )
            .param("feedback"));
        }
        Some(known) => {
            Some(serde_json::to_value(known).map_err(|e| AppError::Internal(e.to_string()))?)
        }
        None => None,
    };
    let comment = request
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    if comment.is_some_and(|c| c.chars().count() > 500) {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            "`comment` is limited to 500 characters.",
        )
        .param("comment"));
    }
    let command = CancelCommand {
        at_period_end,
        prorate: proration != ProrationBehavior::None,
        feedback: feedback.and_then(|v| v.as_str().map(str::to_owned)),
        comment: comment.map(str::to_owned),
    };
    session.may_act_on(&id)?;
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &("cancel", &id, &request), || async {
        if let Some(stripe) = ctx.provider.stripe() {
            let how = crate::provider::stripe::Cancellation {
                at_period_end,
                proration,
                feedback: command.feedback.as_deref(),
                comment: command.comment.as_deref(),
            };
            let response = stripe
                .cancel(
                    &session.customer,
                    &session.service,
                    &id,
                    &how,
                    &key.forwarded(&scope),
                )
                .await?;
            return Ok((StatusCode::OK, response));
        }
        let customer = session_customer(&ctx, &session, &id).await?;
        let applied = mutate(&ctx, &session, &customer, &id, true, |sub, account, now| {
            billing::cancel(sub, account, &command, now).map_err(cancel_error)
        })
        .await?;
        Ok((StatusCode::OK, respond(&applied)))
    })
    .await
}

#[utoipa::path(post, path = "/v1/embed/subscriptions/{id}/resume", tag = "widget", security(("session_token" = [])),
    params(("id" = String, Path, description = "The subscription (`sub_…`)"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first result for 24 hours instead of acting twice")),
    responses((status = 200, description = "The subscription, no longer cancelling", body = portico_wire::actions::ActionResponse),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody),
        (status = 409, description = "Conflicting state or an idempotency key in use", body = portico_wire::ErrorBody)))]
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
        if let Some(stripe) = ctx.provider.stripe() {
            let response = stripe
                .resume(
                    &session.customer,
                    &session.service,
                    &id,
                    &key.forwarded(&scope),
                )
                .await?;
            return Ok((StatusCode::OK, response));
        }
        let customer = session_customer(&ctx, &session, &id).await?;
        let applied = mutate(&ctx, &session, &customer, &id, true, |sub, account, _| {
            let subscription = billing::resume(sub).map_err(cancel_error)?;
            Ok(billing::state::Decision {
                subscription,
                account: account.clone(),
                invoices: Vec::new(),
            })
        })
        .await?;
        Ok((StatusCode::OK, respond(&applied)))
    })
    .await
}

fn cancel_error(error: CancelError) -> AppError {
    let message = error.to_string();
    match error {
        CancelError::AlreadyCanceled => {
            AppError::conflict(ErrorCode::SubscriptionCanceled, message)
        }
        CancelError::NotPending => AppError::conflict(ErrorCode::NotPendingCancellation, message),
    }
}
