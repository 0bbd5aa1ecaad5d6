//! The Stripe provider against localstripe: every portal action, declines,
//! idempotent retries, card entry by SetupIntent, and signed webhooks.

mod catalog_refresh;
mod differential;
mod holes;
mod hosted;
pub(crate) mod peer;
mod refusals;
mod scope;
mod usage;

use crate::helpers::{TEST_KEY, error_of};
use peer::{StripeApp, WEBHOOK_SECRET, spawn_stripe_app};
use portico_server::provider::stripe::signature;
use serde_json::{Value, json};

async fn session(s: &StripeApp, email: &str) -> String {
    s.app
        .session(json!({"service": "acme", "email": email}))
        .await
}

/// A signup that must succeed: Portico's answer, subscription and invoice.
async fn signed_up(s: &StripeApp, token: &str, body: Value) -> Value {
    ok(
        s.app
            .post_json("/v1/embed/subscriptions", Some(token), body)
            .await,
        201,
    )
    .await
}

async fn ok(response: reqwest::Response, status: u16) -> Value {
    let got = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(got, status, "{body}");
    body
}

#[tokio::test]
async fn the_catalog_is_read_from_stripe_products_marked_for_the_service() {
    let s = spawn_stripe_app().await;
    let token = session(&s, "catalog@example.com").await;
    let portal = ok(s.app.get_portal(&token).await, 200).await;
    assert_eq!(plan_ids(&portal), ["basic", "pro", "max", "euro"]);
    assert_eq!(portal["plans"][1]["items"][0]["price"]["unit_amount"], 3000);
    assert_eq!(
        portal["plans"][0]["features"],
        json!(["Dashboards", "Exports"])
    );
    assert_eq!(portal["card_entry"]["kind"], "stripe_js");
    assert_eq!(
        portal["card_entry"]["js_url"],
        format!("{}/js.stripe.com/v3/", s.peer.base)
    );
    assert!(portal["customer"].is_null());
}

