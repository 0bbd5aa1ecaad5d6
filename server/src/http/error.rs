//! The one error type of the HTTP layer. Every failure becomes Stripe's error shape;
//! details of internal errors are logged, never returned.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portico_wire::{ApiError, ErrorBody, ErrorCode, ErrorType};

#[derive(Debug)]
pub enum AppError {
    /// A client error with its status, code and the parameter at fault.
    Client {
        status: StatusCode,
        kind: ErrorType,
        code: ErrorCode,
        message: String,
        param: Option<String>,
        decline_code: Option<String>,
    },
    /// Past a rate limit: 429 with `Retry-After`. Never stored as an
    /// idempotent result (the retry must run).
    RateLimited { retry_after: u64, message: String },
    /// Something broke on our side. The message is logged and replaced by a generic one.
    Internal(String),
}

pub type AppResult<T, E = AppError> = Result<T, E>;

impl AppError {
    fn client(
        status: StatusCode,
        kind: ErrorType,
        code: ErrorCode,
        message: impl Into<String>,
    ) -> Self {
        Self::Client {
            status,
            kind,
            code,
            message: message.into(),
            param: None,
            decline_code: None,
        }
    }

    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::client(
            StatusCode::BAD_REQUEST,
            ErrorType::InvalidRequestError,
            code,
            message,
        )
    }

    pub fn not_found(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::client(
            StatusCode::NOT_FOUND,
            ErrorType::InvalidRequestError,
            code,
            message,
        )
    }

    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::client(
            StatusCode::CONFLICT,
            ErrorType::InvalidRequestError,
            code,
            message,
        )
    }

    pub fn unauthenticated(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::client(
            StatusCode::UNAUTHORIZED,
            ErrorType::AuthenticationError,
            code,
            message,
        )
    }

    pub fn forbidden(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::client(
            StatusCode::FORBIDDEN,
            ErrorType::InvalidRequestError,
            code,
            message,
        )
    }

    /// Names the request parameter at fault.
    pub fn param(mut self, name: impl Into<String>) -> Self {
        if let Self::Client { param, .. } = &mut self {
            *param = Some(name.into());
        }
        self
    }
}

impl AppError {
    /// The status and body a client error answers with; `None` for internal errors.
    pub fn client_body(&self) -> Option<(StatusCode, ErrorBody)> {
        match self {
            Self::Client {
                status,
                kind,
                code,
                message,
                param,
                decline_code,
            } => Some((
                *status,
                ErrorBody {
                    error: ApiError {
                        kind: kind.clone(),
                        code: code.clone(),
                        message: message.clone(),
                        param: param.clone(),
                        decline_code: decline_code.clone(),
                    },
                },
            )),
            Self::RateLimited { .. } | Self::Internal(_) => None,
        }
    }

    /// A refused card: 402, as Stripe answers card errors.
    pub fn card(decline: crate::billing::cards::Decline) -> Self {
        let code = serde_json::from_value(serde_json::Value::from(decline.code()))
            .unwrap_or_else(|_| ErrorCode::Unknown(decline.code().to_owned()));
        let mut error = Self::client(
            StatusCode::PAYMENT_REQUIRED,
            ErrorType::CardError,
            code,
            decline.message(),
        );
        if let Self::Client { decline_code, .. } = &mut error {
            *decline_code = decline.decline_code().map(str::to_owned);
        }
        error
    }

