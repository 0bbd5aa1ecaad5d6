//! The widget API (`/v1/embed/…`): what the widget sends and what it gets back.

use crate::actions::CancellationFeedback;
use crate::billing_portal::{BusinessProfile, Features, Flow};
use crate::customer::{Address, TaxId};
use crate::ids::{CustomerId, InvoiceId, SubscriptionId, SubscriptionItemId};
use crate::money::{Currency, Money};
use crate::open_enum::open_enum;
use crate::payment::PaymentMethod;
use crate::price::Price;
use crate::quantity::{Quantity, QuantityOption};
use serde::{Deserialize, Serialize};

/// Header that carries the session token on every call after the exchange.
pub const SESSION_HEADER: &str = "x-session-token";

/// `POST /v1/embed/sessions`: the page's identity claim, exchanged for a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRequest {
    pub service: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResponse {
    /// Opaque; send it in the `x-session-token` header, never in a URL.
    pub token: String,
    /// Unix seconds.
    pub expires_at: i64,
    pub livemode: bool,
}

/// `GET /v1/embed/portal`: everything the portal shows on load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Portal {
    pub service: Service,
    pub plans: Vec<Plan>,
    /// `None` until the customer's first signup.
    pub customer: Option<Customer>,
    pub subscriptions: Vec<Subscription>,
    /// The customer's default card, if any.
    pub payment_method: Option<PaymentMethod>,
    /// What this portal offers, from its configuration (`bpc_…`).
    pub features: Features,
    pub business_profile: BusinessProfile,
    /// A read-only session (Flexprice's portal token) shows and changes nothing.
    pub read_only: bool,
    /// Where "Return to the site" leads (hosted portal sessions).
    pub return_url: Option<String>,
    /// The deep link the hosted portal opens in, if any.
    pub flow: Option<Flow>,
    /// How the portal takes a card: its own form (the built-in engine's test
    /// cards) or Stripe.js (the Stripe provider).
    #[serde(default)]
    pub card_entry: CardEntry,
}

/// How the portal takes a card.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CardEntry {
    /// The portal's own form, posted to `POST /v1/embed/payment_methods`.
    #[default]
    Builtin,
    /// Stripe.js from `js_url` mounts a card Element; the card goes from the
    /// browser to Stripe and is confirmed by a SetupIntent
    /// (`POST /v1/embed/setup_intents`, then `…/{id}/complete`).
    StripeJs {
        publishable_key: String,
        js_url: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Service {
    pub name: String,
    pub livemode: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Day,
    Week,
    Month,
    Year,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub currency: Currency,
    pub interval: Interval,
    pub interval_count: u32,
    pub trial_days: u32,
    pub features: Vec<String>,
    pub items: Vec<PlanItem>,
    /// Usage billed at the end of each period.
    #[serde(default)]
    pub metered: Vec<MeteredPrice>,
}

/// A meter's price: its usage over a period, aggregated as the meter says, billed on
/// the invoice that ends the period, one line per meter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeteredPrice {
    pub meter: String,
    pub name: String,
    pub unit: String,
    pub aggregation: crate::usage::Aggregation,
    pub price: Price,
}

/// One product of a plan, priced per unit. Items without a `unit_label` are flat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanItem {
    pub product: String,
    pub product_name: String,
    pub unit_label: Option<String>,
    pub price: Price,
}

impl Plan {
    /// What one period costs at the given `options.quantity`.
    pub fn amount_at(&self, quantity: Option<&QuantityOption>) -> Money {
        let amount = self
            .items
            .iter()
            .map(|item| {
                let q = QuantityOption::quantity_for(quantity, item.unit_label.as_deref());
                item.price.amount(u64::from(q.get()))
            })
            .sum();
        Money::new(amount, self.currency.clone())
    }
}

/// `POST /v1/embed/subscriptions`: sign the session's customer up to a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignupRequest {
    pub plan: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<QuantityOption>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    pub id: CustomerId,
    pub object: String,
    /// Where invoices go: the identity's email unless the customer changed it.
    pub email: Option<String>,
    /// The integrator's own id for this customer (the embed's `customer_id`).
    pub external_id: Option<String>,
    pub name: Option<String>,
    pub address: Option<Address>,
    pub tax_id: Option<TaxId>,
    pub created: i64,
    pub livemode: bool,
}

