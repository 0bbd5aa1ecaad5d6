//! The billing engine's pure core: given the catalog, a command and `now`, decide
//! what changes. No IO here: the store applies what the core decides, so a preview
//! and the real action can never disagree.

mod period;
pub mod proration;
mod signup;

pub use period::period_end;
pub use signup::{NewItem, NewSubscription, SignupError, plan_signup};

/// Subscription statuses, as Stripe names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Trialing,
    Active,
    PastDue,
    Canceled,
    Incomplete,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trialing => "trialing",
            Self::Active => "active",
            Self::PastDue => "past_due",
            Self::Canceled => "canceled",
            Self::Incomplete => "incomplete",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::Trialing,
            Self::Active,
            Self::PastDue,
            Self::Canceled,
            Self::Incomplete,
        ]
        .into_iter()
        .find(|s| s.as_str() == value)
    }
}
