//! The demo's usage history: 30 days of events for the preset customers, sent
//! through `POST /v1/events` as an integrator's backend would. Event ids are fixed,
//! so seeding again counts nothing twice.

use serde_json::{Value, json};

const DAY: i64 = 86_400;

/// Thirty days of usage for `email`, busier on weekdays and growing a little.
pub fn history(email: &str, now: i64) -> Vec<Value> {
    let mut events = Vec::new();
    let seed = email.bytes().map(i64::from).sum::<i64>();
    for day in 0..30_i64 {
        let start = now - (30 - day) * DAY;
        let weekday = (start / DAY + 4).rem_euclid(7) < 5;
        let busy = if weekday { 3 } else { 1 };
        for hour in (8..20).step_by(2) {
            let at = start + hour * 3_600;
            let n = day * 24 + hour;
            let calls = busy * (40 + (n * 7 + seed) % 60) + day * 3;
            events.push(
                json!({"event_id": format!("demo-{email}-calls-{n}"), "customer": email,
                "meter": "api_calls", "quantity": calls, "timestamp": at}),
            );
            for view in 0..busy {
                events.push(
                    json!({"event_id": format!("demo-{email}-view-{n}-{view}"), "customer": email,
                    "meter": "dashboards_viewed", "timestamp": at + view * 60,
                    "properties": {}}),
                );
                events.push(
                    json!({"event_id": format!("demo-{email}-viewer-{n}-{view}"), "customer": email,
                    "meter": "active_viewers", "timestamp": at + view * 60 + 30,
                    "properties": {"user_id": format!("u{}", (n + view + seed) % 9)}}),
                );
            }
        }
        events.push(json!({"event_id": format!("demo-{email}-storage-{day}"), "customer": email,
            "meter": "storage_gb", "quantity": 12 + day / 2 + seed % 5, "timestamp": start + 12 * 3_600}));
    }
    events
}

/// Sends `events` in batches of 1,000 with the test secret key.
pub async fn send(
    http: &reqwest::Client,
    backend: &str,
    secret_key: &str,
    events: Vec<Value>,
) -> Result<(), String> {
    for batch in events.chunks(1_000) {
        let response = http
            .post(format!("{backend}/v1/events"))
            .bearer_auth(secret_key)
            .json(&json!({ "events": batch }))
            .send()
            .await
            .map_err(|e| format!("usage events: {e}"))?;
        let result: Value = response
            .json()
            .await
            .map_err(|e| format!("usage events: {e}"))?;
        if result["rejected"].as_u64() != Some(0) {
            return Err(format!("usage events rejected: {}", result["results"]));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn history_is_thirty_days_inside_the_ingestion_window() {
        let now = 1_795_343_400;
        let events = super::history("subscriber@example.com", now);
        let times: Vec<i64> = events
            .iter()
            .map(|e| e["timestamp"].as_i64().unwrap())
            .collect();
        assert!(times.iter().all(|t| *t > now - 35 * 86_400 && *t <= now));
        assert!(events.len() > 500);
        let mut ids: Vec<&str> = events
            .iter()
            .map(|e| e["event_id"].as_str().unwrap())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), events.len(), "every event id is distinct");
    }
}
