use crate::helpers::{HOST_ORIGIN, error_of, spawn_app};
use jiff::SignedDuration;
use serde_json::{Value, json};

const SIGNUP: &str = "/v1/embed/subscriptions";

async fn signup_with_key(
    app: &crate::helpers::TestApp,
    token: &str,
    key: &str,
    body: Value,
) -> reqwest::Response {
    app.client
        .post(app.url(SIGNUP))
        .header("origin", HOST_ORIGIN)
        .header("x-session-token", token)
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_retry_with_the_same_key_replays_the_first_result() {
    let app = spawn_app().await;
    let token = app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    let first = signup_with_key(&app, &token, "k-1", json!({"plan": "starter"})).await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();

    // A new session of the same customer (say, after a reload) still replays.
    let token = app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    let again = signup_with_key(&app, &token, "k-1", json!({"plan": "starter"})).await;
    assert_eq!(again.status(), 201);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap(), first);
    assert_eq!(app.subscription_count().await, 1);
}

#[tokio::test]
async fn the_same_key_with_another_request_is_refused() {
    let app = spawn_app().await;
    let token = app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    assert_eq!(
        signup_with_key(&app, &token, "k-2", json!({"plan": "starter"}))
            .await
            .status(),
        201
    );
    let other = signup_with_key(&app, &token, "k-2", json!({"plan": "team"})).await;
    assert_eq!(other.status(), 400);
    let body: Value = other.json().await.unwrap();
    assert_eq!(body["error"]["type"], "idempotency_error");
    assert_eq!(body["error"]["code"], "idempotency_key_reused");
}

#[tokio::test]
async fn client_errors_are_replayed_too() {
    let app = spawn_app().await;
    let token = app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    let first = signup_with_key(&app, &token, "k-3", json!({"plan": "gold"})).await;
    assert_eq!(error_of(first, 404).await.0, "plan_not_found");
    let again = signup_with_key(&app, &token, "k-3", json!({"plan": "gold"})).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(error_of(again, 404).await.0, "plan_not_found");
}

#[tokio::test]
async fn keys_are_forgotten_after_24_hours() {
    let app = spawn_app().await;
    let token = app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    assert_eq!(
        signup_with_key(&app, &token, "k-4", json!({"plan": "starter"}))
            .await
            .status(),
        201
    );
    app.clock.advance(SignedDuration::from_hours(25));
    let token = app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    // The request runs again: the customer is subscribed already, so it is refused.
    let later = signup_with_key(&app, &token, "k-4", json!({"plan": "starter"})).await;
    assert!(later.headers().get("idempotent-replayed").is_none());
    assert_eq!(error_of(later, 409).await.0, "already_subscribed");
}

#[tokio::test]
async fn the_sweep_deletes_keys_older_than_a_day_and_keeps_younger_ones() {
    let app = spawn_app().await;
    let token = app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    signup_with_key(&app, &token, "old", json!({"plan": "starter"})).await;
    app.clock.advance(SignedDuration::from_hours(25));
    let token = app
        .session(json!({"service": "acme", "email": "bo@example.com"}))
        .await;
    signup_with_key(&app, &token, "young", json!({"plan": "starter"})).await;
    let store = portico_server::store::Store::open(&app.database)
        .await
        .unwrap();
    let now = app.clock.now_unix();
    // Before, nothing deleted a key that was never used again: every row stayed.
    let purged = store
        .purge_idempotency_keys(now - portico_server::http::IDEMPOTENCY_KEY_LIFETIME)
        .await
        .unwrap();
    assert_eq!(purged, 1);
    let pool = app.sql().await;
    let keys: Vec<(String,)> = sqlx::query_as("SELECT key FROM idempotency_keys")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(keys, [("young".to_owned(),)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_requests_with_one_key_act_once() {
    let app = spawn_app().await;
    let token = app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let request = app
                .client
                .post(app.url(SIGNUP))
                .header("origin", HOST_ORIGIN)
                .header("x-session-token", &token)
                .header("idempotency-key", "k-5")
                .json(&json!({"plan": "team", "quantity": 2}));
            tokio::spawn(request.send())
        })
        .collect();
    let mut ids = std::collections::BTreeSet::new();
    for task in tasks {
        let response = task.await.unwrap().unwrap();
        match response.status().as_u16() {
            201 => {
                let body: Value = response.json().await.unwrap();
                ids.insert(body["subscription"]["id"].as_str().unwrap().to_owned());
            }
            409 => assert_eq!(error_of(response, 409).await.0, "idempotency_key_in_use"),
            other => panic!("unexpected status {other}"),
        }
    }
    assert_eq!(ids.len(), 1, "every success is the same subscription");
    assert_eq!(app.subscription_count().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_signups_without_a_key_subscribe_once_and_lose_nothing() {
    let app = spawn_app().await;
    let mut tasks = Vec::new();
    // Twenty racing signups of one customer, and twenty of twenty other customers.
    for i in 0..40 {
        let email = if i % 2 == 0 {
            "race@example.com".to_owned()
        } else {
            format!("user{i}@example.com")
        };
        let token = app
            .session(json!({"service": "acme", "email": email}))
            .await;
        let request = app
            .client
            .post(app.url(SIGNUP))
            .header("origin", HOST_ORIGIN)
            .header("x-session-token", token)
            .json(&json!({"plan": "starter"}));
        tasks.push(tokio::spawn(request.send()));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap().unwrap().status().as_u16());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        21,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        19,
        "{statuses:?}"
    );
    assert_eq!(app.subscription_count().await, 21);
}

#[tokio::test]
async fn a_claim_left_in_flight_by_a_dropped_request_expires_and_the_retry_runs_cleanly() {
    let app = spawn_app().await;
    // Ada's keyed signup gives the digest of `{"plan": "starter"}`.
    let token = app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    signup_with_key(&app, &token, "k-ada", json!({"plan": "starter"})).await;
    let pool = app.sql().await;
    // Bo's same request claimed its key, and its request was dropped before it
    // acted: the claim is left with no result.
    sqlx::query(
        "INSERT INTO idempotency_keys (scope, key, request_digest, created, owner, claim)
         SELECT 'embed:test:acme:email:bo@example.com', 'k-bo', request_digest, created, owner,
                'the-dropped-request'
         FROM idempotency_keys WHERE key = 'k-ada'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let token = app
        .session(json!({"service": "acme", "email": "bo@example.com"}))
        .await;
    let soon = signup_with_key(&app, &token, "k-bo", json!({"plan": "starter"})).await;
    assert_eq!(error_of(soon, 409).await.0, "idempotency_key_in_use");

    // Past the in-flight lease the claim is abandoned: the retry runs. Before, the
    // key answered 409 for a day and the outcome stayed unknown.
    app.clock.advance(SignedDuration::from_secs(
        portico_server::http::IDEMPOTENCY_IN_FLIGHT_LEASE + 1,
    ));
    let retried = signup_with_key(&app, &token, "k-bo", json!({"plan": "starter"})).await;
    assert_eq!(retried.status(), 201);
    assert_eq!(app.subscription_count().await, 2);
    // And it is the key's result from then on.
    let again = signup_with_key(&app, &token, "k-bo", json!({"plan": "starter"})).await;
    assert_eq!(again.headers()["idempotent-replayed"], "true");
}
