//! Usage metering: `POST /v1/events` and the portal's `GET /v1/embed/usage`.

use crate::helpers::{LIVE_KEY, TEST_KEY, TestApp, error_of, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

async fn ingest(app: &TestApp, key: &str, body: Value) -> (u16, Value) {
    let response = app.admin(key, Method::POST, "/v1/events", Some(body)).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// A golden-service customer (created by its first session's signup) and a session.
async fn customer(app: &TestApp, email: &str) -> String {
    let token = app
        .session(json!({"service": "golden", "email": email}))
        .await;
    let card =
        json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"});
    assert_eq!(
        app.post_json("/v1/embed/payment_methods", Some(&token), card)
            .await
            .status(),
        201
    );
    token
}

async fn usage(app: &TestApp, token: &str, range: &str) -> Value {
    app.get_json(&format!("/v1/embed/usage?range={range}"), token)
        .await
}

fn meter<'a>(usage: &'a Value, key: &str) -> &'a Value {
    usage["meters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == key)
        .unwrap()
}

#[tokio::test]
async fn a_batch_reports_each_event_and_counts_each_id_once() {
    let app = spawn_app().await;
    let token = customer(&app, "ada@example.com").await;
    let now = app.clock.now_unix();
    let event = |id: &str, meter: &str, quantity: i64, ago: i64| json!({"event_id": id, "customer": "ada@example.com", "meter": meter, "quantity": quantity, "timestamp": now - ago});
    let batch = json!({"events": [
        event("e1", "api_calls", 120, 3_600),
        event("e2", "api_calls", 30, 2 * 86_400),
        event("e1", "api_calls", 120, 3_600),
        event("e3", "nope", 1, 0),
        {"event_id": "e4", "customer": "nobody@example.com", "meter": "api_calls"},
        event("e5", "peak_gpus", 8, 7_200),
        event("e6", "peak_gpus", 3, 60),
        {"event_id": "e7", "customer": "ada@example.com", "meter": "active_users", "properties": {"user_id": "u1"}},
        {"event_id": "e8", "customer": "ada@example.com", "meter": "active_users", "properties": {"user_id": "u2"}},
        {"event_id": "e9", "customer": "ada@example.com", "meter": "active_users", "properties": {"user_id": "u1"}},
        {"event_id": "e10", "customer": "ada@example.com", "meter": "active_users"},
        event("e11", "api_calls", 5, 40 * 86_400),
        {"event_id": "e12", "customer": "ada@example.com", "meter": "api_calls", "colour": "red"},
    ]});
    let (status, result) = ingest(&app, TEST_KEY, batch).await;
    assert_eq!(status, 200, "{result}");
    assert_eq!(
        (
            result["accepted"].as_u64(),
            result["duplicates"].as_u64(),
            result["rejected"].as_u64()
        ),
        (Some(7), Some(1), Some(5))
    );
    let results = result["results"].as_array().unwrap();
    assert_eq!(results[2]["status"], "duplicate");
    let rejected: Vec<(u64, &str, &str)> = results
        .iter()
        .filter(|r| r["status"] == "rejected")
        .map(|r| {
            (
                r["index"].as_u64().unwrap(),
                r["error"]["code"].as_str().unwrap(),
                r["error"]["param"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        vec![
            (3, "resource_missing", "meter"),
            (4, "resource_missing", "customer"),
            (10, "parameter_missing", "properties[user_id]"),
            (11, "invalid_request", "timestamp"),
            (12, "parameter_unknown", "colour"),
        ]
    );

    // Sending the whole batch again changes nothing.
    let (_, again) = ingest(&app, TEST_KEY, json!({"events": [event("e1", "api_calls", 120, 3_600), event("e2", "api_calls", 30, 2 * 86_400)]})).await;
    assert_eq!(again["duplicates"], 2);

    let month = usage(&app, &token, "30d").await;
    assert_eq!(month["bucket_seconds"], 86_400);
    let calls = meter(&month, "api_calls");
    assert_eq!(
        (
            calls["total"].as_i64(),
            calls["events"].as_i64(),
            calls["unit"].as_str()
        ),
        (Some(150), Some(2), Some("calls"))
    );
    assert_eq!(calls["series"].as_array().unwrap().len(), 30);
    assert_eq!(
        calls["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .sum::<i64>(),
        150
    );
    assert_eq!(meter(&month, "peak_gpus")["total"], 8);
    assert_eq!(meter(&month, "peak_gpus")["group"], "GPU usage");
    assert_eq!(meter(&month, "active_users")["total"], 2);
    // The last 24 hours hold only the 120 calls of an hour ago.
    let day = usage(&app, &token, "1d").await;
    assert_eq!(day["bucket_seconds"], 3_600);
    assert_eq!(meter(&day, "api_calls")["total"], 120);
    assert_eq!(
        meter(&day, "api_calls")["series"].as_array().unwrap().len(),
        24
    );
    let (code, param) = error_of(
        app.client
            .get(app.url("/v1/embed/usage?range=2y"))
            .header("x-session-token", &token)
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
    assert_eq!(
        (code.as_str(), param.as_deref()),
        ("invalid_request", Some("range"))
    );
}

#[tokio::test]
async fn single_events_keys_and_customers_are_kept_apart() {
    let app = spawn_app().await;
    let ada = customer(&app, "ada@example.com").await;
    let bo = customer(&app, "bo@example.com").await;
    let one = json!({"event_id": "only-once", "customer": "bo@example.com", "meter": "api_calls", "quantity": 7});
    let (status, result) = ingest(&app, TEST_KEY, one.clone()).await;
    assert_eq!((status, result["accepted"].as_u64()), (201, Some(1)));
    let (status, result) = ingest(&app, TEST_KEY, one).await;
    assert_eq!((status, result["duplicates"].as_u64()), (200, Some(1)));
    // A single invalid event is a plain error.
    let (status, result) = ingest(&app, TEST_KEY, json!({"event_id": "x", "customer": "bo@example.com", "meter": "api_calls", "quantity": -1})).await;
    assert_eq!(
        (status, result["error"]["param"].as_str()),
        (400, Some("quantity"))
    );
    // Bo's usage is Bo's: Ada's session sees none of it.
    assert_eq!(
        meter(&usage(&app, &bo, "7d").await, "api_calls")["total"],
        7
    );
    assert_eq!(
        meter(&usage(&app, &ada, "7d").await, "api_calls")["total"],
        0
    );
    // A live key sees no test customer; no key is refused; a batch is bounded.
    let (_, result) = ingest(
        &app,
        LIVE_KEY,
        json!({"event_id": "l1", "customer": "bo@example.com", "meter": "api_calls"}),
    )
    .await;
    assert_eq!(result["error"]["code"], "resource_missing");
    let response = app
        .client
        .post(app.url("/v1/events"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response, 401).await.0, "invalid_api_key");
    let too_many: Vec<Value> = (0..1_001).map(|i| json!({"event_id": format!("b{i}"), "customer": "bo@example.com", "meter": "api_calls"})).collect();
    let (status, result) = ingest(&app, TEST_KEY, json!({"events": too_many})).await;
    assert_eq!(
        (status, result["error"]["param"].as_str()),
        (400, Some("events"))
    );
}
