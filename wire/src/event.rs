//! What the host page's `handleResponse(payload)` receives:
//! `{ event, response, id, created, livemode }`.

use crate::actions::{CancelRequest, ChangePreview};
use crate::customer::CustomerUpdate;
use crate::embed::{Customer, Portal, Subscription};
use crate::error::ErrorCode;
use crate::payment::PaymentMethod;
use crate::quantity::QuantityOption;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventName {
    /// The customer, their subscriptions and the service's plans are loaded;
    /// `response` is the portal state.
    Load,
    /// The customer picked a plan; `response` is `{ plan, quantity }`.
    SelectPlan,
    /// A new subscription was created; `response` is the subscription.
    Signup,
    /// The plan (or billing cycle) changed; `response` is the subscription.
    PlanChange,
    /// Only quantities changed; `response` is the subscription.
    QuantityChange,
    /// Canceled now or at period end; `response` is the subscription.
    Cancel,
    /// A pending cancel was undone; `response` is the subscription.
    Resume,
    /// A new subscription after a full cancel; `response` is the subscription.
    Resubscribe,
    /// A new default card; `response` is the payment method.
    CardUpdate,
    /// Billing details changed; `response` is the customer.
    CustomerUpdate,
    /// Something failed; `response` is `{ code, message }`.
    Error,
    /// Before the fact: `handleResponse` may veto by throwing, returning `false`, or
    /// a promise that rejects or resolves to `false`. `response` is an [`Intent`].
    PreSignup,
    PrePlanChange,
    PreQuantityChange,
    PreCancel,
    PreResubscribe,
    PreCardUpdate,
}

impl EventName {
    /// The `pre_*` events, whose handler may stop the action.
    pub fn is_veto_hook(self) -> bool {
        matches!(
            self,
            Self::PreSignup
                | Self::PrePlanChange
                | Self::PreQuantityChange
                | Self::PreCancel
                | Self::PreResubscribe
                | Self::PreCardUpdate
        )
    }
}

/// `response` of a `pre_*` event: what is about to be sent. Fields that do not apply
/// to the action are left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intent {
    /// The subscription acted on (absent for a signup).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<Box<Subscription>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<QuantityOption>,
    /// For a plan or quantity change: the preview the customer confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<Box<ChangePreview>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel: Option<CancelRequest>,
    /// For a card update: brand-free last four digits typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_last4: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_update: Option<CustomerUpdate>,
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
    PaymentMethod(Box<PaymentMethod>),
    Customer(Box<Customer>),
    Error(ErrorResponse),
    /// Last: every field is optional, so it would match any object.
    Intent(Box<Intent>),
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
