//! The Stripe catalog is kept current without a restart: a price created at
//! Stripe is offered once its webhook arrives (and a webhook that is not about
//! the catalog changes nothing).

use super::peer::{WEBHOOK_SECRET, spawn_stripe_app};
use super::{deliver, ok, plan_ids, session};
use portico_server::provider::stripe::signature;
use serde_json::json;

#[tokio::test]
async fn a_price_created_at_stripe_is_offered_after_its_webhook() {
    let s = spawn_stripe_app().await;
    let token = session(&s, "fresh@example.com").await;
    s.peer
        .post(
            "/v1/plans",
            &[
                ("id", "team"),
                ("nickname", "Team"),
                ("product", "prod_app"),
                ("amount", "5000"),
                ("currency", "usd"),
                ("interval", "month"),
                ("metadata[portico_order]", "5"),
            ],
        )
        .await;
    let before = ok(s.app.get_portal(&token).await, 200).await;
    assert_eq!(
        plan_ids(&before),
        ["basic", "pro", "max", "euro"],
        "not offered before the webhook"
    );

    let now = jiff::Timestamp::now().as_second();
    let unrelated =
        json!({"id": "evt_cust_1", "type": "customer.updated", "created": now, "livemode": false,
        "data": {"object": {"id": "cus_1"}}})
        .to_string();
    let header = signature::sign(WEBHOOK_SECRET, now, unrelated.as_bytes());
    ok(deliver(&s.app, &unrelated, &header).await, 200).await;
    let still = ok(s.app.get_portal(&token).await, 200).await;
    assert_eq!(plan_ids(&still), ["basic", "pro", "max", "euro"]);

    let created =
        json!({"id": "evt_plan_1", "type": "plan.created", "created": now, "livemode": false,
        "data": {"object": {"id": "team", "object": "plan"}}})
        .to_string();
    let header = signature::sign(WEBHOOK_SECRET, now, created.as_bytes());
    ok(deliver(&s.app, &created, &header).await, 200).await;
    let after = ok(s.app.get_portal(&token).await, 200).await;
    assert_eq!(plan_ids(&after), ["basic", "pro", "max", "euro", "team"]);
    assert_eq!(after["plans"][4]["items"][0]["price"]["unit_amount"], 5000);

    // The new plan can be bought at once.
    s.peer
        .customer_with_card("fresh@example.com", "4242424242424242")
        .await;
    let signed = ok(
        s.app
            .post_json(
                "/v1/embed/subscriptions",
                Some(&token),
                json!({"plan": "team"}),
            )
            .await,
        201,
    )
    .await;
    assert_eq!(signed["subscription"]["plan"], "team");
}
