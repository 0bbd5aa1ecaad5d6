//! Stripe's objects to Portico's wire types: what the widget sees does not
//! depend on the provider.

use super::objects::{self, Expandable};
use crate::billing::state::MeteredItem;
use crate::catalog::Service;
use portico_wire::embed::{self as wire, CancellationDetails, CancellationReason};
use portico_wire::ids::{
    CustomerId, InvoiceId, PaymentMethodId, SubscriptionId, SubscriptionItemId,
};
use portico_wire::invoice::{self, LinePeriod};
use portico_wire::payment::{Card, PaymentMethod};
use portico_wire::{Currency, Quantity};
use serde::de::DeserializeOwned;

/// A Stripe string for one of our `#[non_exhaustive]` enums; what we do not
/// know becomes its `Unknown` variant.
fn named<T: DeserializeOwned>(value: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::from(value)).ok()
}

fn currency(code: &str) -> Result<Currency, String> {
    Currency::parse(code).map_err(|e| format!("Stripe returned {e}"))
}

fn id<T>(parse: fn(&str) -> Option<T>, value: &str, what: &str) -> Result<T, String> {
    parse(value).ok_or_else(|| format!("Stripe returned a malformed {what} id `{value}`"))
}

pub fn customer(customer: &objects::Customer) -> Result<wire::Customer, String> {
    Ok(wire::Customer {
        id: id(CustomerId::parse, &customer.id, "customer")?,
        object: "customer".to_owned(),
        email: customer.email.clone(),
        external_id: None,
        name: customer.name.clone(),
        address: customer.address.as_ref().map(address),
        tax_id: None,
        created: customer.created,
        livemode: customer.livemode,
    })
}

/// Stripe's address with empty fields as absent: clearing a field sends an
/// empty string, which Stripe stores as null and localstripe as "".
fn address(address: &portico_wire::customer::Address) -> portico_wire::customer::Address {
    let field = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());
    portico_wire::customer::Address {
        line1: field(&address.line1),
        line2: field(&address.line2),
        city: field(&address.city),
        state: field(&address.state),
        postal_code: field(&address.postal_code),
        country: field(&address.country),
    }
}

