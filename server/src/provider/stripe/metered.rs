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
mod tests {
    use super::*;
    use crate::catalog::PlanItem;
    use portico_wire::embed::Interval;

    fn plan(id: &str, currency: &str, interval: Interval) -> Plan {
        Plan {
            id: id.into(),
            name: id.into(),
            description: None,
            currency: Currency::parse(currency).unwrap(),
            interval,
            interval_count: 1,
            trial_days: 0,
            features: Vec::new(),
            items: Vec::<PlanItem>::new(),
            metered: Vec::new(),
        }
    }

    fn price(json: serde_json::Value) -> (Price, Product) {
        let product: Product = serde_json::from_value(serde_json::json!({
            "id": "prod_app", "name": "App", "active": true,
            "metadata": {"portico_service": "acme"}
        }))
        .unwrap();
        (serde_json::from_value(json).unwrap(), product)
    }

    fn metered_price(metadata: serde_json::Value) -> serde_json::Value {
        serde_json::json!({
            "id": "price_calls", "product": "prod_app", "currency": "usd", "unit_amount": 2,
            "recurring": {"interval": "month", "usage_type": "metered"}, "metadata": metadata
        })
    }

    fn subscription(prices: &[&str]) -> Subscription {
        let items: Vec<_> = prices
            .iter()
            .enumerate()
            .map(|(i, p)| {
                serde_json::json!({"id": format!("si_{i}"), "quantity": 1,
                "price": {"id": p, "product": "prod_app", "currency": "usd"}})
            })
            .collect();
        serde_json::from_value(serde_json::json!({
            "id": "sub_1", "customer": "cus_1", "status": "active", "items": {"data": items}
        }))
        .unwrap()
    }

    #[test]
    fn a_metered_price_goes_to_the_plans_of_its_currency_and_interval() {
        let (calls, product) = price(metered_price(
            serde_json::json!({"portico_meter": "api_calls"}),
        ));
        let offer = offer(&calls, &product).unwrap().expect("a metered offer");
        let mut plans = BTreeMap::from([(
            "acme".to_owned(),
            vec![
                plan("basic", "usd", Interval::Month),
                plan("euro", "eur", Interval::Month),
                plan("yearly", "usd", Interval::Year),
            ],
        )]);
        attach(&mut plans, &[offer]);
        let priced: Vec<(&str, Vec<&str>)> = plans["acme"]
            .iter()
            .map(|p| (p.id.as_str(), provider_prices(p)))
            .collect();
        assert_eq!(
            priced,
            [
                ("basic", vec!["price_calls"]),
                ("euro", vec![]),
                ("yearly", vec![])
            ]
        );
        assert_eq!(plans["acme"][0].metered[0].meter.key, "api_calls");
    }

    #[test]
    fn portico_plans_limits_a_metered_price_and_a_licensed_price_is_no_offer() {
        let (calls, product) = price(metered_price(
            serde_json::json!({"portico_meter": "api_calls", "portico_plans": "pro; max"}),
        ));
        let limited = offer(&calls, &product).unwrap().unwrap();
        let mut plans = BTreeMap::from([(
            "acme".to_owned(),
            vec![
                plan("basic", "usd", Interval::Month),
                plan("pro", "usd", Interval::Month),
            ],
        )]);
        attach(&mut plans, &[limited]);
        assert!(plans["acme"][0].metered.is_empty());
        assert_eq!(provider_prices(&plans["acme"][1]), ["price_calls"]);

        let (licensed, product) = price(serde_json::json!({
            "id": "basic", "product": "prod_app", "currency": "usd", "unit_amount": 1000,
            "recurring": {"interval": "month"}
        }));
        assert!(offer(&licensed, &product).unwrap().is_none());
        let (unnamed, product) = price(metered_price(serde_json::json!({})));
        assert!(offer(&unnamed, &product).is_err(), "a meter must be named");
    }

