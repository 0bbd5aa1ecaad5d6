//! The table behind the usage chart holds the numbers the chart draws: the
//! `subscriber` preset's customer with usage the test places in time
//! (`portico_e2e::known_usage`), the table read cell by cell against hand-computed
//! values, and every point of every series against its cell.

use portico_e2e::figures::{day_of, medium_date};
use portico_e2e::known_usage::DAY;
use portico_e2e::{StackOptions, run};
use serde_json::{Value, json};

fn buckets_are(count: usize) -> String {
    format!(
        "const chart = document.getElementById('portico-embed').shadowRoot
             .querySelector('[data-testid=usage-chart]');
         return chart && chart.dataset.buckets === '{count}';"
    )
}

/// Whether the usage has arrived: the breakdown's API calls total.
const LOADED: &str = "
    const total = document.getElementById('portico-embed').shadowRoot
        .querySelector('[data-testid=usage-row][data-meter=api_calls] [data-testid=usage-total]');
    return total !== null && total.textContent === '15,500 calls';";

/// What the chart draws and what its table says: the table's header and rows as
/// text, each series' meter and the y of its point per bucket, and the value axis
/// (each gridline's y and label, from 0 up).
const CHART_AND_TABLE: &str = "
    const chart = document.getElementById('portico-embed').shadowRoot
        .querySelector('[data-testid=usage-chart]');
    const texts = selector => [...chart.querySelectorAll(selector)].map(e => e.textContent);
    return {
        headers: texts('[data-testid=usage-table] thead th'),
        rows: [...chart.querySelectorAll('[data-testid=usage-table] tbody tr')]
            .map(row => [...row.cells].map(cell => cell.textContent)),
        series: [...chart.querySelectorAll('[data-testid=usage-series]')].map(path => ({
            meter: path.dataset.meter,
            ys: path.getAttribute('d').split(/[ML]/).filter(Boolean)
                .map(point => parseFloat(point.trim().split(' ')[1])),
        })),
        grid: [...chart.querySelectorAll('line.portico-chart-grid')]
            .map(line => parseFloat(line.getAttribute('y1'))),
        labels: texts('text.portico-chart-label[text-anchor=end]'),
    };";

/// `"6,000"` → 6000.
fn number(text: &Value) -> f64 {
    let digits: String = text
        .as_str()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {text}"))
}

fn unix_now() -> i64 {
    jiff::Timestamp::now().as_second()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_chart_table_holds_the_numbers_the_chart_draws() {
    run(
        "usage_chart_table",
        StackOptions::default(),
        |page, stack| async move {
            let now = unix_now();
            stack.seed_known_usage(now).await;
            page.goto(&stack.host_url("preset=subscriber&service=acme"))
                .await;
            page.click("tab-usage").await;
            page.wait_script(&buckets_are(30)).await;
            page.wait_script(LOADED).await;
            let drawn = page.script(CHART_AND_TABLE).await;

            // Columns in the chart's series order (the service's meters, as the
            // catalog lists them), named for the customer.
            let meters: Vec<&str> = drawn["series"]
                .as_array()
                .expect("series")
                .iter()
                .map(|s| s["meter"].as_str().unwrap_or_default())
                .collect();
            assert_eq!(
                meters,
                [
                    "api_calls",
                    "dashboards_viewed",
                    "storage_gb",
                    "active_viewers"
                ]
            );
            assert_eq!(
                drawn["headers"],
                json!([
                    "Date",
                    "API calls (calls)",
                    "Dashboard views (views)",
                    "Peak storage (GB)",
                    "Active viewers (viewers)"
                ])
            );

            // The table, by hand: 30 days ending today; the events of 20 days ago
            // in row 9, of 3 days ago in row 26, of today in row 29; zeros elsewhere.
            let rows = drawn["rows"].as_array().expect("rows");
            assert_eq!(rows.len(), 30);
            let expected_row = |index: usize| -> Value {
                match index {
                    9 => json!([medium_date(day_of(now - 20 * DAY)), "5,500", "0", "14", "1"]),
                    26 => json!([medium_date(day_of(now - 3 * DAY)), "6,000", "2", "0", "1"]),
                    29 => json!([medium_date(day_of(now)), "4,000", "1", "8", "1"]),
                    _ => json!([rows[index][0], "0", "0", "0", "0"]),
                }
            };
            for (index, row) in rows.iter().enumerate() {
                assert_eq!(*row, expected_row(index), "table row {index}");
            }
            assert_eq!(rows[0][0], json!(medium_date(day_of(now - 29 * DAY))));

            // The value axis: the largest bucket is 6,000 calls, so it runs to
            // 6,000 in steps of 2,000.
            assert_eq!(drawn["labels"], json!(["0", "2,000", "4,000", "6,000"]));
            let grid: Vec<f64> = drawn["grid"]
                .as_array()
                .expect("gridlines")
                .iter()
                .map(|y| y.as_f64().unwrap_or_default())
                .collect();
            let (zero_y, top_y, top) = (grid[0], grid[grid.len() - 1], 6_000.0);

            // Every point of every series sits where its table cell's value does.
            // The path's coordinates have one decimal: 0.05 of the 184 units of
            // height is 1.6 calls on this axis, so 6 (a thousandth of it) is slack.
            for (column, series) in drawn["series"].as_array().unwrap().iter().enumerate() {
                let ys = series["ys"].as_array().expect("points");
                assert_eq!(ys.len(), 30, "{}", series["meter"]);
                for (index, y) in ys.iter().enumerate() {
                    let drawn_value = (zero_y - y.as_f64().unwrap()) / (zero_y - top_y) * top;
                    let in_table = number(&rows[index][column + 1]);
                    assert!(
                        (drawn_value - in_table).abs() <= top / 1_000.0,
                        "{} at bucket {index}: drawn {drawn_value}, table {in_table}",
                        series["meter"]
                    );
                }
            }
        },
    )
    .await;
}
