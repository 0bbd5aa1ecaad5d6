//! Card validation for the built-in billing engine. It accepts only Stripe's test
//! cards (<https://docs.stripe.com/testing>) and gives them Stripe's semantics, so an
//! integration tested here behaves the same against Stripe's test mode. The full
//! number and the CVC are never stored: only what [`AcceptedCard`] holds survives.

use std::fmt;

/// What the customer typed into the card form.
pub struct CardInput {
    pub number: String,
    pub exp_month: u32,
    pub exp_year: u32,
    pub cvc: String,
}

// Hand-written so that logging or panicking on an input cannot leak the number or CVC.
impl fmt::Debug for CardInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits: Vec<char> = self.number.chars().filter(char::is_ascii_digit).collect();
        // A short input's "last 4" could be most of what was typed, so show nothing.
        let last4: String = match digits.len() {
            12.. => digits[digits.len() - 4..].iter().collect(),
            _ => "????".into(),
        };
        f.debug_struct("CardInput")
            .field("last4", &last4)
            .field("exp_month", &self.exp_month)
            .field("exp_year", &self.exp_year)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Brand {
    Visa,
    Mastercard,
    Amex,
    Discover,
    Diners,
    Jcb,
    UnionPay,
}

impl Brand {
    const ALL: [Self; 7] = [
        Self::Visa,
        Self::Mastercard,
        Self::Amex,
        Self::Discover,
        Self::Diners,
        Self::Jcb,
        Self::UnionPay,
    ];

    /// Stripe's name for the brand.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visa => "visa",
            Self::Mastercard => "mastercard",
            Self::Amex => "amex",
            Self::Discover => "discover",
            Self::Diners => "diners",
            Self::Jcb => "jcb",
            Self::UnionPay => "unionpay",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.as_str() == s)
    }
}

/// Why a card is refused or a charge fails; Stripe's error codes and decline codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decline {
    Generic,
    InsufficientFunds,
    LostCard,
    StolenCard,
    ExpiredCard,
    IncorrectCvc,
    ProcessingError,
    IncorrectNumber,
    InvalidExpiryMonth,
    InvalidExpiryYear,
    InvalidCvc,
    InvalidNumber,
    NotATestCard,
}

impl Decline {
    const ALL: [Self; 13] = [
        Self::Generic,
        Self::InsufficientFunds,
        Self::LostCard,
        Self::StolenCard,
        Self::ExpiredCard,
        Self::IncorrectCvc,
        Self::ProcessingError,
        Self::IncorrectNumber,
        Self::InvalidExpiryMonth,
        Self::InvalidExpiryYear,
        Self::InvalidCvc,
        Self::InvalidNumber,
        Self::NotATestCard,
    ];

    /// Stripe's error `code`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Generic
            | Self::InsufficientFunds
            | Self::LostCard
            | Self::StolenCard
            | Self::NotATestCard => "card_declined",
            Self::ExpiredCard => "expired_card",
            Self::IncorrectCvc => "incorrect_cvc",
            Self::ProcessingError => "processing_error",
            Self::IncorrectNumber => "incorrect_number",
            Self::InvalidExpiryMonth => "invalid_expiry_month",
            Self::InvalidExpiryYear => "invalid_expiry_year",
            Self::InvalidCvc => "invalid_cvc",
            Self::InvalidNumber => "invalid_number",
        }
    }

    /// Stripe's `decline_code`, present only when `code` is `card_declined`.
    pub fn decline_code(self) -> Option<&'static str> {
        match self {
            Self::Generic => Some("generic_decline"),
            Self::InsufficientFunds => Some("insufficient_funds"),
            Self::LostCard => Some("lost_card"),
            Self::StolenCard => Some("stolen_card"),
            // What Stripe's test mode answers when given a real card.
            Self::NotATestCard => Some("test_mode_live_card"),
            _ => None,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            // Stripe deliberately doesn't tell the customer a card was reported lost or stolen.
            Self::Generic | Self::LostCard | Self::StolenCard => "Your card was declined.",
            Self::InsufficientFunds => "Your card has insufficient funds.",
            Self::ExpiredCard => "Your card has expired.",
            Self::IncorrectCvc => "Your card's security code is incorrect.",
            Self::ProcessingError => {
                "An error occurred while processing your card. Try again in a little bit."
            }
            Self::IncorrectNumber => "Your card number is incorrect.",
            Self::InvalidExpiryMonth => "Your card's expiration month is invalid.",
            Self::InvalidExpiryYear => "Your card's expiration year is invalid.",
            Self::InvalidCvc => "Your card's security code is invalid.",
            Self::InvalidNumber => "Your card number is invalid.",
            Self::NotATestCard => {
                "Your card was declined: the built-in billing engine accepts only Stripe test \
                 card numbers (e.g. 4242 4242 4242 4242)."
            }
        }
    }

    /// A stable name for storage; unlike `code`, it tells every variant apart.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Generic => "generic_decline",
            Self::InsufficientFunds => "insufficient_funds",
            Self::LostCard => "lost_card",
            Self::StolenCard => "stolen_card",
            Self::ExpiredCard => "expired_card",
            Self::IncorrectCvc => "incorrect_cvc",
            Self::ProcessingError => "processing_error",
            Self::IncorrectNumber => "incorrect_number",
            Self::InvalidExpiryMonth => "invalid_expiry_month",
            Self::InvalidExpiryYear => "invalid_expiry_year",
            Self::InvalidCvc => "invalid_cvc",
            Self::InvalidNumber => "invalid_number",
            Self::NotATestCard => "not_a_test_card",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// A card that was accepted: what may be stored. `charge_decline` is the decline every
