//! Billing periods: calendar arithmetic in UTC, like Stripe (a month after Jan 31 is
//! the last day of February).

use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use portico_wire::embed::Interval;

/// The end of a period of `count` × `interval` that starts at `start`.
pub fn period_end(start: Timestamp, interval: Interval, count: u32) -> Timestamp {
    let count = i64::from(count);
    let span = match interval {
        Interval::Day => Span::new().days(count),
        Interval::Week => Span::new().weeks(count),
        Interval::Month => Span::new().months(count),
        Interval::Year => Span::new().years(count),
    };
    start
        .to_zoned(TimeZone::UTC)
        .checked_add(span)
        .expect("catalog bounds interval_count to 36, far inside jiff's range")
        .timestamp()
}

/// The end of the period that starts at `start` for a subscription anchored at
/// `anchor`: the first `anchor + k × interval` after `start`. Counting from the
/// anchor, not chaining ends, keeps Jan 31 → Feb 28 → Mar 31.
pub fn anchored_end(
    anchor: Timestamp,
    start: Timestamp,
    interval: Interval,
    count: u32,
) -> Timestamp {
    // Periods are at least a day long, so a generous first guess of `k` is the
    // number of whole days between the two, divided by the period's length in days.
    let days_per_period: i64 = match interval {
        Interval::Day => 1,
        Interval::Week => 7,
        Interval::Month => 31,
        Interval::Year => 366,
    } * i64::from(count);
    let elapsed_days = (start.as_second() - anchor.as_second()).max(0) / 86_400;
    let mut k = u32::try_from(elapsed_days / days_per_period)
        .unwrap_or(u32::MAX)
        .max(1);
    loop {
        let end = period_end(anchor, interval, count.saturating_mul(k));
        if end > start {
            return end;
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn months_clamp_to_the_end_of_shorter_months() {
        assert_eq!(
            period_end(ts("2026-01-31T10:00:00Z"), Interval::Month, 1),
            ts("2026-02-28T10:00:00Z")
        );
        assert_eq!(
            period_end(ts("2028-01-31T10:00:00Z"), Interval::Month, 1),
            ts("2028-02-29T10:00:00Z")
        );
        assert_eq!(
            period_end(ts("2026-03-15T00:00:00Z"), Interval::Month, 3),
            ts("2026-06-15T00:00:00Z")
        );
    }

    #[test]
    fn anchored_months_return_to_the_anchor_day() {
        let anchor = ts("2026-01-31T10:00:00Z");
        let feb = anchored_end(anchor, anchor, Interval::Month, 1);
        assert_eq!(feb, ts("2026-02-28T10:00:00Z"));
        let mar = anchored_end(anchor, feb, Interval::Month, 1);
        assert_eq!(mar, ts("2026-03-31T10:00:00Z"));
        let apr = anchored_end(anchor, mar, Interval::Month, 1);
        assert_eq!(apr, ts("2026-04-30T10:00:00Z"));
        let later = anchored_end(anchor, ts("2029-07-31T10:00:00Z"), Interval::Month, 1);
        assert_eq!(later, ts("2029-08-31T10:00:00Z"));
    }

    #[test]
    fn years_weeks_and_days() {
        assert_eq!(
            period_end(ts("2028-02-29T00:00:00Z"), Interval::Year, 1),
            ts("2029-02-28T00:00:00Z")
        );
        assert_eq!(
            period_end(ts("2026-11-22T00:00:00Z"), Interval::Week, 2),
            ts("2026-12-06T00:00:00Z")
        );
        assert_eq!(
            period_end(ts("2026-11-22T00:00:00Z"), Interval::Day, 1),
            ts("2026-11-23T00:00:00Z")
        );
    }
}
