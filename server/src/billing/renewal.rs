//! What falls due with time: trial ends, renewals (applying a scheduled change
//! first), period-end cancellations, payment retries and the expiry of unpaid
//! `incomplete` subscriptions. Each event runs at its own time, not at "now", so
//! advancing a test clock by three months produces three renewals dated as they
//! would have been.

use super::cancel::end;
use super::invoicing;
use super::proration::Period;
use super::state::{
    Account, BillingReason, CancelReason, Cancellation, Decision, Invoice, InvoiceStatus,
    Subscription,
};
use super::{Status, anchored_end};
use jiff::{SignedDuration, Timestamp};

/// How long an `incomplete` subscription waits for its first payment, as Stripe.
pub const INCOMPLETE_EXPIRES_AFTER: SignedDuration = SignedDuration::from_hours(23);

/// When the next event of `sub` falls due, if it has one.
pub fn next_due(sub: &Subscription) -> Option<Timestamp> {
    match sub.status {
        Status::Canceled | Status::IncompleteExpired => None,
        Status::Incomplete => Some(sub.created + INCOMPLETE_EXPIRES_AFTER),
        Status::Trialing | Status::Active | Status::PastDue => {
            let retry = next_retry(sub).map(|(_, at)| at);
            Some(retry.map_or(sub.period.end, |r| r.min(sub.period.end)))
        }
    }
}

fn next_retry(sub: &Subscription) -> Option<(usize, Timestamp)> {
    sub.open_invoices
        .iter()
        .enumerate()
        .filter_map(|(i, invoice)| invoice.next_payment_attempt.map(|at| (i, at)))
        .min_by_key(|(_, at)| *at)
}

/// Runs the earliest event of `sub` if it is due by `now`.
pub fn run_due(sub: &Subscription, account: &Account, now: Timestamp) -> Option<Decision> {
    let due = next_due(sub)?;
    if due > now {
        return None;
    }
    if sub.status == Status::Incomplete {
        return Some(expire(sub, account, due));
    }
    Some(match next_retry(sub) {
        Some((index, at)) if at == due => retry(sub, account, index, due),
        _ => period_end(sub, account, due, true),
    })
}

/// The invoice the next renewal will create, computed by the code that will create
/// it; `None` if the subscription ends without one.
pub fn upcoming(sub: &Subscription, account: &Account) -> Option<Invoice> {
    if sub.status.has_ended() || sub.status == Status::Incomplete {
        return None;
    }
    let decision = period_end(sub, account, sub.period.end, false);
    decision.created_invoice().cloned().map(|mut invoice| {
        // Stripe's upcoming invoice: a draft, nothing attempted or paid yet.
        invoice.reason = BillingReason::Upcoming;
        invoice.status = InvoiceStatus::Draft;
        invoice.amount_paid = 0;
        invoice.attempt_count = 0;
        invoice.next_payment_attempt = None;
        invoice.last_failure = None;
        invoice.paid_at = None;
        invoice
    })
}

fn period_end(sub: &Subscription, account: &Account, at: Timestamp, collect: bool) -> Decision {
    let mut next = sub.clone();
    let mut account = account.clone();
    // The ending period's usage, billed by the terms in force during it.
    let usage = invoicing::usage_lines(
        &sub.terms,
        &sub.usage,
        sub.period,
        sub.status == Status::Trialing,
    );
    next.usage.clear();
    if sub.cancel_at_period_end {
        let mut invoices = end(&mut next, &mut account, usage, at);
        if !collect {
            // A preview shows the final invoice as it would be finalized, not charged.
            invoices.retain(|invoice| invoice.id.is_none());
        }
        return Decision {
            subscription: next,
            account,
            invoices,
        };
    }
    if let Some(mut update) = next.pending_update.take() {
        if !update.same_cycle(&next.terms) {
            next.billing_cycle_anchor = at;
        }
        for item in &mut update.items {
            let kept = next
                .terms
                .items
                .iter()
                .find(|old| old.product == item.product);
            item.id = kept.and_then(|old| old.id.clone());
        }
        next.terms = update;
    }
    let end = anchored_end(
        next.billing_cycle_anchor,
        at,
        next.terms.interval,
        next.terms.interval_count,
    );
    let period = Period { start: at, end };
    let mut lines = std::mem::take(&mut next.pending_lines);
    lines.extend(usage);
    lines.extend(
        next.terms
            .items
            .iter()
            .map(|item| invoicing::recurring_line(item, period)),
    );
    let invoice = invoicing::draft(
        BillingReason::SubscriptionCycle,
        &sub.currency,
        lines,
        period,
        at,
    );
    let invoice = invoicing::finalize(invoice, &mut account);
    next.period = period;
    let invoice = if collect {
        invoicing::attempt(invoice, &account, at, true)
    } else {
        invoice
    };
    if next.status == Status::Trialing {
        next.status = Status::Active;
    }
    next.track(&invoice);
    next.settle_status();
    Decision {
        subscription: next,
        account,
        invoices: vec![invoice],
    }
}

/// An automatic retry of the open invoice at `index`; after the last one fails, the
/// invoice is uncollectible and the subscription canceled.
fn retry(sub: &Subscription, account: &Account, index: usize, at: Timestamp) -> Decision {
    let mut next = sub.clone();
    let mut account = account.clone();
    let mut invoice = invoicing::attempt(sub.open_invoices[index].clone(), &account, at, true);
    let exhausted = invoice.status == InvoiceStatus::Open && invoice.next_payment_attempt.is_none();
    if exhausted {
        invoice.status = InvoiceStatus::Uncollectible;
    }
    next.track(&invoice);
    let mut invoices = vec![invoice];
    if exhausted {
        next.cancellation = Some(Cancellation {
            reason: CancelReason::PaymentFailed,
            feedback: None,
            comment: None,
        });
        invoices.extend(end(&mut next, &mut account, Vec::new(), at));
    } else {
        next.settle_status();
    }
    Decision {
        subscription: next,
        account,
        invoices,
    }
}

/// An `incomplete` subscription whose first invoice went unpaid: it expires and the
/// invoice is voided.
fn expire(sub: &Subscription, account: &Account, at: Timestamp) -> Decision {
    let mut next = sub.clone();
    let mut account = account.clone();
    let invoices = end(&mut next, &mut account, Vec::new(), at);
    next.status = Status::IncompleteExpired;
    Decision {
        subscription: next,
        account,
        invoices,
    }
}

/// The customer pays an open invoice now (after adding a card). A manual attempt
/// keeps the automatic schedule where it was; a paid first invoice activates an
/// `incomplete` subscription.
pub fn pay_now(
    sub: &Subscription,
    invoice: &Invoice,
    account: &Account,
    now: Timestamp,
) -> Decision {
    let paid = invoicing::attempt(invoice.clone(), account, now, false);
    let mut next = sub.clone();
    if !sub.status.has_ended() {
        next.track(&paid);
        if sub.status == Status::Incomplete && paid.status == InvoiceStatus::Paid {
            next.status = Status::Active;
        }
        next.settle_status();
    }
    Decision {
        subscription: next,
        account: account.clone(),
        invoices: vec![paid],
    }
}
