//! Usage over a time range, from hourly rollups: the windows the portal shows and
//! how each meter's aggregation turns rollups into a series. Pure.

use crate::billing::state::MeteredItem;
use crate::catalog::Meter;
use crate::store::HourRow;
use portico_wire::Currency;
use portico_wire::usage::{Aggregation, MeterUsage, UsageRange};

/// `[from, to)` for `range` ending with the bucket `now` falls in: hours for a day,
/// UTC days otherwise.
pub fn window(range: UsageRange, now: i64) -> (i64, i64, i64) {
    let (length, bucket) = range.seconds();
    let to = now - now.rem_euclid(bucket) + bucket;
    (to - length, to, bucket)
}

/// Distinct-value counts of a unique-count meter: per bucket index, and in all.
#[derive(Debug, Clone, Default)]
pub struct UniqueCounts {
    pub per_bucket: Vec<(i64, i64)>,
    pub total: i64,
}

/// The meter's usage in `[from, to)` from its hourly rollups.
pub fn summarize(
    meter: &Meter,
    hours: &[HourRow],
    (from, to, bucket): (i64, i64, i64),
    unique: Option<&UniqueCounts>,
) -> MeterUsage {
    let buckets = usize::try_from((to - from) / bucket).unwrap_or(0);
    let mut series = vec![0_i64; buckets];
    let mut events = 0;
    let mut total = 0;
    for row in hours.iter().filter(|r| r.meter == meter.key) {
        let Ok(index) = usize::try_from((row.hour - from) / bucket) else {
            continue;
        };
        if index >= buckets {
            continue;
        }
        events += row.events;
        let value = match meter.aggregation {
            Aggregation::Sum => row.total,
            Aggregation::Count => row.events,
            Aggregation::Max => row.maximum,
            Aggregation::UniqueCount => 0,
        };
        match meter.aggregation {
            Aggregation::Max => {
                series[index] = series[index].max(value);
                total = total.max(value);
            }
            _ => {
                series[index] += value;
                total += value;
            }
        }
    }
    if meter.aggregation == Aggregation::UniqueCount {
        let unique = unique.cloned().unwrap_or_default();
        for (index, count) in unique.per_bucket {
            if let Some(slot) = usize::try_from(index).ok().and_then(|i| series.get_mut(i)) {
                *slot = count;
            }
        }
        total = unique.total;
    }
    MeterUsage {
        key: meter.key.clone(),
        name: meter.name.clone(),
        unit: meter.unit.clone(),
        group: meter.group.clone(),
        aggregation: meter.aggregation,
        total,
        events,
        series,
        cost: None,
        currency: None,
    }
}

/// Prices `usage` at its meter's metered price among `metered`, if there is one.
pub fn price(usage: &mut MeterUsage, metered: &[MeteredItem], currency: &Currency) {
    if let Some(item) = metered.iter().find(|m| m.meter == usage.key) {
        let quantity = u64::try_from(usage.total).unwrap_or(0);
        usage.cost = Some(item.price.amount(quantity));
        usage.currency = Some(currency.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meter(aggregation: Aggregation) -> Meter {
        Meter {
            key: "calls".into(),
            name: "API calls".into(),
            unit: "calls".into(),
            aggregation,
            unique_property: None,
            group: None,
        }
    }

    fn hour(hour: i64, total: i64, events: i64, maximum: i64) -> HourRow {
        HourRow {
            meter: "calls".into(),
            hour,
            total,
            events,
            maximum,
        }
    }

    #[test]
    fn windows_end_with_the_current_bucket() {
        // 2026-11-22T10:30:00Z
        let now = 1_795_343_400;
        let (from, to, bucket) = window(UsageRange::Day, now);
        assert_eq!((to - from, bucket), (86_400, 3_600));
        assert_eq!(to, 1_795_345_200, "the end of the 10:00 hour");
        let (from, to, bucket) = window(UsageRange::Month, now);
        assert_eq!((to - from, bucket), (30 * 86_400, 86_400));
        assert_eq!(to % 86_400, 0, "UTC midnight");
        assert!(from < now && now < to);
    }

    #[test]
    fn each_aggregation_reads_its_rollup_column() {
        let window = (0, 3 * 86_400, 86_400);
        let hours = [
            hour(0, 10, 2, 7),
            hour(3_600, 5, 1, 5),
            hour(2 * 86_400, 4, 4, 2),
            hour(3 * 86_400, 99, 9, 99), // outside the window
        ];
        let sum = summarize(&meter(Aggregation::Sum), &hours, window, None);
        assert_eq!((sum.series, sum.total, sum.events), (vec![15, 0, 4], 19, 7));
        let count = summarize(&meter(Aggregation::Count), &hours, window, None);
        assert_eq!((count.series, count.total), (vec![3, 0, 4], 7));
        let max = summarize(&meter(Aggregation::Max), &hours, window, None);
        assert_eq!((max.series, max.total), (vec![7, 0, 2], 7));
        let unique = UniqueCounts {
            per_bucket: vec![(0, 3), (2, 1)],
            total: 3,
        };
        let distinct = summarize(
            &meter(Aggregation::UniqueCount),
            &hours,
            window,
            Some(&unique),
        );
        assert_eq!(
            (distinct.series, distinct.total, distinct.events),
            (vec![3, 0, 1], 3, 7)
        );
    }
}