open_enum! {
    pub enum SubscriptionStatus {
        Trialing = "trialing",
        Active = "active",
        PastDue = "past_due",
        Canceled = "canceled",
        Incomplete = "incomplete",
        /// Its first invoice went unpaid for 23 hours; it never started.
        IncompleteExpired = "incomplete_expired",
    }
}

/// A subscription as the widget and the host page's `handleResponse` see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscription {
    pub id: SubscriptionId,
    /// Always `"subscription"`.
    pub object: String,
    pub customer: CustomerId,
    pub service: String,
    pub plan: String,
    pub status: SubscriptionStatus,
    pub currency: Currency,
    pub interval: Interval,
    pub interval_count: u32,
    pub items: Vec<SubscriptionItem>,
    /// Usage billed at the end of each period.
    #[serde(default)]
    pub metered: Vec<MeteredPrice>,
    /// Unix seconds, like every timestamp on the wire.
    pub current_period_start: i64,
    pub current_period_end: i64,
    pub trial_end: Option<i64>,
    pub cancel_at_period_end: bool,
    /// When a pending cancellation takes effect.
    pub cancel_at: Option<i64>,
    /// When the cancellation was requested.
    pub canceled_at: Option<i64>,
    /// When the subscription stopped.
    pub ended_at: Option<i64>,
    pub cancellation_details: Option<CancellationDetails>,
    /// A change scheduled for the end of the current period.
    pub pending_update: Option<PendingUpdate>,
    pub latest_invoice: Option<InvoiceId>,
    pub created: i64,
    pub livemode: bool,
}

open_enum! {
    pub enum CancellationReason {
        CancellationRequested = "cancellation_requested",
        PaymentFailed = "payment_failed",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CancellationDetails {
    pub reason: CancellationReason,
    pub feedback: Option<CancellationFeedback>,
    pub comment: Option<String>,
}

/// A plan or quantity change that applies when the current period ends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingUpdate {
    pub plan: String,
    pub interval: Interval,
    pub interval_count: u32,
    pub items: Vec<PendingItem>,
    #[serde(default)]
    pub metered: Vec<MeteredPrice>,
    pub effective_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingItem {
    pub product: String,
    pub product_name: String,
    pub unit_label: Option<String>,
    pub quantity: Quantity,
    pub price: Price,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionItem {
    pub id: SubscriptionItemId,
    pub product: String,
    pub unit_label: Option<String>,
    pub quantity: Quantity,
    pub price: Price,
}

impl Subscription {
    /// What one period costs at the current quantities.
    pub fn amount(&self) -> Money {
        let amount = self
            .items
            .iter()
            .map(|item| item.price.amount(u64::from(item.quantity.get())))
            .sum();
        Money::new(amount, self.currency.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            id: "team".into(),
            name: "Team".into(),
            description: None,
            currency: Currency::parse("usd").unwrap(),
            interval: Interval::Month,
            interval_count: 1,
            trial_days: 0,
            features: vec![],
            metered: Vec::new(),
            items: vec![
                PlanItem {
                    product: "base".into(),
                    product_name: "Base".into(),
                    unit_label: None,
                    price: Price::per_unit(2000).unwrap(),
                },
                PlanItem {
                    product: "seats".into(),
                    product_name: "Seats".into(),
                    unit_label: Some("seat".into()),
                    price: Price::per_unit(500).unwrap(),
                },
            ],
        }
    }

    #[test]
    fn plan_amount_multiplies_per_unit_items_only() {
        let plan = plan();
        assert_eq!(plan.amount_at(None).amount, 2500);
        let five = QuantityOption::All(Quantity::new(5).unwrap());
        assert_eq!(plan.amount_at(Some(&five)).amount, 2000 + 5 * 500);
    }

    #[test]
    fn unknown_status_survives() {
        let status: SubscriptionStatus = serde_json::from_str("\"paused\"").unwrap();
        assert_eq!(status, SubscriptionStatus::Unknown("paused".into()));
        assert_eq!(
            serde_json::to_string(&SubscriptionStatus::PastDue).unwrap(),
            "\"past_due\""
        );
    }
}
