//! The hosted portal with the Stripe provider: a portal session for a Stripe
//! customer (`cus_…`), with a flow naming their Stripe subscription, opens a
//! page whose widget session acts on Stripe, and whose CSP admits Stripe.js.
//! Before the provider interface, both the session's creation and its opening
//! looked the customer up in SQLite and answered 404 / 500.

use super::peer::spawn_stripe_app;
use super::{ok, session, signed_up};
use crate::helpers::TEST_KEY;
use serde_json::json;

#[tokio::test]
async fn a_hosted_portal_session_for_a_stripe_customer_opens_and_acts_on_stripe() {
    let s = spawn_stripe_app().await;
    let customer = s
        .peer
        .customer_with_card("hosted@example.com", "4242424242424242")
        .await;
    let token = session(&s, "hosted@example.com").await;
    let signed = signed_up(&s, &token, json!({"plan": "basic"})).await;
    let sub = signed["subscription"]["id"].as_str().unwrap().to_owned();

    let created = s
        .app
        .admin(
            TEST_KEY,
            reqwest::Method::POST,
            "/v1/billing_portal/sessions",
            Some(json!({
                "customer": customer,
                "return_url": "https://app.example.com/account",
                "flow_data": {"type": "subscription_cancel", "subscription_cancel": {"subscription": sub}},
            })),
        )
        .await;
    let created = ok(created, 200).await;
    assert_eq!(created["customer"], customer.as_str());
    assert_eq!(created["flow"]["subscription_cancel"]["subscription"], sub);

    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let opened = browser
        .get(created["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 200);
    let cookie = opened.headers()["set-cookie"].to_str().unwrap().to_owned();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let page = browser
        .get(s.app.url("/p/portal"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let stripe_js = s.peer.base.trim_end_matches('/');
    assert!(
        csp.contains(&format!("script-src 'self' {stripe_js}"))
            && csp.contains(&format!("connect-src 'self' {stripe_js}"))
            && csp.contains(&format!("frame-src {stripe_js}")),
        "{csp}"
    );

    // The page's session is the Stripe customer's: its portal is Stripe's, with the flow.
    let widget = cookie.trim_start_matches("portico_portal=");
    let portal = s.app.get_json("/v1/embed/portal", widget).await;
    assert_eq!(portal["flow"]["type"], "subscription_cancel");
    assert_eq!(portal["customer"]["id"], customer.as_str());
    assert_eq!(portal["subscriptions"][0]["id"], sub);
    assert_eq!(portal["card_entry"]["kind"], "stripe_js");
}

#[tokio::test]
async fn a_flexprice_token_for_a_stripe_customer_opens_a_read_only_portal() {
    let s = spawn_stripe_app().await;
    let customer = s
        .peer
        .customer_with_card("token@example.com", "4242424242424242")
        .await;
    let token = session(&s, "token@example.com").await;
    signed_up(&s, &token, json!({"plan": "basic"})).await;
    let issued = s
        .app
        .admin(
            TEST_KEY,
            reqwest::Method::GET,
            &format!("/v1/customers/portal/{customer}"),
            None,
        )
        .await;
    let issued = ok(issued, 200).await;
    let portal = s
        .app
        .get_json("/v1/embed/portal", issued["token"].as_str().unwrap())
        .await;
    assert_eq!(portal["read_only"], true);
    assert_eq!(portal["subscriptions"][0]["plan"], "basic");
}
