//! The Usage section end to end: the `subscriber` preset's 30 days of usage (on the
//! Scale plan, which meters API calls and storage), the range selector, the chart's
//! keyboard tooltip, the breakdown with costs, new usage showing without a reload,
//! and axe-core on it.

use fantoccini::key::Key;
use portico_e2e::{StackOptions, TEST_KEY, run};
use serde_json::json;

const BREAKDOWN: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=usage-row]')].map(row => ({
        meter: row.dataset.meter,
        total: row.querySelector('[data-testid=usage-total]').textContent,
        cost: row.querySelector('[data-testid=usage-cost]').textContent,
    }));";

const GROUPS: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=usage-breakdown] tr.portico-group')]
        .map(row => row.textContent);";

fn buckets_are(count: usize) -> String {
    format!(
        "const chart = document.getElementById('portico-embed').shadowRoot
             .querySelector('[data-testid=usage-chart]');
         return chart && chart.dataset.buckets === '{count}';"
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_shows_each_meter_by_range_with_costs_and_keeps_up_with_new_events() {
    run(
        "usage",
        StackOptions::default(),
        |page, stack| async move {
            stack.seed_preset("subscriber").await;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs() as i64;
            let http = reqwest::Client::new();
            let history = portico_demo_host::usage::history("subscriber@example.com", now);
            portico_demo_host::usage::send(&http, &stack.backend, TEST_KEY, history)
                .await
                .expect("seed usage");
            page.goto(&stack.host_url("preset=subscriber&service=acme"))
                .await;

            // The Overview shows the trend; the Usage tab the whole view. The tabs
            // follow the keyboard: arrows move and select, End jumps to the last.
            page.widget("usage-trend").await;
            page.script(
                "document.getElementById('portico-embed').shadowRoot
                     .querySelector('[data-testid=tab-overview]').focus(); return true;",
            )
            .await;
            page.press(Key::Right).await;
            page.widget("panel-credits").await;
            assert_eq!(page.focused().await.as_deref(), Some("tab-credits"));
            page.press(Key::End).await;
            page.widget("panel-usage").await;
            assert_eq!(page.focused().await.as_deref(), Some("tab-usage"));
            page.press(Key::Home).await;
            page.widget("panel-overview").await;
            page.click("tab-usage").await;
            page.widget("usage").await;
            page.wait_script(&buckets_are(30)).await;
            let series = page
                .script(
                    "return document.getElementById('portico-embed').shadowRoot
                         .querySelectorAll('[data-testid=usage-series]').length;",
                )
                .await;
            assert_eq!(series, json!(4));

            // The breakdown, grouped: the Scale plan prices API calls and storage.
            let rows = page.script(BREAKDOWN).await;
            let rows = rows.as_array().expect("rows").clone();
            let meters: Vec<&str> = rows.iter().map(|r| r["meter"].as_str().unwrap()).collect();
            assert_eq!(
                meters,
                ["api_calls", "dashboards_viewed", "active_viewers", "storage_gb"]
            );
            let row = |meter: &str| rows.iter().find(|r| r["meter"] == meter).unwrap().clone();
            assert!(row("api_calls")["total"].as_str().unwrap().ends_with(" calls"));
            assert!(row("api_calls")["cost"].as_str().unwrap().starts_with('$'));
            assert!(row("storage_gb")["cost"].as_str().unwrap().starts_with('$'));
            assert_eq!(row("dashboards_viewed")["cost"], "—");
            let groups = page.script(GROUPS).await;
            assert_eq!(groups, json!(["API", "Dashboards", "Storage"]));

            // The range selector redraws the chart: hours for a day, days for a week.
            page.click("range-1d").await;
            page.wait_script(&buckets_are(24)).await;
            assert_eq!(
                page.script(
                    "return document.getElementById('portico-embed').shadowRoot
                         .querySelector('[data-testid=range-1d]').getAttribute('aria-pressed');"
                )
                .await,
                json!("true")
            );
            page.click("range-7d").await;
            page.wait_script(&buckets_are(7)).await;

            // The keyboard reaches every bucket: the tooltip names the time and each
            // meter's reading.
            page.script(
                "document.getElementById('portico-embed').shadowRoot
                     .querySelector('[data-testid=usage-svg]').focus(); return true;",
            )
            .await;
            page.press(Key::End).await;
            let tooltip = page
                .wait_script(
                    "const tip = document.getElementById('portico-embed').shadowRoot
                         .querySelector('[data-testid=usage-tooltip]');
                     return tip.querySelectorAll('li').length === 4 ? tip.textContent : null;",
                )
                .await;
            assert!(tooltip.as_str().unwrap().contains("API calls"), "{tooltip}");
            page.press(Key::Left).await;
            let earlier = page.widget_text("tooltip-time").await;
            assert!(!earlier.is_empty());

            let violations = page.axe_violations().await;
            assert!(violations.is_empty(), "axe on usage: {violations:?}");
            assert!(page.keep_screenshot("usage-7d").await > 0);

            // New usage shows within a few seconds, without a reload or a click.
            page.click("range-30d").await;
            page.wait_script(&buckets_are(30)).await;
            let before = row("api_calls")["total"].clone();
            let event = json!({"event_id": "e2e-late-call", "customer": "subscriber@example.com",
                "meter": "api_calls", "quantity": 5000});
            let sent = http
                .post(format!("{}/v1/events", stack.backend))
                .bearer_auth(TEST_KEY)
                .json(&event)
                .send()
                .await
                .expect("send an event");
            assert_eq!(sent.status(), 201);
            let after = page
                .wait_script(&format!(
                    "const root = document.getElementById('portico-embed').shadowRoot;
                     const cell = root.querySelector('[data-testid=usage-row][data-meter=api_calls] [data-testid=usage-total]');
                     return cell && cell.textContent !== {before} ? cell.textContent : null;"
                ))
                .await;
            assert_ne!(after, before);

            // Right to left and dark: time runs from the right, and axe stays clean.
            page.goto(&stack.host_url("preset=subscriber&service=acme&locale=ar&theme=dark"))
                .await;
            page.click("tab-usage").await;
            page.widget("usage").await;
            page.wait_script(&buckets_are(30)).await;
            let first_is_right_of_last = page
                .script(
                    "const d = document.getElementById('portico-embed').shadowRoot
                         .querySelector('[data-testid=usage-series]').getAttribute('d');
                     const xs = d.split(/[ML]/).filter(Boolean).map(p => parseFloat(p));
                     return xs[0] > xs[xs.length - 1];",
                )
                .await;
            assert_eq!(first_is_right_of_last, json!(true));
            let violations = page.axe_violations().await;
            assert!(violations.is_empty(), "axe on dark RTL usage: {violations:?}");
            assert!(page.keep_screenshot("usage-rtl-dark").await > 0);
        },
    )
    .await;
}
