use super::*;
use crate::billing::period_end;
use portico_wire::embed::Interval;
use proptest::prelude::*;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn month_from(start: &str) -> Period {
    let start = ts(start);
    Period {
        start,
        end: period_end(start, Interval::Month, 1),
    }
}

fn item(product: &str, quantity: u32, unit_amount: i64) -> PricedItem {
    PricedItem {
        product: product.into(),
        quantity,
        period_amount: unit_amount * i64::from(quantity),
    }
}

/// One row of the golden table. Each amount was worked out by hand:
/// amount × seconds left / seconds in the period, rounded half away from zero.
struct Golden {
    name: &'static str,
    period_start: &'static str,
    at: &'static str,
    old: PricedItem,
    new: PricedItem,
    expected: [i64; 2],
}

#[test]
fn golden_mid_cycle_changes() {
    let cases = [
        Golden {
            name: "31-day January, upgrade $9 -> $29 with 16 of 31 days left",
            period_start: "2026-01-01T00:00:00Z",
            at: "2026-01-16T00:00:00Z",
            old: item("starter", 1, 900),
            new: item("team", 1, 2900),
            expected: [-465, 1497],
        },
        Golden {
            name: "28-day February, the same change with 14 of 28 days left: exactly half",
            period_start: "2026-02-01T00:00:00Z",
            at: "2026-02-15T00:00:00Z",
            old: item("starter", 1, 900),
            new: item("team", 1, 2900),
            expected: [-450, 1450],
        },
        Golden {
            name: "29-day February of a leap year, 14 of 29 days left",
            period_start: "2028-02-01T00:00:00Z",
            at: "2028-02-16T00:00:00Z",
            old: item("starter", 1, 900),
            new: item("team", 1, 2900),
            expected: [-434, 1400],
        },
        Golden {
            name: "30-day April, downgrade $29 -> $9 with 10 of 30 days left",
            period_start: "2026-04-01T00:00:00Z",
            at: "2026-04-21T00:00:00Z",
            old: item("team", 1, 2900),
            new: item("starter", 1, 900),
            expected: [-967, 300],
        },
        Golden {
            name: "seats 3 -> 5 at $8 with 20 of 30 days left",
            period_start: "2026-09-01T00:00:00Z",
            at: "2026-09-11T00:00:00Z",
            old: item("seats", 3, 800),
            new: item("seats", 5, 800),
            expected: [-1600, 2667],
        },
        Golden {
            name: "seats 5 -> 2 at $8 one hour into a 31-day month",
            period_start: "2026-10-01T00:00:00Z",
            at: "2026-10-01T01:00:00Z",
            old: item("seats", 5, 800),
            new: item("seats", 2, 800),
            expected: [-3995, 1598],
        },
    ];
    for case in cases {
        let lines = change_lines(
            &[case.old],
            &[case.new],
            month_from(case.period_start),
            ts(case.at),
        );
        let amounts: Vec<i64> = lines.iter().map(|l| l.amount).collect();
        assert_eq!(amounts, case.expected, "{}", case.name);
        assert!(
            lines.iter().all(|l| l.period.start == ts(case.at)),
            "{}: lines cover from the change",
            case.name
        );
    }
}

#[test]
fn unchanged_items_produce_no_lines() {
    let base = item("base", 1, 2000);
    let lines = change_lines(
        &[base.clone(), item("seats", 3, 500)],
        &[base, item("seats", 4, 500)],
        month_from("2026-11-01T00:00:00Z"),
        ts("2026-11-16T00:00:00Z"),
    );
    assert_eq!(
        lines.iter().map(|l| l.product.as_str()).collect::<Vec<_>>(),
        ["seats", "seats"]
    );
}

#[test]
fn changes_at_the_edges_of_the_period() {
    let period = month_from("2026-11-01T00:00:00Z");
    assert_eq!(
        prorated(3000, period, period.start),
        3000,
        "at the start the whole period is left"
    );
    assert_eq!(
        prorated(3000, period, period.end),
        0,
        "at the end nothing is left"
    );
    assert_eq!(
        prorated(3000, period, ts("2026-10-01T00:00:00Z")),
        3000,
        "before the period: clamped"
    );
    assert!(
        change_lines(
            &[item("a", 1, 900)],
            &[item("b", 1, 900)],
            period,
            period.end
        )
        .is_empty()
    );
}

#[test]
fn rounding_is_half_away_from_zero() {
    // 1 cent over a two-second period, one second left: exactly half a cent.
    let period = Period {
        start: ts("2026-01-01T00:00:00Z"),
        end: ts("2026-01-01T00:00:02Z"),
    };
    let at = ts("2026-01-01T00:00:01Z");
    assert_eq!(prorated(1, period, at), 1);
    assert_eq!(prorated(-1, period, at), -1);
    assert_eq!(prorated(3, period, at), 2);
}

proptest! {
    /// The credit for unused time never exceeds what was paid for the period, and a
    /// change followed by its reversal nets to zero.
    #[test]
    fn credits_are_bounded_and_reversible(
        amount in 0i64..10_000_000,
        quantity in 1u32..1_000,
        other_amount in 0i64..10_000_000,
        offset in 0i64..(31 * 86_400),
    ) {
        let period = month_from("2026-01-01T00:00:00Z");
        let at = Timestamp::from_second(period.start.as_second() + offset).unwrap();
        let old = PricedItem { product: "p".into(), quantity, period_amount: amount };
        let new = PricedItem { product: "q".into(), quantity, period_amount: other_amount };
        let forward = change_lines(std::slice::from_ref(&old), std::slice::from_ref(&new), period, at);
        let back = change_lines(std::slice::from_ref(&new), std::slice::from_ref(&old), period, at);
        for line in &forward {
            prop_assert!(line.amount.abs() <= amount.max(other_amount));
        }
        let credit: i64 = forward.iter().filter(|l| l.amount < 0).map(|l| -l.amount).sum();
        prop_assert!(credit <= amount);
        let net: i64 = forward.iter().chain(&back).map(|l| l.amount).sum();
        prop_assert_eq!(net, 0);
    }
}
