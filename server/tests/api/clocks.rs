//! Time passing: the background runner does what falls due with no test-clock call,
//! and a test clock advanced for one customer moves that customer's time only.

use crate::helpers::{TEST_KEY, TestApp, spawn_app, spawn_app_with_billing_runner};
use jiff::Timestamp;
use serde_json::{Value, json};
use std::time::Duration;

/// `email`'s customer in the `golden` service with a card and a `basic`
/// subscription (10.00 a month), signed up at the server's time.
async fn subscribed(app: &TestApp, email: &str) -> String {
    let (token, _) = app
        .signed_up_with_card("golden", email, json!({"plan": "basic"}))
        .await;
    token
}

/// `email`'s invoices, newest first, read with a new session (the server's time
/// may have moved past the first one's expiry).
async fn invoices(app: &TestApp, email: &str) -> Vec<Value> {
    let token = app
        .session(json!({"service": "golden", "email": email}))
        .await;
    let list = app.get_json("/v1/embed/invoices", &token).await;
    list.as_array().unwrap().clone()
}

fn unix(at: &str) -> i64 {
    at.parse::<Timestamp>().unwrap().as_second()
}

#[tokio::test]
async fn the_background_runner_renews_what_falls_due_without_a_clock_advance() {
    let app = spawn_app_with_billing_runner(Duration::from_millis(50)).await;
    // Signed up at 22 Nov 10:00: the period ends on 22 Dec at 10:00.
    subscribed(&app, "ada@example.com").await;
    // The server's own clock passes the period end; no test clock is touched.
    app.clock.set("2026-12-22T10:00:01Z".parse().unwrap());

    // Each run of the runner is 50 ms apart; five seconds is a hundred chances.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let listed = loop {
        let listed = invoices(&app, "ada@example.com").await;
        if listed.len() > 1 || tokio::time::Instant::now() > deadline {
            break listed;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(listed.len(), 2, "the runner renewed within 5 s: {listed:?}");
    let renewal = &listed[0];
    assert_eq!(renewal["billing_reason"], "subscription_cycle");
    assert_eq!(renewal["period_start"], unix("2026-12-22T10:00:00Z"));
    assert_eq!(renewal["period_end"], unix("2027-01-22T10:00:00Z"));
    assert_eq!(
        (renewal["amount_paid"].as_i64(), renewal["status"].as_str()),
        (Some(1000), Some("paid"))
    );
}

#[tokio::test]
async fn one_customers_test_clock_renews_that_customer_only() {
    let app = spawn_app().await;
    // Both sign up at 22 Nov 10:00, periods ending 22 Dec 10:00.
    subscribed(&app, "ada@example.com").await;
    subscribed(&app, "bo@example.com").await;

    let response = app
        .admin(
            TEST_KEY,
            reqwest::Method::POST,
            "/v1/test_helpers/test_clocks/advance",
            Some(
                json!({"customer": "ada@example.com", "frozen_time": unix("2026-12-22T10:00:00Z")}),
            ),
        )
        .await;
    assert_eq!(response.status(), 200);
    let clock: Value = response.json().await.unwrap();
    assert!(
        clock["customer"]
            .as_str()
            .is_some_and(|c| c.starts_with("cus_")),
        "{clock}"
    );
    assert_eq!(clock["frozen_time"], unix("2026-12-22T10:00:00Z"));
    let touched = clock["invoices"].as_array().unwrap();
    assert_eq!(touched.len(), 1, "Ada's renewal alone: {clock}");
    assert_eq!(touched[0]["customer"], clock["customer"]);
    assert_eq!(touched[0]["period_start"], unix("2026-12-22T10:00:00Z"));
    assert_eq!(touched[0]["amount_paid"], 1000);

    assert_eq!(invoices(&app, "ada@example.com").await.len(), 2);
    let bos = invoices(&app, "bo@example.com").await;
    assert_eq!(bos.len(), 1, "Bo's time has not moved: {bos:?}");
    assert_eq!(bos[0]["billing_reason"], "subscription_create");

    // Bo's own clock still starts from the real time: taking it to the same moment
    // renews Bo now.
    let bo_clock = app
        .admin(
            TEST_KEY,
            reqwest::Method::POST,
            "/v1/test_helpers/test_clocks/advance",
            Some(
                json!({"customer": "bo@example.com", "frozen_time": unix("2026-12-22T10:00:00Z")}),
            ),
        )
        .await;
    assert_eq!(bo_clock.status(), 200);
    assert_eq!(invoices(&app, "bo@example.com").await.len(), 2);
}

#[tokio::test]
async fn a_test_clock_is_bounded_and_live_billing_goes_on() {
    let app = spawn_app().await;
    subscribed(&app, "far@example.com").await;
    let advance = |body: Value| {
        app.client
            .post(app.url("/v1/test_helpers/test_clocks/advance"))
            .bearer_auth(TEST_KEY)
            .json(&body)
            .send()
    };
    // Year 9999, and an advance that overflows: before, period arithmetic
    // panicked or failed, and every later billing run stopped at it.
    for (body, param) in [
        (json!({"frozen_time": 253_402_300_799_i64}), "frozen_time"),
        (json!({"advance_by": i64::MAX}), "advance_by"),
        (json!({"advance_by": 11 * 366 * 86_400}), "advance_by"),
    ] {
        let response = advance(body.clone()).await.unwrap();
        let (code, got) = crate::helpers::error_of(response, 400).await;
        assert_eq!(
            (code.as_str(), got.as_deref()),
            ("invalid_request", Some(param)),
            "{body}"
        );
    }
    // A month still moves, and renews.
    let moved = advance(json!({"advance_by": 32 * 86_400})).await.unwrap();
    assert_eq!(moved.status(), 200);
    assert_eq!(invoices(&app, "far@example.com").await.len(), 2);
}

#[tokio::test]
async fn a_subscription_that_cannot_renew_holds_up_no_other() {
    let app = spawn_app_with_billing_runner(Duration::from_millis(50)).await;
    subscribed(&app, "ada@example.com").await;
    subscribed(&app, "bo@example.com").await;
    // Ada's row is made unreadable, as a bug or a bad migration could leave it.
    let pool = app.sql().await;
    sqlx::query(
        "UPDATE subscriptions SET status = 'not-a-status'
         WHERE customer_id = (SELECT id FROM customers WHERE email = 'ada@example.com')",
    )
    .execute(&pool)
    .await
    .unwrap();

    // The test clock's run reports Bo's renewal: before, the first failure ended
    // the whole run with a 500 and nobody after Ada renewed.
    let response = app
        .admin(
            TEST_KEY,
            reqwest::Method::POST,
            "/v1/test_helpers/test_clocks/advance",
            Some(json!({"frozen_time": unix("2026-12-22T10:00:00Z")})),
        )
        .await;
    assert_eq!(response.status(), 200);
    let clock: Value = response.json().await.unwrap();
    // The run the advance started renewed Bo, or the background runner's did
    // first (it runs every 50 ms, and with PostgreSQL it no longer waits for the
    // advance's own run): either way a run went past Ada's failure to Bo's.
    assert!(clock["invoices"].as_array().unwrap().len() <= 1, "{clock}");
    assert_eq!(invoices(&app, "bo@example.com").await.len(), 2);

    // Ada's stays due, retried on every run; the background runner goes on with
    // its work: Bo's next renewal, a month later.
    app.clock.set("2027-01-22T10:00:01Z".parse().unwrap());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while invoices(&app, "bo@example.com").await.len() < 3 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "Bo renewed again within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
