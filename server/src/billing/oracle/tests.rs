//! The oracle itself, checked on dates and amounts worked out by hand (Unix times from
//! GNU `date -u -d … +%s`).

use super::*;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

#[test]
fn the_calendar_walk_lands_on_known_unix_times() {
    let leap_day = Civil::clamped(2028, 2, 29, 3_600);
    assert_eq!(leap_day.to_timestamp().as_second(), 1_835_398_800);
    assert_eq!(Civil::from_timestamp(ts("2028-02-29T01:00:00Z")), leap_day);
    assert_eq!(
        Civil::from_timestamp(ts("2026-12-31T23:59:59Z")),
        Civil::clamped(2026, 12, 31, 86_399)
    );
}

#[test]
fn months_and_years_clamp_to_shorter_months() {
    let jan31 = ts("2026-01-31T10:00:00Z");
    assert_eq!(step(jan31, Interval::Month, 1), ts("2026-02-28T10:00:00Z"));
    assert_eq!(step(jan31, Interval::Month, 2), ts("2026-03-31T10:00:00Z"));
    assert_eq!(step(jan31, Interval::Month, 13), ts("2027-02-28T10:00:00Z"));
    let leap_day = ts("2028-02-29T00:00:00Z");
    assert_eq!(
        step(leap_day, Interval::Year, 1),
        ts("2029-02-28T00:00:00Z")
    );
    assert_eq!(
        step(leap_day, Interval::Year, 4),
        ts("2032-02-29T00:00:00Z")
    );
    assert_eq!(
        period_end_after(jan31, ts("2026-03-31T10:00:00Z"), Interval::Month, 1),
        ts("2026-04-30T10:00:00Z")
    );
}

#[test]
fn prorations_round_halves_away_from_zero() {
    let start = ts("2026-02-01T00:00:00Z");
    let end = ts("2026-03-01T00:00:00Z");
    // 14 of 28 days left of 9.01: 4.505, rounded up.
    assert_eq!(prorate(901, start, end, ts("2026-02-15T00:00:00Z")), 451);
    assert_eq!(prorate(-901, start, end, ts("2026-02-15T00:00:00Z")), -451);
    // One hour of 28 days of 100.00 is 10000/672 = 14.88…
    assert_eq!(prorate(10_000, start, end, ts("2026-02-28T23:00:00Z")), 15);
    assert_eq!(
        prorate(10_000, start, end, ts("2026-01-01T00:00:00Z")),
        10_000
    );
    assert_eq!(prorate(10_000, start, end, end), 0);
}
