//! The portal's on-demand modules end to end (`widget/src/components/chunks.rs`):
//! a tab opened for the first time shows a loading state until its module has
//! arrived, never a blank panel; a module that cannot be fetched is an inline error
//! with "Try again" and an `error` event, and the retry loads it. The same holds for
//! the module of actions and reads fetched after the first paint.

use fantoccini::elements::Element;
use portico_e2e::{StackOptions, Throttling, run};
use serde_json::Value;

/// Whether the Invoices panel shows a row (read once, no waiting).
const HAS_INVOICE_ROW: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return root.querySelector('[data-testid=invoice-row]') !== null;";

/// An inline error (`error`, with its text `message`) says a part of the portal
/// could not be fetched.
async fn says_a_part_is_missing(error: Element, message: &str) {
    assert_eq!(
        error.attr("data-code").await.expect("data-code"),
        Some("network_error".to_owned())
    );
    assert!(
        message.contains("could not be loaded"),
        "the inline error says what failed: {message}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tab_whose_module_cannot_load_says_so_and_recovers_on_retry() {
    run(
        "on-demand-failure",
        StackOptions::default(),
        |page, stack| async move {
            stack.seed_preset("multi").await;
            page.goto(&stack.host_url("preset=multi&service=acme"))
                .await;
            page.widget("tab-invoices").await;
            page.block_urls(&["*split_invoices*"]).await;
            page.click("tab-invoices").await;

            let notice = page
                .in_widget("[data-testid=panel-invoices] [data-testid=error]")
                .await;
            let message = page.widget_text("error-message").await;
            says_a_part_is_missing(notice, &message).await;
            let error = page.event("error").await;
            assert_eq!(error["response"]["code"], "network_error");
            assert_eq!(error["response"]["message"], Value::from(message));
            assert_eq!(page.script(HAS_INVOICE_ROW).await, Value::Bool(false));

            // The network is back: "Try again" fetches the module anew.
            page.block_urls(&[]).await;
            page.click("retry").await;
            page.widget("invoice-row").await;
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tab_shows_a_loading_state_until_its_module_arrives() {
    run(
        "on-demand-loading",
        StackOptions::default(),
        |page, stack| async move {
            stack.seed_preset("multi").await;
            page.goto(&stack.host_url("preset=multi&service=acme"))
                .await;
            page.widget("tab-invoices").await;
            // Every request now takes over a second: the module cannot have arrived
            // by the time the panel is first drawn.
            page.throttle(Throttling {
                cpu_slowdown: 1.0,
                latency_ms: 1500.0,
                download_bits_per_second: 10_000_000.0,
                upload_bits_per_second: 10_000_000.0,
            })
            .await;
            page.click("tab-invoices").await;
            let loading = page
                .in_widget("[data-testid=panel-invoices] [data-testid=part-loading]")
                .await;
            assert_eq!(
                loading.attr("aria-busy").await.expect("aria-busy"),
                Some("true".to_owned())
            );
            page.widget("invoice-row").await;
            assert_eq!(
                page.script(
                    "return document.getElementById('portico-embed').shadowRoot
                        .querySelector('[data-testid=part-loading]') === null;"
                )
                .await,
                Value::Bool(true),
                "the loading state is gone once the tab is drawn"
            );
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_action_whose_module_cannot_load_says_so_and_acts_on_retry() {
    run(
        "on-demand-action",
        StackOptions::default(),
        |page, stack| async move {
            // Blocked before the portal loads: its first paint needs no module.
            page.block_urls(&["*split_after_paint*"]).await;
            page.goto(&stack.host_url("email=odette@example.com&service=acme"))
                .await;
            page.widget("plans").await;
            page.click("subscribe-team").await;

            let error = page.widget("action-error").await;
            let message = page.widget_text("action-error").await;
            says_a_part_is_missing(error, &message).await;
            let reported = page.events_named("error").await;
            assert!(
                reported
                    .iter()
                    .any(|e| e["response"]["code"] == "network_error"),
                "an `error` event: {reported:?}"
            );
            assert!(page.events_named("signup").await.is_empty());

            page.block_urls(&[]).await;
            page.click("retry-action").await;
            let signup = page.event("signup").await;
            assert_eq!(signup["response"]["plan"], "team");
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}
