//! Invoices, as the portal and `handleResponse` see them: Stripe's fields, amounts in
//! minor units of the invoice's `currency`.

use crate::ids::{CustomerId, InvoiceId, SubscriptionId};
use crate::money::Currency;
use crate::open_enum::open_enum;
use serde::{Deserialize, Serialize};

open_enum! {
    pub enum InvoiceStatus {
        Draft = "draft",
        Open = "open",
        Paid = "paid",
        Void = "void",
        Uncollectible = "uncollectible",
    }
}

open_enum! {
    /// Why an invoice was created, with Stripe's values.
    pub enum BillingReason {
        SubscriptionCreate = "subscription_create",
        SubscriptionCycle = "subscription_cycle",
        SubscriptionUpdate = "subscription_update",
        /// A preview of the next renewal, never stored.
        Upcoming = "upcoming",
        Manual = "manual",
    }
}

/// `[start, end)` in Unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinePeriod {
    pub start: i64,
    pub end: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceLine {
    /// Human-readable, as Stripe words it: "Unused time on 3 × Team after 22 Nov 2026".
    pub description: String,
    pub product: String,
    /// Metered usage can pass 2^32 units in a period.
    pub quantity: u64,
    /// Negative for a credit.
    pub amount: i64,
    /// Whether the line prorates a mid-period change.
    pub proration: bool,
    pub period: LinePeriod,
}

/// Why the last payment attempt failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentError {
    pub code: String,
    pub decline_code: Option<String>,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invoice {
    /// `None` for a preview, which is never stored.
    pub id: Option<InvoiceId>,
    /// Always `"invoice"`.
    pub object: String,
    /// `INV-YYYYMM-NNNNN`, given when the invoice is finalized.
    pub number: Option<String>,
    pub customer: CustomerId,
    pub subscription: Option<SubscriptionId>,
    pub status: InvoiceStatus,
    pub billing_reason: BillingReason,
    pub currency: Currency,
    pub lines: Vec<InvoiceLine>,
    /// Σ lines.
    pub subtotal: i64,
    /// `subtotal` after discounts and taxes (Portico models neither yet).
    pub total: i64,
    /// The customer's balance before and after this invoice; negative is credit.
    pub starting_balance: i64,
    pub ending_balance: i64,
    /// `total` less the credit applied; never negative.
    pub amount_due: i64,
    /// Includes `amount_paid_from_wallet`.
    pub amount_paid: i64,
    /// What the customer's prepaid credits paid, in minor units.
    #[serde(default)]
    pub amount_paid_from_wallet: i64,
    pub amount_remaining: i64,
    pub attempt_count: u32,
    pub next_payment_attempt: Option<i64>,
    pub last_payment_error: Option<PaymentError>,
    pub period_start: i64,
    pub period_end: i64,
    pub created: i64,
    pub paid_at: Option<i64>,
    pub livemode: bool,
    /// Where the portal downloads the invoice as a PDF, relative to the server and
    /// with the session's token: `/v1/embed/invoices/{id}/pdf` (Stripe's
    /// `invoice_pdf`). `None` for a preview.
    /// With the Stripe provider, Stripe's absolute URL of the PDF instead.
    #[serde(default)]
    pub invoice_pdf: Option<String>,
    /// Stripe's page for the invoice (Stripe provider only).
    #[serde(default)]
    pub hosted_invoice_url: Option<String>,
}
