//! Invoices and their lines; prorations waiting for the next invoice are lines
//! without one.

use super::backend::{Conn, on};
use super::{StoreError, StoreResult, new_suffix};
use crate::billing::proration::Period;
use crate::billing::state::{BillingReason, Invoice, InvoiceStatus, Line, PaymentFailure};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use portico_wire::Currency;
use portico_wire::ids::{InvoiceId, SubscriptionId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRow {
    pub id: InvoiceId,
    pub number: String,
    pub customer_id: String,
    pub subscription_id: Option<SubscriptionId>,
    pub livemode: bool,
    pub invoice: Invoice,
}

#[derive(sqlx::FromRow)]
struct Record {
    id: String,
    number: String,
    customer_id: String,
    subscription_id: Option<String>,
    livemode: bool,
    currency: String,
    status: String,
    billing_reason: String,
    period_start: i64,
    period_end: i64,
    subtotal: i64,
    starting_balance: i64,
    ending_balance: i64,
    amount_due: i64,
    amount_paid: i64,
    paid_from_wallet: i64,
    wallet_credits: i64,
    attempt_count: i64,
    next_payment_attempt: Option<i64>,
    last_payment_error: Option<String>,
    paid_at: Option<i64>,
    created: i64,
}

#[derive(sqlx::FromRow)]
struct LineRecord {
    description: String,
    product: String,
    quantity: i64,
    amount: i64,
    proration: bool,
    period_start: i64,
    period_end: i64,
}

const COLUMNS: &str =
    "id, number, customer_id, subscription_id, livemode, currency, status, billing_reason,
    period_start, period_end, subtotal, starting_balance, ending_balance, amount_due, amount_paid,
    paid_from_wallet, wallet_credits, attempt_count, next_payment_attempt, last_payment_error, paid_at, created";

/// The lines of `invoice_id`, or with `None` the subscription's waiting prorations.
pub(super) async fn load_lines(
    conn: &mut Conn<'_>,
    subscription_id: &str,
    invoice_id: Option<&str>,
) -> StoreResult<Vec<Line>> {
    let records: Vec<LineRecord> = on!(conn => sqlx::query_as(
        "SELECT description, product, quantity, amount, proration, period_start, period_end FROM invoice_lines
         WHERE subscription_id = $1 AND invoice_id IS NOT DISTINCT FROM $2 ORDER BY position",
    )
    .bind(subscription_id)
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await)?;
    records
        .into_iter()
        .map(|r| {
            Ok(Line {
                description: r.description,
                product: r.product,
                quantity: u64::try_from(r.quantity)
                    .map_err(|_| StoreError::Corrupt(format!("line quantity {}", r.quantity)))?,
                amount: r.amount,
                proration: r.proration,
                period: Period {
                    start: super::ts(r.period_start)?,
                    end: super::ts(r.period_end)?,
                },
            })
        })
        .collect()
}

async fn insert_lines(
    conn: &mut Conn<'_>,
    subscription_id: &str,
    invoice_id: Option<&str>,
    lines: &[Line],
) -> StoreResult<()> {
    for (position, line) in lines.iter().enumerate() {
        on!(conn => sqlx::query(
            "INSERT INTO invoice_lines (subscription_id, invoice_id, position, description, product, quantity,
                amount, proration, period_start, period_end) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(subscription_id)
        .bind(invoice_id)
        .bind(position as i64)
        .bind(&line.description)
        .bind(&line.product)
        // From an i64 sum of usage or a u32 seat count: it always fits.
        .bind(i64::try_from(line.quantity).unwrap_or(i64::MAX))
        .bind(line.amount)
        .bind(line.proration)
        .bind(line.period.start.as_second())
        .bind(line.period.end.as_second())
        .execute(&mut *conn)
        .await
        .map(|_| ()))?;
    }
    Ok(())
}

pub(super) async fn replace_pending_lines(
    conn: &mut Conn<'_>,
    subscription_id: &str,
    lines: &[Line],
) -> StoreResult<()> {
    on!(conn => sqlx::query("DELETE FROM invoice_lines WHERE subscription_id = $1 AND invoice_id IS NULL")
        .bind(subscription_id)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
    insert_lines(conn, subscription_id, None, lines).await
}

/// Inserts a new invoice (numbering it) or updates a stored one's collection state.
pub(super) async fn save(
    conn: &mut Conn<'_>,
    customer_id: &str,
    subscription_id: &SubscriptionId,
    livemode: bool,
    invoice: &Invoice,
) -> StoreResult<InvoiceRow> {
    let failure = invoice.last_failure.map(PaymentFailure::as_str);
    let next_attempt = invoice.next_payment_attempt.map(|t| t.as_second());
    let paid_at = invoice.paid_at.map(|t| t.as_second());
    if let Some(id) = &invoice.id {
        on!(conn => sqlx::query(
            "UPDATE invoices SET status = $1, amount_paid = $2, attempt_count = $3, next_payment_attempt = $4,
                last_payment_error = $5, paid_at = $6 WHERE id = $7",
        )
        .bind(invoice.status.as_str())
        .bind(invoice.amount_paid)
        .bind(i64::from(invoice.attempt_count))
        .bind(next_attempt)
        .bind(failure)
        .bind(paid_at)
        .bind(id)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
        return get(conn, id)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("invoice {id} vanished")));
    }
    let id = InvoiceId::from_suffix(&new_suffix());
    let number = next_number(conn, livemode, invoice.created).await?;
    on!(conn => sqlx::query(&format!(
        "INSERT INTO invoices ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"
    ))
    .bind(id.as_str())
    .bind(&number)
    .bind(customer_id)
    .bind(subscription_id.as_str())
    .bind(livemode)
    .bind(invoice.currency.as_str())
    .bind(invoice.status.as_str())
    .bind(invoice.reason.as_str())
    .bind(invoice.period.start.as_second())
    .bind(invoice.period.end.as_second())
    .bind(invoice.subtotal)
    .bind(invoice.starting_balance)
    .bind(invoice.ending_balance)
    .bind(invoice.amount_due)
    .bind(invoice.amount_paid)
    .bind(invoice.paid_from_wallet)
    .bind(invoice.wallet_credits.hundredths())
    .bind(i64::from(invoice.attempt_count))
    .bind(next_attempt)
    .bind(failure)
    .bind(paid_at)
    .bind(invoice.created.as_second())
    .execute(&mut *conn)
    .await.map(|done| done.rows_affected()))?;
    insert_lines(
        conn,
        subscription_id.as_str(),
        Some(id.as_str()),
        &invoice.lines,
    )
    .await?;
    let mut stored = invoice.clone();
    stored.id = Some(id.to_string());
    Ok(InvoiceRow {
        id,
        number,
        customer_id: customer_id.to_owned(),
        subscription_id: Some(subscription_id.clone()),
        livemode,
        invoice: stored,
    })
}

/// `INV-YYYYMM-NNNNN`, counted per mode and month of `created`.
async fn next_number(
    conn: &mut Conn<'_>,
    livemode: bool,
    created: Timestamp,
) -> StoreResult<String> {
    let month = created.to_zoned(TimeZone::UTC).strftime("%Y%m").to_string();
    let (last,): (i64,) = on!(conn => sqlx::query_as(
        "INSERT INTO invoice_numbers (livemode, month, last) VALUES ($1, $2, 1)
         ON CONFLICT (livemode, month) DO UPDATE SET last = invoice_numbers.last + 1 RETURNING last",
    )
    .bind(livemode)
    .bind(&month)
    .fetch_one(&mut *conn)
    .await)?;
    Ok(format!("INV-{month}-{last:05}"))
}

pub(super) async fn get(conn: &mut Conn<'_>, id: &str) -> StoreResult<Option<InvoiceRow>> {
    let record: Option<Record> = on!(conn => sqlx::query_as(&format!("SELECT {COLUMNS} FROM invoices WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await)?;
    match record {
        Some(record) => Ok(Some(assemble(conn, record).await?)),
        None => Ok(None),
    }
}

/// The subscription's open invoices, oldest first.
pub(super) async fn open_of_subscription(
    conn: &mut Conn<'_>,
    subscription_id: &str,
) -> StoreResult<Vec<InvoiceRow>> {
    let records: Vec<Record> = on!(conn => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM invoices WHERE subscription_id = $1 AND status = 'open' ORDER BY created, seq"
    ))
    .bind(subscription_id)
    .fetch_all(&mut *conn)
    .await)?;
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        rows.push(assemble(conn, record).await?);
    }
    Ok(rows)
}

pub(super) async fn latest_of_subscription(
    conn: &mut Conn<'_>,
    subscription_id: &str,
) -> StoreResult<Option<String>> {
    let id: Option<(String,)> = on!(conn => sqlx::query_as(
        "SELECT id FROM invoices WHERE subscription_id = $1 ORDER BY created DESC, seq DESC LIMIT 1",
    )
    .bind(subscription_id)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(id.map(|(id,)| id))
}

/// The customer's invoices, newest first; with `open_only`, oldest first (the order
/// they are paid in).
pub(super) async fn of_customer(
    conn: &mut Conn<'_>,
    customer_id: &str,
    open_only: bool,
) -> StoreResult<Vec<InvoiceRow>> {
    let query = if open_only {
        format!(
            "SELECT {COLUMNS} FROM invoices WHERE customer_id = $1 AND status = 'open' ORDER BY created, seq"
        )
    } else {
        format!(
            "SELECT {COLUMNS} FROM invoices WHERE customer_id = $1 ORDER BY created DESC, seq DESC"
        )
    };
    let records: Vec<Record> = on!(conn => sqlx::query_as(&query)
        .bind(customer_id)
        .fetch_all(&mut *conn)
        .await)?;
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        rows.push(assemble(conn, record).await?);
    }
    Ok(rows)
}

async fn assemble(conn: &mut Conn<'_>, r: Record) -> StoreResult<InvoiceRow> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("invoice {}: {what}", r.id));
    let subscription_id = r.subscription_id.as_deref().unwrap_or_default();
    let lines = load_lines(conn, subscription_id, Some(&r.id)).await?;
    let invoice = Invoice {
        id: Some(r.id.clone()),
        reason: BillingReason::parse(&r.billing_reason).ok_or_else(|| corrupt("billing_reason"))?,
        currency: Currency::parse(&r.currency).map_err(|_| corrupt("currency"))?,
        lines,
        period: Period {
            start: super::ts(r.period_start)?,
            end: super::ts(r.period_end)?,
        },
        created: super::ts(r.created)?,
        status: InvoiceStatus::parse(&r.status).ok_or_else(|| corrupt("status"))?,
        subtotal: r.subtotal,
        starting_balance: r.starting_balance,
        ending_balance: r.ending_balance,
        amount_due: r.amount_due,
        amount_paid: r.amount_paid,
        paid_from_wallet: r.paid_from_wallet,
        wallet_credits: portico_wire::wallet::Credits::from_hundredths(r.wallet_credits),
        attempt_count: u32::try_from(r.attempt_count).map_err(|_| corrupt("attempt_count"))?,
        next_payment_attempt: r.next_payment_attempt.map(super::ts).transpose()?,
        last_failure: match r.last_payment_error.as_deref() {
            Some(code) => {
                Some(PaymentFailure::parse(code).ok_or_else(|| corrupt("last_payment_error"))?)
            }
            None => None,
        },
        paid_at: r.paid_at.map(super::ts).transpose()?,
    };
    Ok(InvoiceRow {
        id: InvoiceId::parse(&r.id).ok_or_else(|| corrupt("id"))?,
        number: r.number,
        customer_id: r.customer_id,
        subscription_id: r.subscription_id.as_deref().and_then(SubscriptionId::parse),
        livemode: r.livemode,
        invoice,
    })
}
