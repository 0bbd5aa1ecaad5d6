//! The catalog from Stripe: every active product whose metadata has
//! `portico_service = "<service>"` gives that service one plan per active
//! recurring per-unit price. Optional metadata: on the product,
//! `portico_features` (`;`-separated) and `portico_unit_label`; on the price,
//! `portico_name` (else the nickname, else the product's name) and
//! `portico_order` (plans are listed by it, then by amount). Metered prices
//! are given to the plans they fit (`metered.rs`).

use super::client::{Form, StripeClient, StripeError};
use super::dialect::Dialect;
use super::objects::{List, Product};
use crate::catalog::{Plan, PlanItem, Product as CatalogProduct};
use portico_wire::Currency;
use portico_wire::embed::Interval;
use portico_wire::price::Price as WirePrice;
use std::collections::BTreeMap;

pub const SERVICE_KEY: &str = "portico_service";

/// Every plan Stripe holds for each service, by service name.
pub async fn load(
    client: &StripeClient,
    dialect: Dialect,
) -> Result<BTreeMap<String, Vec<Plan>>, StripeError> {
    let products: Vec<Product> = all(
        client,
        "/v1/products",
        Form::new().set("active", "true").set("limit", 100),
    )
    .await?;
    let products: BTreeMap<String, Product> = products
        .into_iter()
        .filter(|p| p.active && p.metadata.contains_key(SERVICE_KEY))
        .map(|p| (p.id.clone(), p))
        .collect();
    let prices: Vec<serde_json::Value> =
        all(client, dialect.prices_path(), dialect.prices_query()).await?;
    let mut plans: BTreeMap<String, Vec<(i64, Plan)>> = BTreeMap::new();
    let mut offers = Vec::new();
    for value in prices {
        let price = dialect.price(value)?;
        let Some(product) = products.get(price.product.id()) else {
            continue;
        };
        match super::metered::offer(&price, product) {
            Ok(Some(offer)) => {
                offers.push(offer);
                continue;
            }
            Ok(None) => {}
            Err(why) => {
                tracing::warn!(price = %price.id, "Stripe price left out of the catalog: {why}");
                continue;
            }
        }
        match plan(&price, product) {
            Ok((order, plan)) => plans
                .entry(product.metadata[SERVICE_KEY].clone())
                .or_default()
                .push((order, plan)),
            Err(why) => {
                tracing::warn!(price = %price.id, "Stripe price left out of the catalog: {why}")
            }
        }
    }
    let mut plans: BTreeMap<String, Vec<Plan>> = plans
        .into_iter()
        .map(|(service, mut plans)| {
            plans.sort_by_key(|(order, plan)| {
                (
                    *order,
                    plan.items[0].price.clone().unit_amount_or_zero(),
                    plan.id.clone(),
                )
            });
            (service, plans.into_iter().map(|(_, plan)| plan).collect())
        })
        .collect();
    if dialect.has_meters() {
        super::metered::attach(&mut plans, &offers);
    } else if !offers.is_empty() {
        tracing::warn!(
            prices = offers.len(),
            "metered prices are left out: the Stripe test peer has no meters"
        );
    }
    Ok(plans)
}

trait UnitAmount {
    fn unit_amount_or_zero(self) -> i64;
}

impl UnitAmount for WirePrice {
    fn unit_amount_or_zero(self) -> i64 {
        match self {
            WirePrice::PerUnit { unit_amount } => unit_amount,
            _ => 0,
        }
    }
}

/// Pages through a list.
async fn all<T: serde::de::DeserializeOwned + HasListId>(
    client: &StripeClient,
    path: &str,
    query: Form,
) -> Result<Vec<T>, StripeError> {
    let mut out = Vec::new();
    loop {
        let mut page_query = query.clone();
        if let Some(last) = out.last() {
            page_query = page_query.set("starting_after", HasListId::list_id(last));
        }
        let page: List<T> = client.get(path, &page_query).await?;
        let more = page.has_more && !page.data.is_empty();
        out.extend(page.data);
        if !more {
            return Ok(out);
        }
    }
}

trait HasListId {
    fn list_id(&self) -> String;
}

impl HasListId for Product {
    fn list_id(&self) -> String {
        self.id.clone()
    }
}

impl HasListId for serde_json::Value {
    fn list_id(&self) -> String {
        self.get("id")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    }
}

fn plan(price: &super::objects::Price, product: &Product) -> Result<(i64, Plan), String> {
    let recurring = price.recurring.as_ref().ok_or("it is not recurring")?;
    if recurring.usage_type.as_deref() == Some("metered") {
        return Err("a metered price is offered with plans (`metered.rs`), not as one".into());
    }
    let unit_amount = price
        .unit_amount
        .ok_or("only per-unit prices are supported")?;
    let interval = match recurring.interval.as_str() {
        "day" => Interval::Day,
        "week" => Interval::Week,
        "month" => Interval::Month,
        "year" => Interval::Year,
        other => return Err(format!("unknown interval `{other}`")),
    };
    let currency = Currency::parse(&price.currency)?;
    let name = price
        .metadata
        .get("portico_name")
        .or(price.nickname.as_ref())
        .unwrap_or(&product.name)
        .clone();
    let order = price
        .metadata
        .get("portico_order")
        .and_then(|o| o.parse().ok())
        .unwrap_or(i64::MAX);
    let features = product
        .metadata
        .get("portico_features")
        .map(|f| {
            f.split(';')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Ok((
        order,
        Plan {
            id: price.id.clone(),
            name,
            description: product.description.clone(),
            currency,
            interval,
            interval_count: recurring.interval_count,
            trial_days: recurring.trial_period_days.unwrap_or(0),
            features,
            items: vec![PlanItem {
                product: CatalogProduct {
                    id: product.id.clone(),
                    name: product.name.clone(),
                    unit_label: product
                        .metadata
                        .get("portico_unit_label")
                        .cloned()
                        .or_else(|| product.unit_label.clone()),
                },
                price: WirePrice::PerUnit { unit_amount },
            }],
            metered: Vec::new(),
        },
    ))
}
