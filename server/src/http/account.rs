//! The customer's side of billing in the portal: their card, their invoices (and
//! their PDFs), their billing details. Each handler checks the session and the
//! portal configuration, then asks the provider.

use super::rate_limit::Expensive;
use super::{ApiContext, AppError, AppResult, IdempotencyKey, JsonBody, PortalSession, invoices};
use crate::pdf::Seller;
use crate::provider::{InvoiceView, rules};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use portico_wire::ErrorCode;
use portico_wire::customer::CustomerUpdate;
use portico_wire::invoice::Invoice;
use portico_wire::payment::CardRequest;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/payment_methods", post(attach_card))
        .route("/invoices", get(invoices))
        .route("/invoices/{id}", get(invoice))
        .route(
            "/invoices/{id}/pdf",
            get(invoice_pdf).route_layer(Extension(Expensive)),
        )
        .route("/customer", post(update_customer))
}

/// With the built-in engine: validates a test card, keeps brand, last4 and expiry
/// as the default card, and tries it on the customer's open invoices.
#[utoipa::path(post, path = "/v1/embed/payment_methods", tag = "widget", security(("session_token" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first result for 24 hours instead of acting twice")),
    request_body = portico_wire::payment::CardRequest,
    responses((status = 201, description = "The new default card and the open invoices it paid", body = portico_wire::payment::CardAttached),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 402, description = "The card was declined", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody)))]
async fn attach_card(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    key: IdempotencyKey,
    JsonBody(request): JsonBody<CardRequest>,
) -> AppResult<Response> {
    session.require(
        session.features().payment_method_update.enabled,
        "payment_method_update",
    )?;
    // The digest of what is replayed must not be a digest of the card number.
    let fingerprint = ("card", request.last4(), request.exp_month, request.exp_year);
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &fingerprint, || async {
        let mut attached = ctx
            .provider
            .attach_card(session.party(), &request, key.action(&scope))
            .await?;
        attached
            .invoices
            .retain(|i| session.shows(i.subscription.as_ref().map(|s| s.as_str())));
        Ok((StatusCode::CREATED, attached))
    })
    .await
}

#[utoipa::path(get, path = "/v1/embed/invoices", tag = "widget", security(("session_token" = [])),
    responses((status = 200, description = "The customer's invoices in this service, newest first", body = Vec<portico_wire::invoice::Invoice>),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody)))]
async fn invoices(
    State(ctx): State<ApiContext>,
    session: PortalSession,
) -> AppResult<Json<Vec<Invoice>>> {
    session.feature(
        session.features().invoice_history.enabled,
        "invoice_history",
    )?;
    let mut invoices = ctx.provider.invoices(session.party()).await?;
    invoices.retain(|i| session.shows(i.subscription.as_ref().map(|s| s.as_str())));
    Ok(Json(invoices))
}

#[utoipa::path(get, path = "/v1/embed/invoices/{id}", tag = "widget", security(("session_token" = [])),
    params(("id" = String, Path, description = "The invoice (`in_…`)")),
    responses((status = 200, description = "One invoice with its lines", body = portico_wire::invoice::Invoice),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody)))]
async fn invoice(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    Path(id): Path<String>,
) -> AppResult<Json<Invoice>> {
    Ok(Json(session_invoice(&ctx, &session, &id).await?.invoice))
}

#[utoipa::path(get, path = "/v1/embed/invoices/{id}/pdf", tag = "widget", security(("session_token" = [])),
    params(("id" = String, Path, description = "The invoice (`in_…`)")),
    responses((status = 200, description = "The invoice as a PDF file, to download", content_type = "application/pdf", body = super::invoices::PdfFile),
        (status = 303, description = "The provider's own PDF of the invoice (Stripe's `invoice_pdf`), at the `Location`"),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody)))]
async fn invoice_pdf(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let view = session_invoice(&ctx, &session, &id).await?;
    if let Some(link) = view.pdf_link {
        // The provider renders its own PDF (Stripe's `invoice_pdf`).
        return Ok(Redirect::to(&link).into_response());
    }
    let seller = Seller {
        name: session.service.name.to_string(),
        headline: session.configuration.business_profile.headline.clone(),
    };
    Ok(invoices::pdf_download(seller, view.invoice, view.customer))
}

/// The invoice `id`, if this session may see it: the configuration shows
/// invoices, the provider has it for the session's customer in the service, and
/// it belongs to a subscription the session shows. Anything else is "no such
/// invoice", so a session learns nothing about invoices that are not its own.
async fn session_invoice(
    ctx: &ApiContext,
    session: &PortalSession,
    id: &str,
) -> AppResult<InvoiceView> {
    session.feature(
        session.features().invoice_history.enabled,
        "invoice_history",
    )?;
    let view = ctx.provider.invoice(session.party(), id).await?;
    if !session.shows(view.invoice.subscription.as_ref().map(|s| s.as_str())) {
        return Err(AppError::not_found(
            ErrorCode::InvoiceNotFound,
            format!("The customer has no invoice `{id}` in this service."),
        ));
    }
    Ok(view)
}

#[utoipa::path(post, path = "/v1/embed/customer", tag = "widget", security(("session_token" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first result for 24 hours instead of acting twice")),
    request_body = portico_wire::customer::CustomerUpdate,
    responses((status = 200, description = "The customer's billing details", body = portico_wire::embed::Customer),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody)))]
async fn update_customer(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    key: IdempotencyKey,
    JsonBody(request): JsonBody<CustomerUpdate>,
) -> AppResult<Response> {
    let allowed = &session.features().customer_update;
    session.require(allowed.enabled, "customer_update")?;
    let update = rules::details(session.features(), &request)?;
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &("customer", &request), || async {
        let customer = ctx
            .provider
            .update_details(session.party(), &update)
            .await?;
        Ok((StatusCode::OK, customer))
    })
    .await
}
