//! Cancelling, now or at the period's end, against the oracle: an immediate cancel
//! with prorations credits the unused time of a paid period only (not a trial, not a
//! period whose invoice is still open), bills the usage so far and the waiting
//! prorations on a final invoice, and leaves open invoices owed but no longer retried
//! (voided if the subscription never started).

use super::*;
use crate::billing::state::CancelReason;
use crate::billing::{CancelCommand, CancelError, cancel};

/// Statuses mixed into otherwise generated scenarios: ended ones are refused, an
/// `incomplete` one can only end now.
fn unusual() -> impl Strategy<Value = Option<Status>> {
    prop_oneof![
        12 => Just(None),
        1 => Just(Some(Status::Canceled)),
        1 => Just(Some(Status::IncompleteExpired)),
        2 => Just(Some(Status::Incomplete)),
    ]
}

prop_compose! {
    fn cancel_case()(
        mut scenario in scenario(),
        status in unusual(),
        at_period_end in any::<bool>(),
        prorate in any::<bool>(),
        permille in 0i64..=1000,
    ) -> (Scenario, CancelCommand, Timestamp) {
        if let Some(status) = status {
            scenario.sub.status = status;
        }
        let period = scenario.sub.period;
        let at = period.start.as_second()
            + (period.end.as_second() - period.start.as_second()) * permille / 1000;
        let command = CancelCommand {
            at_period_end,
            prorate,
            feedback: None,
            comment: None,
        };
        (scenario, command, Timestamp::from_second(at).unwrap())
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_cancel_matches_the_oracle((scenario, command, at) in cancel_case()) {
        check_cancel(&scenario, &command, at)?;
    }
}

fn check_cancel(
    scenario: &Scenario,
    command: &CancelCommand,
    at: Timestamp,
) -> Result<(), TestCaseError> {
    let Scenario { sub, account, card } = scenario;
    let result = cancel(sub, account, command, at);
    if matches!(sub.status, Status::Canceled | Status::IncompleteExpired) {
        prop_assert_eq!(result, Err(CancelError::AlreadyCanceled));
        return Ok(());
    }
    let decision = match result {
        Ok(decision) => decision,
        Err(error) => return Err(TestCaseError::fail(format!("refused: {error}"))),
    };
    let after = &decision.subscription;
    prop_assert_eq!(
        (
            after.canceled_at,
            after.cancellation.as_ref().map(|c| c.reason)
        ),
        (Some(at), Some(CancelReason::CancellationRequested))
    );
    if command.at_period_end && sub.status != Status::Incomplete {
        prop_assert!(after.cancel_at_period_end);
        prop_assert_eq!((after.status, after.ended_at), (sub.status, None));
        prop_assert_eq!(&decision.account, account);
        prop_assert!(decision.invoices.is_empty());
        return Ok(());
    }

    let started = matches!(sub.status, Status::Active | Status::PastDue);
    // Paid: no open invoice bills the current period.
    let paid = started
        && !sub
            .open_invoices
            .iter()
            .any(|invoice| invoice.period.start == sub.period.start);
    let credits = if command.prorate && paid {
        oracle::proration_lines(&sub.terms, None, sub.period.start, sub.period.end, at)
    } else {
        Vec::new()
    };
    let usage = if started {
        oracle::usage_lines(&sub.terms, &sub.usage, sub.period.start, at)
    } else {
        Vec::new()
    };
    let lines: Vec<LineView> = oracle::views(&sub.pending_lines)
        .into_iter()
        .chain(credits)
        .chain(usage)
        .collect();

    prop_assert_eq!(
        (after.status, after.ended_at, after.cancel_at_period_end),
        (Status::Canceled, Some(at), false)
    );
    prop_assert!(after.open_invoices.is_empty() && after.pending_lines.is_empty());
    prop_assert_eq!(&after.pending_update, &None);
    // The open invoices come back first: still owed, no longer retried, or void if
    // the subscription never started.
    let (carried, created) = decision.invoices.split_at(sub.open_invoices.len());
    for (before, now) in sub.open_invoices.iter().zip(carried) {
        let status = if sub.status == Status::Incomplete {
            InvoiceStatus::Void
        } else {
            InvoiceStatus::Open
        };
        prop_assert_eq!((&now.id, now.status), (&before.id, status));
        prop_assert_eq!(now.next_payment_attempt, None);
    }
    match created {
        [] => {
            prop_assert!(lines.is_empty(), "a final invoice was expected");
            prop_assert_eq!(&decision.account, account);
        }
        [last] => {
            prop_assert_eq!(
                (last.reason, last.period, last.created),
                (
                    BillingReason::SubscriptionUpdate,
                    Period {
                        start: at,
                        end: sub.period.end
                    },
                    at
                )
            );
            let balance = check_invoice(last, &lines, account.balance, *card, false)?;
            prop_assert_eq!(decision.account.balance, balance);
        }
        more => {
            return Err(TestCaseError::fail(format!(
                "{} final invoices",
                more.len()
            )));
        }
    }
    Ok(())
}
