//! Signing up (once, and again with the same idempotency key), cancelling at
//! period end and resuming, cancelling now and resubscribing.

use super::{Backend, action, both, id_of};
use crate::helpers::HOST_ORIGIN;
use serde_json::{Value, json};

both!(
    signup,
    signup_retried_with_its_idempotency_key,
    cancel_at_period_end_then_resume,
    cancel_now_then_resubscribe,
);

/// What one period of `plan` costs at quantity 1, as the portal offers it.
fn price_of(portal: &Value, plan: &str) -> i64 {
    let plan = portal["plans"]
        .as_array()
        .expect("the portal offers plans")
        .iter()
        .find(|p| p["id"] == plan)
        .unwrap_or_else(|| panic!("the portal offers {plan}: {portal}"));
    plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["price"]["unit_amount"].as_i64().unwrap())
        .sum()
}

async fn signup(backend: Backend) {
    let h = backend.spawn().await;
    let customer = h.customer_with_card("signup@example.com").await;
    let token = h.session("signup@example.com").await;
    let plan = h.plans[0];
    let signed = h
        .post(
            &token,
            "/v1/embed/subscriptions",
            json!({"plan": plan}),
            201,
        )
        .await;
    let id = id_of(&signed);
    assert_eq!(signed["subscription"]["status"], "active", "{signed}");
    assert_eq!(signed["subscription"]["plan"], plan, "{signed}");
    assert_eq!(signed["subscription"]["customer"], customer, "{signed}");
    assert_eq!(signed["invoice"]["status"], "paid", "{signed}");
    let portal = h.portal(&token).await;
    assert_eq!(
        signed["invoice"]["total"],
        price_of(&portal, plan),
        "{signed}"
    );

    // It holds: the portal lists it, its first invoice is listed paid.
    let subscriptions = portal["subscriptions"].as_array().unwrap();
    assert_eq!(subscriptions.len(), 1, "{portal}");
    assert_eq!(subscriptions[0]["id"], id.as_str());
    assert_eq!(subscriptions[0]["status"], "active");
    assert_eq!(portal["customer"]["id"], customer, "{portal}");
    let invoices = h.app.get_json("/v1/embed/invoices", &token).await;
    let first = invoices
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == signed["invoice"]["id"])
        .unwrap_or_else(|| panic!("the first invoice is listed: {invoices}"));
    assert_eq!(first["status"], "paid", "{first}");
    assert_eq!(first["subscription"], id.as_str(), "{first}");
    if let Some(at_stripe) = h.at_stripe(&id).await {
        assert_eq!(at_stripe["status"], "active", "{at_stripe}");
        assert_eq!(at_stripe["customer"], customer, "{at_stripe}");
    }

    // A second signup is refused, and makes nothing.
    let again = h
        .app
        .post_json(
            "/v1/embed/subscriptions",
            Some(&token),
            json!({"plan": h.plans[1]}),
        )
        .await;
    let (code, _) = h.refusal(again, 409, "a second signup").await;
    assert_eq!(code, "already_subscribed");
    let portal = h.portal(&token).await;
    assert_eq!(portal["subscriptions"].as_array().unwrap().len(), 1);
    assert_eq!(portal["subscriptions"][0]["plan"], plan);
}

