//! The hosted portal: the page a portal session's URL opens, the widget full-page.
//!
//! `/p/session/{login}` logs in once (within five minutes) and moves on to
//! `/p/portal`, so the link leaves the address bar and the history at once; the
//! session then rides in an HttpOnly, `SameSite=Strict` cookie for at most an hour.
//! Only such a one-time link sets the cookie: a hosted portal session's, or a
//! Flexprice token's. Every page is sent with a strict CSP.

use super::hosted_csp::{card_sources, secure_headers, with_card_sources};
use super::portal_sessions::{MAX_SESSION, widget_session};
use super::{ApiContext, AppError};
use crate::auth::{new_session_token, random_alphanumeric, token_digest};
use crate::store::{LinkRefused, SessionRow};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

const COOKIE: &str = "portico_portal";

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/p/session/{login}", get(open_link))
        .route("/p/portal", get(portal_page))
}

#[utoipa::path(get, path = "/p/session/{login}", tag = "hosted portal",
    params(("login" = String, Path, description = "The login token of a session URL")),
    responses((status = 200, description = "Logged in: a page that moves on to `/p/portal`, the session in an HttpOnly, SameSite=Strict cookie", content_type = "text/html"),
        (status = 404, description = "An unknown link (an HTML page)", content_type = "text/html"),
        (status = 410, description = "An expired or already used link (an HTML page)", content_type = "text/html")))]
async fn open_link(
    State(ctx): State<ApiContext>,
    Path(login): Path<String>,
    headers: HeaderMap,
) -> Response {
    match open(&ctx, &login, &headers).await {
        Ok(response) => response,
        Err(error) => failure(error),
    }
}

async fn open(ctx: &ApiContext, login: &str, headers: &HeaderMap) -> Result<Response, AppError> {
    let now = ctx.now();
    let digest = token_digest(login);
    let opened = match ctx.store.open_portal_link(&digest, now).await? {
        // Not a hosted portal session's link: perhaps a Flexprice token's.
        Err(LinkRefused::Unknown) => match ctx.store.open_session_login(&digest, now).await? {
            // A new token (the one in the API's answer stays with the integrator)
            // for the same read-only session.
            Ok(session) => {
                let row = SessionRow {
                    created: now,
                    ..session
                };
                return log_in(ctx, row, headers, now).await;
            }
            Err(why) => Err(why),
        },
        other => other,
    };
    let session = match opened {
        Ok(session) => session,
        Err(LinkRefused::Used) => {
            return Ok(notice(
                StatusCode::GONE,
                "This link was already used",
                "For your security, a billing portal link opens only once. Go back to the site and open billing again.",
            ));
        }
        Err(LinkRefused::Expired) => {
            return Ok(notice(
                StatusCode::GONE,
                "This link has expired",
                "Billing portal links work for five minutes. Go back to the site and open billing again.",
            ));
        }
        Err(LinkRefused::Unknown) => {
            return Ok(notice(
                StatusCode::NOT_FOUND,
                "This link is not valid",
                "Check that the whole link was copied, or go back to the site and open billing again.",
            ));
        }
    };
    let customer = ctx
        .provider
        .admin_customer(crate::provider::AdminLookup::Id(&session.customer))
        .await?
        .ok_or_else(|| {
            AppError::Internal(format!(
                "the customer `{}` of a portal session vanished",
                session.customer
            ))
        })?;
    let service = ctx
        .catalog
        .current()
        .service_named(&session.service)
        .cloned()
        .ok_or_else(|| AppError::Internal(format!("service `{}` vanished", session.service)))?;
    let expires_at = now + MAX_SESSION.min(ctx.session_ttl.as_secs());
    let row = widget_session(
        &customer,
        &service,
        now,
        expires_at,
        false,
        Some(session.configuration),
        Some(session.id),
    );
    log_in(ctx, row, headers, now).await
}

/// Stores `row` under a new token and hands the token to the browser's cookie.
async fn log_in(
    ctx: &ApiContext,
    row: SessionRow,
    headers: &HeaderMap,
    now: i64,
) -> Result<Response, AppError> {
    let token = new_session_token();
    ctx.store
        .insert_session(&token_digest(&token), &row)
        .await?;
    Ok(to_portal(
        &token,
        row.expires_at - now,
        ctx.base_url(headers).starts_with("https:"),
    ))
}

