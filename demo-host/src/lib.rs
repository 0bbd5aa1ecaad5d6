//! The demo host: plays a SaaS that embeds Portico. It runs on its own origin,
//! computes the identity `hash` on its server side with the service's secret key
//! (exactly as an integrator would), and embeds the widget with one script tag.
//! Its page logs every `handleResponse` payload, which makes it the QA page too.
//!
//! Query parameters of `/` choose the scenario: `email` or `customer_id`, `service`,
//! `quantity` (raw JSON for `options.quantity`), `subscription_id`, and for QA
//! `hash` (sent instead of the computed one) or `nohash=1` (no hash at all), and
//! `mount=settings|queue` for the other two ways of embedding. `/load/portal` and
//! `/load/vanilla` are the load-time benchmark's two pages (`load_time`).

mod load_time;
mod page;
pub mod presets;
pub mod usage;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use std::sync::Arc;

/// A service the demo SaaS embeds, and the secret key of its mode.
#[derive(Clone)]
pub struct DemoService {
    pub name: String,
    pub secret_key: String,
}

impl std::fmt::Debug for DemoService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoService")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone)]
pub struct DemoConfig {
    /// Where Portico runs, e.g. `http://127.0.0.1:8080`.
    pub backend: String,
    /// The first one is the page's default.
    pub services: Vec<DemoService>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Scenario {
    /// One of [`presets::PRESETS`]: opens the portal as that customer.
    pub preset: Option<String>,
    pub email: Option<String>,
    pub customer_id: Option<String>,
    pub service: Option<String>,
    pub quantity: Option<String>,
    pub subscription_id: Option<String>,
    pub hash: Option<String>,
    pub nohash: Option<String>,
    /// `settings` (window.porticoSettings auto-mount) or `queue` (calls queued in
    /// `Portico.q` before an async script tag); default: a direct call.
    pub mount: Option<String>,
    /// QA: the page's `handleResponse` vetoes this `pre_*` event — `pre_cancel`
    /// returns `false`; `pre_cancel:promise` resolves to `false`; `pre_cancel:throw`
    /// throws; `pre_cancel:reject` rejects.
    pub veto: Option<String>,
    /// The embed config's `locale` (`en`, `de`, `fr`, `es`, `ar`).
    pub locale: Option<String>,
    /// `light`, `dark` or `auto`: the embed config's `theme.mode`.
    pub theme: Option<String>,
    /// CSS color for `theme.accent`.
    pub accent: Option<String>,
    /// QA: the page carries aggressive global CSS, to prove the portal is isolated.
    pub hostile: Option<String>,
}

pub fn app(config: DemoConfig) -> Router {
    Router::new()
        .route("/", get(settings_page))
        .route("/health", get(|| async { "ok" }))
        .route("/load/portal", get(load_time::portal_page))
        .route("/load/vanilla", get(load_time::vanilla_page))
        .with_state(Arc::new(config))
}

async fn settings_page(
    State(config): State<Arc<DemoConfig>>,
    Query(scenario): Query<Scenario>,
) -> Html<String> {
    Html(page::render(
        &config,
        &scenario,
        embed_config(&config, &scenario),
    ))
}

/// The config object the page passes to `Portico.customerPortal`, minus `handleResponse`.
pub fn embed_config(config: &DemoConfig, scenario: &Scenario) -> serde_json::Value {
    let service = scenario
        .service
        .clone()
        .or_else(|| config.services.first().map(|s| s.name.clone()))
        .unwrap_or_default();
    let mut embed = serde_json::Map::new();
    embed.insert("service".into(), service.clone().into());
    let preset_email = scenario.preset.as_deref().and_then(presets::email_for);
    let email = preset_email.or_else(|| scenario.email.clone());
    let identity = match (&email, &scenario.customer_id) {
        (None, None) => Some(("email", "ada@example.com".to_owned())),
        (Some(email), None) => Some(("email", email.clone())),
        (None, Some(id)) => Some(("customer_id", id.clone())),
        (Some(email), Some(id)) => {
            // QA scenario: both given, which the widget must refuse.
            embed.insert("customer_id".into(), id.clone().into());
            Some(("email", email.clone()))
        }
    };
    if let Some((key, value)) = &identity {
        embed.insert((*key).into(), value.clone().into());
    }
    let secret = config
        .services
        .iter()
        .find(|s| s.name == service)
        .map(|s| s.secret_key.as_str());
    let hash = match (&scenario.hash, scenario.nohash.is_some(), secret, &identity) {
        (Some(forced), _, _, _) => Some(forced.clone()),
        (None, true, _, _) | (None, false, None, _) | (None, false, _, None) => None,
        (None, false, Some(secret), Some((_, value))) => Some(sign(secret, value)),
    };
    if let Some(hash) = hash {
        embed.insert("hash".into(), hash.into());
    }
    if let Some(id) = &scenario.subscription_id {
        embed.insert("subscription_id".into(), id.clone().into());
    }
    if let Some(raw) = &scenario.quantity {
        // Raw JSON, so QA can pass bad values; anything unparsable goes as a string.
        let quantity =
            serde_json::from_str(raw).unwrap_or_else(|_| serde_json::Value::String(raw.clone()));
        embed.insert(
            "options".into(),
            serde_json::json!({ "quantity": quantity }),
        );
    }
    if let Some(locale) = scenario.locale.as_ref().filter(|l| !l.is_empty()) {
        embed.insert("locale".into(), locale.clone().into());
    }
    let mut theme = serde_json::Map::new();
    if let Some(mode) = scenario.theme.as_ref().filter(|m| !m.is_empty()) {
        theme.insert("mode".into(), mode.clone().into());
    }
    if let Some(accent) = scenario.accent.as_ref().filter(|a| !a.is_empty()) {
        theme.insert("accent".into(), accent.clone().into());
    }
    if !theme.is_empty() {
        embed.insert("theme".into(), theme.into());
    }
    serde_json::Value::Object(embed)
}

/// The integrator's side of the identity check: hex HMAC-SHA256 of the identity.
pub fn sign(secret_key: &str, identity: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret_key.as_bytes()).expect("HMAC takes any key length");
    mac.update(identity.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> DemoConfig {
        DemoConfig {
            backend: "http://127.0.0.1:8080".into(),
            services: vec![DemoService {
                name: "acme".into(),
                secret_key: "sk_test_demo".into(),
            }],
        }
    }

    #[test]
    fn computes_the_hash_server_side() {
        let scenario = Scenario {
            email: Some("ada@example.com".into()),
            ..Default::default()
        };
        let embed = embed_config(&config(), &scenario);
        assert_eq!(
            embed["hash"],
            "ac051452512c22a5c114d230e724ad33d15fae937aaa787cb13c83c010baaf33"
        );
        assert_eq!(embed["service"], "acme");
    }

    #[test]
    fn qa_overrides() {
        let forced = Scenario {
            hash: Some("00".into()),
            quantity: Some("-1".into()),
            ..Default::default()
        };
        let embed = embed_config(&config(), &forced);
        assert_eq!(embed["hash"], "00");
        assert_eq!(embed["options"]["quantity"], -1);
        let none = Scenario {
            nohash: Some("1".into()),
            quantity: Some("seats".into()),
            ..Default::default()
        };
        let embed = embed_config(&config(), &none);
        assert!(embed.get("hash").is_none());
        assert_eq!(embed["options"]["quantity"], "seats");
    }

    #[test]
    fn presets_open_the_portal_as_their_customer() {
        let scenario = |preset: &str| Scenario {
            preset: Some(preset.to_owned()),
            email: Some("ignored@example.com".into()),
            ..Scenario::default()
        };
        let embed = embed_config(&config(), &scenario("past_due"));
        assert_eq!(embed["email"], "pastdue@example.com");
        let first = embed_config(&config(), &scenario("new"));
        let second = embed_config(&config(), &scenario("new"));
        assert_ne!(first["email"], second["email"], "a new customer every time");
        assert!(first["email"].as_str().unwrap().starts_with("new-"));
    }
}
