//! Invoices (list, detail, PDF, and none of another customer's) and the billing
//! details a customer edits.

use super::{Backend, both};
use serde_json::{Value, json};

both!(invoices, billing_details);

async fn invoices(backend: Backend) {
    let h = backend.spawn().await;
    let (ada, _, signed) = h.signed_up("ada-invoices@example.com").await;
    let (bob, _, _) = h.signed_up("bob-invoices@example.com").await;
    let id = signed["invoice"]["id"].as_str().unwrap().to_owned();

    let list = h.app.get_json("/v1/embed/invoices", &ada).await;
    let list = list.as_array().expect("a list of invoices");
    assert_eq!(list.len(), 1, "{list:?}");
    let listed = &list[0];
    assert_eq!(listed["id"], id.as_str(), "{listed}");
    assert_eq!(listed["total"], signed["invoice"]["total"], "{listed}");
    assert_eq!(listed["status"], "paid", "{listed}");

    let path = format!("/v1/embed/invoices/{id}");
    let response = h.app.session_get(&path, &ada).await;
    let detail = h.answer(response, 200, "the invoice's detail").await;
    for field in ["id", "total", "status", "customer", "subscription"] {
        assert_eq!(detail[field], listed[field], "{field}: {detail}");
    }

    let response = h.app.session_get(&format!("{path}/pdf"), &ada).await;
    let status = response.status();
    let content_type = response.headers()["content-type"].clone();
    let pdf = response.bytes().await.unwrap();
    assert_eq!(
        status,
        200,
        "{backend:?}: {}",
        String::from_utf8_lossy(&pdf)
    );
    assert_eq!(content_type, "application/pdf");
    assert!(pdf.starts_with(b"%PDF"), "{backend:?}: not a PDF");

    // Bob sees his own invoice only, and neither the detail nor the PDF of Ada's.
    let bobs = h.app.get_json("/v1/embed/invoices", &bob).await;
    let bobs = bobs.as_array().unwrap();
    assert_eq!(bobs.len(), 1, "{bobs:?}");
    assert_ne!(bobs[0]["id"], id.as_str());
    for path in [path.clone(), format!("{path}/pdf")] {
        let response = h.app.session_get(&path, &bob).await;
        let (code, _) = h.refusal(response, 404, &path).await;
        assert_eq!(code, "invoice_not_found", "{path}");
    }
}

const EMAIL: &str = "details@example.com";

/// What a customer changes: every detail but the email.
fn details() -> Value {
    json!({
        "name": "Ada Lovelace",
        "address": {"line1": "1 Main St", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "tax_id": {"type": "eu_vat", "value": "DE123456789"},
    })
}

/// The same, with a new email.
fn with_email() -> Value {
    let mut update = details();
    update["email"] = json!("billing@example.com");
    update
}

/// A customer as the portal or `/v1/embed/customer` shows it, with [`with_email`].
fn assert_shows(customer: &Value) {
    assert_eq!(customer["name"], "Ada Lovelace", "{customer}");
    assert_eq!(customer["email"], "billing@example.com", "{customer}");
    assert_eq!(customer["address"]["line1"], "1 Main St", "{customer}");
    assert_eq!(customer["address"]["city"], "Berlin", "{customer}");
    assert_eq!(customer["address"]["postal_code"], "10115", "{customer}");
    assert_eq!(customer["address"]["country"], "DE", "{customer}");
    assert_eq!(customer["tax_id"]["type"], "eu_vat", "{customer}");
    assert_eq!(customer["tax_id"]["value"], "DE123456789", "{customer}");
}

/// On the engine a portal opened by email may change the email. On Stripe it
/// may not (the customer is found by that email): refused, nothing written,
/// and the same change is made in a portal opened by the Stripe customer id.
async fn billing_details(backend: Backend) {
    let h = backend.spawn().await;
    let customer = h.customer_with_card(EMAIL).await;
    h.app
        .configure_default(json!({"features": {"customer_update": {
            "enabled": true,
            "allowed_updates": ["name", "email", "address", "tax_id"],
        }}}))
        .await;
    let by_email = h.session(EMAIL).await;

    let (token, update) = match backend {
        Backend::Engine => (by_email, with_email()),
        Backend::Stripe => {
            let response = h
                .app
                .post_json("/v1/embed/customer", Some(&by_email), with_email())
                .await;
            let refused = h.refusal(response, 400, "an email change by email").await;
            assert_eq!(refused, (json!("provider_unsupported"), json!("email")));
            let shown = &h.portal(&by_email).await["customer"];
            assert_eq!(shown["email"], EMAIL, "nothing written: {shown}");
            assert!(shown["name"].is_null(), "nothing written: {shown}");

            // Every other detail may change by email.
            let answer = h
                .post(&by_email, "/v1/embed/customer", details(), 200)
                .await;
            assert_eq!(answer["name"], "Ada Lovelace", "{answer}");
            assert_eq!(answer["email"], EMAIL, "{answer}");
            let by_id = h
                .app
                .session(json!({"service": super::SERVICE, "customer_id": customer}))
                .await;
            (by_id, json!({"email": "billing@example.com"}))
        }
    };

    let answer = h.post(&token, "/v1/embed/customer", update, 200).await;
    assert_eq!(answer["id"], customer, "{answer}");
    assert_shows(&answer);
    let portal = h.portal(&token).await;
    assert_eq!(portal["customer"]["id"], customer, "{portal}");
    assert_shows(&portal["customer"]);

    if let Some(peer) = &h.peer {
        let at_stripe = peer.get(&format!("/v1/customers/{customer}")).await;
        assert_eq!(at_stripe["name"], "Ada Lovelace", "{at_stripe}");
        assert_eq!(at_stripe["email"], "billing@example.com", "{at_stripe}");
        assert_eq!(at_stripe["address"]["city"], "Berlin", "{at_stripe}");
        let tax_ids = peer.get(&format!("/v1/customers/{customer}/tax_ids")).await;
        assert!(
            tax_ids["data"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["type"] == "eu_vat" && t["value"] == "DE123456789"),
            "{tax_ids}"
        );
    }
}