/// On to the clean portal URL, the session in a cookie only this server reads and
/// no other site's page can make a browser send.
fn to_portal(token: &str, max_age: i64, secure: bool) -> Response {
    let cookie = format!(
        "{COOKIE}={token}; Path=/p/; Max-Age={max_age}; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    );
    let nonce = random_alphanumeric(22);
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        super::hosted_page::continue_to_portal(&nonce),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    secure_headers(response, "'none'", Some(&nonce))
}

#[derive(Debug, Deserialize)]
struct PageQuery {
    token: Option<String>,
}

#[utoipa::path(get, path = "/p/portal", tag = "hosted portal",
    params(("token" = Option<String>, Query, description = "Refused: a token in a URL never opens the portal (open the token's one-time `url` instead)")),
    responses((status = 200, description = "The hosted portal (an HTML page)", content_type = "text/html"),
        (status = 400, description = "A token in the URL: a page that says to open billing again", content_type = "text/html"),
        (status = 401, description = "No live session: a page that says so", content_type = "text/html")))]
async fn portal_page(
    State(ctx): State<ApiContext>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    match page(&ctx, query, &headers).await {
        Ok(response) => response,
        Err(error) => failure(error),
    }
}

async fn page(
    ctx: &ApiContext,
    query: PageQuery,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let now = ctx.now();
    if query.token.is_some() {
        // A token in a URL never sets the cookie: any page could link a visitor
        // into a session of its choosing. Only a one-time link logs in.
        return Ok(notice(
            StatusCode::BAD_REQUEST,
            "This link cannot open billing",
            "Billing opens from a one-time link. Go back to the site and open billing again.",
        ));
    }
    let Some(token) = cookie(headers) else {
        return Ok(ended());
    };
    let Some(row) = ctx.store.live_session(&token_digest(&token), now).await? else {
        return Ok(ended());
    };
    render(ctx, &row, &token).await
}

async fn render(ctx: &ApiContext, row: &SessionRow, token: &str) -> Result<Response, AppError> {
    let hosted = match &row.billing_portal_session {
        Some(id) => ctx.store.portal_session(id).await?,
        None => None,
    };
    let service = ctx
        .catalog
        .current()
        .service_named(&row.service)
        .cloned()
        .ok_or_else(|| AppError::Internal(format!("service `{}` vanished", row.service)))?;
    let configuration = super::session::session_configuration(ctx, row, &service).await?;
    let return_url = hosted
        .as_ref()
        .and_then(|h| h.return_url.clone())
        .or(configuration.default_return_url.clone());
    let locale = hosted
        .as_ref()
        .and_then(|h| h.locale.clone())
        .filter(|l| l != "auto");
    let nonce = random_alphanumeric(22);
    let profile = &configuration.business_profile;
    let mut embed = serde_json::json!({ "session": token });
    if let Some(locale) = &locale {
        embed["locale"] = locale.clone().into();
    }
    let html = super::hosted_page::page(&super::hosted_page::Page {
        nonce: &nonce,
        lang: locale.as_deref().unwrap_or("en"),
        headline: profile.headline.as_deref(),
        return_url: return_url.as_deref(),
        privacy_policy_url: profile.privacy_policy_url.as_deref(),
        terms_of_service_url: profile.terms_of_service_url.as_deref(),
        embed: &embed,
    });
    let ancestors = if service.allowed_origins.is_empty() {
        "'none'".to_owned()
    } else {
        service
            .allowed_origins
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    let card = card_sources(&ctx.provider.card_entry());
    Ok(with_card_sources(
        secure_headers(response, &ancestors, Some(&nonce)),
        &card,
    ))
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

fn ended() -> Response {
    notice(
        StatusCode::UNAUTHORIZED,
        "Your billing session has ended",
        "Billing portal sessions last an hour. Go back to the site and open billing again.",
    )
}

fn failure(error: AppError) -> Response {
    if let AppError::Internal(detail) = &error {
        tracing::error!(%detail, "hosted portal");
    }
    notice(
        StatusCode::INTERNAL_SERVER_ERROR,
        "The billing portal could not be opened",
        "Something went wrong on our side; it has been logged. Please try again in a moment.",
    )
}

fn notice(status: StatusCode, title: &str, body: &str) -> Response {
    let nonce = random_alphanumeric(22);
    let html = super::hosted_page::notice(&nonce, title, body);
    let response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response();
    secure_headers(response, "'none'", Some(&nonce))
}
