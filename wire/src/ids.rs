//! Prefixed object ids (`cus_…`, `sub_…`), as newtypes so they cannot be mixed up.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "openapi", schema(value_type = String, example = json!(concat!($prefix, "1MqS8a2eZvKYlo2C"))))]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The prefix every id of this kind starts with, underscore included.
            pub const PREFIX: &'static str = $prefix;

            /// Builds an id from its random suffix (the part after the prefix).
            pub fn from_suffix(suffix: &str) -> Self {
                Self(format!("{}{}", Self::PREFIX, suffix))
            }

            /// Accepts a string only if it carries this kind's prefix and a suffix.
            pub fn parse(value: &str) -> Option<Self> {
                let suffix = value.strip_prefix(Self::PREFIX)?;
                let well_formed = !suffix.is_empty()
                    && suffix.bytes().all(|b| b.is_ascii_alphanumeric());
                well_formed.then(|| Self(value.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

prefixed_id!(
    /// A Portico customer (`cus_…`).
    CustomerId,
    "cus_"
);
prefixed_id!(
    /// A subscription (`sub_…`).
    SubscriptionId,
    "sub_"
);
prefixed_id!(
    /// One priced line of a subscription (`si_…`).
    SubscriptionItemId,
    "si_"
);

prefixed_id!(
    /// An invoice (`in_…`); its human-facing number is separate.
    InvoiceId,
    "in_"
);
prefixed_id!(
    /// A card kept for a customer (`pm_…`).
    PaymentMethodId,
    "pm_"
);
prefixed_id!(
    /// A prepaid wallet (`wal_…`).
    WalletId,
    "wal_"
);
prefixed_id!(
    /// One movement of a wallet's credits (`wtx_…`).
    WalletTransactionId,
    "wtx_"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_requires_prefix_and_alphanumeric_suffix() {
        assert!(CustomerId::parse("cus_Ab12").is_some());
        assert!(CustomerId::parse("cus_").is_none());
        assert!(CustomerId::parse("sub_Ab12").is_none());
        assert!(CustomerId::parse("cus_a-b").is_none());
        assert_eq!(SubscriptionId::from_suffix("x1").as_str(), "sub_x1");
    }
}
