//! What the Usage view shows, as plain data: the breakdown table grouped by feature
//! group, each bucket's time label and the readings a tooltip lists. Numbers, money
//! and times go through `intl`; the chart's geometry is `chart.rs`.

use crate::i18n::Locale;
use crate::intl;
use portico_wire::Money;
use portico_wire::usage::{MeterUsage, Usage, UsageRange};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakdownRow {
    pub key: String,
    pub name: String,
    /// `2,500 calls`.
    pub total: String,
    pub events: String,
    /// What the range's usage costs at the subscription's metered price, if any.
    pub cost: Option<String>,
}

/// Rows of one feature group; `None` for the meters in no group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakdownGroup {
    pub name: Option<String>,
    pub rows: Vec<BreakdownRow>,
}

/// The meters grouped by their group, groups in the order they first appear and the
/// ungrouped meters last.
pub fn breakdown(usage: &Usage, locale: Locale) -> Vec<BreakdownGroup> {
    let mut groups: Vec<BreakdownGroup> = Vec::new();
    let mut ungrouped = Vec::new();
    for meter in &usage.meters {
        let row = BreakdownRow {
            key: meter.key.clone(),
            name: meter.name.clone(),
            total: quantity(meter, meter.total, locale),
            events: intl::number(locale, meter.events),
            cost: meter
                .cost
                .zip(meter.currency.clone())
                .map(|(amount, currency)| intl::money(locale, &Money::new(amount, currency))),
        };
        match &meter.group {
            Some(name) => match groups.iter_mut().find(|g| g.name.as_ref() == Some(name)) {
                Some(group) => group.rows.push(row),
                None => groups.push(BreakdownGroup {
                    name: Some(name.clone()),
                    rows: vec![row],
                }),
            },
            None => ungrouped.push(row),
        }
    }
    if !ungrouped.is_empty() {
        groups.push(BreakdownGroup {
            name: None,
            rows: ungrouped,
        });
    }
    groups
}

/// `2,500 calls`.
pub fn quantity(meter: &MeterUsage, value: i64, locale: Locale) -> String {
    format!("{} {}", intl::number(locale, value), meter.unit)
}

/// When bucket `index` starts: a date and hour for a day's hourly buckets, a date
/// otherwise.
pub fn bucket_label(usage: &Usage, index: usize, locale: Locale) -> String {
    let start = usage.from + usage.bucket_seconds * i64::try_from(index).unwrap_or(0);
    match usage.range {
        UsageRange::Day => intl::date_hour(locale, start),
        _ => intl::date(locale, start),
    }
}

/// A tooltip's lines for bucket `index`: each meter's name and reading.
pub fn readings(usage: &Usage, index: usize, locale: Locale) -> Vec<(String, String)> {
    usage
        .meters
        .iter()
        .map(|meter| {
            let value = meter.series.get(index).copied().unwrap_or(0);
            (meter.name.clone(), quantity(meter, value, locale))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_wire::Currency;
    use portico_wire::usage::Aggregation;

    fn meter(key: &str, group: Option<&str>, total: i64, cost: Option<i64>) -> MeterUsage {
        MeterUsage {
            key: key.into(),
            name: key.to_uppercase(),
            unit: "calls".into(),
            group: group.map(Into::into),
            aggregation: Aggregation::Sum,
            total,
            events: 3,
            series: vec![1, total - 1],
            cost,
            currency: cost.map(|_| Currency::parse("usd").unwrap()),
        }
    }

    fn usage(range: UsageRange, meters: Vec<MeterUsage>) -> Usage {
        Usage {
            range,
            // 2026-11-22 00:00 UTC.
            from: 1_795_305_600,
            to: 1_795_305_600 + 2 * 86_400,
            bucket_seconds: if range == UsageRange::Day {
                3_600
            } else {
                86_400
            },
            meters,
        }
    }

    #[test]
    fn the_breakdown_groups_meters_and_prices_the_metered_ones() {
        let usage = usage(
            UsageRange::Month,
            vec![
                meter("gpu", Some("GPU usage"), 8, None),
                meter("api", None, 2_500, Some(3_000)),
                meter("gpu_hours", Some("GPU usage"), 40, Some(1_200)),
            ],
        );
        let groups = breakdown(&usage, Locale::En);
        let shape: Vec<(Option<&str>, Vec<&str>)> = groups
            .iter()
            .map(|g| {
                (
                    g.name.as_deref(),
                    g.rows.iter().map(|r| r.key.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            shape,
            [
                (Some("GPU usage"), vec!["gpu", "gpu_hours"]),
                (None, vec!["api"])
            ]
        );
        let api = &groups[1].rows[0];
        assert_eq!(api.total, "2500 calls");
        assert_eq!(api.events, "3");
        assert_eq!(api.cost.as_deref(), Some("$30.00"));
        assert_eq!(groups[0].rows[0].cost, None);
    }

    #[test]
    fn buckets_are_labelled_by_hour_for_a_day_and_by_date_otherwise() {
        let day = usage(UsageRange::Day, vec![meter("api", None, 5, None)]);
        assert_eq!(bucket_label(&day, 14, Locale::En), "Nov 22, 2026 14:00");
        let month = usage(UsageRange::Month, vec![meter("api", None, 5, None)]);
        assert_eq!(bucket_label(&month, 1, Locale::En), "Nov 23, 2026");
        assert_eq!(
            readings(&month, 1, Locale::En),
            [("API".to_owned(), "4 calls".to_owned())]
        );
        assert_eq!(readings(&month, 9, Locale::En)[0].1, "0 calls");
    }
}
