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
