//! The catalog: products, plans and services, read from the TOML catalog file and
//! validated into types the engine trusts. Every error names the offending key.
#![warn(clippy::arithmetic_side_effects)]

use portico_wire::catalog::CatalogFile;
use portico_wire::embed::Interval;
use portico_wire::price::Price;
use portico_wire::{Currency, ServiceName};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("cannot read catalog file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("catalog file {path}: {message}")]
    Syntax { path: String, message: String },
    #[error("catalog: `{key}` {message}")]
    Invalid { key: String, message: String },
}

fn invalid(key: impl Into<String>, message: impl Into<String>) -> CatalogError {
    CatalogError::Invalid {
        key: key.into(),
        message: message.into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Test,
    Live,
}

impl Mode {
    pub fn is_live(self) -> bool {
        self == Mode::Live
    }

    /// `test` or `live`, as keys, flags and messages name a mode.
    pub fn name(self) -> &'static str {
        if self.is_live() { "live" } else { "test" }
    }
}

#[derive(Debug, Clone)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub unit_label: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PlanItem {
    pub product: Product,
    pub price: Price,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub currency: Currency,
    pub interval: Interval,
    pub interval_count: u32,
    pub trial_days: u32,
    pub features: Vec<String>,
    pub items: Vec<PlanItem>,
    /// Usage billed at the end of each period, one line per meter.
    pub metered: Vec<MeteredPrice>,
}

/// A meter's price in a plan.
#[derive(Debug, Clone)]
pub struct MeteredPrice {
    pub meter: Meter,
    pub price: Price,
    /// The provider's own price for it (Stripe's `price_…`), when the provider
    /// holds the plans.
    pub provider_price: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: ServiceName,
    pub mode: Mode,
    pub allowed_origins: BTreeSet<String>,
    pub plans: Vec<Plan>,
    /// The portal configuration (`bpc_…`) its sessions use; `None`: the mode's default.
    pub configuration: Option<String>,
    /// The meters its portal's usage views show, in catalog order.
    pub meters: Vec<Meter>,
}

impl Service {
    pub fn plan(&self, id: &str) -> Option<&Plan> {
        self.plans.iter().find(|plan| plan.id == id)
    }

    /// Every `unit_label` a product of this service's plans carries.
    pub fn unit_labels(&self) -> BTreeSet<&str> {
        self.plans
            .iter()
            .flat_map(|plan| &plan.items)
            .filter_map(|item| item.product.unit_label.as_deref())
            .collect()
    }
}

#[derive(Debug, Clone, Default)]
pub struct Catalog {
    services: BTreeMap<ServiceName, Service>,
    meters: BTreeMap<String, Meter>,
}

