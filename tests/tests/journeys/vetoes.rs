//! Every `pre_*` hook stops its action, for one customer throughout: the host
//! page's `handleResponse` vetoes one hook per page load (`veto=` in the demo's
//! address), the portal says nothing was changed, and the next load shows that
//! nothing was.

use super::{journey, portal_url};
use portico_e2e::Page;
use portico_e2e::provider::{Provider, seats};
use serde_json::{Value, json};

const EMAIL: &str = "vera@example.com";

/// Waits for the portal to say the page stopped the action, asked once.
async fn stopped(page: &Page, hook: &str) {
    page.wait_text("notice", "Nothing was changed").await;
    assert_eq!(page.events_named(hook).await.len(), 1, "{hook} asked once");
    assert_eq!(page.host_errors().await, Vec::<Value>::new(), "{hook}");
}

/// Opens the portal with `hook` vetoed; returns the `load` event's state, which
/// tells what the previous steps left.
async fn open_vetoing(page: &Page, stack: &portico_e2e::Stack, hook: &str) -> Value {
    page.goto(&portal_url(stack, EMAIL, &format!("&veto={hook}")))
        .await;
    page.event("load").await["response"].clone()
}

/// The one subscription a `load` state holds.
fn only_subscription(state: &Value) -> &Value {
    let subs = state["subscriptions"].as_array().expect("subscriptions");
    assert_eq!(subs.len(), 1, "{subs:?}");
    &subs[0]
}

async fn pre_hooks_stop_their_actions(provider: Provider) {
    journey(
        "pre_hooks_stop_their_actions",
        provider,
        |page, stack| async move {
            let (first, second) = provider.plans();

            // A card: no card_update, no card on file.
            open_vetoing(&page, &stack, "pre_card_update").await;
            page.click("update-card").await;
            page.widget("card-form").await;
            provider.enter_card(&page, "4242 4242 4242 4242").await;
            stopped(&page, "pre_card_update").await;
            assert!(page.events_named("card_update").await.is_empty());

            // The signup: the card it asks for first is saved, the signup is stopped.
            let state = open_vetoing(&page, &stack, "pre_signup").await;
            assert_eq!(state["payment_method"], Value::Null, "{state}");
            page.click(&format!("subscribe-{first}")).await;
            page.widget("card-form").await;
            provider.enter_card(&page, "4242 4242 4242 4242").await;
            page.event("card_update").await;
            stopped(&page, "pre_signup").await;
            assert_eq!(page.event("pre_signup").await["response"]["plan"], first);
            assert!(page.events_named("signup").await.is_empty());

            // A plan change, after the signup it needs.
            let state = open_vetoing(&page, &stack, "pre_plan_change").await;
            assert_eq!(state["subscriptions"], json!([]), "{state}");
            assert_eq!(state["payment_method"]["card"]["last4"], "4242", "{state}");
            page.click(&format!("subscribe-{first}")).await;
            page.event("signup").await;
            page.click("change").await;
            page.click(&format!("choose-{second}")).await;
            page.click("preview").await;
            page.widget("preview-summary").await;
            page.click("confirm-change").await;
            stopped(&page, "pre_plan_change").await;
            assert!(page.events_named("plan_change").await.is_empty());

            // Seats: the plan change this page does not veto goes through first.
            let state = open_vetoing(&page, &stack, "pre_quantity_change").await;
            assert_eq!(only_subscription(&state)["plan"], first, "{state}");
            page.click("change").await;
            page.click(&format!("choose-{second}")).await;
            page.click("preview").await;
            page.widget("preview-summary").await;
            page.click("confirm-change").await;
            page.event("plan_change").await;
            page.click("change").await;
            page.type_into("seats", "4").await;
            page.click("preview").await;
            page.widget("preview-summary").await;
            page.click("confirm-change").await;
            stopped(&page, "pre_quantity_change").await;
            assert!(page.events_named("quantity_change").await.is_empty());

            // A cancel (at the period's end, the default configuration's).
            let state = open_vetoing(&page, &stack, "pre_cancel").await;
            let sub = only_subscription(&state);
            assert_eq!(sub["plan"], second, "{state}");
            assert_eq!(seats(sub), json!(1), "{state}");
            page.click("cancel").await;
            page.click("confirm-cancel").await;
            stopped(&page, "pre_cancel").await;
            assert!(page.events_named("cancel").await.is_empty());

            // A resubscription, after a cancel now.
            stack
                .configure_default(
                    json!({"features": {"subscription_cancel": {"mode": "immediately"}}}),
                )
                .await;
            let state = open_vetoing(&page, &stack, "pre_resubscribe").await;
            let sub = only_subscription(&state);
            assert_eq!(
                (&sub["status"], &sub["cancel_at_period_end"]),
                (&json!("active"), &json!(false))
            );
            page.click("cancel").await;
            page.click("confirm-cancel").await;
            assert_eq!(page.event("cancel").await["response"]["status"], "canceled");
            page.click("resubscribe").await;
            stopped(&page, "pre_resubscribe").await;
            assert!(page.events_named("resubscribe").await.is_empty());

            page.goto(&portal_url(&stack, EMAIL, "")).await;
            let state = page.event("load").await["response"].clone();
            assert_eq!(
                only_subscription(&state)["status"],
                "canceled",
                "only the canceled one"
            );
            assert_eq!(page.events_named("error").await, Vec::<Value>::new());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pre_hooks_stop_their_actions_engine() {
    pre_hooks_stop_their_actions(Provider::Local).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pre_hooks_stop_their_actions_stripe() {
    pre_hooks_stop_their_actions(Provider::Stripe).await;
}