async fn signup_retried_with_its_idempotency_key(backend: Backend) {
    let h = backend.spawn().await;
    let customer = h.customer_with_card("retry@example.com").await;
    let token = h.session("retry@example.com").await;
    let mut answers = Vec::new();
    for _ in 0..2 {
        let response = h
            .app
            .client
            .post(h.app.url("/v1/embed/subscriptions"))
            .header("origin", HOST_ORIGIN)
            .header("x-session-token", &token)
            .header("idempotency-key", "signup-once")
            .json(&json!({"plan": h.plans[0]}))
            .send()
            .await
            .unwrap();
        let replayed = response
            .headers()
            .get("idempotent-replayed")
            .map(|v| v.to_str().unwrap().to_owned());
        let body = h.answer(response, 201, "a signup with a key").await;
        answers.push((replayed, body));
    }
    assert_eq!(answers[0].0, None, "the first request is not a replay");
    assert_eq!(answers[1].0.as_deref(), Some("true"), "the retry is");
    assert_eq!(id_of(&answers[0].1), id_of(&answers[1].1));

    let portal = h.portal(&token).await;
    let subscriptions = portal["subscriptions"].as_array().unwrap();
    assert_eq!(subscriptions.len(), 1, "one subscription: {portal}");
    assert_eq!(subscriptions[0]["id"], id_of(&answers[0].1).as_str());
    let invoices = h.app.get_json("/v1/embed/invoices", &token).await;
    assert_eq!(invoices.as_array().unwrap().len(), 1, "{invoices}");
    if let Some(peer) = &h.peer {
        let subs = peer
            .get(&format!("/v1/subscriptions?customer={customer}&status=all"))
            .await;
        assert_eq!(subs["data"].as_array().unwrap().len(), 1, "{subs}");
    }
}

async fn cancel_at_period_end_then_resume(backend: Backend) {
    let h = backend.spawn().await;
    let (token, _, signed) = h.signed_up("later@example.com").await;
    let id = id_of(&signed);

    let cancelling = h
        .post(
            &token,
            &action(&id, "cancel"),
            json!({"at_period_end": true}),
            200,
        )
        .await;
    assert_eq!(cancelling["subscription"]["cancel_at_period_end"], true);
    assert_eq!(cancelling["subscription"]["status"], "active");
    let listed = h.listed(&token, &id).await;
    assert_eq!(listed["cancel_at_period_end"], true, "{listed}");
    assert_eq!(listed["status"], "active", "{listed}");
    if let Some(at_stripe) = h.at_stripe(&id).await {
        assert_eq!(at_stripe["cancel_at_period_end"], true, "{at_stripe}");
    }

    let resumed = h.post(&token, &action(&id, "resume"), json!({}), 200).await;
    assert_eq!(resumed["subscription"]["cancel_at_period_end"], false);
    let listed = h.listed(&token, &id).await;
    assert_eq!(listed["cancel_at_period_end"], false, "{listed}");
    assert_eq!(listed["status"], "active", "{listed}");
    if let Some(at_stripe) = h.at_stripe(&id).await {
        assert_eq!(at_stripe["cancel_at_period_end"], false, "{at_stripe}");
    }

    let again = h
        .app
        .post_json(&action(&id, "resume"), Some(&token), json!({}))
        .await;
    let (code, _) = h.refusal(again, 409, "a resume with nothing pending").await;
    assert_eq!(code, "not_pending_cancellation");
}

async fn cancel_now_then_resubscribe(backend: Backend) {
    let h = backend.spawn().await;
    let (token, _, signed) = h.signed_up("now@example.com").await;
    let id = id_of(&signed);
    h.app
        .configure_default(
            json!({"features": {"subscription_cancel": {"enabled": true, "mode": "immediately"}}}),
        )
        .await;

    let canceled = h.post(&token, &action(&id, "cancel"), json!({}), 200).await;
    assert_eq!(canceled["subscription"]["status"], "canceled", "{canceled}");
    assert_eq!(h.listed(&token, &id).await["status"], "canceled");
    if let Some(at_stripe) = h.at_stripe(&id).await {
        assert_eq!(at_stripe["status"], "canceled", "{at_stripe}");
    }

    let back = h
        .post(&token, &action(&id, "resubscribe"), json!({}), 201)
        .await;
    let live = id_of(&back);
    assert_ne!(live, id, "a new subscription");
    assert_eq!(back["subscription"]["status"], "active", "{back}");
    assert_eq!(back["subscription"]["plan"], h.plans[0], "{back}");
    let listed = h.listed(&token, &live).await;
    assert_eq!(listed["status"], "active", "{listed}");
    assert_eq!(h.listed(&token, &id).await["status"], "canceled");
    if let Some(at_stripe) = h.at_stripe(&live).await {
        assert_eq!(at_stripe["status"], "active", "{at_stripe}");
    }
}
