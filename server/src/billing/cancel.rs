//! Cancelling (now or at the end of the period) and resuming a pending cancel.
//!
//! An immediate cancel can credit the unused time of a paid period
//! (`create_prorations`); prorations already waiting are invoiced in a final invoice
//! either way, so nothing owed or credited is lost. A trialing or unpaid period was
//! not paid for, so it is never credited. Open invoices stay owed (a new card pays
//! them) but are no longer retried; an `incomplete` subscription's unpaid first
//! invoice is voided instead, since no service was given for it.

use super::Status;
use super::change::proration_lines;
use super::invoicing;
use super::proration::Period;
use super::state::{
    Account, BillingReason, CancelReason, Cancellation, Decision, Invoice, InvoiceStatus, Line,
    Subscription,
};
use jiff::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelCommand {
    pub at_period_end: bool,
    /// Credit the unused time of an immediate cancel.
    pub prorate: bool,
    pub feedback: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CancelError {
    #[error("The subscription has already ended.")]
    AlreadyCanceled,
    #[error("The subscription has no cancellation pending at the end of its period.")]
    NotPending,
}

pub fn cancel(
    sub: &Subscription,
    account: &Account,
    command: &CancelCommand,
    now: Timestamp,
) -> Result<Decision, CancelError> {
    if sub.status.has_ended() {
        return Err(CancelError::AlreadyCanceled);
    }
    let mut next = sub.clone();
    let mut account = account.clone();
    next.canceled_at = Some(now);
    next.cancellation = Some(Cancellation {
        reason: CancelReason::CancellationRequested,
        feedback: command.feedback.clone(),
        comment: command.comment.clone(),
    });
    // An incomplete subscription has no period to run out: it can only end now.
    if command.at_period_end && sub.status != Status::Incomplete {
        next.cancel_at_period_end = true;
        return Ok(Decision {
            subscription: next,
            account,
            invoices: Vec::new(),
        });
    }
    let paid_period =
        matches!(sub.status, Status::Active | Status::PastDue) && !sub.period_unpaid();
    let mut lines = Vec::new();
    if command.prorate && paid_period {
        lines = proration_lines(&sub.terms.items, &[], sub.period, now);
    }
    // Usage so far is billed on the final invoice, as at a period's end.
    if matches!(sub.status, Status::Active | Status::PastDue) {
        lines.extend(invoicing::usage_so_far(sub, now));
    }
    next.usage.clear();
    let invoices = end(&mut next, &mut account, lines, now);
    Ok(Decision {
        subscription: next,
        account,
        invoices,
    })
}

/// Stops the subscription at `at`: its open invoices stop being collected, and a final
/// invoice takes the waiting prorations plus `extra` lines, if there are any.
/// Returns the invoices this created or updated.
pub fn end(
    sub: &mut Subscription,
    account: &mut Account,
    extra: Vec<Line>,
    at: Timestamp,
) -> Vec<Invoice> {
    let never_started = sub.status == Status::Incomplete;
    let mut invoices: Vec<Invoice> = sub
        .open_invoices
        .drain(..)
        .map(|mut open| {
            open.next_payment_attempt = None;
            if never_started {
                open.status = InvoiceStatus::Void;
                // What the wallet paid towards a voided invoice is not lost: as
                // Stripe does with a partial payment, it becomes balance credit.
                account.balance -= open.amount_paid;
            }
            open
        })
        .collect();
    let mut lines = std::mem::take(&mut sub.pending_lines);
    lines.extend(extra);
    if !lines.is_empty() {
        let period = Period {
            start: at,
            end: sub.period.end.max(at),
        };
        let invoice = invoicing::draft(
            BillingReason::SubscriptionUpdate,
            &sub.currency,
            lines,
            period,
            at,
        );
        let invoice = invoicing::finalize(invoice, account);
        invoices.push(invoicing::attempt(invoice, account, at, false));
    }
    sub.status = Status::Canceled;
    sub.ended_at = Some(at);
    sub.canceled_at.get_or_insert(at);
    sub.cancel_at_period_end = false;
    sub.pending_update = None;
    invoices
}

/// Undoes a cancellation pending at the end of the period.
pub fn resume(sub: &Subscription) -> Result<Subscription, CancelError> {
    if sub.status.has_ended() {
        return Err(CancelError::AlreadyCanceled);
    }
    if !sub.cancel_at_period_end {
        return Err(CancelError::NotPending);
    }
    let mut next = sub.clone();
    next.cancel_at_period_end = false;
    next.canceled_at = None;
    next.cancellation = None;
    Ok(next)
}
