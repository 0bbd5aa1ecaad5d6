//! The embeddable Portico customer portal.
//!
//! `portico.js` (see `loader/`) loads this crate's wasm and calls
//! [`customer_portal`]; everything after that happens here. Logic lives in plain
//! modules (`format`, `view_model`, `api`, `events`); components stay thin.
//! The widget holds no secret: it knows only what the host page passed and the
//! short-lived session token the backend issued for it.

#[macro_use]
mod on_demand;

pub mod api;
pub mod billing_view;
pub mod chart;
mod components;
pub mod credits_view;
mod download;
mod embed;
pub mod events;
pub mod format;
pub mod i18n;
pub mod intl;
pub mod invoice_filter;
mod mounts;
pub mod stripe_js;
pub mod usage_view;
pub mod view_model;

pub use embed::{PortalHandle, customer_portal};
