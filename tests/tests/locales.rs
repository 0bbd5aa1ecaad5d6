//! The portal in each language, end to end: its strings, and money and dates as the
//! browser's `Intl` writes them for the customer's locale (right to left for Arabic).

use portico_e2e::{Page, StackOptions, run};
use serde_json::{Value, json};

/// The exact text (`textContent`: no-break spaces stay) of each named `selector`
/// inside the portal's first `within` element.
async fn texts(page: &Page, within: &str, fields: &[(&str, &str)]) -> Value {
    let fields = serde_json::to_string(fields).unwrap();
    page.script(&format!(
        "const within = document.getElementById('portico-embed').shadowRoot.querySelector('{within}');
         return Object.fromEntries({fields}.map(([name, selector]) =>
           [name, within.querySelector(selector).textContent]));"
    ))
    .await
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

#[tokio::test(flavor = "multi_thread")]
async fn french_and_spanish_customers_read_their_language_money_and_dates() {
    run("locales_fr_es", StackOptions::default(), |page, stack| async move {
        // Dates are the test clock's: 2030-01-15 10:00 UTC, so the team plan's
        // 14-day trial ends on 2030-01-29.
        stack
            .admin(
                "/v1/test_helpers/test_clocks/advance",
                Some(json!({ "frozen_time": 1_894_701_600 })),
            )
            .await;
        // Three seats: $29.00 + 3 × $8.00 = $53.00 a month. `Intl` separates amount
        // and currency with a no-break space (U+00A0); the catalog's unit label
        // (`seat`) is not translated.
        let french = json!({
            "subscribe": "S'abonner",
            "price": "53,00\u{a0}$US", "interval": "par mois", "units": "3 seat × 8,00\u{a0}$US",
            "trial": "Essai gratuit de 14 jours",
            "status": "Essai", "amount": "53,00\u{a0}$US par mois",
            "period": "L'essai se termine le 29 janv. 2030",
        });
        let spanish = json!({
            "subscribe": "Suscribirse",
            "price": "53,00\u{a0}US$", "interval": "por mes", "units": "3 seat × 8,00\u{a0}US$",
            "trial": "Prueba gratuita de 14 días",
            "status": "Prueba", "amount": "53,00\u{a0}US$ por mes",
            "period": "La prueba termina el 29 ene 2030",
        });
        for (locale, email, expected) in [
            ("fr", "flore@example.com", french),
            ("es", "sol@example.com", spanish),
        ] {
            page.goto(&stack.host_url(&format!(
                "email={email}&service=acme&quantity=3&locale={locale}"
            )))
            .await;
            page.widget("plan-team").await;
            let mut seen = texts(
                &page,
                "[data-testid=plan-team]",
                &[
                    ("subscribe", "[data-testid=subscribe-team]"),
                    ("price", "[data-testid=plan-price]"),
                    ("interval", ".portico-interval"),
                    ("units", ".portico-plan-units"),
                    ("trial", ".portico-badge-trial"),
                ],
            )
            .await;
            page.click("subscribe-team").await;
            page.event("signup").await;
            page.widget("subscription").await;
            let subscription = texts(
                &page,
                "[data-testid=subscription]",
                &[
                    ("status", "[data-testid=subscription-status]"),
                    ("amount", "[data-testid=subscription-amount]"),
                    ("period", "[data-testid=subscription-period]"),
                ],
            )
            .await;
            seen.as_object_mut()
                .unwrap()
                .extend(subscription.as_object().unwrap().clone());
            assert_eq!(seen, expected, "{locale}");
        }
    })
    .await;
}