#[tokio::test]
async fn signup_change_cancel_resume_and_resubscribe_run_on_stripe() {
    let s = spawn_stripe_app().await;
    let customer = s
        .peer
        .customer_with_card("life@example.com", "4242424242424242")
        .await;
    let token = session(&s, "life@example.com").await;

    let signed = signed_up(&s, &token, json!({"plan": "basic", "quantity": 2})).await;
    let sub = signed["subscription"]["id"].as_str().unwrap().to_owned();
    assert_eq!(signed["subscription"]["status"], "active");
    assert_eq!(signed["subscription"]["customer"], customer);
    assert_eq!(signed["subscription"]["items"][0]["quantity"], 2);
    assert_eq!(signed["invoice"]["status"], "paid");
    assert_eq!(signed["invoice"]["total"], 2000);
    let stripe_sub = s.peer.get(&format!("/v1/subscriptions/{sub}")).await;
    assert_eq!(stripe_sub["metadata"]["portico_service"], "acme");

    let again = s
        .app
        .post_json(
            "/v1/embed/subscriptions",
            Some(&token),
            json!({"plan": "pro"}),
        )
        .await;
    assert_eq!(error_of(again, 409).await.0, "already_subscribed");

    // The preview is Stripe's own: the new plan, less the unused time localstripe
    // credits (the whole earlier invoice, see dialect.rs).
    let path = format!("/v1/embed/subscriptions/{sub}");
    let preview = ok(
        s.app
            .post_json(
                &format!("{path}/preview"),
                Some(&token),
                json!({"plan": "pro"}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(preview["subscription"]["plan"], "pro");
    assert_eq!(preview["next_invoice"]["total"], 2 * 3000 - 2000);
    assert_eq!(preview["pending_lines"][0]["amount"], -2000);
    assert_eq!(preview["pending_lines"][0]["proration"], true);

    let changed = ok(
        s.app
            .post_json(
                &format!("{path}/change"),
                Some(&token),
                json!({"plan": "pro"}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(changed["subscription"]["plan"], "pro");
    assert_eq!(
        changed["subscription"]["items"][0]["quantity"], 2,
        "the quantity is kept"
    );
    let same = s
        .app
        .post_json(
            &format!("{path}/change"),
            Some(&token),
            json!({"plan": "pro"}),
        )
        .await;
    assert_eq!(error_of(same, 400).await.0, "no_change");

    let cancelling = ok(
        s.app
            .post_json(
                &format!("{path}/cancel"),
                Some(&token),
                json!({"at_period_end": true}),
            )
            .await,
        200,
    )
    .await;
    assert_eq!(cancelling["subscription"]["cancel_at_period_end"], true);
    let resumed = ok(
        s.app
            .post_json(&format!("{path}/resume"), Some(&token), json!({}))
            .await,
        200,
    )
    .await;
    assert_eq!(resumed["subscription"]["cancel_at_period_end"], false);
    let resume_again = s
        .app
        .post_json(&format!("{path}/resume"), Some(&token), json!({}))
        .await;
    assert_eq!(
        error_of(resume_again, 409).await.0,
        "not_pending_cancellation"
    );

    s.app
        .configure_default(
            json!({"features": {"subscription_cancel": {"enabled": true, "mode": "immediately"}}}),
        )
        .await;
    let canceled = ok(
        s.app
            .post_json(&format!("{path}/cancel"), Some(&token), json!({}))
            .await,
        200,
    )
    .await;
    assert_eq!(canceled["subscription"]["status"], "canceled");
    assert_eq!(
        s.peer.get(&format!("/v1/subscriptions/{sub}")).await["status"],
        "canceled"
    );

    let back = ok(
        s.app
            .post_json(&format!("{path}/resubscribe"), Some(&token), json!({}))
            .await,
        201,
    )
    .await;
    assert_ne!(back["subscription"]["id"], sub);
    assert_eq!(back["subscription"]["plan"], "pro");
    assert_eq!(back["subscription"]["status"], "active");

    let invoices = s.app.get_json("/v1/embed/invoices", &token).await;
    assert!(invoices.as_array().unwrap().len() >= 2, "{invoices}");
    assert!(
        invoices
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["customer"] == customer)
    );
}

#[tokio::test]
async fn a_card_confirmed_by_setup_intent_becomes_the_default_and_pays_what_is_open() {
    let s = spawn_stripe_app().await;
    let token = session(&s, "newcard@example.com").await;
    // No card yet: Stripe keeps the subscription incomplete with its invoice open.
    let signed = signed_up(&s, &token, json!({"plan": "basic"})).await;
    assert_eq!(signed["subscription"]["status"], "incomplete");

    let intent = ok(
        s.app
            .post_json("/v1/embed/setup_intents", Some(&token), json!({}))
            .await,
        201,
    )
    .await;
    assert!(
        intent["client_secret"]
            .as_str()
            .unwrap()
            .starts_with("seti_")
    );
    let complete = format!(
        "/v1/embed/setup_intents/{}/complete",
        intent["id"].as_str().unwrap()
    );
    // Not confirmed yet: refused, nothing attached.
    let early = s.app.post_json(&complete, Some(&token), json!({})).await;
    assert_eq!(error_of(early, 409).await.0, "invalid_request");

    // A card Stripe declines at setup never reaches the customer.
    let declined = s
        .peer
        .confirm_setup_intent(&intent, "4000000000000002")
        .await;
    assert_eq!(declined.status(), 402);
    let intent = ok(
        s.app
            .post_json("/v1/embed/setup_intents", Some(&token), json!({}))
            .await,
        201,
    )
    .await;
    assert_eq!(
        s.peer
            .confirm_setup_intent(&intent, "4242424242424242")
            .await
            .status(),
        200
    );
    let complete = format!(
        "/v1/embed/setup_intents/{}/complete",
        intent["id"].as_str().unwrap()
    );
    let attached = ok(
        s.app.post_json(&complete, Some(&token), json!({})).await,
        201,
    )
    .await;
    assert_eq!(attached["payment_method"]["card"]["last4"], "4242");
    assert_eq!(attached["invoices"][0]["status"], "paid");
    let portal = ok(s.app.get_portal(&token).await, 200).await;
    assert_eq!(portal["subscriptions"][0]["status"], "active");
    assert_eq!(portal["payment_method"]["card"]["last4"], "4242");

    // Another customer cannot complete this customer's SetupIntent.
    let other = session(&s, "someone-else@example.com").await;
    let _ = s
        .app
        .post_json("/v1/embed/setup_intents", Some(&other), json!({}))
        .await;
    let stolen = s.app.post_json(&complete, Some(&other), json!({})).await;
    assert_eq!(error_of(stolen, 404).await.0, "resource_missing");
}

#[tokio::test]
async fn a_card_declined_at_charge_leaves_the_signup_incomplete() {
    let s = spawn_stripe_app().await;
    s.peer
        .customer_with_card("declines@example.com", "4000000000000341")
        .await;
    let token = session(&s, "declines@example.com").await;
    let signed = signed_up(&s, &token, json!({"plan": "pro"})).await;
    assert_eq!(signed["subscription"]["status"], "incomplete");
    assert_eq!(signed["invoice"]["status"], "open");
    assert_eq!(signed["invoice"]["amount_remaining"], 3000);
    let sub = signed["subscription"]["id"].as_str().unwrap();
    let change = s
        .app
        .post_json(
            &format!("/v1/embed/subscriptions/{sub}/change"),
            Some(&token),
            json!({"plan": "max"}),
        )
        .await;
    assert_eq!(error_of(change, 409).await.0, "subscription_incomplete");
}

#[tokio::test]
async fn a_retried_signup_with_its_idempotency_key_acts_once() {
    let s = spawn_stripe_app().await;
    let customer = s
        .peer
        .customer_with_card("retry@example.com", "4242424242424242")
        .await;
    let token = session(&s, "retry@example.com").await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let response = s
            .app
            .client
            .post(s.app.url("/v1/embed/subscriptions"))
            .header("origin", crate::helpers::HOST_ORIGIN)
            .header("x-session-token", &token)
            .header("idempotency-key", "signup-1")
            .json(&json!({"plan": "basic"}))
            .send()
            .await
            .unwrap();
        ids.push(ok(response, 201).await["subscription"]["id"].clone());
    }
    assert_eq!(ids[0], ids[1]);
    let subs = s
        .peer
        .get(&format!("/v1/subscriptions?customer={customer}&status=all"))
        .await;
    assert_eq!(
        subs["data"].as_array().unwrap().len(),
        1,
        "one subscription at Stripe"
    );
}

#[tokio::test]
async fn subscriptions_of_other_customers_or_services_are_not_found() {
    let s = spawn_stripe_app().await;
    s.peer
        .customer_with_card("owner@example.com", "4242424242424242")
        .await;
    let owner = session(&s, "owner@example.com").await;
    let signed = signed_up(&s, &owner, json!({"plan": "basic"})).await;
    let sub = signed["subscription"]["id"].as_str().unwrap();
    let thief = session(&s, "thief@example.com").await;
    let response = s
        .app
        .post_json(
            &format!("/v1/embed/subscriptions/{sub}/cancel"),
            Some(&thief),
            json!({}),
        )
        .await;
    assert_eq!(error_of(response, 404).await.0, "subscription_not_found");
    let unknown_plan = s
        .app
        .post_json(
            "/v1/embed/subscriptions",
            Some(&thief),
            json!({"plan": "other"}),
        )
        .await;
    assert_eq!(error_of(unknown_plan, 404).await.0, "plan_not_found");
    let builtin_card = s
        .app
        .post_json(
            "/v1/embed/payment_methods",
            Some(&owner),
            json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}),
        )
        .await;
    assert_eq!(error_of(builtin_card, 400).await.0, "provider_unsupported");
}

/// The ids of the plans a portal offers, in its order.
fn plan_ids(portal: &Value) -> Vec<&str> {
    portal["plans"]
        .as_array()
        .expect("the portal lists plans")
        .iter()
        .map(|p| p["id"].as_str().expect("a plan has an id"))
        .collect()
}

/// Posts a webhook body with its `Stripe-Signature` header, as Stripe would.
async fn deliver(app: &crate::helpers::TestApp, body: &str, header: &str) -> reqwest::Response {
    app.client
        .post(app.url("/v1/stripe/webhooks"))
        .header("stripe-signature", header)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn signed_webhooks_become_portico_events_once() {
    let s = spawn_stripe_app().await;
    let now = jiff::Timestamp::now().as_second();
    let body = json!({"id": "evt_test_1", "type": "customer.subscription.deleted", "created": now, "livemode": false,
        "data": {"object": {"id": "sub_123", "customer": "cus_123", "status": "canceled"}}}).to_string();
    let header = signature::sign(WEBHOOK_SECRET, now, body.as_bytes());
    let first = ok(deliver(&s.app, &body, &header).await, 200).await;
    assert_eq!(
        (first["recorded"].clone(), first["duplicate"].clone()),
        (json!(true), json!(false))
    );
    assert_eq!(first["type"], "subscription.canceled");
    let again = ok(deliver(&s.app, &body, &header).await, 200).await;
    assert_eq!(again["duplicate"], true);

    let wrong = signature::sign("whsec_wrong", now, body.as_bytes());
    assert_eq!(
        error_of(deliver(&s.app, &body, &wrong).await, 400)
            .await
            .1
            .as_deref(),
        Some("Stripe-Signature")
    );
    let stale = signature::sign(WEBHOOK_SECRET, now - 301, body.as_bytes());
    assert_eq!(deliver(&s.app, &body, &stale).await.status(), 400);
    assert_eq!(
        deliver(&s.app, &body.replace("sub_123", "sub_999"), &header)
            .await
            .status(),
        400
    );
    assert_eq!(deliver(&s.app, &body, "").await.status(), 400);

    let events = s
        .app
        .admin(TEST_KEY, reqwest::Method::GET, "/v1/provider_events", None)
        .await;
    let events = ok(events, 200).await;
    assert_eq!(events["data"].as_array().unwrap().len(), 1);
    assert_eq!(events["data"][0]["object_id"], "sub_123");
}

/// localstripe's own deliveries, signed by it, are accepted: the signature
/// scheme is Stripe's on both sides.
#[tokio::test]
async fn the_peer_s_own_signed_deliveries_are_recorded() {
    let s = spawn_stripe_app().await;
    let hook = s.app.url("/v1/stripe/webhooks");
    s.peer
        .post(
            "/_config/webhooks/portico",
            &[("url", hook.as_str()), ("secret", WEBHOOK_SECRET)],
        )
        .await;
    s.peer
        .customer_with_card("hooks@example.com", "4242424242424242")
        .await;
    let token = session(&s, "hooks@example.com").await;
    signed_up(&s, &token, json!({"plan": "basic"})).await;
    let mut kinds = Vec::new();
    for _ in 0..60 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let events = ok(
            s.app
                .admin(TEST_KEY, reqwest::Method::GET, "/v1/provider_events", None)
                .await,
            200,
        )
        .await;
        kinds = events["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["type"].as_str().unwrap().to_owned())
            .collect();
        if kinds.iter().any(|k| k == "subscription.created")
            && kinds.iter().any(|k| k == "invoice.paid")
        {
            break;
        }
    }
    assert!(
        kinds.contains(&"subscription.created".to_owned()),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"invoice.paid".to_owned()), "{kinds:?}");
}