/// A Stripe subscription in `service`; its plan is the price of its first item.
pub fn subscription(
    sub: &objects::Subscription,
    service: &Service,
) -> Result<wire::Subscription, String> {
    let plan_id = sub
        .items
        .data
        .first()
        .and_then(|item| item.price_id())
        .unwrap_or_default()
        .to_owned();
    let plan = service.plan(&plan_id);
    let (start, end) = sub.period();
    let metered_prices = plan
        .map(super::metered::provider_prices)
        .unwrap_or_default();
    let items = sub
        .items
        .data
        .iter()
        .filter(|item| {
            item.price_id()
                .is_none_or(|id| !metered_prices.contains(&id))
        })
        .map(|item| {
            let catalog_item = plan.and_then(|p| p.items.first());
            Ok(wire::SubscriptionItem {
                id: id(SubscriptionItemId::parse, &item.id, "subscription item")?,
                product: catalog_item
                    .map(|i| i.product.id.clone())
                    .unwrap_or_default(),
                unit_label: catalog_item.and_then(|i| i.product.unit_label.clone()),
                quantity: Quantity::new(u64::from(item.quantity.max(1)))?,
                price: catalog_item
                    .map(|i| i.price.clone())
                    .unwrap_or(portico_wire::price::Price::PerUnit { unit_amount: 0 }),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(wire::Subscription {
        id: id(SubscriptionId::parse, &sub.id, "subscription")?,
        object: "subscription".to_owned(),
        customer: id(CustomerId::parse, &sub.customer, "customer")?,
        service: service.name.to_string(),
        plan: plan_id,
        status: named(&sub.status).unwrap_or(wire::SubscriptionStatus::Incomplete),
        currency: plan
            .map(|p| p.currency.clone())
            .map_or_else(|| currency("usd"), Ok)?,
        interval: plan.map_or(wire::Interval::Month, |p| p.interval),
        interval_count: plan.map_or(1, |p| p.interval_count),
        items,
        metered: plan
            .map(|p| super::metered::items(p, sub))
            .unwrap_or_default()
            .iter()
            .map(MeteredItem::to_wire)
            .collect(),
        current_period_start: start,
        current_period_end: end,
        trial_end: sub.trial_end,
        cancel_at_period_end: sub.cancel_at_period_end,
        cancel_at: sub.cancel_at.or(sub.cancel_at_period_end.then_some(end)),
        canceled_at: sub.canceled_at.or(sub.ended_at),
        ended_at: sub.ended_at,
        cancellation_details: sub
            .metadata
            .get("portico_cancellation_reason")
            .map(|reason| CancellationDetails {
                reason: named(reason)
                    .unwrap_or_else(|| CancellationReason::Unknown(reason.clone())),
                feedback: sub
                    .metadata
                    .get("portico_cancellation_feedback")
                    .and_then(|f| named(f)),
                comment: sub.metadata.get("portico_cancellation_comment").cloned(),
            }),
        pending_update: super::schedules::pending_update(sub, service),
        latest_invoice: sub
            .latest_invoice
            .as_ref()
            .and_then(|invoice| InvoiceId::parse(invoice.id())),
        created: sub.created,
        livemode: sub.livemode,
    })
}

pub fn invoice(invoice: &objects::Invoice) -> Result<invoice::Invoice, String> {
    let preview = invoice.is_preview();
    let lines: Vec<_> = invoice.lines.data.iter().map(line).collect();
    let paid_at = invoice.status_transitions.as_ref().and_then(|t| t.paid_at);
    let status = match invoice.status.as_deref() {
        None => invoice::InvoiceStatus::Draft,
        Some(status) => named(status).unwrap_or(invoice::InvoiceStatus::Draft),
    };
    let amount_remaining = if status == invoice::InvoiceStatus::Paid {
        0
    } else {
        (invoice.amount_due - invoice.amount_paid).max(invoice.amount_remaining)
    };
    Ok(invoice::Invoice {
        id: if preview {
            None
        } else {
            Some(id(InvoiceId::parse, &invoice.id, "invoice")?)
        },
        object: "invoice".to_owned(),
        number: invoice.number.clone(),
        customer: id(CustomerId::parse, &invoice.customer, "customer")?,
        subscription: invoice.subscription_id().and_then(SubscriptionId::parse),
        status,
        billing_reason: match invoice.billing_reason.as_deref() {
            _ if preview => invoice::BillingReason::Upcoming,
            Some(reason) => named(reason).unwrap_or(invoice::BillingReason::Manual),
            None => invoice::BillingReason::Manual,
        },
        currency: currency(&invoice.currency)?,
        subtotal: invoice.subtotal,
        total: invoice.total,
        starting_balance: invoice.starting_balance,
        ending_balance: invoice.ending_balance.unwrap_or(invoice.starting_balance),
        amount_due: invoice.amount_due,
        amount_paid: invoice.amount_paid,
        amount_paid_from_wallet: 0,
        amount_remaining,
        attempt_count: invoice.attempt_count,
        next_payment_attempt: invoice.next_payment_attempt,
        last_payment_error: None,
        period_start: invoice.period_start.unwrap_or(invoice.created),
        period_end: invoice.period_end.unwrap_or(invoice.created),
        created: invoice.created,
        paid_at,
        livemode: invoice.livemode,
        // Stripe's own PDF where it has one (localstripe has none); else the
        // portal's download, rendered by Portico from Stripe's invoice.
        invoice_pdf: invoice
            .invoice_pdf
            .clone()
            .or_else(|| (!preview).then(|| format!("/v1/embed/invoices/{}/pdf", invoice.id))),
        hosted_invoice_url: invoice.hosted_invoice_url.clone(),
        lines,
    })
}

pub fn line(line: &objects::InvoiceLine) -> invoice::InvoiceLine {
    let period = line.period.as_ref();
    invoice::InvoiceLine {
        description: line.description.clone().unwrap_or_default(),
        product: line.product_id().unwrap_or_default(),
        quantity: u64::from(line.quantity.unwrap_or(1)),
        amount: line.amount,
        proration: line.is_proration(),
        period: LinePeriod {
            start: period.map_or(0, |p| p.start),
            end: period.map_or(0, |p| p.end),
        },
    }
}

pub fn payment_method(method: &objects::PaymentMethod) -> Result<PaymentMethod, String> {
    let card = method
        .card
        .as_ref()
        .ok_or("the payment method is not a card")?;
    Ok(PaymentMethod {
        id: id(PaymentMethodId::parse, &method.id, "payment method")?,
        object: "payment_method".to_owned(),
        kind: "card".to_owned(),
        card: Card {
            brand: card.brand.clone(),
            last4: card.last4.clone(),
            exp_month: card.exp_month,
            exp_year: card.exp_year,
            funding: card.funding.clone().unwrap_or_else(|| "credit".to_owned()),
        },
        created: method.created,
        livemode: method.livemode,
    })
}

/// The default card's id, expanded or not.
pub fn default_payment_method(
    customer: &objects::Customer,
) -> Option<&Expandable<objects::PaymentMethod>> {
    customer
        .invoice_settings
        .as_ref()?
        .default_payment_method
        .as_ref()
}
