//! A flood from 64 clients (new sessions and the portal's most polled reads) is
//! answered 429 with `Retry-After` past each client's and the service's budget,
//! never 5xx, and customers already in the portal still sign up.

use crate::helpers::{HOST_ORIGIN, TestApp, spawn_app_with_limits};
use portico_server::http::RateLimitConfig;
use serde_json::{Value, json};
use std::num::NonZeroU32;

/// What one flooding client saw: (successes, refusals by client, by service).
#[derive(Debug, Default)]
struct Seen {
    ok: usize,
    per_client: usize,
    per_service: usize,
}

async fn post_session(app: &TestApp, client: &str, email: &str) -> reqwest::Response {
    app.client
        .post(app.url("/v1/embed/sessions"))
        .header("origin", HOST_ORIGIN)
        .header("x-forwarded-for", client)
        .json(&json!({"service": "acme", "email": email}))
        .send()
        .await
        .unwrap()
}

/// Counts a response of the flood; anything but a success or a 429 fails the test.
async fn count(seen: &mut Seen, response: reqwest::Response) -> Option<Value> {
    match response.status().as_u16() {
        200 | 201 => {
            seen.ok += 1;
            Some(response.json().await.unwrap())
        }
        429 => {
            let retry_after: u64 = response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((1..=60).contains(&retry_after), "{retry_after}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "rate_limit", "{body}");
            let message = body["error"]["message"].as_str().unwrap();
            if message.contains("your address") {
                seen.per_client += 1;
            } else {
                seen.per_service += 1;
            }
            None
        }
        other => panic!("the flood got {other}: {}", response.text().await.unwrap()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_is_refused_with_retry_after_while_signups_go_through() {
    let app = spawn_app_with_limits(RateLimitConfig {
        sessions_per_ip: NonZeroU32::new(10),
        sessions_per_service: NonZeroU32::new(300),
        expensive_per_ip: NonZeroU32::new(20),
        exempt_loopback: false,
        // Each flooding task is a client of its own behind one proxy.
        client_ip_header: Some("x-forwarded-for".into()),
        ..RateLimitConfig::default()
    })
    .await;
    // Eight customers open the portal before the flood.
    let mut signups = Vec::new();
    for i in 0..8 {
        let response = post_session(&app, &format!("198.51.100.{i}"), &format!("c{i}@x.com")).await;
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        signups.push(body["token"].as_str().unwrap().to_owned());
    }

    let app = std::sync::Arc::new(app);
    let flood: Vec<_> = (0..64)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move {
                let client = format!("203.0.113.{i}");
                let mut seen = Seen::default();
                let mut token = None;
                for round in 0..30 {
                    let response =
                        post_session(&app, &client, &format!("f{i}-{round}@x.com")).await;
                    if let Some(body) = count(&mut seen, response).await {
                        token = body["token"].as_str().map(str::to_owned);
                    }
                    if let Some(token) = &token {
                        let read = app
                            .client
                            .get(app.url("/v1/embed/wallets"))
                            .header("origin", HOST_ORIGIN)
                            .header("x-forwarded-for", &client)
                            .header("x-session-token", token)
                            .send()
                            .await
                            .unwrap();
                        count(&mut seen, read).await;
                    }
                }
                seen
            })
        })
        .collect();
    // The signups run during the flood, and every one goes through.
    for token in &signups {
        let response = app
            .post_json(
                "/v1/embed/subscriptions",
                Some(token),
                json!({"plan": "starter"}),
            )
            .await;
        assert_eq!(response.status(), 201, "a signup during the flood");
    }
    let mut total = Seen::default();
    for task in flood {
        let seen = task.await.unwrap();
        total.ok += seen.ok;
        total.per_client += seen.per_client;
        total.per_service += seen.per_service;
    }
    // 64 clients × 30 sessions: at most 10 each pass, and the service's 300 in all.
    assert!(total.per_client > 0 && total.per_service > 0, "{total:?}");
    assert!(total.ok > 0, "{total:?}");
    assert_eq!(app.subscription_count().await, 8);
}
