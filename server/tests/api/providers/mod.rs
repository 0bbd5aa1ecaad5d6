//! The API test of each portal operation against both providers: every test is
//! one `async fn` taking a [`Backend`], run once on the built-in engine and once
//! on Stripe (against localstripe) by [`both!`], so the two run in parallel and a
//! failure names its provider (`…::signup::engine`, `…::signup::stripe`).
//!
//! Each test checks what the response says and that it holds afterwards: in the
//! portal or the invoice list and, on Stripe, in what localstripe holds.

mod billing;
mod changes;
mod lifecycle;
mod scope;

use crate::helpers::{TestApp, spawn_app};
use crate::stripe::peer::{Localstripe, spawn_stripe_app};
use serde_json::{Value, json};

/// The service of both catalogs (the engine's test catalog, localstripe's seed).
pub const SERVICE: &str = "acme";

/// A card both providers charge successfully.
pub const CARD: &str = "4242424242424242";

/// `test_name` as two `#[tokio::test]`s, `test_name::engine` and
/// `test_name::stripe`, each calling `test_name(Backend::…)`.
macro_rules! both {
    ($($test:ident),+ $(,)?) => {$(
        mod $test {
            #[tokio::test]
            async fn engine() {
                super::$test($crate::providers::Backend::Engine).await;
            }

            #[tokio::test]
            async fn stripe() {
                super::$test($crate::providers::Backend::Stripe).await;
            }
        }
    )+};
}
use both;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Engine,
    Stripe,
}

/// A Portico server on one provider, and what a test needs to know of its catalog.
pub struct Harness {
    pub backend: Backend,
    pub app: TestApp,
    /// localstripe, on Stripe.
    pub peer: Option<Localstripe>,
    /// Two monthly plans in dollars, the second dearer and priced per `seat`:
    /// the engine's Starter and Team, localstripe's Basic and Pro.
    pub plans: [&'static str; 2],
}

impl Backend {
    pub async fn spawn(self) -> Harness {
        match self {
            Backend::Engine => Harness {
                backend: self,
                app: spawn_app().await,
                peer: None,
                plans: ["starter", "team"],
            },
            Backend::Stripe => {
                let s = spawn_stripe_app().await;
                Harness {
                    backend: self,
                    app: s.app,
                    peer: Some(s.peer),
                    plans: ["basic", "pro"],
                }
            }
        }
    }
}

impl Harness {
    /// A session of `email`'s customer in the service.
    pub async fn session(&self, email: &str) -> String {
        self.app
            .session(json!({"service": SERVICE, "email": email}))
            .await
    }

    /// Gives `email`'s customer a card that pays, the provider's way, and returns
    /// the customer's id: on the engine through Portico's own card form, on Stripe
    /// made on the peer as Stripe.js would.
    pub async fn customer_with_card(&self, email: &str) -> String {
        match &self.peer {
            Some(peer) => peer.customer_with_card(email, CARD).await,
            None => {
                let token = self.session(email).await;
                let card = json!({"number": CARD, "exp_month": 12, "exp_year": 2040, "cvc": "123"});
                self.post(&token, "/v1/embed/payment_methods", card, 201)
                    .await;
                let portal = self.portal(&token).await;
                portal["customer"]["id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("the customer exists: {portal}"))
                    .to_owned()
            }
        }
    }

    /// A customer with a card, signed up to the first plan: the session token,
    /// the customer id and the signup's answer.
    pub async fn signed_up(&self, email: &str) -> (String, String, Value) {
        let customer = self.customer_with_card(email).await;
        let token = self.session(email).await;
        let signed = self
            .post(
                &token,
                "/v1/embed/subscriptions",
                json!({"plan": self.plans[0]}),
                201,
            )
            .await;
        (token, customer, signed)
    }

    /// A POST with the session token that must answer `status`; its body.
    pub async fn post(&self, token: &str, path: &str, body: Value, status: u16) -> Value {
        let response = self.app.post_json(path, Some(token), body).await;
        self.answer(response, status, &format!("POST {path}")).await
    }

    /// The body of `response`, which must answer `status`.
    pub async fn answer(&self, response: reqwest::Response, status: u16, what: &str) -> Value {
        let got = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(got, status, "{:?}: {what}: {body}", self.backend);
        body
    }

    /// The error code and param of a response that must answer `status`.
    pub async fn refusal(
        &self,
        response: reqwest::Response,
        status: u16,
        what: &str,
    ) -> (Value, Value) {
        let body = self.answer(response, status, what).await;
        (
            body["error"]["code"].clone(),
            body["error"]["param"].clone(),
        )
    }

    pub async fn portal(&self, token: &str) -> Value {
        let response = self.app.get_portal(token).await;
        self.answer(response, 200, "GET /v1/embed/portal").await
    }

    /// Subscription `id` as the portal of `token` lists it.
    pub async fn listed(&self, token: &str, id: &str) -> Value {
        let portal = self.portal(token).await;
        portal["subscriptions"]
            .as_array()
            .expect("the portal lists subscriptions")
            .iter()
            .find(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("{:?}: the portal lists {id}: {portal}", self.backend))
            .clone()
    }

    /// Subscription `id` at Stripe, on Stripe.
    pub async fn at_stripe(&self, id: &str) -> Option<Value> {
        match &self.peer {
            Some(peer) => Some(peer.get(&format!("/v1/subscriptions/{id}")).await),
            None => None,
        }
    }
}

/// The path of an action on subscription `id`.
pub fn action(id: &str, what: &str) -> String {
    format!("/v1/embed/subscriptions/{id}/{what}")
}

/// The id of the subscription in an action's answer.
pub fn id_of(answer: &Value) -> String {
    answer["subscription"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a subscription: {answer}"))
        .to_owned()
}

/// How many seats `subscription` has: the quantity of its item priced per `seat`.
pub fn seats(subscription: &Value) -> &Value {
    &subscription["items"]
        .as_array()
        .expect("a subscription has items")
        .iter()
        .find(|item| item["unit_label"] == "seat")
        .unwrap_or_else(|| panic!("an item priced per seat: {subscription}"))["quantity"]
}
