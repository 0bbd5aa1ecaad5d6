//! A session opened with `subscription_id` shows and acts on that subscription
//! only, on the built-in engine. The customer has two subscriptions in the
//! service — an earlier one, canceled, and the live one that replaced it — so
//! "only one is shown" and "the other is refused" can fail when scoping is lost:
//! unscoped, every refused request below would succeed or fail differently.

use crate::helpers::{TestApp, error_of, spawn_app};
use serde_json::{Value, json};

const EMAIL: &str = "ada@example.com";

/// The customer's two subscriptions and the invoice each began with.
struct TwoSubscriptions {
    canceled: String,
    canceled_invoice: String,
    live: String,
    live_invoice: String,
}

/// A Starter subscription canceled now (without prorations, so it has a single
/// invoice), then a resubscription; the configuration then cancels at period
/// end, so a cancel of the live one is reversible and a resume is possible.
async fn customer_with_two_subscriptions(app: &TestApp) -> TwoSubscriptions {
    let (token, first) = app
        .signed_up_with_card("acme", EMAIL, json!({"plan": "starter"}))
        .await;
    let canceled = first["subscription"]["id"].as_str().unwrap().to_owned();

    app.configure_default(json!({"features": {"subscription_cancel": {
        "enabled": true, "mode": "immediately", "proration_behavior": "none"}}}))
        .await;
    let ended = action(app, &token, &path(&canceled, "cancel"), json!({}), 200).await;
    assert_eq!(ended["subscription"]["status"], "canceled");
    let second = action(app, &token, &path(&canceled, "resubscribe"), json!({}), 201).await;
    let live = second["subscription"]["id"].as_str().unwrap().to_owned();
    assert_ne!(live, canceled);
    app.configure_default(json!({"features": {"subscription_cancel": {"mode": "at_period_end"}}}))
        .await;
    TwoSubscriptions {
        canceled,
        canceled_invoice: first["invoice"]["id"].as_str().unwrap().to_owned(),
        live,
        live_invoice: second["invoice"]["id"].as_str().unwrap().to_owned(),
    }
}

fn path(subscription: &str, action: &str) -> String {
    format!("/v1/embed/subscriptions/{subscription}/{action}")
}

/// A POST that must answer `status`; its body.
async fn action(app: &TestApp, token: &str, path: &str, body: Value, status: u16) -> Value {
    let response = app.post_json(path, Some(token), body).await;
    let got = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(got, status, "POST {path}: {body}");
    body
}

async fn scoped_to(app: &TestApp, subscription: &str) -> String {
    app.session(json!({"service": "acme", "email": EMAIL, "subscription_id": subscription}))
        .await
}

/// The ids of an array of objects, in order.
fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect()
}

async fn assert_not_found(response: reqwest::Response, code: &str, what: &str) {
    assert_eq!(response.status(), 404, "{what}");
    assert_eq!(error_of(response, 404).await.0, code, "{what}");
}

#[tokio::test]
async fn a_session_scoped_to_the_canceled_subscription_cannot_see_or_touch_the_live_one() {
    let app = spawn_app().await;
    let two = customer_with_two_subscriptions(&app).await;
    let scoped = scoped_to(&app, &two.canceled).await;

    let portal = app.get_json("/v1/embed/portal", &scoped).await;
    assert_eq!(ids(&portal["subscriptions"]), [two.canceled.as_str()]);
    let invoices = app.get_json("/v1/embed/invoices", &scoped).await;
    assert_eq!(ids(&invoices), [two.canceled_invoice.as_str()]);
    let invoice = format!("/v1/embed/invoices/{}", two.live_invoice);
    assert_not_found(
        app.session_get(&invoice, &scoped).await,
        "invoice_not_found",
        "invoice",
    )
    .await;
    let pdf = format!("{invoice}/pdf");
    assert_not_found(
        app.session_get(&pdf, &scoped).await,
        "invoice_not_found",
        "PDF",
    )
    .await;

    // Unscoped, each of these would succeed on the live subscription.
    let upgrade = json!({"plan": "team", "quantity": {"seat": 2}});
    for (what, body) in [
        ("preview", upgrade.clone()),
        ("change", upgrade),
        ("cancel", json!({})),
    ] {
        let response = app
            .post_json(&path(&two.live, what), Some(&scoped), body)
            .await;
        assert_not_found(response, "subscription_not_found", what).await;
    }
    // A resume needs a pending cancel: made by the unscoped portal, kept.
    let unscoped = app
        .session(json!({"service": "acme", "email": EMAIL}))
        .await;
    action(&app, &unscoped, &path(&two.live, "cancel"), json!({}), 200).await;
    let resume = app
        .post_json(&path(&two.live, "resume"), Some(&scoped), json!({}))
        .await;
    assert_not_found(resume, "subscription_not_found", "resume").await;

    let portal = app.get_json("/v1/embed/portal", &unscoped).await;
    let live = &portal["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == two.live.as_str())
        .unwrap();
    assert_eq!(
        (
            &live["plan"],
            &live["status"],
            &live["cancel_at_period_end"]
        ),
        (&json!("starter"), &json!("active"), &json!(true)),
        "the refused requests left the live subscription as it was"
    );
}

#[tokio::test]
async fn a_session_scoped_to_the_live_subscription_cannot_see_or_resubscribe_the_canceled_one() {
    let app = spawn_app().await;
    let two = customer_with_two_subscriptions(&app).await;
    // Both ended, so unscoped, resubscribing the first would create a third.
    let unscoped = app
        .session(json!({"service": "acme", "email": EMAIL}))
        .await;
    app.configure_default(json!({"features": {"subscription_cancel": {"mode": "immediately"}}}))
        .await;
    action(&app, &unscoped, &path(&two.live, "cancel"), json!({}), 200).await;
    let scoped = scoped_to(&app, &two.live).await;

    let portal = app.get_json("/v1/embed/portal", &scoped).await;
    assert_eq!(ids(&portal["subscriptions"]), [two.live.as_str()]);
    let invoices = app.get_json("/v1/embed/invoices", &scoped).await;
    assert_eq!(ids(&invoices), [two.live_invoice.as_str()]);
    let invoice = format!("/v1/embed/invoices/{}", two.canceled_invoice);
    assert_not_found(
        app.session_get(&invoice, &scoped).await,
        "invoice_not_found",
        "invoice",
    )
    .await;

    let resubscribe = app
        .post_json(
            &path(&two.canceled, "resubscribe"),
            Some(&scoped),
            json!({}),
        )
        .await;
    assert_not_found(resubscribe, "subscription_not_found", "resubscribe").await;
    assert_eq!(app.subscription_count().await, 2);
}

#[tokio::test]
async fn a_subscription_id_the_customer_does_not_have_is_not_found() {
    let app = spawn_app().await;
    customer_with_two_subscriptions(&app).await;
    let foreign = scoped_to(&app, "sub_other").await;
    assert_eq!(
        error_of(app.get_portal(&foreign).await, 404).await,
        (
            "subscription_not_found".into(),
            Some("subscription_id".into())
        )
    );
}
