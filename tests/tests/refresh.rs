//! The portal keeps usage and credits fresh: it reads them again every 5 s while the
//! page is visible, not at all while it is hidden, and at once when it is shown
//! again. The test adds usage and credits through the backend's API while the
//! portal is open, and controls `document.visibilityState` itself.

use portico_e2e::{Page, Stack, StackOptions, TEST_KEY, run};
use serde_json::{Value, json};
use std::time::Duration;

const CUSTOMER: &str = "subscriber@example.com";

/// What the Overview says of the customer's usage (the trend chart's description,
/// each meter's total over 30 days) and of their credits.
const SHOWN: &str = "
    const host = document.getElementById('portico-embed');
    const root = host && host.shadowRoot;
    if (!root) return null;
    const desc = root.querySelector('[data-testid=usage-trend] desc');
    const balance = root.querySelector('[data-testid=wallet-balance-line]');
    return [desc && desc.textContent, balance && balance.innerText];";

/// [`SHOWN`] for `calls` API calls and `credits` left.
fn shown(calls: &str, credits: &str) -> Value {
    json!([
        format!(
            "API calls: {calls} calls; Dashboard views: 0 views; Peak storage: 0 GB; Active viewers: 0 viewers"
        ),
        format!("{credits} credits\n${credits}"),
    ])
}

/// Waits until the Overview shows `expected`.
async fn until_shown(page: &Page, expected: Value) {
    page.until_equal(SHOWN, expected).await;
}

/// Adds `calls` API calls (event `id`) and grants `credits` to the customer's
/// wallet, as the integrator's backend would.
async fn add_usage_and_credits(stack: &Stack, id: &str, calls: u32, credits: &str) {
    let sent = reqwest::Client::new()
        .post(format!("{}/v1/events", stack.backend))
        .bearer_auth(TEST_KEY)
        .json(
            &json!({"event_id": id, "customer": CUSTOMER, "meter": "api_calls", "quantity": calls}),
        )
        .send()
        .await
        .expect("send an event");
    assert_eq!(sent.status(), 201);
    let wallets = stack
        .admin(&format!("/v1/wallets?customer={CUSTOMER}"), None)
        .await;
    let wallet = wallets["data"][0]["id"]
        .as_str()
        .expect("the preset's wallet");
    stack
        .admin(
            &format!("/v1/wallets/{wallet}/credits"),
            Some(json!({"credits": credits, "reason": "purchased"})),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_and_credits_refresh_while_visible_and_pause_while_hidden() {
    run(
        "refresh",
        StackOptions::default(),
        |page, stack| async move {
            // The preset's customer: no usage yet, 40 credits left after the signup.
            stack.seed_preset("subscriber").await;
            page.goto(&stack.host_url("preset=subscriber&service=acme"))
                .await;
            until_shown(&page, shown("0", "40.00")).await;
            page.record_requests().await;

            // Visible: new usage and credits appear without a reload (the request
            // record, kept in the page, would not survive one).
            add_usage_and_credits(&stack, "e2e-visible", 1_200, "10.00").await;
            until_shown(&page, shown("1,200", "50.00")).await;
            assert!(!page.requests_to("/v1/embed/usage").await.is_empty());
            assert!(!page.requests_to("/v1/embed/wallets").await.is_empty());
            assert!(
                page.requests_to("/v1/embed/portal").await.is_empty(),
                "no reload"
            );

            // Hidden: once the last request is answered, nothing is asked for more
            // than a refresh period, and the new figures do not show. This waits a
            // fixed time on purpose: it checks that nothing happens.
            page.set_hidden(true).await;
            page.requests_settled().await;
            page.forget_requests().await;
            add_usage_and_credits(&stack, "e2e-hidden", 800, "5.00").await;
            tokio::time::sleep(Duration::from_secs(7)).await;
            assert_eq!(
                page.requests().await,
                Vec::<Value>::new(),
                "no request while hidden"
            );
            assert_eq!(page.script(SHOWN).await, shown("1,200", "50.00"));

            // Visible again: it reads both: 1,200 + 800 calls, 50 + 5 credits.
            page.set_hidden(false).await;
            until_shown(&page, shown("2,000", "55.00")).await;
            assert!(!page.requests_to("/v1/embed/usage").await.is_empty());
            assert_eq!(page.events_named("error").await, Vec::<Value>::new());
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refresh_that_brings_nothing_new_keeps_the_keyboard_on_the_chart() {
    run(
        "refresh_keeps_focus",
        StackOptions::default(),
        |page, stack| async move {
            stack.seed_preset("subscriber").await;
            page.goto(&stack.host_url("preset=subscriber&service=acme"))
                .await;
            page.widget("usage-trend").await;
            page.record_requests().await;
            // A keyboard user reads the chart: focus on it, End for the last bucket.
            page.script(
                "document.getElementById('portico-embed').shadowRoot
                     .querySelector('[data-testid=usage-trend] [data-testid=usage-svg]').focus();
                 return true;",
            )
            .await;
            page.press(fantoccini::key::Key::End).await;
            page.widget("tooltip-time").await;
            // Refreshes with the same answer later (the third request leaves 5 s
            // after the second was answered), the tooltip and the focus are where
            // the customer left them.
            page.wait_script(
                "return window.porticoRequests
                     .filter(r => r.path === '/v1/embed/usage').length >= 3;",
            )
            .await;
            assert_eq!(page.focused().await.as_deref(), Some("usage-svg"));
            let readings = page
                .script(
                    "return document.getElementById('portico-embed').shadowRoot
                         .querySelectorAll('[data-testid=usage-tooltip] li').length;",
                )
                .await;
            assert_eq!(readings, json!(4), "the tooltip still shows the bucket");
        },
    )
    .await;
}
