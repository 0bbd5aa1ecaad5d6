//! Payment methods: what the card form sends, and what is kept of a card.

use crate::ids::PaymentMethodId;
use crate::invoice::Invoice;
use serde::{Deserialize, Serialize};
use std::fmt;

/// `POST /v1/embed/payment_methods` with the built-in engine's card form. Only
/// Stripe's test cards are accepted; the number and CVC are never stored or logged.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardRequest {
    pub number: String,
    pub exp_month: u32,
    /// Four digits, or two (`27` is 2027).
    pub exp_year: u32,
    pub cvc: String,
}

impl CardRequest {
    /// The last four digits typed, for logs and idempotency digests.
    pub fn last4(&self) -> String {
        let digits: Vec<char> = self.number.chars().filter(char::is_ascii_digit).collect();
        digits[digits.len().saturating_sub(4)..].iter().collect()
    }
}

impl fmt::Debug for CardRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardRequest")
            .field("last4", &self.last4())
            .field("exp_month", &self.exp_month)
            .field("exp_year", &self.exp_year)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentMethod {
    pub id: PaymentMethodId,
    /// Always `"payment_method"`.
    pub object: String,
    /// Always `"card"`.
    #[serde(rename = "type")]
    pub kind: String,
    pub card: Card,
    pub created: i64,
    pub livemode: bool,
}

/// What `POST /v1/embed/payment_methods` answers: the new default card and the
/// open invoices it was tried on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CardAttached {
    pub payment_method: PaymentMethod,
    pub invoices: Vec<Invoice>,
}

/// `POST /v1/embed/setup_intents` (Stripe provider): the SetupIntent Stripe.js
/// confirms with the card the customer typed into the card Element.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetupIntent {
    /// `seti_…`
    pub id: String,
    /// For `stripe.confirmCardSetup` only; never logged.
    pub client_secret: String,
}

impl fmt::Debug for SetupIntent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetupIntent")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Card {
    /// Stripe's brand names: `visa`, `mastercard`, `amex`, …
    pub brand: String,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: u32,
    /// `credit`, `debit` or `prepaid`.
    pub funding: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_neither_number_nor_cvc() {
        let card = CardRequest {
            number: "4242 4242 4242 4242".into(),
            exp_month: 12,
            exp_year: 2030,
            cvc: "987".into(),
        };
        let shown = format!("{card:?}");
        assert!(!shown.contains("4242 4242"), "{shown}");
        assert!(!shown.contains("424242"), "{shown}");
        assert!(!shown.contains("987"), "{shown}");
        assert!(shown.contains("\"4242\""), "{shown}");
    }
}
