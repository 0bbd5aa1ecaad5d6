//! `GET /openapi.json` is a valid OpenAPI document that lists every route.

use crate::helpers::spawn_app;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

/// Every route the server answers, as `METHOD path`.
const ROUTES: &[&str] = &[
    "get /health",
    "post /v1/embed/sessions",
    "get /v1/embed/portal",
    "post /v1/embed/subscriptions",
    "post /v1/embed/subscriptions/{id}/preview",
    "post /v1/embed/subscriptions/{id}/change",
    "post /v1/embed/subscriptions/{id}/cancel",
    "post /v1/embed/subscriptions/{id}/resume",
    "post /v1/embed/subscriptions/{id}/resubscribe",
    "post /v1/embed/payment_methods",
    "get /v1/embed/invoices",
    "get /v1/embed/invoices/{id}",
    "get /v1/embed/invoices/{id}/pdf",
    "get /v1/invoices/{id}",
    "get /v1/invoices/{id}/pdf",
    "post /v1/embed/customer",
    "post /v1/test_helpers/test_clocks/advance",
    "post /v1/events",
    "get /v1/embed/usage",
    "get /v1/embed/wallets",
    "get /v1/wallets",
    "post /v1/wallets",
    "get /v1/wallets/{id}",
    "post /v1/wallets/{id}/credits",
    "get /v1/wallets/{id}/transactions",
    "get /v1/billing_portal/configurations",
    "post /v1/billing_portal/configurations",
    "get /v1/billing_portal/configurations/{id}",
    "post /v1/billing_portal/configurations/{id}",
    "post /v1/billing_portal/sessions",
    "get /v1/customers/portal/{external_id}",
    "post /v1/embed/setup_intents",
    "post /v1/embed/setup_intents/{id}/complete",
    "post /v1/stripe/webhooks",
    "get /v1/provider_events",
    "get /p/session/{login}",
    "get /p/portal",
    "get /ready",
];

#[tokio::test]
async fn the_document_is_valid_and_lists_every_route() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.unwrap();
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        document["openapi"]
    );

    let mut listed: Vec<String> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| format!("{method} {path}"))
        })
        .collect();
    listed.sort();
    let mut expected: Vec<String> = ROUTES.iter().map(|r| (*r).to_owned()).collect();
    expected.sort();
    assert_eq!(listed, expected);

    // The shapes that matter to integrators are there, and secured as they are served.
    let schemas = &document["components"]["schemas"];
    for schema in [
        "ErrorBody",
        "Configuration",
        "Session",
        "Portal",
        "PortalToken",
        "ConfigurationParams",
    ] {
        assert!(schemas[schema].is_object(), "no schema {schema}");
    }
    // Open enums are strings: their `Unknown` fallback is no object on the wire.
    for open in [
        "ErrorCode",
        "ErrorType",
        "SubscriptionStatus",
        "InvoiceStatus",
        "CancellationFeedback",
    ] {
        assert_eq!(schemas[open]["type"], "string", "{open}: {}", schemas[open]);
    }
    let codes = schemas["ErrorCode"]["enum"].as_array().unwrap();
    assert!(codes.contains(&serde_json::json!("feature_disabled")));
    assert!(
        !serde_json::to_string(schemas)
            .unwrap()
            .contains(r#""unknown""#)
    );
    let configurations = &document["paths"]["/v1/billing_portal/configurations"]["post"];
    assert_eq!(
        configurations["security"][0]["secret_key"],
        serde_json::json!([])
    );
    assert!(
        configurations["requestBody"]["content"]["application/x-www-form-urlencoded"].is_object()
    );
    assert_eq!(
        document["components"]["securitySchemes"]["session_token"]["name"],
        "x-session-token"
    );

    // And an independent validator agrees it is valid OpenAPI.
    let validator =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tools/venv/bin/openapi-spec-validator");
    assert!(
        validator.is_file(),
        "{} is missing: run `cargo xtask setup`, which installs it",
        validator.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, serde_json::to_vec_pretty(&document).unwrap()).unwrap();
    let checked = Command::new(&validator).arg(&file).output().unwrap();
    assert!(
        checked.status.success(),
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
}
