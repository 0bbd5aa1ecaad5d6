//! A plan item's or a metered price from the catalog file: `unit_amount`, or
//! `tiers_mode` + `tiers`.

use super::{CatalogError, invalid};
use portico_wire::catalog::{TierEntry, UpTo};
use portico_wire::price::{Price, Tier, Tiers, TiersMode};

pub(super) fn parse(
    unit_amount: Option<i64>,
    tiers: Option<&Vec<TierEntry>>,
    tiers_mode: Option<&String>,
    key: &str,
) -> Result<Price, CatalogError> {
    match (unit_amount, tiers, tiers_mode) {
        (Some(unit_amount), None, None) => {
            Price::per_unit(unit_amount).map_err(|m| invalid(format!("{key}.unit_amount"), m))
        }
        (None, Some(tiers), Some(mode)) => {
            let mode = match mode.as_str() {
                "graduated" => TiersMode::Graduated,
                "volume" => TiersMode::Volume,
                _ => {
                    return Err(invalid(
                        format!("{key}.tiers_mode"),
                        "must be `graduated` or `volume`",
                    ));
                }
            };
            let mut parsed = Vec::with_capacity(tiers.len());
            for (i, tier) in tiers.iter().enumerate() {
                let up_to = match &tier.up_to {
                    UpTo::Quantity(n) => Some(*n),
                    UpTo::Word(word) if word == "inf" => None,
                    UpTo::Word(_) => {
                        return Err(invalid(
                            format!("{key}.tiers[{i}].up_to"),
                            "must be a quantity or \"inf\"",
                        ));
                    }
                };
                parsed.push(Tier {
                    up_to,
                    unit_amount: tier.unit_amount,
                    flat_amount: tier.flat_amount,
                });
            }
            Tiers::new(mode, parsed)
                .map(Price::Tiered)
                .map_err(|m| invalid(format!("{key}.tiers"), m))
        }
        (None, Some(_), None) => Err(invalid(
            format!("{key}.tiers_mode"),
            "is required with `tiers`",
        )),
        (None, None, Some(_)) => Err(invalid(
            format!("{key}.tiers"),
            "is required with `tiers_mode`",
        )),
        (None, None, None) => Err(invalid(
            key,
            "needs a price: `unit_amount`, or `tiers_mode` and `tiers`",
        )),
        (Some(_), _, _) => Err(invalid(
            key,
            "has both `unit_amount` and tiers: give one price",
        )),
    }
}
