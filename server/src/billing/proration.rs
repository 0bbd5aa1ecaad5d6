//! Proration by the second, as Stripe does it: a change at `at` inside a billing
//! period credits the unused time of what was paid for and charges the remaining time
//! of what replaces it, each line proportional to the seconds left in the period.
//!
//! Rounding: each line is computed exactly (128-bit integers) and rounded once to the
//! nearest minor unit, halves away from zero. The credit for a line is the negation
//! of the charge the same item would get, so a change and its reversal cancel to the
//! cent.

use jiff::Timestamp;

/// A billing period, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Period {
    pub fn seconds(self) -> i64 {
        self.end.as_second() - self.start.as_second()
    }

    /// Seconds from `at` to the end, clamped to the period.
    pub fn remaining_after(self, at: Timestamp) -> i64 {
        let at = at
            .as_second()
            .clamp(self.start.as_second(), self.end.as_second());
        self.end.as_second() - at
    }
}

/// The share of `amount` (the price of a whole period) for the time left after `at`.
pub fn prorated(amount: i64, period: Period, at: Timestamp) -> i64 {
    let total = period.seconds();
    if total <= 0 {
        return 0;
    }
    div_round_half_away(
        i128::from(amount) * i128::from(period.remaining_after(at)),
        i128::from(total),
    )
}

fn div_round_half_away(numerator: i128, denominator: i128) -> i64 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    let rounded = if 2 * remainder.abs() >= denominator.abs() {
        quotient + numerator.signum()
    } else {
        quotient
    };
    i64::try_from(rounded).expect("a prorated amount is never larger than the amount")
}

/// One priced line of a subscription, as the proration sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedItem {
    pub product: String,
    pub quantity: u32,
    /// What the whole period costs for this item at this quantity.
    pub period_amount: i64,
}

/// A proration line: negative for unused time credited, positive for time charged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProrationLine {
    pub product: String,
    pub quantity: u32,
    pub amount: i64,
    /// The time the line covers: from the change to the end of the period.
    pub period: Period,
}

/// The lines for replacing `old` by `new` at `at` in `period`. Items that did not
/// change produce no lines; a changed item is credited in full and charged anew, as
/// Stripe itemizes it.
pub fn change_lines(
    old: &[PricedItem],
    new: &[PricedItem],
    period: Period,
    at: Timestamp,
) -> Vec<ProrationLine> {
    let covered = Period {
        start: at.max(period.start).min(period.end),
        end: period.end,
    };
    let unchanged = |item: &PricedItem, others: &[PricedItem]| others.contains(item);
    let credits = old
        .iter()
        .filter(|item| !unchanged(item, new))
        .map(|item| ProrationLine {
            product: item.product.clone(),
            quantity: item.quantity,
            amount: -prorated(item.period_amount, period, at),
            period: covered,
        });
    let charges = new
        .iter()
        .filter(|item| !unchanged(item, old))
        .map(|item| ProrationLine {
            product: item.product.clone(),
            quantity: item.quantity,
            amount: prorated(item.period_amount, period, at),
            period: covered,
        });
    credits
        .chain(charges)
        .filter(|line| line.amount != 0)
        .collect()
}

#[cfg(test)]
mod tests;
