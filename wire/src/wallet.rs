//! Prepaid wallets: a customer's credits in one currency, the grants that fill them
//! and the invoice payments that draw them down, every movement a transaction.

use crate::Currency;
use crate::ids::{CustomerId, InvoiceId, WalletId, WalletTransactionId};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An amount of credits in hundredths: `Credits::parse("12.5")` is 1,250. On the wire
/// a decimal string (`"12.50"`), so no float ever holds credits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Credits(i64);

impl Credits {
    pub const ZERO: Self = Self(0);

    pub fn from_hundredths(hundredths: i64) -> Self {
        Self(hundredths)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    /// A decimal with at most two fraction digits: `12`, `12.5`, `12.50`; or, from a
    /// JSON number, a whole number of credits.
    pub fn parse(text: &str) -> Result<Self, String> {
        let invalid = || format!("`{text}` is not an amount of credits such as `12.50`");
        let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
        let (negative, digits) = match whole.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, whole),
        };
        if digits.is_empty()
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || fraction.len() > 2
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || (text.contains('.') && fraction.is_empty())
        {
            return Err(invalid());
        }
        let whole: i64 = digits.parse().map_err(|_| invalid())?;
        let fraction: i64 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
        let hundredths = whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(fraction))
            .ok_or_else(invalid)?;
        Ok(Self(if negative { -hundredths } else { hundredths }))
    }

    /// What these credits are worth at `rate` minor units per credit, rounded down so
    /// a wallet never shows more than it can pay.
    pub fn value(self, rate: i64) -> i64 {
        let exact = i128::from(self.0) * i128::from(rate);
        i64::try_from(exact.div_euclid(100)).unwrap_or(i64::MAX)
    }

    /// The credits that pay `amount` minor units at `rate`, rounded up so the amount
    /// is always covered in full.
    pub fn to_pay(amount: i64, rate: i64) -> Self {
        let exact = i128::from(amount) * 100;
        let rate = i128::from(rate.max(1));
        let hundredths = (exact + rate - 1).div_euclid(rate);
        Self(i64::try_from(hundredths).unwrap_or(i64::MAX))
    }
}

impl fmt::Display for Credits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Credits {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Credits {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A visitor rather than `serde_json::Value`, so the widget's wasm carries no
        // JSON value code for it.
        struct Amount;

        impl serde::de::Visitor<'_> for Amount {
            type Value = Credits;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount of credits as a string such as \"12.50\"")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Credits, E> {
                Credits::parse(text).map_err(E::custom)
            }

            fn visit_i64<E: serde::de::Error>(self, whole: i64) -> Result<Credits, E> {
                whole
                    .checked_mul(100)
                    .map(Credits)
                    .ok_or_else(|| E::custom(format!("`{whole}` credits is out of range")))
            }

            fn visit_u64<E: serde::de::Error>(self, whole: u64) -> Result<Credits, E> {
                i64::try_from(whole)
                    .map_err(|_| E::custom(format!("`{whole}` credits is out of range")))
                    .and_then(|w| self.visit_i64(w))
            }
        }

        deserializer.deserialize_any(Amount)
    }
}

/// A wallet: one per customer and currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Wallet {
    pub id: WalletId,
    /// Always `wallet`.
    pub object: String,
    pub customer: CustomerId,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "usd"))]
    pub currency: Currency,
    /// Minor units one credit is worth: `100` makes a credit worth 1.00.
    pub conversion_rate: i64,
    /// Spendable credits now: expired grants no longer count.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "120.50"))]
    pub balance: Credits,
    /// What the balance is worth, in minor units of `currency`.
    pub balance_value: i64,
    /// `active`.
    pub status: String,
    pub livemode: bool,
    pub created: i64,
}

