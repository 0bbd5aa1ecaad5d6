//! The portal with the Stripe provider, against localstripe: the card goes into
//! the Stripe.js stand-in's Element, and every action lands on the peer. The same
//! customer journey through the built-in engine gives the host page the same
//! events.

use portico_e2e::figures::medium_date;
use portico_e2e::provider::Provider;
use portico_e2e::{Page, Stack, run};
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// The change preview's lines (what the next invoice will carry), as
/// `[description, amount]` pairs.
const PREVIEW_LINES: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=preview-summary] table.portico-lines tbody tr')]
        .map(row => [...row.cells].map(cell => cell.textContent));";

/// Signup with a card → plan change with its preview → new card → cancel now →
/// resubscribe. Returns the names of the events the host page received, in order.
async fn journey(page: &Page, stack: &Stack, provider: Provider) -> Vec<String> {
    let (first, second) = provider.plans();
    stack
        .configure_default(
            serde_json::json!({"features": {"subscription_cancel": {"mode": "immediately"}}}),
        )
        .await;
    page.goto(&stack.host_url("email=rosa@example.com&service=acme"))
        .await;

    // No card yet and no trial: the card form comes first, then the signup.
    page.click(&format!("subscribe-{first}")).await;
    provider.enter_card(page, "4242 4242 4242 4242").await;
    let first_card = page.event("card_update").await;
    assert_eq!(first_card["response"]["card"]["last4"], "4242");
    let signup = page.event("signup").await;
    assert_eq!(signup["response"]["plan"], first);
    assert_eq!(signup["response"]["status"], "active");

    assert!(
        page.widget_text("subscription")
            .await
            .contains(provider.first_name())
    );
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
    assert_eq!(change["response"]["plan"], second);

    page.click("update-card").await;
    provider.enter_card(page, "5555 5555 5555 4444").await;
    let second_card = page
        .wait_script(
            "return (window.porticoEvents || []).filter(e => e.event === 'card_update')[1];",
        )
        .await;
    assert_eq!(second_card["response"]["card"]["last4"], "4444");

    page.click("cancel").await;
    page.click("confirm-cancel").await;
    let cancel = page.event("cancel").await;
    assert_eq!(cancel["response"]["status"], "canceled");

    page.click("resubscribe").await;
    let again = page.event("resubscribe").await;
    assert_ne!(again["response"]["id"], signup["response"]["id"]);
    assert_eq!(again["response"]["status"], "active");
    assert_eq!(again["response"]["plan"], second);
    assert_eq!(page.host_errors().await, Vec::<Value>::new());

    page.events()
        .await
        .iter()
        .map(|e| e["event"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// The subscription an event is about, as localstripe holds it.
async fn on_peer(stack: &Stack, event: &Value) -> Value {
    let id = event["response"]["id"].as_str().expect("a subscription id");
    let peer = stack.stripe.as_ref().expect("a Stripe stack");
    peer.get(&format!("/v1/subscriptions/{id}")).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_portal_runs_on_stripe_with_the_same_events_as_the_built_in_engine() {
    let local_events = Arc::new(Mutex::new(Vec::new()));
    let record = local_events.clone();
    run(
        "journey_local",
        Provider::Local.options(),
        |page, stack| async move {
            let names = journey(&page, &stack, Provider::Local).await;
            *record.lock().unwrap() = names;
        },
    )
    .await;

    let options = Provider::Stripe.options();
    let local_events = local_events.lock().unwrap().clone();
    run("journey_stripe", options, |page, stack| async move {
        let names = journey(&page, &stack, Provider::Stripe).await;
        assert_eq!(names, local_events, "the host page hears the same events");

        // Every step landed on Stripe, not in Portico's database.
        let signup = page.event("signup").await;
        let first = on_peer(&stack, &signup).await;
        assert_eq!(first["status"], "canceled");
        assert_eq!(first["items"]["data"][0]["plan"]["id"], "pro");
        let again = on_peer(&stack, &page.event("resubscribe").await).await;
        assert_eq!(again["status"], "active");
        assert_eq!(again["items"]["data"][0]["plan"]["id"], "pro");
        let peer = stack.stripe.as_ref().unwrap();
        let customer = peer
            .get(&format!(
                "/v1/customers/{}",
                first["customer"].as_str().unwrap()
            ))
            .await;
        assert_eq!(customer["email"], "rosa@example.com");
        let card = customer["invoice_settings"]["default_payment_method"]
            .as_str()
            .expect("a default card");
        let card = peer.get(&format!("/v1/payment_methods/{card}")).await;
        assert_eq!(
            card["card"]["last4"], "4444",
            "the second card is the default"
        );
        assert!(stack.subscriptions().await.is_empty(), "Stripe holds them");
        // The card went from the browser to the peer: Portico never saw a number.
        let stored = stack.rows("SELECT COUNT(*) FROM payment_methods").await;
        assert_eq!(stored, vec![vec!["0".to_owned()]]);
    })
    .await;
}
