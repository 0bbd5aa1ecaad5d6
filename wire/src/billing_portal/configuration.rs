//! The customer portal configuration object (`bpc_…`), field for field as Stripe's
//! `billing_portal.configuration`: which features a portal session offers.

use crate::actions::{CancellationFeedback, ProrationBehavior};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const CONFIGURATION_OBJECT: &str = "billing_portal.configuration";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Configuration {
    /// `bpc_…`
    pub id: String,
    /// Always `billing_portal.configuration`.
    pub object: String,
    /// Whether portal sessions may be created with it.
    pub active: bool,
    /// Connect only: always `null` in Portico.
    pub application: Option<String>,
    pub business_profile: BusinessProfile,
    /// Unix seconds.
    pub created: i64,
    pub default_return_url: Option<String>,
    pub features: Features,
    /// Sessions created without `configuration` use the mode's default.
    pub is_default: bool,
    pub livemode: bool,
    pub login_page: LoginPage,
    pub metadata: BTreeMap<String, String>,
    /// Unix seconds.
    pub updated: i64,
}

/// What the portal shows of the business.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BusinessProfile {
    pub headline: Option<String>,
    pub privacy_policy_url: Option<String>,
    pub terms_of_service_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginPage {
    pub enabled: bool,
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Features {
    pub customer_update: CustomerUpdateFeature,
    pub invoice_history: Toggle,
    pub payment_method_update: Toggle,
    pub subscription_cancel: SubscriptionCancelFeature,
    pub subscription_update: SubscriptionUpdateFeature,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Toggle {
    pub enabled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerUpdateFeature {
    pub allowed_updates: Vec<CustomerField>,
    pub enabled: bool,
}

impl CustomerUpdateFeature {
    pub fn allows(&self, field: CustomerField) -> bool {
        self.enabled && self.allowed_updates.contains(&field)
    }
}

/// The customer details a portal may let the customer edit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CustomerField {
    Address,
    Email,
    Name,
    Phone,
    Shipping,
    TaxId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionCancelFeature {
    pub cancellation_reason: CancellationReason,
    pub enabled: bool,
    pub mode: CancelMode,
    /// For `mode: immediately`: whether unused time is credited.
    pub proration_behavior: ProrationBehavior,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// Its own schema name: `CancellationReason` is the subscription's (an enum).
#[cfg_attr(feature = "openapi", schema(as = PortalCancellationReason))]
pub struct CancellationReason {
    pub enabled: bool,
    /// The reasons offered, in this order.
    pub options: Vec<CancellationFeedback>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CancelMode {
    #[default]
    AtPeriodEnd,
    Immediately,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionUpdateFeature {
    pub default_allowed_updates: Vec<AllowedUpdate>,
    pub enabled: bool,
    /// The products whose prices (Portico: plans) a customer may switch to. Empty:
    /// every plan of the service.
    pub products: Vec<ProductPrices>,
    pub proration_behavior: ProrationBehavior,
}

impl SubscriptionUpdateFeature {
    /// Whether the customer may switch to `plan` (whose products are `products`).
    pub fn allows_plan<'a>(&self, plan: &str, mut products: impl Iterator<Item = &'a str>) -> bool {
        self.enabled
            && self.default_allowed_updates.contains(&AllowedUpdate::Price)
            && (self.products.is_empty()
                || products.any(|product| {
                    self.products
                        .iter()
                        .any(|p| p.product == product && p.prices.iter().any(|price| price == plan))
                }))
    }

    pub fn allows_quantity(&self) -> bool {
        self.enabled
            && self
                .default_allowed_updates
                .contains(&AllowedUpdate::Quantity)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AllowedUpdate {
    Price,
    PromotionCode,
    Quantity,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductPrices {
    pub product: String,
    /// Portico's plan ids that carry this product.
    pub prices: Vec<String>,
}

impl Features {
    /// Stripe's starting point for a new configuration: a feature not passed is off.
    pub fn disabled() -> Self {
        Self {
            customer_update: CustomerUpdateFeature {
                allowed_updates: Vec::new(),
                enabled: false,
            },
            invoice_history: Toggle { enabled: false },
            payment_method_update: Toggle { enabled: false },
            subscription_cancel: SubscriptionCancelFeature {
                cancellation_reason: CancellationReason {
                    enabled: false,
                    options: Vec::new(),
                },
                enabled: false,
                mode: CancelMode::AtPeriodEnd,
                proration_behavior: ProrationBehavior::None,
            },
            subscription_update: SubscriptionUpdateFeature {
                default_allowed_updates: Vec::new(),
                enabled: false,
                products: Vec::new(),
                proration_behavior: ProrationBehavior::None,
            },
        }
    }

    /// What a portal offers when nobody configured it: everything the widget can do.
    pub fn everything() -> Self {
        Self {
            customer_update: CustomerUpdateFeature {
                allowed_updates: vec![
                    CustomerField::Email,
                    CustomerField::Address,
                    CustomerField::TaxId,
                    CustomerField::Name,
                ],
                enabled: true,
            },
            invoice_history: Toggle { enabled: true },
            payment_method_update: Toggle { enabled: true },
            subscription_cancel: SubscriptionCancelFeature {
                cancellation_reason: CancellationReason {
                    enabled: true,
                    options: vec![
                        CancellationFeedback::TooExpensive,
                        CancellationFeedback::MissingFeatures,
                        CancellationFeedback::SwitchedService,
                        CancellationFeedback::Unused,
                        CancellationFeedback::CustomerService,
                        CancellationFeedback::TooComplex,
                        CancellationFeedback::LowQuality,
                        CancellationFeedback::Other,
                    ],
                },
                enabled: true,
                mode: CancelMode::AtPeriodEnd,
                proration_behavior: ProrationBehavior::None,
            },
            subscription_update: SubscriptionUpdateFeature {
                default_allowed_updates: vec![AllowedUpdate::Price, AllowedUpdate::Quantity],
                enabled: true,
                products: Vec::new(),
                proration_behavior: ProrationBehavior::CreateProrations,
            },
        }
    }
}
