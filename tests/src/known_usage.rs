//! A handful of usage events placed in time by hand, for the `subscriber` preset's
//! customer (on the Scale plan, which meters API calls and storage), so every
//! figure the Usage section shows is known.

use crate::stack::{Stack, TEST_KEY};
use serde_json::{Value, json};

pub const DAY: i64 = 86_400;
pub const CUSTOMER: &str = "subscriber@example.com";

/// The events, at `now` (today's bucket in every range), three days ago (inside
/// 7d and 30d) and twenty days ago (inside 30d only):
///
/// | meter             | now    | −3 days     | −20 days |
/// |-------------------|--------|-------------|----------|
/// | api_calls (sum)   | 4,000  | 6,000       | 5,500    |
/// | dashboards_viewed | 1 view | 2 views     | —        |
/// | active_viewers    | u1     | u2          | u1       |
/// | storage_gb (max)  | 8      | —           | 14       |
pub fn events(now: i64) -> Vec<Value> {
    let event = |id: &str, meter: &str, at: i64, extra: Value| {
        let mut event = json!({"event_id": format!("e2e-{id}"), "customer": CUSTOMER,
            "meter": meter, "timestamp": at});
        if let (Some(event), Some(extra)) = (event.as_object_mut(), extra.as_object()) {
            event.extend(extra.clone());
        }
        event
    };
    let user = |id: &str| json!({"properties": {"user_id": id}});
    vec![
        event("calls-now", "api_calls", now, json!({"quantity": 4000})),
        event(
            "calls-3d",
            "api_calls",
            now - 3 * DAY,
            json!({"quantity": 6000}),
        ),
        event(
            "calls-20d",
            "api_calls",
            now - 20 * DAY,
            json!({"quantity": 5500}),
        ),
        event("view-now", "dashboards_viewed", now, json!({})),
        event("view-3d-a", "dashboards_viewed", now - 3 * DAY, json!({})),
        event(
            "view-3d-b",
            "dashboards_viewed",
            now - 3 * DAY + 60,
            json!({}),
        ),
        event("viewer-now", "active_viewers", now, user("u1")),
        event("viewer-3d", "active_viewers", now - 3 * DAY, user("u2")),
        event("viewer-20d", "active_viewers", now - 20 * DAY, user("u1")),
        event("storage-now", "storage_gb", now, json!({"quantity": 8})),
        event(
            "storage-20d",
            "storage_gb",
            now - 20 * DAY,
            json!({"quantity": 14}),
        ),
    ]
}

impl Stack {
    /// The `subscriber` preset with [`events`] at `now`.
    pub async fn seed_known_usage(&self, now: i64) {
        self.seed_preset("subscriber").await;
        portico_demo_host::usage::send(
            &reqwest::Client::new(),
            &self.backend,
            TEST_KEY,
            events(now),
        )
        .await
        .expect("seed usage");
    }
}
