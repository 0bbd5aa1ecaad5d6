//! Searching the invoice list: by number, status, date range and amount. Pure; the
//! inputs arrive as the text the customer typed and are read exactly (dates as UTC
//! days, amounts as decimals in the invoice's currency, never through a float).

use portico_wire::invoice::{Invoice, InvoiceStatus};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvoiceFilter {
    /// Part of the number, any case: `2026-11` or `00012`.
    pub number: String,
    /// A status code (`paid`, `open`…), or empty for any.
    pub status: String,
    /// `YYYY-MM-DD`, as a date input gives it; empty for no bound.
    pub from: String,
    pub to: String,
    /// Decimals in the invoice's currency (`12.50`); empty for no bound.
    pub min: String,
    pub max: String,
}

/// What in a filter could not be read, by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterError {
    Min,
    Max,
}

impl InvoiceFilter {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The amount bounds that cannot be read as amounts.
    pub fn errors(&self) -> Vec<FilterError> {
        let bad = |text: &str| !text.trim().is_empty() && parse_amount(text, 2).is_none();
        let mut errors = Vec::new();
        if bad(&self.min) {
            errors.push(FilterError::Min);
        }
        if bad(&self.max) {
            errors.push(FilterError::Max);
        }
        errors
    }

    /// Whether `invoice` passes every bound that is set and readable.
    pub fn matches(&self, invoice: &Invoice) -> bool {
        // Invoice numbers are ASCII (`INV-2026-12-0001`, Stripe's `A1B2C3D4-0001`):
        // ASCII case folding is exact for them, and spares the wasm Unicode's
        // case tables.
        let number = self.number.trim().to_ascii_lowercase();
        if !number.is_empty()
            && !invoice
                .number
                .as_deref()
                .is_some_and(|n| n.to_ascii_lowercase().contains(&number))
        {
            return false;
        }
        if !self.status.is_empty() && status_code(&invoice.status) != self.status {
            return false;
        }
        if let Some(from) = parse_date(&self.from)
            && invoice.created < from
        {
            return false;
        }
        // `to` includes its whole day.
        if let Some(to) = parse_date(&self.to)
            && invoice.created >= to + 86_400
        {
            return false;
        }
        let digits = invoice.currency.minor_digits();
        if let Some(min) = parse_amount(&self.min, digits)
            && invoice.total < min
        {
            return false;
        }
        if let Some(max) = parse_amount(&self.max, digits)
            && invoice.total > max
        {
            return false;
        }
        true
    }
}

pub fn status_code(status: &InvoiceStatus) -> &str {
    match status {
        InvoiceStatus::Draft => "draft",
        InvoiceStatus::Open => "open",
        InvoiceStatus::Paid => "paid",
        InvoiceStatus::Void => "void",
        InvoiceStatus::Uncollectible => "uncollectible",
        InvoiceStatus::Unknown(other) => other,
        _ => "",
    }
}

/// `YYYY-MM-DD` as the Unix time its UTC day starts.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400)
}

/// A decimal amount (`12`, `12.5`, `12.50`; a comma works as the decimal mark) in
/// minor units of a currency with `digits` decimals.
pub fn parse_amount(text: &str, digits: u32) -> Option<i64> {
    let text = text.trim().replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let fraction_len = u32::try_from(fraction.len()).ok()?;
    if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction_len > digits {
        return None;
    }
    let scale = 10_i64.checked_pow(digits)?;
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        fraction.parse::<i64>().ok()? * 10_i64.checked_pow(digits - fraction_len)?
    };
    whole.checked_mul(scale)?.checked_add(fraction)
}

/// Days since 1970-01-01 of a proleptic Gregorian date: the inverse of
/// `format::civil_from_days` (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico_wire::invoice::BillingReason;
    use portico_wire::{Currency, ids::CustomerId};

    fn invoice(number: &str, status: InvoiceStatus, created: i64, total: i64) -> Invoice {
        Invoice {
            id: None,
            object: "invoice".into(),
            number: Some(number.into()),
            customer: CustomerId::from_suffix("c1"),
            subscription: None,
            status,
            billing_reason: BillingReason::SubscriptionCycle,
            currency: Currency::parse("usd").unwrap(),
            lines: Vec::new(),
            subtotal: total,
            total,
            starting_balance: 0,
            ending_balance: 0,
            amount_due: total,
            amount_paid: 0,
            amount_paid_from_wallet: 0,
            amount_remaining: total,
            attempt_count: 0,
            next_payment_attempt: None,
            last_payment_error: None,
            period_start: created,
            period_end: created,
            created,
            paid_at: None,
            livemode: false,
            invoice_pdf: None,
            hosted_invoice_url: None,
        }
    }

    const NOV_22: i64 = 1_795_305_600;

    #[test]
    fn dates_and_amounts_are_read_exactly() {
        assert_eq!(parse_date("2026-11-22"), Some(NOV_22));
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2024-02-29"), Some(1_709_164_800));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date(""), None);
        assert_eq!(parse_amount("12.5", 2), Some(1_250));
        assert_eq!(parse_amount("12,05", 2), Some(1_205));
        assert_eq!(parse_amount(" 191 ", 2), Some(19_100));
        assert_eq!(parse_amount("1200", 0), Some(1_200));
        for bad in ["", "1.234", "-3", "abc", ".5", "1e3"] {
            assert_eq!(parse_amount(bad, 2), None, "{bad}");
        }
        assert_eq!(parse_amount("12.5", 0), None);
    }

    #[test]
    fn every_set_bound_must_hold() {
        let list = [
            invoice("INV-202611-00001", InvoiceStatus::Paid, NOV_22, 19_100),
            invoice(
                "INV-202612-00004",
                InvoiceStatus::Open,
                NOV_22 + 30 * 86_400,
                2_900,
            ),
            invoice(
                "INV-202612-00009",
                InvoiceStatus::Paid,
                NOV_22 + 31 * 86_400,
                900,
            ),
        ];
        let shown = |filter: &InvoiceFilter| -> Vec<usize> {
            (0..list.len())
                .filter(|&i| filter.matches(&list[i]))
                .collect()
        };
        assert_eq!(shown(&InvoiceFilter::default()), [0, 1, 2]);
        let by_number = InvoiceFilter {
            number: "inv-202612".into(),
            ..Default::default()
        };
        assert_eq!(shown(&by_number), [1, 2]);
        let paid = InvoiceFilter {
            status: "paid".into(),
            ..Default::default()
        };
        assert_eq!(shown(&paid), [0, 2]);
        // `to` takes in its whole day; `from` starts at its midnight.
        let december_22 = InvoiceFilter {
            from: "2026-12-22".into(),
            to: "2026-12-22".into(),
            ..Default::default()
        };
        assert_eq!(shown(&december_22), [1]);
        let mid_priced = InvoiceFilter {
            min: "9".into(),
            max: "29.00".into(),
            ..Default::default()
        };
        assert_eq!(shown(&mid_priced), [1, 2]);
        assert!(mid_priced.errors().is_empty());
        let typo = InvoiceFilter {
            min: "ten".into(),
            ..Default::default()
        };
        assert_eq!(typo.errors(), [FilterError::Min]);
        // An unreadable bound filters nothing out; the form says why.
        assert_eq!(shown(&typo), [0, 1, 2]);
    }
}
