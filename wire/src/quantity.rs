//! `options.quantity`: one positive integer for every per-unit product of a plan, or a
//! map from a product's `unit_label` to its quantity (Billflow's semantics).
#![warn(clippy::arithmetic_side_effects)]

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A positive, bounded item quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u32")]
pub struct Quantity(u32);

impl Quantity {
    /// Above this a quantity is far more likely a bug than a customer.
    pub const MAX: u32 = 1_000_000;
    pub const ONE: Quantity = Quantity(1);

    pub fn new(value: u64) -> Result<Self, String> {
        match u32::try_from(value) {
            Ok(0) => Err("must be a positive integer, not 0".to_owned()),
            Ok(v) if v <= Self::MAX => Ok(Self(v)),
            _ => Err(format!("must be at most {}", Self::MAX)),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u64> for Quantity {
    type Error = String;
    fn try_from(value: u64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Quantity> for u32 {
    fn from(value: Quantity) -> Self {
        value.0
    }
}

/// What the host page asked for in `options.quantity`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum QuantityOption {
    /// Applies to every product of the plan that is sold per unit (has a `unit_label`).
    All(Quantity),
    /// `unit_label` → quantity; products not named keep a quantity of 1.
    PerUnitLabel(BTreeMap<String, Quantity>),
}

impl QuantityOption {
    /// The quantity of one plan item. Flat items (no `unit_label`) are always bought once.
    pub fn quantity_for(option: Option<&Self>, unit_label: Option<&str>) -> Quantity {
        match (option, unit_label) {
            (Some(Self::All(q)), Some(_)) => *q,
            (Some(Self::PerUnitLabel(map)), Some(label)) => {
                map.get(label).copied().unwrap_or(Quantity::ONE)
            }
            _ => Quantity::ONE,
        }
    }

    /// The `unit_label` keys that name none of `known` labels, in order.
    pub fn unknown_labels(&self, known: &[&str]) -> Vec<String> {
        match self {
            Self::All(_) => Vec::new(),
            Self::PerUnitLabel(map) => map
                .keys()
                .filter(|label| !known.contains(&label.as_str()))
                .cloned()
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: u64) -> Quantity {
        Quantity::new(n).unwrap()
    }

    #[test]
    fn quantity_bounds() {
        assert!(Quantity::new(0).is_err());
        assert!(Quantity::new(u64::from(Quantity::MAX) + 1).is_err());
        assert_eq!(q(3).get(), 3);
    }

    #[test]
    fn integer_applies_to_per_unit_items_only() {
        let all = QuantityOption::All(q(5));
        assert_eq!(QuantityOption::quantity_for(Some(&all), Some("seat")), q(5));
        assert_eq!(
            QuantityOption::quantity_for(Some(&all), None),
            Quantity::ONE
        );
        assert_eq!(
            QuantityOption::quantity_for(None, Some("seat")),
            Quantity::ONE
        );
    }

    #[test]
    fn map_applies_by_unit_label() {
        let map = QuantityOption::PerUnitLabel(BTreeMap::from([
            ("user".to_owned(), q(5)),
            ("super_user".to_owned(), q(3)),
        ]));
        assert_eq!(QuantityOption::quantity_for(Some(&map), Some("user")), q(5));
        assert_eq!(
            QuantityOption::quantity_for(Some(&map), Some("admin")),
            Quantity::ONE
        );
        assert_eq!(map.unknown_labels(&["user"]), vec!["super_user".to_owned()]);
    }
}
