//! The widget API client. The session token travels in a header, never in a URL.

use gloo_net::http::{Request, RequestBuilder, Response};
use portico_wire::embed::{
    Portal, SESSION_HEADER, SessionRequest, SessionResponse, SignupRequest, Subscription,
};
use portico_wire::event::ErrorResponse;
use portico_wire::{EmbedConfig, ErrorBody, ErrorCode};
use serde::de::DeserializeOwned;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    base: String,
}

impl Client {
    /// `base` is the backend origin (and path prefix) the loader was served from.
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v1/embed{path}", self.base)
    }

    pub async fn exchange(&self, config: &EmbedConfig) -> Result<SessionResponse, ErrorResponse> {
        let body = SessionRequest {
            service: config.service.to_string(),
            email: config.customer.email().map(|e| e.as_passed().to_owned()),
            customer_id: config.customer.customer_id().map(str::to_owned),
            hash: config.hash.clone(),
            subscription_id: config.subscription_id.clone(),
        };
        send(Request::post(&self.url("/sessions")), Some(&body)).await
    }

    pub async fn portal(&self, token: &str) -> Result<Portal, ErrorResponse> {
        send::<(), _>(
            Request::get(&self.url("/portal")).header(SESSION_HEADER, token),
            None,
        )
        .await
    }

    pub async fn sign_up(
        &self,
        token: &str,
        body: &SignupRequest,
    ) -> Result<Subscription, ErrorResponse> {
        send(
            Request::post(&self.url("/subscriptions")).header(SESSION_HEADER, token),
            Some(body),
        )
        .await
    }
}

async fn send<B: serde::Serialize, T: DeserializeOwned>(
    request: RequestBuilder,
    body: Option<&B>,
) -> Result<T, ErrorResponse> {
    let sent = match body {
        Some(body) => {
            request
                .json(body)
                .map_err(|e| unexpected(&e.to_string()))?
                .send()
                .await
        }
        None => request.send().await,
    };
    let response = sent.map_err(|_| ErrorResponse {
        code: ErrorCode::NetworkError,
        message: "The billing service could not be reached. Check your connection and try again."
            .to_owned(),
    })?;
    if response.ok() {
        response
            .json::<T>()
            .await
            .map_err(|e| unexpected(&e.to_string()))
    } else {
        Err(api_error(response).await)
    }
}

async fn api_error(response: Response) -> ErrorResponse {
    match response.json::<ErrorBody>().await {
        Ok(body) => ErrorResponse {
            code: body.error.code,
            message: body.error.message,
        },
        Err(_) => unexpected(&format!("HTTP {}", response.status())),
    }
}

fn unexpected(detail: &str) -> ErrorResponse {
    ErrorResponse {
        code: ErrorCode::InternalError,
        message: format!("The billing service sent an unexpected answer ({detail})."),
    }
}
