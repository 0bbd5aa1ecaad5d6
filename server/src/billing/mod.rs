//! The billing engine's pure core: given the catalog, a command and `now`, decide
//! what changes. No IO here: the store applies what the core decides, so a preview
//! and the real action can never disagree.

mod cancel;
pub mod cards;
mod change;
mod invoicing;
#[cfg(test)]
mod oracle;
mod period;
#[cfg(test)]
mod properties;
pub mod proration;
mod renewal;
mod signup;
pub mod state;
pub mod wallet;

pub use cancel::{CancelCommand, CancelError, cancel, resume};
pub use change::{ChangeCommand, ChangeError, Proration, change};
pub use invoicing::year_month;
pub use period::{anchored_end, period_end};
pub use renewal::{next_due, pay_now, run_due, upcoming};
pub use signup::{TermsError, plan_signup, plan_terms};

/// Subscription statuses, as Stripe names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Trialing,
    Active,
    PastDue,
    Canceled,
    Incomplete,
    /// An incomplete subscription whose first invoice went unpaid for 23 hours.
    IncompleteExpired,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trialing => "trialing",
            Self::Active => "active",
            Self::PastDue => "past_due",
            Self::Canceled => "canceled",
            Self::Incomplete => "incomplete",
            Self::IncompleteExpired => "incomplete_expired",
        }
    }

    /// Whether the subscription is over: nothing more happens to it.
    pub fn has_ended(self) -> bool {
        matches!(self, Self::Canceled | Self::IncompleteExpired)
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::Trialing,
            Self::Active,
            Self::PastDue,
            Self::Canceled,
            Self::Incomplete,
            Self::IncompleteExpired,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}
