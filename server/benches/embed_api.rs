//! `cargo xtask bench`: latency and throughput of the widget API on loopback —
//! identity exchange (with HMAC check), portal load, signup, change preview and
//! change — and the billing run's rate, against a server in this process on a fresh
//! SQLite file. Reports figures; asserts only that requests succeed.

mod support;

use std::time::{Duration, Instant};
use support::{KEY, ORIGIN, sign};

#[tokio::main]
async fn main() {
    let server = support::spawn().await;
    let addr = server.addr;
    let base = format!("http://{addr}/v1/embed");
    let client = reqwest::Client::new();

    println!("widget API on loopback, SQLite file, one client connection (keep-alive)");
    let exchange = {
        let (client, sessions) = (client.clone(), format!("{base}/sessions"));
        move |email: String| {
            let client = client.clone();
            let url = sessions.clone();
            async move {
                let hash = sign(&email);
                let body = serde_json::json!({ "service": "acme", "email": email, "hash": hash });
                let response = client
                    .post(url)
                    .header("origin", ORIGIN)
                    .json(&body)
                    .send()
                    .await
                    .expect("exchange");
                assert_eq!(response.status(), 201);
                let json: serde_json::Value = response.json().await.expect("json");
                json["token"].as_str().expect("token").to_owned()
            }
        }
    };

    let mut timings = Vec::new();
    let mut tokens = Vec::new();
    for i in 0..2_000 {
        let started = Instant::now();
        tokens.push(exchange(format!("user{i}@example.com")).await);
        timings.push(started.elapsed());
    }
    report("identity exchange (HMAC + session insert)", &mut timings);

    let mut timings = Vec::new();
    let mut subscriptions = Vec::new();
    for token in tokens.iter().take(1_000) {
        let started = Instant::now();
        let response = client
            .post(format!("{base}/subscriptions"))
            .header("origin", ORIGIN)
            .header("x-session-token", token)
            .json(&serde_json::json!({ "plan": "team", "quantity": 3 }))
            .send()
            .await
            .expect("signup");
        assert_eq!(response.status(), 201);
        timings.push(started.elapsed());
        let body: serde_json::Value = response.json().await.expect("json");
        let id = body["subscription"]["id"].as_str().expect("id").to_owned();
        subscriptions.push((token.clone(), id));
    }
    report(
        "signup (customer, subscription, items, invoice: one txn)",
        &mut timings,
    );

    // Plan changes: the preview (the change run and rolled back), then the change.
    for (label, action) in [
        ("change preview (computed, written, rolled back)", "preview"),
        ("plan + seat change (one transaction)", "change"),
    ] {
        let mut timings = Vec::new();
        for (token, id) in &subscriptions {
            let started = Instant::now();
            let response = client
                .post(format!("{base}/subscriptions/{id}/{action}"))
                .header("origin", ORIGIN)
                .header("x-session-token", token)
                .header("idempotency-key", format!("bench-{id}"))
                .json(&serde_json::json!({ "plan": "scale", "quantity": { "seat": 12 } }))
                .send()
                .await
                .expect(action);
            assert_eq!(response.status(), 200);
            let _ = response.bytes().await;
            timings.push(started.elapsed());
        }
        report(label, &mut timings);
    }

    // The billing run: every trial ends at once on the test clock and is invoiced.
    let started = Instant::now();
    let response = client
        .post(format!("http://{addr}/v1/test_helpers/test_clocks/advance"))
        .bearer_auth(KEY)
        .json(&serde_json::json!({ "advance_by": 15 * 86_400 }))
        .send()
        .await
        .expect("advance");
    assert_eq!(response.status(), 200);
    let ran: serde_json::Value = response.json().await.expect("json");
    let elapsed = started.elapsed();
    let invoices = ran["invoices"].as_array().map_or(0, Vec::len);
    println!(
        "{:<58} {:>8.0} renewals/s ({invoices} trial ends invoiced in {elapsed:.2?})",
        "billing run (test clock: load, decide, invoice, write)",
        invoices as f64 / elapsed.as_secs_f64()
    );

    let mut timings = Vec::new();
    for token in tokens.iter().take(2_000) {
        let started = Instant::now();
        let response = client
            .get(format!("{base}/portal"))
            .header("origin", ORIGIN)
            .header("x-session-token", token)
            .send()
            .await
            .expect("portal");
        assert_eq!(response.status(), 200);
        let _ = response.bytes().await;
        timings.push(started.elapsed());
    }
    report(
        "portal load (session, catalog, customer, subscriptions)",
        &mut timings,
    );

    let started = Instant::now();
    let tasks: Vec<_> = (0..8)
        .map(|worker| {
            let exchange = exchange.clone();
            tokio::spawn(async move {
                for i in 0..250 {
                    exchange(format!("c{worker}-{i}@example.com")).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("worker");
    }
    let elapsed = started.elapsed();
    println!(
        "{:<58} {:>8.0} req/s (8 concurrent clients, 2000 requests)",
        "identity exchange throughput",
        2000.0 / elapsed.as_secs_f64()
    );
    if let Some(rss) = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(str::to_owned)
        })
    {
        println!(
            "{:<58} {}",
            "peak resident memory (server and client together)",
            rss.trim_start_matches("VmHWM:").trim()
        );
    }
}

fn report(name: &str, timings: &mut [Duration]) {
    timings.sort();
    let at = |q: f64| timings[((timings.len() as f64 * q) as usize).min(timings.len() - 1)];
    println!(
        "{name:<58} p50 {:>7.2?}  p95 {:>7.2?}  p99 {:>7.2?}  (n={})",
        at(0.50),
        at(0.95),
        at(0.99),
        timings.len()
    );
}
