//! `subscriptions.pending_update`: the terms a subscription takes when its period
//! ends, with each price a snapshot as on its items.

use super::price::StoredPrice;
use crate::billing::state::{Item, MeteredItem, Terms};
use portico_wire::Quantity;
use portico_wire::embed::Interval;
use portico_wire::price::Price;
use portico_wire::usage::Aggregation;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct StoredPendingUpdate {
    plan: String,
    interval: StoredInterval,
    interval_count: u32,
    items: Vec<StoredPendingItem>,
    /// Rows written before metered prices existed have none.
    #[serde(default)]
    metered: Vec<StoredMeteredPrice>,
    /// Unix seconds. Kept for whoever reads the row; loading takes the period's end.
    effective_at: i64,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredPendingItem {
    product: String,
    product_name: String,
    unit_label: Option<String>,
    quantity: u64,
    price: StoredPrice,
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredMeteredPrice {
    meter: String,
    name: String,
    unit: String,
    aggregation: StoredAggregation,
    price: StoredPrice,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredInterval {
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum StoredAggregation {
    Sum,
    Count,
    Max,
    UniqueCount,
}

impl StoredPendingUpdate {
    /// `terms` as the update that applies at `effective_at` (Unix seconds).
    pub(crate) fn from_terms(terms: &Terms, effective_at: i64) -> Self {
        let Terms {
            plan,
            interval,
            interval_count,
            items,
            metered,
        } = terms;
        Self {
            plan: plan.clone(),
            interval: (*interval).into(),
            interval_count: *interval_count,
            items: items.iter().map(StoredPendingItem::from).collect(),
            metered: metered.iter().map(StoredMeteredPrice::from).collect(),
            effective_at,
        }
    }

    /// The terms, checked as the API checks new ones; items get their ids when the
    /// update applies.
    pub(crate) fn into_terms(self) -> Result<Terms, String> {
        let items = self
            .items
            .into_iter()
            .enumerate()
            .map(|(i, item)| item.into_item().map_err(|e| format!("items[{i}].{e}")))
            .collect::<Result<Vec<_>, _>>()?;
        let metered = self
            .metered
            .into_iter()
            .enumerate()
            .map(|(i, meter)| {
                meter
                    .into_metered()
                    .map_err(|e| format!("metered[{i}].{e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Terms {
            plan: self.plan,
            interval: self.interval.into(),
            interval_count: self.interval_count,
            items,
            metered,
        })
    }
}

impl From<&Item> for StoredPendingItem {
    fn from(item: &Item) -> Self {
        // An item's id names its row in `subscription_items`; the update's items
        // have none until the update applies.
        let Item {
            id: _,
            product,
            product_name,
            unit_label,
            quantity,
            price,
        } = item;
        Self {
            product: product.clone(),
            product_name: product_name.clone(),
            unit_label: unit_label.clone(),
            quantity: u64::from(quantity.get()),
            price: StoredPrice::from(price),
        }
    }
}

impl StoredPendingItem {
    fn into_item(self) -> Result<Item, String> {
        Ok(Item {
            id: None,
            product: self.product,
            product_name: self.product_name,
            unit_label: self.unit_label,
            quantity: Quantity::new(self.quantity).map_err(|e| format!("quantity: {e}"))?,
            price: Price::try_from(self.price).map_err(|e| format!("price: {e}"))?,
        })
    }
}

impl From<&MeteredItem> for StoredMeteredPrice {
    fn from(item: &MeteredItem) -> Self {
        let MeteredItem {
            meter,
            name,
            unit,
            aggregation,
            price,
        } = item;
        Self {
            meter: meter.clone(),
            name: name.clone(),
            unit: unit.clone(),
            aggregation: (*aggregation).into(),
            price: StoredPrice::from(price),
        }
    }
}

impl StoredMeteredPrice {
    fn into_metered(self) -> Result<MeteredItem, String> {
        Ok(MeteredItem {
            meter: self.meter,
            name: self.name,
            unit: self.unit,
            aggregation: self.aggregation.into(),
            price: Price::try_from(self.price).map_err(|e| format!("price: {e}"))?,
        })
    }
}

same_variants!(Interval, StoredInterval, [Day, Week, Month, Year]);
same_variants!(
    Aggregation,
    StoredAggregation,
    [Sum, Count, Max, UniqueCount]
);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// Reads `json` as a stored pending update, converts it to the engine's terms
    /// and back, and checks it is written again exactly as it was read.
    fn round_trip(json: Value) -> Terms {
        let stored: StoredPendingUpdate = serde_json::from_value(json.clone()).unwrap();
        let effective_at = stored.effective_at;
        let terms = stored.into_terms().unwrap();
        let written =
            serde_json::to_value(StoredPendingUpdate::from_terms(&terms, effective_at)).unwrap();
        assert_eq!(written, json);
        terms
    }

    fn graduated_api_calls() -> Value {
        json!({
            "billing_scheme": "tiered",
            "tiers_mode": "graduated",
            "tiers": [
                {"up_to": 1000, "unit_amount": 0, "flat_amount": 0},
                {"up_to": null, "unit_amount": 2, "flat_amount": 0},
            ],
        })
    }

    #[test]
    fn a_pending_update_with_a_metered_price_is_stored_as_today() {
        let terms = round_trip(json!({
            "plan": "scale",
            "interval": "month",
            "interval_count": 1,
            "items": [
                {
                    "product": "base",
                    "product_name": "Base",
                    "unit_label": null,
                    "quantity": 1,
                    "price": {"billing_scheme": "per_unit", "unit_amount": 2000},
                },
                {
                    "product": "seats",
                    "product_name": "Seats",
                    "unit_label": "seat",
                    "quantity": 5,
                    "price": {"billing_scheme": "per_unit", "unit_amount": 500},
                },
            ],
            "metered": [{
                "meter": "api_calls",
                "name": "API calls",
                "unit": "call",
                "aggregation": "sum",
                "price": graduated_api_calls(),
            }],
            "effective_at": 1_700_000_000,
        }));
        assert_eq!(terms.plan, "scale");
        assert_eq!(terms.interval, Interval::Month);
        assert_eq!(terms.items[0].id, None);
        assert_eq!(terms.items[1].quantity.get(), 5);
        assert_eq!(terms.items[1].price, Price::per_unit(500).unwrap());
        assert_eq!(terms.metered[0].aggregation, Aggregation::Sum);
        assert_eq!(terms.metered[0].price.amount(1500), 1000);
    }

    #[test]
    fn every_interval_and_aggregation_keeps_its_stored_name() {
        for (interval, aggregation) in [
            ("day", "sum"),
            ("week", "count"),
            ("month", "max"),
            ("year", "unique_count"),
        ] {
            round_trip(json!({
                "plan": "team",
                "interval": interval,
                "interval_count": 3,
                "items": [],
                "metered": [{
                    "meter": "seats_used",
                    "name": "Seats used",
                    "unit": "seat",
                    "aggregation": aggregation,
                    "price": {"billing_scheme": "per_unit", "unit_amount": 100},
                }],
                "effective_at": 1_700_000_000,
            }));
        }
    }

    /// An update as rows written before metered prices existed hold it.
    fn seats_only(quantity: u64) -> StoredPendingUpdate {
        serde_json::from_value(json!({
            "plan": "team",
            "interval": "year",
            "interval_count": 1,
            "items": [{
                "product": "seats",
                "product_name": "Seats",
                "unit_label": "seat",
                "quantity": quantity,
                "price": {"billing_scheme": "per_unit", "unit_amount": 500},
            }],
            "effective_at": 1_700_000_000,
        }))
        .unwrap()
    }

    #[test]
    fn an_update_stored_before_metered_prices_reads_without_meters() {
        assert!(seats_only(2).into_terms().unwrap().metered.is_empty());
    }

    #[test]
    fn a_quantity_the_api_would_refuse_is_refused() {
        let error = seats_only(0).into_terms().unwrap_err();
        assert!(error.starts_with("items[0].quantity"), "{error}");
    }
}
