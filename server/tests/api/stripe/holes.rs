//! Two holes of the Stripe provider, proved against localstripe: an invoice's
//! detail and PDF are read from Stripe (not only from Portico's own database),
//! and the billing details a customer edits reach the Stripe customer and are
//! read back from it; the admin API reads Stripe's invoices too.

use super::peer::{StripeApp, spawn_stripe_app};
use super::{ok, session, signed_up};
use crate::helpers::error_of;
use serde_json::{Value, json};

/// The invoice listed with `id` in `invoices`.
fn listed<'a>(invoices: &'a Value, id: &str) -> &'a Value {
    invoices
        .as_array()
        .expect("the invoices are a list")
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} is not listed: {invoices}"))
}

/// A customer with a card at Stripe, signed up to Basic: the session token and
/// the signup's invoice as `/v1/embed/invoices` lists it.
async fn customer_with_invoice(s: &StripeApp, email: &str) -> (String, Value) {
    s.peer.customer_with_card(email, "4242424242424242").await;
    let token = session(s, email).await;
    let signed = signed_up(s, &token, json!({"plan": "basic"})).await;
    let id = signed["invoice"]["id"]
        .as_str()
        .expect("the signup has an invoice");
    let invoices = s.app.get_json("/v1/embed/invoices", &token).await;
    let invoice = listed(&invoices, id).clone();
    assert_eq!(invoice["subscription"], signed["subscription"]["id"]);
    (token, invoice)
}

#[tokio::test]
async fn an_invoice_s_detail_and_pdf_are_read_from_stripe() {
    let s = spawn_stripe_app().await;
    let (token, invoice) = customer_with_invoice(&s, "detail@example.com").await;
    let id = invoice["id"].as_str().unwrap();
    assert!(id.starts_with("in_"), "a Stripe invoice id: {id}");

    let detail = ok(
        s.app
            .session_get(&format!("/v1/embed/invoices/{id}"), &token)
            .await,
        200,
    )
    .await;
    assert_eq!(detail["id"], invoice["id"], "{detail}");
    assert_eq!(detail["subscription"], invoice["subscription"], "{detail}");
    assert_eq!(detail["total"], invoice["total"], "{detail}");
    assert_eq!(detail["customer"], invoice["customer"], "{detail}");

    // localstripe's invoices carry no `invoice_pdf`: Portico renders its own.
    let response = s
        .app
        .session_get(&format!("/v1/embed/invoices/{id}/pdf"), &token)
        .await;
    let status = response.status();
    let headers = response.headers().clone();
    let pdf = response.bytes().await.unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(
        pdf.starts_with(b"%PDF"),
        "not a PDF: {}",
        String::from_utf8_lossy(&pdf[..pdf.len().min(200)])
    );
}

#[tokio::test]
async fn another_customer_gets_no_stripe_invoice_detail_or_pdf() {
    let s = spawn_stripe_app().await;
    let (ada, adas) = customer_with_invoice(&s, "ada-invoice@example.com").await;
    let (bob, _) = customer_with_invoice(&s, "bob-invoice@example.com").await;
    let id = adas["id"].as_str().unwrap();
    for path in [
        format!("/v1/embed/invoices/{id}"),
        format!("/v1/embed/invoices/{id}/pdf"),
    ] {
        // Its own customer gets it, so the refusal below is about the customer.
        let own = s.app.session_get(&path, &ada).await;
        assert_eq!(own.status(), 200, "{path} for its customer");
        let response = s.app.session_get(&path, &bob).await;
        assert_eq!(
            error_of(response, 404).await.0,
            "invoice_not_found",
            "{path}"
        );
    }
}

