//! Properties of the engine over generated subscriptions, each checked against the
//! naive model in `oracle.rs` to the cent and to the second, never against another
//! result of the engine (a preview compared with the renewal it announces would agree
//! by construction, as both run the same code).
//!
//! The generated subscriptions are trialing, active or past due (with open
//! invoices), on weekly, monthly, quarterly or yearly plans anchored on any day
//! (month ends included), with credit or debt on the account, a card that pays, a
//! card that declines or none, prorations waiting, usage, a change scheduled for the
//! period's end, or a cancellation pending. Prices are per unit, which is what the
//! oracle can price; tiers are `portico_wire::price`'s own tests.

mod calendar;
mod cancel;
mod change;
mod renewal;

use super::Status;
use super::cards::{CardInput, accept};
use super::oracle::{self, Card, Civil, LineView};
use super::proration::Period;
use super::state::{
    Account, BillingReason, Decision, Invoice, InvoiceStatus, Item, Line, MeteredItem,
    Subscription, Terms,
};
use jiff::Timestamp;
use portico_wire::embed::Interval;
use portico_wire::price::Price;
use portico_wire::usage::Aggregation;
use portico_wire::wallet::Credits;
use portico_wire::{Currency, Quantity};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use std::collections::BTreeMap;

const METER: &str = "api_calls";

fn usd() -> Currency {
    Currency::parse("usd").unwrap()
}

/// The cycles plans have: every interval the catalog offers but days, which no plan
/// here uses, with a multi-month one for the anchored month-end walk.
fn cycle() -> impl Strategy<Value = (Interval, u32)> {
    prop_oneof![
        Just((Interval::Week, 1)),
        Just((Interval::Week, 2)),
        Just((Interval::Month, 1)),
        Just((Interval::Month, 3)),
        Just((Interval::Year, 1)),
    ]
}

/// Any second from 2026 to 2033, on the 28th to the 31st as often as on any day:
/// days past a month's end are its last day, so month ends, where calendars go wrong,
/// are common.
fn instant() -> impl Strategy<Value = Timestamp> {
    let day = prop_oneof![1i64..=31, 28i64..=31];
    (2026i64..2034, 1i64..=12, day, 0i64..86_400)
        .prop_map(|(y, m, d, s)| Civil::clamped(y, m, d, s).to_timestamp())
}

fn item(product: &str, unit_label: Option<&str>, quantity: u32, unit_amount: i64) -> Item {
    Item {
        id: None,
        product: product.into(),
        product_name: product.to_uppercase(),
        unit_label: unit_label.map(Into::into),
        quantity: Quantity::new(u64::from(quantity)).unwrap(),
        price: Price::per_unit(unit_amount).unwrap(),
    }
}

/// A plan with quantities: a base fee, maybe seats, maybe an add-on, maybe a meter.
/// Amounts come from a few common prices as often as from a range, so two draws are
/// often the same terms or share items (which a change must not prorate).
fn terms() -> impl Strategy<Value = Terms> {
    let amount = |common: [i64; 2], max: i64| prop_oneof![Just(common[0]), Just(common[1]), 0..max];
    (
        cycle(),
        prop_oneof![Just("starter"), Just("team")],
        amount([900, 2_900], 1_000_000),
        option::of((1u32..5, amount([500, 800], 20_000))),
        option::of(amount([1_500, 4_900], 100_000)),
        option::of(0i64..50),
    )
        .prop_map(
            |((interval, interval_count), plan, base, seats, addon, meter)| {
                let mut items = vec![item("base", None, 1, base)];
                items.extend(seats.map(|(n, amount)| item("seats", Some("seat"), n, amount)));
                items.extend(addon.map(|amount| item("support", None, 1, amount)));
                let metered = meter.map(|unit_amount| MeteredItem {
                    meter: METER.into(),
                    name: "API calls".into(),
                    unit: "calls".into(),
                    aggregation: Aggregation::Sum,
                    price: Price::per_unit(unit_amount).unwrap(),
                });
                Terms {
                    plan: plan.into(),
                    interval,
                    interval_count,
                    items,
                    metered: metered.into_iter().collect(),
                }
            },
        )
}

fn card() -> impl Strategy<Value = Card> {
    prop_oneof![
        3 => Just(Card::Succeeds),
        1 => Just(Card::Declines),
        1 => Just(Card::Missing),
    ]
}

fn account(balance: i64, card: Card) -> Account {
    let number = match card {
        Card::Succeeds => "4242424242424242",
        // Stripe's test card that attaches but whose charges are declined.
        Card::Declines => "4000000000000341",
        Card::Missing => {
            return Account {
                balance,
                ..Account::default()
            };
        }
    };
    let input = CardInput {
        number: number.into(),
        exp_month: 12,
        exp_year: 2045,
        cvc: "123".into(),
    };
    Account {
        balance,
        card: Some(accept(&input, (2026, 1)).unwrap()),
        wallet: None,
    }
}

/// A subscription, its customer's account and what the card does when charged.
#[derive(Debug, Clone)]
struct Scenario {
    sub: Subscription,
    account: Account,
    card: Card,
}

#[derive(Debug, Clone, Copy)]
enum Standing {
    Trialing { days: i64 },
    Active,
    PastDue,
}

fn standing() -> impl Strategy<Value = Standing> {
    prop_oneof![
        (1i64..=30).prop_map(|days| Standing::Trialing { days }),
        Just(Standing::Active),
        Just(Standing::PastDue),
    ]
}

