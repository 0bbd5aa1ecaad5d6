//! The portal's subscription actions: signup, change (and its preview),
//! resubscribe; cancel and resume are in `cancellation.rs`. Each answers with the
//! subscription as it now is and the invoice the action created, if any.

use super::{ApiContext, AppError, AppResult, IdempotencyKey, JsonBody, PortalSession, convert};
use crate::billing::{self, ChangeCommand, ChangeError, Proration, TermsError};
use crate::catalog::Plan;
use crate::store::{Applied, CustomerRow, SignupOutcome};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::{Json, Router};
use portico_wire::actions::{
    ActionResponse, ChangePreview, ChangeRequest, ProrationBehavior, ResubscribeRequest,
};
use portico_wire::embed::SignupRequest;
use portico_wire::{ErrorCode, QuantityOption};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/", post(sign_up))
        .route("/{id}/preview", post(preview))
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
        (status = 409, description = "Conflicting state or an idempotency key in use", body = portico_wire::ErrorBody)))]
async fn sign_up(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    key: IdempotencyKey,
    JsonBody(request): JsonBody<SignupRequest>,
) -> AppResult<Response> {
    session.require_writable()?;
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &("signup", &request), || {
        subscribe(
            &ctx,
            &session,
            &request.plan,
            request.quantity.as_ref(),
            &key,
        )
    })
    .await
}

async fn subscribe(
    ctx: &ApiContext,
    session: &PortalSession,
    plan_id: &str,
    quantity: Option<&QuantityOption>,
    forwarded: &IdempotencyKey,
) -> AppResult<(StatusCode, ActionResponse)> {
    let service = &session.service;
    let plan = find_plan(session, plan_id)?;
    if let Some(stripe) = ctx.provider.stripe() {
        let quantity = first_quantity(service, plan, quantity, None)?;
        let response = stripe
            .sign_up(
                &session.customer,
                service,
                plan,
                quantity,
                &forwarded.forwarded(&session.idempotency_scope()),
            )
            .await?;
        return Ok((StatusCode::CREATED, response));
    }
    let outcome = ctx
        .store
        .sign_up(
            session.row.livemode,
            &session.customer,
            &session.row.service,
            &plan.currency,
            ctx.clock.now(),
            |account, context| {
                billing::plan_signup(
                    service,
                    plan,
                    quantity,
                    context.trial_eligible,
                    account,
                    context.now,
                )
                .map_err(terms_error)
            },
        )
        .await?;
    match outcome {
        SignupOutcome::Created(applied) => {
            tracing::info!(subscription = %applied.subscription.id, customer = %applied.customer.id, plan = %plan.id, "signup");
            Ok((StatusCode::CREATED, respond(&applied)))
        }
        SignupOutcome::AlreadySubscribed(existing) => Err(AppError::conflict(
            ErrorCode::AlreadySubscribed,
            format!("The customer already has the subscription `{existing}` in this service."),
        )),
    }
}

#[utoipa::path(post, path = "/v1/embed/subscriptions/{id}/preview", tag = "widget", security(("session_token" = [])),
    params(("id" = String, Path, description = "The subscription (`sub_…`)")),
    request_body = portico_wire::actions::ChangeRequest,
    responses((status = 200, description = "What the change would do, computed by the code that applies it", body = portico_wire::actions::ChangePreview),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody),
        (status = 409, description = "Conflicting state or an idempotency key in use", body = portico_wire::ErrorBody)))]
async fn preview(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<ChangeRequest>,
) -> AppResult<Json<ChangePreview>> {
    session.may_act_on(&id)?;
    if let Some(stripe) = ctx.provider.stripe() {
        let proration = change_allowed(&session, &request)?;
        let target = stripe_target(stripe, &session, &id, &request, proration).await?;
        return Ok(Json(
            stripe
                .preview_change(&session.customer, &session.service, &id, &target, ctx.now())
                .await?,
        ));
    }
    let applied = apply_change(&ctx, &session, &id, &request, false).await?;
    let customer = &applied.customer;
    let sub = &applied.subscription;
    let livemode = sub.livemode;
    let draft = |invoice: &billing::state::Invoice| {
        convert::draft_invoice(invoice, customer, Some(sub.id.clone()), livemode)
    };
    Ok(Json(ChangePreview {
        subscription: convert::subscription(sub, customer),
        invoice: applied
            .created_invoice
            .as_ref()
            .map(|row| draft(&row.invoice)),
        pending_lines: sub.state.pending_lines.iter().map(convert::line).collect(),
        next_invoice: billing::upcoming(&sub.state, &applied.account)
            .as_ref()
            .map(draft),
    }))
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
        (status = 409, description = "Conflicting state or an idempotency key in use", body = portico_wire::ErrorBody)))]
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
        if let Some(stripe) = ctx.provider.stripe() {
            let proration = change_allowed(&session, &request)?;
            let target = stripe_target(stripe, &session, &id, &request, proration).await?;
            let response = stripe
                .change(
                    &session.customer,
                    &session.service,
                    &id,
                    &target,
                    &key.forwarded(&scope),
                )
                .await?;
            return Ok((StatusCode::OK, response));
        }
        let applied = apply_change(&ctx, &session, &id, &request, true).await?;
        Ok((StatusCode::OK, respond(&applied)))
    })
    .await
}

