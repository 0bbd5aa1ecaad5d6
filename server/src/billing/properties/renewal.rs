//! The end of a period against the oracle: the renewal `run_due` applies and the
//! upcoming invoice `upcoming` previews are each checked against what the oracle
//! works out, so a preview that drifts from the renewal fails on its own.

use super::*;
use crate::billing::{next_due, run_due, upcoming};

/// What the oracle expects at the end of the period.
struct Expected {
    /// The invoice created, if any: its lines, period, reason, and whether its
    /// payment is attempted automatically (so retried if it fails).
    invoice: Option<(Vec<LineView>, Period, BillingReason, bool)>,
    /// The subscription's terms, period and anchor after, unless it ended.
    renewed: Option<(Terms, Period, Timestamp)>,
}

fn expected(sub: &Subscription) -> Expected {
    let end = sub.period.end;
    let waiting = oracle::views(&sub.pending_lines);
    // A trial's usage is free; a paid period's is billed by the terms it ran on.
    let usage = if sub.status == Status::Trialing {
        Vec::new()
    } else {
        oracle::usage_lines(&sub.terms, &sub.usage, sub.period.start, end)
    };
    let lines: Vec<LineView> = waiting.into_iter().chain(usage).collect();
    if sub.cancel_at_period_end {
        // A final invoice, only if something is left to bill, not retried.
        let invoice = (!lines.is_empty()).then(|| {
            let period = Period { start: end, end };
            (lines, period, BillingReason::SubscriptionUpdate, false)
        });
        return Expected {
            invoice,
            renewed: None,
        };
    }
    let terms = sub
        .pending_update
        .clone()
        .unwrap_or_else(|| sub.terms.clone());
    // A scheduled change to another cycle starts that cycle at the renewal.
    let cycle_changed =
        (terms.interval, terms.interval_count) != (sub.terms.interval, sub.terms.interval_count);
    let anchor = if cycle_changed {
        end
    } else {
        sub.billing_cycle_anchor
    };
    let next = Period {
        start: end,
        end: oracle::period_end_after(anchor, end, terms.interval, terms.interval_count),
    };
    let lines = lines
        .into_iter()
        .chain(oracle::recurring_lines(&terms, next.start, next.end))
        .collect();
    Expected {
        invoice: Some((lines, next, BillingReason::SubscriptionCycle, true)),
        renewed: Some((terms, next, anchor)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn the_renewal_and_its_preview_match_the_oracle(scenario in scenario()) {
        check_renewal(&scenario)?;
    }
}

fn check_renewal(scenario: &Scenario) -> Result<(), TestCaseError> {
    let Scenario { sub, account, card } = scenario;
    let end = sub.period.end;
    let expected = expected(sub);

    prop_assert_eq!(next_due(sub), Some(end), "the period's end is due first");
    let a_second_early = Timestamp::from_second(end.as_second() - 1).unwrap();
    prop_assert!(run_due(sub, account, a_second_early).is_none());
    let Some(decision) = run_due(sub, account, end) else {
        return Err(TestCaseError::fail("nothing ran at the period's end"));
    };
    let preview = upcoming(sub, account);

    match &expected.invoice {
        Some((lines, period, reason, automatic)) => {
            let Some(created) = decision.created_invoice() else {
                return Err(TestCaseError::fail("the period's end invoiced nothing"));
            };
            prop_assert_eq!(
                (created.reason, created.period, created.created),
                (*reason, *period, end)
            );
            let balance = check_invoice(created, lines, account.balance, *card, *automatic)?;
            prop_assert_eq!(decision.account.balance, balance);

            // The preview: the same lines and amounts, as a draft nothing was
            // attempted on. Checked against the oracle, not against `created`.
            let Some(preview) = preview else {
                return Err(TestCaseError::fail("no upcoming invoice announced"));
            };
            let subtotal: i64 = lines.iter().map(|line| line.amount).sum();
            let (amount_due, balance_after) = oracle::settle(subtotal, account.balance);
            prop_assert_eq!(
                oracle::views(&preview.lines),
                lines.clone(),
                "the preview's lines"
            );
            prop_assert_eq!(
                (
                    preview.period,
                    preview.subtotal,
                    preview.amount_due,
                    preview.ending_balance
                ),
                (*period, subtotal, amount_due, balance_after),
                "the preview's (period, subtotal, amount due, ending balance)"
            );
            prop_assert_eq!(
                (
                    preview.reason,
                    preview.status,
                    preview.amount_paid,
                    preview.attempt_count
                ),
                (BillingReason::Upcoming, InvoiceStatus::Draft, 0, 0)
            );
            prop_assert_eq!(preview.next_payment_attempt, None);
        }
        None => {
            prop_assert!(decision.created_invoice().is_none(), "nothing left to bill");
            prop_assert_eq!(preview, None);
            prop_assert_eq!(&decision.account, account);
        }
    }

    let after = &decision.subscription;
    prop_assert!(
        after.pending_lines.is_empty() && after.usage.is_empty(),
        "all billed"
    );
    prop_assert_eq!(&after.pending_update, &None);
    let still_owed = decision
        .invoices
        .iter()
        .any(|i| i.status == InvoiceStatus::Open);
    match expected.renewed {
        Some((terms, period, anchor)) => {
            prop_assert_eq!(&after.terms, &terms);
            prop_assert_eq!((after.period, after.billing_cycle_anchor), (period, anchor));
            // Earlier open invoices stay open alongside the new one.
            let owed = !sub.open_invoices.is_empty() || still_owed;
            let status = if owed {
                Status::PastDue
            } else {
                Status::Active
            };
            prop_assert_eq!(
                after.status,
                status,
                "a trial ends; open invoices make it past due"
            );
        }
        None => {
            prop_assert_eq!(
                (after.status, after.ended_at),
                (Status::Canceled, Some(end))
            );
            prop_assert!(after.open_invoices.is_empty());
            // Invoices still owed stay owed but are no longer retried.
            let retried = decision
                .invoices
                .iter()
                .filter(|i| i.next_payment_attempt.is_some());
            prop_assert_eq!(retried.count(), 0);
            let carried: Vec<_> = decision
                .invoices
                .iter()
                .filter_map(|i| i.id.clone())
                .collect();
            let open: Vec<_> = sub
                .open_invoices
                .iter()
                .filter_map(|i| i.id.clone())
                .collect();
            prop_assert_eq!(carried, open, "the open invoices are returned, updated");
        }
    }
    Ok(())
}
