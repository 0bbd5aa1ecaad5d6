//! Turning lines into an invoice, applying the customer's credit, and collecting
//! from the default card.
//!
//! Rules, as Stripe applies them: an invoice's total is the sum of its lines; credit
//! on the customer's balance is used first; a negative total pays nothing and adds
//! to the credit; an amount due of zero is paid at once. A failed automatic charge
//! is retried [`RETRY_AFTER_DAYS`] later, then given up on.

use super::cards;
use super::proration::Period;
use super::state::{Account, BillingReason, Invoice, InvoiceStatus, Item, Line, PaymentFailure};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use portico_wire::Currency;

/// Days between a failed automatic attempt and the next: four attempts in all over
/// fifteen days, then the invoice is uncollectible and the subscription canceled.
pub const RETRY_AFTER_DAYS: [i64; 3] = [3, 5, 7];

/// A new invoice of `lines`, not yet finalized.
pub fn draft(
    reason: BillingReason,
    currency: &Currency,
    lines: Vec<Line>,
    period: Period,
    created: Timestamp,
) -> Invoice {
    let subtotal = lines.iter().map(|line| line.amount).sum();
    Invoice {
        id: None,
        reason,
        currency: currency.clone(),
        lines,
        period,
        created,
        status: InvoiceStatus::Draft,
        subtotal,
        starting_balance: 0,
        ending_balance: 0,
        amount_due: 0,
        amount_paid: 0,
        attempt_count: 0,
        next_payment_attempt: None,
        last_failure: None,
        paid_at: None,
    }
}

/// Applies the account's credit: the invoice becomes open with what is left to pay,
/// or paid if nothing is.
pub fn finalize(mut invoice: Invoice, account: &mut Account) -> Invoice {
    invoice.starting_balance = account.balance;
    let total = invoice.subtotal;
    if total <= 0 {
        account.balance += total;
        invoice.amount_due = 0;
    } else {
        let credit = (-account.balance).max(0);
        let applied = credit.min(total);
        account.balance += applied;
        invoice.amount_due = total - applied;
    }
    invoice.ending_balance = account.balance;
    if invoice.amount_due == 0 {
        invoice.status = InvoiceStatus::Paid;
        invoice.paid_at = Some(invoice.created);
    } else {
        invoice.status = InvoiceStatus::Open;
    }
    invoice
}

/// One attempt to charge what is left of an open invoice to the account's card.
/// `automatic` attempts schedule the next retry; a customer's own attempt does not.
pub fn attempt(
    mut invoice: Invoice,
    account: &Account,
    now: Timestamp,
    automatic: bool,
) -> Invoice {
    if invoice.status != InvoiceStatus::Open {
        return invoice;
    }
    // As Stripe counts: any first attempt, then automatic retries only, so a
    // customer's own attempts never use up the retry schedule.
    if automatic || invoice.attempt_count == 0 {
        invoice.attempt_count += 1;
    }
    match charge(account, now) {
        Ok(()) => {
            invoice.amount_paid = invoice.amount_due;
            invoice.status = InvoiceStatus::Paid;
            invoice.paid_at = Some(now);
            invoice.next_payment_attempt = None;
            invoice.last_failure = None;
        }
        Err(failure) => {
            invoice.last_failure = Some(failure);
            if automatic {
                invoice.next_payment_attempt =
                    usize::try_from(invoice.attempt_count.saturating_sub(1))
                        .ok()
                        .and_then(|i| RETRY_AFTER_DAYS.get(i))
                        .map(|days| now + SignedDuration::from_hours(24 * days));
            }
        }
    }
    invoice
}

fn charge(account: &Account, now: Timestamp) -> Result<(), PaymentFailure> {
    let card = account
        .card
        .as_ref()
        .ok_or(PaymentFailure::NoPaymentMethod)?;
    cards::charge(card, year_month(now)).map_err(PaymentFailure::Declined)
}

