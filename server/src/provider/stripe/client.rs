//! A thin typed client for Stripe's REST API: form-encoded bodies in Stripe's
//! bracket notation, `Authorization: Bearer`, an `Idempotency-Key` on every
//! mutation, and Stripe's error object parsed into [`StripeError`].
//!
//! Why not async-stripe: Portico calls about fifteen endpoints; async-stripe
//! generates every Stripe object and takes minutes to compile on our two-core
//! machines, pinning an API version we would then follow. reqwest is already in
//! the tree (native-tls, as the e2e crate's WebDriver client uses).

use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// Stripe's API base, the default when none is configured.
pub const STRIPE_API_BASE: &str = "https://api.stripe.com";

#[derive(Clone)]
pub struct StripeClient {
    http: reqwest::Client,
    base: String,
    secret_key: String,
}

impl std::fmt::Debug for StripeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// What a call to Stripe can end with, short of success.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StripeError {
    /// Stripe answered with its error object.
    #[error("Stripe {status}: {}", .error.message)]
    Api { status: u16, error: ApiErrorObject },
    /// Stripe could not be reached, or answered with something that is not JSON.
    #[error("Stripe unreachable or unreadable: {0}")]
    Transport(String),
}

/// Stripe's `error` object (`{"error": {...}}`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ApiErrorObject {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub decline_code: Option<String>,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub param: Option<String>,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ApiErrorObject,
}

/// A form body in Stripe's bracket notation, built in order.
#[derive(Debug, Clone, Default)]
pub struct Form(Vec<(String, String)>);

impl Form {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.0.push((key.into(), value.to_string()));
        self
    }

    pub fn set_opt(self, key: impl Into<String>, value: Option<impl ToString>) -> Self {
        match value {
            Some(value) => self.set(key, value),
            None => self,
        }
    }

    /// The form without the keys that start with `prefix`.
    pub fn without(mut self, prefix: &str) -> Self {
        self.0.retain(|(key, _)| !key.starts_with(prefix));
        self
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    fn encode(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.0.iter())
            .finish()
    }
}

impl StripeClient {
    pub fn new(base: &str, secret_key: &str) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("portico/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("the HTTP client: {e}"))?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
            secret_key: secret_key.to_owned(),
        })
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &Form,
    ) -> Result<T, StripeError> {
        let url = if query.0.is_empty() {
            format!("{}{path}", self.base)
        } else {
            format!("{}{path}?{}", self.base, query.encode())
        };
        self.send(self.http.get(url)).await
    }

    /// A mutation; `idempotency_key` is forwarded so that Stripe, too, acts once.
    pub async fn post<T: DeserializeOwned>(
        &self,
        path: &str,
        form: &Form,
        idempotency_key: Option<&str>,
    ) -> Result<T, StripeError> {
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(form.encode());
        self.send(with_key(request, idempotency_key)).await
    }

    pub async fn delete<T: DeserializeOwned>(
        &self,
        path: &str,
        form: &Form,
        idempotency_key: Option<&str>,
    ) -> Result<T, StripeError> {
        // Stripe's libraries send a DELETE's parameters in the query string.
        let request = self
            .http
            .delete(format!("{}{path}?{}", self.base, form.encode()));
        self.send(with_key(request, idempotency_key)).await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, StripeError> {
        let response = request
            .bearer_auth(&self.secret_key)
            .send()
            .await
            .map_err(|e| StripeError::Transport(e.without_url().to_string()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| StripeError::Transport(e.without_url().to_string()))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| StripeError::Transport(format!("an unexpected {status} body: {e}")));
        }
        let error = serde_json::from_slice::<ErrorEnvelope>(&bytes)
            .map(|envelope| envelope.error)
            .unwrap_or_else(|_| ApiErrorObject {
                message: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
                ..ApiErrorObject::default()
            });
        Err(StripeError::Api {
            status: status.as_u16(),
            error,
        })
    }
}

fn with_key(request: reqwest::RequestBuilder, key: Option<&str>) -> reqwest::RequestBuilder {
    match key {
        Some(key) => request.header("Idempotency-Key", key),
        None => request,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_keep_bracket_keys_and_order() {
        let form = Form::new()
            .set("items[0][price]", "price_1")
            .set("items[0][quantity]", 3)
            .set_opt("metadata[portico_service]", Some("acme"))
            .set_opt("trial_end", None::<i64>);
        assert_eq!(
            form.encode(),
            "items%5B0%5D%5Bprice%5D=price_1&items%5B0%5D%5Bquantity%5D=3&metadata%5Bportico_service%5D=acme"
        );
    }
}
