//! A stored portal configuration's `features`, and the names its choices are
//! stored under.

use portico_wire::actions::{CancellationFeedback, ProrationBehavior};
use portico_wire::billing_portal::Features;
use portico_wire::billing_portal::configuration::{
    AllowedUpdate, CancelMode, CancellationReason, CustomerField, CustomerUpdateFeature,
    ProductPrices, SubscriptionCancelFeature, SubscriptionUpdateFeature, Toggle,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub(super) struct StoredFeatures {
    customer_update: StoredCustomerUpdate,
    invoice_history: StoredToggle,
    payment_method_update: StoredToggle,
    subscription_cancel: StoredSubscriptionCancel,
    subscription_update: StoredSubscriptionUpdate,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredToggle {
    enabled: bool,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredCustomerUpdate {
    allowed_updates: Vec<StoredCustomerField>,
    enabled: bool,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredCustomerField {
    Address,
    Email,
    Name,
    Phone,
    Shipping,
    TaxId,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredSubscriptionCancel {
    cancellation_reason: StoredCancellationReason,
    enabled: bool,
    mode: StoredCancelMode,
    proration_behavior: StoredProrationBehavior,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredCancellationReason {
    enabled: bool,
    options: Vec<StoredCancellationFeedback>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredCancellationFeedback {
    CustomerService,
    LowQuality,
    MissingFeatures,
    Other,
    SwitchedService,
    TooComplex,
    TooExpensive,
    Unused,
    /// Whatever else a row holds reads back as it was, as the API's enum reads it.
    #[serde(untagged)]
    Unknown(String),
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredCancelMode {
    AtPeriodEnd,
    Immediately,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredProrationBehavior {
    CreateProrations,
    None,
    AlwaysInvoice,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredSubscriptionUpdate {
    default_allowed_updates: Vec<StoredAllowedUpdate>,
    enabled: bool,
    products: Vec<StoredProductPrices>,
    proration_behavior: StoredProrationBehavior,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredAllowedUpdate {
    Price,
    PromotionCode,
    Quantity,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredProductPrices {
    product: String,
    prices: Vec<String>,
}

/// Fails only on a cancellation reason added to the API's enum after this file was
/// written: it must be given its stored name here, not be stored under a guess.
impl TryFrom<&Features> for StoredFeatures {
    type Error = String;

    fn try_from(features: &Features) -> Result<Self, String> {
        let Features {
            customer_update,
            invoice_history,
            payment_method_update,
            subscription_cancel,
            subscription_update,
        } = features;
        Ok(Self {
            customer_update: StoredCustomerUpdate {
                allowed_updates: customer_update
                    .allowed_updates
                    .iter()
                    .copied()
                    .map(StoredCustomerField::from)
                    .collect(),
                enabled: customer_update.enabled,
            },
            invoice_history: StoredToggle {
                enabled: invoice_history.enabled,
            },
            payment_method_update: StoredToggle {
                enabled: payment_method_update.enabled,
            },
            subscription_cancel: StoredSubscriptionCancel {
                cancellation_reason: StoredCancellationReason {
                    enabled: subscription_cancel.cancellation_reason.enabled,
                    options: subscription_cancel
                        .cancellation_reason
                        .options
                        .iter()
                        .map(StoredCancellationFeedback::try_from)
                        .collect::<Result<_, _>>()?,
                },
                enabled: subscription_cancel.enabled,
                mode: subscription_cancel.mode.into(),
                proration_behavior: subscription_cancel.proration_behavior.into(),
            },
            subscription_update: StoredSubscriptionUpdate {
                default_allowed_updates: subscription_update
                    .default_allowed_updates
                    .iter()
                    .copied()
                    .map(StoredAllowedUpdate::from)
                    .collect(),
                enabled: subscription_update.enabled,
                products: subscription_update
                    .products
                    .iter()
                    .map(|p| StoredProductPrices {
                        product: p.product.clone(),
                        prices: p.prices.clone(),
                    })
                    .collect(),
                proration_behavior: subscription_update.proration_behavior.into(),
            },
        })
    }
}

impl From<StoredFeatures> for Features {
    fn from(stored: StoredFeatures) -> Self {
        let cancel = stored.subscription_cancel;
        let update = stored.subscription_update;
        Self {
            customer_update: CustomerUpdateFeature {
                allowed_updates: stored
                    .customer_update
                    .allowed_updates
                    .into_iter()
                    .map(CustomerField::from)
                    .collect(),
                enabled: stored.customer_update.enabled,
            },
            invoice_history: Toggle {
                enabled: stored.invoice_history.enabled,
            },
            payment_method_update: Toggle {
                enabled: stored.payment_method_update.enabled,
            },
            subscription_cancel: SubscriptionCancelFeature {
                cancellation_reason: CancellationReason {
                    enabled: cancel.cancellation_reason.enabled,
                    options: cancel
                        .cancellation_reason
                        .options
                        .into_iter()
                        .map(CancellationFeedback::from)
                        .collect(),
                },
                enabled: cancel.enabled,
                mode: cancel.mode.into(),
                proration_behavior: cancel.proration_behavior.into(),
            },
            subscription_update: SubscriptionUpdateFeature {
                default_allowed_updates: update
                    .default_allowed_updates
                    .into_iter()
                    .map(AllowedUpdate::from)
                    .collect(),
                enabled: update.enabled,
                products: update
                    .products
                    .into_iter()
                    .map(|p| ProductPrices {
                        product: p.product,
                        prices: p.prices,
                    })
                    .collect(),
                proration_behavior: update.proration_behavior.into(),
            },
        }
    }
}

same_variants!(
    CustomerField,
    StoredCustomerField,
    [Address, Email, Name, Phone, Shipping, TaxId]
);
same_variants!(CancelMode, StoredCancelMode, [AtPeriodEnd, Immediately]);
same_variants!(
    ProrationBehavior,
    StoredProrationBehavior,
    [CreateProrations, None, AlwaysInvoice]
);
same_variants!(
    AllowedUpdate,
    StoredAllowedUpdate,
    [Price, PromotionCode, Quantity]
);

impl TryFrom<&CancellationFeedback> for StoredCancellationFeedback {
    type Error = String;

    fn try_from(feedback: &CancellationFeedback) -> Result<Self, String> {
        Ok(match feedback {
            CancellationFeedback::CustomerService => Self::CustomerService,
            CancellationFeedback::LowQuality => Self::LowQuality,
            CancellationFeedback::MissingFeatures => Self::MissingFeatures,
            CancellationFeedback::Other => Self::Other,
            CancellationFeedback::SwitchedService => Self::SwitchedService,
            CancellationFeedback::TooComplex => Self::TooComplex,
            CancellationFeedback::TooExpensive => Self::TooExpensive,
            CancellationFeedback::Unused => Self::Unused,
            CancellationFeedback::Unknown(value) => Self::Unknown(value.clone()),
            // The API's enum is `#[non_exhaustive]`: this arm is where a new reason
            // lands until it has a stored name.
            other => {
                return Err(format!(
                    "the cancellation reason {other:?} has no stored name"
                ));
            }
        })
    }
}

impl From<StoredCancellationFeedback> for CancellationFeedback {
    fn from(feedback: StoredCancellationFeedback) -> Self {
        match feedback {
            StoredCancellationFeedback::CustomerService => Self::CustomerService,
            StoredCancellationFeedback::LowQuality => Self::LowQuality,
            StoredCancellationFeedback::MissingFeatures => Self::MissingFeatures,
            StoredCancellationFeedback::Other => Self::Other,
            StoredCancellationFeedback::SwitchedService => Self::SwitchedService,
            StoredCancellationFeedback::TooComplex => Self::TooComplex,
            StoredCancellationFeedback::TooExpensive => Self::TooExpensive,
            StoredCancellationFeedback::Unused => Self::Unused,
            StoredCancellationFeedback::Unknown(value) => Self::Unknown(value),
        }
    }
}
