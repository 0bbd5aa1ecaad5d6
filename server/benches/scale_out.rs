//! `cargo xtask bench`: Portico on one SQLite server, on one PostgreSQL server and
//! on three PostgreSQL servers sharing one database, all measured in this run:
//! portal-state reads (`GET /v1/embed/portal`) and signups per second from 32
//! concurrent clients spread over the servers; the portal read's latency with
//! 1,000 and with 1,000,000 customers (and the query plans that keep it flat); and
//! usage ingestion on both backends. The servers run in this process (2 cores, so
//! three servers share them: the three-server figures show correctness under
//! contention, not extra capacity). Needs `PORTICO_TEST_POSTGRES_URL`, which
//! `cargo xtask bench` sets. Reports figures; asserts only that requests succeed.

use jiff::SignedDuration;
use portico_server::clock::SystemClock;
use portico_server::store::testing::TestDatabase;
use std::sync::Arc;
use std::time::{Duration, Instant};

const KEY: &str = "sk_test_bench0123456789abcdef";
const ORIGIN: &str = "http://127.0.0.1:8081";
const CLIENTS: usize = 32;
const READ_FOR: Duration = Duration::from_secs(5);
const SIGNUPS: usize = 1_000;

#[tokio::main]
async fn main() {
    let postgres_url = std::env::var("PORTICO_TEST_POSTGRES_URL")
        .expect("PORTICO_TEST_POSTGRES_URL (cargo xtask bench sets it)");
    let dir = tempfile::tempdir().expect("temp dir");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .expect("client");

    println!("scale-out: {CLIENTS} concurrent clients, round-robin over the servers");
    let mut ingest = Vec::new();
    for (name, servers, postgres) in [
        ("1 server, SQLite", 1, false),
        ("1 server, PostgreSQL", 1, true),
        ("3 servers, one PostgreSQL", 3, true),
    ] {
        let database = database(&dir, name, postgres, &postgres_url).await;
        let bases = start(&dir, &database.url, servers).await;
        let readers = customers(&client, &bases, "reader", CLIENTS * 4, true).await;
        let reads = reads_per_second(&client, &bases, &readers).await;
        let joiners = customers(&client, &bases, "joiner", SIGNUPS, false).await;
        let signups = signups_per_second(&client, &bases, &joiners).await;
        println!(
            "  {name:<28} portal reads {:>7.0}/s (p50 {:>6.2?}, p99 {:>6.2?})   signups {:>5.0}/s",
            reads.0, reads.1, reads.2, signups
        );
        if servers == 1 {
            ingest.push((name, usage_ingestion(&client, &bases[0], &readers).await));
        }
    }
    for (name, rate) in &ingest {
        println!("  usage ingestion, {name:<22} {rate:>7.0} events/s (batches of 1,000)");
    }
    if let [(_, sqlite), (_, postgres)] = ingest[..] {
        println!(
            "  usage ingestion, PostgreSQL / SQLite: {:.2}×",
            postgres / sqlite
        );
    }

    println!("\nportal read latency with 1,000 and 1,000,000 customers (one client)");
    for postgres in [false, true] {
        let name = if postgres { "PostgreSQL" } else { "SQLite" };
        let database = database(&dir, &format!("{name} large"), postgres, &postgres_url).await;
        let bases = start(&dir, &database.url, 1).await;
        let one = customers(&client, &bases, "measured", 1, true).await;
        bulk_customers(&database.url, 1_000).await;
        let small = read_latency(&client, &bases[0], &one[0]).await;
        bulk_customers(&database.url, 1_000_000).await;
        let large = read_latency(&client, &bases[0], &one[0]).await;
        println!(
            "  {name:<11} p50 {:>6.2?} → {:>6.2?} ({:.2}×), p99 {:>6.2?} → {:>6.2?}",
            small.0,
            large.0,
            large.0.as_secs_f64() / small.0.as_secs_f64(),
            small.1,
            large.1
        );
        print_plans(&database.url).await;
    }
}

async fn database(
    dir: &tempfile::TempDir,
    name: &str,
    postgres: bool,
    postgres_url: &str,
) -> TestDatabase {
    if postgres {
        TestDatabase::postgres(postgres_url).await
    } else {
        TestDatabase::sqlite(
            &dir.path()
                .join(format!("{}.db", name.replace([' ', ','], "-"))),
        )
    }
}

/// `count` servers on `database`, each with its own pool and billing runner.
async fn start(dir: &tempfile::TempDir, database: &str, count: usize) -> Vec<String> {
    let catalog = dir.path().join("catalog.toml");
    std::fs::write(&catalog, include_str!("../../demo-host/catalog.toml")).expect("catalog");
    let config = portico_server::Config {
        database: database.to_owned(),
        catalog: Some(catalog),
        assets_dir: None,
        test_secret_key: Some(KEY.into()),
        live_secret_key: Some("sk_live_bench-fixture-not-a-secret".into()),
        session_ttl: SignedDuration::from_hours(1),
        public_url: None,
        provider: Default::default(),
        rate_limits: portico_server::http::RateLimitConfig {
            exempt_loopback: true,
            ..Default::default()
        },
    };
    let mut bases = Vec::new();
    for _ in 0..count {
        let ctx = portico_server::context(&config, Arc::new(SystemClock))
            .await
            .expect("context");
        let addr = portico_server::spawn("127.0.0.1:0".parse().unwrap(), ctx)
            .await
            .expect("server");
        bases.push(format!("http://{addr}"));
    }
    bases
}

