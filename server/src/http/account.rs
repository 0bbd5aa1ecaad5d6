//! The customer's side of billing in the portal: their card, their invoices (and
//! their PDFs), their billing details.

use super::{
    ApiContext, AppError, AppResult, IdempotencyKey, JsonBody, PortalSession, convert, invoices,
};
use crate::billing::cards::{self, CardInput};
use crate::billing::year_month;
use crate::pdf::Seller;
use crate::store::{CustomerRow, InvoiceRow};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use portico_wire::ErrorCode;
use portico_wire::billing_portal::configuration::CustomerField;
use portico_wire::customer::CustomerUpdate;
use portico_wire::embed::Customer;
use portico_wire::invoice::Invoice;
use portico_wire::payment::{CardAttached, CardRequest};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/payment_methods", post(attach_card))
        .route("/invoices", get(invoices))
        .route("/invoices/{id}", get(invoice))
        .route("/invoices/{id}/pdf", get(invoice_pdf))
        .route("/customer", post(update_customer))
}

/// Validates a test card, keeps brand, last4 and expiry as the default card, and
/// tries it on the customer's open invoices.
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
    if ctx.provider.stripe().is_some() {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            "With the Stripe provider, cards are entered through Stripe.js: create a SetupIntent \
             (`POST /v1/embed/setup_intents`) and complete it once confirmed.",
        ));
    }
    if session.row.livemode {
        return Err(AppError::bad_request(
            ErrorCode::TestModeOnly,
            "The built-in billing engine takes only test cards, so it cannot take cards in live mode; \
             configure a payment provider for live payments.",
        ));
    }
    // The digest of what is replayed must not be a digest of the card number.
    let fingerprint = ("card", request.last4(), request.exp_month, request.exp_year);
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &fingerprint, || async {
        let input = CardInput {
            number: request.number.clone(),
            exp_month: request.exp_month,
            exp_year: request.exp_year,
            cvc: request.cvc.clone(),
        };
        let customer_now = match ctx.store.find_customer(false, &session.customer).await? {
            Some(customer) => ctx.store.customer_now(&customer, ctx.clock.now()).await?,
            None => ctx.clock.now(),
        };
        let card = cards::accept(&input, year_month(customer_now)).map_err(AppError::card)?;
        let (customer, row, touched) = ctx
            .store
            .attach_card(false, &session.customer, &session.row.service, &card, ctx.clock.now())
            .await?;
        let visible = visible_subscriptions(&ctx, &session, &customer.id).await?;
        tracing::info!(customer = %customer.id, payment_method = %row.id, brand = card.brand.as_str(), last4 = %card.last4, "card attached");
        Ok((
            StatusCode::CREATED,
            CardAttached {
                payment_method: convert::payment_method(&row),
                invoices: touched
                    .iter()
                    .filter(|i| i.subscription_id.as_ref().is_some_and(|s| visible.contains(s.as_str())))
                    .map(|i| convert::invoice(i, &customer))
                    .collect(),
            },
        ))
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
    if let Some(stripe) = ctx.provider.stripe() {
        let mut invoices = stripe.invoices(&session.customer, &session.service).await?;
        if let Some(only) = &session.row.subscription_id {
            invoices.retain(|i| i.subscription.as_ref().is_some_and(|s| s.as_str() == only));
        }
        return Ok(Json(invoices));
    }
    let Some(customer) = ctx
        .store
        .find_customer(session.row.livemode, &session.customer)
        .await?
    else {
        return Ok(Json(Vec::new()));
    };
    let visible = visible_subscriptions(&ctx, &session, &customer.id).await?;
    let rows = ctx.store.invoices_of(&customer.id).await?;
    Ok(Json(
        rows.iter()
            .filter(|row| {
                row.subscription_id
                    .as_ref()
                    .is_some_and(|s| visible.contains(s.as_str()))
            })
            .map(|row| convert::invoice(row, &customer))
            .collect(),
    ))
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
    let (row, customer) = session_invoice(&ctx, &session, &id).await?;
    Ok(Json(convert::invoice(&row, &customer)))
}

#[utoipa::path(get, path = "/v1/embed/invoices/{id}/pdf", tag = "widget", security(("session_token" = [])),
    params(("id" = String, Path, description = "The invoice (`in_…`)")),
    responses((status = 200, description = "The invoice as a PDF file, to download", content_type = "application/pdf", body = super::invoices::PdfFile),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody)))]
