//! The JSON the store keeps in text columns, in types the store owns.
//!
//! A few columns hold a JSON document: a subscription item's or meter's price, a
//! subscription's pending update, a portal configuration's body, a customer's
//! address and tax id. That JSON is the store's format, not the API's, so it is
//! pinned here rather than derived from `portico_wire`: renaming a field of the
//! public API changes what the API says, never how existing rows read. The names
//! below are those the database already holds (they were the API's when these
//! columns were first written); renaming one here is a data migration, and needs
//! one. Each type converts to and from the wire or engine type it stands for, and
//! its tests pin its JSON with literals.

/// `From` both ways between a wire enum and the stored enum of the same variants.
/// Both matches are exhaustive, so a variant added on either side does not compile
/// until it is given its stored name.
macro_rules! same_variants {
    ($wire:ident, $stored:ident, [$($variant:ident),+ $(,)?]) => {
        impl From<$wire> for $stored {
            fn from(value: $wire) -> Self {
                match value {
                    $($wire::$variant => Self::$variant,)+
                }
            }
        }

        impl From<$stored> for $wire {
            fn from(value: $stored) -> Self {
                match value {
                    $($stored::$variant => Self::$variant,)+
                }
            }
        }
    };
}

mod configuration;
mod customer;
mod features;
mod pending;
mod price;

pub(super) use configuration::StoredConfiguration;
pub(super) use customer::{StoredAddress, StoredTaxId};
pub(super) use pending::StoredPendingUpdate;
pub(super) use price::StoredPrice;
