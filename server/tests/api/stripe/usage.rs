//! Usage metering with the Stripe provider: `POST /v1/events` names a Stripe
//! customer (by `cus_…` or by email) and the portal's usage view shows it.
//! Before, events were refused (`resource_missing`: Portico looked for the
//! customer in its own database) and the view was empty.

use super::peer::spawn_stripe_app;
use super::{ok, session};
use crate::helpers::TEST_KEY;
use serde_json::json;

#[tokio::test]
async fn events_for_a_stripe_customer_are_recorded_and_shown() {
    let s = spawn_stripe_app().await;
    let customer = s
        .peer
        .customer_with_card("metered@example.com", "4242424242424242")
        .await;
    let now = jiff::Timestamp::now().as_second();
    let batch = json!({"events": [
        {"event_id": "u1", "customer": customer, "meter": "api_calls", "quantity": 120, "timestamp": now - 60},
        {"event_id": "u2", "customer": "metered@example.com", "meter": "api_calls", "quantity": 30, "timestamp": now - 30},
        {"event_id": "u3", "customer": "cus_nobody", "meter": "api_calls", "quantity": 1, "timestamp": now},
    ]});
    let result = s
        .app
        .admin(TEST_KEY, reqwest::Method::POST, "/v1/events", Some(batch))
        .await;
    let result = ok(result, 200).await;
    assert_eq!(
        (result["accepted"].as_u64(), result["rejected"].as_u64()),
        (Some(2), Some(1)),
        "{result}"
    );
    assert_eq!(result["results"][2]["error"]["code"], "resource_missing");

    let token = session(&s, "metered@example.com").await;
    let usage = s.app.get_json("/v1/embed/usage?range=1d", &token).await;
    let calls = &usage["meters"][0];
    assert_eq!(calls["key"], "api_calls", "{usage}");
    assert_eq!(calls["total"], 150, "{usage}");
    // Stripe's metered prices are not read (README, Providers): no cost.
    assert!(calls["cost"].is_null(), "{usage}");
}

#[tokio::test]
async fn a_metered_price_is_left_out_against_localstripe() {
    let s = spawn_stripe_app().await;
    // localstripe bills a subscription of one item only; a metered price is a
    // second one (README, the test peer). With Stripe it is offered with every
    // monthly USD plan (`metered.rs`, unit-tested there).
    s.peer
        .post(
            "/v1/plans",
            &[
                ("id", "calls"),
                ("product", "prod_app"),
                ("amount", "2"),
                ("currency", "usd"),
                ("interval", "month"),
                ("usage_type", "metered"),
                ("metadata[portico_meter]", "api_calls"),
            ],
        )
        .await;
    let now = jiff::Timestamp::now().as_second();
    let created =
        json!({"id": "evt_calls", "type": "plan.created", "created": now, "livemode": false,
        "data": {"object": {"id": "calls", "object": "plan"}}})
        .to_string();
    let header = portico_server::provider::stripe::signature::sign(
        super::peer::WEBHOOK_SECRET,
        now,
        created.as_bytes(),
    );
    ok(super::deliver(&s.app, &created, &header).await, 200).await;
    let token = session(&s, "priced@example.com").await;
    let portal = ok(s.app.get_portal(&token).await, 200).await;
    assert_eq!(
        super::plan_ids(&portal),
        ["basic", "pro", "max", "euro"],
        "not a plan of its own"
    );
    assert_eq!(portal["plans"][0]["metered"], json!([]), "{portal}");
}
