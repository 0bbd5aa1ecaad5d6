//! Signing a customer up to a plan, and the terms (plan + quantities) a signup or a
//! change asks for.

use super::invoicing::{self, trial_line};
use super::proration::Period;
use super::state::{
    Account, BillingReason, Decision, InvoiceStatus, Item, MeteredItem, Subscription, Terms,
};
use super::{Status, period_end};
use crate::catalog::{Plan, Service};
use jiff::{SignedDuration, Timestamp};
use portico_wire::QuantityOption;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermsError {
    #[error("`options.quantity` names unit labels no product of this service has: {}", .0.join(", "))]
    UnknownUnitLabel(Vec<String>),
}

/// The terms of `plan` at `quantity`. A product the quantity option does not cover
/// keeps its quantity in `keep` (the items being replaced), else 1.
pub fn plan_terms(
    service: &Service,
    plan: &Plan,
    quantity: Option<&QuantityOption>,
    keep: &[Item],
) -> Result<Terms, TermsError> {
    if let Some(option) = quantity {
        let known: Vec<&str> = service.unit_labels().into_iter().collect();
        let unknown = option.unknown_labels(&known);
        if !unknown.is_empty() {
            return Err(TermsError::UnknownUnitLabel(unknown));
        }
    }
    let covers = |label: Option<&str>| match quantity {
        None => false,
        Some(QuantityOption::All(_)) => label.is_some(),
        Some(QuantityOption::PerUnitLabel(map)) => label.is_some_and(|l| map.contains_key(l)),
    };
    let items = plan
        .items
        .iter()
        .map(|item| {
            let label = item.product.unit_label.as_deref();
            let kept = keep.iter().find(|k| k.product == item.product.id);
            let quantity = match kept {
                Some(kept) if !covers(label) => kept.quantity,
                _ => QuantityOption::quantity_for(quantity, label),
            };
            Item {
                id: kept.and_then(|k| k.id.clone()),
                product: item.product.id.clone(),
                product_name: item.product.name.clone(),
                unit_label: item.product.unit_label.clone(),
                quantity,
                price: item.price.clone(),
            }
        })
        .collect();
    Ok(Terms {
        plan: plan.id.clone(),
        interval: plan.interval,
        interval_count: plan.interval_count,
        items,
        metered: plan
            .metered
            .iter()
            .map(|metered| MeteredItem {
                meter: metered.meter.key.clone(),
                name: metered.meter.name.clone(),
                unit: metered.meter.unit.clone(),
                aggregation: metered.meter.aggregation,
                price: metered.price.clone(),
            })
            .collect(),
    })
}

