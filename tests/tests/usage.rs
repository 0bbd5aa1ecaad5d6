//! The Usage section end to end: the `subscriber` preset's customer (on the Scale
//! plan, which meters API calls and storage) with usage the test places in time
//! (`portico_e2e::known_usage`), so every figure the customer reads is known: the
//! breakdown's totals and costs per range, a late event's +5,000, the chart's
//! keyboard tooltip, and axe-core on it.

use fantoccini::key::Key;
use portico_e2e::figures::{day_of, medium_date};
use portico_e2e::known_usage::{CUSTOMER, DAY};
use portico_e2e::{StackOptions, TEST_KEY, run};
use serde_json::json;

/// The breakdown, one `[meter, total, events, cost]` per row.
const BREAKDOWN: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=usage-row]')].map(row => [
        row.dataset.meter,
        row.querySelector('[data-testid=usage-total]').textContent,
        row.querySelector('[data-testid=usage-events]').textContent,
        row.querySelector('[data-testid=usage-cost]').textContent,
    ]);";

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

/// The tooltip's readings, one `[meter name, reading]` per line.
const TOOLTIP: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=usage-tooltip] li')]
        .map(li => [li.querySelector('span').textContent, li.querySelector('strong').textContent]);";

/// The breakdown's API calls row, as [`BREAKDOWN`] gives it.
const API_CALLS_ROW: &str = "
    const row = document.getElementById('portico-embed').shadowRoot
        .querySelector('[data-testid=usage-row][data-meter=api_calls]');
    return row && [row.dataset.meter,
        ...['usage-total', 'usage-events', 'usage-cost']
            .map(id => row.querySelector(`[data-testid=${id}]`).textContent)];";

fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_shows_each_meter_by_range_with_costs_and_keeps_up_with_new_events() {
    run("usage", StackOptions::default(), |page, stack| async move {
        stack.seed_known_usage(unix_now()).await;
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

        // 30 days hold every event. Scale includes 10,000 calls, then 1¢ a call:
        // 15,500 calls cost 5,500¢ = $55.00; storage is billed at its peak,
        // 14 GB × 50¢ = $7.00; views and viewers are not priced. Two distinct
        // viewers (u1 twice, u2) in three events.
        page.until_equal(
            BREAKDOWN,
            json!([
                ["api_calls", "15,500 calls", "3", "$55.00"],
                ["dashboards_viewed", "3 views", "3", "—"],
                ["active_viewers", "2 viewers", "3", "—"],
                ["storage_gb", "14 GB", "2", "$7.00"],
            ]),
        )
        .await;
        let groups = page.script(GROUPS).await;
        assert_eq!(groups, json!(["API", "Dashboards", "Storage"]));

        // The range selector redraws the chart: hours for a day, days for a week.
        // A day holds only the events of now: 4,000 calls, inside the included
        // 10,000 ($0.00), and 8 GB ($4.00).
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
        page.until_equal(
            BREAKDOWN,
            json!([
                ["api_calls", "4,000 calls", "1", "$0.00"],
                ["dashboards_viewed", "1 views", "1", "—"],
                ["active_viewers", "1 viewers", "1", "—"],
                ["storage_gb", "8 GB", "1", "$4.00"],
            ]),
        )
        .await;
        // A week adds three days ago: 10,000 calls, still all included; the
        // peak is today's 8 GB.
        page.click("range-7d").await;
        page.wait_script(&buckets_are(7)).await;
        page.until_equal(
            BREAKDOWN,
            json!([
                ["api_calls", "10,000 calls", "2", "$0.00"],
                ["dashboards_viewed", "3 views", "3", "—"],
                ["active_viewers", "2 viewers", "2", "—"],
                ["storage_gb", "8 GB", "1", "$4.00"],
            ]),
        )
        .await;

        // The keyboard reaches every bucket: the tooltip names the time and each
        // meter's reading. The last of the week's days is today.
        page.script(
            "document.getElementById('portico-embed').shadowRoot
                     .querySelector('[data-testid=usage-svg]').focus(); return true;",
        )
        .await;
        page.press(Key::End).await;
        page.wait_script(
            "const tip = document.getElementById('portico-embed').shadowRoot
                     .querySelector('[data-testid=usage-tooltip]');
                 return tip.querySelectorAll('li').length === 4;",
        )
        .await;
        assert_eq!(
            page.script(TOOLTIP).await,
            json!([
                ["API calls", "4,000 calls"],
                ["Dashboard views", "1 views"],
                ["Peak storage", "8 GB"],
                ["Active viewers", "1 viewers"],
            ])
        );
        // Three days before today: 6,000 calls, two views by one viewer.
        for _ in 0..3 {
            page.press(Key::Left).await;
        }
        assert_eq!(
            page.widget_text("tooltip-time").await,
            medium_date(day_of(unix_now() - 3 * DAY))
        );
        assert_eq!(
            page.script(TOOLTIP).await,
            json!([
                ["API calls", "6,000 calls"],
                ["Dashboard views", "2 views"],
                ["Peak storage", "0 GB"],
                ["Active viewers", "1 viewers"],
            ])
        );

        let violations = page.axe_violations().await;
        assert!(violations.is_empty(), "axe on usage: {violations:?}");
        assert!(page.keep_screenshot("usage-7d").await > 0);

        // A late event shows within a few seconds, without a reload or a click:
        // 15,500 + 5,000 = 20,500 calls, 10,500 past the included ones: $105.00.
        page.click("range-30d").await;
        page.wait_script(&buckets_are(30)).await;
        let event = json!({"event_id": "e2e-late-call", "customer": CUSTOMER,
                "meter": "api_calls", "quantity": 5000});
        let sent = reqwest::Client::new()
            .post(format!("{}/v1/events", stack.backend))
            .bearer_auth(TEST_KEY)
            .json(&event)
            .send()
            .await
            .expect("send an event");
        assert_eq!(sent.status(), 201);
        page.until_equal(
            API_CALLS_ROW,
            json!(["api_calls", "20,500 calls", "4", "$105.00"]),
        )
        .await;

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
        assert!(
            violations.is_empty(),
            "axe on dark RTL usage: {violations:?}"
        );
        assert!(page.keep_screenshot("usage-rtl-dark").await > 0);
    })
    .await;
}
