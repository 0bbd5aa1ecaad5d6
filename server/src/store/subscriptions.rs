//! Subscriptions as the engine sees them: loaded whole (items, waiting prorations,
//! the invoice being collected) and written back whole, inside the caller's
//! transaction.

use super::backend::{Conn, on};
use super::invoices::{self, load_lines};
use super::stored::{StoredPendingUpdate, StoredPrice};
use super::{StoreError, StoreResult, new_suffix};
use crate::billing::proration::Period;
use crate::billing::state::{CancelReason, Cancellation, Item, Subscription, Terms};
use crate::billing::{Status, next_due};
use jiff::Timestamp;
use portico_wire::Currency;
use portico_wire::embed::Interval;
use portico_wire::ids::{InvoiceId, SubscriptionId, SubscriptionItemId};
use portico_wire::price::Price;

mod metered;

/// A stored subscription: whose it is, and its billing state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRow {
    pub id: SubscriptionId,
    pub customer_id: String,
    pub service: String,
    pub livemode: bool,
    pub state: Subscription,
    pub latest_invoice: Option<InvoiceId>,
}

#[derive(sqlx::FromRow)]
struct Record {
    id: String,
    customer_id: String,
    service: String,
    plan: String,
    status: String,
    currency: String,
    interval: String,
    interval_count: i64,
    current_period_start: i64,
    current_period_end: i64,
    billing_cycle_anchor: i64,
    trial_end: Option<i64>,
    cancel_at_period_end: bool,
    canceled_at: Option<i64>,
    ended_at: Option<i64>,
    cancel_reason: Option<String>,
    cancel_feedback: Option<String>,
    cancel_comment: Option<String>,
    pending_update: Option<String>,
    livemode: bool,
    created: i64,
}

#[derive(sqlx::FromRow)]
struct ItemRecord {
    id: String,
    product: String,
    product_name: String,
    unit_label: Option<String>,
    quantity: i64,
    price: String,
}

const COLUMNS: &str = "id, customer_id, service, plan, status, currency, interval, interval_count,
    current_period_start, current_period_end, billing_cycle_anchor, trial_end, cancel_at_period_end,
    canceled_at, ended_at, cancel_reason, cancel_feedback, cancel_comment, pending_update, livemode, created";

pub(super) async fn load(conn: &mut Conn<'_>, id: &str) -> StoreResult<Option<SubscriptionRow>> {
    let record: Option<Record> = on!(conn => sqlx::query_as(&format!("SELECT {COLUMNS} FROM subscriptions WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await)?;
    match record {
        Some(record) => Ok(Some(assemble(conn, record, Depth::Billing).await?)),
        None => Ok(None),
    }
}

/// How much of a subscription a load reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Depth {
    /// Everything the engine decides with: open invoices, waiting prorations and
    /// the period's usage too.
    Billing,
    /// What a portal shows (`convert::subscription`): terms, status, dates and the
    /// latest invoice. Open invoices and waiting lines are left empty and usage
    /// unread, so a read costs three statements a subscription, with no usage
    /// rollup. Never billed from.
    Shown,
}

/// The customer's subscriptions in `service`, newest first.
pub(super) async fn of_customer(
    conn: &mut Conn<'_>,
    customer_id: &str,
    service: &str,
    depth: Depth,
) -> StoreResult<Vec<SubscriptionRow>> {
    let records: Vec<Record> = on!(conn => sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM subscriptions WHERE customer_id = $1 AND service = $2 ORDER BY created DESC, seq DESC"
    ))
    .bind(customer_id)
    .bind(service)
    .fetch_all(&mut *conn)
    .await)?;
    let mut rows = Vec::with_capacity(records.len());
    for record in records {
        rows.push(assemble(conn, record, depth).await?);
    }
    Ok(rows)
}

