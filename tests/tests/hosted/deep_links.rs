//! Hosted deep links (`flow_data`) to the card form, to a plan change and to a
//! proposed plan change: each opens its flow straight away, completing it does
//! what the session stored, and then the portal does what `after_completion` says.

use super::subscribed_customer;
use portico_e2e::{Page, Stack, StackOptions, run};
use serde_json::{Value, json};

const SHADOW: &str = "document.getElementById('portico-embed').shadowRoot";

/// A hosted session for `customer` opening into `flow`; its URL.
async fn deep_link(stack: &Stack, customer: &str, flow: Value) -> String {
    let session = stack
        .admin(
            "/v1/billing_portal/sessions",
            Some(json!({"customer": customer, "flow_data": flow})),
        )
        .await;
    session["url"].as_str().unwrap().to_owned()
}

/// Whether the widget shows an element with this `data-testid`.
async fn shows(page: &Page, testid: &str) -> bool {
    page.script(&format!(
        "return !!{SHADOW}.querySelector('[data-testid={testid}]');"
    ))
    .await
        == json!(true)
}

async fn plan_of(stack: &Stack, subscription: &str) -> String {
    stack
        .rows(&format!(
            "SELECT plan FROM subscriptions WHERE id = '{subscription}'"
        ))
        .await[0][0]
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_card_deep_link_opens_the_card_form_and_confirms_with_the_session_s_message() {
    run(
        "hosted_card_flow",
        StackOptions::default(),
        |page, stack| async move {
            let (customer, _) = subscribed_customer(&stack, "noor@example.com").await;
            let message = "Your new card is saved. Thank you!";
            let url = deep_link(
                &stack,
                &customer,
                json!({
                    "type": "payment_method_update",
                    "after_completion": {"type": "hosted_confirmation",
                        "hosted_confirmation": {"custom_message": message}},
                }),
            )
            .await;
            page.goto(&url).await;
            // Open without a click: the flow's panel, not the overview.
            page.widget("card-form").await;
            page.type_into("card-number", "5555 5555 5555 4444").await;
            page.type_into("card-expiry", "12/34").await;
            page.type_into("card-cvc", "123").await;
            page.click("save-card").await;
            // The session's message replaces the portal's own "card saved".
            let notice = page
                .wait_script(&format!(
                    "return {SHADOW}.querySelector('[data-testid=notice]')?.innerText;"
                ))
                .await;
            assert_eq!(notice, message);
            assert_eq!(page.url().await, format!("{}/p/portal", stack.backend));
            let default_card = stack
                .rows(&format!(
                    "SELECT pm.last4 FROM customers c JOIN payment_methods pm \
                     ON pm.id = c.default_payment_method WHERE c.id = '{customer}'"
                ))
                .await;
            assert_eq!(default_card, vec![vec!["4444".to_owned()]]);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_update_deep_link_opens_the_change_panel_and_returns_to_the_portal_home() {
    run(
        "hosted_update_flow",
        StackOptions::default(),
        |page, stack| async move {
            let (customer, subscription) = subscribed_customer(&stack, "omar@example.com").await;
            let url = deep_link(
                &stack,
                &customer,
                json!({
                    "type": "subscription_update",
                    "subscription_update": {"subscription": subscription},
                    "after_completion": {"type": "portal_homepage"},
                }),
            )
            .await;
            page.goto(&url).await;
            page.widget("change-panel").await;
            page.click("choose-team").await;
            page.click("preview").await;
            page.widget("preview-summary").await;
            page.click("confirm-change").await;
            // Done when the panel (which names every plan) has closed and the card
            // names Team; read in the page, as the card re-renders when the change lands.
            page.wait_script(&format!(
                "return !{SHADOW}.querySelector('[data-testid=change-panel]') \
                 && {SHADOW}.querySelector('[data-testid=subscription]')?.innerText.includes('Team');"
            ))
            .await;
            assert_eq!(plan_of(&stack, &subscription).await, "team");
            // The portal's home: same page, the panel closed, no confirmation.
            assert_eq!(page.url().await, format!("{}/p/portal", stack.backend));
            assert!(!shows(&page, "notice").await, "no confirmation notice");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_update_confirm_deep_link_proposes_its_plan_and_seats_then_redirects() {
    run(
        "hosted_update_confirm_flow",
        StackOptions::default(),
        |page, stack| async move {
            let (customer, subscription) = subscribed_customer(&stack, "pia@example.com").await;
            let item = stack
                .rows(&format!(
                    "SELECT id FROM subscription_items WHERE subscription_id = '{subscription}'"
                ))
                .await[0][0]
                .clone();
            let done = format!("{}/?after=update", stack.host);
            let url = deep_link(
                &stack,
                &customer,
                json!({
                    "type": "subscription_update_confirm",
                    "subscription_update_confirm": {"subscription": subscription,
                        "items": [{"id": item, "price": "team", "quantity": 3}]},
                    "after_completion": {"type": "redirect", "redirect": {"return_url": done}},
                }),
            )
            .await;
            page.goto(&url).await;
            page.widget("change-panel").await;
            let proposed = page
                .script(&format!(
                    "return [{SHADOW}.querySelector('[data-testid=choose-team]')?.checked ?? null, \
                     {SHADOW}.querySelector('[data-testid=seats]')?.value ?? null];"
                ))
                .await;
            assert_eq!(proposed, json!([true, "3"]), "Team with 3 seats proposed");
            page.click("preview").await;
            page.widget("preview-summary").await;
            page.click("confirm-change").await;
            page.wait_url(|url| url.contains("after=update")).await;
            assert_eq!(plan_of(&stack, &subscription).await, "team");
            let seats = stack
                .rows(&format!(
                    "SELECT quantity FROM subscription_items \
                     WHERE subscription_id = '{subscription}' AND unit_label = 'seat'"
                ))
                .await;
            assert_eq!(seats, vec![vec!["3".to_owned()]]);
        },
    )
    .await;
}
