//! A subscription's metered prices are a snapshot taken at signup or change, like
//! its items' (README, "Metered prices"): a later catalog edit reaches new
//! subscriptions only, and a plan change takes the new plan's prices.

use crate::helpers::{CATALOG, TestApp, spawn_app};
use crate::metered::{calls, expected, ingest, lines, run_due_at, subscribed, unix};
use serde_json::{Value, json};

/// The test catalog with `extra` (TOML) added and sold by the `metered` service
/// beside `usage`; `replacements` edit the catalog as it is first, each of them
/// checked to apply.
pub(crate) fn metered_catalog_with(
    plan: &str,
    replacements: &[(&str, &str)],
    extra: &str,
) -> String {
    let mut edited = CATALOG.to_owned();
    let sold = format!(r#"plans = ["usage", "{plan}"]"#);
    for (from, to) in [(r#"plans = ["usage"]"#, sold.as_str())]
        .into_iter()
        .chain(replacements.iter().copied())
    {
        assert!(edited.contains(from), "the catalog has `{from}` to edit");
        edited = edited.replacen(from, to, 1);
    }
    edited + extra
}

/// The catalog after an edit: Peak GPUs at 7.00 on `usage` (was 5.00), and a plan
/// `usage-plus` whose calls cost 0.03 each from the first, its GPUs 9.00.
fn edited_catalog() -> String {
    metered_catalog_with(
        "usage-plus",
        &[(
            r#"{ meter = "peak_gpus", unit_amount = 500 }"#,
            r#"{ meter = "peak_gpus", unit_amount = 700 }"#,
        )],
        r#"
[[plans]]
id = "usage-plus"
name = "Usage Plus"
currency = "usd"
interval = "month"
items = [{ product = "app", unit_amount = 2000 }]
metered = [
  { meter = "api_calls", unit_amount = 3 },
  { meter = "peak_gpus", unit_amount = 900 },
  { meter = "active_users", unit_amount = 300 },
]
"#,
    )
}

/// Restarts the server over the same database with `catalog` in place of the
/// catalog file; `app` talks to the new server from then on.
pub(crate) async fn restart_with_catalog(app: &mut TestApp, catalog: &str) {
    let path = app.dir().join("catalog.toml");
    assert!(path.exists(), "the server reads its catalog from {path:?}");
    std::fs::write(&path, catalog).unwrap();
    app.base = app.restarted().await;
}

async fn session(app: &TestApp, email: &str) -> String {
    app.session(json!({"service": "metered", "email": email}))
        .await
}

/// The unit price of `meter` in a subscription's `metered` prices; `None` if the
/// meter is not there or its price is tiered.
fn unit_amount(subscription: &Value, meter: &str) -> Option<i64> {
    let metered = subscription["metered"].as_array()?;
    let price = metered.iter().find(|m| m["meter"] == meter)?;
    price["price"]["unit_amount"].as_i64()
}

/// The newest invoice of `email`'s customer.
async fn latest_invoice(app: &TestApp, email: &str) -> Value {
    let token = session(app, email).await;
    app.get_json("/v1/embed/invoices", &token).await[0].clone()
}

#[tokio::test]
async fn metered_prices_are_snapshotted_at_signup_and_at_a_change() {
    const ADA: &str = "ada@example.com";
    const BO: &str = "bo@example.com";
    let mut app = spawn_app().await;
    // Ada's period runs from 22 Nov 10:00 to 22 Dec 10:00, at 5.00 a GPU.
    let (_, ada) = subscribed(&app, ADA, "usage").await;
    assert_eq!(unit_amount(&ada["subscription"], "peak_gpus"), Some(500));

    restart_with_catalog(&mut app, &edited_catalog()).await;
    // Bo signs up under the edited catalog; Ada keeps her snapshot.
    let (_, bo) = subscribed(&app, BO, "usage").await;
    assert_eq!(unit_amount(&bo["subscription"], "peak_gpus"), Some(700));
    let ada_token = session(&app, ADA).await;
    let portal = app.get_json("/v1/embed/portal", &ada_token).await;
    assert_eq!(
        unit_amount(&portal["subscriptions"][0], "peak_gpus"),
        Some(500),
        "Ada keeps her signup's snapshot"
    );

    app.clock.set("2026-12-01T10:00:00Z".parse().unwrap());
    let gpus = |id: &str, email: &str| json!({"event_id": id, "customer": email, "meter": "peak_gpus", "quantity": 3, "timestamp": unix("2026-11-30T10:00:00Z")});
    ingest(&app, vec![gpus("g-ada", ADA), gpus("g-bo", BO)]).await;
    let renewals = run_due_at(&app, "2026-12-22T10:00:00Z").await;
    assert_eq!(renewals.len(), 2, "both renew: {renewals:?}");
    // The same peak of 3 GPUs: 3 × 5.00 on Ada's snapshot, 3 × 7.00 on Bo's.
    assert_eq!(
        lines(&latest_invoice(&app, ADA).await)[1],
        ("3 GPUs × Peak GPUs".to_owned(), 1500)
    );
    assert_eq!(
        lines(&latest_invoice(&app, BO).await)[1],
        ("3 GPUs × Peak GPUs".to_owned(), 2100)
    );

    // Ada's second period runs from 22 Dec to 22 Jan. 100 calls before she changes
    // to `usage-plus` on 1 Jan, 200 after.
    app.clock.set("2027-01-01T10:00:00Z".parse().unwrap());
    ingest(
        &app,
        vec![calls("before", ADA, 100, "2026-12-30T10:00:00Z")],
    )
    .await;
    app.configure_default(
        json!({"features": {"subscription_update": {"proration_behavior": "none"}}}),
    )
    .await;
    let ada_token = session(&app, ADA).await;
    let id = ada["subscription"]["id"].as_str().unwrap();
    let response = app
        .post_json(
            &format!("/v1/embed/subscriptions/{id}/change"),
            Some(&ada_token),
            json!({"plan": "usage-plus", "proration_behavior": "none"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let changed: Value = response.json().await.unwrap();
    // The change snapshots `usage-plus`'s prices in place of `usage`'s.
    assert_eq!(unit_amount(&changed["subscription"], "api_calls"), Some(3));
    assert_eq!(
        unit_amount(&changed["subscription"], "peak_gpus"),
        Some(900)
    );

    app.clock.set("2027-01-10T10:00:00Z".parse().unwrap());
    ingest(&app, vec![calls("after", ADA, 200, "2027-01-05T10:00:00Z")]).await;
    run_due_at(&app, "2027-01-22T10:00:00Z").await;
    // The period's usage is priced by the terms in force at its end
    // (billing/renewal.rs): all 300 calls at 0.03 = 9.00, where `usage`'s 1,000
    // free calls would have made them 0.00; then `usage-plus`'s flat 20.00.
    assert_eq!(
        lines(&latest_invoice(&app, ADA).await),
        expected(&[
            ("300 calls × API calls", 900),
            ("0 GPUs × Peak GPUs", 0),
            ("0 users × Active users", 0),
            ("1 × App", 2000),
        ])
    );
}
