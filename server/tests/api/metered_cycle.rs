//! A change to another billing cycle starts a new period at once, so the old
//! period's usage so far is billed on the change's invoice, at the old plan's
//! prices; no later renewal bills it again.

use crate::helpers::spawn_app;
use crate::metered::{calls, expected, ingest, lines, run_due_at, subscribed, unix};
use crate::metered_snapshot::{metered_catalog_with, restart_with_catalog};
use serde_json::{Value, json};

/// The catalog with `usage-yearly`: the `usage` plan's items and meters, billed
/// yearly at 100.00, and its calls at 0.05 each from the first.
fn catalog_with_yearly_plan() -> String {
    metered_catalog_with(
        "usage-yearly",
        &[],
        r#"
[[plans]]
id = "usage-yearly"
name = "Usage (yearly)"
currency = "usd"
interval = "year"
items = [{ product = "app", unit_amount = 10000 }]
metered = [
  { meter = "api_calls", unit_amount = 5 },
  { meter = "peak_gpus", unit_amount = 500 },
  { meter = "active_users", unit_amount = 300 },
]
"#,
    )
}

#[tokio::test]
async fn a_change_of_billing_cycle_bills_the_old_periods_usage_once() {
    const ADA: &str = "ada@example.com";
    let mut app = spawn_app().await;
    restart_with_catalog(&mut app, &catalog_with_yearly_plan()).await;
    // Ada's monthly period runs from 22 Nov 10:00 to 22 Dec 10:00.
    let (_, created) = subscribed(&app, ADA, "usage").await;
    let id = created["subscription"]["id"].as_str().unwrap().to_owned();

    app.clock.set("2026-12-01T10:00:00Z".parse().unwrap());
    let gpus = json!({"event_id": "g1", "customer": ADA, "meter": "peak_gpus", "quantity": 2, "timestamp": unix("2026-11-29T10:00:00Z")});
    ingest(
        &app,
        vec![calls("c1", ADA, 1_500, "2026-11-30T10:00:00Z"), gpus],
    )
    .await;
    app.configure_default(
        json!({"features": {"subscription_update": {"proration_behavior": "none"}}}),
    )
    .await;
    // A session of that day: the signup's has expired.
    let token = app
        .session(json!({"service": "metered", "email": ADA}))
        .await;
    let response = app
        .post_json(
            &format!("/v1/embed/subscriptions/{id}/change"),
            Some(&token),
            json!({"plan": "usage-yearly", "proration_behavior": "none"}),
        )
        .await;
    let status = response.status();
    let changed: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{changed}");
    // The usage of 22 Nov – 1 Dec at `usage`'s prices: 1,500 calls with the first
    // 1,000 free, 500 × 0.02 = 10.00; a peak of 2 GPUs × 5.00 = 10.00; no users.
    // Then the first year of `usage-yearly`: 100.00. No credit: prorations are off.
    assert_eq!(
        lines(&changed["invoice"]),
        expected(&[
            ("1500 calls × API calls", 1000),
            ("2 GPUs × Peak GPUs", 1000),
            ("0 users × Active users", 0),
            ("1 × App", 10000),
        ])
    );
    assert_eq!(changed["invoice"]["total"], 12000);

    // A year on, the renewal bills the new period's usage only: none.
    let renewals = run_due_at(&app, "2027-12-01T10:00:00Z").await;
    assert_eq!(renewals.len(), 1, "{renewals:?}");
    assert_eq!(
        lines(&renewals[0]),
        expected(&[
            ("0 calls × API calls", 0),
            ("0 GPUs × Peak GPUs", 0),
            ("0 users × Active users", 0),
            ("1 × App", 10000),
        ])
    );
}
