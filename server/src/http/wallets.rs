//! Prepaid wallets. The admin API (secret key) creates a customer's wallet in a
//! currency, grants credits and lists every movement; the portal reads the session
//! customer's wallets with their transactions (`GET /v1/embed/wallets`).

use super::api_key::SecretKeyAuth;
use super::configurations::mode_name;
use super::params::{Params, QueryParams};
use super::rate_limit::Expensive;
use super::{ApiContext, AppError, AppResult, IdempotencyKey, PortalSession};
use crate::convert;
use crate::store::{CreateWalletError, NewGrant, WalletRow};
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use portico_wire::billing_portal::List;
use portico_wire::wallet::{
    CreateWallet, GrantCredits, PortalWallet, TransactionReason, Wallet, WalletListParams,
    WalletTransaction,
};
use portico_wire::{Currency, ErrorCode};

/// The most credits one grant may carry: a billion, in hundredths.
const MAX_GRANT: i64 = 100_000_000_000;
const DEFAULT_CONVERSION_RATE: u32 = 100;
const MAX_CONVERSION_RATE: u32 = 100_000_000;

/// `/v1/wallets…`, with the secret key.
pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/wallets", get(list).post(create))
        .route("/wallets/{id}", get(retrieve))
        .route("/wallets/{id}/credits", post(grant))
        .route("/wallets/{id}/transactions", get(transactions))
}

/// `/v1/embed/wallets`, with the portal session.
pub fn embed_router() -> Router<ApiContext> {
    Router::new().route(
        "/wallets",
        get(portal_wallets).route_layer(Extension(Expensive)),
    )
}

#[utoipa::path(post, path = "/v1/wallets", tag = "wallets", security(("secret_key" = [])),
    request_body(content(
        (CreateWallet = "application/x-www-form-urlencoded"),
        (CreateWallet = "application/json"))),
    responses((status = 201, description = "The new, empty wallet", body = Wallet),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing or invalid secret key", body = portico_wire::ErrorBody),
        (status = 404, description = "No such customer in this mode", body = portico_wire::ErrorBody),
        (status = 409, description = "The customer already has a wallet in this currency", body = portico_wire::ErrorBody)))]
async fn create(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    Params(params): Params<CreateWallet>,
) -> AppResult<(StatusCode, Json<Wallet>)> {
    ctx.provider.wallets_pay_invoices()?;
    let currency = Currency::parse(&params.currency).map_err(|m| {
        AppError::bad_request(ErrorCode::InvalidRequest, format!("`currency`: {m}."))
            .param("currency")
    })?;
    let rate = params.conversion_rate.unwrap_or(DEFAULT_CONVERSION_RATE);
    if !(1..=MAX_CONVERSION_RATE).contains(&rate) {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            format!(
                "`conversion_rate` is the minor units one credit is worth, 1 to {MAX_CONVERSION_RATE}; not {rate}."
            ),
        )
        .param("conversion_rate"));
    }
    let customer_id = customer_of(&ctx, auth, &params.customer).await?;
    match ctx
        .store
        .create_wallet(
            &customer_id,
            auth.livemode(),
            &currency,
            i64::from(rate),
            ctx.now(),
        )
        .await
    {
        Ok(row) => {
            tracing::info!(wallet = %row.id, customer = %customer_id, "wallet created");
            Ok((StatusCode::CREATED, Json(convert::wallet(&row))))
        }
        Err(CreateWalletError::Exists(id)) => Err(AppError::conflict(
            ErrorCode::ResourceAlreadyExists,
            format!(
                "The customer already has a wallet in `{}`: '{id}'.",
                currency.as_str()
            ),
        )
        .param("currency")),
        Err(CreateWalletError::Store(error)) => Err(error.into()),
    }
}

#[utoipa::path(get, path = "/v1/wallets", tag = "wallets", security(("secret_key" = [])),
    params(("customer" = String, Query, description = "Your id for the customer, their `cus_…`, or their email")),
    responses((status = 200, description = "The customer's wallets, one per currency", body = portico_wire::billing_portal::List<portico_wire::wallet::Wallet>),
        (status = 400, description = "`customer` is missing", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing or invalid secret key", body = portico_wire::ErrorBody),
        (status = 404, description = "No such customer in this mode", body = portico_wire::ErrorBody)))]
async fn list(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    QueryParams(params): QueryParams<WalletListParams>,
) -> AppResult<Json<List<Wallet>>> {
    let customer_id = customer_of(&ctx, auth, &params.customer).await?;
    let rows = ctx.store.wallets_of(&customer_id, ctx.clock.now()).await?;
    Ok(Json(List {
        object: "list".to_owned(),
        data: rows.iter().map(convert::wallet).collect(),
        has_more: false,
        url: "/v1/wallets".to_owned(),
    }))
}

#[utoipa::path(get, path = "/v1/wallets/{id}", tag = "wallets", security(("secret_key" = [])),
    params(("id" = String, Path, description = "The wallet (`wal_…`)")),
    responses((status = 200, description = "The wallet with its balance now", body = Wallet),
        (status = 401, description = "Missing or invalid secret key", body = portico_wire::ErrorBody),
        (status = 404, description = "No such wallet in this mode", body = portico_wire::ErrorBody)))]
async fn retrieve(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Wallet>> {
    Ok(Json(convert::wallet(&find(&ctx, auth, &id).await?)))
}

#[utoipa::path(post, path = "/v1/wallets/{id}/credits", tag = "wallets", security(("secret_key" = [])),
    params(("id" = String, Path, description = "The wallet (`wal_…`)"),
        ("Idempotency-Key" = Option<String>, Header, description = "Replays the first result for 24 hours instead of granting twice")),
    request_body(content(
        (GrantCredits = "application/x-www-form-urlencoded"),
        (GrantCredits = "application/json"))),
    responses((status = 201, description = "The grant's credit transaction", body = WalletTransaction),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing or invalid secret key", body = portico_wire::ErrorBody),
        (status = 404, description = "No such wallet in this mode", body = portico_wire::ErrorBody)))]