/// `(year, month)` of `at` in UTC, as card expiry is judged.
pub fn year_month(at: Timestamp) -> (i32, u32) {
    let date = at.to_zoned(TimeZone::UTC).date();
    (
        i32::from(date.year()),
        u32::from(date.month().unsigned_abs()),
    )
}

/// The recurring line of `item` for `period`.
pub fn recurring_line(item: &Item, period: Period) -> Line {
    Line {
        description: format!("{} × {}", item.quantity.get(), item.product_name),
        product: item.product.clone(),
        quantity: item.quantity.get(),
        amount: item.period_amount(),
        proration: false,
        period,
    }
}

/// A trial's zero line for `item`.
pub fn trial_line(item: &Item, period: Period) -> Line {
    Line {
        description: format!("Trial period for {}", item.product_name),
        amount: 0,
        ..recurring_line(item, period)
    }
}

/// Stripe's wording for proration lines: "Unused time on 3 × Team after 22 Nov 2026".
pub fn proration_description(credit: bool, item: &Item, at: Timestamp) -> String {
    let date = at.to_zoned(TimeZone::UTC).strftime("%-d %b %Y");
    let kind = if credit { "Unused" } else { "Remaining" };
    format!(
        "{kind} time on {} × {} after {date}",
        item.quantity.get(),
        item.product_name
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd() -> Currency {
        Currency::parse("usd").unwrap()
    }

    fn line(amount: i64) -> Line {
        let at: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        Line {
            description: "x".into(),
            product: "p".into(),
            quantity: 1,
            amount,
            proration: false,
            period: Period { start: at, end: at },
        }
    }

    fn invoice(amounts: &[i64]) -> Invoice {
        let at: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let lines = amounts.iter().map(|a| line(*a)).collect();
        draft(
            BillingReason::SubscriptionCycle,
            &usd(),
            lines,
            Period { start: at, end: at },
            at,
        )
    }

    #[test]
    fn credit_is_used_first_and_a_negative_total_adds_to_it() {
        let mut account = Account {
            balance: -500,
            card: None,
        };
        let first = finalize(invoice(&[2900, -300]), &mut account);
        assert_eq!((first.subtotal, first.amount_due), (2600, 2100));
        assert_eq!((first.starting_balance, first.ending_balance), (-500, 0));
        assert_eq!(first.status, InvoiceStatus::Open);

        let credit = finalize(invoice(&[-1200]), &mut account);
        assert_eq!((credit.amount_due, credit.status), (0, InvoiceStatus::Paid));
        assert_eq!(account.balance, -1200);

        let covered = finalize(invoice(&[1000]), &mut account);
        assert_eq!(
            (covered.amount_due, covered.status),
            (0, InvoiceStatus::Paid)
        );
        assert_eq!(account.balance, -200);
    }

    #[test]
    fn automatic_failures_follow_the_retry_schedule_then_stop() {
        let now: Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
        let mut account = Account::default();
        let mut open = finalize(invoice(&[900]), &mut account);
        let mut waits = Vec::new();
        for _ in 0..4 {
            open = attempt(open, &account, now, true);
            waits.push(
                open.next_payment_attempt
                    .map(|t| (t.as_second() - now.as_second()) / 86_400),
            );
        }
        assert_eq!(waits, vec![Some(3), Some(5), Some(7), None]);
        assert_eq!(open.attempt_count, 4);
        assert_eq!(open.last_failure, Some(PaymentFailure::NoPaymentMethod));
        assert_eq!(open.status, InvoiceStatus::Open);
    }

    #[test]
    fn proration_wording() {
        let item = Item {
            id: None,
            product: "seats".into(),
            product_name: "Team seats".into(),
            unit_label: Some("seat".into()),
            quantity: portico_wire::Quantity::new(3).unwrap(),
            price: portico_wire::price::Price::per_unit(800).unwrap(),
        };
        let at = "2026-11-02T10:00:00Z".parse().unwrap();
        assert_eq!(
            proration_description(true, &item, at),
            "Unused time on 3 × Team seats after 2 Nov 2026"
        );
    }
}
