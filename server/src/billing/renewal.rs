//! What falls due with time: trial ends, renewals (applying a scheduled change
//! first), period-end cancellations and payment retries. Each event runs at its own
//! time, not at "now", so advancing a test clock by three months produces three
//! renewals dated as they would have been.

use super::cancel::{end, stop_collecting};
use super::invoicing;
use super::proration::Period;
use super::state::{
    Account, BillingReason, CancelReason, Cancellation, Decision, Invoice, InvoiceStatus,
    Subscription,
};
use super::{Status, anchored_end};
use jiff::Timestamp;

/// When the next event of `sub` falls due, if it has one.
pub fn next_due(sub: &Subscription) -> Option<Timestamp> {
    match sub.status {
        Status::Canceled | Status::Incomplete => None,
        Status::Trialing | Status::Active => Some(sub.period.end),
        Status::PastDue => {
            let retry = sub
                .open_invoice
                .as_ref()
                .and_then(|invoice| invoice.next_payment_attempt);
            Some(retry.map_or(sub.period.end, |r| r.min(sub.period.end)))
        }
    }
}

/// Runs the earliest event of `sub` if it is due by `now`.
pub fn run_due(sub: &Subscription, account: &Account, now: Timestamp) -> Option<Decision> {
    let due = next_due(sub)?;
    if due > now {
        return None;
    }
    let retry_due = sub
        .open_invoice
        .as_ref()
        .and_then(|invoice| invoice.next_payment_attempt)
        .is_some_and(|at| at == due && sub.status == Status::PastDue);
    Some(if retry_due {
        retry(sub, account, due)
    } else {
        period_end(sub, account, due, true)
    })
}

/// The invoice the next renewal will create, computed by the code that will create
/// it; `None` if the subscription ends without one.
pub fn upcoming(sub: &Subscription, account: &Account) -> Option<Invoice> {
    if sub.status == Status::Canceled || sub.status == Status::Incomplete {
        return None;
    }
    let decision = period_end(sub, account, sub.period.end, false);
    decision.created_invoice().cloned().map(|mut invoice| {
        invoice.reason = BillingReason::Upcoming;
        invoice
    })
}

fn period_end(sub: &Subscription, account: &Account, at: Timestamp, collect: bool) -> Decision {
    let mut next = sub.clone();
    let mut account = account.clone();
    let mut invoices = Vec::new();
    if sub.cancel_at_period_end {
        invoices.extend(stop_collecting(sub));
        let lines = std::mem::take(&mut next.pending_lines);
        if !lines.is_empty() {
            let period = Period { start: at, end: at };
            let invoice = invoicing::draft(
                BillingReason::SubscriptionUpdate,
                &sub.currency,
                lines,
                period,
                at,
            );
            let invoice = invoicing::finalize(invoice, &mut account);
            invoices.push(if collect {
                invoicing::attempt(invoice, &account, at, false)
            } else {
                invoice
            });
        }
        end(&mut next, at);
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
    if !collect {
        invoices.push(invoice);
        return Decision {
            subscription: next,
            account,
            invoices,
        };
    }
    // Retries move to the newest invoice; an older one stays open until the
    // customer pays it with a new card.
    if let Some(older) = &sub.open_invoice {
        let mut older = older.clone();
        older.next_payment_attempt = None;
        invoices.push(older);
    }
    let invoice = invoicing::attempt(invoice, &account, at, true);
    if invoice.status == InvoiceStatus::Open {
        next.status = Status::PastDue;
        next.open_invoice = Some(invoice.clone());
    } else {
        next.status = Status::Active;
        next.open_invoice = None;
    }
    next.trial_end = sub.trial_end;
    invoices.push(invoice);
    Decision {
        subscription: next,
        account,
        invoices,
    }
}

fn retry(sub: &Subscription, account: &Account, at: Timestamp) -> Decision {
    let mut next = sub.clone();
    let open = sub
        .open_invoice
        .clone()
        .expect("a retry is due only with an open invoice");
    let mut invoice = invoicing::attempt(open, account, at, true);
    if invoice.status == InvoiceStatus::Paid {
        next.status = Status::Active;
        next.open_invoice = None;
    } else if invoice.next_payment_attempt.is_none() {
        invoice.status = InvoiceStatus::Uncollectible;
        next.cancellation = Some(Cancellation {
            reason: CancelReason::PaymentFailed,
            feedback: None,
            comment: None,
        });
        end(&mut next, at);
    } else {
        next.open_invoice = Some(invoice.clone());
    }
    Decision {
        subscription: next,
        account: account.clone(),
        invoices: vec![invoice],
    }
}

/// The customer pays an open invoice now (after adding a card): a paid invoice
/// reactivates the subscription it was holding back.
pub fn pay_now(
    sub: &Subscription,
    invoice: &Invoice,
    account: &Account,
    now: Timestamp,
) -> Decision {
    let mut paid = invoicing::attempt(invoice.clone(), account, now, false);
    let mut next = sub.clone();
    let holding_back = sub
        .open_invoice
        .as_ref()
        .is_some_and(|o| o.id == invoice.id);
    if paid.status == InvoiceStatus::Paid {
        if holding_back {
            next.open_invoice = None;
            if matches!(sub.status, Status::PastDue | Status::Incomplete) {
                next.status = Status::Active;
            }
        }
    } else {
        // A manual attempt keeps the automatic schedule where it was.
        paid.next_payment_attempt = invoice.next_payment_attempt;
        if holding_back {
            next.open_invoice = Some(paid.clone());
        }
    }
    Decision {
        subscription: next,
        account: account.clone(),
        invoices: vec![paid],
    }
}
