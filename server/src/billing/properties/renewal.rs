//! The end of a period against the oracle: the renewal `run_due` applies and the
//! upcoming invoice `upcoming` previews are each checked against what the oracle
//! works out, so a preview that drifts from the renewal fails on its own.

use super::*;
use crate::billing::{next_due, run_due, upcoming};

/// The invoice the oracle expects the period's end to create.
struct ExpectedInvoice {
    lines: Vec<LineView>,
    period: Period,
    reason: BillingReason,
    /// Whether its payment is attempted automatically, so retried if it fails.
    automatic: bool,
}

/// What the subscription becomes when it renews.
struct Renewed {
    terms: Terms,
    period: Period,
    anchor: Timestamp,
}

/// What the oracle expects at the end of the period: an invoice if anything is
/// billed, and a renewal unless a cancellation was pending.
struct Expected {
    invoice: Option<ExpectedInvoice>,
    renewed: Option<Renewed>,
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
        let invoice = (!lines.is_empty()).then_some(ExpectedInvoice {
            lines,
            period: Period { start: end, end },
            reason: BillingReason::SubscriptionUpdate,
            automatic: false,
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
    let period = Period {
        start: end,
        end: oracle::period_end_after(anchor, end, terms.interval, terms.interval_count),
    };
    let lines = lines
        .into_iter()
        .chain(oracle::recurring_lines(&terms, period.start, period.end))
        .collect();
    Expected {
        invoice: Some(ExpectedInvoice {
            lines,
            period,
            reason: BillingReason::SubscriptionCycle,
            automatic: true,
        }),
        renewed: Some(Renewed {
            terms,
            period,
            anchor,
        }),
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

    match (&expected.invoice, decision.created_invoice()) {
        (Some(invoice), Some(created)) => {
            prop_assert_eq!(
                (created.reason, created.period, created.created),
                (invoice.reason, invoice.period, end)
            );
            let balance = check_invoice(
                created,
                &invoice.lines,
                account.balance,
                *card,
                invoice.automatic,
            )?;
            prop_assert_eq!(decision.account.balance, balance);
        }
        (None, None) => prop_assert_eq!(&decision.account, account),
        (Some(_), None) => return Err(TestCaseError::fail("the period's end invoiced nothing")),
        (None, Some(created)) => {
            return Err(TestCaseError::fail(format!(
                "nothing was left to bill, yet invoiced {created:?}"
            )));
        }
    }
    check_preview(
        upcoming(sub, account),
        expected.invoice.as_ref(),
        account.balance,
    )?;
    check_after(sub, &decision, expected.renewed)
}

/// The upcoming invoice announces what the oracle expects, as a draft nothing was
/// attempted on. Checked against the oracle, not against the renewal's invoice.
fn check_preview(
    preview: Option<Invoice>,
    expected: Option<&ExpectedInvoice>,
    balance: i64,
) -> Result<(), TestCaseError> {
    let (preview, expected) = match (preview, expected) {
        (Some(preview), Some(expected)) => (preview, expected),
        (None, None) => return Ok(()),
        (preview, _) => {
            return Err(TestCaseError::fail(format!(
                "announced {preview:?}, expected an invoice: {}",
                expected.is_some()
            )));
        }
    };
    prop_assert_eq!(
        oracle::views(&preview.lines),
        expected.lines.clone(),
        "the preview's lines"
    );
    let subtotal: i64 = expected.lines.iter().map(|line| line.amount).sum();
    let (amount_due, balance_after) = oracle::settle(subtotal, balance);
    prop_assert_eq!(
        (preview.period, preview.subtotal),
        (expected.period, subtotal),
        "the preview's (period, subtotal)"
    );
    prop_assert_eq!(
        (preview.amount_due, preview.ending_balance),
        (amount_due, balance_after),
        "the preview's (amount due, ending balance)"
    );
    prop_assert_eq!(
        (preview.reason, preview.status, preview.amount_paid),
        (BillingReason::Upcoming, InvoiceStatus::Draft, 0)
    );
    prop_assert_eq!(
        (preview.attempt_count, preview.next_payment_attempt),
        (0, None)
    );
    Ok(())
}

/// The subscription after its period's end: renewed on the oracle's terms, period and
/// anchor, or ended.
fn check_after(
    sub: &Subscription,
    decision: &Decision,
    renewed: Option<Renewed>,
) -> Result<(), TestCaseError> {
    let after = &decision.subscription;
    prop_assert!(
        after.pending_lines.is_empty() && after.usage.is_empty(),
        "all billed"
    );
    prop_assert_eq!(&after.pending_update, &None);
    let Some(renewed) = renewed else {
        prop_assert_eq!(
            (after.status, after.ended_at),
            (Status::Canceled, Some(sub.period.end))
        );
        prop_assert!(after.open_invoices.is_empty());
        // Invoices still owed stay owed but are no longer retried.
        let retried = decision
            .invoices
            .iter()
            .filter(|i| i.next_payment_attempt.is_some());
        prop_assert_eq!(retried.count(), 0);
        let ids = |invoices: &[Invoice]| -> Vec<String> {
            invoices.iter().filter_map(|i| i.id.clone()).collect()
        };
        prop_assert_eq!(
            ids(&decision.invoices),
            ids(&sub.open_invoices),
            "the open invoices are returned, updated"
        );
        return Ok(());
    };
    prop_assert_eq!(&after.terms, &renewed.terms);
    prop_assert_eq!(
        (after.period, after.billing_cycle_anchor),
        (renewed.period, renewed.anchor)
    );
    // A trial ends; earlier open invoices stay open alongside the new one.
    let owed = !sub.open_invoices.is_empty()
        || decision
            .invoices
            .iter()
            .any(|i| i.status == InvoiceStatus::Open);
    let status = if owed {
        Status::PastDue
    } else {
        Status::Active
    };
    prop_assert_eq!(after.status, status);
    Ok(())
}
