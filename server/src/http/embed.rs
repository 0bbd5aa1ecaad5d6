//! The widget API: identity exchange, portal state, signup.

use super::rate_limit::{Budget, Peer};
use super::session::check_origin;
use super::{ApiContext, AppError, AppResult, JsonBody, PortalSession};
use crate::auth::{new_session_token, token_digest, verify_identity};
use crate::convert;
use crate::provider::PortalState;
use crate::store::SessionRow;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use portico_wire::embed::{Portal, SESSION_HEADER, SessionRequest, SessionResponse};
use portico_wire::{CustomerRef, ErrorCode, ServiceName, config::parse_hash};
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub fn router(ctx: &ApiContext) -> Router<ApiContext> {
    let catalog = ctx.catalog.clone();
    // A preflight does not say which service it is for, so it is answered for any
    // origin some service allows; each request then checks its own service.
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
            origin
                .to_str()
                .is_ok_and(|origin| catalog.current().any_service_allows(origin))
        }))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            HeaderName::from_static(SESSION_HEADER),
            HeaderName::from_static("idempotency-key"),
        ])
        .max_age(Duration::from_secs(600));
    Router::new()
        .route("/sessions", post(create_session))
        .route("/portal", get(portal))
        .nest("/subscriptions", super::subscriptions::router())
        .merge(super::account::router())
        .merge(super::usage::router())
        .merge(super::wallets::embed_router())
        .merge(super::stripe::embed_router())
        .layer(cors)
}

/// Exchanges the page's identity claim (`email` | `customer_id`, `hash`) for a session.
#[utoipa::path(post, path = "/v1/embed/sessions", operation_id = "create_embed_session", tag = "widget",
    request_body = portico_wire::embed::SessionRequest,
    responses((status = 201, description = "A session for the customer", body = portico_wire::embed::SessionResponse),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody)))]
async fn create_session(
    State(ctx): State<ApiContext>,
    peer: Peer,
    headers: HeaderMap,
    JsonBody(request): JsonBody<SessionRequest>,
) -> AppResult<(StatusCode, Json<SessionResponse>)> {
    let name = ServiceName::parse(&request.service).map_err(|m| {
        AppError::bad_request(ErrorCode::InvalidRequest, format!("`service` {m}")).param("service")
    })?;
    let customer =
        CustomerRef::from_parts(request.email.as_deref(), request.customer_id.as_deref())?;
    let catalog = ctx.catalog.current();
    let service = catalog.service(&name).ok_or_else(|| {
        AppError::not_found(
            ErrorCode::ServiceNotFound,
            format!("No such service: `{name}`."),
        )
        .param("service")
    })?;
    check_origin(&headers, service)?;
    ctx.limits
        .spend(peer, &headers, Budget::Sessions, service.name.as_str())?;

    let invalid_hash =
        |message: &str| AppError::unauthenticated(ErrorCode::InvalidHash, message).param("hash");
    match request.hash.as_deref() {
        None if service.mode.is_live() => {
            return Err(invalid_hash(
                "`hash` is required in live mode: the HMAC-SHA256 of the customer's identity.",
            ));
        }
        None => {}
        Some(hash) => {
            let hash = parse_hash(hash).map_err(|m| invalid_hash(&format!("`hash` {m}")))?;
            if !verify_identity(ctx.keys.for_mode(service.mode), &customer, &hash) {
                return Err(invalid_hash(
                    "`hash` does not match the customer's identity: it must be the hex HMAC-SHA256 of the `email` \
                     or `customer_id`, keyed with this mode's secret key.",
                ));
            }
        }
    }

    let now = ctx.now();
    let expires_at = now + ctx.session_ttl.as_secs();
    let token = new_session_token();
    let row = SessionRow {
        service: service.name.to_string(),
        email: customer.email().map(|e| e.normalized()),
        external_id: customer.customer_id().map(str::to_owned),
        subscription_id: request.subscription_id.filter(|s| !s.trim().is_empty()),
        livemode: service.mode.is_live(),
        created: now,
        expires_at,
        configuration: None,
        read_only: false,
        billing_portal_session: None,
    };
    ctx.store
        .insert_session(&token_digest(&token), &row)
        .await?;
    let response = SessionResponse {
        token,
        expires_at,
        livemode: row.livemode,
    };
    Ok((StatusCode::CREATED, Json(response)))
}

/// Everything the portal shows: the service's plans, the customer, their subscriptions.
#[utoipa::path(get, path = "/v1/embed/portal", tag = "widget", security(("session_token" = [])),
    responses((status = 200, description = "Everything the portal shows", body = portico_wire::embed::Portal),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 403, description = "Not allowed: origin, portal configuration, or a read-only session", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody)))]
async fn portal(State(ctx): State<ApiContext>, session: PortalSession) -> AppResult<Json<Portal>> {
    let state = ctx.provider.portal(session.party()).await?;
    Ok(Json(portal_of(&ctx, &session, state).await?))
}

/// The portal from either provider's state, by the session's rules.
async fn portal_of(
    ctx: &ApiContext,
    session: &PortalSession,
    state: PortalState,
) -> AppResult<Portal> {
    let mut subscriptions = state.subscriptions;
    if let Some(only) = &session.row.subscription_id {
        subscriptions.retain(|s| s.id.as_str() == only);
        if subscriptions.is_empty() {
            return Err(AppError::not_found(
                ErrorCode::SubscriptionNotFound,
                format!("The customer has no subscription `{only}` in this service."),
            )
            .param("subscription_id"));
        }
    }
    let hosted = match &session.row.billing_portal_session {
        Some(id) => ctx.store.portal_session(id).await?,
        None => None,
    };
    let configuration = session.configuration.clone();
    let return_url = hosted
        .as_ref()
        .and_then(|h| h.return_url.clone())
        .or(configuration.default_return_url);
    let features = configuration.features;
    let card_entry = ctx.provider.card_entry();
    Ok(Portal {
        service: convert::service(&session.service),
        plans: session.service.plans.iter().map(convert::plan).collect(),
        customer: state.customer,
        subscriptions,
        // The card is part of what `payment_method_update` shows.
        payment_method: state
            .payment_method
            .filter(|_| features.payment_method_update.enabled || session.row.read_only),
        features,
        business_profile: configuration.business_profile,
        read_only: session.row.read_only,
        return_url,
        flow: hosted.and_then(|h| h.flow),
        card_entry,
    })
}
