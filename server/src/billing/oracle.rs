//! A second, deliberately naive billing model that the property tests hold the engine
//! to. It shares no code with `period.rs`, `proration.rs` or `invoicing.rs`, and no
//! calendar with jiff: dates are walked by hand (year by year, month by month),
//! prorations are summed day by day as exact fractions and rounded once by a rule
//! written here. Slow and obvious on purpose: where it and the engine disagree by a
//! cent or a second, one of them is wrong.

use super::state::{Line, Terms};
use jiff::Timestamp;
use portico_wire::embed::Interval;
use portico_wire::price::Price;

const SECONDS_PER_DAY: i64 = 86_400;

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn days_in_year(year: i64) -> i64 {
    if is_leap(year) { 366 } else { 365 }
}

/// A UTC date and time of day, from 1970 on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    /// 1 to 12.
    pub month: i64,
    /// 1 to the month's length.
    pub day: i64,
    pub second_of_day: i64,
}

impl Civil {
    /// `day` past the month's last day is the last day.
    pub fn clamped(year: i64, month: i64, day: i64, second_of_day: i64) -> Self {
        Self {
            year,
            month,
            day: day.min(days_in_month(year, month)),
            second_of_day,
        }
    }

    /// Walks whole years, then whole months, from 1970-01-01.
    pub fn from_timestamp(at: Timestamp) -> Self {
        let seconds = at.as_second();
        assert!(seconds >= 0, "the oracle's calendar starts in 1970");
        let mut days = seconds / SECONDS_PER_DAY;
        let mut year = 1970;
        while days >= days_in_year(year) {
            days -= days_in_year(year);
            year += 1;
        }
        let mut month = 1;
        while days >= days_in_month(year, month) {
            days -= days_in_month(year, month);
            month += 1;
        }
        Self {
            year,
            month,
            day: days + 1,
            second_of_day: seconds % SECONDS_PER_DAY,
        }
    }

    pub fn to_timestamp(self) -> Timestamp {
        let mut days = self.day - 1;
        days += (1970..self.year).map(days_in_year).sum::<i64>();
        days += (1..self.month)
            .map(|m| days_in_month(self.year, m))
            .sum::<i64>();
        Timestamp::from_second(days * SECONDS_PER_DAY + self.second_of_day).unwrap()
    }

    /// `months` later, on the same day or the month's last day if it is shorter.
    fn plus_months(self, months: i64) -> Self {
        let zero_based = self.month - 1 + months;
        Self::clamped(
            self.year + zero_based / 12,
            zero_based % 12 + 1,
            self.day,
            self.second_of_day,
        )
    }
}

/// `start` moved on by `steps` × `interval`, counted from `start` itself (so the
/// month-end clamp never accumulates: Jan 31 + 2 months is Mar 31).
pub fn step(start: Timestamp, interval: Interval, steps: i64) -> Timestamp {
    let days = |n: i64| Timestamp::from_second(start.as_second() + n * SECONDS_PER_DAY).unwrap();
    match interval {
        Interval::Day => days(steps),
        Interval::Week => days(7 * steps),
        Interval::Month => Civil::from_timestamp(start)
            .plus_months(steps)
            .to_timestamp(),
        Interval::Year => Civil::from_timestamp(start)
            .plus_months(12 * steps)
            .to_timestamp(),
    }
}

/// The first `anchor + k × count × interval` (k ≥ 1) after `start`, found by trying
/// k = 1, 2, 3, … in turn.
pub fn period_end_after(
    anchor: Timestamp,
    start: Timestamp,
    interval: Interval,
    count: u32,
) -> Timestamp {
    (1..)
        .map(|k| step(anchor, interval, k * i64::from(count)))
        .find(|end| *end > start)
        .unwrap()
}

/// An exact fraction; the denominator is positive.
#[derive(Debug, Clone, Copy)]
struct Fraction {
    numerator: i128,
    denominator: i128,
}

impl Fraction {
    const ZERO: Self = Self {
        numerator: 0,
        denominator: 1,
    };

    fn plus(self, numerator: i128, denominator: i128) -> Self {
        Self {
            numerator: self.numerator * denominator + numerator * self.denominator,
            denominator: self.denominator * denominator,
        }
        .reduced()
    }

    fn reduced(self) -> Self {
        let (mut a, mut b) = (self.numerator.abs(), self.denominator);
        while b != 0 {
            (a, b) = (b, a % b);
        }
        let gcd = a.max(1);
        Self {
            numerator: self.numerator / gcd,
            denominator: self.denominator / gcd,
        }
    }

    /// To the nearest integer, halves away from zero: ⌊|x| + ½⌋ with x's sign.
    fn rounded(self) -> i64 {
        let magnitude = (2 * self.numerator.abs() + self.denominator) / (2 * self.denominator);
        i64::try_from(magnitude * self.numerator.signum()).unwrap()
    }
}

/// The share of `amount` (the price of the period `[start, end)`) for the time left
/// after `at`: each remaining day's share added as a fraction, the sum rounded once.
pub fn prorate(amount: i64, start: Timestamp, end: Timestamp, at: Timestamp) -> i64 {
    let total = i128::from(end.as_second() - start.as_second());
    let mut second = at.as_second().max(start.as_second());
    let mut sum = Fraction::ZERO;
    while second < end.as_second() {
        let day = SECONDS_PER_DAY.min(end.as_second() - second);
        sum = sum.plus(i128::from(amount) * i128::from(day), total);
        second += day;
    }
    sum.rounded()
}

