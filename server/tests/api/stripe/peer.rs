//! The Stripe test peer: a `localstripe` process on a loopback port (from the
//! project's virtualenv, installed by `cargo xtask setup`), stopped on drop, and
//! a Portico server in Stripe mode against it.

use crate::helpers::{LIVE_KEY, TEST_KEY};
use jiff::SignedDuration;
use portico_server::clock::SystemClock;
use portico_server::provider::{ProviderConfig, stripe};
use portico_server::{Config, context, spawn};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use tempfile::TempDir;

pub const STRIPE_KEY: &str = "sk_test_localstripe";
pub const WEBHOOK_SECRET: &str = "whsec_portico_tests";

pub struct Localstripe {
    pub base: String,
    child: Child,
}

impl Drop for Localstripe {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Localstripe {
    pub async fn start() -> Self {
        let bin = concat!(env!("CARGO_MANIFEST_DIR"), "/../tools/venv/bin/localstripe");
        assert!(
            std::path::Path::new(bin).exists(),
            "{bin} is missing: run `cargo xtask setup` (it installs localstripe into tools/venv)"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(bin)
            .args(["--port", &port.to_string(), "--from-scratch"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start localstripe");
        let peer = Self {
            base: format!("http://127.0.0.1:{port}"),
            child,
        };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if client
                .get(format!("{}/js.stripe.com/v3/", peer.base))
                .send()
                .await
                .is_ok()
            {
                return peer;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("localstripe did not start on port {port}");
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> serde_json::Value {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.base))
            .bearer_auth(STRIPE_KEY)
            .form(form)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    pub async fn get(&self, path: &str) -> serde_json::Value {
        reqwest::Client::new()
            .get(format!("{}{path}", self.base))
            .bearer_auth(STRIPE_KEY)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The catalog the tests use: a product marked for `acme` with three monthly
    /// plans, and one product of another service that must not show.
    pub async fn seed(&self) {
        self.post(
            "/v1/products",
            &[
                ("id", "prod_app"),
                ("name", "App"),
                ("metadata[portico_service]", "acme"),
                ("metadata[portico_unit_label]", "seat"),
                ("metadata[portico_features]", "Dashboards; Exports"),
            ],
        )
        .await;
        for (id, amount, order) in [
            ("basic", "1000", "1"),
            ("pro", "3000", "2"),
            ("max", "9000", "3"),
        ] {
            self.post(
                "/v1/plans",
                &[
                    ("id", id),
                    ("product", "prod_app"),
                    ("amount", amount),
                    ("currency", "usd"),
                    ("interval", "month"),
                    ("metadata[portico_order]", order),
                ],
            )
            .await;
        }
        self.post(
            "/v1/products",
            &[
                ("id", "prod_other"),
                ("name", "Other"),
                ("metadata[portico_service]", "other"),
            ],
        )
        .await;
        self.post(
            "/v1/plans",
            &[
                ("id", "other"),
                ("product", "prod_other"),
                ("amount", "500"),
                ("currency", "usd"),
                ("interval", "month"),
            ],
        )
        .await;
    }

    /// A customer with `email` whose default card is `number`, made directly on
    /// the peer as Stripe.js would (the card never passes through Portico).
    pub async fn customer_with_card(&self, email: &str, number: &str) -> String {
        let customer = self.post("/v1/customers", &[("email", email)]).await;
        let id = customer["id"].as_str().unwrap().to_owned();
        let pm = self
            .post(
                "/v1/payment_methods",
                &[
                    ("type", "card"),
                    ("card[number]", number),
                    ("card[exp_month]", "12"),
                    ("card[exp_year]", "2034"),
                    ("card[cvc]", "123"),
                ],
            )
            .await;
        let pm = pm["id"].as_str().unwrap();
        self.post(
            &format!("/v1/payment_methods/{pm}/attach"),
            &[("customer", &id)],
        )
        .await;
        self.post(
            &format!("/v1/customers/{id}"),
            &[("invoice_settings[default_payment_method]", pm)],
        )
        .await;
        id
    }
}

pub const CATALOG: &str = r#"
[[services]]
name = "acme"
mode = "test"
allowed_origins = ["https://app.example.com"]
"#;

pub struct StripeApp {
    pub app: crate::helpers::TestApp,
    pub peer: Localstripe,
}

/// localstripe, seeded, and a Portico server in Stripe mode reading its catalog.
pub async fn spawn_stripe_app() -> StripeApp {
    let peer = Localstripe::start().await;
    peer.seed().await;
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
        provider: ProviderConfig::Stripe(stripe::StripeConfig {
            secret_key: STRIPE_KEY.into(),
            api_base: peer.base.clone(),
            publishable_key: "pk_test_localstripe".into(),
            js_url: format!("{}/js.stripe.com/v3/", peer.base),
            webhook_secret: Some(WEBHOOK_SECRET.into()),
            dialect: stripe::dialect::Dialect::Localstripe,
        }),
    };
    let ctx = context(&config, Arc::new(SystemClock))
        .await
        .expect("server context");
    let addr = spawn("127.0.0.1:0".parse().unwrap(), ctx).await.unwrap();
    let app = crate::helpers::TestApp::from_parts(format!("http://{addr}"), database, config, dir);
    StripeApp { app, peer }
}
