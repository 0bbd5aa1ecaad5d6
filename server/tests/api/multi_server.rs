//! Three Portico servers on one PostgreSQL database, as behind a load balancer:
//! requests of one customer land on different servers, one Idempotency-Key is
//! sent to all three at once, and every server's billing runner races for the
//! same due subscriptions. Runs in the PostgreSQL pass of `cargo xtask test`
//! (SQLite serves one process).

use crate::helpers::{HOST_ORIGIN, spawn_app_with_billing_runner};
use portico_server::store::testing::TestDatabase;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// How many requests at a time the client keeps in flight.
const IN_FLIGHT: usize = 12;

async fn post(
    client: &reqwest::Client,
    server: &str,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> (u16, Value) {
    let mut request = client
        .post(format!("{server}{path}"))
        .header("origin", HOST_ORIGIN)
        .json(&body);
    if let Some(token) = token {
        request = request.header("x-session-token", token);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A session made on one server, a card saved on the next, the signup on the
/// third: the subscription's id.
async fn sign_up_across(client: reqwest::Client, servers: [String; 3], n: usize) -> String {
    let [a, b, c] = [0, 1, 2].map(|i| servers[(n + i) % 3].as_str());
    let email = format!("customer-{n}@example.com");
    let (status, session) = post(
        &client,
        a,
        "/v1/embed/sessions",
        None,
        json!({"service": "acme", "email": email}),
    )
    .await;
    assert_eq!(status, 201, "{session}");
    let token = session["token"].as_str().unwrap().to_owned();
    let card =
        json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"});
    let (status, body) = post(&client, b, "/v1/embed/payment_methods", Some(&token), card).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = post(
        &client,
        c,
        "/v1/embed/subscriptions",
        Some(&token),
        json!({"plan": "starter"}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["subscription"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_servers_on_one_database_act_once_and_renew_once() {
    three_servers(120).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "the long three-server run (1,000 renewals): cargo xtask bench runs it"]
async fn three_servers_on_one_database_act_once_and_renew_once_long() {
    three_servers(1_000).await;
}

/// `customers` signed up across three servers, then each renewed once by the
/// servers' racing billing runners.
async fn three_servers(customers: usize) {
    if !TestDatabase::postgres_requested() {
        eprintln!("skipped: runs in the PostgreSQL pass (PORTICO_TEST_DATABASE=postgres)");
        return;
    }
    let every = Duration::from_millis(100);
    let app = spawn_app_with_billing_runner(every).await;
    let servers = [
        app.base.clone(),
        app.another_server(every).await,
        app.another_server(every).await,
    ];

    // Signups, each customer's requests spread over the three servers.
    let started = Instant::now();
    let mut subscriptions = BTreeSet::new();
    for chunk in (0..customers).collect::<Vec<_>>().chunks(IN_FLIGHT) {
        let signups: Vec<_> = chunk
            .iter()
            .map(|&n| tokio::spawn(sign_up_across(app.client.clone(), servers.clone(), n)))
            .collect();
        for signup in signups {
            subscriptions.insert(signup.await.unwrap());
        }
    }
    assert_eq!(subscriptions.len(), customers);
    eprintln!(
        "{customers} signups (3 requests each) across 3 servers in {:.1?}",
        started.elapsed()
    );

    // A duplicate-submit storm: one signup with one key, four times to each server
    // at once. Every success answers with the one subscription.
    let (_, session) = post(
        &app.client,
        &servers[0],
        "/v1/embed/sessions",
        None,
        json!({"service": "acme", "email": "storm@example.com"}),
    )
    .await;
    let token = session["token"].as_str().unwrap().to_owned();
    let card =
        json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"});
    assert_eq!(
        post(
            &app.client,
            &servers[1],
            "/v1/embed/payment_methods",
            Some(&token),
            card
        )
        .await
        .0,
        201
    );
    let storm: Vec<_> = (0..12)
        .map(|i| {
            tokio::spawn(
                app.client
                    .post(format!("{}/v1/embed/subscriptions", servers[i % 3]))
                    .header("origin", HOST_ORIGIN)
                    .header("x-session-token", &token)
                    .header("idempotency-key", "storm-signup")
                    .json(&json!({"plan": "starter"}))
                    .send(),
            )
        })
        .collect();
    let mut answered = BTreeSet::new();
    for response in storm {
        let response = response.await.unwrap().unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        match status {
            201 => {
                answered.insert(body["subscription"]["id"].as_str().unwrap().to_owned());
            }
            409 => assert_eq!(body["error"]["code"], "idempotency_key_in_use", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(
        answered.len(),
        1,
        "every success answers with the one subscription"
    );
    // A retry after the storm, on each server, replays the first answer.
    for server in &servers {
        let response = app
            .client
            .post(format!("{server}/v1/embed/subscriptions"))
            .header("origin", HOST_ORIGIN)
            .header("x-session-token", &token)
            .header("idempotency-key", "storm-signup")
            .json(&json!({"plan": "starter"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.unwrap();
        assert!(answered.contains(body["subscription"]["id"].as_str().unwrap()));
    }
    subscriptions.extend(answered);
    let pool = app.sql().await;
    let (stored,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM subscriptions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        stored as usize,
        subscriptions.len(),
        "no signup stored twice"
    );

    // A month later every subscription is due, and three runners race for them.
    app.clock.advance(jiff::SignedDuration::from_hours(24 * 32));
    let started = Instant::now();
    let cycles = || async {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT subscription_id FROM invoices WHERE billing_reason = 'subscription_cycle'",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        rows
    };
    while cycles().await.len() < subscriptions.len() && started.elapsed() < Duration::from_secs(120)
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let renewed_in = started.elapsed();
    // Runs that were under way when the last renewal committed end, and must find
    // nothing left to do.
    tokio::time::sleep(every * 5).await;
    let mut per_subscription: BTreeMap<String, usize> = BTreeMap::new();
    for (id,) in cycles().await {
        *per_subscription.entry(id).or_default() += 1;
    }
    assert_eq!(
        per_subscription.keys().cloned().collect::<BTreeSet<_>>(),
        subscriptions,
        "every subscription renewed"
    );
    assert!(
        per_subscription.values().all(|&n| n == 1),
        "each renewed exactly once: {:?}",
        per_subscription
            .iter()
            .filter(|(_, n)| **n != 1)
            .collect::<Vec<_>>()
    );
    eprintln!(
        "{} renewals by 3 racing runners in {renewed_in:.1?}",
        subscriptions.len()
    );

    // Invoice numbers: unique, and gapless within each month.
    let numbers: Vec<(String,)> = sqlx::query_as("SELECT number FROM invoices")
        .fetch_all(&pool)
        .await
        .unwrap();
    let mut by_month: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (number,) in &numbers {
        let (month, n) = number.trim_start_matches("INV-").split_once('-').unwrap();
        by_month
            .entry(month.to_owned())
            .or_default()
            .push(n.parse().unwrap());
    }
    for (month, mut ns) in by_month {
        ns.sort_unstable();
        let expected: Vec<u32> = (1..=ns.len() as u32).collect();
        assert_eq!(ns, expected, "invoice numbers of {month} are 1..=n");
    }
}
