//! The parts of Stripe's objects Portico reads. Fields that moved between API
//! versions (a subscription's period moved onto its items in 2025-03-31; an
//! invoice's subscription under `parent`) are read from either place, and
//! everything not always present is optional, so an older or newer account
//! version — or the test peer — still parses.

mod invoice;

pub use invoice::{
    Invoice, InvoiceLine, InvoiceParent, LinePeriod, StatusTransitions, SubscriptionDetails,
};
use serde::Deserialize;
use std::collections::BTreeMap;

pub type Metadata = BTreeMap<String, String>;

#[derive(Debug, Clone, Deserialize)]
pub struct List<T> {
    pub data: Vec<T>,
    #[serde(default)]
    pub has_more: bool,
}

/// An id, or the object it names when expanded.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Expandable<T> {
    Id(String),
    Object(Box<T>),
}

impl<T: HasId> Expandable<T> {
    pub fn id(&self) -> &str {
        match self {
            Self::Id(id) => id,
            Self::Object(object) => object.id(),
        }
    }
}

pub trait HasId {
    fn id(&self) -> &str;
}

macro_rules! has_id {
    ($($t:ty),*) => { $(impl HasId for $t { fn id(&self) -> &str { &self.id } })* };
}
has_id!(Customer, Product, Price, Invoice, PaymentMethod);

#[derive(Debug, Clone, Deserialize)]
pub struct Customer {
    pub id: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// Stripe's address has the wire type's fields.
    #[serde(default)]
    pub address: Option<portico_wire::customer::Address>,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub livemode: bool,
    #[serde(default)]
    pub invoice_settings: Option<InvoiceSettings>,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub deleted: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InvoiceSettings {
    #[serde(default)]
    pub default_payment_method: Option<Expandable<PaymentMethod>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Product {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub unit_label: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub metadata: Metadata,
}

fn yes() -> bool {
    true
}

/// A recurring price, as `/v1/prices` (or the test peer's `/v1/plans`, see
/// `dialect.rs`) describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Price {
    pub id: String,
    pub product: Expandable<Product>,
    pub currency: String,
    #[serde(default)]
    pub unit_amount: Option<i64>,
    #[serde(default)]
    pub recurring: Option<Recurring>,
    #[serde(default)]
    pub nickname: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub metadata: Metadata,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Recurring {
    pub interval: String,
    #[serde(default = "one")]
    pub interval_count: u32,
    #[serde(default)]
    pub trial_period_days: Option<u32>,
    #[serde(default)]
    pub usage_type: Option<String>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Deserialize)]
pub struct Subscription {
    pub id: String,
    pub customer: String,
    pub status: String,
    pub items: List<SubscriptionItem>,
    #[serde(default)]
    pub current_period_start: Option<i64>,
    #[serde(default)]
    pub current_period_end: Option<i64>,
    #[serde(default)]
    pub cancel_at_period_end: bool,
    #[serde(default)]
    pub cancel_at: Option<i64>,
    #[serde(default)]
    pub canceled_at: Option<i64>,
    #[serde(default)]
    pub ended_at: Option<i64>,
    #[serde(default)]
    pub trial_end: Option<i64>,
    #[serde(default)]
    pub latest_invoice: Option<Expandable<Invoice>>,
    /// A schedule holding a change at period end (`schedules.rs`).
    #[serde(default)]
    pub schedule: Option<Expandable<super::schedules::Schedule>>,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub livemode: bool,
    #[serde(default)]
    pub metadata: Metadata,
}

impl Subscription {
    /// The current period: on the subscription before API 2025-03-31, on its
    /// items since.
    pub fn period(&self) -> (i64, i64) {
        let item = self.items.data.first();
        let start = self
            .current_period_start
            .or_else(|| item.and_then(|i| i.current_period_start))
            .unwrap_or(self.created);
        let end = self
            .current_period_end
            .or_else(|| item.and_then(|i| i.current_period_end))
            .unwrap_or(start);
        (start, end)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct SubscriptionItem {
    pub id: String,
    /// Set by Stripe; the test peer sets `plan` instead (`dialect.rs`).
    #[serde(default)]
    pub price: Option<Price>,
    #[serde(default)]
    pub plan: Option<serde_json::Value>,
    #[serde(default = "one")]
    pub quantity: u32,
    #[serde(default)]
    pub current_period_start: Option<i64>,
    #[serde(default)]
    pub current_period_end: Option<i64>,
}

impl SubscriptionItem {
    /// The price's id, wherever the API version put it.
    pub fn price_id(&self) -> Option<&str> {
        self.price
            .as_ref()
            .map(|p| p.id.as_str())
            .or_else(|| self.plan.as_ref()?.get("id")?.as_str())
    }

    /// The product's id, of the price or of the older plan.
    pub fn product_id(&self) -> Option<String> {
        match &self.price {
            Some(price) => Some(price.product.id().to_owned()),
            None => self
                .plan
                .as_ref()?
                .get("product")?
                .as_str()
                .map(str::to_owned),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentMethod {
    pub id: String,
    #[serde(default)]
    pub customer: Option<String>,
    #[serde(default)]
    pub card: Option<Card>,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub livemode: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Card {
    #[serde(default)]
    pub brand: String,
    #[serde(default)]
    pub last4: String,
    #[serde(default)]
    pub exp_month: u32,
    #[serde(default)]
    pub exp_year: u32,
    #[serde(default)]
    pub funding: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SetupIntent {
    pub id: String,
    #[serde(default)]
    pub client_secret: Option<String>,
    pub status: String,
    #[serde(default)]
    pub customer: Option<String>,
    #[serde(default)]
    pub payment_method: Option<Expandable<PaymentMethod>>,
}

/// An event as webhooks deliver it.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub livemode: bool,
    pub data: EventData,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EventData {
    pub object: serde_json::Value,
}
