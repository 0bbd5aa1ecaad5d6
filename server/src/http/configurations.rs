//! `/v1/billing_portal/configurations`: Stripe's portal configuration API — create,
//! update, retrieve, list — authenticated with a secret key, whose mode the
//! configurations live in.

use super::api_key::SecretKeyAuth;
use super::params::{Params, QueryParams};
use super::{ApiContext, AppError, AppResult};
use crate::portal::{configuration, new_id};
use crate::store::ListQuery;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use portico_wire::ErrorCode;
use portico_wire::billing_portal::params::{ConfigurationParams, ListParams};
use portico_wire::billing_portal::{Configuration, List};

const PATH: &str = "/v1/billing_portal/configurations";

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/configurations", get(list).post(create))
        .route("/configurations/{id}", get(retrieve).post(update))
}

#[utoipa::path(post, path = "/v1/billing_portal/configurations", operation_id = "create_billing_portal_configuration", tag = "billing_portal", security(("secret_key" = [])),
    request_body(content(
        (portico_wire::billing_portal::params::ConfigurationParams = "application/x-www-form-urlencoded"),
        (portico_wire::billing_portal::params::ConfigurationParams = "application/json"))),
    responses((status = 200, description = "The new configuration", body = portico_wire::billing_portal::Configuration),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody),
        (status = 415, description = "Unsupported content type", body = portico_wire::ErrorBody)))]
async fn create(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    Params(params): Params<ConfigurationParams>,
) -> AppResult<Json<Configuration>> {
    let created = configuration::create(
        params,
        &ctx.catalog.current(),
        auth.mode,
        new_id("bpc_"),
        ctx.now(),
    )?;
    ctx.store.insert_configuration(&created).await?;
    tracing::info!(configuration = %created.id, livemode = created.livemode, "portal configuration created");
    Ok(Json(created))
}

#[utoipa::path(post, path = "/v1/billing_portal/configurations/{id}", operation_id = "update_billing_portal_configuration", tag = "billing_portal", security(("secret_key" = [])),
    params(("id" = String, Path, description = "The configuration (`bpc_…`)")),
    request_body(content(
        (portico_wire::billing_portal::params::ConfigurationParams = "application/x-www-form-urlencoded"),
        (portico_wire::billing_portal::params::ConfigurationParams = "application/json"))),
    responses((status = 200, description = "The updated configuration", body = portico_wire::billing_portal::Configuration),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody),
        (status = 415, description = "Unsupported content type", body = portico_wire::ErrorBody)))]
async fn update(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    Path(id): Path<String>,
    Params(params): Params<ConfigurationParams>,
) -> AppResult<Json<Configuration>> {
    let existing = find(&ctx, auth, &id, "id").await?;
    let updated = configuration::update(existing, params, &ctx.catalog.current(), ctx.now())?;
    ctx.store.save_configuration(&updated).await?;
    Ok(Json(updated))
}

#[utoipa::path(get, path = "/v1/billing_portal/configurations/{id}", operation_id = "retrieve_billing_portal_configuration", tag = "billing_portal", security(("secret_key" = [])),
    params(("id" = String, Path, description = "The configuration (`bpc_…`)")),
    responses((status = 200, description = "The configuration", body = portico_wire::billing_portal::Configuration),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody)))]
async fn retrieve(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    Path(id): Path<String>,
) -> AppResult<Json<Configuration>> {
    find(&ctx, auth, &id, "id").await.map(Json)
}

#[utoipa::path(get, path = "/v1/billing_portal/configurations", operation_id = "list_billing_portal_configurations", tag = "billing_portal", security(("secret_key" = [])),
    params(
        ("active" = Option<bool>, Query, description = "Only active (or inactive) configurations"),
        ("is_default" = Option<bool>, Query, description = "Only the default (or the others)"),
        ("limit" = Option<u32>, Query, description = "1 to 100; default 10"),
        ("starting_after" = Option<String>, Query, description = "A cursor: the page after this id"),
        ("ending_before" = Option<String>, Query, description = "A cursor: the page before this id")),
    responses((status = 200, description = "A page, newest first", body = portico_wire::billing_portal::List<portico_wire::billing_portal::Configuration>),
        (status = 400, description = "Invalid parameters; `param` names the one at fault", body = portico_wire::ErrorBody),
        (status = 401, description = "Missing, expired or invalid credentials", body = portico_wire::ErrorBody),
        (status = 404, description = "No such object", body = portico_wire::ErrorBody)))]
async fn list(
    State(ctx): State<ApiContext>,
    auth: SecretKeyAuth,
    QueryParams(params): QueryParams<ListParams>,
) -> AppResult<Json<List<Configuration>>> {
    let limit = params.limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            format!("Invalid `limit`: {limit}; it must be between 1 and 100."),
        )
        .param("limit"));
    }
    if params.starting_after.is_some() && params.ending_before.is_some() {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRequest,
            "Pass `starting_after` or `ending_before`, not both.",
        )
        .param("ending_before"));
    }
    for (param, cursor) in [
        ("starting_after", &params.starting_after),
        ("ending_before", &params.ending_before),
    ] {
        if let Some(id) = cursor {
            find(&ctx, auth, id, param).await?;
        }
    }
    let (data, has_more) = ctx
        .store
        .list_configurations(&ListQuery {
            livemode: auth.livemode(),
            active: params.active,
            is_default: params.is_default,
            limit,
            starting_after: params.starting_after,
            ending_before: params.ending_before,
        })
        .await?;
    Ok(Json(List {
        object: "list".to_owned(),
        data,
        has_more,
        url: PATH.to_owned(),
    }))
}

/// The configuration `id` of the key's mode.
pub async fn find(
    ctx: &ApiContext,
    auth: SecretKeyAuth,
    id: &str,
    param: &str,
) -> AppResult<Configuration> {
    // One of the other mode is no such object: a key learns nothing of the
    // other mode.
    match ctx.store.configuration(id).await? {
        Some(found) if found.livemode == auth.livemode() => Ok(found),
        _ => Err(AppError::not_found(
            ErrorCode::ResourceMissing,
            format!("No such billing portal configuration: '{id}'."),
        )
        .param(param)),
    }
}

pub fn mode_name(livemode: bool) -> &'static str {
    if livemode { "live" } else { "test" }
}