#[tokio::test]
async fn billing_details_are_written_to_the_stripe_customer_and_read_back() {
    let s = spawn_stripe_app().await;
    let customer = s
        .peer
        .customer_with_card("details@example.com", "4242424242424242")
        .await;
    s.app
        .configure_default(json!({"features": {"customer_update": {
            "enabled": true,
            "allowed_updates": ["name", "email", "address", "tax_id"],
        }}}))
        .await;
    // By Stripe id: the email is one of the details edited, so it cannot be the
    // session's identity.
    let token = s
        .app
        .session(json!({"service": "acme", "customer_id": customer}))
        .await;
    let update = json!({
        "name": "Ada Lovelace",
        "email": "billing@example.com",
        "address": {"line1": "1 Main St", "city": "Berlin", "postal_code": "10115", "country": "DE"},
        "tax_id": {"type": "eu_vat", "value": "DE123456789"},
    });
    let answer = ok(
        s.app
            .post_json("/v1/embed/customer", Some(&token), update)
            .await,
        200,
    )
    .await;
    assert_eq!(answer["name"], "Ada Lovelace", "{answer}");
    assert_eq!(answer["email"], "billing@example.com", "{answer}");
    assert_eq!(answer["address"]["line1"], "1 Main St", "{answer}");
    assert_eq!(answer["address"]["country"], "DE", "{answer}");
    assert_eq!(answer["tax_id"]["type"], "eu_vat", "{answer}");
    assert_eq!(answer["tax_id"]["value"], "DE123456789", "{answer}");

    // Stripe's own customer holds them.
    let at_stripe = s.peer.get(&format!("/v1/customers/{customer}")).await;
    assert_eq!(at_stripe["name"], "Ada Lovelace", "{at_stripe}");
    assert_eq!(at_stripe["email"], "billing@example.com", "{at_stripe}");
    assert_eq!(at_stripe["address"]["line1"], "1 Main St", "{at_stripe}");
    assert_eq!(at_stripe["address"]["city"], "Berlin", "{at_stripe}");
    assert_eq!(at_stripe["address"]["postal_code"], "10115", "{at_stripe}");
    assert_eq!(at_stripe["address"]["country"], "DE", "{at_stripe}");
    let tax_ids = s
        .peer
        .get(&format!("/v1/customers/{customer}/tax_ids"))
        .await;
    let tax_ids = tax_ids["data"].as_array().expect("a list of tax ids");
    assert!(
        tax_ids
            .iter()
            .any(|t| t["type"] == "eu_vat" && t["value"] == "DE123456789"),
        "{tax_ids:?}"
    );

    // Portico answered with the Stripe customer, not a record of its own.
    assert_eq!(answer["id"], customer, "{answer}");

    // The portal reads them back from Stripe.
    let portal = ok(s.app.get_portal(&token).await, 200).await;
    let shown = &portal["customer"];
    assert_eq!(shown["id"], customer, "{portal}");
    assert_eq!(shown["name"], "Ada Lovelace", "{shown}");
    assert_eq!(shown["email"], "billing@example.com", "{shown}");
    assert_eq!(shown["address"]["line1"], "1 Main St", "{shown}");
    assert_eq!(shown["address"]["city"], "Berlin", "{shown}");
    assert_eq!(shown["address"]["postal_code"], "10115", "{shown}");
    assert_eq!(shown["address"]["country"], "DE", "{shown}");
    assert_eq!(shown["tax_id"]["type"], "eu_vat", "{shown}");
    assert_eq!(shown["tax_id"]["value"], "DE123456789", "{shown}");

    // A tax id Stripe refuses leaves every detail as it was (the new one is
    // added before anything else is written).
    let refused = s
        .app
        .post_json(
            "/v1/embed/customer",
            Some(&token),
            json!({"name": "Someone Else", "tax_id": {"type": "eu_vat", "value": "DE1"}}),
        )
        .await;
    assert_eq!(refused.status(), 400);
    let at_stripe = s.peer.get(&format!("/v1/customers/{customer}")).await;
    assert_eq!(at_stripe["name"], "Ada Lovelace", "{at_stripe}");
    let tax_ids = s
        .peer
        .get(&format!("/v1/customers/{customer}/tax_ids"))
        .await;
    assert_eq!(
        tax_ids["data"].as_array().map(Vec::len),
        Some(1),
        "{tax_ids}"
    );
    assert_eq!(tax_ids["data"][0]["value"], "DE123456789", "{tax_ids}");

    // An empty email clears it at Stripe, as on the built-in engine.
    let cleared = ok(
        s.app
            .post_json("/v1/embed/customer", Some(&token), json!({"email": ""}))
            .await,
        200,
    )
    .await;
    assert!(
        cleared["email"].as_str().unwrap_or_default().is_empty(),
        "{cleared}"
    );
}

#[tokio::test]
async fn the_admin_api_reads_an_invoice_and_its_pdf_from_stripe() {
    let s = spawn_stripe_app().await;
    let (_, invoice) = customer_with_invoice(&s, "admin@example.com").await;
    let id = invoice["id"].as_str().unwrap();
    let key = crate::helpers::TEST_KEY;
    let retrieved = s
        .app
        .admin(
            key,
            reqwest::Method::GET,
            &format!("/v1/invoices/{id}"),
            None,
        )
        .await;
    let retrieved = ok(retrieved, 200).await;
    assert_eq!(retrieved["id"], invoice["id"]);
    assert_eq!(retrieved["total"], invoice["total"]);
    let pdf = s
        .app
        .admin(
            key,
            reqwest::Method::GET,
            &format!("/v1/invoices/{id}/pdf"),
            None,
        )
        .await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));
    let missing = s
        .app
        .admin(key, reqwest::Method::GET, "/v1/invoices/in_nothing", None)
        .await;
    assert_eq!(error_of(missing, 404).await.0, "resource_missing");
}
