//! The customer portal's configurations and hosted sessions, as Stripe's
//! `billing_portal` API defines them: pure rules over parsed parameters. The HTTP
//! layer loads what they need and stores what they decide.

pub mod configuration;
pub mod flow;

use portico_wire::ErrorCode;

/// A parameter the request got wrong, with Stripe's bracketed name for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    pub code: ErrorCode,
    pub param: String,
    pub message: String,
}

impl ParamError {
    pub fn invalid(param: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::InvalidRequest,
            param: param.into(),
            message: message.into(),
        }
    }

    pub fn missing(param: impl Into<String>) -> Self {
        let param = param.into();
        Self {
            code: ErrorCode::ParameterMissing,
            message: format!("Missing required param: {param}."),
            param,
        }
    }

    pub fn unknown(param: impl Into<String>) -> Self {
        let param = param.into();
        Self {
            code: ErrorCode::ParameterUnknown,
            message: format!("Received unknown parameter: {param}."),
            param,
        }
    }

    pub fn missing_resource(param: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::ResourceMissing,
            param: param.into(),
            message: message.into(),
        }
    }
}

/// Prefixed random ids for the portal's objects.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}{}", crate::auth::random_alphanumeric(24))
}
