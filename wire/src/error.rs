//! The error body every HTTP API of Portico answers with: Stripe's shape,
//! `{"error": {"type", "code", "message", "param"}}`.

use crate::open_enum::open_enum;
use serde::{Deserialize, Serialize};

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

open_enum! {
    /// Stripe's error types.
    pub enum ErrorType {
        ApiError = "api_error",
        AuthenticationError = "authentication_error",
        CardError = "card_error",
        IdempotencyError = "idempotency_error",
        InvalidRequestError = "invalid_request_error",
        RateLimitError = "rate_limit_error",
    }
}

open_enum! {
    /// Machine-readable error codes. Older widgets keep working when a newer server
    /// adds codes: an unknown one arrives as [`ErrorCode::Unknown`].
    pub enum ErrorCode {
        /// The embed config is invalid (raised by the widget, never by the server).
        InvalidConfig = "invalid_config",
        /// The request body or a parameter is malformed.
        InvalidRequest = "invalid_request",
        /// `hash` is missing in live mode, or does not sign the customer's identity.
        InvalidHash = "invalid_hash",
        /// The page's origin is not allowed for the service.
        OriginNotAllowed = "origin_not_allowed",
        ServiceNotFound = "service_not_found",
        PlanNotFound = "plan_not_found",
        SubscriptionNotFound = "subscription_not_found",
        /// `options.quantity` names a `unit_label` no product of the service has.
        UnknownUnitLabel = "unknown_unit_label",
        /// The session token is missing, unknown, or expired.
        SessionExpired = "session_expired",
        /// The customer already has a live subscription to this service.
        AlreadySubscribed = "already_subscribed",
        ResourceNotFound = "resource_not_found",
        /// An `Idempotency-Key` was reused with a different request.
        IdempotencyKeyReused = "idempotency_key_reused",
        /// The first request with this `Idempotency-Key` is still being processed.
        IdempotencyKeyInUse = "idempotency_key_in_use",
        /// The first request with this `Idempotency-Key` was applied, but the server
        /// stopped before it stored its answer: read the current state, don't retry.
        IdempotencyKeyApplied = "idempotency_key_applied",
        /// The subscription is canceled; resubscribe instead.
        SubscriptionCanceled = "subscription_canceled",
        /// The subscription's first invoice is unpaid; pay it before changing it.
        SubscriptionIncomplete = "subscription_incomplete",
        /// Resume needs a cancellation pending at period end.
        NotPendingCancellation = "not_pending_cancellation",
        /// The requested change leaves the subscription as it is.
        NoChange = "no_change",
        InvoiceNotFound = "invoice_not_found",
        /// The payment method was refused or could not be charged (see `decline_code`).
        CardDeclined = "card_declined",
        ExpiredCard = "expired_card",
        IncorrectCvc = "incorrect_cvc",
        IncorrectNumber = "incorrect_number",
        InvalidCvc = "invalid_cvc",
        InvalidExpiryMonth = "invalid_expiry_month",
        InvalidExpiryYear = "invalid_expiry_year",
        InvalidNumber = "invalid_number",
        ProcessingError = "processing_error",
        /// The action is only available in test mode.
        TestModeOnly = "test_mode_only",
        /// No API key, or not one of this server's secret keys.
        InvalidApiKey = "invalid_api_key",
        /// An object of the other mode was asked for (a test key for a live object).
        LivemodeMismatch = "livemode_mismatch",
        /// A request parameter the endpoint does not know.
        ParameterUnknown = "parameter_unknown",
        /// A required request parameter is missing.
        ParameterMissing = "parameter_missing",
        /// The named object (configuration, customer, session) does not exist.
        ResourceMissing = "resource_missing",
        /// The object to create exists already (a customer's wallet in a currency).
        ResourceAlreadyExists = "resource_already_exists",
        /// The portal configuration turns this feature off.
        FeatureDisabled = "feature_disabled",
        /// The session was opened read-only (a Flexprice portal token).
        SessionReadOnly = "session_read_only",
        /// The widget could not reach the server.
        NetworkError = "network_error",
        /// The payment provider (Stripe) could not be reached or failed.
        ProviderUnavailable = "provider_unavailable",
        /// The server's billing provider does not offer this; the message says why
        /// (README, "Providers").
        ProviderUnsupported = "provider_unsupported",
        /// Too many requests of this kind from this client or for this service:
        /// retry after the `Retry-After` header's seconds.
        RateLimit = "rate_limit",
        InternalError = "internal_error",
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
