//! One journey suite, two providers: each customer journey runs on the built-in
//! engine and on Stripe (localstripe behind the Stripe.js stand-in), as two tests
//! whose names end in the provider (`…_engine`, `…_stripe`), each on its own stack.
//!
//! - `changes`: signup with a card, a plan change with its proration preview, a
//!   seat change, and a change at period end (refused on Stripe);
//! - `lifecycle`: cancel at period end and resume, cancel now and resubscribe, then
//!   `subscription_id` scoping over the two subscriptions that leaves;
//! - `account`: a new card, billing details read back after a reload, the invoice
//!   list, an invoice's lines and its PDF;
//! - `vetoes`: every `pre_*` hook stopping its action, one customer throughout;
//! - `hosted`: the hosted portal's card update, and its Content-Security-Policy.

#[path = "journeys/account.rs"]
mod account;
#[path = "journeys/changes.rs"]
mod changes;
#[path = "journeys/hosted.rs"]
mod hosted;
#[path = "journeys/lifecycle.rs"]
mod lifecycle;
#[path = "journeys/vetoes.rs"]
mod vetoes;

use portico_e2e::provider::Provider;
use portico_e2e::{Page, Stack, run};
use serde_json::Value;
use std::future::Future;
use std::sync::Arc;

/// The widget's shadow root, in the page's scripts.
const SHADOW: &str = "document.getElementById('portico-embed').shadowRoot";

/// Runs `test` on a fresh stack billing through `provider`; a failure's
/// screenshot is `target/e2e-artifacts/journey_{name}_{provider}.png`.
async fn journey<F, Fut>(name: &str, provider: Provider, test: F)
where
    F: FnOnce(Page, Arc<Stack>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let started = std::time::Instant::now();
    let artifact = format!("journey_{name}_{}", provider.name());
    run(&artifact, provider.options(), test).await;
    eprintln!("{artifact}: {:.1?}", started.elapsed());
}

/// The demo host's page for the customer with this `email`, plus `extra` query.
fn portal_url(stack: &Stack, email: &str, extra: &str) -> String {
    stack.host_url(&format!("email={email}&service=acme{extra}"))
}

/// A new customer subscribes to the first plan: no card yet and no trial, so the
/// card form comes first (4242), then the signup. Returns the `signup` event's
/// subscription.
async fn sign_up(page: &Page, stack: &Stack, provider: Provider, email: &str) -> Value {
    let (first, _) = provider.plans();
    page.goto(&portal_url(stack, email, "")).await;
    page.click(&format!("subscribe-{first}")).await;
    page.widget("card-form").await;
    provider.enter_card(page, "4242 4242 4242 4242").await;
    let card = page.event("card_update").await;
    assert_eq!(card["response"]["card"]["last4"], "4242", "{card}");
    let signup = page.event("signup").await;
    assert_eq!(signup["response"]["plan"], first, "{signup}");
    assert_eq!(signup["response"]["status"], "active", "{signup}");
    page.wait_text("subscription", provider.first_name()).await;
    signup["response"].clone()
}

/// A string field of an event's `response` (or any JSON object).
fn text(value: &Value, field: &str) -> String {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("no `{field}` in {value}"))
        .to_owned()
}

/// The `data-code` of the widget's inline action error.
async fn inline_error(page: &Page) -> Option<String> {
    page.widget("action-error")
        .await
        .attr("data-code")
        .await
        .expect("attribute")
}

/// Whether the widget shows an element with this `data-testid` now.
async fn shows(page: &Page, testid: &str) -> bool {
    page.script(&format!(
        "return !!{SHADOW}.querySelector('[data-testid={testid}]');"
    ))
    .await
        == Value::Bool(true)
}
