//! Changing a subscription: its plan (previewed first), its seats, and a change
//! scheduled at period end: the built-in engine schedules it, and the Stripe
//! provider would through a subscription schedule, which localstripe lacks, so
//! there it is refused.

use super::{Backend, action, both, id_of, seats};
use serde_json::json;

both!(preview_then_change_plan, change_seats, change_at_period_end);

/// The plan of subscription `id` at Stripe.
fn stripe_plan(at_stripe: &serde_json::Value) -> &serde_json::Value {
    &at_stripe["items"]["data"][0]["plan"]["id"]
}

async fn preview_then_change_plan(backend: Backend) {
    let h = backend.spawn().await;
    let (token, _, signed) = h.signed_up("change@example.com").await;
    let id = id_of(&signed);
    let [from, to] = h.plans;

    let preview = h
        .post(&token, &action(&id, "preview"), json!({"plan": to}), 200)
        .await;
    assert_eq!(preview["subscription"]["id"], id.as_str(), "{preview}");
    assert_eq!(preview["subscription"]["plan"], to, "{preview}");
    assert!(preview["next_invoice"].is_object(), "{preview}");
    // A preview changes nothing.
    assert_eq!(h.listed(&token, &id).await["plan"], from);
    if let Some(at_stripe) = h.at_stripe(&id).await {
        assert_eq!(stripe_plan(&at_stripe), from, "{at_stripe}");
    }

    let changed = h
        .post(&token, &action(&id, "change"), json!({"plan": to}), 200)
        .await;
    assert_eq!(changed["subscription"]["id"], id.as_str(), "{changed}");
    assert_eq!(changed["subscription"]["plan"], to, "{changed}");
    assert_eq!(changed["subscription"]["status"], "active", "{changed}");
    let listed = h.listed(&token, &id).await;
    assert_eq!(listed["plan"], to, "{listed}");
    assert_eq!(listed["status"], "active", "{listed}");
    if let Some(at_stripe) = h.at_stripe(&id).await {
        assert_eq!(stripe_plan(&at_stripe), to, "{at_stripe}");
    }
}

/// On the second plan, priced per seat in both catalogs: two seats, then five.
/// (On the engine, Team starts with its trial; the seats change all the same.)
async fn change_seats(backend: Backend) {
    let h = backend.spawn().await;
    h.customer_with_card("seats@example.com").await;
    let token = h.session("seats@example.com").await;
    let plan = h.plans[1];
    let signed = h
        .post(
            &token,
            "/v1/embed/subscriptions",
            json!({"plan": plan, "quantity": {"seat": 2}}),
            201,
        )
        .await;
    let id = id_of(&signed);
    assert_eq!(seats(&signed["subscription"]), 2, "{signed}");

    let changed = h
        .post(
            &token,
            &action(&id, "change"),
            json!({"quantity": {"seat": 5}}),
            200,
        )
        .await;
    assert_eq!(seats(&changed["subscription"]), 5, "{changed}");
    assert_eq!(changed["subscription"]["plan"], plan, "the plan stays");
    let listed = h.listed(&token, &id).await;
    assert_eq!(seats(&listed), 5, "{listed}");
    assert_eq!(listed["plan"], plan, "{listed}");
    if let Some(at_stripe) = h.at_stripe(&id).await {
        assert_eq!(at_stripe["items"]["data"][0]["quantity"], 5, "{at_stripe}");
        assert_eq!(stripe_plan(&at_stripe), plan, "{at_stripe}");
    }
}

/// The engine schedules the change for the period's end; localstripe has no
/// subscription schedules (real Stripe would use them), so the Stripe provider
/// refuses it and leaves the subscription as it was.
async fn change_at_period_end(backend: Backend) {
    let h = backend.spawn().await;
    let (token, _, signed) = h.signed_up("scheduled@example.com").await;
    let id = id_of(&signed);
    let [from, to] = h.plans;
    let later = json!({"plan": to, "at_period_end": true});

    match backend {
        Backend::Engine => {
            let scheduled = h.post(&token, &action(&id, "change"), later, 200).await;
            let sub = &scheduled["subscription"];
            assert_eq!(sub["plan"], from, "not yet: {scheduled}");
            assert_eq!(sub["pending_update"]["plan"], to, "{scheduled}");
            assert!(scheduled["invoice"].is_null(), "{scheduled}");
            let listed = h.listed(&token, &id).await;
            assert_eq!(listed["plan"], from, "{listed}");
            assert_eq!(listed["pending_update"]["plan"], to, "{listed}");

            // At the period's end the renewal applies it.
            let end = sub["current_period_end"].as_i64().unwrap();
            let after = jiff::Timestamp::from_second(end + 3600).unwrap();
            h.app.advance_to(&after.to_string()).await;
            let listed = h.listed(&token, &id).await;
            assert_eq!(listed["plan"], to, "{listed}");
            assert!(listed["pending_update"].is_null(), "{listed}");
        }
        Backend::Stripe => {
            let response = h
                .app
                .post_json(&action(&id, "change"), Some(&token), later)
                .await;
            let refused = h.refusal(response, 400, "a change at period end").await;
            assert_eq!(
                refused,
                (json!("provider_unsupported"), json!("at_period_end"))
            );
            let listed = h.listed(&token, &id).await;
            assert_eq!(listed["plan"], from, "{listed}");
            assert!(listed["pending_update"].is_null(), "{listed}");
            let at_stripe = h.at_stripe(&id).await.unwrap();
            assert_eq!(stripe_plan(&at_stripe), from, "{at_stripe}");
        }
    }
}
