//! Prepaid credits end to end: the `subscriber` preset's wallet (filled before the
//! signup, so credits paid part of the first invoice), its transactions, the
//! invoice's share paid from credits, the invoice PDF download, and axe-core on it.

use portico_e2e::{StackOptions, run};
use serde_json::{Value, json};

/// Each transaction row's cells, newest first.
const TRANSACTIONS: &str = "
    const root = document.getElementById('portico-embed').shadowRoot;
    return [...root.querySelectorAll('[data-testid=credit-transaction]')].map(row => {
        const cell = id => { const el = row.querySelector(`[data-testid=${id}]`); return el ? el.textContent : null; };
        return { type: cell('tx-type'), reason: cell('tx-reason'), credits: cell('tx-credits'),
                 amount: cell('tx-amount'), expires: cell('tx-expires'), priority: cell('tx-priority'),
                 invoice: cell('tx-invoice'), description: cell('tx-description') };
    });";

#[tokio::test(flavor = "multi_thread")]
async fn credits_show_the_wallet_and_the_invoice_they_paid_and_the_pdf_downloads() {
    run(
        "credits",
        StackOptions::default(),
        |page, stack| async move {
            stack.seed_preset("subscriber").await;
            page.goto(&stack.host_url("preset=subscriber&service=acme"))
                .await;

            // The summary: 125 of the 125 credits granted before the signup paid part of
            // the first invoice ($191.00); the 40 credits of the top-up are left.
            // The Overview tells the balance and leads to the Credits tab.
            assert_eq!(
                page.widget_text("wallet-balance-line").await,
                "40.00 credits\n$40.00"
            );
            page.click("view-credits").await;
            page.widget("credits").await;
            assert_eq!(page.widget_text("wallet-balance").await, "40.00 credits");
            assert_eq!(page.widget_text("wallet-value").await, "$40.00");
            assert_eq!(page.widget_text("wallet-status").await, "Active");
            assert_eq!(page.widget_text("wallet-rate").await, "1 credit = $1.00");

            let rows = page.script(TRANSACTIONS).await;
            let rows = rows.as_array().expect("rows");
            assert_eq!(rows.len(), 4, "{rows:?}");
            let cells = |row: &Value, keys: &[&str]| -> Vec<Value> {
                keys.iter().map(|k| row[*k].clone()).collect()
            };
            let keys = [
                "type",
                "reason",
                "credits",
                "amount",
                "priority",
                "description",
            ];
            assert_eq!(
                cells(&rows[0], &keys),
                cells(
                    &json!({ "type": "Credit", "reason": "Purchased", "credits": "+40.00",
                         "amount": "$40.00", "priority": "1", "description": "Top-up" }),
                    &keys
                )
            );
            assert_eq!(rows[0]["expires"], "Never");
            assert_eq!(
                cells(&rows[1], &keys[..5]),
                vec![
                    json!("Debit"),
                    json!("Invoice payment"),
                    json!("\u{2212}125.00"),
                    json!("-$125.00"),
                    json!("—"),
                ]
            );
            assert_eq!(rows[1]["expires"], "—");
            let paid_invoice = rows[1]["invoice"].as_str().unwrap().to_owned();
            assert!(paid_invoice.starts_with("in_"), "{paid_invoice}");
            assert_eq!(
                cells(&rows[2], &keys),
                cells(
                    &json!({ "type": "Credit", "reason": "Purchased", "credits": "+100.00",
                         "amount": "$100.00", "priority": "1", "description": "Credit pack" }),
                    &keys
                )
            );
            assert_eq!(
                cells(&rows[3], &keys),
                cells(
                    &json!({ "type": "Credit", "reason": "Promotional", "credits": "+25.00",
                         "amount": "$25.00", "priority": "0", "description": "Welcome offer" }),
                    &keys
                )
            );
            let expiry = rows[3]["expires"].as_str().unwrap();
            assert!(expiry != "Never" && expiry != "—", "{expiry}");

            // The invoice says what credits paid; once the invoices are loaded, the debit
            // names its invoice by number.
            page.click("tab-invoices").await;
            let number = page.widget_text("invoice-number").await;
            assert!(number.starts_with("INV-"), "{number}");
            page.click("invoice-number").await;
            let paid = page.widget_text("paid-from-credits").await;
            assert!(
                paid.contains("Paid from credits") && paid.contains("$125.00"),
                "{paid}"
            );
            page.click("tab-credits").await;
            page.widget("credit-transactions").await;
            let rows = page.script(TRANSACTIONS).await;
            assert_eq!(rows[1]["invoice"], number.as_str(), "{rows}");
            assert_eq!(
                stack
                    .rows(&format!(
                        "SELECT COUNT(*) FROM invoices WHERE id = '{paid_invoice}'"
                    ))
                    .await,
                vec![vec!["1".to_owned()]]
            );

            let violations = page.axe_violations().await;
            assert!(violations.is_empty(), "axe on credits: {violations:?}");

            // The PDF: fetched with the session, handed to the browser as a Blob through
            // a temporary `<a download>`. The page records both instead of saving a file.
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
            page.click("tab-invoices").await;
            page.click("invoice-number").await;
            page.click("download-pdf").await;
            page.wait_script("return (window.pdfDownloads[0] || {}).download || null;")
                .await;
            let download = page
                .script_async(
                    "const done = arguments[arguments.length - 1];
                 const d = window.pdfDownloads[0];
                 d.blob.arrayBuffer().then(bytes => done({
                     download: d.download, type: d.blob.type, size: d.blob.size,
                     head: String.fromCharCode(...new Uint8Array(bytes.slice(0, 5))),
                     blobUrl: d.href.startsWith('blob:') }));",
                )
                .await;
            assert_eq!(download["download"], format!("{number}.pdf"), "{download}");
            assert_eq!(download["type"], "application/pdf", "{download}");
            assert_eq!(download["head"], "%PDF-", "{download}");
            assert_eq!(download["blobUrl"], true, "{download}");
            assert!(download["size"].as_u64().unwrap() > 500, "{download}");
            // What the customer saved reads back, with poppler's pdftotext, as this
            // invoice: its number and its total.
            let bytes = page
                .script_async(
                    "const done = arguments[arguments.length - 1];
                 window.pdfDownloads[0].blob.arrayBuffer().then(b => done([...new Uint8Array(b)]));",
                )
                .await;
            let bytes: Vec<u8> = bytes
                .as_array()
                .expect("bytes")
                .iter()
                .map(|b| u8::try_from(b.as_u64().unwrap()).unwrap())
                .collect();
            let file = std::env::temp_dir().join(format!("portico-e2e-{number}.pdf"));
            std::fs::write(&file, &bytes).unwrap();
            let text = std::process::Command::new("pdftotext")
                .arg(&file)
                .arg("-")
                .output()
                .expect("pdftotext runs (poppler-utils, installed by `cargo xtask setup`)");
            let _ = std::fs::remove_file(&file);
            let text = String::from_utf8_lossy(&text.stdout);
            assert!(text.contains(&number), "{text}");
            assert!(text.contains("191.00"), "{text}");
            assert_eq!(page.widget_text("download-pdf").await, "Download PDF");
            assert_eq!(page.events_named("error").await, Vec::<Value>::new());
            assert_eq!(page.host_errors().await, Vec::<Value>::new());

            // Dark mode keeps the credits readable.
            page.goto(&stack.host_url("preset=subscriber&service=acme&theme=dark"))
                .await;
            page.click("tab-credits").await;
            page.widget("credit-transactions").await;
            let violations = page.axe_violations().await;
            assert!(violations.is_empty(), "axe on dark credits: {violations:?}");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_pdf_download_is_reported_inline_and_to_the_host() {
    run(
        "pdf_failure",
        StackOptions::default(),
        |page, stack| async move {
            stack.seed_preset("subscriber").await;
            page.goto(&stack.host_url("preset=subscriber&service=acme"))
                .await;
            // The Credits tab arrives with the wallets, after the portal, and moves
            // the Invoices tab: a click aimed before it lands on Credits.
            page.widget("tab-credits").await;
            page.click("tab-invoices").await;
            page.click("invoice-number").await;
            page.widget("download-pdf").await;
            // The backend goes away: the download fails as any other request does.
            page.script(
                "const real = window.fetch;
             window.fetch = (input, init) => String(input.url || input).includes('/pdf')
                 ? Promise.reject(new TypeError('Failed to fetch'))
                 : real(input, init);
             return true;",
            )
            .await;
            page.click("download-pdf").await;
            let error = page.event("error").await;
            assert_eq!(error["response"]["code"], "network_error", "{error}");
            let inline = page.widget("action-error").await;
            assert_eq!(
                inline
                    .attr("data-code")
                    .await
                    .expect("attribute")
                    .as_deref(),
                Some("network_error")
            );
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}
