//! The customer's card, invoices and billing details through the widget API.

use crate::helpers::{HOST_ORIGIN, error_of, spawn_app};
use serde_json::{Value, json};

const CARD: &str = "/v1/embed/payment_methods";

#[tokio::test]
async fn invoices_are_listed_newest_first_and_only_to_their_customer() {
    let app = spawn_app().await;
    let ada = app
        .session(json!({"service": "golden", "email": "ada@example.com"}))
        .await;
    let card = json!({"number": "4242424242424242", "exp_month": 1, "exp_year": 40, "cvc": "123"});
    assert_eq!(app.post_json(CARD, Some(&ada), card).await.status(), 201);
    let signup = json!({"plan": "basic"});
    let created: Value = app
        .post_json("/v1/embed/subscriptions", Some(&ada), signup)
        .await
        .json()
        .await
        .unwrap();
    app.advance_to("2026-12-22T10:00:00Z").await;

    let list = app.get_json("/v1/embed/invoices", &ada).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["billing_reason"], "subscription_cycle");
    assert_eq!(list[1]["id"], created["invoice"]["id"]);
    assert_eq!(list[1]["number"], "INV-202611-00001");
    assert_eq!(list[0]["number"], "INV-202612-00001");
    assert_eq!(list[0]["lines"][0]["description"], "1 × App");
    let id = list[0]["id"].as_str().unwrap();
    let one = app
        .get_json(&format!("/v1/embed/invoices/{id}"), &ada)
        .await;
    assert_eq!(one, list[0]);

    let bob = app
        .session(json!({"service": "golden", "email": "bob@example.com"}))
        .await;
    assert_eq!(app.get_json("/v1/embed/invoices", &bob).await, json!([]));
    let foreign = app
        .client
        .get(app.url(&format!("/v1/embed/invoices/{id}")))
        .header("origin", HOST_ORIGIN)
        .header("x-session-token", &bob)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(foreign, 404).await.0, "invoice_not_found");
}

#[tokio::test]
async fn billing_details_are_edited_without_changing_the_identity() {
    let app = spawn_app().await;
    let token = app
        .session(json!({"service": "golden", "email": "ada@example.com"}))
        .await;
    let update = json!({
        "name": "Ada Lovelace",
        "email": "Billing@Example.com",
        "address": {"line1": "12 St James's Sq", "city": "London", "postal_code": "SW1Y 4JH", "country": "GB"},
        "tax_id": {"type": "gb_vat", "value": "GB123456789"},
    });
    let response = app
        .post_json("/v1/embed/customer", Some(&token), update)
        .await;
    assert_eq!(response.status(), 200);
    let customer: Value = response.json().await.unwrap();
    assert_eq!(customer["email"], "billing@example.com");
    assert_eq!(customer["address"]["country"], "GB");
    assert_eq!(customer["tax_id"]["type"], "gb_vat");

    // The same identity still opens the same customer.
    let again = app
        .session(json!({"service": "golden", "email": "ada@example.com"}))
        .await;
    let portal = app.get_json("/v1/embed/portal", &again).await;
    assert_eq!(portal["customer"]["name"], "Ada Lovelace");
    assert_eq!(portal["customer"]["id"], customer["id"]);

    let bad = json!({"address": {"country": "Britain"}});
    let response = app.post_json("/v1/embed/customer", Some(&token), bad).await;
    let (code, param) = error_of(response, 400).await;
    assert_eq!(
        (code.as_str(), param.as_deref()),
        ("invalid_request", Some("address[country]"))
    );
    let bad = json!({"email": "not-an-email"});
    let response = app.post_json("/v1/embed/customer", Some(&token), bad).await;
    assert_eq!(error_of(response, 400).await.1.as_deref(), Some("email"));
}

#[tokio::test]
async fn every_action_replays_by_idempotency_key() {
    let app = spawn_app().await;
    let token = app
        .session(json!({"service": "golden", "email": "ada@example.com"}))
        .await;
    let send = |path: &str, key: &str, body: Value| {
        app.client
            .post(app.url(path))
            .header("origin", HOST_ORIGIN)
            .header("x-session-token", &token)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let card =
        json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"});
    let first = send(CARD, "card", card.clone()).await.unwrap();
    let first: Value = first.json().await.unwrap();
    let replay = send(CARD, "card", card).await.unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.json::<Value>().await.unwrap(), first);
    let other =
        json!({"number": "5555555555554444", "exp_month": 12, "exp_year": 2035, "cvc": "123"});
    let refused = send(CARD, "card", other).await.unwrap();
    assert_eq!(error_of(refused, 400).await.0, "idempotency_key_reused");

    let created: Value = send(
        "/v1/embed/subscriptions",
        "signup",
        json!({"plan": "basic"}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let id = created["subscription"]["id"].as_str().unwrap();
    let cancel = format!("/v1/embed/subscriptions/{id}/cancel");
    let resume = format!("/v1/embed/subscriptions/{id}/resume");
    let at_end = json!({"at_period_end": true});
    assert_eq!(
        send(&cancel, "cancel", at_end.clone())
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        send(&resume, "resume", json!({})).await.unwrap().status(),
        200
    );
    // A replayed cancel answers as the first did and does not cancel again.
    let replay = send(&cancel, "cancel", at_end).await.unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let portal = app.get_json("/v1/embed/portal", &token).await;
    assert_eq!(portal["subscriptions"][0]["cancel_at_period_end"], false);
    // One key, two different actions: refused, not replayed.
    let refused = send(&resume, "cancel", json!({})).await.unwrap();
    assert_eq!(error_of(refused, 400).await.0, "idempotency_key_reused");
}

#[tokio::test]
async fn an_oversized_billing_detail_is_refused_by_name_and_nothing_is_stored() {
    let app = spawn_app().await;
    let token = app
        .session(json!({"service": "golden", "email": "ada@example.com"}))
        .await;
    // Before, a 100,000-character name was stored as sent: a session could fill
    // the disk 100 KB per request.
    for (body, param) in [
        (json!({"name": "x".repeat(100_000)}), "name"),
        (
            json!({"address": {"line1": "y".repeat(201), "country": "GB"}}),
            "address[line1]",
        ),
        (
            json!({"tax_id": {"type": "gb_vat", "value": "9".repeat(65)}}),
            "tax_id[value]",
        ),
    ] {
        let response = app
            .post_json("/v1/embed/customer", Some(&token), body)
            .await;
        let (code, got) = error_of(response, 400).await;
        assert_eq!(
            (code.as_str(), got.as_deref()),
            ("invalid_request", Some(param))
        );
    }
    let portal = app.get_json("/v1/embed/portal", &token).await;
    assert!(portal["customer"]["name"].is_null(), "{portal}");
}
