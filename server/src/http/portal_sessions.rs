//! Sessions the integrator's backend opens for a customer: Stripe's
//! `POST /v1/billing_portal/sessions` (a single-use link to the hosted portal,
//! optionally deep-linked into a flow) and Flexprice's
//! `GET /v1/customers/portal/{external_id}` (a read-only token valid for an hour).

use super::api_key::SecretKeyAuth;
use super::configurations::{find as find_configuration, mode_name};
use super::params::{Params, QueryParams};
use super::session::configuration_for;
use super::{ApiContext, AppError, AppResult};
use crate::auth::{new_session_token, random_alphanumeric, token_digest};
use crate::catalog::Service;
use crate::portal::flow;
use crate::portal::{ParamError, configuration::parse_url, new_id};
use crate::provider::{AdminCustomer, AdminLookup};
use crate::store::{PortalSessionRow, SessionRow};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router};
use jiff::Timestamp;
use portico_wire::billing_portal::session::{SESSION_OBJECT, SessionParams};
use portico_wire::billing_portal::{PortalToken, Session};
use portico_wire::{CustomerRef, ErrorCode};
use serde::Deserialize;

/// A session link must be opened within this many seconds, and only once.
pub const LINK_LIFETIME: i64 = 300;
/// However long sessions live otherwise, an admin-opened one lives at most an hour.
pub const MAX_SESSION: i64 = 3600;

pub fn billing_portal_router() -> Router<ApiContext> {
    Router::new().route("/sessions", post(create_session))
}

pub fn customers_router() -> Router<ApiContext> {
    Router::new().route("/portal/{external_id}", get(portal_token))
}

#[utoipa::path(post, path = "/v1/billing_portal/sessions", operation_id = "create_billing_portal_session", tag = "billing_portal", security(("secret_key" = [])),
    request_body(content(
        (portico_wire::billing_portal::session::SessionParams = "application/x-www-form-urlencoded"),
        (portico_wire::billing_portal::session::SessionParams = "application/json"))),
    responses((status = 200, description = "The session; its `url` opens once, within five minutes", body = portico_wire::billing_portal::Session),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody),
        (status = 415, description = "Unsupported content type", body = portico_wire::ErrorBody)))]
async fn create_session(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    headers: HeaderMap,
    Params(params): Params<SessionParams>,
) -> AppResult<Json<Session>> {
    let base_url = ctx.base_url(&headers);
    open_session(&ctx, auth, params, &base_url).await.map(Json)
}

/// Creates a hosted portal session whose URL starts with `base_url`: what
/// `POST /v1/billing_portal/sessions` and `portico sessions create` do.
pub async fn open_session(
    ctx: &ApiContext,
    auth: SecretKeyAuth,
    params: SessionParams,
    base_url: &str,
) -> AppResult<Session> {
    let ctx = ctx.clone();
    let customer_id = params
        .customer
        .as_deref()
        .ok_or_else(|| ParamError::missing("customer"))?;
    let customer = find_customer(&ctx, auth, customer_id).await?;
    if let Some(account) = &params.on_behalf_of {
        return Err(ParamError::missing_resource(
            "on_behalf_of",
            format!("No such account: '{account}'. Portico has no connected accounts."),
        )
        .into());
    }
    let return_url = params
        .return_url
        .as_deref()
        .map(|url| parse_url("return_url", url))
        .transpose()?;
    let locale = flow::locale(params.locale)?;

    // The subscription a flow names decides the service; then the parameter, the
    // customer's latest subscription, or the mode's only service.
    let flow_target = match params
        .flow_data
        .as_ref()
        .and_then(|data| data.subscription())
    {
        Some(id) => ctx.provider.flow_target(&customer, id).await?,
        None => None,
    };
    let service = match (&params.service, &flow_target) {
        (Some(name), _) => service_named(&ctx, auth, name, "service")?,
        (None, Some(target)) => service_named(&ctx, auth, &target.service, "flow_data")?,
        (None, None) => match &customer.latest_service {
            Some(name) => service_named(&ctx, auth, name, "customer")?,
            None => only_service(&ctx, auth)?,
        },
    };
    let configuration = match &params.configuration {
        Some(id) => find_configuration(&ctx, auth, id, "configuration").await?,
        None => {
            configuration_for(
                &ctx,
                service.mode.is_live(),
                service.configuration.as_deref(),
            )
            .await?
        }
    };
    if !configuration.active {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            format!(
                "The configuration '{}' is not active: activate it, or pass another.",
                configuration.id
            ),
        )
        .param("configuration"));
    }
    let flow = match params.flow_data {
        None => None,
        Some(data) => {
            let facts = flow_target
                .filter(|target| target.service == service.name.as_str())
                .map(|target| target.subscription);
            let update = &configuration.features.subscription_update;
            let plan_allowed = |plan_id: &str| {
                service.plan(plan_id).is_some_and(|plan| {
                    update.allows_plan(plan_id, plan.items.iter().map(|i| i.product.id.as_str()))
                })
            };
            Some(flow::build(
                data,
                &configuration.features,
                facts.as_ref(),
                plan_allowed,
            )?)
        }
    };

    let now = ctx.now();
    let login = format!("bpl_{}", random_alphanumeric(43));
    let row = PortalSessionRow {
        id: new_id("bps_"),
        livemode: auth.livemode(),
        configuration: configuration.id.clone(),
        customer: customer.id.clone(),
        service: service.name.to_string(),
        flow,
        locale,
        on_behalf_of: None,
        return_url,
        created: now,
    };
    ctx.store
        .insert_portal_session(&row, &token_digest(&login), now + LINK_LIFETIME)
        .await?;
    tracing::info!(session = %row.id, customer = %row.customer, "hosted portal session created");
    Ok(Session {
        id: row.id,
        object: SESSION_OBJECT.to_owned(),
        configuration: row.configuration,
        created: row.created,
        customer: row.customer,
        customer_account: None,
        flow: row.flow,
        livemode: row.livemode,
        locale: row.locale,
        on_behalf_of: None,
        return_url: row.return_url,
        url: format!("{base_url}/p/session/{login}"),
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenQuery {
    /// Portico: which service's portal; default as for hosted sessions.
    service: Option<String>,
}

/// Flexprice's portal token: read-only, for an hour, usable as `x-session-token`.
#[utoipa::path(get, path = "/v1/customers/portal/{external_id}", operation_id = "create_customer_portal_token", tag = "customers", security(("secret_key" = []), ("api_key" = [])),
    params(("external_id" = String, Path, description = "Your id for the customer (or its `cus_…`)"),
        ("service" = Option<String>, Query, description = "Which service's portal, when the customer could be in several")),
    responses((status = 200, description = "A read-only portal token for an hour", body = portico_wire::billing_portal::PortalToken),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody)))]
