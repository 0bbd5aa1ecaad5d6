//! A new card → billing details, read back after a reload → the invoice list, an
//! invoice's lines and its PDF.

use super::{SHADOW, journey, portal_url, sign_up, text};
use portico_e2e::figures::{medium_date, today};
use portico_e2e::provider::Provider;
use portico_e2e::{Page, Stack};
use serde_json::{Value, json};

/// The invoices list as the customer reads it, one `[date, number, status, amount]`
/// per row.
const INVOICE_ROWS: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=invoice-row]')]
        .map(row => [...row.cells].slice(0, 4).map(cell => cell.textContent));";

/// The open invoice's lines and total, as `[description, amount]` pairs.
const DETAIL_LINES: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=invoice-detail] table.portico-lines tr')]
        .map(row => [...row.cells].map(cell => cell.textContent));";

/// The billing details form's fields, as the customer finds them filled in.
async fn details_form(page: &Page) -> Value {
    page.widget("details-form").await;
    page.script(&format!(
        "const field = id => {SHADOW}.querySelector(`[data-testid=${{id}}]`)?.value ?? null;
         return ['details-name', 'details-line1', 'details-city', 'details-postal-code',
                 'details-country', 'details-tax-type', 'details-tax-id'].map(field);"
    ))
    .await
}

/// The customer's billing details as the provider holds them: name, address, tax id.
async fn held_details(provider: Provider, stack: &Stack, customer: &str) -> Value {
    match provider {
        Provider::Local => {
            let rows = stack
                .rows(&format!(
                    "SELECT name FROM customers WHERE id = '{customer}'"
                ))
                .await;
            json!({"name": rows[0][0]})
        }
        Provider::Stripe => {
            let peer = stack.stripe.as_ref().expect("a Stripe stack");
            let held = peer.get(&format!("/v1/customers/{customer}")).await;
            let tax_ids = peer.get(&format!("/v1/customers/{customer}/tax_ids")).await;
            json!({"name": held["name"], "country": held["address"]["country"],
                   "tax_id": [tax_ids["data"][0]["type"], tax_ids["data"][0]["value"]]})
        }
    }
}

/// The last4 of the customer's default card, as the provider holds it.
async fn default_card(provider: Provider, stack: &Stack, customer: &str) -> String {
    match provider {
        Provider::Local => stack
            .rows(&format!(
                "SELECT pm.last4 FROM customers c JOIN payment_methods pm \
                 ON pm.id = c.default_payment_method WHERE c.id = '{customer}'"
            ))
            .await[0][0]
            .clone(),
        Provider::Stripe => {
            let peer = stack.stripe.as_ref().expect("a Stripe stack");
            let held = peer.get(&format!("/v1/customers/{customer}")).await;
            let card = text(&held["invoice_settings"], "default_payment_method");
            let card = peer.get(&format!("/v1/payment_methods/{card}")).await;
            text(&card["card"], "last4")
        }
    }
}

/// Clicks the open invoice's PDF download, which fetches the PDF with the session
/// and hands it to the browser as a Blob through a temporary `<a download>`; the
/// page records both instead of saving a file. Returns what was downloaded.
async fn download_pdf(page: &Page) -> Value {
    page.script(
        "window.pdfDownloads = [];
         const create = URL.createObjectURL;
         URL.createObjectURL = blob => {
             const url = create.call(URL, blob);
             window.pdfDownloads.push({ blob, url });
             return url;
         };
         HTMLAnchorElement.prototype.click = function () {
             const last = window.pdfDownloads[window.pdfDownloads.length - 1];
             if (last) { last.download = this.getAttribute('download'); last.href = this.href; }
         };
         return true;",
    )
    .await;
    page.click("download-pdf").await;
    page.wait_script("return (window.pdfDownloads[0] || {}).download || null;")
        .await;
    page.script_async(
        "const done = arguments[arguments.length - 1];
         const d = window.pdfDownloads[0];
         d.blob.arrayBuffer().then(bytes => done({
             download: d.download, type: d.blob.type, size: d.blob.size,
             head: String.fromCharCode(...new Uint8Array(bytes.slice(0, 5))),
             blobUrl: d.href.startsWith('blob:') }));",
    )
    .await
}

