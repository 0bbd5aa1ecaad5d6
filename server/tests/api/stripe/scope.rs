//! A session scoped by `subscription_id` acts on that subscription only, on Stripe
//! as on the built-in engine (`subscription_scope.rs`): the customer has a canceled
//! subscription and its live resubscription on Stripe, and a session scoped to the
//! canceled one cannot preview, change, cancel or resume the live one.

use super::peer::spawn_stripe_app;
use super::{ok, session, signed_up};
use crate::helpers::error_of;
use serde_json::json;

#[tokio::test]
async fn a_scoped_session_cannot_act_on_the_customers_other_subscription() {
    const EMAIL: &str = "scoped@example.com";
    let s = spawn_stripe_app().await;
    s.peer.customer_with_card(EMAIL, "4242424242424242").await;
    let token = session(&s, EMAIL).await;
    let first = signed_up(&s, &token, json!({"plan": "basic"})).await;
    let canceled = first["subscription"]["id"].as_str().unwrap().to_owned();
    s.app
        .configure_default(
            json!({"features": {"subscription_cancel": {"enabled": true, "mode": "immediately"}}}),
        )
        .await;
    let path = |id: &str, action: &str| format!("/v1/embed/subscriptions/{id}/{action}");
    ok(
        s.app
            .post_json(&path(&canceled, "cancel"), Some(&token), json!({}))
            .await,
        200,
    )
    .await;
    let back = ok(
        s.app
            .post_json(&path(&canceled, "resubscribe"), Some(&token), json!({}))
            .await,
        201,
    )
    .await;
    let live = back["subscription"]["id"].as_str().unwrap().to_owned();

    let scoped = s
        .app
        .session(json!({"service": "acme", "email": EMAIL, "subscription_id": canceled}))
        .await;
    for (action, body) in [
        ("preview", json!({"plan": "pro"})),
        ("change", json!({"plan": "pro"})),
        ("cancel", json!({})),
        ("resume", json!({})),
    ] {
        let response = s
            .app
            .post_json(&path(&live, action), Some(&scoped), body)
            .await;
        assert_eq!(
            error_of(response, 404).await.0,
            "subscription_not_found",
            "{action} on the other subscription"
        );
    }
    // Nothing reached Stripe: the live subscription is still active, on Basic.
    let on_stripe = s.peer.get(&format!("/v1/subscriptions/{live}")).await;
    assert_eq!(on_stripe["status"], "active", "{on_stripe}");
    assert_eq!(on_stripe["cancel_at_period_end"], false, "{on_stripe}");
    let portal = ok(s.app.get_portal(&token).await, 200).await;
    let live_in_portal = portal["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|sub| sub["id"] == live.as_str())
        .unwrap_or_else(|| panic!("the unscoped portal lists {live}: {portal}"));
    assert_eq!(live_in_portal["plan"], "basic", "{live_in_portal}");
}
