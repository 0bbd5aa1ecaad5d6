//! A Portico server in Stripe mode against a fresh, seeded localstripe.

use crate::helpers::{LIVE_KEY, TEST_KEY};
use jiff::SignedDuration;
use portico_server::clock::SystemClock;
use portico_server::{Config, context, spawn};
use std::sync::Arc;
use tempfile::TempDir;

#[path = "../../../../tests/src/localstripe.rs"]
mod localstripe;
pub use localstripe::Localstripe;

pub const WEBHOOK_SECRET: &str = "whsec_portico_tests";

pub const CATALOG: &str = r#"
[[services]]
name = "acme"
mode = "test"
allowed_origins = ["https://app.example.com"]
meters = ["api_calls"]

[[meters]]
key = "api_calls"
name = "API calls"
unit = "calls"
"#;

pub struct StripeApp {
    pub app: crate::helpers::TestApp,
    pub peer: Localstripe,
}

/// localstripe, seeded, and a Portico server in Stripe mode reading its catalog.
pub async fn spawn_stripe_app() -> StripeApp {
    let peer = Localstripe::start().await;
    peer.seed().await;
    spawn_on(peer, Some(WEBHOOK_SECRET)).await
}

/// A Portico server in Stripe mode on `peer` as it is now (the plans are read at
/// start), with the webhook signing secret `webhook_secret` or none.
pub async fn spawn_on(peer: Localstripe, webhook_secret: Option<&str>) -> StripeApp {
    let dir = TempDir::new().unwrap();
    let catalog = dir.path().join("catalog.toml");
    std::fs::write(&catalog, CATALOG).unwrap();
    let database = dir.path().join("portico.db").display().to_string();
    let config = Config {
        database: database.clone(),
        catalog: Some(catalog),
        assets_dir: None,
        test_secret_key: Some(TEST_KEY.into()),
        live_secret_key: Some(LIVE_KEY.into()),
        session_ttl: SignedDuration::from_hours(1),
        public_url: None,
        provider: peer.provider(webhook_secret, &peer.base),
        rate_limits: crate::helpers::test_rate_limits(),
    };
    let ctx = context(&config, Arc::new(SystemClock))
        .await
        .expect("server context");
    let addr = spawn("127.0.0.1:0".parse().unwrap(), ctx).await.unwrap();
    let app = crate::helpers::TestApp::from_parts(format!("http://{addr}"), database, config, dir);
    StripeApp { app, peer }
}
