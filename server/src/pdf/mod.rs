//! Invoice PDFs, pure: an [`InvoiceDocument`] in, the bytes of a PDF out. The
//! document is the wire invoice and customer the API returns, so the PDF and the
//! JSON cannot disagree. Written with `pdf-writer` in the base-14 Helvetica (see
//! `text.rs` for what that costs), on as many A4 pages as the lines need.

mod layout;
mod text;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use layout::{LEFT, MUTED, RIGHT, Sheet};
use portico_wire::embed::Customer;
use portico_wire::invoice::{Invoice, InvoiceLine, InvoiceStatus};
use portico_wire::{Currency, Money};
use text::Font;

/// Who issues the invoice.
#[derive(Debug, Clone)]
pub struct Seller {
    /// The service's name in the catalog.
    pub name: String,
    /// The portal configuration's `business_profile.headline`, if it has one.
    pub headline: Option<String>,
}

#[derive(Debug, Clone)]
pub struct InvoiceDocument {
    pub seller: Seller,
    pub customer: Customer,
    pub invoice: Invoice,
}

/// The invoice as a PDF.
pub fn invoice_pdf(doc: &InvoiceDocument) -> Vec<u8> {
    let mut sheet = Sheet::new();
    heading(&mut sheet, doc);
    parties(&mut sheet, doc);
    summary(&mut sheet, &doc.invoice);
    lines(&mut sheet, doc);
    totals(&mut sheet, &doc.invoice);
    let number = number(&doc.invoice);
    sheet.finish(
        &format!("Invoice {number}"),
        &format!("{} · Invoice {number}", doc.seller.name),
    )
}

/// `USD 21.50`: the plain rendering the API documents, exact to the minor unit.
pub fn money(amount: i64, currency: &Currency) -> String {
    Money::new(amount, currency.clone()).to_plain_string()
}

/// `2 Nov 2026`, in UTC.
pub fn date(unix_seconds: i64) -> String {
    Timestamp::from_second(unix_seconds)
        .map(|t| t.to_zoned(TimeZone::UTC).strftime("%-d %b %Y").to_string())
        .unwrap_or_default()
}

fn number(invoice: &Invoice) -> &str {
    invoice.number.as_deref().unwrap_or("Draft")
}

fn status(status: &InvoiceStatus) -> &str {
    match status {
        InvoiceStatus::Draft => "Draft",
        InvoiceStatus::Open => "Open",
        InvoiceStatus::Paid => "Paid",
        InvoiceStatus::Void => "Void",
        InvoiceStatus::Uncollectible => "Uncollectible",
        InvoiceStatus::Unknown(other) => other,
        _ => "",
    }
}

/// "Invoice" on the left, the seller on the right.
fn heading(sheet: &mut Sheet, doc: &InvoiceDocument) {
    sheet.text(LEFT, Font::Bold, 22.0, 0.0, "Invoice");
    sheet.text_right(RIGHT, Font::Bold, 13.0, 0.0, &doc.seller.name);
    if let Some(headline) = &doc.seller.headline {
        for line in text::wrap(headline, Font::Regular, 9.0, 230.0) {
            sheet.down(12.0);
            sheet.text_right(RIGHT, Font::Regular, 9.0, MUTED, &line);
        }
    }
    sheet.down(36.0);
}

/// The invoice's facts on the left, whom it is billed to on the right.
fn parties(sheet: &mut Sheet, doc: &InvoiceDocument) {
    let invoice = &doc.invoice;
    let top = sheet.y;
    let mut facts = vec![
        ("Invoice number", number(invoice).to_owned()),
        ("Status", status(&invoice.status).to_owned()),
        ("Date of issue", date(invoice.created)),
    ];
    if let Some(paid) = invoice.paid_at {
        facts.push(("Date paid", date(paid)));
    } else if let Some(next) = invoice.next_payment_attempt {
        facts.push(("Next payment attempt", date(next)));
    }
    facts.push((
        "Billing period",
        format!(
            "{} – {}",
            date(invoice.period_start),
            date(invoice.period_end)
        ),
    ));
    for (label, value) in &facts {
        sheet.text(LEFT, Font::Regular, 9.5, MUTED, label);
        sheet.text(LEFT + 110.0, Font::Regular, 9.5, 0.0, value);
        sheet.down(14.0);
    }
    let facts_end = sheet.y;

    sheet.y = top;
    let column = 340.0;
    sheet.text(column, Font::Regular, 9.5, MUTED, "Bill to");
    sheet.down(14.0);
    let customer = &doc.customer;
    let name = customer.name.as_deref().or(customer.email.as_deref());
    if let Some(name) = name {
        sheet.text(column, Font::Bold, 9.5, 0.0, name);
        sheet.down(14.0);
    }
    let mut rest: Vec<String> = Vec::new();
    if let Some(email) = customer.email.as_deref().filter(|e| Some(*e) != name) {
        rest.push(email.to_owned());
    }
    if let Some(address) = &customer.address {
        let locality = [address.postal_code.as_deref(), address.city.as_deref()];
        let locality = locality.into_iter().flatten().collect::<Vec<_>>().join(" ");
        let parts = [
            address.line1.clone(),
            address.line2.clone(),
            Some(locality),
            address.state.clone(),
            address.country.clone(),
        ];
        rest.extend(parts.into_iter().flatten().filter(|p| !p.trim().is_empty()));
    }
    if let Some(tax_id) = &customer.tax_id {
        rest.push(format!("Tax ID ({}): {}", tax_id.kind, tax_id.value));
    }
    for line in rest
        .iter()
        .flat_map(|r| text::wrap(r, Font::Regular, 9.5, RIGHT - column))
    {
        sheet.text(column, Font::Regular, 9.5, 0.0, &line);
        sheet.down(14.0);
    }
    sheet.y = sheet.y.min(facts_end) - 22.0;
}