/// Decides the subscription for `plan` at `now` and its first invoice. A plan with
/// trial days starts `trialing` (a customer's first subscription in a service only),
/// its first period being the trial, with a zero invoice. Otherwise the first period
/// is invoiced and charged at once: paid, it starts `active`; not, `incomplete` until
/// the customer pays it, for 23 hours, after which it expires.
pub fn plan_signup(
    service: &Service,
    plan: &Plan,
    quantity: Option<&QuantityOption>,
    trial_eligible: bool,
    account: &Account,
    now: Timestamp,
) -> Result<Decision, TermsError> {
    let terms = plan_terms(service, plan, quantity, &[])?;
    let mut account = account.clone();
    let trial = trial_eligible && plan.trial_days > 0;
    let (status, period, trial_end, lines) = if trial {
        let end = now + SignedDuration::from_hours(24 * i64::from(plan.trial_days));
        let period = Period { start: now, end };
        let lines = terms.items.iter().map(|i| trial_line(i, period)).collect();
        (Status::Trialing, period, Some(end), lines)
    } else {
        let end = period_end(now, plan.interval, plan.interval_count);
        let period = Period { start: now, end };
        let lines = terms
            .items
            .iter()
            .map(|i| invoicing::recurring_line(i, period))
            .collect();
        (Status::Active, period, None, lines)
    };
    let invoice = invoicing::draft(
        BillingReason::SubscriptionCreate,
        &plan.currency,
        lines,
        period,
        now,
    );
    let invoice = invoicing::finalize(invoice, &mut account);
    let invoice = invoicing::attempt(invoice, &account, now, false);
    let unpaid = invoice.status == InvoiceStatus::Open;
    let subscription = Subscription {
        terms,
        status: if unpaid { Status::Incomplete } else { status },
        currency: plan.currency.clone(),
        period,
        // Stripe anchors a trial's billing cycle at the trial's end.
        billing_cycle_anchor: trial_end.unwrap_or(now),
        trial_end,
        cancel_at_period_end: false,
        canceled_at: None,
        ended_at: None,
        cancellation: None,
        pending_update: None,
        pending_lines: Vec::new(),
        open_invoices: if unpaid {
            vec![invoice.clone()]
        } else {
            Vec::new()
        },
        created: now,
        usage: std::collections::BTreeMap::new(),
    };
    Ok(Decision {
        subscription,
        account,
        invoices: vec![invoice],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use portico_wire::{Quantity, ServiceName};

    const CATALOG: &str = r#"
        products = [{ id = "base", name = "Base" }, { id = "seats", name = "Seats", unit_label = "seat" }]
        [[plans]]
        id = "team"
        name = "Team"
        currency = "usd"
        interval = "month"
        items = [{ product = "base", unit_amount = 2000 }, { product = "seats", unit_amount = 500 }]
        [[plans]]
        id = "trial"
        name = "Trial"
        currency = "usd"
        interval = "year"
        trial_days = 14
        items = [{ product = "base", unit_amount = 10000 }]
        [[services]]
        name = "acme"
        mode = "test"
        plans = ["team", "trial"]
    "#;

    fn service() -> Service {
        let catalog = Catalog::from_toml(CATALOG).unwrap();
        catalog
            .service(&ServiceName::parse("acme").unwrap())
            .unwrap()
            .clone()
    }

    fn now() -> Timestamp {
        "2026-01-31T12:00:00Z".parse().unwrap()
    }

    fn visa() -> Account {
        let input = crate::billing::cards::CardInput {
            number: "4242424242424242".into(),
            exp_month: 12,
            exp_year: 2030,
            cvc: "123".into(),
        };
        Account {
            balance: 0,
            card: Some(crate::billing::cards::accept(&input, (2026, 1)).unwrap()),
            wallet: None,
        }
    }

    #[test]
    fn paid_signup_with_seats_starts_active() {
        let service = service();
        let seats = QuantityOption::All(Quantity::new(4).unwrap());
        let plan = service.plan("team").unwrap();
        let decision = plan_signup(&service, plan, Some(&seats), true, &visa(), now()).unwrap();
        let sub = &decision.subscription;
        assert_eq!(sub.status, Status::Active);
        assert_eq!(sub.period.end, "2026-02-28T12:00:00Z".parse().unwrap());
        let quantities: Vec<u32> = sub.terms.items.iter().map(|i| i.quantity.get()).collect();
        assert_eq!(quantities, vec![1, 4]);
        assert_eq!(sub.trial_end, None);
        let invoice = &decision.invoices[0];
        assert_eq!(
            (invoice.subtotal, invoice.amount_paid),
            (2000 + 4 * 500, 4000)
        );
        assert_eq!(invoice.status, InvoiceStatus::Paid);
    }

    #[test]
    fn without_a_card_the_first_invoice_stays_open_and_the_subscription_incomplete() {
        let service = service();
        let plan = service.plan("team").unwrap();
        let decision = plan_signup(&service, plan, None, true, &Account::default(), now()).unwrap();
        assert_eq!(decision.subscription.status, Status::Incomplete);
        assert_eq!(decision.invoices[0].status, InvoiceStatus::Open);
        assert_eq!(decision.invoices[0].amount_due, 2500);
        assert_eq!(decision.subscription.open_invoices.len(), 1);
    }

    #[test]
    fn trial_plan_starts_trialing_for_the_trial_days_once() {
        let service = service();
        let plan = service.plan("trial").unwrap();
        let decision = plan_signup(&service, plan, None, true, &Account::default(), now()).unwrap();
        let sub = &decision.subscription;
        assert_eq!(sub.status, Status::Trialing);
        let trial_end: Timestamp = "2026-02-14T12:00:00Z".parse().unwrap();
        assert_eq!(sub.trial_end, Some(trial_end));
        assert_eq!(sub.period.end, trial_end);
        assert_eq!(sub.billing_cycle_anchor, trial_end);
        assert_eq!(decision.invoices[0].subtotal, 0);
        assert_eq!(decision.invoices[0].status, InvoiceStatus::Paid);

        let again = plan_signup(&service, plan, None, false, &visa(), now()).unwrap();
        assert_eq!(again.subscription.status, Status::Active);
        assert_eq!(again.subscription.trial_end, None);
    }

    #[test]
    fn unknown_unit_label_is_refused() {
        let service = service();
        let option = QuantityOption::PerUnitLabel([("admin".to_owned(), Quantity::ONE)].into());
        let plan = service.plan("team").unwrap();
        let err = plan_signup(&service, plan, Some(&option), true, &visa(), now()).unwrap_err();
        assert_eq!(err, TermsError::UnknownUnitLabel(vec!["admin".into()]));
    }
}
