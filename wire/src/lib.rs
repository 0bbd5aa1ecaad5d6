//! Portico's wire types: the only serde boundary of the project.
//!
//! Everything that crosses HTTP or reaches JavaScript is defined here, once, and
//! shared by the server and the wasm widget. Engine types never derive `Serialize`;
//! they convert to and from these types at the edge. The JSON the database keeps
//! has its own types in the store (`server/src/store/stored/`): a rename here
//! changes the API, not how stored rows read. This crate does
//! no IO and builds for `wasm32-unknown-unknown` and native alike.

pub mod actions;
pub mod billing_portal;
pub mod catalog;
pub mod config;
pub mod customer;
pub mod embed;
pub mod error;
pub mod event;
pub mod ids;
pub mod invoice;
pub mod money;
mod open_enum;
#[cfg(feature = "openapi")]
mod openapi;
pub mod payment;
pub mod price;
pub mod quantity;
pub mod test_clock;
pub mod usage;
pub mod wallet;

pub use config::{ConfigError, CustomerRef, Email, EmbedConfig, Identity, ServiceName};
pub use error::{ApiError, ErrorBody, ErrorCode, ErrorType};
pub use money::{Currency, Money};
pub use quantity::{Quantity, QuantityOption};
