//! The engine's view of a subscription, a customer's account and an invoice. Plain
//! data: the store loads it, the core decides on it, the store writes it back.

use super::Status;
use super::cards::{AcceptedCard, Decline};
use super::proration::Period;
use super::wallet::Wallet;
use jiff::Timestamp;
use portico_wire::embed::Interval;
use portico_wire::price::Price;
use portico_wire::usage::Aggregation;
use portico_wire::wallet::Credits;
use portico_wire::{Currency, Quantity};
use std::collections::BTreeMap;

/// One priced product of a subscription, its price a snapshot taken at signup or
/// change so catalog edits never reprice it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// `si_…`; `None` until the store keeps the item.
    pub id: Option<String>,
    pub product: String,
    pub product_name: String,
    pub unit_label: Option<String>,
    pub quantity: Quantity,
    pub price: Price,
}

impl Item {
    /// What a whole period of this item costs.
    pub fn period_amount(&self) -> i64 {
        self.price.amount(u64::from(self.quantity.get()))
    }

    /// The same product at the same price and quantity.
    pub fn same_terms(&self, other: &Item) -> bool {
        self.product == other.product
            && self.quantity == other.quantity
            && self.price == other.price
    }
}

/// A meter billed on usage at the end of each period, its price a snapshot like an
/// item's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeteredItem {
    pub meter: String,
    pub name: String,
    pub unit: String,
    pub aggregation: Aggregation,
    pub price: Price,
}

impl MeteredItem {
    /// The wire shape. (The store keeps its own: `store/stored/pending.rs`.)
    pub fn to_wire(&self) -> portico_wire::embed::MeteredPrice {
        portico_wire::embed::MeteredPrice {
            meter: self.meter.clone(),
            name: self.name.clone(),
            unit: self.unit.clone(),
            aggregation: self.aggregation,
            price: self.price.clone(),
        }
    }
}

/// A plan with quantities: what a subscription bills, or will bill after a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub plan: String,
    pub interval: Interval,
    pub interval_count: u32,
    pub items: Vec<Item>,
    pub metered: Vec<MeteredItem>,
}

impl Terms {
    pub fn same_as(&self, other: &Terms) -> bool {
        self.plan == other.plan
            && self.interval == other.interval
            && self.interval_count == other.interval_count
            && self.metered == other.metered
            && self.items.len() == other.items.len()
            && self
                .items
                .iter()
                .zip(&other.items)
                .all(|(a, b)| a.same_terms(b))
    }

    pub fn same_cycle(&self, other: &Terms) -> bool {
        self.interval == other.interval && self.interval_count == other.interval_count
    }
}

/// Stripe's `cancellation_details.reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelReason {
    CancellationRequested,
    PaymentFailed,
}

impl CancelReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CancellationRequested => "cancellation_requested",
            Self::PaymentFailed => "payment_failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::CancellationRequested, Self::PaymentFailed]
            .into_iter()
            .find(|r| r.as_str() == value)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cancellation {
    pub reason: CancelReason,
    /// One of Stripe's feedback values, validated at the edge.
    pub feedback: Option<String>,
    pub comment: Option<String>,
}

/// One line of an invoice, or a proration waiting for the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub description: String,
    pub product: String,
    pub quantity: u64,
    pub amount: i64,
    pub proration: bool,
    pub period: Period,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub terms: Terms,
    pub status: Status,
    pub currency: Currency,
    pub period: Period,
    /// Periods are counted from here, so a month after Jan 31 is Feb 28 and the one
    /// after that Mar 31, as with Stripe.
    pub billing_cycle_anchor: Timestamp,
    pub trial_end: Option<Timestamp>,
    pub cancel_at_period_end: bool,
    pub canceled_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub cancellation: Option<Cancellation>,
    /// A change that applies when the current period ends.
    pub pending_update: Option<Terms>,
    /// Prorations waiting for the next invoice.
    pub pending_lines: Vec<Line>,
    /// Its open invoices, oldest first, each retried on its own schedule.
    pub open_invoices: Vec<Invoice>,
    pub created: Timestamp,
    /// Usage of each metered meter in the current period so far, as the store read
    /// it: billed when the period ends.
    pub usage: BTreeMap<String, i64>,
}

