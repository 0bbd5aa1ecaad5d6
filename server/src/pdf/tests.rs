use super::*;
use portico_wire::customer::{Address, TaxId};
use portico_wire::ids::{CustomerId, InvoiceId};
use portico_wire::invoice::{BillingReason, LinePeriod};

const NOV_2: i64 = 1_793_577_600; // 2 Nov 2026 00:00 UTC
const DEC_2: i64 = NOV_2 + 30 * 86_400;

fn usd() -> Currency {
    Currency::parse("usd").unwrap()
}

fn line(description: &str, amount: i64) -> InvoiceLine {
    InvoiceLine {
        description: description.to_owned(),
        product: "prod_team".to_owned(),
        quantity: 3,
        amount,
        proration: false,
        period: LinePeriod {
            start: NOV_2,
            end: DEC_2,
        },
    }
}

fn document(lines: Vec<InvoiceLine>) -> InvoiceDocument {
    let subtotal = lines.iter().map(|l| l.amount).sum();
    InvoiceDocument {
        seller: Seller {
            name: "acme".to_owned(),
            headline: Some("Acme Analytics GmbH, Berlin".to_owned()),
        },
        customer: Customer {
            id: CustomerId::from_suffix("Ab12"),
            object: "customer".to_owned(),
            email: Some("ada@example.com".to_owned()),
            external_id: None,
            name: Some("Ada Lovelace".to_owned()),
            address: Some(Address {
                line1: Some("Hauptstraße 1".to_owned()),
                line2: None,
                city: Some("Berlin".to_owned()),
                state: None,
                postal_code: Some("10115".to_owned()),
                country: Some("DE".to_owned()),
            }),
            tax_id: Some(TaxId {
                kind: "eu_vat".to_owned(),
                value: "DE123456789".to_owned(),
            }),
            created: NOV_2,
            livemode: false,
        },
        invoice: Invoice {
            id: Some(InvoiceId::from_suffix("Cd34")),
            object: "invoice".to_owned(),
            number: Some("INV-202611-00042".to_owned()),
            customer: CustomerId::from_suffix("Ab12"),
            subscription: None,
            status: InvoiceStatus::Paid,
            billing_reason: BillingReason::SubscriptionCreate,
            currency: usd(),
            lines,
            subtotal,
            total: subtotal,
            starting_balance: 0,
            ending_balance: 0,
            amount_due: subtotal,
            amount_paid: subtotal,
            amount_paid_from_wallet: 0,
            amount_remaining: 0,
            attempt_count: 1,
            next_payment_attempt: None,
            last_payment_error: None,
            period_start: NOV_2,
            period_end: DEC_2,
            created: NOV_2,
            paid_at: Some(NOV_2),
            livemode: false,
            invoice_pdf: None,
            hosted_invoice_url: None,
        },
    }
}

/// The text poppler's `pdftotext` reads from `pdf`, in reading order.
fn extracted_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("invoice.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `pdftotext` ({e}): `cargo xtask setup` installs poppler-utils")
        });
    assert!(output.status.success(), "pdftotext failed: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn dates_are_day_month_year_in_utc() {
    assert_eq!(date(NOV_2), "2 Nov 2026");
    assert_eq!(date(NOV_2 - 1), "1 Nov 2026");
}

#[test]
fn output_is_a_pdf() {
    let pdf = invoice_pdf(&document(vec![line("3 × Team (at $7.00 / month)", 2100)]));
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.ends_with(b"%%EOF") || pdf.ends_with(b"%%EOF\n"));
}

#[test]
fn the_text_holds_the_number_the_total_a_line_and_the_customer() {
    let pdf = invoice_pdf(&document(vec![
        line("3 × Team (at $7.00 / month)", 2100),
        line("Unused time on 1 × Starter after 22 Nov 2026", -350),
    ]));
    let text = extracted_text(&pdf);
    for expected in [
        "INV-202611-00042",
        "USD 17.50",
        "3 × Team (at $7.00 / month)",
        "Unused time on 1 × Starter after 22 Nov 2026",
        "USD -3.50",
        "Ada Lovelace",
        "Hauptstraße 1",
        "Tax ID (eu_vat): DE123456789",
        "Acme Analytics GmbH, Berlin",
        "2 Nov 2026 – 2 Dec 2026",
        "Paid",
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` missing from:\n{text}"
        );
    }
}

#[test]
fn many_lines_continue_on_more_pages() {
    let lines = (1..=80)
        .map(|i| line(&format!("Seat block {i}"), 100))
        .collect();
    let text = extracted_text(&invoice_pdf(&document(lines)));
    assert!(
        text.contains("Page 1 of ") && text.contains("Page 2 of "),
        "{text}"
    );
    assert!(text.contains("Invoice INV-202611-00042 (continued)"));
    assert!(text.contains("Seat block 80"));
    assert!(text.contains("USD 80.00"));
}

#[test]
fn characters_winansi_lacks_become_question_marks() {
    let mut doc = document(vec![line("Team", 2100)]);
    doc.customer.name = Some("شركة Ltd".to_owned());
    let text = extracted_text(&invoice_pdf(&doc));
    assert!(text.contains("???? Ltd"), "{text}");
}