/// later charge gets (Stripe's 4000000000000341 attaches fine but its charges fail),
/// `None` if charges succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedCard {
    pub brand: Brand,
    pub last4: String,
    pub exp_month: u32,
    /// Always four digits, even when the customer typed two.
    pub exp_year: u32,
    /// `"credit"`, `"debit"` or `"prepaid"`.
    pub funding: &'static str,
    pub charge_decline: Option<Decline>,
}

impl AcceptedCard {
    /// A card is good through the last day of its expiry month.
    pub fn expired_at(&self, today: (i32, u32)) -> bool {
        (i64::from(self.exp_year), self.exp_month) < (i64::from(today.0), today.1)
    }
}

enum Outcome {
    Succeeds,
    DeclinedAtAttach(Decline),
    ChargesDecline(Decline),
}

struct TestCard {
    number: &'static str,
    brand: Brand,
    funding: &'static str,
    outcome: Outcome,
}

const fn row(
    number: &'static str,
    brand: Brand,
    funding: &'static str,
    outcome: Outcome,
) -> TestCard {
    TestCard {
        number,
        brand,
        funding,
        outcome,
    }
}

/// Stripe's test cards, numbers as in <https://docs.stripe.com/testing>.
#[rustfmt::skip]
const TEST_CARDS: &[TestCard] = {
    use Brand::*;
    use Decline::*;
    use Outcome::*;
    &[
        row("4242424242424242", Visa,       "credit",  Succeeds),
        row("4000056655665556", Visa,       "debit",   Succeeds),
        row("5555555555554444", Mastercard, "credit",  Succeeds),
        row("2223003122003222", Mastercard, "credit",  Succeeds),
        row("5200828282828210", Mastercard, "debit",   Succeeds),
        row("5105105105105100", Mastercard, "prepaid", Succeeds),
        row("378282246310005",  Amex,       "credit",  Succeeds),
        row("371449635398431",  Amex,       "credit",  Succeeds),
        row("6011111111111117", Discover,   "credit",  Succeeds),
        row("6011000990139424", Discover,   "credit",  Succeeds),
        row("3056930009020004", Diners,     "credit",  Succeeds),
        row("36227206271667",   Diners,     "credit",  Succeeds),
        row("3566002020360505", Jcb,        "credit",  Succeeds),
        row("6200000000000005", UnionPay,   "credit",  Succeeds),
        row("4000000000000002", Visa,       "credit",  DeclinedAtAttach(Generic)),
        row("4000000000009995", Visa,       "credit",  DeclinedAtAttach(InsufficientFunds)),
        row("4000000000009987", Visa,       "credit",  DeclinedAtAttach(LostCard)),
        row("4000000000009979", Visa,       "credit",  DeclinedAtAttach(StolenCard)),
        row("4000000000000069", Visa,       "credit",  DeclinedAtAttach(ExpiredCard)),
        row("4000000000000127", Visa,       "credit",  DeclinedAtAttach(IncorrectCvc)),
        row("4000000000000119", Visa,       "credit",  DeclinedAtAttach(ProcessingError)),
        row("4000000000000341", Visa,       "credit",  ChargesDecline(Generic)),
    ]
};

fn luhn_ok(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .map(|b| u32::from(b - b'0'))
        .enumerate()
        .map(|(i, d)| match i % 2 {
            0 => d,
            _ if d * 2 > 9 => d * 2 - 9,
            _ => d * 2,
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Validates a card at attach time, as Stripe does when a card is attached/set up.
/// `today` is (year, month) of "now" from the caller's clock, to judge expiry.
pub fn accept(input: &CardInput, today: (i32, u32)) -> Result<AcceptedCard, Decline> {
    let digits: String = input
        .number
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !(12..=19).contains(&digits.len()) {
        return Err(Decline::InvalidNumber);
    }
    if !luhn_ok(&digits) {
        return Err(Decline::IncorrectNumber);
    }

    if !(1..=12).contains(&input.exp_month) {
        return Err(Decline::InvalidExpiryMonth);
    }
    let exp_year = match input.exp_year {
        y @ 0..100 => y + 2000,
        y => y,
    };
    let (year, this_year) = (i64::from(exp_year), i64::from(today.0));
    if year < this_year || year > this_year + 50 {
        return Err(Decline::InvalidExpiryYear);
    }
    if year == this_year && input.exp_month < today.1 {
        return Err(Decline::InvalidExpiryMonth);
    }

    // Judged by prefix, not the table, so a non-test number still gets Stripe's order of errors.
    let amex = digits.starts_with("34") || digits.starts_with("37");
    if input.cvc.len() != if amex { 4 } else { 3 } || !input.cvc.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Decline::InvalidCvc);
    }

    let card = TEST_CARDS
        .iter()
        .find(|c| c.number == digits)
        .ok_or(Decline::NotATestCard)?;
    let charge_decline = match card.outcome {
        Outcome::Succeeds => None,
        Outcome::DeclinedAtAttach(d) => return Err(d),
        Outcome::ChargesDecline(d) => Some(d),
    };
    Ok(AcceptedCard {
        brand: card.brand,
        last4: digits[digits.len() - 4..].to_string(),
        exp_month: input.exp_month,
        exp_year,
        funding: card.funding,
        charge_decline,
    })
}

/// Whether a charge on a stored card succeeds at (year, month) `today`.
pub fn charge(card: &AcceptedCard, today: (i32, u32)) -> Result<(), Decline> {
    if card.expired_at(today) {
        return Err(Decline::ExpiredCard);
    }
    card.charge_decline.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests;