/// What the property tests compare of a line: everything but the wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineView {
    pub product: String,
    pub quantity: u64,
    pub amount: i64,
    pub proration: bool,
    pub start: Timestamp,
    pub end: Timestamp,
}

impl LineView {
    pub fn of(line: &Line) -> Self {
        Self {
            product: line.product.clone(),
            quantity: line.quantity,
            amount: line.amount,
            proration: line.proration,
            start: line.period.start,
            end: line.period.end,
        }
    }
}

pub fn views(lines: &[Line]) -> Vec<LineView> {
    lines.iter().map(LineView::of).collect()
}

/// The generators only make per-unit prices, so a period's price is a product.
fn unit_amount(price: &Price) -> i64 {
    match price {
        Price::PerUnit { unit_amount } => *unit_amount,
        Price::Tiered(_) => panic!("the oracle prices per unit only"),
    }
}

/// (product, quantity, price of a whole period) of each item.
fn priced(terms: &Terms) -> Vec<(String, u32, i64)> {
    terms
        .items
        .iter()
        .map(|item| {
            let quantity = item.quantity.get();
            let amount = unit_amount(&item.price) * i64::from(quantity);
            (item.product.clone(), quantity, amount)
        })
        .collect()
}

/// Stripe's itemization of a change at `at` in `[start, end)` from `old` to `new`
/// items, each (product, quantity, price of a whole period): every old item with no
/// identical new one is credited for the time left, then every new item with no
/// identical old one is charged for it. A line that rounds to zero is left out.
pub fn proration_lines_of(
    old: &[(String, u32, i64)],
    new: &[(String, u32, i64)],
    start: Timestamp,
    end: Timestamp,
    at: Timestamp,
) -> Vec<LineView> {
    let covered_from = at.max(start).min(end);
    let line = |(product, quantity, amount): &(String, u32, i64), sign: i64| LineView {
        product: product.clone(),
        quantity: u64::from(*quantity),
        amount: sign * prorate(*amount, start, end, at),
        proration: true,
        start: covered_from,
        end,
    };
    let credits = old
        .iter()
        .filter(|item| !new.contains(item))
        .map(|item| line(item, -1));
    let charges = new
        .iter()
        .filter(|item| !old.contains(item))
        .map(|item| line(item, 1));
    credits.chain(charges).filter(|l| l.amount != 0).collect()
}

/// [`proration_lines_of`] the items of `old` and `new` (`None`: nothing replaces them).
pub fn proration_lines(
    old: &Terms,
    new: Option<&Terms>,
    start: Timestamp,
    end: Timestamp,
    at: Timestamp,
) -> Vec<LineView> {
    let new = new.map(priced).unwrap_or_default();
    proration_lines_of(&priced(old), &new, start, end, at)
}

/// A whole period of each item of `terms`.
pub fn recurring_lines(terms: &Terms, start: Timestamp, end: Timestamp) -> Vec<LineView> {
    priced(terms)
        .into_iter()
        .map(|(product, quantity, amount)| LineView {
            product,
            quantity: u64::from(quantity),
            amount,
            proration: false,
            start,
            end,
        })
        .collect()
}

/// The usage line of each meter (per unit in the generators) for `[start, end)`.
pub fn usage_lines(
    terms: &Terms,
    usage: &std::collections::BTreeMap<String, i64>,
    start: Timestamp,
    end: Timestamp,
) -> Vec<LineView> {
    terms
        .metered
        .iter()
        .map(|meter| {
            let used = usage.get(&meter.meter).copied().unwrap_or(0);
            LineView {
                product: meter.meter.clone(),
                quantity: u64::try_from(used).unwrap(),
                amount: unit_amount(&meter.price) * used,
                proration: false,
                start,
                end,
            }
        })
        .collect()
}

/// An invoice of `subtotal` against a customer balance: credit (a negative balance)
/// pays first; a negative subtotal adds to the credit. Returns (amount due, balance
/// after). A positive balance is left as it is, as the engine's rules only spend
/// credit: nothing in Portico makes a balance positive (Stripe would add it to the
/// amount due).
pub fn settle(subtotal: i64, balance: i64) -> (i64, i64) {
    if subtotal < 0 {
        return (0, balance + subtotal);
    }
    let credit = if balance < 0 { -balance } else { 0 };
    let used = if credit < subtotal { credit } else { subtotal };
    (subtotal - used, balance + used)
}

/// A test card's behaviour when charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Card {
    Succeeds,
    Declines,
    Missing,
}

/// What collecting an invoice's amount due at `at` leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collected {
    pub paid: bool,
    pub amount_paid: i64,
    pub attempt_count: u32,
    pub next_payment_attempt: Option<Timestamp>,
}

/// Nothing due is paid without an attempt; otherwise one attempt on the card. A
/// failed automatic attempt is retried three days later; a failed attempt on the
/// customer's behalf is not retried.
pub fn collect(amount_due: i64, card: Card, at: Timestamp, automatic: bool) -> Collected {
    if amount_due == 0 {
        return Collected {
            paid: true,
            amount_paid: 0,
            attempt_count: 0,
            next_payment_attempt: None,
        };
    }
    let paid = card == Card::Succeeds;
    let three_days = Timestamp::from_second(at.as_second() + 3 * SECONDS_PER_DAY).unwrap();
    Collected {
        paid,
        amount_paid: if paid { amount_due } else { 0 },
        attempt_count: 1,
        next_payment_attempt: (!paid && automatic).then_some(three_days),
    }
}

mod tests;
