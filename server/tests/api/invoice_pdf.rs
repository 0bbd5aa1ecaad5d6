//! Invoice PDFs: downloaded through the portal session (only the customer's own)
//! and through the admin API with a secret key; read back with poppler's `pdftotext`.

use crate::helpers::{LIVE_KEY, TEST_KEY, TestApp, error_of, spawn_app};
use serde_json::{Value, json};

/// A session of `email`'s customer, subscribed to `seats` for 3 users with a card:
/// its first invoice, paid: 1 × App at 20.00 and 3 × Users at 5.00, 35.00 in all (a
/// total no single line has, so finding it shows the totals were printed).
async fn customer_with_invoice(app: &TestApp, email: &str) -> (String, Value) {
    let token = app
        .session(json!({"service": "golden", "email": email}))
        .await;
    let card = json!({"number": "4242424242424242", "exp_month": 1, "exp_year": 40, "cvc": "123"});
    let response = app
        .post_json("/v1/embed/payment_methods", Some(&token), card)
        .await;
    assert_eq!(response.status(), 201);
    let response = app
        .post_json(
            "/v1/embed/subscriptions",
            Some(&token),
            json!({"plan": "seats", "quantity": {"user": 3}}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    (token, created["invoice"].clone())
}

/// The totals of the paid 35.00 invoice, as printed: each label with its amount.
const TOTALS: [&str; 5] = [
    "Subtotal USD 35.00",
    "Total USD 35.00",
    "Amount due USD 35.00",
    "Amount paid USD 35.00",
    "Amount remaining USD 0.00",
];

/// The text poppler's `pdftotext -layout` reads from `pdf`, each printed row on one
/// line with its runs of spaces made one, so a label and its amount read
/// `Total USD 35.00`.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("invoice.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `pdftotext` ({e}): `cargo xtask setup` installs poppler-utils")
        });
    assert!(output.status.success(), "pdftotext failed: {output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts that `text` has each of `rows` as a line of its own.
fn assert_rows(text: &str, rows: &[&str]) {
    let lines: Vec<&str> = text.lines().collect();
    for row in rows {
        assert!(lines.contains(row), "no line `{row}` in:\n{text}");
    }
}

#[tokio::test]
async fn the_portal_downloads_its_invoice_as_a_pdf() {
    let app = spawn_app().await;
    let (token, invoice) = customer_with_invoice(&app, "ada@example.com").await;
    let id = invoice["id"].as_str().unwrap();
    let number = invoice["number"].as_str().unwrap();
    let path = format!("/v1/embed/invoices/{id}/pdf");
    assert_eq!(invoice["invoice_pdf"], path.as_str());

    let response = app.session_get(&path, &token).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"{number}.pdf\"").as_str()
    );
    assert_eq!(headers["cache-control"], "private, no-store");
    let pdf = response.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    assert!(text.contains(number), "{number} missing from:\n{text}");
    assert_rows(&text, &TOTALS);
    assert_rows(&text, &["1 × App 1 USD 20.00", "3 × Users 3 USD 15.00"]);
    assert!(text.contains("ada@example.com"), "{text}");
}

#[tokio::test]
async fn a_session_gets_no_other_customers_invoice_pdf() {
    let app = spawn_app().await;
    let (_, adas) = customer_with_invoice(&app, "ada@example.com").await;
    let (bob, _) = customer_with_invoice(&app, "bob@example.com").await;
    let path = format!("/v1/embed/invoices/{}/pdf", adas["id"].as_str().unwrap());
    let response = app.session_get(&path, &bob).await;
    assert_eq!(error_of(response, 404).await.0, "invoice_not_found");

    let unauthenticated = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(error_of(unauthenticated, 401).await.0, "session_expired");
}

#[tokio::test]
async fn the_admin_api_serves_the_invoice_and_its_pdf_with_the_secret_key() {
    let app = spawn_app().await;
    let (_, invoice) = customer_with_invoice(&app, "ada@example.com").await;
    let id = invoice["id"].as_str().unwrap();
    let pdf_path = format!("/v1/invoices/{id}/pdf");

    let response = app
        .admin(TEST_KEY, reqwest::Method::GET, &pdf_path, None)
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let text = pdf_text(&response.bytes().await.unwrap());
    assert!(text.contains(invoice["number"].as_str().unwrap()), "{text}");
    assert_rows(&text, &TOTALS);

    let json: Value = app
        .admin(
            TEST_KEY,
            reqwest::Method::GET,
            &format!("/v1/invoices/{id}"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json, invoice);

    let anonymous = app.client.get(app.url(&pdf_path)).send().await.unwrap();
    assert_eq!(error_of(anonymous, 401).await.0, "invalid_api_key");

    let unknown = app
        .admin(
            TEST_KEY,
            reqwest::Method::GET,
            "/v1/invoices/in_nope/pdf",
            None,
        )
        .await;
    assert_eq!(
        error_of(unknown, 404).await,
        ("resource_missing".to_owned(), Some("id".to_owned()))
    );

    // A live key does not reach a test invoice, nor learns that it exists.
    let other_mode = app
        .admin(LIVE_KEY, reqwest::Method::GET, &pdf_path, None)
        .await;
    assert_eq!(other_mode.status(), 404);
    let body: Value = other_mode.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("No such invoice: '") && !message.contains("mode"),
        "{message}"
    );
}
