//! Request parameters of `POST /v1/billing_portal/configurations[/{id}]`.
//!
//! The same shapes serve form-encoded bodies (Stripe's bracket notation, where
//! every value is a string) and JSON bodies: booleans and integers accept their
//! string forms, and an empty string clears what it names, as Stripe's API does.

use super::configuration::{AllowedUpdate, CancelMode, CustomerField};
use crate::actions::{CancellationFeedback, ProrationBehavior};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// A parameter that may be left out (keep), emptied with `""` or `null` (clear), or set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Field<T> {
    #[default]
    Absent,
    Clear,
    Set(T),
}

impl<T> Field<T> {
    /// Applies the field to `current`: absent keeps it, clear empties it.
    pub fn apply_to(self, current: &mut T)
    where
        T: Default,
    {
        match self {
            Self::Absent => {}
            Self::Clear => *current = T::default(),
            Self::Set(value) => *current = value,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        match value {
            serde_json::Value::Null => Ok(Self::Clear),
            serde_json::Value::String(s) if s.is_empty() => Ok(Self::Clear),
            other => T::deserialize(other)
                .map(Self::Set)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// Booleans as JSON or as the form strings `true` / `false`.
pub fn lenient_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::Bool(b) => Ok(Some(b)),
        serde_json::Value::String(s) if s == "true" => Ok(Some(true)),
        serde_json::Value::String(s) if s == "false" => Ok(Some(false)),
        other => Err(serde::de::Error::custom(format!(
            "must be a boolean (`true` or `false`), not `{}`",
            plain(&other)
        ))),
    }
}

/// Non-negative integers as JSON numbers or as form strings.
pub fn lenient_u32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    let parsed = match &value {
        serde_json::Value::Null => return Ok(None),
        serde_json::Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    };
    parsed.map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!(
            "must be a non-negative integer, not `{}`",
            plain(&value)
        ))
    })
}

/// Integers (unix seconds, say) as JSON numbers or as form strings.
pub fn lenient_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let value = serde_json::Value::deserialize(deserializer)?;
    let parsed = match &value {
        serde_json::Value::Null => return Ok(None),
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    };
    parsed.map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!("must be an integer, not `{}`", plain(&value)))
    })
}

fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Create (`features` required, `active` not accepted) and update share this shape.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConfigurationParams {
    #[serde(default, deserialize_with = "lenient_bool")]
    pub active: Option<bool>,
    pub business_profile: Option<BusinessProfileParams>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub default_return_url: Field<String>,
    pub features: Option<FeaturesParams>,
    pub login_page: Option<LoginPageParams>,
    /// `""` unsets every key; a key set to `""` (or `null`) is unset.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Field<BTreeMap<String, Option<String>>>,
    /// Accepted for client-library compatibility; nothing here is expandable.
    pub expand: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BusinessProfileParams {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub headline: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub privacy_policy_url: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub terms_of_service_url: Field<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginPageParams {
    #[serde(default, deserialize_with = "lenient_bool")]
    pub enabled: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FeaturesParams {
    pub customer_update: Option<CustomerUpdateParams>,
    pub invoice_history: Option<ToggleParams>,
    pub payment_method_update: Option<ToggleParams>,
    pub subscription_cancel: Option<SubscriptionCancelParams>,
    pub subscription_update: Option<SubscriptionUpdateParams>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ToggleParams {
    #[serde(default, deserialize_with = "lenient_bool")]
    pub enabled: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerUpdateParams {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<CustomerField>>))]
    pub allowed_updates: Field<Vec<CustomerField>>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub enabled: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubscriptionCancelParams {
    pub cancellation_reason: Option<CancellationReasonParams>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub enabled: Option<bool>,
    pub mode: Option<CancelMode>,
    pub proration_behavior: Option<ProrationBehavior>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CancellationReasonParams {
    #[serde(default, deserialize_with = "lenient_bool")]
    pub enabled: Option<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<CancellationFeedback>>))]
    pub options: Field<Vec<CancellationFeedback>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubscriptionUpdateParams {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<AllowedUpdate>>))]
    pub default_allowed_updates: Field<Vec<AllowedUpdate>>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub enabled: Option<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<ProductPricesParams>>))]
    pub products: Field<Vec<ProductPricesParams>>,
    pub proration_behavior: Option<ProrationBehavior>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductPricesParams {
    pub product: String,
    pub prices: Vec<String>,
}

/// `GET /v1/billing_portal/configurations`: Stripe's list parameters and filters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    #[serde(default, deserialize_with = "lenient_bool")]
    pub active: Option<bool>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub is_default: Option<bool>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub limit: Option<u32>,
    pub starting_after: Option<String>,
    pub ending_before: Option<String>,
    pub expand: Option<Vec<String>>,
}
