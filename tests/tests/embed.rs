//! The script-tag embed, end to end: the demo host (one origin) embeds the widget
//! from the backend (another origin) in headless Chromium.

use portico_e2e::{StackOptions, run};

#[tokio::test(flavor = "multi_thread")]
async fn signup_from_the_demo_host_reaches_handle_response_and_the_database() {
    run(
        "signup",
        StackOptions::default(),
        |page, stack| async move {
            page.goto(&stack.host_url("email=grace@example.com&service=acme&quantity=3"))
                .await;
            assert_eq!(page.widget_text("test-mode-badge").await, "Test mode");
            let price = page.widget("plan-team").await.text().await.unwrap();
            assert!(
                price.contains("$53.00") && price.contains("3 seats × $8.00"),
                "team plan card: {price}"
            );
            let load = page.event("load").await;
            assert_eq!(load["response"]["customer"], serde_json::Value::Null);

            page.click("subscribe-team").await;
            let signup = page.event("signup").await;
            let id = signup["response"]["id"]
                .as_str()
                .expect("subscription id")
                .to_owned();
            assert!(id.starts_with("sub_"), "{signup}");
            assert!(signup["id"].as_str().unwrap().starts_with("evt_"));
            assert_eq!(signup["livemode"], false);
            assert_eq!(signup["response"]["plan"], "team");
            assert_eq!(signup["response"]["status"], "trialing");
            assert_eq!(signup["response"]["items"][1]["quantity"], 3);

            // The host page's own event log shows it, and the widget shows the subscription.
            assert_eq!(
                page.event_log().await.first().map(String::as_str),
                Some("signup")
            );
            assert!(page.widget_text("subscription").await.contains("Team"));
            assert_eq!(
                stack.subscriptions().await,
                vec![(id, "team".to_owned(), "trialing".to_owned())]
            );
            assert_eq!(page.host_errors().await, Vec::<serde_json::Value>::new());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_hash_in_live_mode_is_refused_inline_and_by_event() {
    let options = StackOptions {
        host_uses_wrong_live_key: true,
        ..StackOptions::default()
    };
    run("wrong_hash", options, |page, stack| async move {
        page.goto(&stack.host_url("email=mallory@example.com&service=acme-live"))
            .await;
        let error = page.widget("error").await;
        assert_eq!(
            error.attr("data-code").await.unwrap().as_deref(),
            Some("invalid_hash")
        );
        assert!(page.widget_text("error-message").await.contains("hash"));
        let event = page.event("error").await;
        assert_eq!(event["response"]["code"], "invalid_hash");
        assert!(
            page.events().await.iter().all(|e| e["event"] != "load"),
            "nothing loads on a refused identity"
        );
        assert!(stack.subscriptions().await.is_empty());
        assert_eq!(page.host_errors().await, Vec::<serde_json::Value>::new());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_config_is_reported_without_breaking_the_host_page() {
    run(
        "invalid_config",
        StackOptions::default(),
        |page, stack| async move {
            page.goto(&stack.host_url("email=ada@example.com&service=acme&quantity=-2"))
                .await;
            let message = page.widget_text("error-message").await;
            assert!(message.contains("options.quantity"), "{message}");
            let event = page.event("error").await;
            assert_eq!(event["response"]["code"], "invalid_config");
            assert_eq!(page.event_log().await, vec!["error".to_owned()]);
            assert_eq!(page.host_flag("hostScriptFinished").await, true);
            assert_eq!(page.host_errors().await, Vec::<serde_json::Value>::new());
            assert!(stack.subscriptions().await.is_empty());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn auto_mount_and_queued_calls_both_mount_the_portal() {
    run(
        "other_mounts",
        StackOptions::default(),
        |page, stack| async move {
            for mount in ["settings", "queue"] {
                page.goto(
                    &stack.host_url(&format!("email=lin@example.com&service=acme&mount={mount}")),
                )
                .await;
                page.widget("plan-starter").await;
                let load = page.event("load").await;
                assert_eq!(load["response"]["service"]["name"], "acme", "mount={mount}");
                assert_eq!(page.host_flag("hostScriptFinished").await, true);
                assert_eq!(
                    page.host_errors().await,
                    Vec::<serde_json::Value>::new(),
                    "mount={mount}"
                );
            }
        },
    )
    .await;
}
