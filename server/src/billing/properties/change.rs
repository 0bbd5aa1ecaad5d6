//! A change of plan or quantities, now or at the period's end, against the oracle:
//! every refusal is the one the rules call for, and every accepted change prorates,
//! invoices and reschedules exactly as the oracle works it out.

use super::*;
use crate::billing::{ChangeCommand, ChangeError, Proration, change};

fn behavior() -> impl Strategy<Value = Proration> {
    prop_oneof![
        Just(Proration::CreateProrations),
        Just(Proration::None),
        Just(Proration::AlwaysInvoice),
    ]
}

/// Statuses a change must refuse, mixed into otherwise generated scenarios.
fn ended() -> impl Strategy<Value = Option<Status>> {
    prop_oneof![
        12 => Just(None),
        1 => Just(Some(Status::Canceled)),
        1 => Just(Some(Status::IncompleteExpired)),
        1 => Just(Some(Status::Incomplete)),
    ]
}

prop_compose! {
    /// A scenario, a change to make in it, and the time (anywhere in the current
    /// period, both ends included) it is made at.
    fn change_case()(
        mut scenario in scenario(),
        ended in ended(),
        same_terms in prop::bool::weighted(0.1),
        target in terms(),
        other_currency in prop::bool::weighted(0.05),
        proration in behavior(),
        at_period_end in prop::bool::weighted(0.25),
        permille in 0i64..=1000,
    ) -> (Scenario, ChangeCommand, Timestamp) {
        if let Some(status) = ended {
            scenario.sub.status = status;
        }
        let period = scenario.sub.period;
        let at = period.start.as_second()
            + (period.end.as_second() - period.start.as_second()) * permille / 1000;
        let command = ChangeCommand {
            target: if same_terms { scenario.sub.terms.clone() } else { target },
            currency: if other_currency { Currency::parse("eur").unwrap() } else { usd() },
            proration,
            at_period_end,
        };
        (scenario, command, Timestamp::from_second(at).unwrap())
    }
}

/// The refusal the rules call for, if any: an ended or never-paid subscription, a
/// plan in another currency, a change that changes nothing (asking at period end for
/// the current terms is allowed when it drops a scheduled change).
fn expected_refusal(sub: &Subscription, command: &ChangeCommand) -> Option<ChangeError> {
    // Generated items differ in nothing but product, quantity and price, so `==` on
    // the terms is "the same terms".
    let unchanged = command.target == sub.terms;
    match sub.status {
        Status::Canceled | Status::IncompleteExpired => Some(ChangeError::Canceled),
        Status::Incomplete => Some(ChangeError::Incomplete),
        _ if command.currency != sub.currency => {
            Some(ChangeError::Currency(command.target.plan.clone()))
        }
        _ if unchanged && !(command.at_period_end && sub.pending_update.is_some()) => {
            Some(ChangeError::NoChange)
        }
        _ => None,
    }
}

/// A change scheduled for the period's end survives a change now, its seat counts
/// following the ones just chosen; it is dropped if it now changes nothing.
fn scheduled_after(scheduled: Option<&Terms>, now: &Terms) -> Option<Terms> {
    let mut scheduled = scheduled?.clone();
    for item in scheduled
        .items
        .iter_mut()
        .filter(|i| i.unit_label.is_some())
    {
        if let Some(chosen) = now.items.iter().find(|i| i.product == item.product) {
            item.quantity = chosen.quantity;
        }
    }
    (scheduled != *now).then_some(scheduled)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_change_matches_the_oracle((scenario, command, at) in change_case()) {
        check_change(&scenario, &command, at)?;
    }
}

