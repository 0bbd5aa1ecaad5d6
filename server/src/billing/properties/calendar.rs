//! Period ends against the oracle's calendar walk, to the second, for every interval
//! the catalog allows and any start, month ends and leap days included.

use super::*;
use crate::billing::{anchored_end, period_end};

/// How far after the anchor a period starts.
#[derive(Debug, Clone, Copy)]
enum Later {
    Periods(i64),
    Seconds(i64),
}

fn any_cycle() -> impl Strategy<Value = (Interval, u32)> {
    let interval = prop_oneof![
        Just(Interval::Day),
        Just(Interval::Week),
        Just(Interval::Month),
        Just(Interval::Year),
    ];
    // The catalog allows 1 to 36; short counts are the common case.
    (interval, prop_oneof![3 => 1u32..=3, 1 => 1u32..=36])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn a_period_ends_where_the_calendar_walk_does(
        start in instant(),
        (interval, count) in any_cycle(),
    ) {
        prop_assert_eq!(
            period_end(start, interval, count),
            oracle::step(start, interval, i64::from(count))
        );
    }

    /// Counted from the anchor, not chained from the last end: a month after Jan 31
    /// is Feb 28, and the one after that Mar 31. Renewals ask from exactly the last
    /// end, so starts on a boundary are drawn as often as starts anywhere.
    #[test]
    fn an_anchored_period_ends_where_the_calendar_walk_does(
        anchor in instant(),
        (interval, count) in any_cycle(),
        later in prop_oneof![
            (0i64..40).prop_map(Later::Periods),
            (0i64..(4 * 366 * 86_400)).prop_map(Later::Seconds),
        ],
    ) {
        let start = match later {
            Later::Periods(k) => oracle::step(anchor, interval, k * i64::from(count)),
            Later::Seconds(s) => Timestamp::from_second(anchor.as_second() + s).unwrap(),
        };
        prop_assert_eq!(
            anchored_end(anchor, start, interval, count),
            oracle::period_end_after(anchor, start, interval, count)
        );
    }
}
