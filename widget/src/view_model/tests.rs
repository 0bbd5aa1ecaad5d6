use super::*;
use crate::i18n::Locale;
use portico_wire::embed::{Interval, PlanItem, SubscriptionItem};
use portico_wire::ids::{CustomerId, SubscriptionId, SubscriptionItemId};
use portico_wire::price::{Tier, Tiers};
use portico_wire::{Currency, Quantity};

fn team_plan() -> Plan {
    Plan {
        id: "team".into(),
        name: "Team".into(),
        description: None,
        currency: Currency::parse("usd").unwrap(),
        interval: Interval::Month,
        interval_count: 1,
        trial_days: 14,
        features: vec!["SSO".into()],
        metered: Vec::new(),
        items: vec![
            PlanItem {
                product: "base".into(),
                product_name: "Base".into(),
                unit_label: None,
                price: Price::per_unit(2000).unwrap(),
            },
            PlanItem {
                product: "seats".into(),
                product_name: "Seats".into(),
                unit_label: Some("seat".into()),
                price: Price::per_unit(500).unwrap(),
            },
        ],
    }
}

fn subscription(status: SubscriptionStatus) -> Subscription {
    Subscription {
        id: SubscriptionId::from_suffix("abc"),
        object: "subscription".into(),
        customer: CustomerId::from_suffix("c1"),
        service: "acme".into(),
        plan: "team".into(),
        status,
        currency: Currency::parse("usd").unwrap(),
        interval: Interval::Month,
        interval_count: 1,
        metered: Vec::new(),
        items: vec![SubscriptionItem {
            id: SubscriptionItemId::from_suffix("i1"),
            product: "seats".into(),
            unit_label: Some("seat".into()),
            quantity: Quantity::new(3).unwrap(),
            price: Price::per_unit(500).unwrap(),
        }],
        current_period_start: 1_795_305_600,
        current_period_end: 1_795_305_600 + 30 * 86_400,
        trial_end: Some(1_795_305_600 + 14 * 86_400),
        cancel_at_period_end: false,
        cancel_at: None,
        canceled_at: None,
        ended_at: None,
        cancellation_details: None,
        pending_update: None,
        latest_invoice: None,
        created: 1_795_305_600,
        livemode: false,
    }
}

#[test]
fn plan_card_prices_at_the_page_quantity() {
    let three = QuantityOption::All(Quantity::new(3).unwrap());
    let card = plan_card(&team_plan(), Some(&three), Locale::En);
    assert_eq!(card.price, "$35.00");
    assert_eq!(card.per_interval, "per month");
    assert_eq!(card.unit_lines, vec!["3 seats × $5.00"]);
    assert_eq!(card.trial.as_deref(), Some("14-day free trial"));
}

#[test]
fn tiered_items_show_their_total_and_scheme() {
    let mut plan = team_plan();
    let tier = |up_to, unit_amount| Tier {
        up_to,
        unit_amount,
        flat_amount: 0,
    };
    let tiers = Tiers::new(
        TiersMode::Graduated,
        vec![tier(Some(5), 500), tier(None, 300)],
    )
    .unwrap();
    plan.items[1].price = Price::Tiered(tiers);
    let seven = QuantityOption::All(Quantity::new(7).unwrap());
    let card = plan_card(&plan, Some(&seven), Locale::En);
    assert_eq!(card.unit_lines, vec!["7 seats: $31.00 (graduated pricing)"]);
    assert_eq!(card.price, "$51.00");
}

#[test]
fn subscription_card_lines() {
    let active = subscription_card(
        &subscription(SubscriptionStatus::Active),
        &[team_plan()],
        Locale::En,
    );
    assert_eq!(active.plan_name, "Team");
    assert_eq!(active.status, "Active");
    assert_eq!(active.amount, "$15.00 per month");
    assert_eq!(active.period_line, "Renews on Dec 22, 2026");
    let trial = subscription_card(&subscription(SubscriptionStatus::Trialing), &[], Locale::En);
    assert_eq!(trial.plan_name, "team");
    assert_eq!(trial.period_line, "Trial ends on Dec 6, 2026");
}

#[test]
fn unknown_unit_labels_are_a_config_error() {
    let plans = [team_plan()];
    let ok = QuantityOption::PerUnitLabel([("seat".to_owned(), Quantity::ONE)].into());
    assert!(check_unit_labels(Some(&ok), &plans).is_ok());
    let bad = QuantityOption::PerUnitLabel([("admin".to_owned(), Quantity::ONE)].into());
    let err = check_unit_labels(Some(&bad), &plans).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidConfig);
    assert!(
        err.message.contains("admin") && err.message.contains("seat"),
        "{}",
        err.message
    );
}

#[test]
fn plan_cards_speak_the_locale() {
    let three = QuantityOption::All(Quantity::new(3).unwrap());
    let card = plan_card(&team_plan(), Some(&three), Locale::De);
    assert_eq!(card.per_interval, "pro Monat");
    assert_eq!(card.trial.as_deref(), Some("14 Tage kostenlos testen"));
    assert_eq!(card.unit_lines, vec!["3 seat × $5.00"]);
    let mut quarterly = team_plan();
    quarterly.interval_count = 3;
    assert_eq!(
        plan_card(&quarterly, None, Locale::Fr).per_interval,
        "tous les 3 mois"
    );
    let title = error_title(&ErrorCode::NetworkError, Locale::Es);
    assert_eq!(title, "No se puede acceder al servicio de facturación");
}

#[test]
fn the_interval_switch_shows_only_when_plans_are_sold_both_ways() {
    let monthly = team_plan();
    let mut yearly = team_plan();
    yearly.id = "team-yearly".into();
    yearly.interval = Interval::Year;
    assert!(!has_interval_switch(std::slice::from_ref(&monthly)));
    let both = [monthly, yearly];
    assert!(has_interval_switch(&both));
    let shown: Vec<String> = plans_for(&both, Interval::Year)
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(shown, vec!["team-yearly"]);
}

#[test]
fn plan_cards_say_what_usage_costs() {
    use portico_wire::embed::MeteredPrice;
    use portico_wire::price::TiersMode;
    use portico_wire::usage::Aggregation;
    let tier = |up_to, unit_amount| Tier {
        up_to,
        unit_amount,
        flat_amount: 0,
    };
    let mut plan = team_plan();
    plan.metered = vec![
        MeteredPrice {
            meter: "api_calls".into(),
            name: "API calls".into(),
            unit: "calls".into(),
            aggregation: Aggregation::Sum,
            price: Price::Tiered(
                Tiers::new(
                    TiersMode::Graduated,
                    vec![tier(Some(10_000), 0), tier(Some(50_000), 2), tier(None, 1)],
                )
                .unwrap(),
            ),
        },
        MeteredPrice {
            meter: "storage_gb".into(),
            name: "Peak storage".into(),
            unit: "GB".into(),
            aggregation: Aggregation::Max,
            price: Price::per_unit(50).unwrap(),
        },
    ];
    let card = plan_card(&plan, None, Locale::En);
    assert_eq!(
        card.usage_lines,
        [
            "API calls (billed on usage): up to 10000 calls included, up to 50000 calls at $0.02 each, then $0.01 each",
            "Peak storage (billed on usage): $0.50 each",
        ]
    );
    // Usage is billed afterwards: the card's price is the fixed part only.
    assert_eq!(card.price, "$25.00");
}
