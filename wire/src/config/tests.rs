use super::*;

/// What the widget does with `JSON.stringify(config)`, natively.
fn parse(json: &str) -> Result<EmbedConfig, ConfigError> {
    let value: ConfigValue = serde_json::from_str(json).expect("test JSON is valid");
    EmbedConfig::from_value(value)
}

fn claim(config: &EmbedConfig) -> (&CustomerRef, &ServiceName, Option<&str>) {
    match &config.identity {
        Identity::Claim {
            customer,
            service,
            subscription_id,
            ..
        } => (customer, service, subscription_id.as_deref()),
        Identity::Session(_) => panic!("expected a claim"),
    }
}

fn field_of(json: &str) -> String {
    parse(json).expect_err("config should be rejected").field
}

#[test]
fn minimal_email_config() {
    let config = parse(r#"{"email":"Ada@Example.com ","service":"Acme"}"#).unwrap();
    let (customer, service, _) = claim(&config);
    let email = customer.email().unwrap();
    assert_eq!(email.as_passed(), "Ada@Example.com ");
    assert_eq!(email.normalized(), "ada@example.com");
    assert_eq!(service.as_str(), "Acme");
    assert_eq!(config.quantity, None);
}

#[test]
fn full_billflow_config() {
    let config = parse(
        r##"{"customer_id":"cus_FtWXI6U0YxebLd","service":"Your Service",
            "hash":"0709C7F107ED6326AAEAA3810330834870591F3924943E7BCE66A826AC532045",
            "subscription_id":"sub_I9cJJypSQHOfzl","locale":"de","theme":{"accent":"#f00"},
            "options":{"quantity":{"super_user":3,"user":5}}}"##,
    )
    .unwrap();
    let (customer, _, subscription_id) = claim(&config);
    assert_eq!(customer.customer_id(), Some("cus_FtWXI6U0YxebLd"));
    assert_eq!(subscription_id, Some("sub_I9cJJypSQHOfzl"));
    assert_eq!(config.locale.as_deref(), Some("de"));
    let theme = config.theme.unwrap();
    assert_eq!(theme.properties["--portico-accent"], "#f00");
    assert_eq!(theme.mode, ThemeMode::Light);
    match config.quantity {
        Some(QuantityOption::PerUnitLabel(map)) => {
            assert_eq!(map["user"].get(), 5);
            assert_eq!(map["super_user"].get(), 3);
        }
        other => panic!("unexpected quantity {other:?}"),
    }
}

