//! A session opened with `subscription_id` neither acts on nor sees the
//! customer's other subscription. The customer has one canceled subscription
//! and the live one that replaced it; the session is scoped to the canceled one.

use super::{Backend, SERVICE, action, both, id_of};
use serde_json::{Value, json};

both!(a_scoped_session_cannot_touch_or_see_the_other_subscription);

fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap())
        .collect()
}

async fn a_scoped_session_cannot_touch_or_see_the_other_subscription(backend: Backend) {
    const EMAIL: &str = "scoped@example.com";
    let h = backend.spawn().await;
    let (token, _, first) = h.signed_up(EMAIL).await;
    let canceled = id_of(&first);
    let canceled_invoice = first["invoice"]["id"].as_str().unwrap().to_owned();
    h.app
        .configure_default(json!({"features": {"subscription_cancel": {
            "enabled": true, "mode": "immediately", "proration_behavior": "none"}}}))
        .await;
    h.post(&token, &action(&canceled, "cancel"), json!({}), 200)
        .await;
    let back = h
        .post(&token, &action(&canceled, "resubscribe"), json!({}), 201)
        .await;
    let live = id_of(&back);
    let live_invoice = back["invoice"]["id"].as_str().unwrap().to_owned();
    assert_ne!(live_invoice, canceled_invoice);

    let scoped = h
        .app
        .session(json!({"service": SERVICE, "email": EMAIL, "subscription_id": canceled}))
        .await;
    let portal = h.portal(&scoped).await;
    assert_eq!(
        ids(&portal["subscriptions"]),
        [canceled.as_str()],
        "{portal}"
    );
    let invoices = h.app.get_json("/v1/embed/invoices", &scoped).await;
    assert_eq!(ids(&invoices), [canceled_invoice.as_str()], "{invoices}");
    for path in [
        format!("/v1/embed/invoices/{live_invoice}"),
        format!("/v1/embed/invoices/{live_invoice}/pdf"),
    ] {
        let response = h.app.session_get(&path, &scoped).await;
        let (code, _) = h.refusal(response, 404, &path).await;
        assert_eq!(code, "invoice_not_found", "{path}");
    }

    for (what, body) in [
        ("preview", json!({"plan": h.plans[1]})),
        ("change", json!({"plan": h.plans[1]})),
        ("cancel", json!({})),
        ("resume", json!({})),
    ] {
        let response = h
            .app
            .post_json(&action(&live, what), Some(&scoped), body)
            .await;
        let (code, _) = h.refusal(response, 404, what).await;
        assert_eq!(code, "subscription_not_found", "{what}");
    }

    // The refused requests left the live subscription as it was.
    let listed = h.listed(&token, &live).await;
    assert_eq!(listed["plan"], h.plans[0], "{listed}");
    assert_eq!(listed["status"], "active", "{listed}");
    assert_eq!(listed["cancel_at_period_end"], false, "{listed}");
    if let Some(at_stripe) = h.at_stripe(&live).await {
        assert_eq!(at_stripe["status"], "active", "{at_stripe}");
        assert_eq!(
            at_stripe["items"]["data"][0]["plan"]["id"], h.plans[0],
            "{at_stripe}"
        );
    }
}
