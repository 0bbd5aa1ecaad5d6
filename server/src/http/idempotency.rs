//! `Idempotency-Key` on mutating requests, as Stripe defines it: the first result
//! per key is stored and replayed for 24 hours; the same key with a different
//! request is refused; a request arriving while the first is still running gets a
//! 409 instead of acting twice. A claim with no result after [`IN_FLIGHT_LEASE`],
//! or one made by an earlier process, was abandoned (its client went away and the
//! runtime dropped the request, or the process died): the next request with the key
//! runs afresh if the first changed nothing. When the action's effect is a commit
//! to the store (the built-in engine, wallets), that commit marks the key applied,
//! and a retry of an applied but unanswered key gets `409 idempotency_key_applied`
//! instead of a second effect; a request that lost its claim (past its lease)
//! commits nothing. A provider that calls out receives keys derived from the same
//! `Idempotency-Key`, so its retry is replayed there.

use super::{ApiContext, AppError, AppResult};
use crate::store::{Claim, Expiry};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portico_wire::ErrorCode;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::future::Future;

const HEADER: &str = "idempotency-key";
/// How long a key replays its first result; the janitor deletes it after.
pub const KEPT_FOR_SECONDS: i64 = 24 * 3600;
/// How long a claimed key waits for its result before a retry may run it again:
/// well past the longest an action takes (a few Stripe calls of at most 40 s each).
pub const IN_FLIGHT_LEASE: i64 = 300;

/// The request's `Idempotency-Key`, if it sent one.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    key: Option<String>,
    /// The action's effect is a commit to the store whichever provider holds the
    /// billing (wallet grants), not only on the built-in engine.
    always_in_store: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let key = match parts.headers.get(HEADER).map(|value| value.to_str()) {
            None => None,
            Some(Ok(key)) if !key.is_empty() && key.len() <= 255 => Some(key.to_owned()),
            Some(_) => {
                return Err(AppError::bad_request(
                    ErrorCode::InvalidRequest,
                    "`Idempotency-Key` must be 1 to 255 visible ASCII characters.",
                )
                .param("Idempotency-Key"));
            }
        };
        Ok(Self {
            key,
            always_in_store: false,
        })
    }
}

impl IdempotencyKey {
    /// The action's key as the provider sees it, within `scope`.
    pub fn action<'a>(&'a self, scope: &'a str) -> crate::provider::ActionKey<'a> {
        crate::provider::ActionKey {
            client_key: self.key.as_deref(),
            scope,
        }
    }

    /// This key, for an action whose effect is always a commit to the store,
    /// whichever provider holds the billing (wallet grants).
    pub fn in_store(self) -> Self {
        Self {
            always_in_store: true,
            ..self
        }
    }

    /// Runs `action` at most once per key within `scope` (whose keys these are) and
    /// answers every request with that key with its result.
    pub async fn run<T, F, Fut>(
        &self,
        ctx: &ApiContext,
        scope: &str,
        request: &impl Serialize,
        action: F,
    ) -> AppResult<Response>
    where
        T: Serialize,
        F: FnOnce() -> Fut,
        Fut: Future<Output = AppResult<(StatusCode, T)>>,
    {
        let in_store = self.always_in_store || ctx.provider.acts_in_store();
        let Some(key) = &self.key else {
            let (status, body) = action().await?;
            return Ok(json_response(status, to_json(&body)?, false));
        };
        let digest = hex::encode(Sha256::digest(to_json(request)?.as_bytes()));
        let now = ctx.now();
        match ctx
            .store
            .claim_idempotency_key(
                scope,
                key,
                &digest,
                now,
                Expiry {
                    kept_before: now - KEPT_FOR_SECONDS,
                    abandoned_before: now - IN_FLIGHT_LEASE,
                },
            )
            .await?
        {
            Claim::Mismatch => Err(AppError::idempotency(
                StatusCode::BAD_REQUEST,
                ErrorCode::IdempotencyKeyReused,
                "This Idempotency-Key was first used with a different request; use a new key for a new request.",
            )),
            Claim::InFlight => Err(AppError::idempotency(
                StatusCode::CONFLICT,
                ErrorCode::IdempotencyKeyInUse,
                "A request with this Idempotency-Key is still being processed; retry shortly.",
            )),
            Claim::AppliedUnanswered => Err(AppError::idempotency(
                StatusCode::CONFLICT,
                ErrorCode::IdempotencyKeyApplied,
                "The request with this Idempotency-Key was applied, but its answer was lost (the server stopped, or failed after the change); read the current state instead of retrying.",
            )),
            Claim::Done { status, response } => {
                let status =
                    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                Ok(json_response(status, response, true))
            }
            Claim::Fresh(token) => {
                let result = if in_store {
                    crate::store::marking_applied(scope, key, &token, action()).await
                } else {
                    action().await
                };
                let outcome = match result {
                    Ok((status, body)) => to_json(&body).map(|json| (status, json)),
                    Err(error) => match error.client_body() {
                        Some((status, body)) => to_json(&body).map(|json| (status, json)),
                        None => Err(error),
                    },
                };
                match outcome {
                    Ok((status, json)) => {
                        ctx.store
                            .finish_idempotency_key(scope, key, &token, status.as_u16(), &json)
                            .await?;
                        Ok(json_response(status, json, false))
                    }
                    Err(error) => {
                        ctx.store
                            .release_idempotency_key(scope, key, &token)
                            .await?;
                        Err(error)
                    }
                }
            }
        }
    }
}

fn to_json(value: &impl Serialize) -> AppResult<String> {
    serde_json::to_string(value)
        .map_err(|e| AppError::Internal(format!("encoding a response: {e}")))
}

fn json_response(status: StatusCode, json: String, replayed: bool) -> Response {
    let mut response = (status, json).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if replayed {
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}
