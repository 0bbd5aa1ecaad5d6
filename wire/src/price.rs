//! Prices, in Stripe's shape: per unit, or tiered (graduated or volume). What a
//! quantity costs is computed here, once, for the widget's display and the engine's
//! invoices alike.

use serde::{Deserialize, Serialize};

/// The largest amount a price may name: 100 million in major units. With quantities
/// bounded by `Quantity::MAX`, every total fits an `i64` with room to spare.
pub const MAX_AMOUNT: i64 = 10_000_000_000;

// On the wire a price is one flat object, as in Stripe: `billing_scheme` says which
// of the other fields apply. (A flat representation also keeps serde's buffering
// for internally tagged enums out of the wasm.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PriceRepr", into = "PriceRepr")]
pub enum Price {
    PerUnit { unit_amount: i64 },
    Tiered(Tiers),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum BillingScheme {
    PerUnit,
    Tiered,
}

#[derive(Serialize, Deserialize)]
struct PriceRepr {
    billing_scheme: BillingScheme,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unit_amount: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tiers_mode: Option<TiersMode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tiers: Vec<Tier>,
}

impl TryFrom<PriceRepr> for Price {
    type Error = String;
    fn try_from(repr: PriceRepr) -> Result<Self, String> {
        match (repr.billing_scheme, repr.unit_amount, repr.tiers_mode) {
            (BillingScheme::PerUnit, Some(unit_amount), None) if repr.tiers.is_empty() => {
                Price::per_unit(unit_amount)
            }
            (BillingScheme::Tiered, None, Some(mode)) => {
                Tiers::new(mode, repr.tiers).map(Price::Tiered)
            }
            (BillingScheme::PerUnit, ..) => {
                Err("a per_unit price has `unit_amount` and no tiers".into())
            }
            (BillingScheme::Tiered, ..) => {
                Err("a tiered price has `tiers_mode` and `tiers`, no `unit_amount`".into())
            }
        }
    }
}

impl From<Price> for PriceRepr {
    fn from(price: Price) -> Self {
        match price {
            Price::PerUnit { unit_amount } => PriceRepr {
                billing_scheme: BillingScheme::PerUnit,
                unit_amount: Some(unit_amount),
                tiers_mode: None,
                tiers: Vec::new(),
            },
            Price::Tiered(tiers) => PriceRepr {
                billing_scheme: BillingScheme::Tiered,
                unit_amount: None,
                tiers_mode: Some(tiers.tiers_mode),
                tiers: tiers.tiers,
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TiersMode {
    /// Each unit is priced by the tier it falls in (5 at the first tier's price,
    /// the next 5 at the second's, …); each tier reached adds its flat amount.
    Graduated,
    /// All units are priced by the one tier the total quantity falls in.
    Volume,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tier {
    /// The last quantity of this tier; `None` for the last, unbounded tier.
    pub up_to: Option<u32>,
    pub unit_amount: i64,
    #[serde(default)]
    pub flat_amount: i64,
}

/// Checked tiers: ascending bounds, the last one unbounded, amounts in range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tiers {
    tiers_mode: TiersMode,
    tiers: Vec<Tier>,
}

impl Tiers {
    pub fn new(tiers_mode: TiersMode, tiers: Vec<Tier>) -> Result<Self, String> {
        let Some(last) = tiers.last() else {
            return Err("`tiers` must list at least one tier".into());
        };
        if last.up_to.is_some() {
            return Err("the last tier must be unbounded (`up_to` = \"inf\")".into());
        }
        let mut previous = 0;
        for (i, tier) in tiers.iter().enumerate() {
            if !(0..=MAX_AMOUNT).contains(&tier.unit_amount)
                || !(0..=MAX_AMOUNT).contains(&tier.flat_amount)
            {
                return Err(format!(
                    "tiers[{i}]: amounts must be between 0 and {MAX_AMOUNT}"
                ));
            }
            match tier.up_to {
                Some(up_to) if up_to <= previous => {
                    return Err(format!("tiers[{i}].up_to must be greater than {previous}"));
                }
                Some(up_to) => previous = up_to,
                None if i + 1 < tiers.len() => {
                    return Err(format!("tiers[{i}]: only the last tier may be unbounded"));
                }
                None => {}
            }
        }
        Ok(Self { tiers_mode, tiers })
    }

    pub fn mode(&self) -> TiersMode {
        self.tiers_mode
    }

    pub fn tiers(&self) -> &[Tier] {
        &self.tiers
    }
}

impl Price {
    pub fn per_unit(unit_amount: i64) -> Result<Self, String> {
        if (0..=MAX_AMOUNT).contains(&unit_amount) {
            Ok(Self::PerUnit { unit_amount })
        } else {
            Err(format!("`unit_amount` must be between 0 and {MAX_AMOUNT}"))
        }
    }

    /// What `quantity` units cost for one period, in minor units. Computed in 128
    /// bits: 10^10 metered units at any price are exact; an amount past `i64::MAX`
    /// (over 90 quadrillion dollars) is that many.
    pub fn amount(&self, quantity: u64) -> i64 {
        let quantity = i128::from(quantity);
        let total = match self {
            Self::PerUnit { unit_amount } => i128::from(*unit_amount) * quantity,
            Self::Tiered(tiers) => match tiers.tiers_mode {
                TiersMode::Volume => {
                    let tier = tiers.tier_for(quantity);
                    i128::from(tier.unit_amount) * quantity + i128::from(tier.flat_amount)
                }
                TiersMode::Graduated => {
                    let mut total = 0;
                    let mut lower = 0;
                    for tier in &tiers.tiers {
                        if quantity <= lower {
                            break;
                        }
                        let upper = tier.up_to.map_or(quantity, |u| i128::from(u).min(quantity));
                        total += (upper - lower) * i128::from(tier.unit_amount)
                            + i128::from(tier.flat_amount);
                        lower = upper;
                    }
                    total
                }
            },
        };
        i64::try_from(total).unwrap_or(i64::MAX)
    }
}

impl Tiers {
    /// The tier `quantity` falls in (the last one catches everything above).
    fn tier_for(&self, quantity: i128) -> &Tier {
        self.tiers
            .iter()
            .find(|tier| tier.up_to.is_none_or(|up_to| quantity <= i128::from(up_to)))
            .unwrap_or_else(|| self.tiers.last().expect("tiers are never empty"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stripe's documentation example: 1–5 at $5, 6–10 at $4, 11+ at $3.
    fn tiers(mode: TiersMode) -> Price {
        let tier = |up_to, unit_amount| Tier {
            up_to,
            unit_amount,
            flat_amount: 0,
        };
        Price::Tiered(
            Tiers::new(
                mode,
                vec![tier(Some(5), 500), tier(Some(10), 400), tier(None, 300)],
            )
            .unwrap(),
        )
    }

    #[test]
    fn graduated_prices_each_unit_in_its_tier() {
        let price = tiers(TiersMode::Graduated);
        let expected = [
            (1, 500),
            (5, 2500),
            (6, 2900),
            (7, 3300),
            (10, 4500),
            (11, 4800),
            (20, 7500),
        ];
        for (quantity, amount) in expected {
            assert_eq!(price.amount(quantity), amount, "quantity {quantity}");
        }
    }

    #[test]
    fn volume_prices_all_units_at_the_reached_tier() {
        let price = tiers(TiersMode::Volume);
        let expected = [
            (1, 500),
            (5, 2500),
            (6, 2400),
            (7, 2800),
            (10, 4000),
            (11, 3300),
            (20, 6000),
        ];
        for (quantity, amount) in expected {
            assert_eq!(price.amount(quantity), amount, "quantity {quantity}");
        }
    }

    #[test]
    fn flat_amounts_apply_per_tier_reached() {
        let with_flat = |mode| {
            let tiers = vec![
                Tier {
                    up_to: Some(2),
                    unit_amount: 0,
                    flat_amount: 1000,
                },
                Tier {
                    up_to: None,
                    unit_amount: 300,
                    flat_amount: 200,
                },
            ];
            Price::Tiered(Tiers::new(mode, tiers).unwrap())
        };
        assert_eq!(with_flat(TiersMode::Graduated).amount(2), 1000);
        assert_eq!(
            with_flat(TiersMode::Graduated).amount(4),
            1000 + 2 * 300 + 200
        );
        assert_eq!(with_flat(TiersMode::Volume).amount(2), 1000);
        assert_eq!(with_flat(TiersMode::Volume).amount(4), 4 * 300 + 200);
        assert_eq!(Price::per_unit(800).unwrap().amount(3), 2400);
    }

    #[test]
    fn malformed_tiers_are_refused() {
        let tier = |up_to| Tier {
            up_to,
            unit_amount: 100,
            flat_amount: 0,
        };
        assert!(Tiers::new(TiersMode::Graduated, vec![]).is_err());
        assert!(
            Tiers::new(TiersMode::Graduated, vec![tier(Some(5))]).is_err(),
            "last tier bounded"
        );
        assert!(
            Tiers::new(
                TiersMode::Graduated,
                vec![tier(Some(5)), tier(Some(5)), tier(None)]
            )
            .is_err()
        );
        assert!(Tiers::new(TiersMode::Volume, vec![tier(None), tier(None)]).is_err());
        assert!(Price::per_unit(-1).is_err());
        assert!(Price::per_unit(MAX_AMOUNT + 1).is_err());
    }

    #[test]
    fn stripe_json_shape() {
        let json = serde_json::to_value(tiers(TiersMode::Graduated)).unwrap();
        assert_eq!(json["billing_scheme"], "tiered");
        assert_eq!(json["tiers_mode"], "graduated");
        assert_eq!(
            json["tiers"][2],
            serde_json::json!({"up_to": null, "unit_amount": 300, "flat_amount": 0})
        );
        let back: Price = serde_json::from_value(json).unwrap();
        assert_eq!(back, tiers(TiersMode::Graduated));
        let bad = serde_json::json!({"billing_scheme": "tiered", "tiers_mode": "volume", "tiers": [{"up_to": 3, "unit_amount": 1}]});
        assert!(serde_json::from_value::<Price>(bad).is_err());
        let mixed = serde_json::json!({"billing_scheme": "per_unit", "unit_amount": 1, "tiers_mode": "volume"});
        assert!(serde_json::from_value::<Price>(mixed).is_err());
        let tiered_with_amount = serde_json::json!({"billing_scheme": "tiered", "unit_amount": 1, "tiers_mode": "volume",
            "tiers": [{"up_to": null, "unit_amount": 1}]});
        assert!(serde_json::from_value::<Price>(tiered_with_amount).is_err());
        let per_unit = serde_json::to_value(Price::per_unit(800).unwrap()).unwrap();
        assert_eq!(
            per_unit,
            serde_json::json!({"billing_scheme": "per_unit", "unit_amount": 800})
        );
    }
}
