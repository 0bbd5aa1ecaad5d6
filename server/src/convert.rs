//! Engine and store types to wire types. The only place they meet.

use crate::billing::Status;
use crate::billing::state::{self, BillingReason, InvoiceStatus, Line, PaymentFailure};
use crate::catalog::{Plan, Service};
use crate::store::{CardRow, CustomerRow, InvoiceRow, SubscriptionRow, TransactionRow, WalletRow};
use portico_wire::actions::CancellationFeedback;
use portico_wire::embed::{
    self as wire, CancellationDetails, CancellationReason, SubscriptionStatus,
};
use portico_wire::ids::SubscriptionItemId;
use portico_wire::invoice::{self, LinePeriod, PaymentError};
use portico_wire::payment::{Card, PaymentMethod};

pub fn plan(plan: &Plan) -> wire::Plan {
    wire::Plan {
        id: plan.id.clone(),
        name: plan.name.clone(),
        description: plan.description.clone(),
        currency: plan.currency.clone(),
        interval: plan.interval,
        interval_count: plan.interval_count,
        trial_days: plan.trial_days,
        features: plan.features.clone(),
        metered: plan
            .metered
            .iter()
            .map(|metered| wire::MeteredPrice {
                meter: metered.meter.key.clone(),
                name: metered.meter.name.clone(),
                unit: metered.meter.unit.clone(),
                aggregation: metered.meter.aggregation,
                price: metered.price.clone(),
            })
            .collect(),
        items: plan
            .items
            .iter()
            .map(|item| wire::PlanItem {
                product: item.product.id.clone(),
                product_name: item.product.name.clone(),
                unit_label: item.product.unit_label.clone(),
                price: item.price.clone(),
            })
            .collect(),
    }
}

pub fn service(service: &Service) -> wire::Service {
    wire::Service {
        name: service.name.to_string(),
        livemode: service.mode.is_live(),
    }
}

pub fn customer(row: &CustomerRow) -> wire::Customer {
    wire::Customer {
        id: row.id(),
        object: "customer".to_owned(),
        email: row
            .details
            .billing_email
            .clone()
            .or_else(|| row.email.clone()),
        external_id: row.external_id.clone(),
        name: row.details.name.clone(),
        address: row.details.address.clone(),
        tax_id: row.details.tax_id.clone(),
        created: row.created,
        livemode: row.livemode,
    }
}

fn status(status: Status) -> SubscriptionStatus {
    match status {
        Status::Trialing => SubscriptionStatus::Trialing,
        Status::Active => SubscriptionStatus::Active,
        Status::PastDue => SubscriptionStatus::PastDue,
        Status::Canceled => SubscriptionStatus::Canceled,
        Status::Incomplete => SubscriptionStatus::Incomplete,
        Status::IncompleteExpired => SubscriptionStatus::IncompleteExpired,
    }
}

/// A value named by one of the wire's snake_case enums.
fn named<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::from(name)).ok()
}

pub fn subscription(row: &SubscriptionRow, customer: &CustomerRow) -> wire::Subscription {
    let sub = &row.state;
    wire::Subscription {
        id: row.id.clone(),
        object: "subscription".to_owned(),
        customer: customer.id(),
        service: row.service.clone(),
        plan: sub.terms.plan.clone(),
        status: status(sub.status),
        currency: sub.currency.clone(),
        interval: sub.terms.interval,
        interval_count: sub.terms.interval_count,
        items: sub
            .terms
            .items
            .iter()
            .map(|item| wire::SubscriptionItem {
                id: item
                    .id
                    .as_deref()
                    .and_then(SubscriptionItemId::parse)
                    .unwrap_or_else(|| SubscriptionItemId::from_suffix("pending")),
                product: item.product.clone(),
                unit_label: item.unit_label.clone(),
                quantity: item.quantity,
                price: item.price.clone(),
            })
            .collect(),
        metered: sub
            .terms
            .metered
            .iter()
            .map(state::MeteredItem::to_wire)
            .collect(),
        current_period_start: sub.period.start.as_second(),
        current_period_end: sub.period.end.as_second(),
        trial_end: sub.trial_end.map(|t| t.as_second()),
        cancel_at_period_end: sub.cancel_at_period_end,
        cancel_at: sub.cancel_at_period_end.then(|| sub.period.end.as_second()),
        canceled_at: sub.canceled_at.map(|t| t.as_second()),
        ended_at: sub.ended_at.map(|t| t.as_second()),
        cancellation_details: sub.cancellation.as_ref().map(|c| CancellationDetails {
            reason: named(c.reason.as_str())
                .unwrap_or_else(|| CancellationReason::Unknown(c.reason.as_str().to_owned())),
            feedback: c
                .feedback
                .as_deref()
                .map(|f| named(f).unwrap_or_else(|| CancellationFeedback::Unknown(f.to_owned()))),
            comment: c.comment.clone(),
        }),
        pending_update: sub
            .pending_update
            .as_ref()
            .map(|terms| wire::PendingUpdate {
                metered: terms
                    .metered
                    .iter()
                    .map(state::MeteredItem::to_wire)
                    .collect(),
                plan: terms.plan.clone(),
                interval: terms.interval,
                interval_count: terms.interval_count,
                items: terms
                    .items
                    .iter()
                    .map(|item| wire::PendingItem {
                        product: item.product.clone(),
                        product_name: item.product_name.clone(),
                        unit_label: item.unit_label.clone(),
                        quantity: item.quantity,
                        price: item.price.clone(),
                    })
                    .collect(),
                effective_at: sub.period.end.as_second(),
            }),
        latest_invoice: row.latest_invoice.clone(),
        created: sub.created.as_second(),
        livemode: row.livemode,
    }
}

