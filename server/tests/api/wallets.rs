//! Prepaid wallets: the admin API grants credits, invoices draw them down before the
//! card, and the portal shows each customer their own wallets only.

use crate::helpers::{HOST_ORIGIN, LIVE_KEY, TEST_KEY, TestApp, error_of, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

/// A golden-service customer with a card on file, and their session.
async fn customer(app: &TestApp, email: &str) -> String {
    let token = app
        .session(json!({"service": "golden", "email": email}))
        .await;
    let card =
        json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"});
    let response = app
        .post_json("/v1/embed/payment_methods", Some(&token), card)
        .await;
    assert_eq!(response.status(), 201);
    token
}

async fn admin(app: &TestApp, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let response = app.admin(TEST_KEY, method, path, body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn wallet(app: &TestApp, email: &str) -> String {
    let (status, wallet) = admin(
        app,
        Method::POST,
        "/v1/wallets",
        Some(json!({"customer": email, "currency": "usd"})),
    )
    .await;
    assert_eq!(status, 201, "{wallet}");
    assert_eq!(wallet["balance"], "0.00");
    assert_eq!(wallet["conversion_rate"], 100);
    wallet["id"].as_str().unwrap().to_owned()
}

async fn grant(app: &TestApp, wallet: &str, body: Value) -> Value {
    let path = format!("/v1/wallets/{wallet}/credits");
    let (status, transaction) = admin(app, Method::POST, &path, Some(body)).await;
    assert_eq!(status, 201, "{transaction}");
    transaction
}

async fn transactions(app: &TestApp, wallet: &str) -> Vec<Value> {
    let path = format!("/v1/wallets/{wallet}/transactions");
    let (status, list) = admin(app, Method::GET, &path, None).await;
    assert_eq!(status, 200);
    list["data"].as_array().unwrap().clone()
}

async fn sign_up(app: &TestApp, token: &str, plan: &str) -> Value {
    let response = app
        .post_json(
            "/v1/embed/subscriptions",
            Some(token),
            json!({"plan": plan}),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_invoice_takes_the_wallet_first_and_the_card_pays_the_rest() {
    let app = spawn_app().await;
    let token = customer(&app, "ada@example.com").await;
    let id = wallet(&app, "ada@example.com").await;
    let (status, again) = admin(
        &app,
        Method::POST,
        "/v1/wallets",
        Some(json!({"customer": "ada@example.com", "currency": "USD"})),
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(again["error"]["code"], "resource_already_exists");

    let first = grant(
        &app,
        &id,
        json!({"credits": "5.00", "reason": "promotional", "priority": 1}),
    )
    .await;
    assert_eq!(
        (first["type"].as_str(), first["reason"].as_str()),
        (Some("credit"), Some("promotional"))
    );
    assert_eq!(
        (first["credits"].as_str(), first["amount"].as_i64()),
        (Some("5.00"), Some(500))
    );
    grant(&app, &id, json!({"credits": 3, "reason": "purchased"})).await;

    // Basic is 10.00 a month: 8.00 of credits, then 2.00 on the card.
    let created = sign_up(&app, &token, "basic").await;
    let invoice = &created["invoice"];
    assert_eq!(invoice["status"], "paid");
    assert_eq!(invoice["amount_due"], 1000);
    assert_eq!(invoice["amount_paid"], 1000);
    assert_eq!(invoice["amount_paid_from_wallet"], 800);

    let history = transactions(&app, &id).await;
    assert_eq!(history.len(), 3);
    let debit = &history[0];
    assert_eq!(
        (debit["type"].as_str(), debit["reason"].as_str()),
        (Some("debit"), Some("invoice_payment"))
    );
    assert_eq!(
        (debit["credits"].as_str(), debit["amount"].as_i64()),
        (Some("8.00"), Some(800))
    );
    assert_eq!(debit["invoice"], invoice["id"]);
    assert!(
        history[1..]
            .iter()
            .all(|g| g["credits_remaining"] == "0.00")
    );

    let (_, wallet) = admin(&app, Method::GET, &format!("/v1/wallets/{id}"), None).await;
    assert_eq!(
        (wallet["balance"].as_str(), wallet["balance_value"].as_i64()),
        (Some("0.00"), Some(0))
    );
}

#[tokio::test]
async fn grants_are_spent_by_priority_and_expiry_and_expired_credits_are_not() {
    let app = spawn_app().await;
    let token = customer(&app, "ada@example.com").await;
    let id = wallet(&app, "ada@example.com").await;
    let now = app.clock.now_unix();
    let day = 86_400;
    let soon = grant(
        &app,
        &id,
        json!({"credits": "10", "reason": "promotional", "expires_at": now + 2 * day}),
    )
    .await;
    let later = grant(
        &app,
        &id,
        json!({"credits": "10", "reason": "promotional", "expires_at": now + 40 * day}),
    )
    .await;
    let never = grant(&app, &id, json!({"credits": "25", "reason": "purchased"})).await;
    let last = grant(
        &app,
        &id,
        json!({"credits": "5", "reason": "purchased", "priority": 9}),
    )
    .await;

    // The soonest grant expires before anything is bought.
    app.advance_to(
        &jiff::Timestamp::from_second(now + 3 * day)
            .unwrap()
            .to_string(),
    )
    .await;
    let (_, wallet) = admin(&app, Method::GET, &format!("/v1/wallets/{id}"), None).await;
    assert_eq!(wallet["balance"], "40.00");
    let history = transactions(&app, &id).await;
    let expired = &history[0];
    assert_eq!(
        (expired["reason"].as_str(), expired["credits"].as_str()),
        (Some("expired"), Some("10.00"))
    );

    // Pro is 30.00: the expiring grant first, then the one that never expires; the
    // low-priority grant is untouched.
    let created = sign_up(&app, &token, "pro").await;
    assert_eq!(created["invoice"]["amount_paid_from_wallet"], 3000);
    let history = transactions(&app, &id).await;
    let remaining_of = |grant: &Value| {
        history
            .iter()
            .find(|t| t["id"] == grant["id"])
            .map(|t| t["credits_remaining"].as_str().unwrap().to_owned())
            .unwrap()
    };
    assert_eq!(remaining_of(&soon), "0.00");
    assert_eq!(remaining_of(&later), "0.00");
    assert_eq!(remaining_of(&never), "5.00");
    assert_eq!(remaining_of(&last), "5.00");
    let (_, wallet) = admin(&app, Method::GET, &format!("/v1/wallets/{id}"), None).await;
    assert_eq!(wallet["balance"], "10.00");
}

#[tokio::test]
async fn a_customer_sees_only_their_own_wallets_and_keys_see_only_their_mode() {
    let app = spawn_app().await;
    let ada = customer(&app, "ada@example.com").await;
    let bob = customer(&app, "bob@example.com").await;
    let id = wallet(&app, "ada@example.com").await;
    grant(
        &app,
        &id,
        json!({"credits": "12.50", "reason": "purchased", "description": "Top-up"}),
    )
    .await;

    let mine = app.get_json("/v1/embed/wallets", &ada).await;
    assert_eq!(mine[0]["wallet"]["id"], id.as_str());
    assert_eq!(mine[0]["wallet"]["balance"], "12.50");
    assert_eq!(mine[0]["wallet"]["balance_value"], 1250);
    assert_eq!(mine[0]["transactions"][0]["description"], "Top-up");
    assert_eq!(app.get_json("/v1/embed/wallets", &bob).await, json!([]));
    let anonymous = app
        .client
        .get(app.url("/v1/embed/wallets"))
        .header("origin", HOST_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);

    let live = app
        .admin(LIVE_KEY, Method::GET, &format!("/v1/wallets/{id}"), None)
        .await;
    let (code, _) = error_of(live, 404).await;
    assert_eq!(code, "resource_missing");
    let (status, list) = admin(
        &app,
        Method::GET,
        "/v1/wallets?customer=ada@example.com",
        None,
    )
    .await;
    assert_eq!(
        (status, list["data"].as_array().map(Vec::len)),
        (200, Some(1))
    );
}

#[tokio::test]
async fn bad_grants_are_refused_by_name_and_a_retried_grant_counts_once() {
    let app = spawn_app().await;
    customer(&app, "ada@example.com").await;
    let id = wallet(&app, "ada@example.com").await;
    let path = format!("/v1/wallets/{id}/credits");
    for (body, param) in [
        (json!({"credits": "0", "reason": "purchased"}), "credits"),
        (
            json!({"credits": "1.234", "reason": "purchased"}),
            "credits",
        ),
        (json!({"credits": "5", "reason": "gift"}), "reason"),
        (
            json!({"credits": "5", "reason": "purchased", "expires_at": 1}),
            "expires_at",
        ),
        (
            json!({"credits": "5", "reason": "purchased", "colour": "red"}),
            "colour",
        ),
    ] {
        let response = app
            .admin(TEST_KEY, Method::POST, &path, Some(body.clone()))
            .await;
        let (_, named) = error_of(response, 400).await;
        assert_eq!(named.as_deref(), Some(param), "{body}");
    }
    let unknown = app
        .admin(
            TEST_KEY,
            Method::POST,
            "/v1/wallets",
            Some(json!({"customer": "nobody", "currency": "usd"})),
        )
        .await;
    assert_eq!(error_of(unknown, 404).await.1.as_deref(), Some("customer"));
    let form = app
        .client
        .post(app.url(&path))
        .bearer_auth(TEST_KEY)
        .header("idempotency-key", "grant-1")
        .form(&[
            ("credits", "7.50"),
            ("reason", "purchased"),
            ("priority", "2"),
        ]);
    let first: Value = form
        .try_clone()
        .unwrap()
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second: Value = form.send().await.unwrap().json().await.unwrap();
    assert_eq!(first["id"], second["id"]);
    assert_eq!(first["priority"], 2);
    assert_eq!(transactions(&app, &id).await.len(), 1);
}

#[tokio::test]
async fn the_other_mode_s_key_neither_writes_to_a_wallet_nor_learns_it_exists() {
    let app = spawn_app().await;
    customer(&app, "ada@example.com").await;
    let id = wallet(&app, "ada@example.com").await;
    let now = app.clock.now_unix();
    grant(
        &app,
        &id,
        json!({"credits": "5", "reason": "promotional", "expires_at": now + 3_600}),
    )
    .await;
    app.clock.advance(jiff::SignedDuration::from_hours(2));
    let count = || async {
        let pool = app.sql().await;
        let (rows,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM wallet_transactions WHERE wallet_id = $1")
                .bind(&id)
                .fetch_one(&pool)
                .await
                .unwrap();
        rows
    };
    assert_eq!(count().await, 1, "the grant; its expiry not yet recorded");

    // Before, the live key's read recorded the test wallet's expiry, then said
    // "a similar object exists in test mode".
    let live = app
        .admin(LIVE_KEY, Method::GET, &format!("/v1/wallets/{id}"), None)
        .await;
    assert_eq!(live.status(), 404);
    let body: Value = live.json().await.unwrap();
    assert_eq!(body["error"]["message"], format!("No such wallet: '{id}'."));
    assert_eq!(count().await, 1, "nothing written by the other mode's key");

    // The wallet's own mode records the expiry.
    assert_eq!(transactions(&app, &id).await.len(), 2);
}

#[tokio::test]
async fn the_portal_reads_wallets_while_a_writer_holds_the_lock() {
    let app = spawn_app().await;
    let ada = customer(&app, "ada@example.com").await;
    let id = wallet(&app, "ada@example.com").await;
    grant(&app, &id, json!({"credits": "5.00", "reason": "purchased"})).await;
    // A long write elsewhere (another server on the same database, say).
    let mut writer = app.hold_write_lock().await;
    // The poll every open portal makes is answered: before, it queued for the
    // write lock behind the writer and failed (500) after the 5 s busy timeout.
    let mine = app.get_json("/v1/embed/wallets", &ada).await;
    assert_eq!(mine[0]["wallet"]["balance"], "5.00");
    sqlx::query("ROLLBACK").execute(&mut *writer).await.unwrap();
}
