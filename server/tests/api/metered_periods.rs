//! Consecutive periods bill every hour of usage exactly once: a period bills the
//! hours that begin in it, from the hour its start falls in (README, "Metered
//! prices"), so an hour that straddles a renewal goes wholly to the later period.

use crate::helpers::spawn_app;
use crate::metered::{calls, expected, ingest, lines, run_due_at, subscribed};
use serde_json::Value;

/// The one renewal among the invoices a run touched.
fn renewal(touched: &[Value]) -> &Value {
    assert_eq!(touched.len(), 1, "one renewal: {touched:?}");
    assert_eq!(touched[0]["billing_reason"], "subscription_cycle");
    &touched[0]
}

#[tokio::test]
async fn consecutive_periods_bill_every_hour_of_usage_once() {
    const ADA: &str = "ada@example.com";
    let app = spawn_app().await;
    // Off the hour on purpose: the periods run from 10:30 on the 22nd, so the hour
    // 10:00–11:00 of each renewal day holds usage from both sides of the renewal.
    app.clock.set("2026-11-22T10:30:00Z".parse().unwrap());
    let (_, created) = subscribed(&app, ADA, "usage").await;
    assert_eq!(
        lines(&created["invoice"]),
        expected(&[("1 × App", 1000)]),
        "the first invoice has no usage line"
    );

    app.clock.set("2026-12-22T10:50:00Z".parse().unwrap());
    ingest(
        &app,
        vec![
            // In the hour the first period starts in, before its start: billed by it.
            calls("start-hour", ADA, 1_000, "2026-11-22T10:10:00Z"),
            // The first period's last hour.
            calls("last-hour", ADA, 200, "2026-12-22T09:59:59Z"),
            // Before the renewal at 10:30 but in the hour it falls in: the second
            // period's, not the first's.
            calls("renewal-hour", ADA, 30, "2026-12-22T10:10:00Z"),
            calls("after-renewal", ADA, 1_500, "2026-12-22T10:45:00Z"),
        ],
    )
    .await;
    let first = run_due_at(&app, "2026-12-22T10:50:00Z").await;
    // 1,000 + 200 = 1,200 calls: 1,000 free, 200 at 0.02 = 4.00.
    assert_eq!(
        lines(renewal(&first)),
        expected(&[
            ("1200 calls × API calls", 400),
            ("0 GPUs × Peak GPUs", 0),
            ("0 users × Active users", 0),
            ("1 × App", 1000),
        ])
    );

    app.clock.set("2027-01-22T10:50:00Z".parse().unwrap());
    // The third period's first hour, again before its start at 10:30.
    ingest(
        &app,
        vec![calls("next-renewal-hour", ADA, 7, "2027-01-22T10:10:00Z")],
    )
    .await;
    let second = run_due_at(&app, "2027-01-22T10:50:00Z").await;
    // 30 + 1,500 = 1,530 calls: 530 past the free 1,000 at 0.02 = 10.60.
    assert_eq!(
        lines(renewal(&second)),
        expected(&[
            ("1530 calls × API calls", 1060),
            ("0 GPUs × Peak GPUs", 0),
            ("0 users × Active users", 0),
            ("1 × App", 1000),
        ])
    );

    let third = run_due_at(&app, "2027-02-22T10:50:00Z").await;
    // 7 calls, within the free 1,000.
    assert_eq!(
        lines(renewal(&third))[0],
        ("7 calls × API calls".to_owned(), 0)
    );
    let billed: i64 = [&first, &second, &third]
        .iter()
        .map(|touched| renewal(touched)["lines"][0]["quantity"].as_i64().unwrap())
        .sum();
    assert_eq!(
        billed,
        1_000 + 200 + 30 + 1_500 + 7,
        "every call ingested is billed, once"
    );
}