/// What the portal configuration allows of a change: its proration behaviour.
fn change_allowed(
    session: &PortalSession,
    request: &ChangeRequest,
) -> AppResult<ProrationBehavior> {
    let update = &session.features().subscription_update;
    session.require(update.enabled, "subscription_update")?;
    let proration = super::session::configured(
        request.proration_behavior,
        update.proration_behavior,
        "proration_behavior",
    )?;
    if request.quantity.is_some() && !update.allows_quantity() {
        return Err(AppError::forbidden(
            ErrorCode::FeatureDisabled,
            "The portal configuration does not let the customer change quantities.",
        )
        .param("quantity"));
    }
    Ok(proration)
}

/// The change Stripe is asked for, checked against the configuration's plans.
async fn stripe_target<'a>(
    stripe: &crate::provider::stripe::Stripe,
    session: &'a PortalSession,
    id: &str,
    request: &ChangeRequest,
    proration: ProrationBehavior,
) -> AppResult<crate::provider::stripe::ChangeTarget<'a>> {
    if request.at_period_end {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            "With the Stripe provider a change applies now; a change scheduled at period end is not offered yet.",
        )
        .param("at_period_end"));
    }
    let current = stripe
        .portal(&session.customer, &session.service)
        .await?
        .subscriptions
        .into_iter()
        .find(|s| s.id.as_str() == id)
        .ok_or_else(|| not_found(id))?;
    let plan = offered_plan(session, request.plan.as_deref(), &current.plan)?;
    // Stripe refuses a subscription in two currencies too; the engine's answer is ours.
    if plan.currency != current.currency {
        return Err(change_error(ChangeError::Currency(plan.id.clone())));
    }
    let keep = current.items.first().map(|i| i.quantity);
    let quantity = first_quantity(&session.service, plan, request.quantity.as_ref(), keep)?;
    Ok(crate::provider::stripe::ChangeTarget {
        plan,
        quantity,
        proration,
    })
}

/// The plan a change asks for (default: the current one), if the configuration
/// offers a switch to it.
fn offered_plan<'a>(
    session: &'a PortalSession,
    asked: Option<&str>,
    current: &str,
) -> AppResult<&'a Plan> {
    let update = &session.features().subscription_update;
    let plan = find_plan(session, asked.unwrap_or(current))?;
    if plan.id != current
        && !update.allows_plan(&plan.id, plan.items.iter().map(|i| i.product.id.as_str()))
    {
        return Err(AppError::forbidden(
            ErrorCode::FeatureDisabled,
            format!(
                "The portal configuration does not offer a switch to `{}`.",
                plan.id
            ),
        )
        .param("plan"));
    }
    Ok(plan)
}

/// The quantity of a plan's (single, with Stripe) item: asked for, or kept.
fn first_quantity(
    service: &crate::catalog::Service,
    plan: &Plan,
    quantity: Option<&QuantityOption>,
    keep: Option<portico_wire::Quantity>,
) -> AppResult<portico_wire::Quantity> {
    if quantity.is_none()
        && let Some(keep) = keep
    {
        return Ok(keep);
    }
    let terms = billing::plan_terms(service, plan, quantity, &[]).map_err(terms_error)?;
    Ok(terms
        .items
        .first()
        .map_or(portico_wire::Quantity::ONE, |i| i.quantity))
}