pub fn invoice(row: &InvoiceRow, customer: &CustomerRow) -> invoice::Invoice {
    let mut wire = draft_invoice(
        &row.invoice,
        customer,
        row.subscription_id.clone(),
        row.livemode,
    );
    wire.id = Some(row.id.clone());
    wire.number = Some(row.number.clone());
    wire.invoice_pdf = Some(format!("/v1/embed/invoices/{}/pdf", row.id));
    wire
}

/// An invoice that is not stored (a preview): no id, no number.
pub fn draft_invoice(
    invoice: &state::Invoice,
    customer: &CustomerRow,
    subscription: Option<portico_wire::ids::SubscriptionId>,
    livemode: bool,
) -> invoice::Invoice {
    invoice::Invoice {
        id: None,
        object: "invoice".to_owned(),
        number: None,
        customer: customer.id(),
        subscription,
        status: match invoice.status {
            InvoiceStatus::Draft => invoice::InvoiceStatus::Draft,
            InvoiceStatus::Open => invoice::InvoiceStatus::Open,
            InvoiceStatus::Paid => invoice::InvoiceStatus::Paid,
            InvoiceStatus::Void => invoice::InvoiceStatus::Void,
            InvoiceStatus::Uncollectible => invoice::InvoiceStatus::Uncollectible,
        },
        billing_reason: match invoice.reason {
            BillingReason::SubscriptionCreate => invoice::BillingReason::SubscriptionCreate,
            BillingReason::SubscriptionCycle => invoice::BillingReason::SubscriptionCycle,
            BillingReason::SubscriptionUpdate => invoice::BillingReason::SubscriptionUpdate,
            BillingReason::Upcoming => invoice::BillingReason::Upcoming,
        },
        currency: invoice.currency.clone(),
        lines: invoice.lines.iter().map(line).collect(),
        subtotal: invoice.subtotal,
        total: invoice.subtotal,
        starting_balance: invoice.starting_balance,
        ending_balance: invoice.ending_balance,
        amount_due: invoice.amount_due,
        amount_paid: invoice.amount_paid,
        amount_paid_from_wallet: invoice.paid_from_wallet,
        amount_remaining: invoice.amount_remaining(),
        attempt_count: invoice.attempt_count,
        next_payment_attempt: invoice.next_payment_attempt.map(|t| t.as_second()),
        last_payment_error: invoice.last_failure.map(payment_error),
        period_start: invoice.period.start.as_second(),
        period_end: invoice.period.end.as_second(),
        created: invoice.created.as_second(),
        paid_at: invoice.paid_at.map(|t| t.as_second()),
        livemode,
        invoice_pdf: None,
        hosted_invoice_url: None,
    }
}

pub fn line(line: &Line) -> invoice::InvoiceLine {
    invoice::InvoiceLine {
        description: line.description.clone(),
        product: line.product.clone(),
        quantity: line.quantity,
        amount: line.amount,
        proration: line.proration,
        period: LinePeriod {
            start: line.period.start.as_second(),
            end: line.period.end.as_second(),
        },
    }
}

fn payment_error(failure: PaymentFailure) -> PaymentError {
    match failure {
        PaymentFailure::NoPaymentMethod => PaymentError {
            code: "payment_method_missing".to_owned(),
            decline_code: None,
            message: "The customer has no payment method to charge.".to_owned(),
        },
        PaymentFailure::Declined(decline) => PaymentError {
            code: decline.code().to_owned(),
            decline_code: decline.decline_code().map(str::to_owned),
            message: decline.message().to_owned(),
        },
    }
}

pub fn payment_method(row: &CardRow) -> PaymentMethod {
    PaymentMethod {
        id: row.id.clone(),
        object: "payment_method".to_owned(),
        kind: "card".to_owned(),
        card: Card {
            brand: row.card.brand.as_str().to_owned(),
            last4: row.card.last4.clone(),
            exp_month: row.card.exp_month,
            exp_year: row.card.exp_year,
            funding: row.card.funding.to_owned(),
        },
        created: row.created,
        livemode: row.livemode,
    }
}

pub fn wallet(row: &WalletRow) -> portico_wire::wallet::Wallet {
    portico_wire::wallet::Wallet {
        id: row.id.clone(),
        object: "wallet".to_owned(),
        customer: portico_wire::ids::CustomerId::parse(&row.customer_id)
            .unwrap_or_else(|| portico_wire::ids::CustomerId::from_suffix(&row.customer_id)),
        currency: row.currency.clone(),
        conversion_rate: row.conversion_rate,
        balance: row.balance,
        balance_value: row.balance.value(row.conversion_rate),
        status: "active".to_owned(),
        livemode: row.livemode,
        created: row.created,
    }
}

pub fn wallet_transaction(
    row: &TransactionRow,
    currency: &portico_wire::Currency,
) -> portico_wire::wallet::WalletTransaction {
    use portico_wire::wallet::TransactionType;
    portico_wire::wallet::WalletTransaction {
        id: row.id.clone(),
        object: "wallet_transaction".to_owned(),
        wallet: row.wallet_id.clone(),
        kind: if row.credit {
            TransactionType::Credit
        } else {
            TransactionType::Debit
        },
        reason: row.reason,
        credits: row.credits,
        amount: row.amount,
        currency: currency.clone(),
        credits_remaining: row.remaining,
        priority: row.priority,
        expires_at: row.expires_at,
        invoice: row
            .invoice_id
            .as_deref()
            .and_then(portico_wire::ids::InvoiceId::parse),
        description: row.description.clone(),
        created: row.created,
    }
}