async fn post(
    client: &reqwest::Client,
    url: String,
    token: Option<&str>,
    body: serde_json::Value,
) -> serde_json::Value {
    let mut request = client.post(url).header("origin", ORIGIN).json(&body);
    if let Some(token) = token {
        request = request.header("x-session-token", token);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let json: serde_json::Value = response.json().await.expect("json");
    assert!(status.is_success(), "{status}: {json}");
    json
}

/// `count` customers with a saved card (and a subscription if `subscribed`), made
/// across the servers: their session tokens.
async fn customers(
    client: &reqwest::Client,
    bases: &[String],
    prefix: &str,
    count: usize,
    subscribed: bool,
) -> Vec<String> {
    let mut tokens = Vec::with_capacity(count);
    for i in 0..count {
        let base = &bases[i % bases.len()];
        let body =
            serde_json::json!({"service": "acme", "email": format!("{prefix}{i}@bench.example")});
        let session = post(client, format!("{base}/v1/embed/sessions"), None, body).await;
        let token = session["token"].as_str().expect("token").to_owned();
        let card = serde_json::json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"});
        post(
            client,
            format!("{base}/v1/embed/payment_methods"),
            Some(&token),
            card,
        )
        .await;
        if subscribed {
            let signup = serde_json::json!({"plan": "starter"});
            post(
                client,
                format!("{base}/v1/embed/subscriptions"),
                Some(&token),
                signup,
            )
            .await;
        }
        tokens.push(token);
    }
    tokens
}

/// Requests per second, p50 and p99 of `GET /v1/embed/portal` by [`CLIENTS`]
/// clients for [`READ_FOR`].
async fn reads_per_second(
    client: &reqwest::Client,
    bases: &[String],
    tokens: &[String],
) -> (f64, Duration, Duration) {
    let started = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (client, bases, tokens) = (client.clone(), bases.to_vec(), tokens.to_vec());
            tokio::spawn(async move {
                let mut timings = Vec::new();
                let mut n = c;
                while started.elapsed() < READ_FOR {
                    let base = &bases[n % bases.len()];
                    let sent = Instant::now();
                    let response = client
                        .get(format!("{base}/v1/embed/portal"))
                        .header("origin", ORIGIN)
                        .header("x-session-token", &tokens[n % tokens.len()])
                        .send()
                        .await
                        .expect("portal");
                    assert_eq!(response.status(), 200);
                    response.bytes().await.expect("body");
                    timings.push(sent.elapsed());
                    n += 1;
                }
                timings
            })
        })
        .collect();
    let mut timings = Vec::new();
    for task in tasks {
        timings.extend(task.await.expect("reader"));
    }
    let rate = timings.len() as f64 / started.elapsed().as_secs_f64();
    timings.sort();
    (rate, quantile(&timings, 0.5), quantile(&timings, 0.99))
}

