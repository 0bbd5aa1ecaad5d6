//! Cancel at period end → resume → cancel now → resubscribe, then the two
//! subscriptions that leaves, each alone in a portal embedded with its
//! `subscription_id`.

use super::{SHADOW, journey, portal_url, sign_up, text};
use portico_e2e::Page;
use portico_e2e::provider::Provider;
use serde_json::{Value, json};

/// The `data-subscription-id` of every subscription card the portal shows, sorted.
async fn cards(page: &Page) -> Value {
    page.widget("subscription").await;
    page.script(&format!(
        "return [...{SHADOW}.querySelectorAll('[data-testid=subscription]')]
             .map(card => card.dataset.subscriptionId).sort();"
    ))
    .await
}

async fn cancel_resume_resubscribe_scope(provider: Provider) {
    journey(
        "cancel_resume_resubscribe_scope",
        provider,
        |page, stack| async move {
            let (first, _) = provider.plans();
            let email = "lea@example.com";
            let signup = sign_up(&page, &stack, provider, email).await;
            let first_id = text(&signup, "id");

            // The default configuration cancels at the period's end: then a resume.
            page.click("cancel").await;
            let reason = page.widget("cancel-reason").await;
            reason
                .select_by_value("too_expensive")
                .await
                .expect("choose a reason");
            page.click("confirm-cancel").await;
            let cancel = page.event("cancel").await;
            assert_eq!(cancel["response"]["id"], first_id.as_str(), "{cancel}");
            assert_eq!(cancel["response"]["status"], "active", "{cancel}");
            assert_eq!(cancel["response"]["cancel_at_period_end"], true, "{cancel}");
            assert_eq!(
                page.event("pre_cancel").await["response"]["cancel"]["at_period_end"],
                true
            );
            page.click("resume").await;
            let resume = page.event("resume").await;
            assert_eq!(
                resume["response"]["cancel_at_period_end"], false,
                "{resume}"
            );
            assert_eq!(resume["response"]["status"], "active", "{resume}");
            if let Some(peer) = &stack.stripe {
                let held = peer.get(&format!("/v1/subscriptions/{first_id}")).await;
                assert_eq!(held["cancel_at_period_end"], false, "{held}");
            }
            page.widget("change").await;

            // A portal configured to cancel at once: then a new subscription.
            stack
                .configure_default(
                    json!({"features": {"subscription_cancel": {"mode": "immediately"}}}),
                )
                .await;
            page.goto(&portal_url(&stack, email, "")).await;
            page.event("load").await;
            page.click("cancel").await;
            page.click("confirm-cancel").await;
            let cancel = page.event("cancel").await;
            assert_eq!(cancel["response"]["status"], "canceled", "{cancel}");
            assert_eq!(provider.held(&stack, &first_id).await.1, "canceled");
            page.click("resubscribe").await;
            let again = page.event("resubscribe").await;
            let second_id = text(&again["response"], "id");
            assert_ne!(second_id, first_id);
            assert_eq!(again["response"]["status"], "active", "{again}");
            assert_eq!(again["response"]["plan"], first, "{again}");
            assert_eq!(
                provider.held(&stack, &second_id).await,
                (first.to_owned(), "active".to_owned())
            );

            // Unscoped, the customer sees both; scoped, only the one named.
            let mut both = vec![first_id.clone(), second_id.clone()];
            both.sort();
            page.goto(&portal_url(&stack, email, "")).await;
            assert_eq!(cards(&page).await, json!(both));
            page.goto(&portal_url(
                &stack,
                email,
                &format!("&subscription_id={first_id}"),
            ))
            .await;
            assert_eq!(cards(&page).await, json!([first_id]));
            page.goto(&portal_url(
                &stack,
                email,
                &format!("&subscription_id={second_id}"),
            ))
            .await;
            assert_eq!(cards(&page).await, json!([second_id]));
            // The cancel acts on that one.
            page.click("cancel").await;
            page.click("confirm-cancel").await;
            let cancel = page.event("cancel").await;
            assert_eq!(cancel["response"]["id"], second_id.as_str(), "{cancel}");
            assert_eq!(provider.held(&stack, &second_id).await.1, "canceled");
            assert_eq!(page.events_named("error").await, Vec::<Value>::new());
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_resume_resubscribe_scope_engine() {
    cancel_resume_resubscribe_scope(Provider::Local).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_resume_resubscribe_scope_stripe() {
    cancel_resume_resubscribe_scope(Provider::Stripe).await;
}
