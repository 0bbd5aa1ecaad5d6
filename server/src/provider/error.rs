//! The provider layer's own error: what a billing holder refuses, or why it could
//! not answer. `http/error.rs` maps it to the HTTP error body, so this layer knows
//! nothing of HTTP (it sits below `http/`).

use crate::provider::stripe::client::StripeError;
use portico_wire::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The provider will not do what was asked, and says why.
    #[error("{message}")]
    Refused {
        why: Refusal,
        code: ErrorCode,
        message: String,
        /// The request parameter at fault, if one is.
        param: Option<String>,
    },
    /// The built-in engine declined the card.
    #[error("{}", .0.message())]
    Declined(crate::billing::cards::Decline),
    /// Stripe answered with an error, or could not be reached (boxed: it carries
    /// Stripe's whole error object).
    #[error(transparent)]
    Stripe(Box<StripeError>),
    /// A fault of ours or an answer we cannot read: logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
}

/// Why a request is refused; `http/` picks the status from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// It cannot be done as asked.
    Invalid,
    /// The object does not exist for this customer or mode.
    NotFound,
    /// The object's state forbids it.
    Conflict,
    /// The portal configuration does not allow it.
    Forbidden,
}

impl ProviderError {
    fn refused(why: Refusal, code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Refused {
            why,
            code,
            message: message.into(),
            param: None,
        }
    }

    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::refused(Refusal::Invalid, code, message)
    }

    pub fn not_found(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::refused(Refusal::NotFound, code, message)
    }

    pub fn forbidden(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::refused(Refusal::Forbidden, code, message)
    }

    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::refused(Refusal::Conflict, code, message)
    }

    /// Names the request parameter a refusal is about.
    pub fn param(mut self, name: impl Into<String>) -> Self {
        if let Self::Refused { param, .. } = &mut self {
            *param = Some(name.into());
        }
        self
    }
}

impl From<StripeError> for ProviderError {
    fn from(error: StripeError) -> Self {
        Self::Stripe(Box::new(error))
    }
}