impl Subscription {
    /// Whether the invoice for the current period itself is still unpaid.
    pub fn period_unpaid(&self) -> bool {
        self.open_invoices.iter().any(|invoice| {
            matches!(
                invoice.reason,
                BillingReason::SubscriptionCreate | BillingReason::SubscriptionCycle
            ) && invoice.period.start == self.period.start
        })
    }

    /// An active subscription is `past_due` while it has an open invoice, `active`
    /// once it has none.
    pub fn settle_status(&mut self) {
        if matches!(self.status, Status::Active | Status::PastDue) {
            self.status = if self.open_invoices.is_empty() {
                Status::Active
            } else {
                Status::PastDue
            };
        }
    }

    /// Replaces or adds `invoice` among the open ones, or drops it once it is not open.
    pub fn track(&mut self, invoice: &Invoice) {
        self.open_invoices
            .retain(|open| open.id.is_none() || open.id != invoice.id);
        if invoice.status == InvoiceStatus::Open {
            self.open_invoices.push(invoice.clone());
        }
    }
}

/// The customer's money in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Account {
    /// Stripe's customer balance: negative is credit the next invoices use first.
    pub balance: i64,
    pub card: Option<AcceptedCard>,
    /// Prepaid credits in this currency: they pay invoices after the balance.
    pub wallet: Option<Wallet>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillingReason {
    SubscriptionCreate,
    SubscriptionCycle,
    SubscriptionUpdate,
    Upcoming,
}

impl BillingReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SubscriptionCreate => "subscription_create",
            Self::SubscriptionCycle => "subscription_cycle",
            Self::SubscriptionUpdate => "subscription_update",
            Self::Upcoming => "upcoming",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::SubscriptionCreate,
            Self::SubscriptionCycle,
            Self::SubscriptionUpdate,
            Self::Upcoming,
        ]
        .into_iter()
        .find(|r| r.as_str() == value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceStatus {
    Draft,
    Open,
    Paid,
    Void,
    Uncollectible,
}

impl InvoiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Open => "open",
            Self::Paid => "paid",
            Self::Void => "void",
            Self::Uncollectible => "uncollectible",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::Draft,
            Self::Open,
            Self::Paid,
            Self::Void,
            Self::Uncollectible,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}

/// Why a payment attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentFailure {
    NoPaymentMethod,
    Declined(Decline),
}

impl PaymentFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoPaymentMethod => "no_payment_method",
            Self::Declined(decline) => decline.as_str(),
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "no_payment_method" => Some(Self::NoPaymentMethod),
            other => Decline::parse(other).map(Self::Declined),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    /// `in_…`; `None` until the store keeps the invoice.
    pub id: Option<String>,
    pub reason: BillingReason,
    pub currency: Currency,
    pub lines: Vec<Line>,
    pub period: Period,
    pub created: Timestamp,
    pub status: InvoiceStatus,
    /// Σ lines; also the total, as there are no discounts or taxes.
    pub subtotal: i64,
    pub starting_balance: i64,
    pub ending_balance: i64,
    pub amount_due: i64,
    /// Includes what the wallet paid.
    pub amount_paid: i64,
    /// Minor units paid from the wallet's credits when the invoice was finalized.
    pub paid_from_wallet: i64,
    pub wallet_credits: Credits,
    pub attempt_count: u32,
    pub next_payment_attempt: Option<Timestamp>,
    pub last_failure: Option<PaymentFailure>,
    pub paid_at: Option<Timestamp>,
}

impl Invoice {
    pub fn amount_remaining(&self) -> i64 {
        match self.status {
            InvoiceStatus::Void | InvoiceStatus::Paid => 0,
            _ => self.amount_due - self.amount_paid,
        }
    }
}

/// What the core decided: the subscription as it now is, the account after it, and
/// every invoice created (`id: None`) or updated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub subscription: Subscription,
    pub account: Account,
    pub invoices: Vec<Invoice>,
}

impl Decision {
    /// The invoice this decision created, if any.
    pub fn created_invoice(&self) -> Option<&Invoice> {
        self.invoices.iter().find(|invoice| invoice.id.is_none())
    }
}
