//! What the Stripe provider does not offer (README, "Using Stripe") is refused
//! over HTTP with a code and a message that say why — never passed on to Stripe
//! half-done, never accepted silently.

use super::peer::{Localstripe, spawn_on};
use super::{deliver, ok, plan_ids, session, signed_up};
use crate::helpers::{TEST_KEY, spawn_app};
use serde_json::{Value, json};

/// The error object of a response that must answer `status`.
async fn refusal(response: reqwest::Response, status: u16) -> Value {
    let got = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(got, status, "{body}");
    body["error"].clone()
}

fn event_body() -> (String, i64) {
    let now = jiff::Timestamp::now().as_second();
    let body = json!({"id": "evt_refused_1", "type": "customer.subscription.deleted", "created": now,
        "livemode": false, "data": {"object": {"id": "sub_1", "customer": "cus_1", "status": "canceled"}}});
    (body.to_string(), now)
}

#[tokio::test]
async fn webhooks_are_refused_while_no_signing_secret_is_set() {
    let peer = Localstripe::start().await;
    peer.seed().await;
    let s = spawn_on(peer, None).await;
    let (body, now) = event_body();
    // Signed with some secret: without one of its own, Portico cannot check it.
    let header =
        portico_server::provider::stripe::signature::sign("whsec_any", now, body.as_bytes());
    let error = refusal(deliver(&s.app, &body, &header).await, 404).await;
    assert_eq!(error["code"], "resource_not_found");
    assert_eq!(
        error["message"],
        "No webhook signing secret is configured (STRIPE_WEBHOOK_SECRET), so no webhook is accepted."
    );
    let events = s
        .app
        .admin(TEST_KEY, reqwest::Method::GET, "/v1/provider_events", None)
        .await;
    assert_eq!(ok(events, 200).await["data"], json!([]), "nothing recorded");
}

#[tokio::test]
async fn the_built_in_engine_has_no_stripe_webhooks() {
    let app = spawn_app().await;
    let (body, now) = event_body();
    let header =
        portico_server::provider::stripe::signature::sign("whsec_any", now, body.as_bytes());
    let error = refusal(deliver(&app, &body, &header).await, 404).await;
    assert_eq!(error["code"], "resource_not_found");
    assert_eq!(
        error["message"],
        "This server runs the built-in billing engine; SetupIntents and Stripe webhooks exist only with `--provider stripe`."
    );
}

#[tokio::test]
async fn a_change_at_period_end_is_refused_before_it_reaches_localstripe() {
    let peer = Localstripe::start().await;
    peer.seed().await;
    let s = spawn_on(peer, Some(super::peer::WEBHOOK_SECRET)).await;
    s.peer
        .customer_with_card("later@example.com", "4242424242424242")
        .await;
    let token = session(&s, "later@example.com").await;
    let signed = signed_up(&s, &token, json!({"plan": "basic"})).await;
    let sub = signed["subscription"]["id"].as_str().unwrap();
    for action in ["preview", "change"] {
        let response = s
            .app
            .post_json(
                &format!("/v1/embed/subscriptions/{sub}/{action}"),
                Some(&token),
                json!({"plan": "pro", "at_period_end": true}),
            )
            .await;
        let error = refusal(response, 400).await;
        assert_eq!(
            (&error["code"], &error["param"]),
            (&json!("provider_unsupported"), &json!("at_period_end")),
            "{action}"
        );
        assert_eq!(
            error["message"],
            "localstripe, the Stripe test peer, has no subscription schedules, so a change at period end \
             cannot be made against it; with Stripe itself it is scheduled.",
            "{action}"
        );
    }
    let at_stripe = s.peer.get(&format!("/v1/subscriptions/{sub}")).await;
    assert_eq!(
        at_stripe["items"]["data"][0]["plan"]["id"], "basic",
        "unchanged at Stripe"
    );
}

#[tokio::test]
async fn metered_prices_are_left_out_of_the_catalog() {
    let peer = Localstripe::start().await;
    peer.seed().await;
    peer.post(
        "/v1/plans",
        &[
            ("id", "per_call"),
            ("nickname", "Per call"),
            ("product", "prod_app"),
            ("amount", "2"),
            ("currency", "usd"),
            ("interval", "month"),
            ("usage_type", "metered"),
        ],
    )
    .await;
    let s = spawn_on(peer, None).await;
    let token = session(&s, "metered@example.com").await;
    let portal = ok(s.app.get_portal(&token).await, 200).await;
    assert_eq!(plan_ids(&portal), ["basic", "pro", "max", "euro"]);
    let response = s
        .app
        .post_json(
            "/v1/embed/subscriptions",
            Some(&token),
            json!({"plan": "per_call"}),
        )
        .await;
    let error = refusal(response, 404).await;
    assert_eq!(
        (&error["code"], &error["param"]),
        (&json!("plan_not_found"), &json!("plan"))
    );
}

#[tokio::test]
async fn the_built_in_card_form_is_refused_for_stripe_js() {
    let peer = Localstripe::start().await;
    peer.seed().await;
    let s = spawn_on(peer, None).await;
    let token = session(&s, "typed@example.com").await;
    let card =
        json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"});
    let response = s
        .app
        .post_json("/v1/embed/payment_methods", Some(&token), card)
        .await;
    let error = refusal(response, 400).await;
    assert_eq!(error["code"], "provider_unsupported");
    assert_eq!(
        error["message"],
        "With the Stripe provider, cards are entered through Stripe.js: create a SetupIntent \
         (`POST /v1/embed/setup_intents`) and complete it once confirmed."
    );
}

#[tokio::test]
async fn test_clocks_and_wallets_are_refused_with_stripe() {
    let peer = Localstripe::start().await;
    peer.seed().await;
    let s = spawn_on(peer, None).await;
    let customer = s
        .peer
        .customer_with_card("clock@example.com", "4242424242424242")
        .await;
    let token = session(&s, "clock@example.com").await;
    signed_up(&s, &token, json!({"plan": "basic"})).await;

    // Stripe's time is its own: moving Portico's clock would bill nothing.
    let advance = s
        .app
        .admin(
            TEST_KEY,
            reqwest::Method::POST,
            "/v1/test_helpers/test_clocks/advance",
            Some(json!({"advance_by": 86_400})),
        )
        .await;
    let error = refusal(advance, 400).await;
    assert_eq!(error["code"], "provider_unsupported");
    assert_eq!(
        error["message"],
        "Test clocks move the built-in billing engine's time; with the Stripe provider, use Stripe's test clocks."
    );

    // Prepaid credits are the built-in engine's: Stripe's invoices would never draw them.
    let wallet = s
        .app
        .admin(
            TEST_KEY,
            reqwest::Method::POST,
            "/v1/wallets",
            Some(json!({"customer": customer, "currency": "usd"})),
        )
        .await;
    let error = refusal(wallet, 400).await;
    assert_eq!(error["code"], "provider_unsupported");
    assert_eq!(
        error["message"],
        "Prepaid wallets are the built-in billing engine's; the Stripe provider does not offer them."
    );
}
