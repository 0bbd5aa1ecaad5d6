//! The admin API's portal objects: Stripe-compatible configurations and sessions
//! (`/v1/billing_portal/…`), and Flexprice's portal token.

pub mod configuration;
pub mod params;
pub mod session;

pub use configuration::{BusinessProfile, Configuration, Features};
pub use session::{Flow, List, PortalToken, Session};
