//! What the portal shows of invoices, cards and change previews, and how a change is
//! classified for the host's events. Plain Rust, tested natively.

use crate::i18n::{Locale, fill};
use crate::intl;
use portico_wire::actions::{ChangePreview, ChangeRequest};
use portico_wire::embed::{Plan, Subscription, SubscriptionStatus};
use portico_wire::event::EventName;
use portico_wire::invoice::{Invoice, InvoiceStatus};
use portico_wire::payment::PaymentMethod;
use portico_wire::{Money, Quantity, QuantityOption};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceRow {
    pub id: String,
    pub number: String,
    pub date: String,
    pub status: &'static str,
    /// CSS modifier: `good`, `bad`, `info`, `muted`.
    pub tone: &'static str,
    pub amount: String,
    pub lines: Vec<(String, String)>,
    pub due: String,
    /// What the customer's prepaid credits paid, when they paid anything.
    pub paid_from_credits: Option<String>,
    /// The PDF's path on the backend and the file name it downloads as.
    pub pdf: Option<(String, String)>,
}

/// Whether a link leaves the portal's server (Stripe's PDFs do), so it is opened
/// as a plain link instead of fetched with the session.
pub fn is_absolute_url(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

pub fn invoice_row(invoice: &Invoice, locale: Locale) -> InvoiceRow {
    let t = locale.text();
    let money = |amount| intl::money(locale, &Money::new(amount, invoice.currency.clone()));
    let (status, tone) = match &invoice.status {
        InvoiceStatus::Paid => (t.invoice_paid, "good"),
        InvoiceStatus::Open => (t.invoice_open, "bad"),
        InvoiceStatus::Draft => (t.invoice_draft, "info"),
        InvoiceStatus::Void => (t.invoice_void, "muted"),
        InvoiceStatus::Uncollectible => (t.invoice_uncollectible, "bad"),
        _ => (t.status_unknown, "muted"),
    };
    let number = invoice.number.clone();
    let pdf_name = number
        .clone()
        .or_else(|| invoice.id.as_ref().map(ToString::to_string))
        .unwrap_or_else(|| "invoice".to_owned());
    InvoiceRow {
        id: invoice
            .id
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        number: number.unwrap_or_else(|| t.upcoming.to_owned()),
        date: intl::date(locale, invoice.created),
        status,
        tone,
        amount: money(invoice.total),
        lines: invoice
            .lines
            .iter()
            .map(|line| (line.description.clone(), money(line.amount)))
            .collect(),
        due: money(invoice.amount_due),
        paid_from_credits: (invoice.amount_paid_from_wallet > 0)
            .then(|| money(invoice.amount_paid_from_wallet)),
        pdf: invoice
            .invoice_pdf
            .clone()
            .map(|path| (path, format!("{}.pdf", file_name(&pdf_name)))),
    }
}

/// An invoice number as a file name: only characters every file system keeps.
fn file_name(number: &str) -> String {
    number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The confirmation a customer sees before a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviewSummary {
    /// What is charged now (lines and the amount due), if anything is.
    pub now: Option<InvoiceRow>,
    /// Prorations the next invoice will carry.
    pub pending: Vec<(String, String)>,
    /// `Next invoice on Dec 22, 2026: $45.00`.
    pub next: Option<String>,
    /// `Takes effect on Dec 22, 2026` for a change scheduled at period end.
    pub scheduled: Option<String>,
}

pub fn preview_summary(preview: &ChangePreview, locale: Locale) -> PreviewSummary {
    let t = locale.text();
    let sub = &preview.subscription;
    let money = |amount| intl::money(locale, &Money::new(amount, sub.currency.clone()));
    PreviewSummary {
        now: preview.invoice.as_ref().map(|i| invoice_row(i, locale)),
        pending: preview
            .pending_lines
            .iter()
            .map(|line| (line.description.clone(), money(line.amount)))
            .collect(),
        next: preview.next_invoice.as_ref().map(|next| {
            let date = intl::date(locale, next.created);
            fill(
                t.next_invoice_on,
                &[("date", &date), ("amount", &money(next.amount_due))],
            )
        }),
        scheduled: sub.pending_update.as_ref().map(|update| {
            fill(
                t.takes_effect_on,
                &[("date", &intl::date(locale, update.effective_at))],
            )
        }),
    }
}

/// `Visa •••• 4242 · expires 12/2030`.
pub fn card_label(method: &PaymentMethod, locale: Locale) -> String {
    let card = &method.card;
    let mut brand = card.brand.clone();
    if let Some(first) = brand.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    let expiry = format!("{:02}/{}", card.exp_month, card.exp_year);
    fill(
        locale.text().card_label,
        &[
            ("brand", &brand),
            ("last4", &card.last4),
            ("expiry", &expiry),
        ],
    )
}

/// Which event a change is: a new plan (or cycle) or only new quantities.
pub fn change_event(subscription: &Subscription, request: &ChangeRequest) -> EventName {
    match &request.plan {
        Some(plan) if *plan != subscription.plan => EventName::PlanChange,
        _ => EventName::QuantityChange,
    }
}

/// The quantity of the subscription's per-unit product, if it has one.
pub fn seats(subscription: &Subscription) -> Option<(String, Quantity)> {
    subscription
        .items
        .iter()
        .find_map(|item| Some((item.unit_label.clone()?, item.quantity)))
}

/// The request for `plan` at `seats` (the per-unit label's quantity).
pub fn change_request(plan: &Plan, label_seats: Option<(String, Quantity)>) -> ChangeRequest {
    ChangeRequest {
        plan: Some(plan.id.clone()),
        quantity: label_seats
            .map(|(label, quantity)| QuantityOption::PerUnitLabel([(label, quantity)].into())),
        proration_behavior: None,
        at_period_end: false,
    }
}

/// What the customer must do, if anything: a failed payment holds the subscription.
pub fn attention(subscription: &Subscription, locale: Locale) -> Option<&'static str> {
    let t = locale.text();
    match subscription.status {
        SubscriptionStatus::PastDue => Some(t.attention_past_due),
        SubscriptionStatus::Incomplete => Some(t.attention_incomplete),
        _ => None,
    }
}

/// What may be done with a subscription from the portal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Actions {
    pub change: bool,
    pub cancel: bool,
    pub resume: bool,
    pub resubscribe: bool,
}

pub fn actions(subscription: &Subscription) -> Actions {
    match subscription.status {
        SubscriptionStatus::Canceled | SubscriptionStatus::IncompleteExpired => Actions {
            resubscribe: true,
            ..Actions::default()
        },
        SubscriptionStatus::Incomplete => Actions {
            cancel: true,
            ..Actions::default()
        },
        _ if subscription.cancel_at_period_end => Actions {
            resume: true,
            ..Actions::default()
        },
        SubscriptionStatus::Unknown(_) => Actions::default(),
        _ => Actions {
            change: true,
            cancel: true,
            ..Actions::default()
        },
    }
}

#[cfg(test)]
mod tests;
