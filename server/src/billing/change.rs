//! Changing a subscription's plan or quantities: now (with or without prorations,
//! invoiced now or on the next invoice) or at the end of the period.
//!
//! As with Stripe: a change within the same billing cycle credits the unused time of
//! each changed item and charges the remaining time of its replacement; a change of
//! billing cycle (monthly → yearly) restarts the cycle now and is invoiced at once,
//! crediting the unused time unless prorations are off. A trialing subscription has
//! paid nothing, so its changes prorate nothing.

use super::invoicing::{self, proration_description};
use super::proration::{self, Period, PricedItem};
use super::state::{Account, BillingReason, Decision, Item, Line, Subscription, Terms};
use super::{Status, anchored_end};
use jiff::Timestamp;
use portico_wire::Currency;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Proration {
    #[default]
    CreateProrations,
    None,
    AlwaysInvoice,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeCommand {
    pub target: Terms,
    /// The target plan's currency.
    pub currency: Currency,
    pub proration: Proration,
    pub at_period_end: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeError {
    #[error("The subscription has ended; resubscribe instead.")]
    Canceled,
    #[error(
        "The subscription's first invoice is unpaid: add a payment method to activate it before changing it."
    )]
    Incomplete,
    #[error("The change leaves the subscription as it is.")]
    NoChange,
    #[error("A subscription cannot change currency: the plan `{0}` is billed in another one.")]
    Currency(String),
}

pub fn change(
    sub: &Subscription,
    account: &Account,
    command: &ChangeCommand,
    now: Timestamp,
) -> Result<Decision, ChangeError> {
    match sub.status {
        Status::Canceled | Status::IncompleteExpired => return Err(ChangeError::Canceled),
        Status::Incomplete => return Err(ChangeError::Incomplete),
        _ => {}
    }
    let target = &command.target;
    if command.currency != sub.currency {
        return Err(ChangeError::Currency(target.plan.clone()));
    }
    let unchanged = target.same_as(&sub.terms);
    let mut next = sub.clone();
    let mut account = account.clone();
    if command.at_period_end {
        // Asking for the current terms at period end drops a scheduled change.
        if unchanged && sub.pending_update.is_none() {
            return Err(ChangeError::NoChange);
        }
        next.pending_update = (!unchanged).then(|| target.clone());
        return Ok(Decision {
            subscription: next,
            account,
            invoices: Vec::new(),
        });
    }
    if unchanged {
        return Err(ChangeError::NoChange);
    }
    next.pending_update = sub
        .pending_update
        .as_ref()
        .map(|pending| follow_quantities(pending, target))
        .filter(|pending| !pending.same_as(target));
    next.terms = target.clone();
    if sub.status == Status::Trialing {
        return Ok(Decision {
            subscription: next,
            account,
            invoices: Vec::new(),
        });
    }

    let mut invoices = Vec::new();
    if sub.terms.same_cycle(target) {
        let lines = proration_lines(&sub.terms.items, &target.items, sub.period, now);
        match command.proration {
            Proration::None => {}
            Proration::CreateProrations => next.pending_lines.extend(lines),
            Proration::AlwaysInvoice => {
                let mut all = std::mem::take(&mut next.pending_lines);
                all.extend(lines);
                let period = Period {
                    start: now,
                    end: sub.period.end,
                };
                invoices.push(charge_now(&mut next, &mut account, all, period, now));
            }
        }
    } else {
        // A new billing cycle starts now: credit what is left of the old one, bill
        // the old period's usage so far (the new period starts now, so no later
        // renewal would), charge a whole new period.
        let end = anchored_end(now, now, target.interval, target.interval_count);
        let period = Period { start: now, end };
        let mut lines = std::mem::take(&mut next.pending_lines);
        if command.proration != Proration::None {
            lines.extend(proration_lines(&sub.terms.items, &[], sub.period, now));
        }
        lines.extend(invoicing::usage_so_far(sub, now));
        next.usage.clear();
        lines.extend(
            target
                .items
                .iter()
                .map(|item| invoicing::recurring_line(item, period)),
        );
        next.period = period;
        next.billing_cycle_anchor = now;
        invoices.push(charge_now(&mut next, &mut account, lines, period, now));
    }
    Ok(Decision {
        subscription: next,
        account,
        invoices,
    })
}

/// Invoices `lines` now and charges the card; a failed charge leaves the invoice
/// open and the subscription `past_due`, retried on the usual schedule.
fn charge_now(
    sub: &mut Subscription,
    account: &mut Account,
    lines: Vec<Line>,
    period: Period,
    now: Timestamp,
) -> super::state::Invoice {
    let invoice = invoicing::draft(
        BillingReason::SubscriptionUpdate,
        &sub.currency,
        lines,
        period,
        now,
    );
    let invoice = invoicing::finalize(invoice, account);
    let invoice = invoicing::attempt(invoice, account, now, true);
    sub.track(&invoice);
    sub.settle_status();
    invoice
}

/// A change scheduled for period end survives an immediate change; its products
/// that the immediate change re-quantified take the new quantities, so adding a seat
/// now is not undone by the scheduled downgrade.
fn follow_quantities(pending: &Terms, now: &Terms) -> Terms {
    let mut pending = pending.clone();
    for item in &mut pending.items {
        if let Some(current) = now.items.iter().find(|i| i.product == item.product)
            && item.unit_label.is_some()
        {
            item.quantity = current.quantity;
        }
    }
    pending
}

/// Credits for the unused time of every `old` item that changes and charges for the
/// remaining time of every `new` one, in that order.
pub fn proration_lines(old: &[Item], new: &[Item], period: Period, at: Timestamp) -> Vec<Line> {
    let priced = |items: &[Item]| -> Vec<PricedItem> {
        items
            .iter()
            .map(|item| PricedItem {
                product: item.product.clone(),
                quantity: item.quantity.get(),
                period_amount: item.period_amount(),
            })
            .collect()
    };
    proration::change_lines(&priced(old), &priced(new), period, at)
        .into_iter()
        .map(|line| {
            let credit = line.amount < 0;
            let source = if credit { old } else { new };
            let item = source
                .iter()
                .find(|i| i.product == line.product && i.quantity.get() == line.quantity)
                .expect("every proration line comes from an item of its side");
            Line {
                description: proration_description(credit, item, at),
                product: line.product,
                quantity: u64::from(line.quantity),
                amount: line.amount,
                proration: true,
                period: line.period,
            }
        })
        .collect()
}
