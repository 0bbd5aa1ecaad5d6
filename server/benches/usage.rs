//! `cargo xtask bench`: usage metering at scale — ingest 10 million events for
//! 1,000 customers through `POST /v1/events` (batches of 1,000), then time the
//! portal's 30-day usage query for one customer. Reports figures; asserts only
//! that requests succeed. `PORTICO_BENCH_EVENTS` scales it down for a quick look.

mod support;

use portico_server::clock::{Clock, SystemClock};
use std::time::{Duration, Instant};
use support::KEY;

const CUSTOMERS: usize = 1_000;
const BATCH: usize = 1_000;
const METERS: [&str; 3] = ["api_calls", "dashboards_viewed", "storage_gb"];

#[tokio::main]
async fn main() {
    let events: usize = std::env::var("PORTICO_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    let server = support::spawn().await;
    let (addr, database) = (server.addr, &server.database);
    let base = format!("http://{addr}");
    let client = reqwest::Client::new();

    // The customers, through the widget API as the embed creates them.
    let mut tokens = Vec::with_capacity(CUSTOMERS);
    for i in 0..CUSTOMERS {
        let email = format!("user{i}@bench.example");
        let session: serde_json::Value = client
            .post(format!("{base}/v1/embed/sessions"))
            .json(&serde_json::json!({"service": "acme", "email": email}))
            .send()
            .await
            .expect("session")
            .json()
            .await
            .expect("session JSON");
        let token = session["token"].as_str().expect("token").to_owned();
        let card = serde_json::json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"});
        let response = client
            .post(format!("{base}/v1/embed/payment_methods"))
            .header("x-session-token", &token)
            .json(&card)
            .send()
            .await
            .expect("card");
        assert_eq!(response.status(), 201);
        tokens.push(token);
    }

    // Events spread over the last 30 days, every customer in every batch.
    let now = SystemClock.now().as_second();
    let span = 30 * 86_400 - 3_600;
    println!(
        "usage ingestion: {events} events, {CUSTOMERS} customers, batches of {BATCH}, one connection"
    );
    let started = Instant::now();
    let mut sent = 0;
    while sent < events {
        let size = BATCH.min(events - sent);
        let batch: Vec<serde_json::Value> = (sent..sent + size)
            .map(|n| {
                let customer = n % CUSTOMERS;
                let offset = (n as i64).wrapping_mul(7_919) % span;
                serde_json::json!({
                    "event_id": format!("ev{n}"),
                    "customer": format!("user{customer}@bench.example"),
                    "meter": METERS[n % METERS.len()],
                    "quantity": (n % 50) as i64 + 1,
                    "timestamp": now - offset,
                })
            })
            .collect();
        let response = client
            .post(format!("{base}/v1/events"))
            .bearer_auth(KEY)
            .json(&serde_json::json!({ "events": batch }))
            .send()
            .await
            .expect("ingest");
        assert_eq!(response.status(), 200);
        let result: serde_json::Value = response.json().await.expect("result");
        assert_eq!(
            result["accepted"].as_u64(),
            Some(size as u64),
            "{}",
            result["results"][0]
        );
        sent += size;
        if sent % 1_000_000 == 0 {
            let rate = sent as f64 / started.elapsed().as_secs_f64();
            println!(
                "  {sent:>10} events  {:>7.1?}  {rate:>9.0} events/s",
                started.elapsed()
            );
        }
    }
    let elapsed = started.elapsed();
    println!(
        "ingested {events} events in {elapsed:.1?}: {:.0} events/s; database {} MB",
        events as f64 / elapsed.as_secs_f64(),
        std::fs::metadata(database)
            .map(|m| m.len() / 1_000_000)
            .unwrap_or(0)
    );

    // The portal's 30-day usage for one customer, as the widget asks for it.
    for (range, label) in [("30d", "30-day"), ("7d", "7-day"), ("1d", "1-day")] {
        let mut timings = Vec::with_capacity(200);
        for i in 0..200 {
            let token = &tokens[(i * 37) % CUSTOMERS];
            let started = Instant::now();
            let response = client
                .get(format!("{base}/v1/embed/usage?range={range}"))
                .header("x-session-token", token)
                .send()
                .await
                .expect("usage");
            assert_eq!(response.status(), 200);
            let body: serde_json::Value = response.json().await.expect("usage JSON");
            timings.push(started.elapsed());
            assert!(body["meters"][0]["events"].as_i64().is_some());
        }
        report(
            &format!("GET /v1/embed/usage?range={range} ({label} query, one customer)"),
            &mut timings,
        );
    }
}

fn report(name: &str, timings: &mut [Duration]) {
    timings.sort();
    let at = |q: f64| timings[((timings.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<62} p50 {:>7.2?}  p95 {:>7.2?}  p99 {:>7.2?}  (n={})",
        at(0.5),
        at(0.95),
        at(0.99),
        timings.len()
    );
}
