//! The hosted portal a `billing_portal.session` URL opens, and Flexprice's token URL.

#[path = "hosted/deep_links.rs"]
mod deep_links;

use portico_e2e::{Page, Stack, StackOptions, run};
use serde_json::{Value, json};

/// A demo customer with a card and a Starter subscription, made through the
/// widget API as the embed would: `(customer id, subscription id)`.
async fn subscribed_customer(stack: &Stack, email: &str) -> (String, String) {
    let client = reqwest::Client::new();
    let api = |path: &str| format!("{}/v1/embed{path}", stack.backend);
    let session: Value = client
        .post(api("/sessions"))
        .json(&json!({"service": "acme", "email": email}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap().to_owned();
    let card =
        json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"});
    let response = client
        .post(api("/payment_methods"))
        .header("x-session-token", &token)
        .json(&card)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let created: Value = client
        .post(api("/subscriptions"))
        .header("x-session-token", &token)
        .json(&json!({"plan": "starter"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let subscription = &created["subscription"];
    (
        subscription["customer"].as_str().unwrap().to_owned(),
        subscription["id"].as_str().unwrap().to_owned(),
    )
}

async fn page_text(page: &Page) -> String {
    page.script("return document.body.innerText;")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_configuration_without_invoice_history_has_no_invoices_anywhere() {
    run("hosted_no_invoices", StackOptions::default(), |page, stack| async move {
        let (customer, _) = subscribed_customer(&stack, "ines@example.com").await;
        let configuration = stack
            .admin("/v1/billing_portal/configurations", Some(json!({
                "business_profile": {"headline": "Acme Analytics billing", "terms_of_service_url": "https://acme.test/terms"},
                "default_return_url": format!("{}/account", stack.host),
                "features": {
                    "invoice_history": {"enabled": false},
                    "payment_method_update": {"enabled": true},
                    "subscription_cancel": {"enabled": true, "mode": "at_period_end"},
                },
            })))
            .await;
        let session = stack
            .admin("/v1/billing_portal/sessions", Some(json!({"customer": customer, "configuration": configuration["id"]})))
            .await;
        page.goto(session["url"].as_str().unwrap()).await;
        page.widget("subscription").await;
        // The token left the address bar on the first load.
        assert_eq!(page.url().await, format!("{}/p/portal", stack.backend));
        assert!(page_text(&page).await.contains("Acme Analytics billing"));
        let back = page.script("return document.querySelector('[data-testid=return-link]').href;").await;
        assert_eq!(back, format!("{}/account", stack.host));
        let shadow = "document.getElementById('portico-embed').shadowRoot";
        // No invoices section, no change button (the feature is off), a cancel button.
        let present = |testid: &'static str| {
            let page = page.clone();
            async move {
                page.script(&format!(
                    "return !!{shadow}.querySelector('[data-testid={testid}]');"
                ))
                .await
            }
        };
        page.widget("cancel").await;
        assert_eq!(present("invoice-history").await, false);
        assert_eq!(present("change").await, false);
        assert_eq!(present("payment-method").await, true);
        // The API refuses too, with the page's own session.
        let refused = page
            .script(r#"const token = [...document.scripts].map(s => s.textContent).join('').match(/pst_[A-Za-z0-9]+/)[0];
                return fetch('/v1/embed/invoices', {headers: {'x-session-token': token}})
                  .then(r => r.json().then(b => [r.status, b.error.code]));"#)
            .await;
        assert_eq!(refused, json!([403, "feature_disabled"]));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancel_deep_link_lands_in_the_cancel_flow_and_returns_to_the_site() {
    run(
        "hosted_cancel_flow",
        StackOptions::default(),
        |page, stack| async move {
            let (customer, subscription) = subscribed_customer(&stack, "jon@example.com").await;
            let done = format!("{}/?after=cancel", stack.host);
            let session = stack
            .admin("/v1/billing_portal/sessions", Some(json!({
                "customer": customer,
                "return_url": format!("{}/account", stack.host),
                "flow_data": {
                    "type": "subscription_cancel",
                    "subscription_cancel": {"subscription": subscription},
                    "after_completion": {"type": "redirect", "redirect": {"return_url": done}},
                },
            })))
            .await;
            page.goto(session["url"].as_str().unwrap()).await;
            page.widget("cancel-panel").await;
            page.click("confirm-cancel").await;
            page.wait_url(|url| url.contains("after=cancel")).await;
            let rows = stack
                .rows(&format!(
                    "SELECT cancel_at_period_end FROM subscriptions WHERE id = '{subscription}'"
                ))
                .await;
            assert_eq!(rows, vec![vec!["1".to_owned()]]);
            // The link was for one login: opening it again shows why not.
            page.goto(session["url"].as_str().unwrap()).await;
            assert!(
                page_text(&page)
                    .await
                    .contains("This link was already used")
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_link_shows_the_expiry_page() {
    run(
        "hosted_expired",
        StackOptions::default(),
        |page, stack| async move {
            let (customer, _) = subscribed_customer(&stack, "kai@example.com").await;
            let session = stack
                .admin(
                    "/v1/billing_portal/sessions",
                    Some(json!({"customer": customer})),
                )
                .await;
            // The link lives five minutes; this database row says they have passed.
            stack
                .rows("UPDATE billing_portal_sessions SET login_expires_at = 0")
                .await;
            page.goto(session["url"].as_str().unwrap()).await;
            let text = page_text(&page).await;
            assert!(text.contains("This link has expired"), "{text}");
            // Without a session the portal page says so too, rather than failing.
            page.goto(&format!("{}/p/portal", stack.backend)).await;
            assert!(
                page_text(&page)
                    .await
                    .contains("Your billing session has ended")
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_flexprice_token_url_opens_a_read_only_portal() {
    run(
        "hosted_flexprice",
        StackOptions::default(),
        |page, stack| async move {
            subscribed_customer(&stack, "lea@example.com").await;
            // The demo identifies customers by email, so the token is asked for by id.
            let customer = stack
                .rows("SELECT id FROM customers WHERE email = 'lea@example.com'")
                .await[0][0]
                .clone();
            let token = stack
                .admin(&format!("/v1/customers/portal/{customer}"), None)
                .await;
            assert!(token["expires_at"].as_str().unwrap().ends_with('Z'));
            page.goto(token["url"].as_str().unwrap()).await;
            page.widget("subscription").await;
            assert_eq!(page.url().await, format!("{}/p/portal", stack.backend));
            let shadow = "document.getElementById('portico-embed').shadowRoot";
            let buttons = page
                .script(&format!(
                    "return [...{shadow}.querySelectorAll('button')].map(b => b.dataset.testid);"
                ))
                .await;
            for action in ["change", "cancel", "update-card", "edit-details"] {
                assert!(
                    !buttons.as_array().unwrap().contains(&json!(action)),
                    "{action} in {buttons}"
                );
            }
            // Read-only still shows: the invoices open.
            page.click("tab-invoices").await;
            page.widget("invoices").await;
        },
    )
    .await;
}
