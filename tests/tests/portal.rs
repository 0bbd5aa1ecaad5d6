//! The portal's actions end to end: each asserts what the host page's
//! `handleResponse` received and what the backend now holds.

use fantoccini::key::Key;
use portico_e2e::{StackOptions, run};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread")]
async fn card_signup_change_cancel_resume_and_invoices() {
    run(
        "portal_flow",
        StackOptions::default(),
        |page, stack| async move {
            page.goto(&stack.host_url("email=ines@example.com&service=acme"))
                .await;
            page.event("load").await;

            // A paid plan without a card on file asks for the card first.
            page.click("subscribe-starter").await;
            assert_eq!(
                page.event("select_plan").await["response"]["plan"],
                "starter"
            );
            page.type_into("card-number", "4242 4242 4242 4242").await;
            page.type_into("card-expiry", "12/34").await;
            page.type_into("card-cvc", "123").await;
            page.click("save-card").await;
            let card = page.event("card_update").await;
            assert_eq!(card["response"]["card"]["last4"], "4242");
            assert_eq!(
                page.event("pre_card_update").await["response"]["card_last4"],
                "4242"
            );
            let signup = page.event("signup").await;
            assert_eq!(signup["response"]["status"], "active");
            assert_eq!(
                page.event("pre_signup").await["response"]["plan"],
                "starter"
            );
            let id = signup["response"]["id"].as_str().unwrap().to_owned();
            page.wait_text("card-label", "Visa •••• 4242").await;

            // Change plan: the backend's preview, then the confirmation.
            page.click("change").await;
            page.click("choose-team").await;
            page.type_into("seats", "2").await;
            page.click("preview").await;
            // Same billing cycle, default create_prorations: nothing is charged now;
            // the next invoice carries the credit and the remaining time.
            let summary = page.widget_text("preview-summary").await;
            assert!(
                summary.contains("Unused time on 1 × Acme Analytics") && summary.contains("-$9.00"),
                "{summary}"
            );
            let next = page.widget_text("next-invoice").await;
            assert!(next.starts_with("Next invoice on "), "{next}");
            page.click("confirm-change").await;
            let change = page.event("plan_change").await;
            assert_eq!(change["response"]["plan"], "team");
            assert_eq!(change["response"]["items"][1]["quantity"], 2);
            let pre = page.event("pre_plan_change").await;
            assert_eq!(pre["response"]["preview"]["subscription"]["plan"], "team");
            assert_eq!(
                stack
                    .rows(&format!("SELECT plan FROM subscriptions WHERE id = '{id}'"))
                    .await,
                vec![vec!["team".to_owned()]]
            );

            // Cancel at period end with a reason, then resume.
            page.click("cancel").await;
            let reason = page.widget("cancel-reason").await;
            reason
                .select_by_value("too_expensive")
                .await
                .expect("choose a reason");
            page.click("confirm-cancel").await;
            let cancel = page.event("cancel").await;
            assert_eq!(cancel["response"]["cancel_at_period_end"], true);
            assert_eq!(
                cancel["response"]["cancellation_details"]["feedback"],
                "too_expensive"
            );
            page.click("resume").await;
            let resume = page.event("resume").await;
            assert_eq!(resume["response"]["cancel_at_period_end"], false);
            assert_eq!(
                stack
                    .rows(&format!(
                        "SELECT cancel_at_period_end FROM subscriptions WHERE id = '{id}'"
                    ))
                    .await,
                vec![vec!["0".to_owned()]]
            );

            // Invoices: the first period and the upgrade, color-coded, with details.
            page.click("show-invoices").await;
            page.widget("invoices").await;
            let statuses = page.widget_text("invoices").await;
            assert!(
                statuses.contains("Paid") && statuses.contains("INV-"),
                "{statuses}"
            );
            page.click("invoice-number").await;
            assert!(
                page.widget_text("invoice-detail")
                    .await
                    .contains("Amount due")
            );
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_host_can_veto_an_action_before_it_is_sent() {
    run("veto", StackOptions::default(), |page, stack| async move {
        for (email, how) in [("vera@example.com", "promise"), ("theo@example.com", "throw")] {
            page.goto(&stack.host_url(&format!("email={email}&service=acme&veto=pre_cancel:{how}")))
                .await;
            page.click("subscribe-team").await;
            page.event("signup").await;
            page.click("cancel").await;
            page.click("confirm-cancel").await;
            page.wait_text("notice", "Nothing was changed").await;
            assert!(page.events_named("cancel").await.is_empty(), "{how}: vetoed, not sent");
            assert_eq!(page.events_named("pre_cancel").await.len(), 1);
            let pending = stack
                .rows(&format!(
                    "SELECT s.cancel_at_period_end FROM subscriptions s JOIN customers c ON c.id = s.customer_id WHERE c.email = '{email}'"
                ))
                .await;
            assert_eq!(pending, vec![vec!["0".to_owned()]], "{how}");
            assert_eq!(page.host_errors().await, Vec::<Value>::new(), "{how}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_declined_card_and_a_double_click() {
    run(
        "declined_double",
        StackOptions::default(),
        |page, stack| async move {
            page.goto(&stack.host_url("email=dora@example.com&service=acme"))
                .await;
            page.click("update-card").await;
            page.type_into("card-number", "4000 0000 0000 0002").await;
            page.type_into("card-expiry", "12/34").await;
            page.type_into("card-cvc", "123").await;
            page.click("save-card").await;
            let error = page.widget("action-error").await;
            assert_eq!(
                error.attr("data-code").await.unwrap().as_deref(),
                Some("card_declined")
            );
            assert_eq!(
                page.event("error").await["response"]["code"],
                "card_declined"
            );
            assert!(
                stack
                    .rows("SELECT id FROM payment_methods")
                    .await
                    .is_empty()
            );

            // Two clicks in one tick on a trial plan: one subscription.
            page.double_click("subscribe-team").await;
            page.event("signup").await;
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            assert_eq!(page.events_named("signup").await.len(), 1);
            assert_eq!(stack.subscriptions().await.len(), 1);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_session_is_renewed_once_without_the_customer_noticing() {
    let options = StackOptions {
        session_ttl: Some(jiff::SignedDuration::from_secs(2)),
        ..StackOptions::default()
    };
    run("session_renewal", options, |page, stack| async move {
        page.goto(&stack.host_url("email=sam@example.com&service=acme"))
            .await;
        page.click("subscribe-team").await;
        page.event("signup").await;
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        page.click("cancel").await;
        page.click("confirm-cancel").await;
        let cancel = page.event("cancel").await;
        assert_eq!(cancel["response"]["cancel_at_period_end"], true);
        assert!(
            page.events_named("error").await.is_empty(),
            "no error surfaced"
        );
        let sessions = stack.rows("SELECT COUNT(*) FROM portal_sessions").await;
        assert_eq!(sessions, vec![vec!["2".to_owned()]], "one renewal");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_portal_is_isolated_from_hostile_css_and_themed() {
    run("isolation", StackOptions::default(), |page, stack| async move {
        page.goto(&stack.host_url(
            "email=iso@example.com&service=acme&hostile=1&theme=dark&accent=%23ff5500",
        ))
        .await;
        page.widget("subscribe-team").await;
        let styles = page
            .script(
                "const root = document.getElementById('portico-embed').shadowRoot;
                 const button = getComputedStyle(root.querySelector('[data-testid=subscribe-team]'));
                 const portal = getComputedStyle(root.querySelector('.portico'));
                 const probe = getComputedStyle(document.getElementById('host-probe'));
                 return { font: button.fontFamily, spacing: button.letterSpacing,
                          background: button.backgroundColor, border: button.borderTopStyle,
                          text: portal.color, probe: probe.backgroundColor,
                          probeRadius: probe.borderTopLeftRadius };",
            )
            .await;
        assert!(!styles["font"].as_str().unwrap().contains("Comic"), "{styles}");
        assert_eq!(styles["spacing"], "normal", "{styles}");
        assert_eq!(styles["border"], "solid", "{styles}");
        // theme.accent from the config, theme.mode dark from the config.
        assert_eq!(styles["background"], "rgb(255, 85, 0)", "{styles}");
        assert_eq!(styles["text"], "rgb(232, 234, 240)", "{styles}");
        // And the portal's CSS does not style the host page's look-alike button.
        assert_eq!(styles["probe"], "rgb(255, 255, 0)", "{styles}");
        assert_eq!(styles["probeRadius"], "0px", "{styles}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn narrow_and_wide_screenshots_without_horizontal_scrolling() {
    run(
        "responsive",
        StackOptions::default(),
        |page, stack| async move {
            page.goto(&stack.host_url("email=wren@example.com&service=acme"))
                .await;
            page.click("subscribe-team").await;
            page.event("signup").await;
            page.click("change").await;
            page.widget("change-panel").await;
            for (width, name) in [
                (320, "portal-320px"),
                (375, "portal-375px"),
                (1280, "portal-1280px"),
            ] {
                page.resize(width, 900).await;
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                let overflow = page
                    .script(
                        "const host = document.getElementById('portico-embed');
                     const root = host.shadowRoot.querySelector('.portico');
                     return root.scrollWidth - root.clientWidth;",
                    )
                    .await;
                assert_eq!(overflow, 0, "{width}px: the portal scrolls sideways");
                assert!(page.keep_screenshot(name).await > 10_000);
            }
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn axe_finds_no_wcag_violations_in_any_view() {
    run("axe", StackOptions::default(), |page, stack| async move {
        let mut found = Vec::new();
        let mut check = |view: &'static str, violations: Vec<Value>| {
            if !violations.is_empty() {
                found.push(serde_json::json!({ "view": view, "violations": violations }));
            }
        };
        page.goto(&stack.host_url("email=axel@example.com&service=acme"))
            .await;
        page.widget("plans").await;
        check("plans", page.axe_violations().await);
        page.click("subscribe-starter").await;
        page.widget("card-form").await;
        check("card form", page.axe_violations().await);
        page.type_into("card-number", "4242424242424242").await;
        page.type_into("card-expiry", "12/34").await;
        page.type_into("card-cvc", "123").await;
        page.click("save-card").await;
        page.event("signup").await;
        page.widget("subscriptions").await;
        check("subscriptions", page.axe_violations().await);
        page.click("change").await;
        page.click("choose-scale").await;
        page.click("preview").await;
        page.widget("preview-summary").await;
        check("change preview", page.axe_violations().await);
        page.click("cancel").await;
        page.widget("cancel-panel").await;
        check("cancel", page.axe_violations().await);
        page.click("edit-details").await;
        page.widget("details-form").await;
        check("billing details", page.axe_violations().await);
        page.click("show-invoices").await;
        page.click("invoice-number").await;
        page.widget("invoice-detail").await;
        check("invoices", page.axe_violations().await);
        page.goto(&stack.host_url("email=axel@example.com&service=acme&quantity=-2"))
            .await;
        page.widget("error").await;
        check("error", page.axe_violations().await);
        page.goto(&stack.host_url("email=axel@example.com&service=acme&theme=dark"))
            .await;
        page.widget("subscriptions").await;
        page.click("show-invoices").await;
        page.widget("invoices").await;
        check(
            "dark subscriptions and invoices",
            page.axe_violations().await,
        );
        assert!(
            found.is_empty(),
            "{}",
            serde_json::to_string_pretty(&found).unwrap()
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn signup_and_cancel_by_keyboard_alone() {
    run(
        "keyboard",
        StackOptions::default(),
        |page, stack| async move {
            page.goto(&stack.host_url("email=kay@example.com&service=acme"))
                .await;
            page.widget("plans").await;
            page.tab_to("subscribe-team").await;
            page.press(Key::Enter).await;
            page.event("signup").await;

            // A panel takes focus when it opens and gives it back on Escape.
            page.tab_to("change").await;
            page.press(Key::Enter).await;
            page.widget("change-panel").await;
            assert_eq!(page.focused().await.as_deref(), Some("choose-starter"));
            page.press(Key::Escape).await;
            assert_eq!(page.focused().await.as_deref(), Some("change"));

            page.tab_to("cancel").await;
            page.press(Key::Enter).await;
            page.widget("cancel-panel").await;
            assert_eq!(
                page.focused().await.as_deref(),
                Some("cancel-at-period-end")
            );
            page.tab_to("confirm-cancel").await;
            page.press(Key::Enter).await;
            let cancel = page.event("cancel").await;
            assert_eq!(cancel["response"]["cancel_at_period_end"], true);
            page.tab_to("resume").await;
            page.press(Key::Enter).await;
            page.event("resume").await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_portal_speaks_the_locale_and_arabic_reads_right_to_left() {
    run("locales", StackOptions::default(), |page, stack| async move {
        page.goto(&stack.host_url("email=lena@example.com&service=acme&locale=de"))
            .await;
        assert_eq!(page.widget_text("subscribe-team").await, "Abonnieren");
        let price = page.widget_text("plan-team").await;
        assert!(price.contains("37,00") && price.contains("pro Monat"), "{price}");

        page.goto(&stack.host_url("email=amal@example.com&service=acme&locale=ar"))
            .await;
        let root = page.widget("portico-root").await;
        assert_eq!(root.attr("dir").await.unwrap().as_deref(), Some("rtl"));
        assert_eq!(root.attr("lang").await.unwrap().as_deref(), Some("ar"));
        assert_eq!(page.widget_text("subscribe-team").await, "اشترك");
        page.click("subscribe-team").await;
        page.event("signup").await;
        page.click("cancel").await;
        page.widget("cancel-panel").await;
        // Right to left: the card's heading starts at its right edge.
        let aligned = page
            .script(
                "const card = document.getElementById('portico-embed').shadowRoot.querySelector('[data-testid=subscription]');
                 const title = card.querySelector('h3').getBoundingClientRect();
                 const box = card.getBoundingClientRect();
                 return Math.round(box.right - title.right) < Math.round(title.left - box.left);",
            )
            .await;
        assert_eq!(aligned, true, "the title hugs the right edge");
        assert!(page.keep_screenshot("portal-rtl-ar").await > 10_000);
        assert!(page.axe_violations().await.is_empty(), "axe in Arabic");
    })
    .await;
}
