//! Cancelling (now or at the end of the period) and resuming a pending cancel.
//!
//! An immediate cancel can credit the unused time of a paid period
//! (`create_prorations`); prorations already waiting are invoiced in a final invoice
//! either way, so nothing owed or credited is lost. A trialing or unpaid period was
//! not paid for, so it is never credited; an `incomplete` subscription's unpaid first
//! invoice is voided, since no service was given for it.

use super::Status;
use super::change::proration_lines;
use super::invoicing;
use super::proration::Period;
use super::state::{
    Account, BillingReason, CancelReason, Cancellation, Decision, Invoice, InvoiceStatus,
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
    #[error("The subscription is already canceled.")]
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
    if sub.status == Status::Canceled {
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

    let mut invoices: Vec<_> = stop_collecting(sub).into_iter().collect();
    let paid_period = sub.status == Status::Active;
    let mut lines = std::mem::take(&mut next.pending_lines);
    if command.prorate && paid_period {
        lines.extend(proration_lines(&sub.terms.items, &[], sub.period, now));
    }
    if !lines.is_empty() {
        let period = Period {
            start: now,
            end: sub.period.end.max(now),
        };
        let invoice = invoicing::draft(
            BillingReason::SubscriptionUpdate,
            &sub.currency,
            lines,
            period,
            now,
        );
        let invoice = invoicing::finalize(invoice, &mut account);
        invoices.push(invoicing::attempt(invoice, &account, now, false));
    }
    end(&mut next, now);
    Ok(Decision {
        subscription: next,
        account,
        invoices,
    })
}

/// The open invoice of a subscription that ends, updated: an `incomplete` one's is
/// voided (no service was given for it); any other stays open — it is still owed and
/// a new card pays it — but is no longer retried.
pub fn stop_collecting(sub: &Subscription) -> Option<Invoice> {
    let mut open = sub.open_invoice.clone()?;
    open.next_payment_attempt = None;
    if sub.status == Status::Incomplete {
        open.status = InvoiceStatus::Void;
    }
    Some(open)
}

/// Stops the subscription at `at`.
pub fn end(sub: &mut Subscription, at: Timestamp) {
    sub.status = Status::Canceled;
    sub.ended_at = Some(at);
    sub.canceled_at.get_or_insert(at);
    sub.cancel_at_period_end = false;
    sub.pending_update = None;
    sub.open_invoice = None;
}

/// Undoes a cancellation pending at the end of the period.
pub fn resume(sub: &Subscription) -> Result<Subscription, CancelError> {
    if sub.status == Status::Canceled {
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
