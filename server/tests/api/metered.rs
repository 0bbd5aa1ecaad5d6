//! Metered prices: usage ingested during a period is billed on the invoice that
//! ends it, one line per meter, to the cent; an immediate cancel bills it too.
//! `metered_periods` checks that consecutive periods bill every hour once,
//! `metered_snapshot` that prices are the ones snapshotted at signup or change; both
//! use the helpers here.

use crate::helpers::{TEST_KEY, TestApp, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

pub(crate) async fn ingest(app: &TestApp, events: Vec<Value>) {
    let response = app
        .admin(
            TEST_KEY,
            Method::POST,
            "/v1/events",
            Some(json!({ "events": events })),
        )
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rejected"], 0, "{body}");
}

pub(crate) fn unix(at: &str) -> i64 {
    at.parse::<jiff::Timestamp>().unwrap().as_second()
}

/// One `api_calls` event of `email`'s customer at `at`.
pub(crate) fn calls(id: &str, email: &str, quantity: i64, at: &str) -> Value {
    json!({"event_id": id, "customer": email, "meter": "api_calls", "quantity": quantity, "timestamp": unix(at)})
}

pub(crate) fn lines(invoice: &Value) -> Vec<(String, i64)> {
    invoice["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("expected an invoice, got {invoice}"))
        .iter()
        .map(|l| {
            (
                l["description"].as_str().unwrap().to_owned(),
                l["amount"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// The renewal invoice the period ending at `period_end` gets a minute later.
async fn renewed_after(app: &TestApp, period_end: i64) -> Value {
    let touched = app
        .advance_to(
            &jiff::Timestamp::from_second(period_end + 60)
                .unwrap()
                .to_string(),
        )
        .await;
    touched["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["billing_reason"] == "subscription_cycle")
        .cloned()
        .unwrap()
}

/// `(description, amount)` pairs from literals, to compare with [`lines`].
pub(crate) fn expected(pairs: &[(&str, i64)]) -> Vec<(String, i64)> {
    pairs.iter().map(|(d, a)| ((*d).to_owned(), *a)).collect()
}

/// A session of `email`'s customer in the `metered` service, with a card and a
/// subscription to `plan`: the session token and the signup's answer.
pub(crate) async fn subscribed(app: &TestApp, email: &str, plan: &str) -> (String, Value) {
    app.signed_up_with_card("metered", email, json!({"plan": plan}))
        .await
}

/// Sets the server's clock to `at` and runs what is due by then: a test-clock
/// advance of zero seconds, so test time stays the real (manual) time that event
/// timestamps are checked against. Returns the invoices the run touched.
pub(crate) async fn run_due_at(app: &TestApp, at: &str) -> Vec<Value> {
    app.clock.set(at.parse().unwrap());
    let response = app
        .admin(
            TEST_KEY,
            Method::POST,
            "/v1/test_helpers/test_clocks/advance",
            Some(json!({"advance_by": 0})),
        )
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    body["invoices"].as_array().unwrap().clone()
}

#[tokio::test]
async fn usage_is_billed_at_the_period_end_one_line_per_meter() {
    let app = spawn_app().await;
    let (_, created) = subscribed(&app, "ada@example.com", "usage").await;
    // Metered usage is billed in arrears: the first invoice is the flat fee only.
    assert_eq!(lines(&created["invoice"]), [("1 × App".to_owned(), 1000)]);
    assert_eq!(created["subscription"]["metered"][0]["meter"], "api_calls");
    let period_end = created["subscription"]["current_period_end"]
        .as_i64()
        .unwrap();

    let now = app.clock.now_unix();
    app.clock.advance(jiff::SignedDuration::from_hours(3));
    let event = |id: &str, meter: &str, quantity: i64, at: i64| json!({"event_id": id, "customer": "ada@example.com", "meter": meter, "quantity": quantity, "timestamp": at});
    let user = |id: &str, user: &str, at: i64| json!({"event_id": id, "customer": "ada@example.com", "meter": "active_users", "properties": {"user_id": user}, "timestamp": at});
    ingest(
        &app,
        vec![
            event("c1", "api_calls", 1_800, now + 3_600),
            event("c2", "api_calls", 700, now + 7_200),
            event("g1", "peak_gpus", 3, now + 3_600),
            event("g2", "peak_gpus", 8, now + 7_200),
            user("u1", "u_1", now + 3_600),
            user("u2", "u_2", now + 3_600),
            user("u3", "u_1", now + 7_200),
        ],
    )
    .await;
    // The same event again counts once.
    ingest(&app, vec![event("c1", "api_calls", 1_800, now + 3_600)]).await;

    // The portal's usage view prices the range at the subscription's metered prices.
    let fresh = app
        .session(json!({"service": "metered", "email": "ada@example.com"}))
        .await;
    let usage = app.get_json("/v1/embed/usage?range=30d", &fresh).await;
    let costs: Vec<(&str, i64, Option<i64>)> = usage["meters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["key"].as_str().unwrap(),
                m["total"].as_i64().unwrap(),
                m["cost"].as_i64(),
            )
        })
        .collect();
    assert_eq!(
        costs,
        [
            ("api_calls", 2500, Some(3000)),
            ("peak_gpus", 8, Some(4000)),
            ("active_users", 2, Some(600))
        ]
    );
    assert_eq!(usage["meters"][0]["currency"], "usd");

    let renewal = renewed_after(&app, period_end).await;
    // 2,500 calls: 1,000 free, 1,500 at 0.02; a peak of 8 GPUs at 5.00; 2 distinct
    // users at 3.00; then next month's flat fee.
    assert_eq!(
        lines(&renewal),
        [
            ("2500 calls × API calls".to_owned(), 3000),
            ("8 GPUs × Peak GPUs".to_owned(), 4000),
            ("2 users × Active users".to_owned(), 600),
            ("1 × App".to_owned(), 1000),
        ]
    );
    assert_eq!(
        (renewal["total"].as_i64(), renewal["status"].as_str()),
        (Some(8600), Some("paid"))
    );
    let usage_line = &renewal["lines"][0];
    assert_eq!(usage_line["period"]["end"].as_i64(), Some(period_end));
}

#[tokio::test]
async fn an_immediate_cancel_bills_the_usage_so_far_on_its_final_invoice() {
    let app = spawn_app().await;
    // The period runs from 22 Nov 10:00 to 22 Dec 10:00.
    let (_, created) = subscribed(&app, "ada@example.com", "usage").await;
    let id = created["subscription"]["id"].as_str().unwrap().to_owned();
    app.clock.set("2026-12-02T10:00:00Z".parse().unwrap());
    // Ten days on, the first session has expired.
    let token = app
        .session(json!({"service": "metered", "email": "ada@example.com"}))
        .await;
    let gpus = |id: &str, quantity: i64, at: &str| json!({"event_id": id, "customer": "ada@example.com", "meter": "peak_gpus", "quantity": quantity, "timestamp": unix(at)});
    let user = |id: &str, user: &str| json!({"event_id": id, "customer": "ada@example.com", "meter": "active_users", "properties": {"user_id": user}, "timestamp": unix("2026-11-28T10:00:00Z")});
    ingest(
        &app,
        vec![
            calls("c1", "ada@example.com", 1_000, "2026-11-25T12:00:00Z"),
            calls("c2", "ada@example.com", 250, "2026-12-01T08:30:00Z"),
            gpus("g1", 2, "2026-11-26T00:00:00Z"),
            gpus("g2", 4, "2026-11-27T00:00:00Z"),
            user("u1", "u_1"),
            user("u2", "u_2"),
        ],
    )
    .await;

    app.configure_default(json!({"features": {"subscription_cancel": {"mode": "immediately", "proration_behavior": "none"}}}))
        .await;
    let response = app
        .post_json(
            &format!("/v1/embed/subscriptions/{id}/cancel"),
            Some(&token),
            json!({"at_period_end": false}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let cancelled: Value = response.json().await.unwrap();
    assert_eq!(cancelled["subscription"]["status"], "canceled");
    let invoice = &cancelled["invoice"];
    assert!(
        invoice.is_object(),
        "the cancel billed no final invoice: {cancelled}"
    );
    // 1,250 calls: 1,000 free, 250 at 0.02 = 5.00; a peak of 4 GPUs at 5.00 = 20.00;
    // 2 users at 3.00 = 6.00. No flat line: the period is not renewed, and without
    // prorations the unused time is not credited.
    assert_eq!(
        lines(invoice),
        expected(&[
            ("1250 calls × API calls", 500),
            ("4 GPUs × Peak GPUs", 2000),
            ("2 users × Active users", 600),
        ])
    );
    assert_eq!(
        (
            invoice["total"].as_i64(),
            invoice["amount_paid"].as_i64(),
            invoice["status"].as_str()
        ),
        (Some(3100), Some(3100), Some("paid"))
    );
    // The usage lines cover the period up to the cancel.
    assert_eq!(
        invoice["lines"][0]["period"],
        json!({"start": unix("2026-11-22T10:00:00Z"), "end": unix("2026-12-02T10:00:00Z")})
    );
}

#[tokio::test]
async fn ten_billion_units_are_billed_to_the_cent() {
    let app = spawn_app().await;
    let (_, created) = subscribed(&app, "ada@example.com", "usage").await;
    let period_end = created["subscription"]["current_period_end"]
        .as_i64()
        .unwrap();
    let now = app.clock.now_unix();
    app.clock.advance(jiff::SignedDuration::from_hours(2));
    // Ten events of a billion calls: 10^10 in the period. Before, a period's usage
    // was clamped to 4,294,967,295 units and the rest went unbilled.
    let events = (0..10)
        .map(|i| json!({"event_id": format!("big-{i}"), "customer": "ada@example.com", "meter": "api_calls", "quantity": 1_000_000_000_i64, "timestamp": now + 3_600}))
        .collect();
    ingest(&app, events).await;

    // The portal's usage view prices the same quantity.
    let fresh = app
        .session(json!({"service": "metered", "email": "ada@example.com"}))
        .await;
    let usage = app.get_json("/v1/embed/usage?range=30d", &fresh).await;
    assert_eq!(usage["meters"][0]["total"], 10_000_000_000_i64);
    // 1,000 calls free, the rest at 0.02.
    let owed = (10_000_000_000_i64 - 1_000) * 2;
    assert_eq!(usage["meters"][0]["cost"], owed, "{usage}");

    let renewal = renewed_after(&app, period_end).await;
    assert_eq!(
        lines(&renewal)[0],
        ("10000000000 calls × API calls".to_owned(), owed)
    );
    assert_eq!(renewal["lines"][0]["quantity"], 10_000_000_000_i64);
    assert_eq!(renewal["total"], owed + 1000);
}