async fn card_details_invoices(provider: Provider) {
    journey(
        "card_details_invoices",
        provider,
        |page, stack| async move {
            let email = "noor@example.com";
            let signup = sign_up(&page, &stack, provider, email).await;
            let customer = text(&signup, "customer");

            // A new card replaces the first as the default.
            page.click("update-card").await;
            page.widget("card-form").await;
            provider.enter_card(&page, "5555 5555 5555 4444").await;
            let second = page
            .wait_script(
                "return (window.porticoEvents || []).filter(e => e.event === 'card_update')[1];",
            )
            .await;
            assert_eq!(second["response"]["card"]["last4"], "4444", "{second}");
            page.wait_text("card-label", "4444").await;
            assert_eq!(default_card(provider, &stack, &customer).await, "4444");

            // Billing details: the email stays (on Stripe a portal opened by email
            // cannot change it).
            page.click("edit-details").await;
            page.type_into("details-name", "Noor Haddad").await;
            page.type_into("details-line1", "Unter den Linden 5").await;
            page.type_into("details-city", "Berlin").await;
            page.type_into("details-postal-code", "10117").await;
            page.type_into("details-country", "de").await;
            page.widget("details-tax-type")
                .await
                .select_by_value("eu_vat")
                .await
                .expect("choose the tax id type");
            page.type_into("details-tax-id", "DE123456789").await;
            page.click("save-details").await;
            let update = page.event("customer_update").await;
            let saved = &update["response"];
            assert_eq!(saved["name"], "Noor Haddad", "{update}");
            assert_eq!(saved["email"], email, "{update}");
            // The fields typed in (left empty, `line2` and `state` are null on the
            // engine, "" on localstripe).
            let address: Vec<&Value> = ["line1", "city", "postal_code", "country"]
                .iter()
                .map(|field| &saved["address"][field])
                .collect();
            assert_eq!(
                address,
                [
                    &json!("Unter den Linden 5"),
                    &json!("Berlin"),
                    &json!("10117"),
                    &json!("DE")
                ],
                "{update}"
            );
            assert_eq!(
                saved["tax_id"],
                json!({"type": "eu_vat", "value": "DE123456789"})
            );
            let held = held_details(provider, &stack, &customer).await;
            assert_eq!(held["name"], "Noor Haddad", "{held}");
            if provider == Provider::Stripe {
                assert_eq!(held["country"], "DE", "{held}");
                assert_eq!(held["tax_id"], json!(["eu_vat", "DE123456789"]), "{held}");
            }

            // Shown again after a reload.
            page.goto(&portal_url(&stack, email, "")).await;
            page.wait_text("details-summary", "Noor Haddad").await;
            page.click("edit-details").await;
            assert_eq!(
                details_form(&page).await,
                json!([
                    "Noor Haddad",
                    "Unter den Linden 5",
                    "Berlin",
                    "10117",
                    "DE",
                    "eu_vat",
                    "DE123456789"
                ])
            );

            // The invoices: the signup's, paid; its lines; its PDF.
            page.click("tab-invoices").await;
            page.widget("invoices").await;
            assert_eq!(page.widget_text("invoices-shown").await, "1 of 1 invoices");
            let rows = page.script(INVOICE_ROWS).await;
            let number = rows[0][1].as_str().unwrap_or_default().to_owned();
            let price = provider.first_price();
            assert_eq!(rows, json!([[medium_date(today()), number, "Paid", price]]));
            page.click("invoice-number").await;
            page.widget("invoice-detail").await;
            let lines = page.script(DETAIL_LINES).await;
            let lines = lines.as_array().expect("lines");
            assert_eq!(
                lines.last(),
                Some(&json!(["Amount due", price])),
                "{lines:?}"
            );
            assert_eq!(lines.len(), 2, "one line and the total: {lines:?}");
            match provider {
                Provider::Local => {
                    assert!(number.starts_with("INV-"), "{number}");
                    let download = download_pdf(&page).await;
                    assert_eq!(download["download"], format!("{number}.pdf"), "{download}");
                    assert_eq!(download["type"], "application/pdf", "{download}");
                    assert_eq!(download["head"], "%PDF-", "{download}");
                    assert_eq!(download["blobUrl"], true, "{download}");
                    assert!(
                        download["size"].as_u64().unwrap_or_default() > 500,
                        "{download}"
                    );
                }
                Provider::Stripe => {
                    // localstripe's invoices have no `number` and no `invoice_pdf`
                    // (README, the test peer): the row names no number, and the
                    // download is the PDF Portico renders from Stripe's invoice.
                    assert_eq!(number, "Upcoming", "localstripe numbers no invoice");
                    let download = download_pdf(&page).await;
                    assert_eq!(download["type"], "application/pdf", "{download}");
                    assert_eq!(download["head"], "%PDF-", "{download}");
                    assert!(
                        download["size"].as_u64().unwrap_or_default() > 500,
                        "{download}"
                    );
                }
            }
            assert_eq!(page.events_named("error").await, Vec::<Value>::new());
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn card_details_invoices_engine() {
    card_details_invoices(Provider::Local).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn card_details_invoices_stripe() {
    card_details_invoices(Provider::Stripe).await;
}
