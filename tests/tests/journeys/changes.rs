//! Signup with a card → plan change with its proration preview → seat change →
//! a change at period end (scheduled on the engine; refused on Stripe).

use super::{inline_error, journey, shows, sign_up, text};
use portico_e2e::figures::{day_of, medium_date};
use portico_e2e::provider::{Provider, seats};
use serde_json::{Value, json};

/// The change preview's lines (what the next invoice will carry), as
/// `[description, amount]` pairs.
const PREVIEW_LINES: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=preview-summary] table.portico-lines tbody tr')]
        .map(row => [...row.cells].map(cell => cell.textContent));";

/// Why the period-end step cannot run on Stripe.
const NO_SCHEDULES: &str = "skipped on stripe: localstripe has no subscription schedules, so a change at period end is refused with provider_unsupported (README, Providers)";

async fn signup_change_seats(provider: Provider) {
    journey("signup_change_seats", provider, |page, stack| async move {
        let (first, second) = provider.plans();
        let (_, second_name) = provider.plan_names();
        let signup = sign_up(&page, &stack, provider, "ana@example.com").await;
        let id = text(&signup, "id");
        page.wait_text("card-label", "4242").await;

        // The plan change: the preview shows the prorations the next invoice carries.
        page.click("change").await;
        page.click(&format!("choose-{second}")).await;
        page.click("preview").await;
        page.widget("preview-summary").await;
        let (lines, next_date, next) = provider.preview();
        let amounts: Vec<Value> = page
            .script(PREVIEW_LINES)
            .await
            .as_array()
            .expect("preview lines")
            .iter()
            .map(|line| line[1].clone())
            .collect();
        assert_eq!(amounts, lines, "the lines the next invoice will carry");
        assert_eq!(
            page.widget_text("next-invoice").await,
            format!("Next invoice on {}: {next}", medium_date(next_date))
        );
        page.click("confirm-change").await;
        let change = page.event("plan_change").await;
        assert_eq!(change["response"]["plan"], second, "{change}");
        assert_eq!(
            page.event("pre_plan_change").await["response"]["preview"]["subscription"]["plan"],
            second
        );
        assert_eq!(provider.held(&stack, &id).await, (second.to_owned(), "active".to_owned()));
        page.wait_text("subscription", second_name).await;

        // Seats only: a quantity_change, not a plan_change.
        page.click("change").await;
        page.type_into("seats", "3").await;
        page.click("preview").await;
        page.widget("preview-summary").await;
        assert!(shows(&page, "next-invoice").await, "the seat change's next invoice");
        page.click("confirm-change").await;
        let quantity = page.event("quantity_change").await;
        assert_eq!(quantity["response"]["id"], id.as_str(), "{quantity}");
        assert_eq!(quantity["response"]["plan"], second, "{quantity}");
        assert_eq!(seats(&quantity["response"]), json!(3), "{quantity}");
        assert_eq!(page.events_named("plan_change").await.len(), 1, "one plan change");
        assert_eq!(page.events_named("pre_quantity_change").await.len(), 1);

        // Back to the first plan at the period's end.
        page.click("change").await;
        page.click(&format!("choose-{first}")).await;
        page.click("at-period-end").await;
        page.click("preview").await;
        match provider {
            Provider::Local => {
                let end = day_of(quantity["response"]["current_period_end"].as_i64().expect("period end"));
                page.wait_text("preview-summary", &format!("Takes effect on {}", medium_date(end)))
                    .await;
                page.click("confirm-change").await;
                let scheduled = page
                    .wait_script(
                        "return (window.porticoEvents || []).filter(e => e.event === 'plan_change')[1];",
                    )
                    .await;
                let response = &scheduled["response"];
                assert_eq!(response["plan"], second, "unchanged until then: {scheduled}");
                assert_eq!(response["pending_update"]["plan"], first, "{scheduled}");
                assert_eq!(
                    response["pending_update"]["effective_at"],
                    quantity["response"]["current_period_end"]
                );
                assert_eq!(provider.held(&stack, &id).await, (second.to_owned(), "active".to_owned()));
            }
            Provider::Stripe => {
                eprintln!("{NO_SCHEDULES}");
                // The widget offers the option; the refusal shows inline, and no
                // preview, so nothing can be confirmed.
                assert_eq!(inline_error(&page).await.as_deref(), Some("provider_unsupported"));
                let error = page.event("error").await;
                assert_eq!(error["response"]["code"], "provider_unsupported", "{error}");
                assert!(!shows(&page, "preview-summary").await, "no preview to confirm");
                assert_eq!(page.events_named("plan_change").await.len(), 1);
                assert_eq!(provider.held(&stack, &id).await, (second.to_owned(), "active".to_owned()));
            }
        }
        assert_eq!(page.host_errors().await, Vec::<Value>::new());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn signup_change_seats_engine() {
    signup_change_seats(Provider::Local).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn signup_change_seats_stripe() {
    signup_change_seats(Provider::Stripe).await;
}