/// An open invoice of a failed payment: unpaid `amount`, its next automatic attempt
/// `retry_days` after the current period ends (or none left). Retries never fall
/// inside the period, so the period's end is the next thing due. It bills the
/// current period, or the week before it (then the current one was paid).
fn open_invoice(
    n: usize,
    amount: i64,
    retry_days: Option<i64>,
    current: Period,
    for_current: bool,
) -> Invoice {
    let days_after =
        |t: Timestamp, days: i64| Timestamp::from_second(t.as_second() + days * 86_400).unwrap();
    let billed = if for_current {
        current
    } else {
        Period {
            start: days_after(current.start, -7),
            end: current.start,
        }
    };
    Invoice {
        id: Some(format!("in_open_{n}")),
        reason: BillingReason::SubscriptionCycle,
        currency: usd(),
        lines: Vec::new(),
        period: billed,
        created: billed.start,
        status: InvoiceStatus::Open,
        subtotal: amount,
        starting_balance: 0,
        ending_balance: 0,
        amount_due: amount,
        amount_paid: 0,
        paid_from_wallet: 0,
        wallet_credits: Credits::ZERO,
        attempt_count: 1,
        next_payment_attempt: retry_days.map(|days| days_after(current.end, days)),
        last_failure: None,
        paid_at: None,
    }
}

prop_compose! {
    fn scenario()(
        terms in terms(),
        anchor in instant(),
        periods_elapsed in 0i64..4,
        standing in standing(),
        scheduled in option::weighted(0.3, terms()),
        waiting in vec(-5_000i64..5_000, 0..3),
        usage in 0i64..100_000,
        cancel_at_period_end in prop::bool::weighted(0.15),
        open in vec((100i64..10_000, option::of(1i64..20), any::<bool>()), 1..3),
        balance in -30_000i64..30_000,
        card in card(),
    ) -> Scenario {
        let (interval, count) = (terms.interval, i64::from(terms.interval_count));
        let period = match standing {
            // Stripe anchors a trial's billing cycle at the trial's end.
            Standing::Trialing { days } => Period {
                start: Timestamp::from_second(anchor.as_second() - days * 86_400).unwrap(),
                end: anchor,
            },
            _ => Period {
                start: oracle::step(anchor, interval, periods_elapsed * count),
                end: oracle::step(anchor, interval, (periods_elapsed + 1) * count),
            },
        };
        let trialing = matches!(standing, Standing::Trialing { .. });
        // A trial prorates nothing, so nothing waits for its first invoice.
        let pending_lines = if trialing { Vec::new() } else {
            waiting.iter().map(|&amount| Line {
                description: "Waiting proration".into(),
                product: "base".into(),
                quantity: 1,
                amount,
                proration: true,
                period,
            }).collect()
        };
        let open_invoices = match standing {
            Standing::PastDue => open
                .iter()
                .enumerate()
                .map(|(n, &(amount, retry, current))| {
                    open_invoice(n, amount, retry, period, current)
                })
                .collect(),
            _ => Vec::new(),
        };
        let usage = if terms.metered.is_empty() { BTreeMap::new() } else {
            BTreeMap::from([(METER.to_owned(), usage)])
        };
        let sub = Subscription {
            status: match standing {
                Standing::Trialing { .. } => Status::Trialing,
                Standing::Active => Status::Active,
                Standing::PastDue => Status::PastDue,
            },
            currency: usd(),
            period,
            billing_cycle_anchor: anchor,
            trial_end: trialing.then_some(anchor),
            cancel_at_period_end,
            canceled_at: None,
            ended_at: None,
            cancellation: None,
            pending_update: scheduled,
            pending_lines,
            open_invoices,
            created: period.start.min(anchor),
            usage,
            terms,
        };
        Scenario { sub, account: account(balance, card), card }
    }
}

/// Checks `invoice` against the oracle: its lines, what the balance paid, what the
/// card paid. `automatic` attempts schedule a retry when they fail. Returns the
/// balance after it.
fn check_invoice(
    invoice: &Invoice,
    lines: &[LineView],
    balance_before: i64,
    card: Card,
    automatic: bool,
) -> Result<i64, TestCaseError> {
    prop_assert_eq!(oracle::views(&invoice.lines), lines, "the invoice's lines");
    let subtotal: i64 = lines.iter().map(|line| line.amount).sum();
    let (amount_due, balance_after) = oracle::settle(subtotal, balance_before);
    let collected = oracle::collect(amount_due, card, invoice.created, automatic);
    prop_assert_eq!(invoice.subtotal, subtotal, "subtotal");
    prop_assert_eq!(
        (
            invoice.starting_balance,
            invoice.amount_due,
            invoice.ending_balance
        ),
        (balance_before, amount_due, balance_after),
        "(starting balance, amount due, ending balance)"
    );
    let status = if collected.paid {
        InvoiceStatus::Paid
    } else {
        InvoiceStatus::Open
    };
    prop_assert_eq!(
        (invoice.status, invoice.amount_paid, invoice.attempt_count),
        (status, collected.amount_paid, collected.attempt_count),
        "(status, amount paid, attempts)"
    );
    prop_assert_eq!(
        invoice.next_payment_attempt,
        collected.next_payment_attempt,
        "next attempt"
    );
    Ok(balance_after)
}