impl Catalog {
    pub fn load(path: &Path) -> Result<Self, CatalogError> {
        let text = std::fs::read_to_string(path).map_err(|source| CatalogError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_toml(&text).map_err(|e| match e {
            CatalogError::Syntax { message, .. } => CatalogError::Syntax {
                path: path.display().to_string(),
                message,
            },
            other => other,
        })
    }

    pub fn from_toml(text: &str) -> Result<Self, CatalogError> {
        let file: CatalogFile = toml::from_str(text).map_err(|e| CatalogError::Syntax {
            path: "<inline>".into(),
            message: e.to_string(),
        })?;
        Self::from_file(file)
    }

    pub fn from_file(file: CatalogFile) -> Result<Self, CatalogError> {
        let meters = meter::parse(file.meters)?;
        let mut products = BTreeMap::new();
        for (i, entry) in file.products.into_iter().enumerate() {
            let key = format!("products[{i}]");
            require_id(&entry.id, &format!("{key}.id"))?;
            if entry
                .unit_label
                .as_deref()
                .is_some_and(|label| require_id(label, "").is_err())
            {
                return Err(invalid(
                    format!("{key}.unit_label"),
                    "must be letters, digits, `_` or `-`",
                ));
            }
            let product = Product {
                id: entry.id.clone(),
                name: entry.name,
                unit_label: entry.unit_label,
            };
            if products.insert(entry.id.clone(), product).is_some() {
                return Err(invalid(
                    format!("{key}.id"),
                    format!("`{}` is defined twice", entry.id),
                ));
            }
        }

        let mut plans = BTreeMap::new();
        for (i, entry) in file.plans.into_iter().enumerate() {
            let key = format!("plans[{i}]");
            require_id(&entry.id, &format!("{key}.id"))?;
            let currency = Currency::parse(&entry.currency)
                .map_err(|m| invalid(format!("{key}.currency"), m))?;
            let interval = parse_interval(&entry.interval).ok_or_else(|| {
                invalid(
                    format!("{key}.interval"),
                    "must be one of `day`, `week`, `month`, `year`",
                )
            })?;
            if !(1..=36).contains(&entry.interval_count) {
                return Err(invalid(
                    format!("{key}.interval_count"),
                    "must be between 1 and 36",
                ));
            }
            if entry.trial_days > 730 {
                return Err(invalid(format!("{key}.trial_days"), "must be at most 730"));
            }
            if entry.items.is_empty() {
                return Err(invalid(
                    format!("{key}.items"),
                    "must list at least one product",
                ));
            }
            let mut items = Vec::with_capacity(entry.items.len());
            for (j, item) in entry.items.into_iter().enumerate() {
                let item_key = format!("{key}.items[{j}]");
                let product = products.get(&item.product).cloned().ok_or_else(|| {
                    invalid(
                        format!("{item_key}.product"),
                        format!("`{}` is not a product of the catalog", item.product),
                    )
                })?;
                let price = price::parse(
                    item.unit_amount,
                    item.tiers.as_ref(),
                    item.tiers_mode.as_ref(),
                    &item_key,
                )?;
                items.push(PlanItem { product, price });
            }
            let mut metered: Vec<MeteredPrice> = Vec::with_capacity(entry.metered.len());
            for (j, entry) in entry.metered.iter().enumerate() {
                let metered_key = format!("{key}.metered[{j}]");
                let meter = meters.get(&entry.meter).cloned().ok_or_else(|| {
                    invalid(
                        format!("{metered_key}.meter"),
                        format!("`{}` is not a meter of the catalog", entry.meter),
                    )
                })?;
                if metered.iter().any(|m| m.meter.key == meter.key) {
                    return Err(invalid(
                        format!("{metered_key}.meter"),
                        format!("`{}` is metered twice in this plan", meter.key),
                    ));
                }
                let price = price::parse(
                    entry.unit_amount,
                    entry.tiers.as_ref(),
                    entry.tiers_mode.as_ref(),
                    &metered_key,
                )?;
                metered.push(MeteredPrice {
                    meter,
                    price,
                    provider_price: None,
                });
            }
            let plan = Plan {
                id: entry.id.clone(),
                name: entry.name,
                description: entry.description,
                currency,
                interval,
                interval_count: entry.interval_count,
                trial_days: entry.trial_days,
                features: entry.features,
                items,
                metered,
            };
            if plans.insert(entry.id.clone(), plan).is_some() {
                return Err(invalid(
                    format!("{key}.id"),
                    format!("`{}` is defined twice", entry.id),
                ));
            }
        }

        let mut services = BTreeMap::new();
        for (i, entry) in file.services.into_iter().enumerate() {
            let key = format!("services[{i}]");
            let name =
                ServiceName::parse(&entry.name).map_err(|m| invalid(format!("{key}.name"), m))?;
            let mode = match entry.mode.as_str() {
                "test" => Mode::Test,
                "live" => Mode::Live,
                _ => return Err(invalid(format!("{key}.mode"), "must be `test` or `live`")),
            };
            let mut allowed_origins = BTreeSet::new();
            for (j, origin) in entry.allowed_origins.iter().enumerate() {
                let origin = parse_origin(origin)
                    .map_err(|m| invalid(format!("{key}.allowed_origins[{j}]"), m))?;
                allowed_origins.insert(origin);
            }
            let mut service_plans = Vec::with_capacity(entry.plans.len());
            for (j, plan_id) in entry.plans.iter().enumerate() {
                let plan = plans.get(plan_id).cloned().ok_or_else(|| {
                    invalid(
                        format!("{key}.plans[{j}]"),
                        format!("`{plan_id}` is not a plan of the catalog"),
                    )
                })?;
                service_plans.push(plan);
            }
            let mut service_meters = Vec::with_capacity(entry.meters.len());
            for (j, key) in entry.meters.iter().enumerate() {
                let meter = meters.get(key).cloned().ok_or_else(|| {
                    invalid(
                        format!("{key_path}.meters[{j}]", key_path = key_path(i)),
                        format!("`{key}` is not a meter of the catalog"),
                    )
                })?;
                service_meters.push(meter);
            }
            let service = Service {
                name: name.clone(),
                mode,
                allowed_origins,
                plans: service_plans,
                configuration: entry.configuration,
                meters: service_meters,
            };
            if services.insert(name.clone(), service).is_some() {
                return Err(invalid(
                    format!("{key}.name"),
                    format!("`{name}` is defined twice"),
                ));
            }
        }
        if services.is_empty() {
            return Err(invalid("services", "must define at least one service"));
        }
        Ok(Self { services, meters })
    }

    /// The meter usage events name as `meter`.
    pub fn meter(&self, key: &str) -> Option<&Meter> {
        self.meters.get(key)
    }

    pub fn service(&self, name: &ServiceName) -> Option<&Service> {
        self.services.get(name)
    }

    /// The service a stored name (a session's, a subscription's) refers to.
    pub fn service_named(&self, name: &str) -> Option<&Service> {
        ServiceName::parse(name)
            .ok()
            .and_then(|name| self.services.get(&name))
    }

    pub fn services(&self) -> impl Iterator<Item = &Service> {
        self.services.values()
    }

    /// Every service must offer a plan, from the file or from the provider.
    pub fn require_plans(&self) -> Result<(), CatalogError> {
        match self.services.values().find(|s| s.plans.is_empty()) {
            Some(service) => Err(invalid(
                format!("services.{}.plans", service.name),
                "must list at least one plan (with Stripe: a product with `metadata[portico_service]` naming the service, and an active recurring price)",
            )),
            None => Ok(()),
        }
    }

    /// Whether any service may be embedded from `origin` (answers CORS preflights,
    /// which do not say which service they are for).
    pub fn any_service_allows(&self, origin: &str) -> bool {
        self.services().any(|s| s.allowed_origins.contains(origin))
    }
}

fn key_path(service: usize) -> String {
    format!("services[{service}]")
}

fn require_id(value: &str, key: &str) -> Result<(), CatalogError> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(invalid(key, "must be 1 to 64 letters, digits, `_` or `-`"))
    }
}

fn parse_interval(value: &str) -> Option<Interval> {
    Some(match value {
        "day" => Interval::Day,
        "week" => Interval::Week,
        "month" => Interval::Month,
        "year" => Interval::Year,
        _ => return None,
    })
}

/// Normalizes `scheme://host[:port]` the way browsers send it in `Origin`.
fn parse_origin(value: &str) -> Result<String, String> {
    let bad = || format!("`{value}` is not an origin such as `https://app.example.com`");
    let (scheme, rest) = value.split_once("://").ok_or_else(bad)?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.contains(['/', '?', '#', ' '])
    {
        return Err(bad());
    }
    Ok(format!("{scheme}://{}", rest.to_ascii_lowercase()))
}

mod meter;
mod price;
pub use meter::Meter;
mod shared;
#[cfg(test)]
mod tests;

pub use shared::SharedCatalog;
