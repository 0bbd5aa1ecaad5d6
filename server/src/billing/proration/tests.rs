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

/// Golden table: (period start, change at, old, new, expected line amounts in cents).
/// Each amount was worked out by hand: amount × seconds left / seconds in period.
#[test]
fn golden_mid_cycle_changes() {
    let cases: [(&str, &str, &str, PricedItem, PricedItem, [i64; 2]); 6] = [
        // 31-day January, upgrade $9 -> $29 with 16 of 31 days left.
        (
            "jan 31d upgrade",
            "2026-01-01T00:00:00Z",
            "2026-01-16T00:00:00Z",
            item("starter", 1, 900),
            item("team", 1, 2900),
            [-465, 1497],
        ),
        // 28-day February, same change with 14 of 28 days left: exactly half.
        (
            "feb 28d upgrade",
            "2026-02-01T00:00:00Z",
            "2026-02-15T00:00:00Z",
            item("starter", 1, 900),
            item("team", 1, 2900),
            [-450, 1450],
        ),
        // 29-day February (leap year), 14 of 29 days left.
        (
            "feb 29d upgrade",
            "2028-02-01T00:00:00Z",
            "2028-02-16T00:00:00Z",
            item("starter", 1, 900),
            item("team", 1, 2900),
            [-434, 1400],
        ),
        // 30-day April, downgrade $29 -> $9 with 10 of 30 days left.
        (
            "apr 30d downgrade",
            "2026-04-01T00:00:00Z",
            "2026-04-21T00:00:00Z",
            item("team", 1, 2900),
            item("starter", 1, 900),
            [-967, 300],
        ),
        // Seats 3 -> 5 at $8, 20 of 30 days left (September).
        (
            "sep seats 3->5",
            "2026-09-01T00:00:00Z",
            "2026-09-11T00:00:00Z",
            item("seats", 3, 800),
            item("seats", 5, 800),
            [-1600, 2667],
        ),
        // Seats 5 -> 2 at $8, one hour into a 31-day month.
        (
            "oct seats 5->2",
            "2026-10-01T00:00:00Z",
            "2026-10-01T01:00:00Z",
            item("seats", 5, 800),
            item("seats", 2, 800),
            [-3995, 1598],
        ),
    ];
    for (name, start, at, old, new, expected) in cases {
        let lines = change_lines(&[old], &[new], month_from(start), ts(at));
        let amounts: Vec<i64> = lines.iter().map(|l| l.amount).collect();
        assert_eq!(amounts, expected, "{name}");
        assert!(
            lines.iter().all(|l| l.period.start == ts(at)),
            "{name}: lines cover from the change"
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
