//! Meters: what usage events count against, and how they aggregate.

use super::{CatalogError, invalid, require_id};
use portico_wire::catalog::MeterEntry;
use portico_wire::usage::Aggregation;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meter {
    pub key: String,
    pub name: String,
    pub unit: String,
    pub aggregation: Aggregation,
    /// For `unique_count`: the event property counted.
    pub unique_property: Option<String>,
    pub group: Option<String>,
}

pub fn parse(entries: Vec<MeterEntry>) -> Result<BTreeMap<String, Meter>, CatalogError> {
    let mut meters = BTreeMap::new();
    for (i, entry) in entries.into_iter().enumerate() {
        let key = format!("meters[{i}]");
        require_id(&entry.key, &format!("{key}.key"))?;
        let aggregation = match entry.aggregation.as_deref().unwrap_or("sum") {
            "sum" => Aggregation::Sum,
            "count" => Aggregation::Count,
            "max" => Aggregation::Max,
            "unique_count" => Aggregation::UniqueCount,
            _ => {
                return Err(invalid(
                    format!("{key}.aggregation"),
                    "must be one of `sum`, `count`, `max`, `unique_count`",
                ));
            }
        };
        match (&aggregation, &entry.unique_property) {
            (Aggregation::UniqueCount, None) => {
                return Err(invalid(
                    format!("{key}.unique_property"),
                    "is required for `unique_count`: name the event property to count",
                ));
            }
            (Aggregation::UniqueCount, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(invalid(
                    format!("{key}.unique_property"),
                    "is only for `aggregation = \"unique_count\"`",
                ));
            }
        }
        if entry.unit.trim().is_empty() {
            return Err(invalid(format!("{key}.unit"), "must not be empty"));
        }
        let meter = Meter {
            key: entry.key.clone(),
            name: entry.name,
            unit: entry.unit,
            aggregation,
            unique_property: entry.unique_property,
            group: entry.group,
        };
        if meters.insert(entry.key.clone(), meter).is_some() {
            return Err(invalid(
                format!("{key}.key"),
                format!("`{}` is defined twice", entry.key),
            ));
        }
    }
    Ok(meters)
}