    /// Stripe's answer in our error shape: a card error stays a 402 with its
    /// codes, a bad parameter a 400, a missing object a 404; Stripe unreachable,
    /// rate-limited or failing is a 502; our own key refused is logged as ours.
    fn from_stripe(error: crate::provider::stripe::client::StripeError) -> Self {
        use crate::provider::stripe::client::StripeError;
        let unavailable = |detail: String| {
            tracing::warn!(%detail, "Stripe unavailable");
            Self::client(
                StatusCode::BAD_GATEWAY,
                ErrorType::ApiError,
                ErrorCode::ProviderUnavailable,
                "The payment provider could not be reached; nothing was changed that a retry with the same Idempotency-Key would repeat.",
            )
        };
        match error {
            StripeError::Transport(detail) => unavailable(detail),
            StripeError::Api { status, error } => {
                let code = error.code.as_deref().map(|c| {
                    serde_json::from_value(serde_json::Value::from(c))
                        .unwrap_or_else(|_| ErrorCode::Unknown(c.to_owned()))
                });
                let mut mapped = match status {
                    402 => Self::client(
                        StatusCode::PAYMENT_REQUIRED,
                        ErrorType::CardError,
                        code.unwrap_or(ErrorCode::CardDeclined),
                        error.message,
                    ),
                    400 | 409 => {
                        Self::bad_request(code.unwrap_or(ErrorCode::InvalidRequest), error.message)
                    }
                    404 => {
                        Self::not_found(code.unwrap_or(ErrorCode::ResourceMissing), error.message)
                    }
                    401 | 403 => {
                        return Self::Internal(format!(
                            "Stripe refused our key ({status}): {}",
                            error.message
                        ));
                    }
                    _ => return unavailable(format!("{status}: {}", error.message)),
                };
                if let Self::Client {
                    param,
                    decline_code,
                    ..
                } = &mut mapped
                {
                    *param = error.param;
                    *decline_code = error.decline_code;
                }
                mapped
            }
        }
    }

    pub fn idempotency(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self::client(status, ErrorType::IdempotencyError, code, message)
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(error: crate::store::StoreError) -> Self {
        Self::Internal(format!("store: {error}"))
    }
}

impl From<portico_wire::ConfigError> for AppError {
    fn from(error: portico_wire::ConfigError) -> Self {
        Self::bad_request(ErrorCode::InvalidRequest, error.to_string()).param(error.field)
    }
}

impl From<crate::portal::ParamError> for AppError {
    fn from(error: crate::portal::ParamError) -> Self {
        let status = if error.code == ErrorCode::ResourceMissing {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::BAD_REQUEST
        };
        Self::client(
            status,
            ErrorType::InvalidRequestError,
            error.code,
            error.message,
        )
        .param(error.param)
    }
}

impl From<axum::extract::rejection::JsonRejection> for AppError {
    fn from(rejection: axum::extract::rejection::JsonRejection) -> Self {
        Self::bad_request(ErrorCode::InvalidRequest, rejection.body_text())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Some((status, body)) = self.client_body() {
            return (status, Json(body)).into_response();
        }
        if let Self::RateLimited {
            retry_after,
            message,
        } = self
        {
            let error = ApiError {
                kind: ErrorType::InvalidRequestError,
                code: ErrorCode::RateLimit,
                message,
                param: None,
                decline_code: None,
            };
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [(axum::http::header::RETRY_AFTER, retry_after.to_string())],
                Json(ErrorBody { error }),
            )
                .into_response();
        }
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let error = ApiError {
            kind: ErrorType::ApiError,
            code: ErrorCode::InternalError,
            message: "Something went wrong on our side; it has been logged.".to_owned(),
            param: None,
            decline_code: None,
        };
        (StatusCode::INTERNAL_SERVER_ERROR, Json(ErrorBody { error })).into_response()
    }
}
/// What a panicking handler answers: the same 500 as any internal fault, with the
/// panic logged (the runtime has already unwound the handler's task).
pub(crate) fn panicked(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = crate::panic_message(panic.as_ref());
    AppError::Internal(format!("handler panicked: {detail}")).into_response()
}

/// `axum::Json`, but a malformed body gets our error shape.
#[derive(Debug, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct JsonBody<T>(pub T);

/// The provider's refusals keep their code, message and parameter; Stripe's errors
/// are mapped by [`AppError::from_stripe`]; internal faults stay internal (logged,
/// not shown).
impl From<crate::provider::ProviderError> for AppError {
    fn from(error: crate::provider::ProviderError) -> Self {
        use crate::provider::{ProviderError, Refusal};
        match error {
            ProviderError::Refused {
                why,
                code,
                message,
                param,
            } => {
                let refused = match why {
                    Refusal::Invalid => Self::bad_request(code, message),
                    Refusal::NotFound => Self::not_found(code, message),
                    Refusal::Conflict => Self::conflict(code, message),
                    Refusal::Forbidden => Self::forbidden(code, message),
                };
                match param {
                    Some(param) => refused.param(param),
                    None => refused,
                }
            }
            ProviderError::Declined(decline) => Self::card(decline),
            ProviderError::Stripe(error) => Self::from_stripe(*error),
            ProviderError::Internal(detail) => Self::Internal(detail),
        }
    }
}
