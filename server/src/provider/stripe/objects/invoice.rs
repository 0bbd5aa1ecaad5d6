//! Stripe's invoices and their lines, as far as Portico reads them; a
//! preview's (`create_preview`) has no id, and the subscription sits under
//! `parent` since API 2025-03-31.

use super::{Expandable, List, Price};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Invoice {
    /// `None` for a preview.
    #[serde(default, deserialize_with = "preview_id")]
    pub id: String,
    #[serde(default)]
    pub number: Option<String>,
    pub customer: String,
    #[serde(default)]
    pub subscription: Option<String>,
    #[serde(default)]
    pub parent: Option<InvoiceParent>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub billing_reason: Option<String>,
    pub currency: String,
    pub lines: List<InvoiceLine>,
    #[serde(default)]
    pub subtotal: i64,
    #[serde(default)]
    pub total: i64,
    #[serde(default)]
    pub starting_balance: i64,
    #[serde(default)]
    pub ending_balance: Option<i64>,
    #[serde(default)]
    pub amount_due: i64,
    #[serde(default)]
    pub amount_paid: i64,
    #[serde(default)]
    pub amount_remaining: i64,
    #[serde(default)]
    pub attempt_count: u32,
    #[serde(default)]
    pub next_payment_attempt: Option<i64>,
    #[serde(default)]
    pub period_start: Option<i64>,
    #[serde(default)]
    pub period_end: Option<i64>,
    #[serde(default)]
    pub created: i64,
    #[serde(default)]
    pub status_transitions: Option<StatusTransitions>,
    #[serde(default)]
    pub livemode: bool,
    #[serde(default)]
    pub hosted_invoice_url: Option<String>,
    #[serde(default)]
    pub invoice_pdf: Option<String>,
}

/// A preview's `id` is `null` (or `upcoming_…` from the test peer).
fn preview_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

impl Invoice {
    pub fn subscription_id(&self) -> Option<&str> {
        self.subscription.as_deref().or_else(|| {
            self.parent
                .as_ref()?
                .subscription_details
                .as_ref()?
                .subscription
                .as_deref()
        })
    }

    pub fn is_preview(&self) -> bool {
        !self.id.starts_with("in_")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct InvoiceParent {
    #[serde(default)]
    pub subscription_details: Option<SubscriptionDetails>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SubscriptionDetails {
    #[serde(default)]
    pub subscription: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StatusTransitions {
    #[serde(default)]
    pub paid_at: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InvoiceLine {
    #[serde(default)]
    pub amount: i64,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub quantity: Option<u32>,
    #[serde(default)]
    pub proration: Option<bool>,
    #[serde(default)]
    pub parent: Option<serde_json::Value>,
    #[serde(default)]
    pub period: Option<LinePeriod>,
    #[serde(default)]
    pub price: Option<Price>,
    #[serde(default)]
    pub plan: Option<serde_json::Value>,
}

impl InvoiceLine {
    /// Whether the line is a proration: a field of its own before 2025-03-31,
    /// under `parent.*_item_details` since.
    pub fn is_proration(&self) -> bool {
        self.proration.unwrap_or_else(|| {
            self.parent.as_ref().is_some_and(|parent| {
                ["subscription_item_details", "invoice_item_details"]
                    .iter()
                    .any(|k| parent.pointer(&format!("/{k}/proration")) == Some(&true.into()))
            })
        })
    }

    pub fn product_id(&self) -> Option<String> {
        if let Some(price) = &self.price {
            return Some(match &price.product {
                Expandable::Id(id) => id.clone(),
                Expandable::Object(product) => product.id.clone(),
            });
        }
        self.plan
            .as_ref()?
            .get("product")?
            .as_str()
            .map(str::to_owned)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct LinePeriod {
    pub start: i64,
    pub end: i64,
}
