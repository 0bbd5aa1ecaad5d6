//! What the portal's actions send and get back: change (and its preview), cancel,
//! resume, resubscribe.

use crate::embed::Subscription;
use crate::invoice::Invoice;
use crate::open_enum::open_enum;
use crate::quantity::QuantityOption;
use serde::{Deserialize, Serialize};

/// How a mid-period change is billed, as Stripe names it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProrationBehavior {
    /// Credit unused time and charge the new price for the rest of the period on the
    /// next invoice.
    #[default]
    CreateProrations,
    /// No credit, no charge: the new price applies from the next period.
    None,
    /// Like `create_prorations`, invoiced and charged now.
    AlwaysInvoice,
}

/// `POST /v1/embed/subscriptions/{id}/preview` and `…/change`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeRequest {
    /// A plan of the same service; left out, the plan stays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Left out, each product keeps its quantity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<QuantityOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proration_behavior: Option<ProrationBehavior>,
    /// Apply at the end of the current period instead of now (for downgrades).
    #[serde(default)]
    pub at_period_end: bool,
}

open_enum! {
    /// What the customer says when cancelling, with Stripe's feedback values.
    pub enum CancellationFeedback {
        CustomerService = "customer_service",
        LowQuality = "low_quality",
        MissingFeatures = "missing_features",
        Other = "other",
        SwitchedService = "switched_service",
        TooComplex = "too_complex",
        TooExpensive = "too_expensive",
        Unused = "unused",
    }
}

/// `POST /v1/embed/subscriptions/{id}/cancel`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancelRequest {
    /// `true`: keep the subscription until the period ends (can be resumed until
    /// then). Left out: as the portal configuration's `subscription_cancel[mode]` says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_period_end: Option<bool>,
    /// For an immediate cancel: `create_prorations` credits the unused time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proration_behavior: Option<ProrationBehavior>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<CancellationFeedback>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// `POST /v1/embed/subscriptions/{id}/resubscribe`: a new subscription after a
/// full cancel, by default to the same plan and quantities.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResubscribeRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<QuantityOption>,
}

/// Every action answers with the subscription as it now is and the invoice the
/// action created, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionResponse {
    pub subscription: Subscription,
    pub invoice: Option<Invoice>,
}

/// What a change would do, computed by the code that applies it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePreview {
    /// The subscription as the change would leave it.
    pub subscription: Subscription,
    /// The invoice the change would create and charge now, if any.
    pub invoice: Option<Invoice>,
    /// Proration lines the change would add to the next invoice.
    pub pending_lines: Vec<crate::invoice::InvoiceLine>,
    /// The next renewal invoice after the change (`None` if the subscription ends).
    pub next_invoice: Option<Invoice>,
}
