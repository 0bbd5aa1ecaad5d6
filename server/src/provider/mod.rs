//! Who holds the billing: Portico's own engine (the store's transactions over the
//! pure core in `billing/`) or Stripe. Chosen once at start; the widget and the
//! HTTP API are the same with either. Each action handler checks the session and
//! the portal configuration, then asks `ctx.provider` which path runs it.

mod error;
pub mod stripe;

pub use error::{ProviderError, Refusal};

use std::sync::Arc;

/// The provider the server runs with.
#[derive(Debug, Clone, Default)]
pub enum Provider {
    /// The built-in engine on SQLite.
    #[default]
    Local,
    Stripe(Arc<stripe::Stripe>),
}

impl Provider {
    pub fn stripe(&self) -> Option<&stripe::Stripe> {
        match self {
            Self::Local => None,
            Self::Stripe(stripe) => Some(stripe),
        }
    }
}

/// What the portal shows of the customer's billing, from either provider.
#[derive(Debug, Default)]
pub struct PortalState {
    pub customer: Option<portico_wire::embed::Customer>,
    pub subscriptions: Vec<portico_wire::embed::Subscription>,
    pub payment_method: Option<portico_wire::payment::PaymentMethod>,
}

/// What `Config` says about the provider.
#[derive(Debug, Clone, Default)]
pub enum ProviderConfig {
    #[default]
    Local,
    Stripe(stripe::StripeConfig),
}
