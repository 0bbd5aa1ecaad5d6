//! The demo's scenario presets `new`, `past_due` and `declined` end to end: each
//! opens with what the demo page promises of it, and the action it calls for
//! succeeds.

use portico_e2e::figures::{medium_date, today};
use portico_e2e::{Page, StackOptions, run};
use serde_json::{Value, json};

/// The invoices list, newest first, one `[date, status, amount]` per row.
const INVOICE_ROWS: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=invoice-row]')].map(row => [
        row.cells[0].textContent,
        row.querySelector('[data-testid=invoice-status]').textContent,
        row.cells[3].textContent,
    ]);";

/// The day `days` from today (UTC) as the portal writes it: `Dec 7, 2026`.
fn day(days: i64) -> String {
    medium_date(
        today()
            .checked_add(jiff::Span::new().days(days))
            .expect("a date"),
    )
}

/// The day a month from today, when a subscription started today renews.
fn in_a_month() -> String {
    medium_date(
        today()
            .checked_add(jiff::Span::new().months(1))
            .expect("a date"),
    )
}

/// Types Stripe's always-accepted test card into the open card form and saves it.
async fn good_card(page: &Page) {
    page.type_into("card-number", "4242 4242 4242 4242").await;
    page.type_into("card-expiry", "12/34").await;
    page.type_into("card-cvc", "123").await;
    page.click("save-card").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn new_shows_a_new_customer_the_plans_and_a_trial_starts() {
    run("preset_new", StackOptions::default(), |page, stack| async move {
        stack.seed_preset("new").await;
        page.goto(&stack.host_url("preset=new&service=acme")).await;
        // The monthly plans at one seat: Starter $9; Team 29 + 8 = $37; Scale
        // 99 + 8 (the first tier) = $107.
        page.widget("plans").await;
        let prices = "
            const root = document.getElementById('portico-embed').shadowRoot;
            return [...root.querySelectorAll('[data-testid=plans] article')]
                .map(plan => [plan.dataset.testid, plan.querySelector('[data-testid=plan-price]').textContent]);";
        assert_eq!(
            page.script(prices).await,
            json!([["plan-starter", "$9.00"], ["plan-team", "$37.00"], ["plan-scale", "$107.00"]])
        );
        assert_eq!(
            page.script(
                "return document.getElementById('portico-embed').shadowRoot
                     .querySelectorAll('[data-testid=subscription]').length;"
            )
            .await,
            json!(0),
            "a new customer has nothing to manage"
        );
        // Team's 14-day trial needs no card.
        page.click("subscribe-team").await;
        let signup = page.event("signup").await;
        assert_eq!(signup["response"]["status"], "trialing", "{signup}");
        assert_eq!(page.widget_text("subscription-status").await, "Trial");
        assert!(page.events_named("error").await.is_empty());
        let rows = stack
            .rows("SELECT s.status, c.email FROM subscriptions s JOIN customers c ON c.id = s.customer_id")
            .await;
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0][0], "trialing");
        assert!(rows[0][1].starts_with("new-"), "a fresh customer: {rows:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn past_due_asks_for_a_card_and_the_new_card_pays_the_open_invoice() {
    run("preset_past_due", StackOptions::default(), |page, stack| async move {
        stack.seed_preset("past_due").await;
        page.goto(&stack.host_url("preset=past_due&service=acme")).await;
        // Starter's renewal a month after the signup failed on the declining card
        // (…0341); its first retry is three days after, still ahead on the
        // customer's clock (32 days on).
        assert_eq!(page.widget_text("subscription-status").await, "Past due");
        assert_eq!(
            page.widget_text("attention").await,
            "The last payment failed and will be retried. Update your card to pay the open invoice now."
        );
        page.wait_text("card-label", "Visa •••• 0341").await;
        page.click("tab-invoices").await;
        page.until_equal(INVOICE_ROWS,
            json!([[in_a_month(), "Open", "$9.00"], [day(0), "Paid", "$9.00"]]),
        )
        .await;

        // A good card pays the open invoice at once and the subscription is active.
        page.click("tab-overview").await;
        page.click("update-card").await;
        good_card(&page).await;
        let card = page.event("card_update").await;
        assert_eq!(card["response"]["card"]["last4"], "4242", "{card}");
        page.wait_text("subscription-status", "Active").await;
        let attention = page
            .script(
                "return document.getElementById('portico-embed').shadowRoot
                     .querySelectorAll('[data-testid=attention]').length;",
            )
            .await;
        assert_eq!(attention, json!(0), "nothing left to do");
        page.click("tab-invoices").await;
        page.until_equal(INVOICE_ROWS,
            json!([[in_a_month(), "Paid", "$9.00"], [day(0), "Paid", "$9.00"]]),
        )
        .await;
        assert_eq!(
            stack.rows("SELECT status FROM subscriptions").await,
            vec![vec!["active".to_owned()]]
        );
        assert_eq!(page.events_named("error").await, Vec::<Value>::new());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn declined_leaves_the_first_payment_open_until_a_good_card_pays_it() {
    run(
        "preset_declined",
        StackOptions::default(),
        |page, stack| async move {
            stack.seed_preset("declined").await;
            page.goto(&stack.host_url("preset=declined&service=acme"))
                .await;
            // The card on file attaches but declines every charge: Starter's first
            // $9.00 stays open and the subscription incomplete.
            page.wait_text("card-label", "Visa •••• 0341").await;
            page.click("subscribe-starter").await;
            let signup = page.event("signup").await;
            assert_eq!(signup["response"]["status"], "incomplete", "{signup}");
            assert_eq!(page.widget_text("subscription-status").await, "Incomplete");
            assert_eq!(
                page.widget_text("attention").await,
                "The first payment did not go through. Add a card to start the subscription."
            );
            page.click("tab-invoices").await;
            page.until_equal(INVOICE_ROWS, json!([[day(0), "Open", "$9.00"]]))
                .await;

            // A good card pays it and starts the subscription.
            page.click("tab-overview").await;
            page.click("update-card").await;
            good_card(&page).await;
            page.event("card_update").await;
            page.wait_text("subscription-status", "Active").await;
            page.click("tab-invoices").await;
            page.until_equal(INVOICE_ROWS, json!([[day(0), "Paid", "$9.00"]]))
                .await;
            assert_eq!(
                stack.rows("SELECT status FROM subscriptions").await,
                vec![vec!["active".to_owned()]]
            );
        },
    )
    .await;
}