/// A credit (a grant) or a debit (an invoice payment, an expiry) of a wallet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WalletTransaction {
    pub id: WalletTransactionId,
    /// Always `wallet_transaction`.
    pub object: String,
    pub wallet: WalletId,
    /// `credit` or `debit`.
    #[serde(rename = "type")]
    pub kind: TransactionType,
    pub reason: TransactionReason,
    /// Always positive; `type` says which way they moved.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "25.00"))]
    pub credits: Credits,
    /// What the credits were worth when they moved, in minor units.
    pub amount: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "usd"))]
    pub currency: Currency,
    /// A grant's credits not yet spent or expired; `null` for debits.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub credits_remaining: Option<Credits>,
    /// A grant's priority: lower numbers are spent first.
    pub priority: Option<u32>,
    /// When a grant's unspent credits expire (unix seconds).
    pub expires_at: Option<i64>,
    /// The invoice a debit paid.
    pub invoice: Option<InvoiceId>,
    pub description: Option<String>,
    pub created: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransactionType {
    Credit,
    Debit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransactionReason {
    /// Credits the customer paid for.
    Purchased,
    /// Free credits: a promotion, a goodwill gesture.
    Promotional,
    /// Credits spent on an invoice.
    InvoicePayment,
    /// A grant's unspent credits past its expiry.
    Expired,
}

impl TransactionReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Purchased => "purchased",
            Self::Promotional => "promotional",
            Self::InvoicePayment => "invoice_payment",
            Self::Expired => "expired",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::Purchased,
            Self::Promotional,
            Self::InvoicePayment,
            Self::Expired,
        ]
        .into_iter()
        .find(|r| r.as_str() == value)
    }
}

/// `GET /v1/wallets?customer=…`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WalletListParams {
    /// Your id for the customer, their `cus_…`, or their email.
    pub customer: String,
}

/// `POST /v1/wallets`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWallet {
    /// Your id for the customer, their `cus_…`, or their email.
    pub customer: String,
    pub currency: String,
    /// Minor units one credit is worth; default `100` (a credit is worth 1.00).
    #[serde(
        default,
        deserialize_with = "crate::billing_portal::params::lenient_u32"
    )]
    pub conversion_rate: Option<u32>,
}

/// `POST /v1/wallets/{id}/credits`: a grant.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GrantCredits {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "50.00"))]
    pub credits: Credits,
    /// `purchased` or `promotional`.
    pub reason: String,
    /// Lower numbers are spent first; default 0.
    #[serde(
        default,
        deserialize_with = "crate::billing_portal::params::lenient_u32"
    )]
    pub priority: Option<u32>,
    /// Unix seconds; unspent credits expire then. Default: never.
    #[serde(
        default,
        deserialize_with = "crate::billing_portal::params::lenient_i64"
    )]
    pub expires_at: Option<i64>,
    #[serde(default)]
    pub description: Option<String>,
}

/// The portal's view of one wallet: `GET /v1/embed/wallets`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalWallet {
    pub wallet: Wallet,
    /// Newest first.
    pub transactions: Vec<WalletTransaction>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_parse_two_decimals_at_most() {
        assert_eq!(Credits::parse("12.5").unwrap().hundredths(), 1250);
        assert_eq!(Credits::parse("12").unwrap().hundredths(), 1200);
        assert_eq!(Credits::parse("0.07").unwrap().hundredths(), 7);
        assert_eq!(Credits::parse("-3.10").unwrap().hundredths(), -310);
        for bad in ["", "1.234", "1.", ".5", "1e3", "abc", "1,5", "--1"] {
            assert!(Credits::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Credits::from_hundredths(1205).to_string(), "12.05");
        assert_eq!(Credits::from_hundredths(-5).to_string(), "-0.05");
    }

    #[test]
    fn value_rounds_down_and_credits_to_pay_round_up() {
        // A credit worth 2.50: 8.60 credits pay 21.50 exactly; 21.51 needs 8.61.
        assert_eq!(Credits::to_pay(2150, 250).hundredths(), 860);
        assert_eq!(Credits::to_pay(2151, 250).hundredths(), 861);
        assert_eq!(Credits::from_hundredths(861).value(250), 2152);
        assert_eq!(Credits::from_hundredths(1).value(100), 1);
        assert_eq!(Credits::from_hundredths(1).value(30), 0);
    }

    #[test]
    fn credits_travel_as_strings_and_accept_whole_numbers() {
        let json = serde_json::to_string(&Credits::from_hundredths(5000)).unwrap();
        assert_eq!(json, "\"50.00\"");
        let parsed: Credits = serde_json::from_str("25").unwrap();
        assert_eq!(parsed.hundredths(), 2500);
        assert!(serde_json::from_str::<Credits>("2.5").is_err());
    }
}