/// Ids of the customer's subscriptions in `service`: one statement.
pub(super) async fn ids_of_customer(
    conn: &mut Conn<'_>,
    customer_id: &str,
    service: &str,
) -> StoreResult<Vec<String>> {
    let ids: Vec<(String,)> = on!(conn => sqlx::query_as(
        "SELECT id FROM subscriptions WHERE customer_id = $1 AND service = $2"
    )
    .bind(customer_id)
    .bind(service)
    .fetch_all(&mut *conn)
    .await)?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

async fn assemble(
    conn: &mut Conn<'_>,
    record: Record,
    depth: Depth,
) -> StoreResult<SubscriptionRow> {
    let corrupt = |what: String| StoreError::Corrupt(format!("subscription {}: {what}", record.id));
    let items: Vec<ItemRecord> = on!(conn => sqlx::query_as(
        "SELECT id, product, product_name, unit_label, quantity, price FROM subscription_items
         WHERE subscription_id = $1 ORDER BY position",
    )
    .bind(&record.id)
    .fetch_all(&mut *conn)
    .await)?;
    let items = items
        .into_iter()
        .map(|item| {
            Ok(Item {
                id: Some(item.id),
                product: item.product,
                product_name: item.product_name,
                unit_label: item.unit_label,
                quantity: super::quantity(item.quantity)
                    .ok_or_else(|| corrupt("quantity".into()))?,
                price: serde_json::from_str::<StoredPrice>(&item.price)
                    .map_err(|e| e.to_string())
                    .and_then(Price::try_from)
                    .map_err(|e| corrupt(format!("price `{}`: {e}", item.price)))?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let metered = metered::load(conn, &record.id).await?;
    let period = Period {
        start: super::ts(record.current_period_start)?,
        end: super::ts(record.current_period_end)?,
    };
    let usage = match depth {
        Depth::Billing => {
            super::usage::period_usage(conn, &record.customer_id, &metered, period).await?
        }
        Depth::Shown => Default::default(),
    };
    let pending_update = match &record.pending_update {
        Some(json) => Some(terms_from_json(json).map_err(corrupt)?),
        None => None,
    };
    let (open_invoices, pending_lines) = match depth {
        Depth::Billing => (
            invoices::open_of_subscription(conn, &record.id).await?,
            load_lines(conn, &record.id, None).await?,
        ),
        Depth::Shown => (Vec::new(), Vec::new()),
    };
    let latest_invoice = invoices::latest_of_subscription(conn, &record.id).await?;
    let cancellation = match record.cancel_reason.as_deref() {
        Some(reason) => Some(Cancellation {
            reason: CancelReason::parse(reason)
                .ok_or_else(|| corrupt(format!("cancel reason `{reason}`")))?,
            feedback: record.cancel_feedback.clone(),
            comment: record.cancel_comment.clone(),
        }),
        None => None,
    };
    let state = Subscription {
        terms: Terms {
            plan: record.plan.clone(),
            interval: interval(&record.interval).map_err(corrupt)?,
            interval_count: u32::try_from(record.interval_count)
                .map_err(|_| corrupt("interval_count".into()))?,
            items,
            metered,
        },
        status: Status::parse(&record.status)
            .ok_or_else(|| corrupt(format!("status `{}`", record.status)))?,
        currency: Currency::parse(&record.currency).map_err(corrupt)?,
        period,
        billing_cycle_anchor: super::ts(record.billing_cycle_anchor)?,
        trial_end: record.trial_end.map(super::ts).transpose()?,
        cancel_at_period_end: record.cancel_at_period_end,
        canceled_at: record.canceled_at.map(super::ts).transpose()?,
        ended_at: record.ended_at.map(super::ts).transpose()?,
        cancellation,
        pending_update,
        pending_lines,
        open_invoices: open_invoices.into_iter().map(|row| row.invoice).collect(),
        created: super::ts(record.created)?,
        usage,
    };
    Ok(SubscriptionRow {
        id: SubscriptionId::parse(&record.id).ok_or_else(|| corrupt("id".into()))?,
        customer_id: record.customer_id,
        service: record.service,
        livemode: record.livemode,
        state,
        latest_invoice: latest_invoice.and_then(|id| InvoiceId::parse(&id)),
    })
}

/// Writes `row` (inserting it if new), its items and its waiting prorations.
pub(super) async fn save(conn: &mut Conn<'_>, row: &mut SubscriptionRow) -> StoreResult<()> {
    let sub = &row.state;
    let pending_update = sub
        .pending_update
        .as_ref()
        .map(|terms| terms_to_json(terms, sub.period.end))
        .transpose()?;
    let (reason, feedback, comment) = match &sub.cancellation {
        Some(c) => (
            Some(c.reason.as_str()),
            c.feedback.clone(),
            c.comment.clone(),
        ),
        None => (None, None, None),
    };
    on!(conn => sqlx::query(
        "INSERT INTO subscriptions (id, customer_id, service, plan, status, currency, interval, interval_count,
            current_period_start, current_period_end, billing_cycle_anchor, trial_end, cancel_at_period_end,
            canceled_at, ended_at, cancel_reason, cancel_feedback, cancel_comment, pending_update, livemode,
            created, next_due_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
         ON CONFLICT (id) DO UPDATE SET plan = excluded.plan, status = excluded.status,
            interval = excluded.interval, interval_count = excluded.interval_count,
            current_period_start = excluded.current_period_start, current_period_end = excluded.current_period_end,
            billing_cycle_anchor = excluded.billing_cycle_anchor, trial_end = excluded.trial_end,
            cancel_at_period_end = excluded.cancel_at_period_end, canceled_at = excluded.canceled_at,
            ended_at = excluded.ended_at, cancel_reason = excluded.cancel_reason,
            cancel_feedback = excluded.cancel_feedback, cancel_comment = excluded.cancel_comment,
            pending_update = excluded.pending_update, next_due_at = excluded.next_due_at",
    )
    .bind(row.id.as_str())
    .bind(&row.customer_id)
    .bind(&row.service)
    .bind(&sub.terms.plan)
    .bind(sub.status.as_str())
    .bind(sub.currency.as_str())
    .bind(interval_str(sub.terms.interval))
    .bind(i64::from(sub.terms.interval_count))
    .bind(sub.period.start.as_second())
    .bind(sub.period.end.as_second())
    .bind(sub.billing_cycle_anchor.as_second())
    .bind(sub.trial_end.map(|t| t.as_second()))
    .bind(sub.cancel_at_period_end)
    .bind(sub.canceled_at.map(|t| t.as_second()))
    .bind(sub.ended_at.map(|t| t.as_second()))
    .bind(reason)
    .bind(feedback)
    .bind(comment)
    .bind(pending_update)
    .bind(row.livemode)
    .bind(sub.created.as_second())
    .bind(next_due(sub).map(|t| t.as_second()))
    .execute(&mut *conn)
    .await.map(|done| done.rows_affected()))?;

    on!(conn => sqlx::query("DELETE FROM subscription_items WHERE subscription_id = $1")
        .bind(row.id.as_str())
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
    for (position, item) in row.state.terms.items.iter_mut().enumerate() {
        let id = item
            .id
            .get_or_insert_with(|| SubscriptionItemId::from_suffix(&new_suffix()).to_string());
        let price = serde_json::to_string(&StoredPrice::from(&item.price))
            .map_err(|e| StoreError::Corrupt(format!("price of {id}: {e}")))?;
        on!(conn => sqlx::query(
            "INSERT INTO subscription_items (id, subscription_id, position, product, product_name, unit_label, quantity, price)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.as_str())
        .bind(row.id.as_str())
        .bind(position as i64)
        .bind(&item.product)
        .bind(&item.product_name)
        .bind(&item.unit_label)
        .bind(i64::from(item.quantity.get()))
        .bind(price)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
    }
    metered::save(conn, row.id.as_str(), &row.state.terms.metered).await?;
    invoices::replace_pending_lines(conn, row.id.as_str(), &row.state.pending_lines).await
}

fn interval_str(interval: Interval) -> &'static str {
    match interval {
        Interval::Day => "day",
        Interval::Week => "week",
        Interval::Month => "month",
        Interval::Year => "year",
    }
}

fn interval(value: &str) -> Result<Interval, String> {
    [
        Interval::Day,
        Interval::Week,
        Interval::Month,
        Interval::Year,
    ]
    .into_iter()
    .find(|i| interval_str(*i) == value)
    .ok_or_else(|| format!("interval `{value}`"))
}

fn terms_to_json(terms: &Terms, effective_at: Timestamp) -> StoreResult<String> {
    let update = StoredPendingUpdate::from_terms(terms, effective_at.as_second());
    serde_json::to_string(&update).map_err(|e| StoreError::Corrupt(format!("pending update: {e}")))
}

fn terms_from_json(json: &str) -> Result<Terms, String> {
    serde_json::from_str::<StoredPendingUpdate>(json)
        .map_err(|e| e.to_string())
        .and_then(StoredPendingUpdate::into_terms)
        .map_err(|e| format!("pending update `{json}`: {e}"))
}