async fn invoice_pdf(
    State(ctx): State<ApiContext>,
    session: PortalSession,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let (row, customer) = session_invoice(&ctx, &session, &id).await?;
    let seller = Seller {
        name: session.service.name.to_string(),
        headline: session.configuration.business_profile.headline.clone(),
    };
    Ok(invoices::pdf_download(seller, &row, &customer))
}

/// The invoice `id` and its customer, if this session may see it: the
/// configuration shows invoices, the invoice is the session's customer's, and it
/// belongs to a subscription the session shows. Anything else is "no such invoice",
/// so a session learns nothing about invoices that are not its own.
async fn session_invoice(
    ctx: &ApiContext,
    session: &PortalSession,
    id: &str,
) -> AppResult<(InvoiceRow, CustomerRow)> {
    session.feature(
        session.features().invoice_history.enabled,
        "invoice_history",
    )?;
    let not_found = || {
        AppError::not_found(
            ErrorCode::InvoiceNotFound,
            format!("The customer has no invoice `{id}` in this service."),
        )
    };
    let customer = ctx
        .store
        .find_customer(session.row.livemode, &session.customer)
        .await?
        .ok_or_else(not_found)?;
    let row = ctx
        .store
        .invoice(id)
        .await?
        .filter(|row| row.customer_id == customer.id)
        .ok_or_else(not_found)?;
    let visible = visible_subscriptions(ctx, session, &customer.id).await?;
    if !row
        .subscription_id
        .as_ref()
        .is_some_and(|s| visible.contains(s.as_str()))
    {
        return Err(not_found());
    }
    Ok((row, customer))
}

/// Ids of the subscriptions this session shows: the service's, or just the one the
/// embed named.
async fn visible_subscriptions(
    ctx: &ApiContext,
    session: &PortalSession,
    customer_id: &str,
) -> AppResult<std::collections::BTreeSet<String>> {
    Ok(ctx
        .store
        .subscriptions_of(customer_id, &session.row.service)
        .await?
        .into_iter()
        .map(|row| row.id.to_string())
        .filter(|id| {
            session
                .row
                .subscription_id
                .as_deref()
                .is_none_or(|only| only == id)
        })
        .collect())
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
    let asked = [
        ("name", request.name.is_some(), CustomerField::Name),
        ("email", request.email.is_some(), CustomerField::Email),
        ("address", request.address.is_some(), CustomerField::Address),
        ("tax_id", request.tax_id.is_some(), CustomerField::TaxId),
    ];
    if let Some((param, ..)) = asked
        .into_iter()
        .find(|(_, given, field)| *given && !allowed.allows(*field))
    {
        return Err(AppError::forbidden(
            ErrorCode::FeatureDisabled,
            format!("The portal configuration does not let the customer update `{param}`."),
        )
        .param(param));
    }
    let email = match request.email.as_deref().map(str::trim) {
        Some("") => Some(None),
        Some(email) => Some(Some(
            portico_wire::Email::parse(email)
                .map_err(|m| {
                    AppError::bad_request(ErrorCode::InvalidRequest, format!("`email` {m}"))
                        .param("email")
                })?
                .normalized(),
        )),
        None => None,
    };
    if let Some(country) = request.address.as_ref().and_then(|a| a.country.as_deref())
        && !(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            format!(
                "`address.country` `{country}` is not an ISO 3166-1 alpha-2 code such as `DE`."
            ),
        )
        .param("address[country]"));
    }
    let scope = session.idempotency_scope();
    key.run(&ctx, &scope, &("customer", &request), || async {
        let row = ctx
            .store
            .update_customer(
                session.row.livemode,
                &session.customer,
                ctx.now(),
                |details| {
                    if let Some(name) = &request.name {
                        details.name = Some(name.trim().to_owned()).filter(|n| !n.is_empty());
                    }
                    if let Some(email) = &email {
                        details.billing_email.clone_from(email);
                    }
                    if let Some(address) = &request.address {
                        details.address = Some(address.clone());
                    }
                    if let Some(tax_id) = &request.tax_id {
                        details.tax_id =
                            Some(tax_id.clone()).filter(|t| !t.value.trim().is_empty());
                    }
                },
            )
            .await?;
        Ok((StatusCode::OK, convert::customer(&row) as Customer))
    })
    .await
}
