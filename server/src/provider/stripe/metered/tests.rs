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

mod subscriptions {
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
        let sub: super::super::Subscription = serde_json::from_value(serde_json::json!({
            "id": "sub_1", "customer": "cus_1", "status": "active", "created": 1,
            "items": {"data": [
                {"id": "si_1", "quantity": 3, "price": {"id": "basic", "product": "prod_app", "currency": "usd"}},
                {"id": "si_2", "price": {"id": "price_calls", "product": "prod_app", "currency": "usd"}},
            ]},
        }))
        .unwrap();
        let wire = super::super::super::convert::subscription(&sub, &service).unwrap();
        assert_eq!(wire.items.len(), 1);
        assert_eq!(wire.items[0].quantity.get(), 3);
        assert_eq!(wire.metered.len(), 1);
        assert_eq!(wire.metered[0].meter, "api_calls");
        assert_eq!(wire.metered[0].name, "API calls");
    }
}
