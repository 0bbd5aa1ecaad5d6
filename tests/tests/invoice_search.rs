//! Invoice search end to end on the `multi` preset (a canceled Starter and a yearly
//! Team, two paid invoices): by number, status, date and amount, with a bad amount refused
//! inline, and axe-core on the searchable list.

use portico_e2e::{StackOptions, run};
use serde_json::{Value, json};

const ROWS: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=invoice-row]')].map(row => ({
        number: row.querySelector('[data-testid=invoice-number]').textContent,
        status: row.querySelector('[data-testid=invoice-status]').textContent,
    }));";

fn rows_are(count: usize) -> String {
    format!(
        "return document.getElementById('portico-embed').shadowRoot
             .querySelectorAll('[data-testid=invoice-row]').length === {count};"
    )
}

/// Sets a search field as typing would: its value, then an `input` event.
fn set(testid: &str, value: &str, event: &str) -> String {
    format!(
        "const input = document.getElementById('portico-embed').shadowRoot
             .querySelector('[data-testid={testid}]');
         input.value = {value};
         input.dispatchEvent(new Event('{event}', {{ bubbles: true }}));
         return true;",
        value = Value::from(value)
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn invoices_are_searched_by_number_status_date_and_amount() {
    run(
        "invoice-search",
        StackOptions::default(),
        |page, stack| async move {
            stack.seed_preset("multi").await;
            page.goto(&stack.host_url("preset=multi&service=acme"))
                .await;
            page.click("tab-invoices").await;
            page.widget("invoice-search").await;
            let all = page.script(ROWS).await;
            let all = all.as_array().expect("rows").clone();
            let total = all.len();
            assert!(total >= 2, "{all:?}");
            assert_eq!(
                page.widget_text("invoices-shown").await,
                format!("{total} of {total} invoices")
            );

            // By number: one invoice.
            let number = all[total - 1]["number"].as_str().unwrap().to_owned();
            page.script(&set("search-number", &number, "input")).await;
            page.wait_script(&rows_are(1)).await;
            assert_eq!(page.script(ROWS).await[0]["number"], json!(number));
            assert_eq!(
                page.widget_text("invoices-shown").await,
                format!("1 of {total} invoices")
            );
            let violations = page.axe_violations().await;
            assert!(
                violations.is_empty(),
                "axe on invoice search: {violations:?}"
            );
            page.click("search-clear").await;
            page.wait_script(&rows_are(total)).await;

            // By status: every invoice is paid, none open.
            let paid = all.iter().filter(|r| r["status"] == "Paid").count();
            page.script(&set("search-status", "paid", "change")).await;
            page.wait_script(&rows_are(paid)).await;
            page.script(&set("search-status", "open", "change")).await;
            page.widget("no-matching-invoices").await;
            page.click("search-clear").await;
            page.wait_script(&rows_are(total)).await;

            // By date: nothing is dated in the next millennium.
            page.script(&set("search-from", "2999-01-01", "input"))
                .await;
            page.widget("no-matching-invoices").await;
            page.click("search-clear").await;
            page.wait_script(&rows_are(total)).await;

            // By amount: a bad bound is refused inline and filters nothing out; a
            // bound above every total leaves none.
            page.script(&set("search-min", "ten", "input")).await;
            page.widget("search-min-error").await;
            page.wait_script(&rows_are(total)).await;
            page.script(&set("search-min", "100000", "input")).await;
            page.widget("no-matching-invoices").await;
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}
