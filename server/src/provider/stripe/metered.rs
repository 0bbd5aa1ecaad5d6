//! Metered prices on Stripe. A recurring price with `usage_type=metered` on a
//! product marked for a service, whose metadata names a Portico meter
//! (`portico_meter`), is offered with that service's plans of its currency and
//! interval (or only those its `portico_plans` lists, `;`-separated). A
//! subscription to such a plan gets an item for it; the usage Portico records
//! is reported to Stripe as meter events named after the meter's key (the
//! Stripe meter's `event_name` must be that key), and Stripe bills it in
//! arrears. The portal prices the usage it shows at the same price.

use super::client::Form;
use super::objects::{Price, Product, Subscription};
use super::{Stripe, catalog::SERVICE_KEY};
use crate::billing::state::MeteredItem;
use crate::catalog::{Meter, MeteredPrice, Plan, Service};
use crate::provider::ProviderResult;
use crate::store::EventRow;
use portico_wire::price::Price as WirePrice;
use portico_wire::usage::Aggregation;
use portico_wire::{Currency, CustomerRef};
use std::collections::BTreeMap;

/// The price metadata naming the Portico meter a metered price bills.
pub const METER_KEY: &str = "portico_meter";
/// The price metadata restricting it to some plans (price ids, `;`-separated).
pub const PLANS_KEY: &str = "portico_plans";

/// A metered price of a service, before it is given to its plans.
#[derive(Debug, Clone)]
pub struct Offer {
    pub service: String,
    price_id: String,
    meter: String,
    unit_amount: i64,
    currency: String,
    interval: String,
    interval_count: u32,
    plans: Option<Vec<String>>,
}

/// The offer a price makes, if it is a metered one: `Ok(None)` for a licensed
/// price, `Err` (logged by the caller) for a metered one Portico cannot offer.
pub fn offer(price: &Price, product: &Product) -> Result<Option<Offer>, String> {
    let Some(recurring) = &price.recurring else {
        return Ok(None);
    };
    if recurring.usage_type.as_deref() != Some("metered") {
        return Ok(None);
    }
    let meter = price
        .metadata
        .get(METER_KEY)
        .ok_or("a metered price needs `metadata[portico_meter]`, the Portico meter it bills")?;
    let unit_amount = price
        .unit_amount
        .ok_or("only per-unit metered prices are supported")?;
    Ok(Some(Offer {
        service: product.metadata[SERVICE_KEY].clone(),
        price_id: price.id.clone(),
        meter: meter.clone(),
        unit_amount,
        currency: price.currency.to_lowercase(),
        interval: recurring.interval.clone(),
        interval_count: recurring.interval_count,
        plans: price.metadata.get(PLANS_KEY).map(|list| {
            list.split(';')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect()
        }),
    }))
}

/// Gives each offer to the plans of its service it fits. The meter is named by
/// key only; the catalog file defines it (`Catalog::with_meters`).
pub fn attach(plans: &mut BTreeMap<String, Vec<Plan>>, offers: &[Offer]) {
    for offer in offers {
        let Some(service_plans) = plans.get_mut(&offer.service) else {
            continue;
        };
        for plan in service_plans.iter_mut().filter(|plan| fits(offer, plan)) {
            plan.metered.push(MeteredPrice {
                meter: Meter {
                    key: offer.meter.clone(),
                    name: offer.meter.clone(),
                    unit: String::new(),
                    aggregation: Aggregation::Sum,
                    unique_property: None,
                    group: None,
                },
                price: WirePrice::PerUnit {
                    unit_amount: offer.unit_amount,
                },
                provider_price: Some(offer.price_id.clone()),
            });
        }
    }
}

fn fits(offer: &Offer, plan: &Plan) -> bool {
    let interval = serde_json::to_value(plan.interval)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    Currency::parse(&offer.currency).is_ok_and(|c| c == plan.currency)
        && offer.interval == interval
        && offer.interval_count == plan.interval_count
        && offer
            .plans
            .as_ref()
            .is_none_or(|only| only.iter().any(|id| id == &plan.id))
}

