//! A price as `subscription_items.price`, `subscription_meters.price` and a pending
//! update's items and meters hold it: one flat object in Stripe's shape, whose
//! `billing_scheme` says which of the other fields apply.

use portico_wire::price::{Price, Tier, Tiers, TiersMode};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredPrice {
    billing_scheme: StoredBillingScheme,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unit_amount: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tiers_mode: Option<StoredTiersMode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tiers: Vec<StoredTier>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredBillingScheme {
    PerUnit,
    Tiered,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredTiersMode {
    Graduated,
    Volume,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredTier {
    /// `null` for the last, unbounded tier: the catalog's `"inf"` never reaches the
    /// database.
    up_to: Option<u32>,
    unit_amount: i64,
    #[serde(default)]
    flat_amount: i64,
}

impl From<&Price> for StoredPrice {
    fn from(price: &Price) -> Self {
        match price {
            Price::PerUnit { unit_amount } => Self {
                billing_scheme: StoredBillingScheme::PerUnit,
                unit_amount: Some(*unit_amount),
                tiers_mode: None,
                tiers: Vec::new(),
            },
            Price::Tiered(tiers) => Self {
                billing_scheme: StoredBillingScheme::Tiered,
                unit_amount: None,
                tiers_mode: Some(tiers.mode().into()),
                tiers: tiers.tiers().iter().map(StoredTier::from).collect(),
            },
        }
    }
}

/// A stored price is checked again on the way out, as the API checks a new one: a
/// row edited by hand cannot carry a price the engine would misbill.
impl TryFrom<StoredPrice> for Price {
    type Error = String;

    fn try_from(stored: StoredPrice) -> Result<Self, String> {
        match (stored.billing_scheme, stored.unit_amount, stored.tiers_mode) {
            (StoredBillingScheme::PerUnit, Some(unit_amount), None) if stored.tiers.is_empty() => {
                Price::per_unit(unit_amount)
            }
            (StoredBillingScheme::Tiered, None, Some(mode)) => {
                let tiers = stored.tiers.into_iter().map(Tier::from).collect();
                Tiers::new(mode.into(), tiers).map(Price::Tiered)
            }
            (StoredBillingScheme::PerUnit, ..) => {
                Err("a per_unit price has `unit_amount` and no tiers".into())
            }
            (StoredBillingScheme::Tiered, ..) => {
                Err("a tiered price has `tiers_mode` and `tiers`, no `unit_amount`".into())
            }
        }
    }
}

same_variants!(TiersMode, StoredTiersMode, [Graduated, Volume]);

impl From<&Tier> for StoredTier {
    fn from(tier: &Tier) -> Self {
        let Tier {
            up_to,
            unit_amount,
            flat_amount,
        } = *tier;
        Self {
            up_to,
            unit_amount,
            flat_amount,
        }
    }
}

impl From<StoredTier> for Tier {
    fn from(tier: StoredTier) -> Self {
        Self {
            up_to: tier.up_to,
            unit_amount: tier.unit_amount,
            flat_amount: tier.flat_amount,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// Reads `json` as a stored price, converts it to the engine's price and back,
    /// and checks it is written again exactly as it was read.
    fn round_trip(json: Value) -> Price {
        let stored: StoredPrice = serde_json::from_value(json.clone()).unwrap();
        let price = Price::try_from(stored).unwrap();
        let written = serde_json::to_value(StoredPrice::from(&price)).unwrap();
        assert_eq!(written, json);
        price
    }

    #[test]
    fn a_per_unit_price_is_stored_as_today() {
        let price = round_trip(json!({"billing_scheme": "per_unit", "unit_amount": 800}));
        assert_eq!(price, Price::per_unit(800).unwrap());
    }

    #[test]
    fn a_tiered_price_is_stored_as_today() {
        let price = round_trip(json!({
            "billing_scheme": "tiered",
            "tiers_mode": "graduated",
            "tiers": [
                {"up_to": 1000, "unit_amount": 0, "flat_amount": 500},
                {"up_to": null, "unit_amount": 2, "flat_amount": 0},
            ],
        }));
        let expected = Tiers::new(
            TiersMode::Graduated,
            vec![
                Tier {
                    up_to: Some(1000),
                    unit_amount: 0,
                    flat_amount: 500,
                },
                Tier {
                    up_to: None,
                    unit_amount: 2,
                    flat_amount: 0,
                },
            ],
        )
        .unwrap();
        assert_eq!(price, Price::Tiered(expected));
        round_trip(json!({
            "billing_scheme": "tiered",
            "tiers_mode": "volume",
            "tiers": [{"up_to": null, "unit_amount": 600, "flat_amount": 0}],
        }));
    }

    #[test]
    fn a_tier_without_flat_amount_reads_as_zero() {
        let stored: StoredPrice = serde_json::from_value(json!({
            "billing_scheme": "tiered",
            "tiers_mode": "volume",
            "tiers": [{"up_to": null, "unit_amount": 600}],
        }))
        .unwrap();
        let Price::Tiered(tiers) = Price::try_from(stored).unwrap() else {
            panic!("not tiered");
        };
        assert_eq!(tiers.tiers()[0].flat_amount, 0);
    }

    #[test]
    fn a_stored_price_the_api_would_refuse_is_refused() {
        let refused = [
            json!({"billing_scheme": "per_unit", "unit_amount": -1}),
            json!({"billing_scheme": "per_unit", "unit_amount": 1, "tiers_mode": "volume"}),
            json!({"billing_scheme": "tiered", "tiers_mode": "volume",
                "tiers": [{"up_to": 3, "unit_amount": 1}]}),
            json!({"billing_scheme": "tiered", "unit_amount": 1, "tiers_mode": "volume",
                "tiers": [{"up_to": null, "unit_amount": 1}]}),
        ];
        for json in refused {
            let stored: StoredPrice = serde_json::from_value(json.clone()).unwrap();
            assert!(Price::try_from(stored).is_err(), "{json}");
        }
    }
}
