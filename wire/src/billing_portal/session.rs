//! The portal session object (`bps_…`, Stripe's `billing_portal.session`), its
//! create parameters with deep-link `flow_data`, and Flexprice's portal token.

use super::params::{Field, lenient_u32};
use serde::{Deserialize, Serialize};

pub const SESSION_OBJECT: &str = "billing_portal.session";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    /// `bps_…`
    pub id: String,
    /// Always `billing_portal.session`.
    pub object: String,
    /// The configuration (`bpc_…`) the session uses.
    pub configuration: String,
    /// Unix seconds.
    pub created: i64,
    /// `cus_…`
    pub customer: String,
    /// Stripe's Accounts v2 only: always `null` in Portico.
    pub customer_account: Option<String>,
    pub flow: Option<Flow>,
    pub livemode: bool,
    pub locale: Option<String>,
    pub on_behalf_of: Option<String>,
    pub return_url: Option<String>,
    /// Opens the portal once, within five minutes.
    pub url: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlowType {
    PaymentMethodUpdate,
    SubscriptionCancel,
    SubscriptionUpdate,
    SubscriptionUpdateConfirm,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AfterCompletionType {
    HostedConfirmation,
    PortalHomepage,
    Redirect,
}

/// A deep link: the flow the portal opens in, and where it goes when done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Flow {
    pub after_completion: AfterCompletion,
    pub subscription_cancel: Option<FlowSubscription>,
    pub subscription_update: Option<FlowSubscription>,
    pub subscription_update_confirm: Option<UpdateConfirm>,
    #[serde(rename = "type")]
    pub kind: FlowType,
}

impl Flow {
    /// The subscription the flow acts on, if it acts on one.
    pub fn subscription(&self) -> Option<&str> {
        self.subscription_cancel
            .as_ref()
            .or(self.subscription_update.as_ref())
            .map(|s| s.subscription.as_str())
            .or(self
                .subscription_update_confirm
                .as_ref()
                .map(|c| c.subscription.as_str()))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AfterCompletion {
    pub hosted_confirmation: Option<HostedConfirmation>,
    pub redirect: Option<Redirect>,
    #[serde(rename = "type")]
    pub kind: AfterCompletionType,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HostedConfirmation {
    pub custom_message: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Redirect {
    pub return_url: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowSubscription {
    pub subscription: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateConfirm {
    pub discounts: Vec<String>,
    pub items: Vec<UpdateConfirmItem>,
    pub subscription: String,
}

/// One item of the subscription after the update: Portico changes the whole plan,
/// so `price` names a plan and `quantity` the item's new quantity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateConfirmItem {
    pub id: String,
    pub price: Option<String>,
    pub quantity: Option<u32>,
}

/// `POST /v1/billing_portal/sessions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SessionParams {
    /// Required: `cus_…`.
    pub customer: Option<String>,
    pub configuration: Option<String>,
    pub flow_data: Option<FlowDataParams>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub locale: Field<String>,
    pub on_behalf_of: Option<String>,
    pub return_url: Option<String>,
    /// Portico: which service's plans the portal shows. Default: the service of the
    /// customer's latest subscription, or the mode's only service.
    pub service: Option<String>,
    pub expand: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FlowDataParams {
    #[serde(rename = "type")]
    pub kind: FlowType,
    pub after_completion: Option<AfterCompletionParams>,
    pub subscription_cancel: Option<FlowSubscription>,
    pub subscription_update: Option<FlowSubscription>,
    pub subscription_update_confirm: Option<UpdateConfirmParams>,
}

impl FlowDataParams {
    /// The subscription the flow names, whichever flow it is.
    pub fn subscription(&self) -> Option<&str> {
        self.subscription_cancel
            .as_ref()
            .or(self.subscription_update.as_ref())
            .map(|s| s.subscription.as_str())
            .or(self
                .subscription_update_confirm
                .as_ref()
                .map(|c| c.subscription.as_str()))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AfterCompletionParams {
    #[serde(rename = "type")]
    pub kind: AfterCompletionType,
    pub hosted_confirmation: Option<HostedConfirmation>,
    pub redirect: Option<Redirect>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateConfirmParams {
    pub subscription: String,
    pub items: Vec<UpdateConfirmItemParams>,
    pub discounts: Option<Vec<serde_json::Value>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateConfirmItemParams {
    pub id: String,
    pub price: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub quantity: Option<u32>,
}

/// Flexprice's `GET /v1/customers/portal/{external_id}`: a read-only portal token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalToken {
    /// Works in the `x-session-token` header of the widget API, read-only.
    pub token: String,
    /// Opens the hosted portal once, within five minutes (`/p/session/…`).
    pub url: String,
    /// ISO 8601, UTC.
    pub expires_at: String,
}

/// A page of a list endpoint, as Stripe shapes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct List<T> {
    /// Always `list`.
    pub object: String,
    pub data: Vec<T>,
    pub has_more: bool,
    pub url: String,
}