async fn grant(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    key: IdempotencyKey,
    Path(id): Path<String>,
    Params(params): Params<GrantCredits>,
) -> AppResult<Response> {
    let wallet = find(&ctx, auth, &id).await?;
    let credits = params.credits.hundredths();
    if !(1..=MAX_GRANT).contains(&credits) {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            format!(
                "`credits` must be more than 0 and at most 1000000000; not {}.",
                params.credits
            ),
        )
        .param("credits"));
    }
    let reason = match TransactionReason::parse(&params.reason) {
        Some(reason @ (TransactionReason::Purchased | TransactionReason::Promotional)) => reason,
        _ => {
            return Err(AppError::bad_request(
                ErrorCode::InvalidRequest,
                format!(
                    "`reason` must be `purchased` or `promotional`, not `{}`.",
                    params.reason
                ),
            )
            .param("reason"));
        }
    };
    if let Some(expires_at) = params.expires_at
        && expires_at <= ctx.now()
    {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            format!("`expires_at` ({expires_at}) must be in the future."),
        )
        .param("expires_at"));
    }
    let description = params
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    if description.is_some_and(|d| d.chars().count() > 500) {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            "`description` is longer than 500 characters.",
        )
        .param("description"));
    }
    let grant = NewGrant {
        credits: params.credits,
        reason,
        priority: params.priority.unwrap_or(0),
        expires_at: params.expires_at,
        description: description.map(str::to_owned),
    };
    let scope = format!("admin:{}", mode_name(auth.livemode()));
    let fingerprint = (
        "grant",
        &id,
        credits,
        reason.as_str(),
        grant.priority,
        grant.expires_at,
        &grant.description,
    );
    key.in_store().run(&ctx, &scope, &fingerprint, || async {
        let (_, row) = ctx
            .store
            .grant_credits(&id, &grant, ctx.clock.now())
            .await?
            .ok_or_else(|| no_such_wallet(&id))?;
        tracing::info!(wallet = %id, transaction = %row.id, credits = %row.credits, "credits granted");
        Ok((
            StatusCode::CREATED,
            convert::wallet_transaction(&row, &wallet.currency),
        ))
    })
    .await
}

#[utoipa::path(get, path = "/v1/wallets/{id}/transactions", tag = "wallets", security(("secret_key" = [])),
    params(("id" = String, Path, description = "The wallet (`wal_…`)")),
    responses((status = 200, description = "Every movement of the wallet, newest first", body = portico_wire::billing_portal::List<portico_wire::wallet::WalletTransaction>),
        (status = 401, description = "Missing or invalid secret key", body = portico_wire::ErrorBody),
        (status = 404, description = "No such wallet in this mode", body = portico_wire::ErrorBody)))]
async fn transactions(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    Path(id): Path<String>,
) -> AppResult<Json<List<WalletTransaction>>> {
    let wallet = find(&ctx, auth, &id).await?;
    let rows = ctx.store.wallet_transactions(&id).await?;
    Ok(Json(List {
        object: "list".to_owned(),
        data: rows
            .iter()
            .map(|row| convert::wallet_transaction(row, &wallet.currency))
            .collect(),
        has_more: false,
        url: format!("/v1/wallets/{id}/transactions"),
    }))
}

#[utoipa::path(get, path = "/v1/embed/wallets", tag = "widget", security(("session_token" = [])),
    responses((status = 200, description = "The customer's wallets with their transactions, newest first", body = Vec<PortalWallet>),
        (status = 401, description = "Missing or expired session", body = portico_wire::ErrorBody)))]
async fn portal_wallets(
    State(ctx): State<ApiContext>,
    session: PortalSession,
) -> AppResult<Json<Vec<PortalWallet>>> {
    let Some(customer) = ctx
        .store
        .find_customer(session.row.livemode, &session.customer)
        .await?
    else {
        return Ok(Json(Vec::new()));
    };
    let mut wallets = Vec::new();
    for row in ctx.store.wallets_of(&customer.id, ctx.clock.now()).await? {
        let transactions = ctx.store.wallet_transactions(row.id.as_str()).await?;
        wallets.push(PortalWallet {
            wallet: convert::wallet(&row),
            transactions: transactions
                .iter()
                .map(|t| convert::wallet_transaction(t, &row.currency))
                .collect(),
        });
    }
    Ok(Json(wallets))
}

/// The customer `reference` names in the key's mode.
async fn customer_of(ctx: &ApiContext, auth: SecretKeyAuth, reference: &str) -> AppResult<String> {
    let references = [reference.to_owned()];
    ctx.store
        .resolve_customers(auth.livemode(), &references)
        .await?
        .remove(reference)
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::ResourceMissing,
                format!("No such customer in this mode: '{reference}'."),
            )
            .param("customer")
        })
}

/// The wallet `id` of the key's mode, its expired grants recorded.
async fn find(ctx: &ApiContext, auth: SecretKeyAuth, id: &str) -> AppResult<WalletRow> {
    ctx.store
        .wallet(id, auth.livemode(), ctx.clock.now())
        .await?
        .ok_or_else(|| no_such_wallet(id))
}

fn no_such_wallet(id: &str) -> AppError {
    AppError::not_found(
        ErrorCode::ResourceMissing,
        format!("No such wallet: '{id}'."),
    )
}