fn check_change(
    scenario: &Scenario,
    command: &ChangeCommand,
    at: Timestamp,
) -> Result<(), TestCaseError> {
    let Scenario { sub, account, card } = scenario;
    let result = change(sub, account, command, at);
    if let Some(refusal) = expected_refusal(sub, command) {
        prop_assert_eq!(result, Err(refusal));
        return Ok(());
    }
    let decision = match result {
        Ok(decision) => decision,
        Err(error) => return Err(TestCaseError::fail(format!("refused: {error}"))),
    };
    let after = &decision.subscription;
    let target = &command.target;

    if command.at_period_end {
        // Only the schedule changes; a request for the current terms clears it.
        let scheduled = (*target != sub.terms).then(|| target.clone());
        prop_assert_eq!(&after.pending_update, &scheduled);
        prop_assert_eq!(
            after,
            &Subscription {
                pending_update: scheduled.clone(),
                ..sub.clone()
            }
        );
        prop_assert_eq!(&decision.account, account);
        prop_assert!(decision.invoices.is_empty());
        return Ok(());
    }

    prop_assert_eq!(&after.terms, target);
    prop_assert_eq!(
        &after.pending_update,
        &scheduled_after(sub.pending_update.as_ref(), target),
        "the scheduled change"
    );
    let same_cycle =
        (sub.terms.interval, sub.terms.interval_count) == (target.interval, target.interval_count);
    let waiting = oracle::views(&sub.pending_lines);
    let (start, end) = (sub.period.start, sub.period.end);

    // What the change bills now, if anything: (its lines, the period they cover).
    let invoiced = match (sub.status, same_cycle, command.proration) {
        // A trial was not paid for: nothing to credit or charge.
        (Status::Trialing, ..) => {
            prop_assert_eq!(&after.pending_lines, &sub.pending_lines);
            None
        }
        (_, true, Proration::None) => {
            prop_assert_eq!(&after.pending_lines, &sub.pending_lines);
            None
        }
        (_, true, Proration::CreateProrations) => {
            let prorations = oracle::proration_lines(&sub.terms, Some(target), start, end, at);
            let expected: Vec<LineView> = waiting.into_iter().chain(prorations).collect();
            prop_assert_eq!(
                oracle::views(&after.pending_lines),
                expected,
                "waiting prorations"
            );
            None
        }
        (_, true, Proration::AlwaysInvoice) => {
            let prorations = oracle::proration_lines(&sub.terms, Some(target), start, end, at);
            Some((
                waiting.into_iter().chain(prorations).collect::<Vec<_>>(),
                Period { start: at, end },
            ))
        }
        // A new cycle starts now: credit what is left (unless prorations are
        // off), bill the old period's usage so far, charge a whole new period.
        (_, false, proration) => {
            let new_end = oracle::step(at, target.interval, i64::from(target.interval_count));
            let credits = if proration == Proration::None {
                Vec::new()
            } else {
                oracle::proration_lines(&sub.terms, None, start, end, at)
            };
            let lines: Vec<LineView> = waiting
                .into_iter()
                .chain(credits)
                .chain(oracle::usage_lines(&sub.terms, &sub.usage, start, at))
                .chain(oracle::recurring_lines(target, at, new_end))
                .collect();
            Some((
                lines,
                Period {
                    start: at,
                    end: new_end,
                },
            ))
        }
    };

    let Some((lines, period)) = invoiced else {
        prop_assert!(decision.invoices.is_empty(), "nothing is invoiced now");
        prop_assert_eq!(&decision.account, account);
        prop_assert_eq!((after.period, after.status), (sub.period, sub.status));
        return Ok(());
    };
    prop_assert_eq!(decision.invoices.len(), 1);
    let invoice = &decision.invoices[0];
    prop_assert_eq!(
        (invoice.reason, invoice.period, invoice.created),
        (BillingReason::SubscriptionUpdate, period, at)
    );
    let balance = check_invoice(invoice, &lines, account.balance, *card, true)?;
    prop_assert_eq!(decision.account.balance, balance);
    prop_assert!(
        after.pending_lines.is_empty(),
        "the waiting prorations were invoiced"
    );
    if same_cycle {
        prop_assert_eq!(
            (after.period, after.billing_cycle_anchor),
            (sub.period, sub.billing_cycle_anchor)
        );
    } else {
        prop_assert_eq!(
            (after.period, after.billing_cycle_anchor),
            (period, at),
            "the new cycle"
        );
    }
    let still_owed = !sub.open_invoices.is_empty() || invoice.status == InvoiceStatus::Open;
    let status = if still_owed {
        Status::PastDue
    } else {
        Status::Active
    };
    prop_assert_eq!(after.status, status);
    Ok(())
}
