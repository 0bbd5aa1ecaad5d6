//! The portal's remaining actions and every veto hook, end to end.

use portico_e2e::figures::{medium_date, today};
use portico_e2e::{Page, Stack, StackOptions, run};
use serde_json::Value;

async fn card(page: &Page) {
    page.type_into("card-number", "4242 4242 4242 4242").await;
    page.type_into("card-expiry", "12/34").await;
    page.type_into("card-cvc", "123").await;
    page.click("save-card").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn seats_billing_details_and_resubscribe() {
    run("more_actions", StackOptions::default(), |page, stack| async move {
        // This portal cancels at once (the default configuration waits for the period end).
        stack
            .configure_default(serde_json::json!({"features": {"subscription_cancel": {"mode": "immediately"}}}))
            .await;
        page.goto(&stack.host_url("email=mira@example.com&service=acme&quantity=2"))
            .await;
        // Plans sold monthly and yearly: a switch between the two.
        let shown = || {
            page.script(
                "return [...document.getElementById('portico-embed').shadowRoot
                   .querySelectorAll('[data-testid^=plan-]')].map(e => e.dataset.testid)
                   .filter(id => id !== 'plan-price');",
            )
        };
        page.widget("interval-switch").await;
        assert_eq!(shown().await, serde_json::json!(["plan-starter", "plan-team", "plan-scale"]));
        page.click("show-yearly").await;
        page.widget("plan-team-yearly").await;
        assert_eq!(shown().await, serde_json::json!(["plan-team-yearly"]));
        page.click("show-monthly").await;
        page.click("subscribe-team").await;
        let signup = page.event("signup").await;
        let id = signup["response"]["id"].as_str().unwrap().to_owned();

        // Seats only: a quantity_change. Team's 14-day trial has paid nothing, so
        // the change prorates nothing and charges nothing now; the first invoice, at
        // the trial's end, is Team's month at five seats: 29 + 5 × 8 = $69.00.
        page.click("change").await;
        page.type_into("seats", "5").await;
        page.click("preview").await;
        page.widget("preview-summary").await;
        let trial_end = today().checked_add(jiff::Span::new().days(14)).unwrap();
        assert_eq!(
            page.widget_text("next-invoice").await,
            format!("Next invoice on {}: $69.00", medium_date(trial_end))
        );
        let line_tables = page
            .script(
                "return document.getElementById('portico-embed').shadowRoot
                     .querySelectorAll('[data-testid=preview-summary] table').length;",
            )
            .await;
        assert_eq!(line_tables, serde_json::json!(0), "no line now, none carried");
        page.click("confirm-change").await;
        let change = page.event("quantity_change").await;
        assert_eq!(change["response"]["items"][1]["quantity"], 5);
        assert!(page.events_named("plan_change").await.is_empty());
        assert_eq!(
            stack.rows(&format!("SELECT quantity FROM subscription_items WHERE subscription_id = '{id}' AND product = 'seats'")).await,
            vec![vec!["5".to_owned()]]
        );

        // Billing details.
        page.click("edit-details").await;
        page.type_into("details-name", "Mira Ortiz").await;
        page.type_into("details-country", "es").await;
        page.type_into("details-tax-id", "ESB12345678").await;
        page.click("save-details").await;
        let update = page.event("customer_update").await;
        assert_eq!(update["response"]["name"], "Mira Ortiz");
        assert_eq!(update["response"]["address"]["country"], "ES");
        assert_eq!(update["response"]["tax_id"]["type"], "eu_vat");
        assert_eq!(update["response"]["tax_id"]["value"], "ESB12345678");
        assert_eq!(
            stack.rows("SELECT name FROM customers WHERE email = 'mira@example.com'").await,
            vec![vec!["Mira Ortiz".to_owned()]]
        );

        // Cancel now, then resubscribe: a new subscription.
        page.click("cancel").await;
        page.click("confirm-cancel").await;
        let cancel = page.event("cancel").await;
        assert_eq!(cancel["response"]["status"], "canceled");
        page.click("update-card").await;
        card(&page).await;
        page.event("card_update").await;
        page.click("resubscribe").await;
        let again = page.event("resubscribe").await;
        assert_ne!(again["response"]["id"].as_str(), Some(id.as_str()));
        assert_eq!(again["response"]["status"], "active", "no second trial");
        assert_eq!(again["response"]["items"][1]["quantity"], 5, "same seats");
        assert_eq!(stack.subscriptions().await.len(), 2);
        assert_eq!(page.host_errors().await, Vec::<Value>::new());
    })
    .await;
}

