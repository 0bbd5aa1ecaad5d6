//! The engine under concurrency and restarts, through the HTTP API.

use crate::helpers::{HOST_ORIGIN, TestApp, spawn_app};
use serde_json::{Value, json};

const CARD: &str = "/v1/embed/payment_methods";
const SIGNUP: &str = "/v1/embed/subscriptions";

/// A customer with a card and a subscription; returns the session token and its id.
async fn subscribed(app: &TestApp, plan: &str, quantity: Value) -> (String, String) {
    let token = app
        .session(json!({"service": "golden", "email": "ada@example.com"}))
        .await;
    let card =
        json!({"number": "4242 4242 4242 4242", "exp_month": 12, "exp_year": 2035, "cvc": "123"});
    assert_eq!(app.post_json(CARD, Some(&token), card).await.status(), 201);
    let created = app
        .post_json(
            SIGNUP,
            Some(&token),
            json!({"plan": plan, "quantity": quantity}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    let id = body["subscription"]["id"].as_str().unwrap().to_owned();
    (token, id)
}

/// The one row of two integers `sql` selects.
async fn query_pair(app: &TestApp, sql: &str) -> (i64, i64) {
    let pool = app.sql().await;
    let row: (i64, i64) = sqlx::query_as(sql).fetch_one(&pool).await.unwrap();
    pool.close().await;
    row
}

#[tokio::test]
async fn a_hundred_identical_submits_with_one_key_act_once() {
    let app = spawn_app().await;
    app.configure_default(
        json!({"features": {"subscription_update": {"proration_behavior": "always_invoice"}}}),
    )
    .await;
    let (token, id) = subscribed(&app, "basic", json!(1)).await;
    let path = app.url(&format!("/v1/embed/subscriptions/{id}/change"));
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let request = app
                .client
                .post(&path)
                .header("origin", HOST_ORIGIN)
                .header("x-session-token", &token)
                .header("idempotency-key", "upgrade-once")
                .json(&json!({"plan": "pro", "proration_behavior": "always_invoice"}));
            tokio::spawn(request.send())
        })
        .collect();
    let mut invoices = std::collections::BTreeSet::new();
    for task in tasks {
        let response = task.await.unwrap().unwrap();
        match response.status().as_u16() {
            200 => {
                let body: Value = response.json().await.unwrap();
                invoices.insert(body["invoice"]["id"].as_str().unwrap().to_owned());
            }
            409 => {
                let body: Value = response.json().await.unwrap();
                assert_eq!(body["error"]["code"], "idempotency_key_in_use");
            }
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(
        invoices.len(),
        1,
        "every success answers with the one invoice"
    );
    let (count, paid) = query_pair(
        &app,
        "SELECT COUNT(*), CAST(COALESCE(SUM(amount_paid), 0) AS BIGINT) FROM invoices WHERE billing_reason = 'subscription_update'",
    )
    .await;
    assert_eq!(count, 1, "one change, one invoice");
    // The change comes at the very start of the period, so the whole period is
    // prorated: -10.00 for Basic, +30.00 for Pro, charged once.
    assert_eq!(paid, 2000, "one change, charged once");
}

#[tokio::test]
async fn fifty_concurrent_changes_serialize_without_losing_one() {
    let app = spawn_app().await;
    let (token, id) = subscribed(&app, "seats", json!({"user": 1})).await;
    let path = app.url(&format!("/v1/embed/subscriptions/{id}/change"));
    // Quantities 2..=51, each a different request with its own key.
    let tasks: Vec<_> = (2..=51)
        .map(|users: i64| {
            let request = app
                .client
                .post(&path)
                .header("origin", HOST_ORIGIN)
                .header("x-session-token", &token)
                .header("idempotency-key", format!("seats-{users}"))
                .json(&json!({"quantity": {"user": users}}));
            tokio::spawn(request.send())
        })
        .collect();
    for task in tasks {
        let response = task.await.unwrap().unwrap();
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }
    let portal = app.get_json("/v1/embed/portal", &token).await;
    let last = portal["subscriptions"][0]["items"][1]["quantity"]
        .as_i64()
        .unwrap();
    assert!((2..=51).contains(&last));
    // Each change credited the quantity before it and charged its own, at the very
    // start of the period, so the waiting prorations are 50 credits and 50 charges
    // that telescope to (last - first) seats for a whole period.
    let pending = query_pair(
        &app,
        "SELECT COUNT(*), CAST(SUM(amount) AS BIGINT) FROM invoice_lines WHERE invoice_id IS NULL",
    )
    .await;
    assert_eq!(pending, (100, (last - 1) * 500));
}

#[tokio::test]
async fn a_restart_loses_nothing_acknowledged() {
    let app = spawn_app().await;
    app.configure_default(
        json!({"features": {"subscription_update": {"proration_behavior": "always_invoice"}}}),
    )
    .await;
    let (token, id) = subscribed(&app, "seats", json!({"user": 3})).await;
    app.advance_to("2026-12-02T10:00:00Z").await;
    let change = json!({"quantity": {"user": 5}, "proration_behavior": "always_invoice"});
    let path = format!("/v1/embed/subscriptions/{id}/change");
    assert_eq!(
        app.post_json(&path, Some(&token), change).await.status(),
        200
    );
    let cancel =
        json!({"at_period_end": true, "feedback": "too_expensive", "comment": "Budget cuts"});
    let path = format!("/v1/embed/subscriptions/{id}/cancel");
    assert_eq!(
        app.post_json(&path, Some(&token), cancel).await.status(),
        200
    );
    let before = (
        app.get_json("/v1/embed/portal", &token).await,
        app.get_json("/v1/embed/invoices", &token).await,
    );
    assert_eq!(before.1.as_array().unwrap().len(), 2);

    let restarted = app.restarted().await;
    let get = |path: &'static str| {
        let request = app
            .client
            .get(format!("{restarted}{path}"))
            .header("origin", HOST_ORIGIN)
            .header("x-session-token", &token);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let after = (
        get("/v1/embed/portal").await,
        get("/v1/embed/invoices").await,
    );
    assert_eq!(before, after);
    assert_eq!(
        after.0["subscriptions"][0]["cancellation_details"]["feedback"],
        "too_expensive"
    );
}

#[tokio::test]
async fn the_card_number_is_never_stored() {
    let app = spawn_app().await;
    let token = app
        .session(json!({"service": "golden", "email": "ada@example.com"}))
        .await;
    let card =
        json!({"number": "4000 0000 0000 0341", "exp_month": 12, "exp_year": 2035, "cvc": "987"});
    let response = app
        .client
        .post(app.url(CARD))
        .header("origin", HOST_ORIGIN)
        .header("x-session-token", &token)
        .header("idempotency-key", "card-1")
        .json(&card)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["payment_method"]["card"]["last4"], "0341");
    assert_eq!(body["payment_method"]["card"]["brand"], "visa");
    let portal = app.get_json("/v1/embed/portal", &token).await;
    assert_eq!(portal["payment_method"]["card"]["exp_year"], 2035);

    let pool = app.sql().await;
    let text = if app.on_postgres() {
        // Every stored row, as text.
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT CAST(row_to_json(p) AS TEXT) FROM payment_methods p
             UNION ALL SELECT CAST(row_to_json(c) AS TEXT) FROM customers c",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        rows.into_iter().map(|(row,)| row).collect::<String>()
    } else {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&pool)
            .await
            .unwrap();
        String::from_utf8_lossy(&std::fs::read(&app.database).unwrap()).into_owned()
    };
    pool.close().await;
    assert!(!text.contains("4000000000000341") && !text.contains("4000 0000 0000 0341"));
    assert!(
        text.contains("0341"),
        "the check reads the database it means to"
    );
}

