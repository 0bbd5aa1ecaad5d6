//! What the widget's reads cost the database: every SQL statement a request runs,
//! as sqlx reports it (`sqlx::query` events), counted per request. A read must not
//! write, take the write lock, or grow back into a dozen round trips.
//!
//! Its own test binary: the statement log is process-wide, and one test at a time
//! runs here.

use jiff::SignedDuration;
use portico_server::clock::SystemClock;
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{Layer, Registry};

const KEY: &str = "sk_test_statements0123456789ab";
const ORIGIN: &str = "http://127.0.0.1:8081";

/// The statements sqlx ran since the last [`Statements::take`].
#[derive(Clone, Default)]
struct Statements(Arc<Mutex<Vec<String>>>);

impl Statements {
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

impl<S: tracing::Subscriber> Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        struct Sql(Option<String>);
        impl Visit for Sql {
            fn record_str(&mut self, field: &Field, value: &str) {
                if field.name() == "db.statement" && !value.is_empty() {
                    self.0 = Some(value.to_owned());
                }
            }
            fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
                if field.name() == "summary" && self.0.is_none() {
                    self.0 = Some(format!("{value:?}"));
                }
            }
        }
        let mut sql = Sql(None);
        event.record(&mut sql);
        let sql = sql.0.unwrap_or_default();
        self.0
            .lock()
            .unwrap()
            .push(sql.split_whitespace().collect::<Vec<_>>().join(" "));
    }
}

fn is_write(sql: &str) -> bool {
    let upper = sql.trim_start().to_ascii_uppercase();
    [
        "INSERT",
        "UPDATE",
        "DELETE",
        "BEGIN IMMEDIATE",
        "REPLACE",
        "CREATE",
    ]
    .iter()
    .any(|verb| upper.starts_with(verb))
}

#[tokio::test]
async fn widget_reads_run_few_statements_and_never_write() {
    let statements = Statements::default();
    let subscriber = Registry::default().with(
        statements.clone().with_filter(
            tracing_subscriber::filter::Targets::new()
                .with_target("sqlx::query", tracing::Level::TRACE),
        ),
    );
    tracing::subscriber::set_global_default(subscriber).expect("one subscriber per process");

    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.toml");
    std::fs::write(&catalog, include_str!("../../demo-host/catalog.toml")).unwrap();
    let config = portico_server::Config {
        database: dir.path().join("reads.db").display().to_string(),
        catalog: Some(catalog),
        assets_dir: None,
        test_secret_key: Some(KEY.into()),
        live_secret_key: None,
        session_ttl: SignedDuration::from_hours(1),
        public_url: None,
        provider: Default::default(),
        rate_limits: Default::default(),
    };
    let ctx = portico_server::context(&config, Arc::new(SystemClock))
        .await
        .unwrap();
    let addr = portico_server::spawn("127.0.0.1:0".parse().unwrap(), ctx)
        .await
        .unwrap();
    let base = format!("http://{addr}/v1/embed");
    let client = reqwest::Client::new();
    let email = "reads@example.com";
    let hash = {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(KEY.as_bytes()).unwrap();
        mac.update(email.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    };
    let session: serde_json::Value = client
        .post(format!("{base}/sessions"))
        .header("origin", ORIGIN)
        .json(&serde_json::json!({ "service": "acme", "email": email, "hash": hash }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap().to_owned();
    let signup = client
        .post(format!("{base}/subscriptions"))
        .header("origin", ORIGIN)
        .header("x-session-token", &token)
        .json(&serde_json::json!({ "plan": "team", "quantity": 3 }))
        .send()
        .await
        .unwrap();
    assert_eq!(signup.status(), 201);

    // Each read twice: the first may warm a cache; the second is what every later
    // visit costs.
    let mut report = Vec::new();
    // One subscription. A change may lower these. The session comes with its
    // configuration in one statement; then the customer, the subscriptions, and
    // three for each subscription (items, meters, the latest invoice's id).
    for (path, budget) in [("portal", 7), ("invoices", 5), ("wallets", 3)] {
        for _ in 0..2 {
            statements.take();
            let response = client
                .get(format!("{base}/{path}"))
                .header("origin", ORIGIN)
                .header("x-session-token", &token)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{path}");
            response.bytes().await.unwrap();
        }
        let ran = statements.take();
        println!("GET /v1/embed/{path}: {} statements", ran.len());
        for sql in &ran {
            println!("    {sql}");
        }
        let writes: Vec<_> = ran.iter().filter(|sql| is_write(sql)).collect();
        assert!(writes.is_empty(), "GET /v1/embed/{path} wrote: {writes:#?}");
        report.push((path, ran.len(), budget));
    }
    for (path, ran, budget) in report {
        assert!(
            ran <= budget,
            "GET /v1/embed/{path} ran {ran} statements, over its budget of {budget}"
        );
    }
}
