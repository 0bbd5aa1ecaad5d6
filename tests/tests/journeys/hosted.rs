//! The hosted portal (a `billing_portal.session` URL) of a subscribed customer:
//! its Content-Security-Policy admits what the provider's card entry needs and
//! nothing more, and the card update works under it — the built-in form on the
//! engine, Stripe.js's card Element (the stand-in) on Stripe.

use super::{journey, sign_up, text};
use portico_e2e::Page;
use portico_e2e::provider::Provider;
use serde_json::json;

/// The hosted page's policy, as the server sends it with the page (fetched again
/// from the page itself: same origin, same session cookie).
async fn policy(page: &Page) -> String {
    let csp = page
        .script_async(
            "const done = arguments[arguments.length - 1];
             fetch('/p/portal').then(r => done(r.headers.get('content-security-policy')),
                                     e => done('fetch failed: ' + e));",
        )
        .await;
    csp.as_str().unwrap_or_default().to_owned()
}

/// Each directive's sources that are origins (`http…`), by directive name.
fn origins(csp: &str) -> Vec<(String, Vec<String>)> {
    csp.split(';')
        .filter_map(|directive| {
            let mut words = directive.split_whitespace();
            let name = words.next()?.to_owned();
            let origins: Vec<String> = words
                .filter(|w| w.starts_with("http:") || w.starts_with("https:"))
                .map(str::to_owned)
                .collect();
            Some((name, origins))
        })
        .collect()
}

async fn hosted_card_update(provider: Provider) {
    journey("hosted_card_update", provider, |page, stack| async move {
        let signup = sign_up(&page, &stack, provider, "hana@example.com").await;
        let customer = text(&signup, "customer");
        let session = stack
            .admin(
                "/v1/billing_portal/sessions",
                Some(json!({"customer": customer})),
            )
            .await;
        page.goto(&text(&session, "url")).await;
        page.widget("subscription").await;
        assert_eq!(page.url().await, format!("{}/p/portal", stack.backend));
        page.script(
            "window.cspViolations = [];
             document.addEventListener('securitypolicyviolation',
                 e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
             return true;",
        )
        .await;

        let csp = policy(&page).await;
        let origins = origins(&csp);
        // Framing is the service's own origins' (the demo host); every other
        // directive names no origin but the card entry's.
        let third_party: Vec<&String> = origins
            .iter()
            .filter(|(name, _)| name != "frame-ancestors")
            .flat_map(|(_, origins)| origins)
            .collect();
        for (name, listed) in &origins {
            if name == "frame-ancestors" {
                assert_eq!(listed, &vec![stack.host.clone()], "{csp}");
            }
        }
        match provider {
            Provider::Local => {
                assert!(third_party.is_empty(), "no third-party origin: {csp}");
            }
            Provider::Stripe => {
                // The Stripe.js stand-in's origin, which serves the script, the
                // card Element and the API calls it makes.
                let stand_in = origins
                    .iter()
                    .find(|(name, _)| name == "script-src")
                    .and_then(|(_, o)| o.first().cloned())
                    .unwrap_or_else(|| panic!("no origin in script-src: {csp}"));
                assert_ne!(stand_in, stack.backend, "{csp}");
                for directive in ["script-src", "frame-src", "connect-src"] {
                    let listed = origins.iter().find(|(name, _)| name == directive);
                    assert_eq!(
                        listed.map(|(_, o)| o.clone()),
                        Some(vec![stand_in.clone()]),
                        "{directive} in {csp}"
                    );
                }
            }
        }

        page.click("update-card").await;
        page.widget("card-form").await;
        provider.enter_card(&page, "5555 5555 5555 4444").await;
        page.wait_text("card-label", "4444").await;
        page.wait_text("notice", "saved").await;
        let violations = page.script("return window.cspViolations;").await;
        assert_eq!(violations, json!([]), "{csp}");
        match &stack.stripe {
            Some(peer) => {
                let held = peer.get(&format!("/v1/customers/{customer}")).await;
                let card = text(&held["invoice_settings"], "default_payment_method");
                let card = peer.get(&format!("/v1/payment_methods/{card}")).await;
                assert_eq!(card["card"]["last4"], "4444", "{card}");
            }
            None => {
                let held = stack
                    .rows(&format!(
                        "SELECT pm.last4 FROM customers c JOIN payment_methods pm \
                         ON pm.id = c.default_payment_method WHERE c.id = '{customer}'"
                    ))
                    .await;
                assert_eq!(held, vec![vec!["4444".to_owned()]]);
            }
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hosted_card_update_engine() {
    hosted_card_update(Provider::Local).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hosted_card_update_stripe() {
    hosted_card_update(Provider::Stripe).await;
}