    #[test]
    fn a_change_deletes_the_metered_items_the_new_plan_lacks_and_adds_its_own() {
        let (calls, product) = price(metered_price(
            serde_json::json!({"portico_meter": "api_calls"}),
        ));
        let mut plans =
            BTreeMap::from([("acme".to_owned(), vec![plan("pro", "usd", Interval::Month)])]);
        attach(&mut plans, &[offer(&calls, &product).unwrap().unwrap()]);
        let pro = &plans["acme"][0];
        let sub = subscription(&["basic", "price_gpus"]);
        let form = item_changes(
            Form::new(),
            &sub,
            pro,
            super::super::dialect::Dialect::Stripe,
            "items",
            1,
        );
        let pairs: Vec<(&str, &str)> = form
            .pairs()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("items[1][id]", "si_1"),
                ("items[1][deleted]", "true"),
                ("items[2][price]", "price_calls"),
            ]
        );
        // The same metered price on both plans: nothing to change.
        let kept = subscription(&["basic", "price_calls"]);
        let form = item_changes(
            Form::new(),
            &kept,
            pro,
            super::super::dialect::Dialect::Stripe,
            "items",
            1,
        );
        assert!(form.pairs().is_empty());
        // And the portal prices usage at it.
        let priced = items(pro, &kept);
        assert_eq!(priced.len(), 1);
        assert_eq!(priced[0].meter, "api_calls");
        assert!(items(pro, &subscription(&["basic"])).is_empty());
    }

    #[test]
    fn a_usage_event_becomes_a_meter_event_named_after_its_meter() {
        let event = EventRow {
            event_id: "evt_42".into(),
            customer_id: "cus_1".into(),
            meter: "api_calls".into(),
            quantity: 120,
            timestamp: 1_700_000_000,
            unique_value: None,
        };
        let form = meter_event(&event);
        let pairs: Vec<(&str, &str)> = form
            .pairs()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("event_name", "api_calls"),
                ("identifier", "evt_42"),
                ("timestamp", "1700000000"),
                ("payload[stripe_customer_id]", "cus_1"),
                ("payload[value]", "120"),
            ]
        );
    }
}

#[cfg(test)]
mod subscription_tests {
    use crate::catalog::Catalog;
    use portico_wire::ServiceName;

    const CATALOG: &str = r#"
[[products]]
id = "prod_app"
name = "App"
unit_label = "seat"

[[plans]]
id = "basic"
name = "Basic"
currency = "usd"
interval = "month"
items = [{ product = "prod_app", unit_amount = 1000 }]
metered = [{ meter = "api_calls", unit_amount = 2 }]

[[services]]
name = "acme"
mode = "test"
plans = ["basic"]
meters = ["api_calls"]

[[meters]]
key = "api_calls"
name = "API calls"
unit = "calls"
"#;

    #[test]
    fn a_stripe_subscription_shows_its_metered_item_as_metered_not_as_seats() {
        let catalog = Catalog::from_toml(CATALOG).unwrap();
        let mut service = catalog
            .service(&ServiceName::parse("acme").unwrap())
            .unwrap()
            .clone();
        service.plans[0].metered[0].provider_price = Some("price_calls".into());
        let sub: super::Subscription = serde_json::from_value(serde_json::json!({
            "id": "sub_1", "customer": "cus_1", "status": "active", "created": 1,
            "items": {"data": [
                {"id": "si_1", "quantity": 3, "price": {"id": "basic", "product": "prod_app", "currency": "usd"}},
                {"id": "si_2", "price": {"id": "price_calls", "product": "prod_app", "currency": "usd"}},
            ]},
        }))
        .unwrap();
        let wire = super::super::convert::subscription(&sub, &service).unwrap();
        assert_eq!(wire.items.len(), 1);
        assert_eq!(wire.items[0].quantity.get(), 3);
        assert_eq!(wire.metered.len(), 1);
        assert_eq!(wire.metered[0].meter, "api_calls");
        assert_eq!(wire.metered[0].name, "API calls");
    }
}
