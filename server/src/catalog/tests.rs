use super::*;

const GOOD: &str = r#"
[[products]]
id = "base"
name = "Platform"

[[products]]
id = "seats"
name = "Seats"
unit_label = "seat"

[[plans]]
id = "team"
name = "Team"
currency = "USD"
interval = "month"
items = [{ product = "base", unit_amount = 2000 }, { product = "seats", unit_amount = 500 }]

[[services]]
name = "acme"
mode = "live"
allowed_origins = ["https://App.Example.com/"]
plans = ["team"]
"#;

fn error_of(text: &str) -> String {
    Catalog::from_toml(text)
        .expect_err("catalog should be rejected")
        .to_string()
}

#[test]
fn loads_a_valid_catalog() {
    let catalog = Catalog::from_toml(GOOD).unwrap();
    let service = catalog
        .service(&ServiceName::parse("acme").unwrap())
        .unwrap();
    assert_eq!(service.mode, Mode::Live);
    assert!(service.allowed_origins.contains("https://app.example.com"));
    assert!(catalog.any_service_allows("https://app.example.com"));
    assert!(!catalog.any_service_allows("https://evil.example.com"));
    let plan = service.plan("team").unwrap();
    assert_eq!(plan.currency.as_str(), "usd");
    assert_eq!(plan.interval_count, 1);
    assert_eq!(
        service.unit_labels().into_iter().collect::<Vec<_>>(),
        vec!["seat"]
    );
}

#[test]
fn unknown_product_names_the_key() {
    let text = GOOD.replace(r#"product = "seats""#, r#"product = "sets""#);
    let err = error_of(&text);
    assert!(
        err.contains("plans[0].items[1].product") && err.contains("sets"),
        "{err}"
    );
}

#[test]
fn unknown_plan_and_bad_mode_name_the_key() {
    assert!(
        error_of(&GOOD.replace(r#"plans = ["team"]"#, r#"plans = ["gold"]"#))
            .contains("services[0].plans[0]")
    );
    assert!(
        error_of(&GOOD.replace(r#"mode = "live""#, r#"mode = "prod""#))
            .contains("services[0].mode")
    );
    assert!(
        error_of(&GOOD.replace("https://App.Example.com/", "app.example.com"))
            .contains("allowed_origins[0]")
    );
    assert!(
        error_of(&GOOD.replace(r#"interval = "month""#, r#"interval = "fortnight""#))
            .contains("plans[0].interval")
    );
}

#[test]
fn typos_in_keys_are_syntax_errors_with_the_key() {
    let err = error_of(&GOOD.replace("unit_label", "unit_lable"));
    assert!(err.contains("unit_lable"), "{err}");
}

#[test]
fn tiered_prices_load_and_bad_tiers_name_the_key() {
    let tiered = GOOD.replace(
        r#"{ product = "seats", unit_amount = 500 }"#,
        r#"{ product = "seats", tiers_mode = "graduated", tiers = [{ up_to = 5, unit_amount = 500 }, { up_to = "inf", unit_amount = 300 }] }"#,
    );
    let catalog = Catalog::from_toml(&tiered).unwrap();
    let plan = catalog
        .service(&ServiceName::parse("acme").unwrap())
        .unwrap()
        .plan("team")
        .unwrap();
    assert_eq!(plan.items[1].price.amount(7), 5 * 500 + 2 * 300);

    let no_mode = tiered.replace(r#"tiers_mode = "graduated", "#, "");
    assert!(error_of(&no_mode).contains("plans[0].items[1].tiers_mode"));
    let bounded_last = tiered.replace(r#"up_to = "inf""#, "up_to = 9");
    assert!(error_of(&bounded_last).contains("plans[0].items[1].tiers"));
    let bad_word = tiered.replace(r#"up_to = "inf""#, r#"up_to = "infinity""#);
    assert!(error_of(&bad_word).contains("plans[0].items[1].tiers[1].up_to"));
    let both = tiered.replace(
        r#"product = "seats", "#,
        r#"product = "seats", unit_amount = 1, "#,
    );
    assert!(error_of(&both).contains("both"));
    let none = GOOD.replace(
        r#"{ product = "seats", unit_amount = 500 }"#,
        r#"{ product = "seats" }"#,
    );
    assert!(error_of(&none).contains("needs a price"));
    let negative = GOOD.replace("unit_amount = 500", "unit_amount = -5");
    assert!(error_of(&negative).contains("plans[0].items[1].unit_amount"));
}

#[test]
fn metered_prices_name_a_catalog_meter_once_per_plan() {
    let metered = format!(
        "{}\n{}",
        GOOD.replace(
            "items = [{ product = \"base\", unit_amount = 2000 }, { product = \"seats\", unit_amount = 500 }]",
            "items = [{ product = \"base\", unit_amount = 2000 }, { product = \"seats\", unit_amount = 500 }]\n\
             metered = [{ meter = \"api_calls\", tiers_mode = \"graduated\", tiers = [{ up_to = 1000, unit_amount = 0 }, { up_to = \"inf\", unit_amount = 2 }] }]",
        ),
        "[[meters]]\nkey = \"api_calls\"\nname = \"API calls\"\nunit = \"calls\"\n"
    );
    let catalog = Catalog::from_toml(&metered).unwrap();
    let plan = catalog
        .service(&ServiceName::parse("acme").unwrap())
        .unwrap()
        .plan("team")
        .unwrap();
    assert_eq!(plan.metered.len(), 1);
    assert_eq!(plan.metered[0].meter.unit, "calls");
    assert_eq!(plan.metered[0].price.amount(2500), 3000);

    let unknown = metered.replace("meter = \"api_calls\"", "meter = \"gpu\"");
    assert!(error_of(&unknown).contains("plans[0].metered[0].meter"));
    let twice = metered.replace(
        "metered = [{ meter = \"api_calls\",",
        "metered = [{ meter = \"api_calls\", unit_amount = 1 }, { meter = \"api_calls\",",
    );
    assert!(error_of(&twice).contains("plans[0].metered[1].meter"));
    let unpriced = metered.replace(
        ", tiers_mode = \"graduated\", tiers = [{ up_to = 1000, unit_amount = 0 }, { up_to = \"inf\", unit_amount = 2 }]",
        "",
    );
    assert!(error_of(&unpriced).contains("needs a price"));
}