/// The Stripe prices of a plan's metered items.
pub fn provider_prices(plan: &Plan) -> Vec<&str> {
    plan.metered
        .iter()
        .filter_map(|m| m.provider_price.as_deref())
        .collect()
}

/// The item changes that make a subscription's metered items `to`'s: those
/// `to` does not price are deleted, the ones it adds are added, from index
/// `first` of the form's `prefix` list (index 0 is the plan's price).
pub fn item_changes(
    form: Form,
    sub: &Subscription,
    to: &Plan,
    dialect: super::dialect::Dialect,
    prefix: &str,
    first: usize,
) -> Form {
    let wanted = provider_prices(to);
    let current: Vec<_> = sub.items.data.iter().skip(1).collect();
    let mut form = form;
    let mut index = first;
    for item in current
        .iter()
        .filter(|i| i.price_id().is_none_or(|id| !wanted.contains(&id)))
    {
        form = form
            .set(format!("{prefix}[{index}][id]"), &item.id)
            .set(format!("{prefix}[{index}][deleted]"), "true");
        index += 1;
    }
    for price in wanted
        .iter()
        .filter(|p| !current.iter().any(|i| i.price_id() == Some(**p)))
    {
        form = form.set(dialect.item_price_key(prefix, index), price);
        index += 1;
    }
    form
}

/// What the portal prices usage at: the plan's metered prices that the
/// subscription carries.
pub fn items(plan: &Plan, sub: &Subscription) -> Vec<MeteredItem> {
    plan.metered
        .iter()
        .filter(|m| {
            m.provider_price
                .as_deref()
                .is_some_and(|id| sub.items.data.iter().any(|i| i.price_id() == Some(id)))
        })
        .map(|m| MeteredItem {
            meter: m.meter.key.clone(),
            name: m.meter.name.clone(),
            unit: m.meter.unit.clone(),
            aggregation: m.meter.aggregation,
            price: m.price.clone(),
        })
        .collect()
}

/// One usage event as a Stripe meter event: Stripe de-duplicates by
/// `identifier`, so a retried report counts once.
pub fn meter_event(event: &EventRow) -> Form {
    Form::new()
        .set("event_name", &event.meter)
        .set("identifier", &event.event_id)
        .set("timestamp", event.timestamp)
        .set("payload[stripe_customer_id]", &event.customer_id)
        .set("payload[value]", event.quantity)
}

impl Stripe {
    /// The metered prices of the customer's live subscription in `service`, and
    /// its currency. The subscription's first item is its plan's price; the
    /// metered ones follow it.
    pub(super) async fn live_metered(
        &self,
        who: &CustomerRef,
        service: &Service,
    ) -> ProviderResult<Option<(Vec<MeteredItem>, Currency)>> {
        let Some(customer) = self.find_customer(who).await? else {
            return Ok(None);
        };
        let subs = self.subscriptions_of(&customer, service).await?;
        let Some(live) = subs.iter().find(|s| !super::subscriptions::has_ended(s)) else {
            return Ok(None);
        };
        let Some(plan) = live
            .items
            .data
            .first()
            .and_then(|i| i.price_id())
            .and_then(|id| service.plan(id))
        else {
            return Ok(None);
        };
        let items = items(plan, live);
        Ok((!items.is_empty()).then(|| (items, plan.currency.clone())))
    }

    /// Reports usage to Stripe's meters. localstripe has none: there the usage
    /// is kept and shown by Portico only (README, the test peer).
    pub(super) async fn report(&self, events: &[EventRow]) -> ProviderResult<()> {
        if !self.dialect.has_meters() {
            return Ok(());
        }
        for event in events {
            let _: serde_json::Value = self
                .client
                .post("/v1/billing/meter_events", &meter_event(event), None)
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