async fn portal_token(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    headers: HeaderMap,
    Path(external_id): Path<String>,
    QueryParams(query): QueryParams<TokenQuery>,
) -> AppResult<Json<PortalToken>> {
    let reference = CustomerRef::from_parts(None, Some(&external_id))?;
    let customer = ctx
        .provider
        .admin_customer(AdminLookup::Reference(&reference, auth.livemode()))
        .await?
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::ResourceMissing,
                format!(
                    "No {} mode customer has the external id '{external_id}'.",
                    mode_name(auth.livemode())
                ),
            )
            .param("external_id")
        })?;
    let service = match &query.service {
        Some(name) => service_named(&ctx, auth, name, "service")?,
        None => match &customer.latest_service {
            Some(name) => service_named(&ctx, auth, name, "external_id")?,
            None => only_service(&ctx, auth)?,
        },
    };
    let now = ctx.now();
    let expires_at = now + MAX_SESSION.min(ctx.session_ttl.as_secs());
    let token = new_session_token();
    ctx.store
        .insert_session(
            &token_digest(&token),
            &widget_session(&customer, &service, now, expires_at, true, None, None),
        )
        .await?;
    let expires = Timestamp::from_second(expires_at)
        .map_err(|e| AppError::Internal(format!("expiry out of range: {e}")))?;
    // The page link opens once, within five minutes; the token itself never
    // goes in a URL.
    let login = format!("bpl_{}", random_alphanumeric(43));
    ctx.store
        .add_session_login(
            &token_digest(&token),
            &token_digest(&login),
            now + LINK_LIFETIME,
        )
        .await?;
    Ok(Json(PortalToken {
        url: format!("{}/p/session/{login}", ctx.base_url(&headers)),
        token,
        expires_at: expires.to_string(),
    }))
}

/// A widget session for a customer the admin API named.
pub fn widget_session(
    customer: &AdminCustomer,
    service: &Service,
    now: i64,
    expires_at: i64,
    read_only: bool,
    configuration: Option<String>,
    billing_portal_session: Option<String>,
) -> SessionRow {
    // One identity, as the embed would have named the customer.
    let (email, external_id) = match &customer.external_id {
        Some(id) => (None, Some(id.clone())),
        None => (customer.email.clone(), None),
    };
    SessionRow {
        service: service.name.to_string(),
        email,
        external_id,
        subscription_id: None,
        livemode: customer.livemode,
        created: now,
        expires_at,
        configuration,
        read_only,
        billing_portal_session,
    }
}

async fn find_customer(
    ctx: &ApiContext,
    auth: SecretKeyAuth,
    id: &str,
) -> AppResult<AdminCustomer> {
    // One of the other mode is no such customer: a key learns nothing of the
    // other mode.
    match ctx.provider.admin_customer(AdminLookup::Id(id)).await? {
        Some(found) if found.livemode == auth.livemode() => Ok(found),
        _ => Err(AppError::not_found(
            ErrorCode::ResourceMissing,
            format!("No such customer: '{id}'."),
        )
        .param("customer")),
    }
}

fn service_named(
    ctx: &ApiContext,
    auth: SecretKeyAuth,
    name: &str,
    param: &str,
) -> AppResult<Service> {
    ctx.catalog
        .current()
        .service_named(name)
        .cloned()
        .filter(|service| service.mode == auth.mode)
        .ok_or_else(|| {
            AppError::not_found(
                ErrorCode::ServiceNotFound,
                format!(
                    "No {} mode service is named `{name}`.",
                    mode_name(auth.livemode())
                ),
            )
            .param(param)
        })
}

fn only_service(ctx: &ApiContext, auth: SecretKeyAuth) -> AppResult<Service> {
    let catalog = ctx.catalog.current();
    let mut services = catalog.services().filter(|s| s.mode == auth.mode);
    match (services.next(), services.next()) {
        (Some(only), None) => Ok(only.clone()),
        _ => Err(ParamError::missing("service").into()),
    }
}