#[test]
fn exactly_one_of_email_and_customer_id() {
    assert_eq!(field_of(r#"{"service":"s"}"#), "email");
    let both = parse(r#"{"service":"s","email":"a@b.co","customer_id":"x"}"#).unwrap_err();
    assert!(both.message.contains("both"), "{both}");
    assert_eq!(
        field_of(r#"{"service":"s","customer_id":"  "}"#),
        "customer_id"
    );
}

#[test]
fn malformed_emails_are_rejected() {
    for email in [
        "",
        "plain",
        "a@b",
        "a b@c.com",
        "@c.com",
        "a@-c.com",
        "a@c..com",
    ] {
        let json = serde_json::json!({"service": "s", "email": email}).to_string();
        assert_eq!(field_of(&json), "email", "{email:?} should be rejected");
    }
}

#[test]
fn quantity_must_be_a_positive_integer() {
    for bad in ["0", "-1", "2.5", "1e300", "\"3\"", "true", "[1]"] {
        let json = format!(r#"{{"service":"s","email":"a@b.co","options":{{"quantity":{bad}}}}}"#);
        assert_eq!(
            field_of(&json),
            "options.quantity",
            "{bad} should be rejected"
        );
    }
    let nested = r#"{"service":"s","email":"a@b.co","options":{"quantity":{"seat":0}}}"#;
    assert_eq!(field_of(nested), "options.quantity.seat");
    let message = parse(r#"{"service":"s","email":"a@b.co","options":{"quantity":-1}}"#)
        .unwrap_err()
        .message;
    assert!(
        message.starts_with("must be a positive integer, not -1"),
        "{message}"
    );
    // JavaScript cannot tell 7 from 7.0: both are the integer 7.
    let ok = parse(r#"{"service":"s","email":"a@b.co","options":{"quantity":7.0}}"#).unwrap();
    assert_eq!(
        ok.quantity,
        Some(QuantityOption::All(Quantity::new(7).unwrap()))
    );
}

#[test]
fn service_is_required() {
    assert_eq!(field_of(r#"{"email":"a@b.co"}"#), "service");
    assert_eq!(field_of(r#"{"email":"a@b.co","service":""}"#), "service");
    assert_eq!(field_of(r#"{"email":"a@b.co","service":7}"#), "service");
}

#[test]
fn handle_response_that_survives_stringify_is_not_a_function() {
    let json = r#"{"email":"a@b.co","service":"s","handleResponse":"callback"}"#;
    assert_eq!(field_of(json), "handleResponse");
    // `null` means "not given", for this key as for the others.
    assert!(parse(r#"{"email":"a@b.co","service":"s","handleResponse":null}"#).is_ok());
}

#[test]
fn hash_shape_and_other_types() {
    assert_eq!(
        field_of(r#"{"email":"a@b.co","service":"s","hash":"abc"}"#),
        "hash"
    );
    assert_eq!(
        field_of(r#"{"email":"a@b.co","service":"s","options":3}"#),
        "options"
    );
    assert_eq!(
        field_of(r#"{"email":"a@b.co","service":"s","theme":"dark"}"#),
        "theme"
    );
    assert_eq!(
        field_of(r#"{"email":"a@b.co","service":"s","theme":{"accent":3}}"#),
        "theme.accent"
    );
    assert_eq!(field_of("[1,2]"), "config");
}

#[test]
fn theme_keys_modes_and_values_are_checked() {
    let config = parse(
        r##"{"email":"a@b.co","service":"s","theme":{"mode":"dark","accent_text":"#fff","radius":"4px"}}"##,
    )
    .unwrap();
    let theme = config.theme.unwrap();
    assert_eq!(theme.mode, ThemeMode::Dark);
    assert_eq!(theme.properties["--portico-accent-text"], "#fff");
    assert_eq!(theme.properties["--portico-radius"], "4px");
    assert_eq!(
        field_of(r#"{"email":"a@b.co","service":"s","theme":{"colour":"red"}}"#),
        "theme.colour"
    );
    assert_eq!(
        field_of(r#"{"email":"a@b.co","service":"s","theme":{"mode":"night"}}"#),
        "theme.mode"
    );
    assert_eq!(
        field_of(
            r#"{"email":"a@b.co","service":"s","theme":{"accent":"red; background: url(x)"}}"#
        ),
        "theme.accent"
    );
}

#[test]
fn signable_forms_include_the_normalized_email() {
    let customer = CustomerRef::from_parts(Some(" Ada@Example.com"), None).unwrap();
    assert_eq!(
        customer.signable_forms(),
        vec![" Ada@Example.com", "ada@example.com"]
    );
    let plain = CustomerRef::from_parts(Some("ada@example.com"), None).unwrap();
    assert_eq!(plain.signable_forms(), vec!["ada@example.com"]);
}

#[test]
fn error_display_names_the_key() {
    let err = parse(r#"{"email":"a@b.co"}"#).unwrap_err();
    assert!(err.to_string().starts_with("`service` "), "{err}");
}

#[test]
fn hosted_session_config() {
    let config = parse(r#"{"session":"pst_abc","locale":"fr"}"#).unwrap();
    assert_eq!(config.identity, Identity::Session("pst_abc".into()));
    assert_eq!(config.locale.as_deref(), Some("fr"));
    assert_eq!(
        field_of(r#"{"session":"pst_abc","email":"a@b.co","service":"x"}"#),
        "email"
    );
}

#[test]
fn emails_fold_ascii_case_only() {
    let ada = Email::parse("  Ada@Example.COM ").unwrap();
    assert_eq!(ada.normalized(), "ada@example.com");
    // The Kelvin sign is not a `K`: folding it would merge two identities.
    let kelvin = Email::parse("\u{212A}i@x.com").unwrap();
    assert_eq!(kelvin.normalized(), "\u{212A}i@x.com");
    assert_ne!(
        kelvin.normalized(),
        Email::parse("ki@x.com").unwrap().normalized()
    );
}
