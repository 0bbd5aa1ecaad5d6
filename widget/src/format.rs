//! Locale-free formatting of money, intervals and dates. Plain Rust, tested natively.
// Locale-aware formatting through the browser's Intl replaces this when the widget
// learns locales; until then one deterministic English rendering.

use portico_wire::Money;
use portico_wire::embed::Interval;

/// `$12.50`, `€9.00`, `¥1200`, or `CHF 12.50` for currencies without a symbol here.
pub fn money(value: &Money) -> String {
    let symbol = match value.currency.as_str() {
        "usd" => Some("$"),
        "eur" => Some("€"),
        "gbp" => Some("£"),
        "jpy" => Some("¥"),
        _ => None,
    };
    let plain = value.to_plain_string();
    let number = plain.split_once(' ').map_or(plain.as_str(), |(_, n)| n);
    match symbol {
        Some(symbol) => match number.strip_prefix('-') {
            Some(abs) => format!("-{symbol}{abs}"),
            None => format!("{symbol}{number}"),
        },
        None => plain,
    }
}

/// `month`, `3 months`, `year`.
pub fn interval(interval: Interval, count: u32) -> String {
    let unit = match interval {
        Interval::Day => "day",
        Interval::Week => "week",
        Interval::Month => "month",
        Interval::Year => "year",
    };
    if count == 1 {
        unit.to_owned()
    } else {
        format!("{count} {unit}s")
    }
}

/// A unix timestamp as `Dec 22, 2026` (UTC).
pub fn date(unix_seconds: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (year, month, day) = civil_from_days(unix_seconds.div_euclid(86_400));
    format!("{} {day}, {year}", MONTHS[(month - 1) as usize])
}

/// A unix timestamp as `Dec 22, 2026 14:00` (UTC), for hourly buckets.
pub fn date_hour(unix_seconds: i64) -> String {
    let hour = unix_seconds.rem_euclid(86_400) / 3_600;
    format!("{} {hour:02}:00", date(unix_seconds))
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
/// Howard Hinnant's `civil_from_days`; pulling a date crate into the wasm for this
/// one conversion would cost more than these lines.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_wire::Currency;

    fn m(amount: i64, currency: &str) -> Money {
        Money::new(amount, Currency::parse(currency).unwrap())
    }

    #[test]
    fn money_with_symbols_and_codes() {
        assert_eq!(money(&m(1250, "usd")), "$12.50");
        assert_eq!(money(&m(-900, "eur")), "-€9.00");
        assert_eq!(money(&m(1200, "jpy")), "¥1200");
        assert_eq!(money(&m(1250, "chf")), "CHF 12.50");
    }

    #[test]
    fn intervals() {
        assert_eq!(interval(Interval::Month, 1), "month");
        assert_eq!(interval(Interval::Month, 3), "3 months");
        assert_eq!(interval(Interval::Year, 1), "year");
    }

    #[test]
    fn dates_in_utc() {
        assert_eq!(date(0), "Jan 1, 1970");
        assert_eq!(date(1_795_305_600), "Nov 22, 2026");
        assert_eq!(date(951_782_400), "Feb 29, 2000");
        assert_eq!(date(-86_400), "Dec 31, 1969");
    }
}