/// Signups per second: each token's customer signs up once, [`CLIENTS`] at a time.
async fn signups_per_second(client: &reqwest::Client, bases: &[String], tokens: &[String]) -> f64 {
    let started = Instant::now();
    let chunk = tokens.len().div_ceil(CLIENTS);
    let tasks: Vec<_> = tokens
        .chunks(chunk)
        .enumerate()
        .map(|(c, mine)| {
            let (client, bases, mine) = (client.clone(), bases.to_vec(), mine.to_vec());
            tokio::spawn(async move {
                for (i, token) in mine.iter().enumerate() {
                    let base = &bases[(c + i) % bases.len()];
                    let signup = serde_json::json!({"plan": "starter"});
                    post(
                        &client,
                        format!("{base}/v1/embed/subscriptions"),
                        Some(token),
                        signup,
                    )
                    .await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("signups");
    }
    tokens.len() as f64 / started.elapsed().as_secs_f64()
}

/// Events per second through `POST /v1/events`, 100 batches of 1,000 events for
/// the `tokens`' customers (who are `reader{i}@bench.example`).
async fn usage_ingestion(client: &reqwest::Client, base: &str, tokens: &[String]) -> f64 {
    let now = jiff::Timestamp::now().as_second();
    let started = Instant::now();
    let batches = 100;
    for b in 0..batches {
        let events: Vec<serde_json::Value> = (0..1_000)
            .map(|i| {
                let n = b * 1_000 + i;
                serde_json::json!({
                    "event_id": format!("ev{n}"),
                    "customer": format!("reader{}@bench.example", n % tokens.len()),
                    "meter": "api_calls",
                    "quantity": (n % 50) + 1,
                    "timestamp": now - (n as i64 % 86_400),
                })
            })
            .collect();
        let response = client
            .post(format!("{base}/v1/events"))
            .bearer_auth(KEY)
            .json(&serde_json::json!({ "events": events }))
            .send()
            .await
            .expect("ingest");
        assert_eq!(response.status(), 200);
    }
    (batches * 1_000) as f64 / started.elapsed().as_secs_f64()
}

/// p50 and p99 of 2,000 sequential portal reads by one customer.
async fn read_latency(client: &reqwest::Client, base: &str, token: &str) -> (Duration, Duration) {
    let mut timings = Vec::new();
    for _ in 0..2_000 {
        let sent = Instant::now();
        let response = client
            .get(format!("{base}/v1/embed/portal"))
            .header("origin", ORIGIN)
            .header("x-session-token", token)
            .send()
            .await
            .expect("portal");
        assert_eq!(response.status(), 200);
        response.bytes().await.expect("body");
        timings.push(sent.elapsed());
    }
    timings.sort();
    (quantile(&timings, 0.5), quantile(&timings, 0.99))
}

/// Tops the database up to `total` customers, each with a subscription, an
/// invoice and an unexpired portal session, written
/// directly in SQL (a million through the API would take the whole run).
async fn bulk_customers(url: &str, total: i64) {
    // Only the counting differs: PostgreSQL has generate_series, SQLite a
    // recursive query.
    let customers = if url.starts_with("postgres") {
        "INSERT INTO customers (id, livemode, email, created)
             SELECT 'cus_bulk' || g, FALSE, 'bulk' || g || '@example.com', 0
             FROM generate_series((SELECT COUNT(*) FROM customers) + 1, $1) g"
    } else {
        "INSERT INTO customers (id, livemode, email, created)
             WITH RECURSIVE g(n) AS (SELECT (SELECT COUNT(*) FROM customers) + 1
                                     UNION ALL SELECT n + 1 FROM g WHERE n < $1)
             SELECT 'cus_bulk' || n, FALSE, 'bulk' || n || '@example.com', 0 FROM g"
    };
    let statements = [
        customers,
        "INSERT INTO subscriptions (id, customer_id, service, plan, status, currency,
                 current_period_start, current_period_end, livemode, created)
             SELECT 'sub_' || substr(c.id, 5), c.id, 'acme', 'starter', 'active', 'usd', 0, 1, FALSE, 0
             FROM customers c WHERE c.id LIKE 'cus_bulk%'
               AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.customer_id = c.id)",
        "INSERT INTO invoices (id, number, customer_id, subscription_id, livemode, currency,
                 status, billing_reason, period_start, period_end, subtotal, starting_balance,
                 ending_balance, amount_due, amount_paid, attempt_count, created)
             SELECT 'in_' || substr(s.id, 5), 'INV-BULK-' || substr(s.id, 9), s.customer_id, s.id,
                 FALSE, 'usd', 'paid', 'subscription_create', 0, 1, 900, 0, 0, 900, 900, 1, 0
             FROM subscriptions s WHERE s.id LIKE 'sub_bulk%'
               AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.subscription_id = s.id)",
        "INSERT INTO portal_sessions (token_digest, service, email, livemode, created, expires_at)
             SELECT 'bulk' || substr(c.id, 9), 'acme', c.email, FALSE, 0, 4102444800
             FROM customers c WHERE c.id LIKE 'cus_bulk%'
               AND NOT EXISTS (SELECT 1 FROM portal_sessions p WHERE p.token_digest = 'bulk' || substr(c.id, 9))",
    ];
    let pool = portico_server::store::testing::any_pool(url).await;
    for statement in statements {
        sqlx::query(statement)
            .bind(total)
            .execute(&pool)
            .await
            .expect("bulk insert");
    }
    if url.starts_with("postgres") {
        sqlx::query("ANALYZE")
            .execute(&pool)
            .await
            .expect("analyze");
    }
}

/// The plans of the portal read's main lookups, on the large database.
async fn print_plans(url: &str) {
    let lookups = [
        "SELECT id FROM customers WHERE livemode = FALSE AND email = 'measured0@bench.example'",
        "SELECT id FROM subscriptions WHERE customer_id = 'cus_bulk500' AND service = 'acme'",
        "SELECT id FROM invoices WHERE customer_id = 'cus_bulk500' ORDER BY created DESC, seq DESC",
        "SELECT token_digest FROM portal_sessions WHERE token_digest = 'bulk500' AND expires_at > 0",
    ];
    let postgres = url.starts_with("postgres");
    let pool = portico_server::store::testing::any_pool(url).await;
    for lookup in lookups {
        let plan: Vec<String> = if postgres {
            sqlx::query_scalar(&format!("EXPLAIN {lookup}"))
                .fetch_all(&pool)
                .await
                .expect("plan")
        } else {
            sqlx::query_as::<_, (i64, i64, i64, String)>(&format!("EXPLAIN QUERY PLAN {lookup}"))
                .fetch_all(&pool)
                .await
                .expect("plan")
                .into_iter()
                .map(|(_, _, _, detail)| detail)
                .collect()
        };
        println!("    {lookup}\n      → {}", plan.join("\n        "));
    }
}

fn quantile(sorted: &[Duration], q: f64) -> Duration {
    sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)]
}
