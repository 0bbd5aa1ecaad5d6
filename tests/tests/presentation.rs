//! How the portal looks and is used, end to end: isolation from the host page's CSS,
//! theme, widths from 320 px, axe-core on every view, the keyboard alone, and the
//! locales (right to left for Arabic).

use fantoccini::key::Key;
use portico_e2e::{StackOptions, run};
use serde_json::Value;

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
        page.click("tab-invoices").await;
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
        check("dark overview", page.axe_violations().await);
        page.click("tab-invoices").await;
        page.widget("invoices").await;
        check("dark invoices", page.axe_violations().await);
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
            assert_eq!(page.focused().await.as_deref(), Some("cancel-reason"));
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
