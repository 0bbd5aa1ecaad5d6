//! What the host page's `handleResponse(payload)` receives:
//! `{ event, response, id, created, livemode }`.

use crate::embed::{Portal, Subscription};
use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventName {
    /// The customer, their subscriptions and the service's plans are loaded.
    Load,
    /// A new subscription was created; `response` is the subscription.
    Signup,
    /// Something failed; `response` is `{ code, message }`.
    Error,
}

/// `response` of an `error` event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EventResponse {
    Subscription(Box<Subscription>),
    Portal(Box<Portal>),
    Error(ErrorResponse),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventPayload {
    pub event: EventName,
    pub response: EventResponse,
    /// `evt_…`, unique per event, for de-duplication on the host side.
    pub id: String,
    /// Unix seconds.
    pub created: i64,
    pub livemode: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_event_shape() {
        let payload = EventPayload {
            event: EventName::Error,
            response: EventResponse::Error(ErrorResponse {
                code: ErrorCode::InvalidConfig,
                message: "`service` is missing".into(),
            }),
            id: "evt_1".into(),
            created: 1_700_000_000,
            livemode: false,
        };
        assert_eq!(
            serde_json::to_value(&payload).unwrap(),
            serde_json::json!({"event": "error", "response": {"code": "invalid_config",
                "message": "`service` is missing"}, "id": "evt_1", "created": 1_700_000_000_i64,
                "livemode": false})
        );
    }
}