/// Drives a new customer's portal up to the action whose `pre_*` event the page
/// vetoes, and checks the portal says nothing was changed.
async fn vetoed(page: &Page, stack: &Stack, hook: &str, email: &str) {
    // Resubscribing needs a subscription canceled at once.
    let mode = if hook == "pre_resubscribe" {
        "immediately"
    } else {
        "at_period_end"
    };
    stack
        .configure_default(serde_json::json!({"features": {"subscription_cancel": {"mode": mode}}}))
        .await;
    page.goto(&stack.host_url(&format!("email={email}&service=acme&veto={hook}")))
        .await;
    match hook {
        "pre_signup" => page.click("subscribe-team").await,
        "pre_card_update" => {
            page.click("update-card").await;
            card(page).await;
        }
        _ => {
            page.click("subscribe-team").await;
            page.event("signup").await;
            match hook {
                "pre_plan_change" | "pre_quantity_change" => {
                    page.click("change").await;
                    if hook == "pre_plan_change" {
                        page.click("choose-scale").await;
                    } else {
                        page.type_into("seats", "4").await;
                    }
                    page.click("preview").await;
                    page.widget("preview-summary").await;
                    page.click("confirm-change").await;
                }
                "pre_cancel" => {
                    page.click("cancel").await;
                    page.click("confirm-cancel").await;
                }
                "pre_resubscribe" => {
                    page.click("cancel").await;
                    page.click("confirm-cancel").await;
                    page.event("cancel").await;
                    page.click("resubscribe").await;
                }
                other => panic!("no such hook {other}"),
            }
        }
    }
    page.wait_text("notice", "Nothing was changed").await;
    assert_eq!(page.events_named(hook).await.len(), 1, "{hook} asked once");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_pre_hook_can_stop_its_action() {
    run("every_veto", StackOptions::default(), |page, stack| async move {
        vetoed(&page, &stack, "pre_signup", "v1@example.com").await;
        assert!(page.events_named("signup").await.is_empty());
        assert!(stack.subscriptions().await.is_empty());

        vetoed(&page, &stack, "pre_card_update", "v2@example.com").await;
        assert!(page.events_named("card_update").await.is_empty());
        assert!(stack.rows("SELECT id FROM payment_methods").await.is_empty());

        vetoed(&page, &stack, "pre_plan_change", "v3@example.com").await;
        assert!(page.events_named("plan_change").await.is_empty());
        vetoed(&page, &stack, "pre_quantity_change", "v4@example.com").await;
        assert!(page.events_named("quantity_change").await.is_empty());
        assert_eq!(
            stack.rows("SELECT DISTINCT plan FROM subscriptions").await,
            vec![vec!["team".to_owned()]]
        );
        assert_eq!(
            stack.rows("SELECT DISTINCT quantity FROM subscription_items WHERE product = 'seats'").await,
            vec![vec!["1".to_owned()]]
        );

        vetoed(&page, &stack, "pre_cancel", "v5@example.com").await;
        assert!(page.events_named("cancel").await.is_empty());

        vetoed(&page, &stack, "pre_resubscribe", "v6@example.com").await;
        assert!(page.events_named("resubscribe").await.is_empty());
        let v6 = stack
            .rows("SELECT COUNT(*) FROM subscriptions s JOIN customers c ON c.id = s.customer_id WHERE c.email = 'v6@example.com'")
            .await;
        assert_eq!(v6, vec![vec!["1".to_owned()]], "only the canceled one");
        assert_eq!(page.host_errors().await, Vec::<Value>::new());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_options_quantity_the_customer_picks_the_seats() {
    run("pick_seats", StackOptions::default(), |page, stack| async move {
        page.goto(&stack.host_url("email=sid@example.com&service=acme"))
            .await;
        page.type_into("choose-seats", "4").await;
        page.wait_text("plan-team", "$61.00").await;
        page.click("subscribe-team").await;
        let signup = page.event("signup").await;
        assert_eq!(signup["response"]["items"][1]["quantity"], 4);
        assert_eq!(page.event("pre_signup").await["response"]["quantity"], 4);
        // With options.quantity the page fixes the seats: no picker.
        page.goto(&stack.host_url("email=sue@example.com&service=acme&quantity=3"))
            .await;
        page.widget("plans").await;
        let pickers = page
            .script("return document.getElementById('portico-embed').shadowRoot.querySelectorAll('[data-testid=choose-seats]').length;")
            .await;
        assert_eq!(pickers, 0);
    })
    .await;
}
