use super::*;
use crate::billing::oracle;
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

/// Where in (or around) the period a change happens.
#[derive(Debug, Clone, Copy)]
enum When {
    /// Any second, the period's ends included.
    Anywhere(i64),
    /// At midnight after whole days, where shares of odd amounts often end in a half.
    WholeDays(i64),
    /// Up to a day outside the period: clamped to it.
    Outside(i64),
}

fn when() -> impl Strategy<Value = When> {
    prop_oneof![
        2 => (0i64..=1_000_000).prop_map(When::Anywhere),
        2 => (0i64..=366).prop_map(When::WholeDays),
        1 => (-86_400i64..=86_400).prop_map(When::Outside),
    ]
}

fn cycle() -> impl Strategy<Value = (Interval, i64)> {
    prop_oneof![
        Just((Interval::Week, 1)),
        Just((Interval::Month, 1)),
        Just((Interval::Month, 3)),
        Just((Interval::Year, 1)),
    ]
}

/// (product, quantity, price of a whole period) drawn from a few values, so the two
/// sides of a change often share an item, which must then produce no line.
fn priced_item() -> impl Strategy<Value = (String, u32, i64)> {
    (
        prop_oneof![Just("base"), Just("seats")],
        1u32..4,
        prop_oneof![Just(900), Just(2_901), 0i64..10_000_000],
    )
        .prop_map(|(product, quantity, amount)| (product.to_owned(), quantity, amount))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Every line is, to the cent, the oracle's day-by-day sum of the remaining time's
    /// share of the period's price, rounded once half away from zero: credits
    /// negative, charges positive, lines for unchanged items and zero lines left out.
    #[test]
    fn lines_match_the_day_by_day_oracle(
        start_day in 0i64..3_000,
        (interval, count) in cycle(),
        when in when(),
        old in proptest::collection::vec(priced_item(), 0..3),
        new in proptest::collection::vec(priced_item(), 0..3),
    ) {
        let start = Timestamp::from_second(1_767_225_600 + start_day * 86_400 + 3_600).unwrap();
        let end = oracle::step(start, interval, count);
        let seconds = end.as_second() - start.as_second();
        let at = start.as_second() + match when {
            When::Anywhere(millionths) => seconds * millionths / 1_000_000,
            When::WholeDays(days) => (days * 86_400).min(seconds),
            When::Outside(offset) if offset < 0 => offset,
            When::Outside(offset) => seconds + offset,
        };
        let at = Timestamp::from_second(at).unwrap();
        let as_items = |items: &[(String, u32, i64)]| -> Vec<PricedItem> {
            items
                .iter()
                .map(|(product, quantity, amount)| PricedItem {
                    product: product.clone(),
                    quantity: *quantity,
                    period_amount: *amount,
                })
                .collect()
        };
        let lines = change_lines(&as_items(&old), &as_items(&new), Period { start, end }, at);
        let got: Vec<(String, u64, i64, Timestamp, Timestamp)> = lines
            .into_iter()
            .map(|l| (l.product, u64::from(l.quantity), l.amount, l.period.start, l.period.end))
            .collect();
        let expected: Vec<(String, u64, i64, Timestamp, Timestamp)> =
            oracle::proration_lines_of(&old, &new, start, end, at)
                .into_iter()
                .map(|l| (l.product, l.quantity, l.amount, l.start, l.end))
                .collect();
        prop_assert_eq!(got, expected);
    }
}
