//! Turning lines into an invoice, applying the customer's credit, and collecting
//! from the default card.
//!
//! Rules, as Stripe applies them: an invoice's total is the sum of its lines; credit
//! on the customer's balance is used first; a negative total pays nothing and adds
//! to the credit; an amount due of zero is paid at once. A failed automatic charge
//! is retried [`RETRY_AFTER_DAYS`] later, then given up on.

use super::cards;
use super::proration::Period;
use super::state::{
    Account, BillingReason, Invoice, InvoiceStatus, Item, Line, PaymentFailure, Subscription, Terms,
};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use portico_wire::Currency;
use portico_wire::wallet::Credits;
use std::collections::BTreeMap;

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
        paid_from_wallet: 0,
        wallet_credits: Credits::ZERO,
        attempt_count: 0,
        next_payment_attempt: None,
        last_failure: None,
        paid_at: None,
    }
}

/// Applies the account's credit, then its wallet's: the invoice becomes open with
/// what is left to pay, or paid if nothing is.
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
    if let Some(wallet) = account.wallet.as_mut() {
        let paid = wallet.pay(invoice.amount_due, invoice.created);
        invoice.paid_from_wallet = paid.amount;
        invoice.wallet_credits = paid.credits;
        invoice.amount_paid = paid.amount;
    }
    if invoice.amount_due == invoice.amount_paid {
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
        quantity: u64::from(item.quantity.get()),
        amount: item.period_amount(),
        proration: false,
        period,
    }
}

/// The usage lines of `sub`'s period so far, from its start to `now`: what a
/// subscription that stops or restarts its period early owes for its meters.
pub fn usage_so_far(sub: &Subscription, now: Timestamp) -> Vec<Line> {
    let so_far = Period {
        start: sub.period.start,
        end: now,
    };
    usage_lines(&sub.terms, &sub.usage, so_far, false)
}

/// One line per metered meter of `terms` for its usage in `period`; none while the
/// period was a trial.
pub fn usage_lines(
    terms: &Terms,
    usage: &BTreeMap<String, i64>,
    period: Period,
    trial: bool,
) -> Vec<Line> {
    if trial {
        return Vec::new();
    }
    terms
        .metered
        .iter()
        .map(|metered| {
            let used = usage.get(&metered.meter).copied().unwrap_or(0);
            // Usage is 64-bit end to end: every unit used is billed.
            let quantity = u64::try_from(used).unwrap_or(0);
            Line {
                description: format!("{quantity} {} × {}", metered.unit, metered.name),
                product: metered.meter.clone(),
                quantity,
                amount: metered.price.amount(quantity),
                proration: false,
                period,
            }
        })
        .collect()
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
    use portico_wire::price::Price;

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
            wallet: None,
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
    fn the_wallet_pays_after_the_balance_and_the_card_the_rest() {
        use crate::billing::wallet::{Grant, Wallet};
        let at: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let mut account = Account {
            balance: -300,
            card: None,
            wallet: Some(Wallet {
                id: "wal_1".into(),
                conversion_rate: 100,
                grants: vec![Grant {
                    id: "wtx_1".into(),
                    remaining: Credits::from_hundredths(1_000),
                    priority: 0,
                    expires_at: None,
                    created: at,
                }],
            }),
        };
        // 29.00 less 3.00 of balance: 10.00 from the wallet, 16.00 left for the card.
        let open = finalize(invoice(&[2900]), &mut account);
        assert_eq!((open.amount_due, open.amount_paid), (2600, 1000));
        assert_eq!(
            (open.paid_from_wallet, open.wallet_credits.hundredths()),
            (1000, 1000)
        );
        assert_eq!(
            (open.status, open.amount_remaining()),
            (InvoiceStatus::Open, 1600)
        );
        assert_eq!(account.balance, 0);
        // The next invoice finds the wallet empty.
        let next = finalize(invoice(&[500]), &mut account);
        assert_eq!((next.amount_paid, next.paid_from_wallet), (0, 0));
    }

    #[test]
    fn usage_lines_price_each_meter_for_the_period_and_none_in_a_trial() {
        use crate::billing::state::{MeteredItem, Terms};
        use portico_wire::price::{Tier, Tiers, TiersMode};
        use portico_wire::usage::Aggregation;
        let at: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let period = Period {
            start: at,
            end: "2026-02-01T00:00:00Z".parse().unwrap(),
        };
        let tier = |up_to, unit_amount| Tier {
            up_to,
            unit_amount,
            flat_amount: 0,
        };
        let terms = Terms {
            plan: "usage".into(),
            interval: portico_wire::embed::Interval::Month,
            interval_count: 1,
            items: Vec::new(),
            metered: vec![
                MeteredItem {
                    meter: "api_calls".into(),
                    name: "API calls".into(),
                    unit: "calls".into(),
                    aggregation: Aggregation::Sum,
                    price: Price::Tiered(
                        Tiers::new(
                            TiersMode::Graduated,
                            vec![tier(Some(1_000), 0), tier(None, 2)],
                        )
                        .unwrap(),
                    ),
                },
                MeteredItem {
                    meter: "peak_gpus".into(),
                    name: "Peak GPUs".into(),
                    unit: "GPUs".into(),
                    aggregation: Aggregation::Max,
                    price: Price::per_unit(500).unwrap(),
                },
            ],
        };
        let usage = BTreeMap::from([("api_calls".to_owned(), 2_501)]);
        let lines = usage_lines(&terms, &usage, period, false);
        let summary: Vec<(&str, u64, i64)> = lines
            .iter()
            .map(|l| (l.description.as_str(), l.quantity, l.amount))
            .collect();
        // 1,000 free, then 1,501 at 0.02; no GPU usage is still a line, at zero.
        assert_eq!(
            summary,
            [
                ("2501 calls × API calls", 2_501, 3_002),
                ("0 GPUs × Peak GPUs", 0, 0)
            ]
        );
        assert!(lines.iter().all(|l| l.period == period && !l.proration));
        assert!(usage_lines(&terms, &usage, period, true).is_empty());
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
