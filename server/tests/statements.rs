//! What the widget's reads cost the database: every SQL statement a request runs,
//! as sqlx reports it (`sqlx::query` events), counted per request. A read must not
//! write, take the write lock, or grow back into a dozen round trips.
//!
//! Its own test binary: the statement log is process-wide, and one test at a time
//! runs here.

// The API suite's server and widget calls; this binary uses a few of them.
#[path = "api/embed_calls.rs"]
#[allow(dead_code)]
mod embed_calls;
#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::{Layer, Registry};

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

    let app = helpers::spawn_app().await;
    let token = app
        .session(serde_json::json!({ "service": "acme", "email": "reads@example.com" }))
        .await;
    let signup = app
        .post_json(
            "/v1/embed/subscriptions",
            Some(&token),
            serde_json::json!({ "plan": "team", "quantity": 3 }),
        )
        .await;
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
            app.get_json(&format!("/v1/embed/{path}"), &token).await;
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
