//! Money: integer minor units plus an ISO 4217 currency. Never floats.
#![warn(clippy::arithmetic_side_effects)]

use serde::{Deserialize, Serialize};
use std::fmt;

/// A lowercase three-letter ISO 4217 code, as Stripe writes it (`usd`, `eur`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

impl Currency {
    /// Accepts three ASCII letters in either case and stores them lowercased.
    pub fn parse(code: &str) -> Result<Self, String> {
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(Self(code.to_ascii_lowercase()))
        } else {
            Err(format!(
                "`{code}` is not a currency: expected a three-letter ISO 4217 code such as `usd`"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Digits after the decimal point in this currency's minor unit.
    pub fn minor_digits(&self) -> u32 {
        // Stripe's zero-decimal currencies; everything else we support has two.
        const ZERO_DECIMAL: [&str; 16] = [
            "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd",
            "vuv", "xaf", "xof", "xpf",
        ];
        if ZERO_DECIMAL.contains(&self.0.as_str()) {
            0
        } else {
            2
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An amount in the currency's minor unit (cents for `usd`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    pub amount: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: i64, currency: Currency) -> Self {
        Self { amount, currency }
    }

    /// Plain, locale-free rendering such as `USD 12.50` or `JPY 1200`.
    #[expect(
        clippy::arithmetic_side_effects,
        reason = "the divisor is 10^digits with digits > 0: never zero"
    )]
    pub fn to_plain_string(&self) -> String {
        let code = self.currency.as_str().to_ascii_uppercase();
        let digits = self.currency.minor_digits();
        if digits == 0 {
            return format!("{code} {}", self.amount);
        }
        let scale = 10_i64.pow(digits);
        let sign = if self.amount < 0 { "-" } else { "" };
        let abs = self.amount.unsigned_abs();
        let scale = scale.unsigned_abs();
        format!(
            "{code} {sign}{}.{:0width$}",
            abs / scale,
            abs % scale,
            width = digits as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(amount: i64) -> Money {
        Money::new(amount, Currency::parse("usd").unwrap())
    }

    #[test]
    fn currency_is_three_letters_lowercased() {
        assert_eq!(Currency::parse("EUR").unwrap().as_str(), "eur");
        assert!(Currency::parse("euro").is_err());
        assert!(Currency::parse("u1d").is_err());
    }

    #[test]
    fn plain_string_keeps_every_minor_unit() {
        assert_eq!(usd(1250).to_plain_string(), "USD 12.50");
        assert_eq!(usd(5).to_plain_string(), "USD 0.05");
        assert_eq!(usd(-1999).to_plain_string(), "USD -19.99");
        let yen = Money::new(1200, Currency::parse("jpy").unwrap());
        assert_eq!(yen.to_plain_string(), "JPY 1200");
    }

    #[test]
    fn money_json_shape() {
        let json = serde_json::to_string(&usd(900)).unwrap();
        assert_eq!(json, r#"{"amount":900,"currency":"usd"}"#);
        assert!(serde_json::from_str::<Money>(r#"{"amount":1,"currency":"dollars"}"#).is_err());
    }
}
