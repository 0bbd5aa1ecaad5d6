//! The catalog file format (TOML on disk, JSON through the admin API later).
//!
//! These are raw shapes: the server validates them into its own catalog types and
//! reports problems by key path (`plans[1].items[0].product`).

use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    #[serde(default)]
    pub products: Vec<ProductEntry>,
    #[serde(default)]
    pub plans: Vec<PlanEntry>,
    #[serde(default)]
    pub services: Vec<ServiceEntry>,
    /// What usage events are counted against.
    #[serde(default)]
    pub meters: Vec<MeterEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeterEntry {
    /// What events name in `meter`.
    pub key: String,
    pub name: String,
    /// Shown with quantities: `calls`, `GB`.
    pub unit: String,
    /// `sum` (default), `count`, `max` or `unique_count`.
    #[serde(default)]
    pub aggregation: Option<String>,
    /// For `unique_count`: the event property whose distinct values are counted.
    pub unique_property: Option<String>,
    /// Groups meters in the usage breakdown ("GPU usage").
    pub group: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductEntry {
    pub id: String,
    pub name: String,
    /// Set for products sold per unit (`seat`, `user`); `options.quantity` keys on it.
    pub unit_label: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanEntry {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub currency: String,
    /// `day`, `week`, `month` or `year`.
    pub interval: String,
    #[serde(default = "one")]
    pub interval_count: u32,
    #[serde(default)]
    pub trial_days: u32,
    #[serde(default)]
    pub features: Vec<String>,
    pub items: Vec<PlanItemEntry>,
    /// Meters billed on usage at the end of each period.
    #[serde(default)]
    pub metered: Vec<MeteredEntry>,
}

/// `metered = [{ meter = "api_calls", unit_amount = 2 }]`, or with tiers.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeteredEntry {
    /// A `[[meters]]` key.
    pub meter: String,
    /// Minor units per unit of usage. Either this or `tiers`.
    pub unit_amount: Option<i64>,
    /// `graduated` or `volume`, with `tiers`.
    pub tiers_mode: Option<String>,
    pub tiers: Option<Vec<TierEntry>>,
}

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanItemEntry {
    pub product: String,
    /// Minor units per unit (per period for flat products). Either this or `tiers`.
    pub unit_amount: Option<i64>,
    /// `graduated` or `volume`, with `tiers`.
    pub tiers_mode: Option<String>,
    pub tiers: Option<Vec<TierEntry>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierEntry {
    /// The tier's last quantity, or `"inf"` for the last tier.
    pub up_to: UpTo,
    pub unit_amount: i64,
    #[serde(default)]
    pub flat_amount: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum UpTo {
    Quantity(u32),
    /// Stripe writes the unbounded last tier as `"inf"`.
    Word(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceEntry {
    pub name: String,
    /// `test` or `live`.
    pub mode: String,
    /// Origins (`scheme://host[:port]`) allowed to embed this service.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// With the Stripe provider, leave it out: the plans come from Stripe.
    #[serde(default)]
    pub plans: Vec<String>,
    /// The portal configuration (`bpc_…`) its portals use; default: the mode's default.
    pub configuration: Option<String>,
    /// The meters its portal's usage views show.
    #[serde(default)]
    pub meters: Vec<String>,
}
