//! The error body every HTTP API of Portico answers with: Stripe's shape,
//! `{"error": {"type", "code", "message", "param"}}`.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ApiError,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    #[serde(rename = "type")]
    pub kind: ErrorType,
    pub code: ErrorCode,
    pub message: String,
    /// The request parameter at fault, when there is one.
    pub param: Option<String>,
    /// For a declined card: the issuer's reason, as Stripe names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decline_code: Option<String>,
}

/// Stripe's error types.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorType {
    ApiError,
    AuthenticationError,
    CardError,
    IdempotencyError,
    InvalidRequestError,
    RateLimitError,
    #[serde(untagged)]
    Unknown(String),
}

/// Machine-readable error codes. Older widgets keep working when a newer server
/// adds codes: an unknown one arrives as [`ErrorCode::Unknown`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// The embed config is invalid (raised by the widget, never by the server).
    InvalidConfig,
    /// The request body or a parameter is malformed.
    InvalidRequest,
    /// `hash` is missing in live mode, or does not sign the customer's identity.
    InvalidHash,
    /// The page's origin is not allowed for the service.
    OriginNotAllowed,
    ServiceNotFound,
    PlanNotFound,
    SubscriptionNotFound,
    /// `options.quantity` names a `unit_label` no product of the service has.
    UnknownUnitLabel,
    /// The session token is missing, unknown, or expired.
    SessionExpired,
    /// The customer already has a live subscription to this service.
    AlreadySubscribed,
    ResourceNotFound,
    /// An `Idempotency-Key` was reused with a different request.
    IdempotencyKeyReused,
    /// The first request with this `Idempotency-Key` is still being processed.
    IdempotencyKeyInUse,
    /// The first request with this `Idempotency-Key` was applied, but the server
    /// stopped before it stored its answer: read the current state, don't retry.
    IdempotencyKeyApplied,
    /// The subscription is canceled; resubscribe instead.
    SubscriptionCanceled,
    /// The subscription's first invoice is unpaid; pay it before changing it.
    SubscriptionIncomplete,
    /// Resume needs a cancellation pending at period end.
    NotPendingCancellation,
    /// The requested change leaves the subscription as it is.
    NoChange,
    InvoiceNotFound,
    /// The payment method was refused or could not be charged (see `decline_code`).
    CardDeclined,
    ExpiredCard,
    IncorrectCvc,
    IncorrectNumber,
    InvalidCvc,
    InvalidExpiryMonth,
    InvalidExpiryYear,
    InvalidNumber,
    ProcessingError,
    /// The action is only available in test mode.
    TestModeOnly,
    /// No API key, or not one of this server's secret keys.
    InvalidApiKey,
    /// An object of the other mode was asked for (a test key for a live object).
    LivemodeMismatch,
    /// A request parameter the endpoint does not know.
    ParameterUnknown,
    /// A required request parameter is missing.
    ParameterMissing,
    /// The named object (configuration, customer, session) does not exist.
    ResourceMissing,
    /// The object to create exists already (a customer's wallet in a currency).
    ResourceAlreadyExists,
    /// The portal configuration turns this feature off.
    FeatureDisabled,
    /// The session was opened read-only (a Flexprice portal token).
    SessionReadOnly,
    /// The widget could not reach the server.
    NetworkError,
    /// The payment provider (Stripe) could not be reached or failed.
    ProviderUnavailable,
    /// The server's billing provider does not offer this; the message says why
    /// (README, "Providers").
    ProviderUnsupported,
    /// Too many requests of this kind from this client or for this service:
    /// retry after the `Retry-After` header's seconds.
    RateLimit,
    InternalError,
    #[serde(untagged)]
    Unknown(String),
}

impl ErrorCode {
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidConfig => "invalid_config",
            Self::InvalidRequest => "invalid_request",
            Self::InvalidHash => "invalid_hash",
            Self::OriginNotAllowed => "origin_not_allowed",
            Self::ServiceNotFound => "service_not_found",
            Self::PlanNotFound => "plan_not_found",
            Self::SubscriptionNotFound => "subscription_not_found",
            Self::UnknownUnitLabel => "unknown_unit_label",
            Self::SessionExpired => "session_expired",
            Self::AlreadySubscribed => "already_subscribed",
            Self::ResourceNotFound => "resource_not_found",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::IdempotencyKeyInUse => "idempotency_key_in_use",
            Self::IdempotencyKeyApplied => "idempotency_key_applied",
            Self::SubscriptionCanceled => "subscription_canceled",
            Self::SubscriptionIncomplete => "subscription_incomplete",
            Self::NotPendingCancellation => "not_pending_cancellation",
            Self::NoChange => "no_change",
            Self::InvoiceNotFound => "invoice_not_found",
            Self::CardDeclined => "card_declined",
            Self::ExpiredCard => "expired_card",
            Self::IncorrectCvc => "incorrect_cvc",
            Self::IncorrectNumber => "incorrect_number",
            Self::InvalidCvc => "invalid_cvc",
            Self::InvalidExpiryMonth => "invalid_expiry_month",
            Self::InvalidExpiryYear => "invalid_expiry_year",
            Self::InvalidNumber => "invalid_number",
            Self::ProcessingError => "processing_error",
            Self::TestModeOnly => "test_mode_only",
            Self::InvalidApiKey => "invalid_api_key",
            Self::LivemodeMismatch => "livemode_mismatch",
            Self::ParameterUnknown => "parameter_unknown",
            Self::ParameterMissing => "parameter_missing",
            Self::ResourceMissing => "resource_missing",
            Self::ResourceAlreadyExists => "resource_already_exists",
            Self::FeatureDisabled => "feature_disabled",
            Self::SessionReadOnly => "session_read_only",
            Self::NetworkError => "network_error",
            Self::ProviderUnavailable => "provider_unavailable",
            Self::ProviderUnsupported => "provider_unsupported",
            Self::RateLimit => "rate_limit",
            Self::InternalError => "internal_error",
            Self::Unknown(code) => code,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_shape() {
        let body = ErrorBody {
            error: ApiError {
                kind: ErrorType::InvalidRequestError,
                code: ErrorCode::PlanNotFound,
                message: "No such plan: `gold`".to_owned(),
                param: Some("plan".to_owned()),
                decline_code: None,
            },
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"type": "invalid_request_error", "code": "plan_not_found",
                "message": "No such plan: `gold`", "param": "plan"}})
        );
    }

    #[test]
    fn unknown_codes_survive() {
        let code: ErrorCode = serde_json::from_str("\"rate_limited\"").unwrap();
        assert_eq!(code, ErrorCode::Unknown("rate_limited".to_owned()));
        assert_eq!(code.as_str(), "rate_limited");
        assert_eq!(
            serde_json::to_string(&ErrorCode::InvalidHash).unwrap(),
            "\"invalid_hash\""
        );
        assert_eq!(ErrorCode::InvalidHash.as_str(), "invalid_hash");
    }
}
