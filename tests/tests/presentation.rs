//! How the portal looks and is used, end to end: isolation from the host page's CSS,
//! theme (`auto` under both colour schemes, every key), widths from 320 px, axe-core
//! on every view, and the keyboard alone. The locales are in `locales.rs`.

use fantoccini::key::Key;
use portico_e2e::{ColorScheme, Page, StackOptions, run};
use serde_json::{Value, json};

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

/// The portal's text colour and the team plan card's background, as computed.
async fn portal_colours(page: &Page) -> Value {
    page.widget("plan-team").await;
    page.script(
        "const root = document.getElementById('portico-embed').shadowRoot;
         return { text: getComputedStyle(root.querySelector('.portico')).color,
                  surface: getComputedStyle(root.querySelector('[data-testid=plan-team]')).backgroundColor };",
    )
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn theme_auto_follows_the_visitors_colour_scheme_and_light_and_dark_do_not() {
    run(
        "theme_auto",
        StackOptions::default(),
        |page, stack| async move {
            // The stylesheet's light and dark palettes (`--portico-text`, `--portico-surface`).
            let light = json!({ "text": "rgb(26, 29, 36)", "surface": "rgb(255, 255, 255)" });
            let dark = json!({ "text": "rgb(232, 234, 240)", "surface": "rgb(27, 30, 37)" });
            page.goto(&stack.host_url("email=otto@example.com&service=acme&theme=auto"))
                .await;
            // Dark first: a portal stuck on the default light palette fails at once.
            for (scheme, expected) in [(ColorScheme::Dark, &dark), (ColorScheme::Light, &light)] {
                page.prefer_color_scheme(scheme).await;
                assert_eq!(
                    page.script("return matchMedia('(prefers-color-scheme: dark)').matches;")
                        .await,
                    scheme == ColorScheme::Dark,
                    "the emulation took effect"
                );
                assert_eq!(&portal_colours(&page).await, expected, "auto, {scheme:?}");
            }

            page.prefer_color_scheme(ColorScheme::Dark).await;
            page.goto(&stack.host_url("email=otto@example.com&service=acme&theme=light"))
                .await;
            assert_eq!(
                portal_colours(&page).await,
                light,
                "light, visitor prefers dark"
            );
            page.prefer_color_scheme(ColorScheme::Light).await;
            page.goto(&stack.host_url("email=otto@example.com&service=acme&theme=dark"))
                .await;
            assert_eq!(
                portal_colours(&page).await,
                dark,
                "dark, visitor prefers light"
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_theme_key_sets_its_custom_property_and_the_styles_that_use_it() {
    run("theme_keys", StackOptions::default(), |page, stack| async move {
        page.goto(&stack.host_url("email=kit@example.com&service=acme"))
            .await;
        page.widget("plan-team").await;
        // The demo page's own config, mounted again with a theme (the new portal
        // replaces the first). Every colour differs, so no two keys can be swapped
        // unnoticed; `accent_text` is written as the config allows, with `_`.
        page.script(
            "window.porticoHandle = Portico.customerPortal('#portico-embed', Object.assign({}, config, {
               theme: { text: '#102030', muted: '#405060', surface: '#f0e0d0', border: '#aabbcc',
                        accent: '#123456', accent_text: '#fedcba', info: '#0a0b0c',
                        radius: '12px', space: '7px', font: 'Georgia, serif' } }));
             return true;",
        )
        .await;
        page.wait_script("return window.porticoEvents.filter(e => e.event === 'load').length === 2;")
            .await;
        page.widget("subscribe-team").await;
        let themed = page
            .script(
                "const root = document.getElementById('portico-embed').shadowRoot;
                 const style = selector => getComputedStyle(root.querySelector(selector));
                 const portal = style('.portico');
                 const properties = {};
                 for (const key of ['text', 'muted', 'surface', 'border', 'accent', 'accent-text',
                                    'info', 'radius', 'space', 'font']) {
                   properties[key] = portal.getPropertyValue('--portico-' + key);
                 }
                 const card = style('[data-testid=plan-team]');
                 const button = style('[data-testid=subscribe-team]');
                 return { properties, computed: {
                   text: portal.color, font: portal.fontFamily,
                   muted: style('[data-testid=plan-team] .portico-plan-description').color,
                   surface: card.backgroundColor, border: card.borderTopColor,
                   radius: card.borderTopLeftRadius, space: card.paddingTop,
                   accent: button.backgroundColor, accentText: button.color,
                   buttonRadius: button.borderTopLeftRadius,
                   info: style('[data-testid=plan-team] .portico-badge-trial').color } };",
            )
            .await;
        assert_eq!(
            themed,
            json!({
                "properties": {
                    "text": "#102030", "muted": "#405060", "surface": "#f0e0d0",
                    "border": "#aabbcc", "accent": "#123456", "accent-text": "#fedcba",
                    "info": "#0a0b0c", "radius": "12px", "space": "7px", "font": "Georgia, serif",
                },
                "computed": {
                    "text": "rgb(16, 32, 48)", "font": "Georgia, serif",
                    "muted": "rgb(64, 80, 96)", "surface": "rgb(240, 224, 208)",
                    "border": "rgb(170, 187, 204)", "radius": "12px", "space": "7px",
                    "accent": "rgb(18, 52, 86)", "accentText": "rgb(254, 220, 186)",
                    // `calc(var(--portico-radius) - 4px)`
                    "buttonRadius": "8px",
                    "info": "rgb(10, 11, 12)",
                },
            })
        );
        assert_eq!(page.host_errors().await, Vec::<Value>::new());
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
