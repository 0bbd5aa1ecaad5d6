//! Calls to the widget API (`/v1/embed/…`) as the embedded portal makes them: from
//! the host's origin, with the session token in `X-Session-Token`.

use crate::helpers::{HOST_ORIGIN, TestApp};
use serde_json::{Value, json};

impl TestApp {
    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(path))
            .header("origin", HOST_ORIGIN)
            .json(&body);
        if let Some(token) = token {
            request = request.header("x-session-token", token);
        }
        request.send().await.unwrap()
    }

    /// `GET` with the session token, whatever it answers.
    pub async fn session_get(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("origin", HOST_ORIGIN)
            .header("x-session-token", token)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_portal(&self, token: &str) -> reqwest::Response {
        self.session_get("/v1/embed/portal", token).await
    }

    /// `GET` with the session token, asserting it answers 200.
    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        let response = self.session_get(path, token).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    /// Exchanges an identity and returns the session token, asserting success.
    pub async fn session(&self, body: Value) -> String {
        let response = self.post_json("/v1/embed/sessions", None, body).await;
        assert_eq!(response.status(), 201);
        let json: Value = response.json().await.unwrap();
        json["token"].as_str().unwrap().to_owned()
    }

    /// A session of `email`'s customer in `service` that saves a test card that
    /// pays, then signs up with `signup` (`{"plan": …}`): the session token and the
    /// signup's answer, both asserted to succeed.
    pub async fn signed_up_with_card(
        &self,
        service: &str,
        email: &str,
        signup: Value,
    ) -> (String, Value) {
        let token = self
            .session(json!({"service": service, "email": email}))
            .await;
        let card =
            json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"});
        let attached = self
            .post_json("/v1/embed/payment_methods", Some(&token), card)
            .await;
        assert_eq!(attached.status(), 201, "the card is saved");
        let response = self
            .post_json("/v1/embed/subscriptions", Some(&token), signup)
            .await;
        let status = response.status();
        let created: Value = response.json().await.unwrap();
        assert_eq!(status, 201, "{created}");
        (token, created)
    }
}
