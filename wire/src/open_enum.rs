//! Open enums: the values this version knows, and `Unknown(String)` for one that a
//! later Portico (or Stripe) adds, kept as it came. On the wire each is a plain
//! string.
//!
//! Written out by a macro rather than derived: serde's derive needs
//! `#[serde(untagged)]` for the fallback, which buffers every value into its
//! generic `Content` and matches each name twice (as `str` and as bytes). In the
//! widget's wasm that was about 30 KB raw for these seven enums.

/// `open_enum! { pub enum Name { Variant = "wire_name", … } }`: the enum (with
/// `Unknown(String)`), `KNOWN`, `as_str`, `parse`, `Display`, serde through the
/// string, and (with `openapi`) its schema: a string, one of `KNOWN`.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value this version does not know, as it came.
            Unknown(String),
        }

        impl $name {
            /// Every value this version knows.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(value) => value,
                }
            }

            /// The value `wire` names; one this version does not know is `Unknown`.
            pub fn parse(wire: &str) -> Self {
                match wire {
                    $($wire => Self::$variant,)+
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let wire = String::deserialize(deserializer)?;
                Ok(Self::parse(&wire))
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
                crate::openapi::open_enum(Self::KNOWN)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use open_enum;

#[cfg(test)]
mod tests {
    use crate::actions::CancellationFeedback;
    use crate::embed::{CancellationReason, SubscriptionStatus};
    use crate::error::{ErrorCode, ErrorType};
    use crate::invoice::{BillingReason, InvoiceStatus};

    fn round_trips<T>(known: &[T], as_str: fn(&T) -> &str)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        for value in known {
            let json = serde_json::to_string(value).unwrap();
            assert_eq!(json, format!("\"{}\"", as_str(value)));
            assert_eq!(&serde_json::from_str::<T>(&json).unwrap(), value);
        }
    }

    #[test]
    fn every_known_value_crosses_the_wire_as_its_name_and_back() {
        round_trips(ErrorCode::KNOWN, ErrorCode::as_str);
        round_trips(ErrorType::KNOWN, ErrorType::as_str);
        round_trips(SubscriptionStatus::KNOWN, SubscriptionStatus::as_str);
        round_trips(CancellationReason::KNOWN, CancellationReason::as_str);
        round_trips(InvoiceStatus::KNOWN, InvoiceStatus::as_str);
        round_trips(BillingReason::KNOWN, BillingReason::as_str);
        round_trips(CancellationFeedback::KNOWN, CancellationFeedback::as_str);
        assert_eq!(
            serde_json::to_string(&SubscriptionStatus::PastDue).unwrap(),
            "\"past_due\""
        );
    }

    #[test]
    fn an_unknown_value_is_kept_and_sent_back_as_it_came() {
        let status: SubscriptionStatus = serde_json::from_str("\"paused\"").unwrap();
        assert_eq!(status, SubscriptionStatus::Unknown("paused".into()));
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"paused\"");
        assert!(serde_json::from_str::<SubscriptionStatus>("3").is_err());
    }
}
