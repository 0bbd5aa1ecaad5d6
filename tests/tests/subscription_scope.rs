//! `subscription_id` in the embed config: the portal shows and acts on only that
//! subscription of a customer who has two (the `multi` preset: a canceled Starter
//! and an active yearly Team).

use portico_e2e::{Page, StackOptions, run};
use serde_json::{Value, json};

/// The `data-subscription-id` of every subscription card the portal shows.
async fn cards(page: &Page) -> Value {
    page.widget("subscription").await;
    page.script(
        "const root = document.getElementById('portico-embed').shadowRoot;
         return [...root.querySelectorAll('[data-testid=subscription]')]
             .map(card => card.dataset.subscriptionId).sort();",
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_portal_embedded_with_subscription_id_shows_and_acts_on_that_one_only() {
    run(
        "subscription_scope",
        StackOptions::default(),
        |page, stack| async move {
            stack.seed_preset("multi").await;
            let subscriptions = stack.subscriptions().await;
            let id_of = |plan: &str| {
                subscriptions
                    .iter()
                    .find(|(_, p, _)| p == plan)
                    .map(|(id, ..)| id.clone())
                    .unwrap_or_else(|| panic!("no {plan} subscription in {subscriptions:?}"))
            };
            let (starter, team) = (id_of("starter"), id_of("team-yearly"));

            // Unscoped, the customer sees both.
            page.goto(&stack.host_url("preset=multi&service=acme"))
                .await;
            let mut both = vec![starter.clone(), team.clone()];
            both.sort();
            assert_eq!(cards(&page).await, json!(both));

            // Scoped to the canceled Starter: only it.
            page.goto(&stack.host_url(&format!(
                "preset=multi&service=acme&subscription_id={starter}"
            )))
            .await;
            assert_eq!(cards(&page).await, json!([starter]));

            // Scoped to Team: only it, and the cancel acts on it.
            page.goto(
                &stack.host_url(&format!("preset=multi&service=acme&subscription_id={team}")),
            )
            .await;
            assert_eq!(cards(&page).await, json!([team]));
            page.click("cancel").await;
            page.click("confirm-cancel").await;
            let cancel = page.event("cancel").await;
            assert_eq!(cancel["response"]["id"], json!(team), "{cancel}");
            assert_eq!(cancel["response"]["cancel_at_period_end"], true);
            let team_row = stack
                .rows(&format!(
                    "SELECT status, cancel_at_period_end FROM subscriptions WHERE id = '{team}'"
                ))
                .await;
            assert_eq!(team_row, vec![vec!["active".to_owned(), "1".to_owned()]]);
            let starter_row = stack
                .rows(&format!(
                    "SELECT status FROM subscriptions WHERE id = '{starter}'"
                ))
                .await;
            assert_eq!(starter_row, vec![vec!["canceled".to_owned()]]);
            assert_eq!(page.events_named("error").await, Vec::<Value>::new());
        },
    )
    .await;
}
