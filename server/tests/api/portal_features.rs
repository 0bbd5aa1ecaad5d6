//! The portal configuration switches the widget API's features off, not only the
//! widget's buttons.

use crate::helpers::{HOST_ORIGIN, error_of, spawn_app};
use crate::portal_sessions::customer;
use serde_json::{Value, json};

#[tokio::test]
async fn the_configuration_switches_widget_features_off_in_the_api_too() {
    let app = spawn_app().await;
    let (_, subscription, token) = customer(&app, json!({"email": "di@example.com"})).await;
    app.configure_default(json!({
        "features": {
            "invoice_history": {"enabled": false},
            "payment_method_update": {"enabled": false},
            "customer_update": {"allowed_updates": ["name"]},
            "subscription_update": {"products": [{"product": "app", "prices": ["basic"]}]},
            "subscription_cancel": {"cancellation_reason": {"options": ["unused"]}},
        },
        "business_profile": {"headline": "Acme billing"},
    }))
    .await;
    let portal = app.get_json("/v1/embed/portal", &token).await;
    assert_eq!(portal["features"]["invoice_history"]["enabled"], false);
    assert_eq!(portal["business_profile"]["headline"], "Acme billing");
    assert!(portal["payment_method"].is_null());
    let refused = |response: reqwest::Response| async move { error_of(response, 403).await };
    let get = app
        .client
        .get(app.url("/v1/embed/invoices"))
        .header("origin", HOST_ORIGIN)
        .header("x-session-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused(get).await.0, "feature_disabled");
    let card =
        json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"});
    assert_eq!(
        refused(
            app.post_json("/v1/embed/payment_methods", Some(&token), card)
                .await
        )
        .await
        .0,
        "feature_disabled"
    );
    let response = app
        .post_json(
            "/v1/embed/customer",
            Some(&token),
            json!({"email": "x@example.com"}),
        )
        .await;
    assert_eq!(
        refused(response).await,
        ("feature_disabled".to_owned(), Some("email".to_owned()))
    );
    assert_eq!(
        app.post_json("/v1/embed/customer", Some(&token), json!({"name": "Di"}))
            .await
            .status(),
        200
    );
    let change = format!("/v1/embed/subscriptions/{subscription}/preview");
    let response = app
        .post_json(&change, Some(&token), json!({"plan": "pro"}))
        .await;
    assert_eq!(
        refused(response).await,
        ("feature_disabled".to_owned(), Some("plan".to_owned()))
    );
    let response = app
        .post_json(&change, Some(&token), json!({"proration_behavior": "none"}))
        .await;
    let (code, param) = error_of(response, 400).await;
    assert_eq!(
        (code.as_str(), param.as_deref()),
        ("feature_disabled", Some("proration_behavior"))
    );
    let cancel = format!("/v1/embed/subscriptions/{subscription}/cancel");
    let response = app
        .post_json(&cancel, Some(&token), json!({"feedback": "too_expensive"}))
        .await;
    assert_eq!(error_of(response, 400).await.1.as_deref(), Some("feedback"));
    let response = app
        .post_json(&cancel, Some(&token), json!({"at_period_end": false}))
        .await;
    assert_eq!(
        error_of(response, 400).await.1.as_deref(),
        Some("at_period_end")
    );
    let response = app
        .post_json(&cancel, Some(&token), json!({"feedback": "unused"}))
        .await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["subscription"]["cancel_at_period_end"], true);
}
