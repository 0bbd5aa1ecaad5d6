//! The Stripe test peer: a `localstripe` process on a loopback port, from the
//! project's virtualenv (`cargo xtask setup` installs it), stopped on drop, and
//! the catalog both the API tests and the browser tests seed into it.
//!
//! Shared by `server/tests/api` (through `#[path]`) and this crate: it uses only
//! reqwest, serde_json and tokio, so neither harness depends on the other.

use portico_server::provider::{ProviderConfig, stripe};
use std::process::{Child, Command, Stdio};

pub const STRIPE_KEY: &str = "sk_test_localstripe";
pub const PUBLISHABLE_KEY: &str = "pk_test_localstripe";

#[derive(Debug)]
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

    /// Portico's provider settings for this peer: its API, its Stripe.js stand-in
    /// (served from `js_origin`), and the dialect that speaks to it.
    pub fn provider(&self, webhook_secret: Option<&str>, js_origin: &str) -> ProviderConfig {
        ProviderConfig::Stripe(stripe::StripeConfig {
            secret_key: STRIPE_KEY.into(),
            api_base: self.base.clone(),
            publishable_key: PUBLISHABLE_KEY.into(),
            js_url: format!("{js_origin}/js.stripe.com/v3/"),
            webhook_secret: webhook_secret.map(str::to_owned),
            dialect: stripe::dialect::Dialect::Localstripe,
        })
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

    /// What Stripe.js does in the browser: confirms the SetupIntent with a card.
    pub async fn confirm_setup_intent(
        &self,
        intent: &serde_json::Value,
        number: &str,
    ) -> reqwest::Response {
        let id = intent["id"].as_str().expect("a SetupIntent id");
        reqwest::Client::new()
            .post(format!("{}/v1/setup_intents/{id}/confirm", self.base))
            .json(&serde_json::json!({
                "key": PUBLISHABLE_KEY,
                "client_secret": intent["client_secret"],
                "payment_method_data": {"type": "card", "card": {
                    "number": number, "exp_month": "12", "exp_year": "2034", "cvc": "123"}}
            }))
            .send()
            .await
            .expect("localstripe answers")
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
    /// plans (and one in euros), and one product of another service that must not show.
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
        // `euro` is the golden catalog's plan in another currency (a change to it
        // must be refused).
        for (id, name, amount, currency, order) in [
            ("basic", "Basic", "1000", "usd", "1"),
            ("pro", "Pro", "3000", "usd", "2"),
            ("max", "Max", "9000", "usd", "3"),
            ("euro", "Euro", "1000", "eur", "4"),
        ] {
            self.post(
                "/v1/plans",
                &[
                    ("id", id),
                    ("nickname", name),
                    ("product", "prod_app"),
                    ("amount", amount),
                    ("currency", currency),
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
