//! Invariants of the engine over random plans, quantities, times and behaviours.

use super::cards::{CardInput, accept};
use super::state::{Account, Decision, InvoiceStatus, Item, Subscription, Terms};
use super::{ChangeCommand, Proration, Status, change, run_due, upcoming};
use crate::billing::proration::Period;
use jiff::{SignedDuration, Timestamp};
use portico_wire::embed::Interval;
use portico_wire::price::Price;
use portico_wire::{Currency, Quantity};
use proptest::prelude::*;

fn usd() -> Currency {
    Currency::parse("usd").unwrap()
}

fn terms(plan: &str, flat: i64, seat: i64, seats: u32) -> Terms {
    let item = |product: &str, amount: i64, quantity: u32| Item {
        id: None,
        product: product.into(),
        product_name: product.into(),
        unit_label: (product == "seats").then(|| "seat".into()),
        quantity: Quantity::new(u64::from(quantity)).unwrap(),
        price: Price::per_unit(amount).unwrap(),
    };
    Terms {
        plan: plan.into(),
        interval: Interval::Month,
        interval_count: 1,
        items: vec![item("base", flat, 1), item("seats", seat, seats)],
        metered: Vec::new(),
    }
}

fn subscription(terms: Terms, start: Timestamp) -> Subscription {
    Subscription {
        status: Status::Active,
        currency: usd(),
        period: Period {
            start,
            end: super::period_end(start, Interval::Month, 1),
        },
        billing_cycle_anchor: start,
        trial_end: None,
        cancel_at_period_end: false,
        canceled_at: None,
        ended_at: None,
        cancellation: None,
        pending_update: None,
        pending_lines: Vec::new(),
        open_invoices: Vec::new(),
        created: start,
        usage: Default::default(),
        terms,
    }
}

fn account(balance: i64) -> Account {
    let card = CardInput {
        number: "4242424242424242".into(),
        exp_month: 12,
        exp_year: 2040,
        cvc: "123".into(),
    };
    Account {
        balance,
        card: Some(accept(&card, (2026, 1)).unwrap()),
        wallet: None,
    }
}

fn check_invoices(decision: &Decision) {
    for invoice in &decision.invoices {
        let sum: i64 = invoice.lines.iter().map(|l| l.amount).sum();
        assert_eq!(invoice.subtotal, sum, "total = Σ lines");
        assert!(invoice.amount_due >= 0, "no negative amount due");
        assert!(invoice.amount_due <= invoice.subtotal.max(0));
        if invoice.status == InvoiceStatus::Paid {
            assert!(invoice.amount_paid == invoice.amount_due);
        }
    }
}

proptest! {
    #[test]
    fn changes_keep_the_invariants(
        start_day in 0i64..3650,
        at_fraction in 0u32..=1000,
        old in (0i64..50_000, 0i64..10_000, 1u32..60),
        new in (0i64..50_000, 0i64..10_000, 1u32..60),
        behavior in prop_oneof![Just(Proration::CreateProrations), Just(Proration::None), Just(Proration::AlwaysInvoice)],
        balance in -20_000i64..=0,
    ) {
        let start = Timestamp::from_second(1_767_225_600 + start_day * 86_400).unwrap();
        let sub = subscription(terms("old", old.0, old.1, old.2), start);
        let at = start + SignedDuration::from_secs(sub.period.seconds() * i64::from(at_fraction) / 1000);
        let command = ChangeCommand {
            target: terms("new", new.0, new.1, new.2),
            currency: usd(),
            proration: behavior,
            at_period_end: false,
        };
        let Ok(decision) = change(&sub, &account(balance), &command, at) else {
            return Ok(());
        };
        check_invoices(&decision);
        // The credit for unused time never exceeds what the period was paid.
        let paid: i64 = sub.terms.items.iter().map(Item::period_amount).sum();
        let lines = decision.invoices.iter().flat_map(|i| &i.lines).chain(&decision.subscription.pending_lines);
        let credited: i64 = lines.filter(|l| l.amount < 0).map(|l| -l.amount).sum();
        prop_assert!(credited <= paid, "credited {credited} of {paid}");

        // The next invoice the preview announces is the one the renewal creates.
        let after = &decision.subscription;
        let announced = upcoming(after, &decision.account).expect("an active subscription renews");
        let renewal = run_due(after, &decision.account, after.period.end).expect("the renewal is due");
        check_invoices(&renewal);
        let created = renewal.created_invoice().expect("a renewal invoices");
        prop_assert_eq!(&announced.lines, &created.lines);
        prop_assert_eq!(announced.amount_due, created.amount_due);
        prop_assert_eq!(announced.ending_balance, created.ending_balance);
    }
}
