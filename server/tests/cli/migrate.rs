//! `portico migrate`: a SQLite database that served customers, copied into a new
//! PostgreSQL database, serves them the same. Runs in the PostgreSQL pass of
//! `cargo xtask test` (`PORTICO_TEST_DATABASE=postgres`).

use jiff::SignedDuration;
use portico_server::clock::SystemClock;
use portico_server::store::testing::TestDatabase;
use portico_server::{Config, context, spawn};
use serde_json::{Value, json};
use std::process::Command;
use std::sync::Arc;

const TEST_KEY: &str = "sk_test_migrate-test-fixture";
const LIVE_KEY: &str = "sk_live_migrate-test-fixture";

async fn server(database: &str, catalog: &std::path::Path) -> String {
    let config = Config {
        database: database.to_owned(),
        catalog: Some(catalog.to_owned()),
        assets_dir: None,
        test_secret_key: Some(TEST_KEY.into()),
        live_secret_key: Some(LIVE_KEY.into()),
        session_ttl: SignedDuration::from_hours(1),
        public_url: None,
        provider: Default::default(),
        rate_limits: portico_server::http::RateLimitConfig {
            exempt_loopback: true,
            ..Default::default()
        },
    };
    let ctx = context(&config, Arc::new(SystemClock))
        .await
        .expect("context");
    let addr = spawn("127.0.0.1:0".parse().unwrap(), ctx).await.unwrap();
    format!("http://{addr}")
}

async fn call(request: reqwest::RequestBuilder) -> Value {
    let response = request.send().await.unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status.is_success(), "{status}: {body}");
    body
}

/// What the portal and the admin API show of `email`'s account.
async fn account(client: &reqwest::Client, base: &str, email: &str, wallet: &str) -> Value {
    let session = call(
        client
            .post(format!("{base}/v1/embed/sessions"))
            .json(&json!({"service": "acme", "email": email})),
    )
    .await;
    let token = session["token"].as_str().unwrap();
    let mut portal = call(
        client
            .get(format!("{base}/v1/embed/portal"))
            .header("x-session-token", token),
    )
    .await;
    let invoices = call(
        client
            .get(format!("{base}/v1/embed/invoices"))
            .header("x-session-token", token),
    )
    .await;
    let wallet = call(
        client
            .get(format!("{base}/v1/wallets/{wallet}"))
            .bearer_auth(TEST_KEY),
    )
    .await;
    // What a copy keeps, without what each read makes anew.
    portal.as_object_mut().unwrap().remove("session");
    json!({"portal": portal, "invoices": invoices, "wallet": wallet})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_database_migrated_to_postgresql_serves_the_same_accounts() {
    if !TestDatabase::postgres_requested() {
        eprintln!("skipped: runs in the PostgreSQL pass (PORTICO_TEST_DATABASE=postgres)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.toml");
    std::fs::write(&catalog, include_str!("../../../demo-host/catalog.toml")).unwrap();
    let sqlite = dir.path().join("portico.db").display().to_string();
    let base = server(&sqlite, &catalog).await;
    let client = reqwest::Client::new();

    // Two customers with a subscription, a plan change, a card, credits and usage.
    let mut wallets = Vec::new();
    for email in ["ada@example.com", "bo@example.com"] {
        let session = call(
            client
                .post(format!("{base}/v1/embed/sessions"))
                .json(&json!({"service": "acme", "email": email})),
        )
        .await;
        let token = session["token"].as_str().unwrap().to_owned();
        let card =
            json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"});
        let embed = |path: &str, body: Value| {
            client
                .post(format!("{base}/v1/embed{path}"))
                .header("x-session-token", &token)
                .json(&body)
        };
        call(embed("/payment_methods", card)).await;
        let signed_up = call(embed("/subscriptions", json!({"plan": "starter"}))).await;
        let id = signed_up["subscription"]["id"].as_str().unwrap();
        call(embed(
            &format!("/subscriptions/{id}/change"),
            json!({"plan": "team", "quantity": 3}),
        ))
        .await;
        let wallet = call(
            client
                .post(format!("{base}/v1/wallets"))
                .bearer_auth(TEST_KEY)
                .json(&json!({"customer": email, "currency": "usd"})),
        )
        .await;
        let wallet = wallet["id"].as_str().unwrap().to_owned();
        call(
            client
                .post(format!("{base}/v1/wallets/{wallet}/credits"))
                .bearer_auth(TEST_KEY)
                .json(&json!({"credits": 25, "reason": "purchased"})),
        )
        .await;
        let events: Vec<Value> = (0..20)
            .map(|i| json!({"event_id": format!("{email}-{i}"), "customer": email, "meter": "api_calls", "quantity": 7}))
            .collect();
        call(
            client
                .post(format!("{base}/v1/events"))
                .bearer_auth(TEST_KEY)
                .json(&json!({"events": events})),
        )
        .await;
        wallets.push((email, wallet));
    }
    let mut before = Vec::new();
    for (email, wallet) in &wallets {
        before.push(account(&client, &base, email, wallet).await);
    }

    let postgres = TestDatabase::new(&dir.path().join("unused.db")).await;
    let migrate = |to: &str| {
        Command::new(env!("CARGO_BIN_EXE_portico"))
            .args(["migrate", "--from", &sqlite, "--to", to])
            .output()
            .expect("run portico migrate")
    };
    let migrated = migrate(&postgres.url);
    let report = String::from_utf8_lossy(&migrated.stderr).into_owned();
    assert!(migrated.status.success(), "{report}");
    assert!(
        report.contains("customers") && report.contains("PORTICO_LIVE_SECRET_KEY"),
        "{report}"
    );

    // The same accounts, read from PostgreSQL.
    let moved = server(&postgres.url, &catalog).await;
    for ((email, wallet), before) in wallets.iter().zip(before) {
        assert_eq!(
            account(&client, &moved, email, wallet).await,
            before,
            "{email}"
        );
    }
    // And it goes on: a new invoice takes the next number, a new customer signs up.
    let session = call(
        client
            .post(format!("{moved}/v1/embed/sessions"))
            .json(&json!({"service": "acme", "email": "cy@example.com"})),
    )
    .await;
    let token = session["token"].as_str().unwrap();
    let card =
        json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"});
    call(
        client
            .post(format!("{moved}/v1/embed/payment_methods"))
            .header("x-session-token", token)
            .json(&card),
    )
    .await;
    let signed_up = call(
        client
            .post(format!("{moved}/v1/embed/subscriptions"))
            .header("x-session-token", token)
            .json(&json!({"plan": "starter"})),
    )
    .await;
    let number = signed_up["invoice"]["number"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // Two signups made two invoices (the changes' prorations wait for the renewal).
    assert!(
        number.ends_with("-00003"),
        "the third invoice of the month: {signed_up}"
    );

    // A second copy into a database that has customers is refused, naming why.
    let again = migrate(&postgres.url);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds 3 customers"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}