/// One sentence with the amount that matters: what is owed, or what was paid.
fn summary(sheet: &mut Sheet, invoice: &Invoice) {
    let currency = &invoice.currency;
    let sentence = match (&invoice.status, invoice.paid_at) {
        (InvoiceStatus::Paid, Some(paid)) => format!(
            "{} paid on {}",
            money(invoice.amount_paid, currency),
            date(paid)
        ),
        (InvoiceStatus::Void, _) => format!("{} void", money(invoice.total, currency)),
        _ => format!("{} due", money(invoice.amount_remaining, currency)),
    };
    sheet.text(LEFT, Font::Bold, 14.0, 0.0, &sentence);
    sheet.down(34.0);
}

const QUANTITY_RIGHT: f32 = RIGHT - 100.0;
const DESCRIPTION_WIDTH: f32 = QUANTITY_RIGHT - 40.0 - LEFT;

fn table_header(sheet: &mut Sheet) {
    sheet.text(LEFT, Font::Regular, 9.0, MUTED, "Description");
    sheet.text_right(QUANTITY_RIGHT, Font::Regular, 9.0, MUTED, "Qty");
    sheet.text_right(RIGHT, Font::Regular, 9.0, MUTED, "Amount");
    sheet.rule(LEFT);
    sheet.down(20.0);
}

/// The lines, each with its period; the table continues on the next page with its
/// header when a line does not fit.
fn lines(sheet: &mut Sheet, doc: &InvoiceDocument) {
    table_header(sheet);
    for line in &doc.invoice.lines {
        let description = text::wrap(&line.description, Font::Regular, 10.0, DESCRIPTION_WIDTH);
        let height = 13.0 * description.len() as f32 + 22.0;
        if sheet.reserve(height) {
            let continued = format!("Invoice {} (continued)", number(&doc.invoice));
            sheet.text(LEFT, Font::Bold, 11.0, 0.0, &continued);
            sheet.down(28.0);
            table_header(sheet);
        }
        row(sheet, line, &description, &doc.invoice.currency);
    }
}

fn row(sheet: &mut Sheet, line: &InvoiceLine, description: &[String], currency: &Currency) {
    sheet.text_right(
        QUANTITY_RIGHT,
        Font::Regular,
        10.0,
        0.0,
        &line.quantity.to_string(),
    );
    sheet.text_right(
        RIGHT,
        Font::Regular,
        10.0,
        0.0,
        &money(line.amount, currency),
    );
    for (index, part) in description.iter().enumerate() {
        if index > 0 {
            sheet.down(13.0);
        }
        sheet.text(LEFT, Font::Regular, 10.0, 0.0, part);
    }
    sheet.down(12.0);
    let period = format!("{} – {}", date(line.period.start), date(line.period.end));
    sheet.text(LEFT, Font::Regular, 8.5, MUTED, &period);
    sheet.rule(LEFT);
    sheet.down(22.0);
}

fn totals(sheet: &mut Sheet, invoice: &Invoice) {
    let currency = &invoice.currency;
    let mut rows = vec![
        ("Subtotal", invoice.subtotal, Font::Regular),
        ("Total", invoice.total, Font::Bold),
    ];
    // A balance (negative: credit) is shown only when the customer has one.
    if invoice.starting_balance != 0 || invoice.ending_balance != 0 {
        rows.push(("Starting balance", invoice.starting_balance, Font::Regular));
        rows.push(("Ending balance", invoice.ending_balance, Font::Regular));
    }
    rows.extend([
        ("Amount due", invoice.amount_due, Font::Bold),
        ("Amount paid", invoice.amount_paid, Font::Regular),
    ]);
    if invoice.amount_paid_from_wallet != 0 {
        rows.push((
            "of which prepaid credits",
            invoice.amount_paid_from_wallet,
            Font::Regular,
        ));
    }
    rows.push(("Amount remaining", invoice.amount_remaining, Font::Bold));
    sheet.reserve(18.0 * rows.len() as f32 + 6.0);
    sheet.down(4.0);
    let column = 330.0;
    for (label, amount, font) in rows {
        sheet.text(column, font, 10.0, 0.0, label);
        sheet.text_right(RIGHT, font, 10.0, 0.0, &money(amount, currency));
        sheet.rule(column);
        sheet.down(18.0);
    }
}

#[cfg(test)]
mod tests;
