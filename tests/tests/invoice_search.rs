//! Invoice search end to end on the `multi` preset: by number, status, date and
//! amount, each filter seen to keep some invoices as well as drop others, with a bad
//! amount refused inline, and axe-core on the searchable list.
//!
//! The preset's two invoices, by hand: the Starter signup today, $9.00; its
//! cancellation at the period end invoices nothing; 32 days on (the customer's test
//! clock), the yearly Team with 4 seats, 290 + 4 × 80 = $610.00. Both paid.

use portico_e2e::figures::{medium_date, today};
use portico_e2e::{Page, StackOptions, run};
use serde_json::{Value, json};

/// The rows shown, newest first, each `[date, status, amount]`.
const ROWS: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=invoice-row]')].map(row => [
        row.cells[0].textContent,
        row.querySelector('[data-testid=invoice-status]').textContent,
        row.cells[3].textContent,
    ]);";

const NUMBERS: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=invoice-number]')].map(n => n.textContent);";

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

/// `days` from today (UTC), as a date input gives it (`2026-12-07`) and as the
/// portal writes it (`Dec 7, 2026`).
fn day(days: i64) -> (String, String) {
    let date = today()
        .checked_add(jiff::Span::new().days(days))
        .expect("a date");
    (date.strftime("%Y-%m-%d").to_string(), medium_date(date))
}

/// Waits until the list shows exactly `expected` ([`ROWS`]).
async fn shown(page: &Page, expected: Value) {
    page.until_equal(ROWS, expected).await;
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
            let (today_input, today) = day(0);
            let (tomorrow_input, _) = day(1);
            let (_, resubscribed) = day(32);
            let team = json!([resubscribed, "Paid", "$610.00"]);
            let starter = json!([today, "Paid", "$9.00"]);
            let both = json!([team, starter]);
            shown(&page, both.clone()).await;
            assert_eq!(page.widget_text("invoices-shown").await, "2 of 2 invoices");

            // By number: the older one alone.
            let numbers = page.script(NUMBERS).await;
            let older = numbers[1].as_str().expect("a number").to_owned();
            assert_ne!(numbers[0], numbers[1]);
            page.script(&set("search-number", &older, "input")).await;
            shown(&page, json!([starter])).await;
            assert_eq!(page.script(NUMBERS).await, json!([older]));
            assert_eq!(page.widget_text("invoices-shown").await, "1 of 2 invoices");
            let violations = page.axe_violations().await;
            assert!(
                violations.is_empty(),
                "axe on invoice search: {violations:?}"
            );
            page.click("search-clear").await;
            shown(&page, both.clone()).await;

            // By status: both paid, none open.
            page.script(&set("search-status", "paid", "change")).await;
            shown(&page, both.clone()).await;
            page.script(&set("search-status", "open", "change")).await;
            page.widget("no-matching-invoices").await;
            assert_eq!(page.widget_text("invoices-shown").await, "0 of 2 invoices");
            page.click("search-clear").await;
            shown(&page, both.clone()).await;

            // By date: from tomorrow keeps the Team invoice; up to today (the whole
            // day) keeps Starter's; nothing is dated in the next millennium.
            page.script(&set("search-from", &tomorrow_input, "input"))
                .await;
            shown(&page, json!([team])).await;
            page.click("search-clear").await;
            page.script(&set("search-to", &today_input, "input")).await;
            shown(&page, json!([starter])).await;
            page.click("search-clear").await;
            page.script(&set("search-from", "2999-01-01", "input"))
                .await;
            page.widget("no-matching-invoices").await;
            page.click("search-clear").await;
            shown(&page, both.clone()).await;

            // By amount: a bad bound is refused inline and filters nothing out; a
            // cent above $9.00 keeps only Team's; at most $9.00 (bounds include
            // themselves) keeps only Starter's; above every total, none.
            page.script(&set("search-min", "ten", "input")).await;
            page.widget("search-min-error").await;
            shown(&page, both.clone()).await;
            page.script(&set("search-min", "9.01", "input")).await;
            shown(&page, json!([team])).await;
            page.script(&set("search-min", "", "input")).await;
            page.script(&set("search-max", "9.00", "input")).await;
            shown(&page, json!([starter])).await;
            page.script(&set("search-max", "", "input")).await;
            page.script(&set("search-min", "100000", "input")).await;
            page.widget("no-matching-invoices").await;
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}
