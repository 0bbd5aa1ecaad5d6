//! `GET /openapi.json`: the OpenAPI 3.1 document of every route, generated from the
//! handlers' `#[utoipa::path]` annotations and the wire types' schemas. A route
//! added to `app()` is listed in `ApiDoc` too (a test compares the two).

use super::ApiContext;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Portico API",
        description = "The widget API (`/v1/embed`, authenticated by a session token), the admin API \
            (Stripe-compatible `/v1/billing_portal` and Flexprice-compatible `/v1/customers/portal`, \
            authenticated by a secret key) and the hosted portal pages. Errors are Stripe's \
            `{\"error\": {\"type\", \"code\", \"message\", \"param\"}}`.",
        license(name = "Apache-2.0")
    ),
    paths(
        health,
        ready,
        super::embed::create_session,
        super::embed::portal,
        super::subscriptions::sign_up,
        super::subscriptions::preview,
        super::subscriptions::change,
        super::subscriptions::resubscribe,
        super::cancellation::cancel,
        super::cancellation::resume,
        super::account::attach_card,
        super::account::invoices,
        super::account::invoice,
        super::account::invoice_pdf,
        super::account::update_customer,
        super::test_clock::advance,
        super::events::ingest,
        super::usage::usage,
        super::invoices::retrieve,
        super::invoices::admin_pdf,
        super::wallets::create,
        super::wallets::list,
        super::wallets::retrieve,
        super::wallets::grant,
        super::wallets::transactions,
        super::wallets::portal_wallets,
        super::configurations::list,
        super::configurations::create,
        super::configurations::retrieve,
        super::configurations::update,
        super::portal_sessions::create_session,
        super::portal_sessions::portal_token,
        super::hosted::open_link,
        super::hosted::portal_page,
        super::stripe::create_setup_intent,
        super::stripe::complete_setup_intent,
        super::stripe::webhook,
        super::stripe::list_events,
    ),
    modifiers(&Credentials, &KeyedAnswers),
    tags(
        (name = "widget", description = "What the embedded widget calls, with `x-session-token`"),
        (name = "billing_portal", description = "Stripe's customer portal API"),
        (name = "customers", description = "Flexprice's portal token"),
        (name = "stripe", description = "The Stripe provider's webhooks and the events they record"),
        (name = "hosted portal", description = "The full-page portal a session URL opens"),
        (name = "usage", description = "Usage metering, with a secret key"),
        (name = "invoices", description = "Invoices and their PDFs, with a secret key"),
        (name = "wallets", description = "Prepaid credits, with a secret key"),
        (name = "test helpers", description = "Test mode only"),
    )
)]
pub struct ApiDoc;

/// The three ways to authenticate: a widget session, and a secret key as a bearer
/// token (Stripe) or an `x-api-key` header (Flexprice).
struct Credentials;

impl Modify for Credentials {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session_token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("x-session-token"))),
        );
        components.add_security_scheme(
            "secret_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("x-api-key"))),
        );
    }
}

/// Every route that takes an `Idempotency-Key` can answer what the key decides:
/// `400` (reused with another request, or not a valid key) and `409` (in use, or
/// applied but unanswered). Added here so that no keyed route leaves them out.
struct KeyedAnswers;

impl Modify for KeyedAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, ResponseBuilder, content::Content};
        let error = || {
            Content::new(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                "ErrorBody",
            ))))
        };
        for item in openapi.paths.paths.values_mut() {
            let Some(operation) = item.post.as_mut() else {
                continue;
            };
            let keyed = operation
                .parameters
                .iter()
                .flatten()
                .any(|parameter| parameter.name == "Idempotency-Key");
            if !keyed {
                continue;
            }
            for (status, description, clause) in [
                (
                    "400",
                    "Invalid parameters, or an `Idempotency-Key` reused with another request",
                    "or an `Idempotency-Key` reused with another request",
                ),
                (
                    "409",
                    "Conflicting state, or an `Idempotency-Key` in use or applied but unanswered",
                    "or an `Idempotency-Key` in use or applied but unanswered",
                ),
            ] {
                let responses = &mut operation.responses.responses;
                match responses.get_mut(status) {
                    Some(RefOr::T(documented))
                        if !documented.description.contains("Idempotency-Key") =>
                    {
                        documented.description = format!("{}; {clause}", documented.description);
                    }
                    Some(_) => {}
                    None => {
                        responses.insert(
                            status.to_owned(),
                            ResponseBuilder::new()
                                .description(description)
                                .content("application/json", error())
                                .into(),
                        );
                    }
                }
            }
        }
    }
}

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .route("/health", get(health))
        .route("/ready", get(ready))
}

#[utoipa::path(get, path = "/health", tag = "hosted portal",
    responses((status = 200, description = "The server is up", body = Object, example = json!({"status": "ok"}))))]
async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// Readiness, for a load balancer: the process is up (`/health`) and reaches its
/// database. A server that cannot is taken out of rotation, not restarted.
#[utoipa::path(get, path = "/ready", tag = "hosted portal",
    responses(
        (status = 200, description = "The server reaches its database", body = Object, example = json!({"status": "ready"})),
        (status = 503, description = "The database cannot be reached", body = Object, example = json!({"status": "unavailable", "reason": "the database did not answer"}))))]
async fn ready(
    axum::extract::State(ctx): axum::extract::State<ApiContext>,
) -> (axum::http::StatusCode, Json<serde_json::Value>) {
    let answered = tokio::time::timeout(std::time::Duration::from_secs(2), ctx.store.ping()).await;
    match answered {
        Ok(Ok(())) => (
            axum::http::StatusCode::OK,
            Json(serde_json::json!({ "status": "ready" })),
        ),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the database is unreachable");
            unavailable("the database refused the check")
        }
        Err(_) => unavailable("the database did not answer within 2 s"),
    }
}

fn unavailable(reason: &str) -> (axum::http::StatusCode, Json<serde_json::Value>) {
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        Json(serde_json::json!({ "status": "unavailable", "reason": reason })),
    )
}
