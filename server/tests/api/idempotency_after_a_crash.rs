//! What a retry finds after the server stopped mid-request: a claim that changed
//! nothing runs again at once; a claim whose action committed but whose answer was
//! never stored is refused (`idempotency_key_applied`), never acted on twice.

use crate::helpers::{TEST_KEY, TestApp, error_of, spawn_app};
use reqwest::Method;
use serde_json::json;

async fn database(app: &TestApp) -> sqlx::AnyPool {
    app.sql().await
}

/// A keyed grant of 5 credits to `wallet` on the server at `base`.
async fn grant(app: &TestApp, base: &str, wallet: &str, key: &str) -> reqwest::Response {
    app.client
        .post(format!("{base}/v1/wallets/{wallet}/credits"))
        .bearer_auth(TEST_KEY)
        .header("idempotency-key", key)
        .json(&json!({"credits": 5, "reason": "purchased"}))
        .send()
        .await
        .unwrap()
}

async fn balance(app: &TestApp, wallet: &str) -> String {
    let response = app
        .admin(
            TEST_KEY,
            Method::GET,
            &format!("/v1/wallets/{wallet}"),
            None,
        )
        .await;
    let wallet: serde_json::Value = response.json().await.unwrap();
    wallet["balance"].as_str().unwrap().to_owned()
}

/// Ada (a customer once she saves a card) and her wallet.
async fn new_wallet(app: &TestApp) -> String {
    let token = app
        .session(json!({"service": "golden", "email": "ada@example.com"}))
        .await;
    let card =
        json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"});
    let saved = app
        .post_json("/v1/embed/payment_methods", Some(&token), card)
        .await;
    assert_eq!(saved.status(), 201);
    let response = app
        .admin(
            TEST_KEY,
            Method::POST,
            "/v1/wallets",
            Some(json!({"customer": "ada@example.com", "currency": "usd"})),
        )
        .await;
    assert_eq!(response.status(), 201);
    let wallet: serde_json::Value = response.json().await.unwrap();
    wallet["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_grant_that_committed_but_lost_its_answer_is_refused_not_granted_twice() {
    let app = spawn_app().await;
    let wallet = new_wallet(&app).await;
    assert_eq!(grant(&app, &app.base, &wallet, "g-1").await.status(), 201);
    assert_eq!(balance(&app, &wallet).await, "5.00");
    // The process stopped between the grant's commit and storing its answer.
    sqlx::query("UPDATE idempotency_keys SET status = NULL, response = NULL WHERE key = 'g-1'")
        .execute(&database(&app).await)
        .await
        .unwrap();

    // Before, the claim expired after its lease and the retry granted again (10.00).
    app.clock.advance(jiff::SignedDuration::from_secs(
        portico_server::http::IDEMPOTENCY_IN_FLIGHT_LEASE + 1,
    ));
    let retried = grant(&app, &app.base, &wallet, "g-1").await;
    assert_eq!(error_of(retried, 409).await.0, "idempotency_key_applied");
    // A restarted server (another process) knows it too.
    let restarted = app.restarted().await;
    let retried = grant(&app, &restarted, &wallet, "g-1").await;
    assert_eq!(error_of(retried, 409).await.0, "idempotency_key_applied");
    assert_eq!(balance(&app, &wallet).await, "5.00");
}

#[tokio::test]
async fn a_claim_an_earlier_process_left_unapplied_runs_at_once_after_a_restart() {
    let app = spawn_app().await;
    let wallet = new_wallet(&app).await;
    assert_eq!(grant(&app, &app.base, &wallet, "g-1").await.status(), 201);
    // A claim of the same request by a process that died before it changed anything.
    sqlx::query(
        "INSERT INTO idempotency_keys (scope, key, request_digest, created, owner, claim, applied)
         SELECT scope, 'g-2', request_digest, created, 'an-earlier-process', 'its-request', FALSE
         FROM idempotency_keys WHERE key = 'g-1'",
    )
    .execute(&database(&app).await)
    .await
    .unwrap();
    // No five-minute wait: that process is gone (on PostgreSQL, its lock on its
    // id is not held), so the retry runs now.
    assert_eq!(grant(&app, &app.base, &wallet, "g-2").await.status(), 201);
    assert_eq!(balance(&app, &wallet).await, "10.00");
}