/// The change, applied — or with `commit: false` applied and rolled back, which is
/// how a preview is computed by the very code that applies it.
async fn apply_change(
    ctx: &ApiContext,
    session: &PortalSession,
    id: &str,
    request: &ChangeRequest,
    commit: bool,
) -> AppResult<Applied> {
    let proration = change_allowed(session, request)?;
    let customer = session_customer(ctx, session, id).await?;
    let service = &session.service;
    let plan_id = request.plan.clone();
    mutate(ctx, session, &customer, id, commit, |sub, account, now| {
        let plan = offered_plan(session, plan_id.as_deref(), &sub.terms.plan)?;
        let target =
            billing::plan_terms(service, plan, request.quantity.as_ref(), &sub.terms.items)
                .map_err(terms_error)?;
        let command = ChangeCommand {
            target,
            currency: plan.currency.clone(),
            proration: match proration {
                ProrationBehavior::CreateProrations => Proration::CreateProrations,
                ProrationBehavior::None => Proration::None,
                ProrationBehavior::AlwaysInvoice => Proration::AlwaysInvoice,
            },
            at_period_end: request.at_period_end,
        };
        billing::change(sub, account, &command, now).map_err(change_error)
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
        (status = 409, description = "Conflicting state or an idempotency key in use", body = portico_wire::ErrorBody)))]
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
        if let Some(stripe) = ctx.provider.stripe() {
            let old = stripe
                .portal(&session.customer, &session.service)
                .await?
                .subscriptions
                .into_iter()
                .find(|s| s.id.as_str() == id)
                .ok_or_else(|| not_found(&id))?;
            let plan = find_plan(&session, request.plan.as_deref().unwrap_or(&old.plan))?;
            let keep = old.items.first().map(|i| i.quantity);
            let quantity = first_quantity(&session.service, plan, request.quantity.as_ref(), keep)?;
            let response = stripe
                .resubscribe(
                    &session.customer,
                    &session.service,
                    &id,
                    plan,
                    quantity,
                    &key.forwarded(&scope),
                )
                .await?;
            return Ok((StatusCode::CREATED, response));
        }
        let customer = session_customer(&ctx, &session, &id).await?;
        let old = ctx
            .store
            .subscriptions_of(&customer.id, &session.row.service)
            .await?
            .into_iter()
            .find(|row| row.id.as_str() == id)
            .ok_or_else(|| not_found(&id))?;
        if !old.state.status.has_ended() {
            return Err(AppError::conflict(
                ErrorCode::InvalidRequest,
                format!(
                    "The subscription `{id}` is not canceled; change it instead of resubscribing."
                ),
            ));
        }
        let quantity = request.quantity.clone().or_else(|| {
            let per_label = old
                .state
                .terms
                .items
                .iter()
                .filter_map(|item| Some((item.unit_label.clone()?, item.quantity)))
                .collect();
            Some(QuantityOption::PerUnitLabel(per_label))
        });
        let plan = request.plan.as_deref().unwrap_or(&old.state.terms.plan);
        subscribe(&ctx, &session, plan, quantity.as_ref(), &key).await
    })
    .await
}

pub(super) async fn mutate(
    ctx: &ApiContext,
    session: &PortalSession,
    customer: &CustomerRow,
    id: &str,
    commit: bool,
    decide: impl FnOnce(
        &billing::state::Subscription,
        &billing::state::Account,
        jiff::Timestamp,
    ) -> AppResult<billing::state::Decision>,
) -> AppResult<Applied> {
    let applied = ctx
        .store
        .mutate(
            &customer.id,
            &session.row.service,
            id,
            ctx.clock.now(),
            commit,
            decide,
        )
        .await?
        .ok_or_else(|| not_found(id))?;
    if commit {
        tracing::info!(subscription = %applied.subscription.id, status = applied.subscription.state.status.as_str(), "subscription updated");
    }
    Ok(applied)
}

/// The session's customer, if the session may act on subscription `id`.
pub(super) async fn session_customer(
    ctx: &ApiContext,
    session: &PortalSession,
    id: &str,
) -> AppResult<CustomerRow> {
    session.may_act_on(id)?;
    ctx.store
        .find_customer(session.row.livemode, &session.customer)
        .await?
        .ok_or_else(|| not_found(id))
}

fn not_found(id: &str) -> AppError {
    AppError::not_found(
        ErrorCode::SubscriptionNotFound,
        format!("The customer has no subscription `{id}` in this service."),
    )
}

fn find_plan<'a>(session: &'a PortalSession, id: &str) -> AppResult<&'a Plan> {
    session.service.plan(id).ok_or_else(|| {
        AppError::not_found(
            ErrorCode::PlanNotFound,
            format!(
                "No such plan in the service `{}`: `{id}`.",
                session.service.name
            ),
        )
        .param("plan")
    })
}

pub(super) fn respond(applied: &Applied) -> ActionResponse {
    ActionResponse {
        subscription: convert::subscription(&applied.subscription, &applied.customer),
        invoice: applied
            .created_invoice
            .as_ref()
            .map(|row| convert::invoice(row, &applied.customer)),
    }
}

fn terms_error(error: TermsError) -> AppError {
    match error {
        TermsError::UnknownUnitLabel(_) => {
            AppError::bad_request(ErrorCode::UnknownUnitLabel, error.to_string()).param("quantity")
        }
    }
}

fn change_error(error: ChangeError) -> AppError {
    let message = error.to_string();
    match error {
        ChangeError::Canceled => AppError::conflict(ErrorCode::SubscriptionCanceled, message),
        ChangeError::Incomplete => AppError::conflict(ErrorCode::SubscriptionIncomplete, message),
        ChangeError::NoChange => AppError::bad_request(ErrorCode::NoChange, message),
        ChangeError::Currency(_) => {
            AppError::bad_request(ErrorCode::InvalidRequest, message).param("plan")
        }
    }
}