#[tokio::test]
async fn the_test_clock_needs_the_test_key_and_only_moves_forward() {
    let app = spawn_app().await;
    let path = app.url("/v1/test_helpers/test_clocks/advance");
    let post = |key: Option<&str>, body: Value| {
        let mut request = app.client.post(&path).json(&body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = post(None, json!({"advance_by": 60})).await;
    assert_eq!(
        (status, body["error"]["type"].as_str()),
        (401, Some("authentication_error"))
    );
    let (status, body) = post(Some(crate::helpers::LIVE_KEY), json!({"advance_by": 60})).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("test_mode_only"))
    );
    let key = Some(crate::helpers::TEST_KEY);
    let (status, body) = post(key, json!({"advance_by": 86_400})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["frozen_time"], app.clock.now_unix() + 86_400);
    let (status, body) = post(key, json!({"frozen_time": app.clock.now_unix()})).await;
    assert_eq!(
        (status, body["error"]["param"].as_str()),
        (400, Some("frozen_time"))
    );
    let (status, _) = post(key, json!({"advance_by": 1, "frozen_time": 1})).await;
    assert_eq!(status, 400);
    let (status, body) = post(key, json!({"customer": "cus_nobody", "advance_by": 1})).await;
    assert_eq!(
        (status, body["error"]["param"].as_str()),
        (404, Some("customer"))
    );
}

#[tokio::test]
async fn a_session_acts_only_on_its_own_service() {
    let app = spawn_app().await;
    // The same customer subscribes in `golden`, then opens the `acme` portal.
    let (_, id) = subscribed(&app, "basic", json!(1)).await;
    let acme = app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    for (action, body) in [
        ("cancel", json!({})),
        ("change", json!({"plan": "starter"})),
        ("preview", json!({"plan": "starter"})),
        ("resume", json!({})),
    ] {
        let path = format!("/v1/embed/subscriptions/{id}/{action}");
        let response = app.post_json(&path, Some(&acme), body).await;
        let (code, _) = crate::helpers::error_of(response, 404).await;
        assert_eq!(code, "subscription_not_found", "{action}");
    }
    let golden = app
        .session(json!({"service": "golden", "email": "ada@example.com"}))
        .await;
    let portal = app.get_json("/v1/embed/portal", &golden).await;
    assert_eq!(portal["subscriptions"][0]["status"], "active");
    assert_eq!(portal["subscriptions"][0]["plan"], "basic");
    assert_eq!(app.get_json("/v1/embed/invoices", &acme).await, json!([]));
}

#[tokio::test]
async fn a_preview_is_answered_while_a_writer_holds_the_lock() {
    let app = spawn_app().await;
    let (_, subscription, ada) =
        crate::portal_sessions::customer(&app, json!({"email": "ada@example.com"})).await;
    // A long write elsewhere (another server on the same database, say).
    let mut writer = app.hold_write_lock().await;
    // Before, the preview ran the change in a write transaction: it queued behind
    // the writer and failed (500) after the 5 s busy timeout.
    let preview = app
        .post_json(
            &format!("/v1/embed/subscriptions/{subscription}/preview"),
            Some(&ada),
            json!({"plan": "pro"}),
        )
        .await;
    assert_eq!(preview.status(), 200);
    let preview: Value = preview.json().await.unwrap();
    assert_eq!(preview["subscription"]["plan"], "pro");
    sqlx::query("ROLLBACK").execute(&mut *writer).await.unwrap();
    // And it changed nothing: the portal still shows the plan it had.
    let portal = app.get_json("/v1/embed/portal", &ada).await;
    assert_eq!(portal["subscriptions"][0]["plan"], "basic");
}
