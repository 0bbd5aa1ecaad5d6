//! The admin API's authentication: a mode's secret key, as `Authorization: Bearer`
//! (Stripe) or `x-api-key` (Flexprice). The key decides the mode of the request.
#![warn(clippy::arithmetic_side_effects)]

use super::{ApiContext, AppError};
use crate::catalog::Mode;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use portico_wire::ErrorCode;
use sha2::{Digest, Sha256};

/// A request made with one of the server's secret keys.
#[derive(Debug, Clone, Copy)]
pub struct SecretKeyAuth {
    pub mode: Mode,
}

impl SecretKeyAuth {
    pub fn livemode(self) -> bool {
        self.mode.is_live()
    }
}

impl FromRequestParts<ApiContext> for SecretKeyAuth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, AppError> {
        let bearer = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let api_key = parts.headers.get("x-api-key").and_then(|v| v.to_str().ok());
        let Some(given) = bearer.or(api_key).map(str::trim) else {
            return Err(AppError::unauthenticated(
                ErrorCode::InvalidApiKey,
                "You did not provide an API key: send `Authorization: Bearer sk_test_…` (or `x-api-key: sk_test_…`).",
            ));
        };
        // Comparing digests keeps the comparison's timing unrelated to the keys.
        let digest = |key: &str| Sha256::digest(key.as_bytes());
        let given_digest = digest(given);
        for mode in [Mode::Test, Mode::Live] {
            if given_digest == digest(ctx.keys.for_mode(mode).expose()) {
                return Ok(Self { mode });
            }
        }
        Err(AppError::unauthenticated(
            ErrorCode::InvalidApiKey,
            format!("Invalid API Key provided: {}.", redacted(given)),
        ))
    }
}

/// `sk_test_****wxyz`: enough to recognise a key, not to use it.
pub(super) fn redacted(key: &str) -> String {
    let prefix = ["sk_test_", "sk_live_"]
        .into_iter()
        .find(|p| key.starts_with(p))
        .unwrap_or("");
    let tail: String = key
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if key.len().saturating_sub(prefix.len()) <= 4 {
        format!("{prefix}****")
    } else {
        format!("{prefix}****{tail}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redaction_keeps_prefix_and_last_four() {
        assert_eq!(super::redacted("sk_test_abcdefgh1234"), "sk_test_****1234");
        assert_eq!(super::redacted("sk_live_ab"), "sk_live_****");
        assert_eq!(super::redacted("nonsense-key"), "****-key");
    }
}
