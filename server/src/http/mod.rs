//! The HTTP shell: one [`ApiContext`], one `router()` per resource, one error type.

mod account;
mod api_key;
mod assets;
mod cancellation;
mod configurations;
mod embed;
mod error;
mod events;
mod hosted;
mod hosted_csp;
mod hosted_page;
mod idempotency;
mod invoices;
#[cfg(test)]
mod never_panics;
mod openapi;
mod params;
mod portal_sessions;
mod rate_limit;
mod session;
mod stripe;
mod subscriptions;
mod test_clock;
#[doc(hidden)]
pub mod untrusted;
mod usage;
mod wallets;

pub use api_key::SecretKeyAuth;
pub use error::{AppError, AppResult, JsonBody};
pub use idempotency::{
    IN_FLIGHT_LEASE as IDEMPOTENCY_IN_FLIGHT_LEASE, IdempotencyKey,
    KEPT_FOR_SECONDS as IDEMPOTENCY_KEY_LIFETIME,
};
pub use openapi::ApiDoc;
pub use portal_sessions::open_session as open_portal_session;
pub use rate_limit::{RateLimitConfig, RateLimits};
pub use session::PortalSession;

use crate::assets::Assets;
use crate::auth::SecretKey;
use crate::catalog::{Mode, SharedCatalog};
use crate::clock::Clock;
use crate::store::Store;
use axum::Router;
use jiff::SignedDuration;
use std::sync::Arc;
use tower_http::trace::TraceLayer;

/// The secret key of each mode.
#[derive(Debug, Clone)]
pub struct Keys {
    pub test: SecretKey,
    pub live: SecretKey,
}

impl Keys {
    pub fn for_mode(&self, mode: Mode) -> &SecretKey {
        if mode.is_live() {
            &self.live
        } else {
            &self.test
        }
    }
}

/// Everything a handler may need, cheap to clone.
#[derive(Debug, Clone)]
pub struct ApiContext {
    pub store: Store,
    /// The services and plans; the provider's plans replace the file's.
    pub catalog: SharedCatalog,
    pub clock: Arc<dyn Clock>,
    pub keys: Arc<Keys>,
    pub assets: Arc<Assets>,
    pub session_ttl: SignedDuration,
    /// Where customers reach this server; `None`: the request's `Host`.
    pub public_url: Option<String>,
    /// Who holds the billing: the built-in engine or Stripe.
    pub provider: crate::provider::Provider,
    /// Per client and per service budgets.
    pub limits: Arc<RateLimits>,
}

impl ApiContext {
    /// Unix seconds now, by the context's clock.
    pub fn now(&self) -> i64 {
        self.clock.now().as_second()
    }

    /// The base of the portal links handed out: the configured public URL, or
    /// `http://{Host}` of the request (fine behind no proxy, e.g. in development).
    pub fn base_url(&self, headers: &axum::http::HeaderMap) -> String {
        if let Some(url) = &self.public_url {
            return url.clone();
        }
        let host = headers
            .get(axum::http::header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        format!("http://{host}")
    }
}

/// [`app`] as the server runs it: each request knows its peer's address (for the
/// per-client rate limits).
pub fn service(
    ctx: ApiContext,
) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, std::net::SocketAddr> {
    app(ctx).into_make_service_with_connect_info::<std::net::SocketAddr>()
}

pub fn app(ctx: ApiContext) -> Router {
    let routes = Router::new()
        .merge(openapi::router())
        .merge(assets::router())
        .merge(hosted::router())
        .nest("/v1/embed", embed::router(&ctx))
        .nest("/v1/test_helpers", test_clock::router())
        .nest(
            "/v1/billing_portal",
            configurations::router().merge(portal_sessions::billing_portal_router()),
        )
        .nest("/v1/customers", portal_sessions::customers_router())
        .nest("/v1/invoices", invoices::router())
        .nest(
            "/v1",
            events::router()
                .merge(wallets::router())
                .merge(stripe::webhook_router())
                .merge(stripe::events_router()),
        )
        .with_state(ctx);
    served(routes)
}

/// Every route's outer layers: tracing, and a handler that panics answers 500 while
/// the server keeps serving every other customer.
fn served(routes: Router) -> Router {
    routes.layer(TraceLayer::new_for_http()).layer(
        tower_http::catch_panic::CatchPanicLayer::custom(error::panicked),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_panicking_handler_answers_500_and_the_next_request_is_served() {
        async fn boom() -> &'static str {
            panic!("boom")
        }
        let routes = Router::new()
            .route("/boom", axum::routing::get(boom))
            .route("/ok", axum::routing::get(|| async { "ok" }));
        let app = served(routes);

        let response = app
            .clone()
            .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 500);
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "internal_error", "{body}");

        let response = app
            .oneshot(Request::get("/ok").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }
}
