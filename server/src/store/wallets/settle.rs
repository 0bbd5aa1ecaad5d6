//! A wallet as of now: its grants past their date recorded as expired (a write),
//! or, when none is, read as it stands (no write lock: the portal polls it).

use super::{GrantRecord, TransactionRow, WalletRecord, WalletRow, insert};
use crate::billing::wallet::{Grant, Wallet};
use crate::store::backend::{Conn, on};
use crate::store::{StoreError, StoreResult, clocks, new_suffix, ts};
use jiff::Timestamp;
use portico_wire::Currency;
use portico_wire::ids::{WalletId, WalletTransactionId};
use portico_wire::wallet::{Credits, TransactionReason};

pub(super) async fn customer_now(
    conn: &mut Conn<'_>,
    record: &WalletRecord,
    real_now: Timestamp,
) -> StoreResult<Timestamp> {
    let offset = clocks::offset(conn, record.livemode, Some(&record.customer_id)).await?;
    ts(real_now.as_second() + offset)
}

/// Records the expiry of every grant past its date (by the customer's clock) and
/// returns the wallet with its balance then.
pub(super) async fn settle(
    conn: &mut Conn<'_>,
    record: WalletRecord,
    real_now: Timestamp,
) -> StoreResult<WalletRow> {
    let now = customer_now(conn, &record, real_now).await?;
    let mut wallet = core_wallet(conn, &record).await?;
    let wallet_id = WalletId::parse(&record.id)
        .ok_or_else(|| StoreError::Corrupt(format!("wallet id `{}`", record.id)))?;
    for (grant_id, credits) in wallet.expire(now) {
        let expired_at = wallet
            .grants
            .iter()
            .find(|g| g.id == grant_id)
            .and_then(|g| g.expires_at)
            .map_or(now.as_second(), |t| t.as_second());
        on!(conn => sqlx::query("UPDATE wallet_transactions SET remaining = 0 WHERE id = $1")
            .bind(&grant_id)
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected()))?;
        insert(
            conn,
            &TransactionRow {
                id: WalletTransactionId::from_suffix(&new_suffix()),
                wallet_id: wallet_id.clone(),
                credit: false,
                reason: TransactionReason::Expired,
                credits,
                amount: credits.value(record.conversion_rate),
                remaining: None,
                priority: None,
                expires_at: None,
                invoice_id: None,
                description: Some(format!("Unspent credits of {grant_id} expired")),
                created: expired_at,
            },
        )
        .await?;
    }
    row_of(record, &wallet, now)
}

/// The wallet as [`settle`] would return it, when no grant has expired since it
/// was last settled, so there is nothing to write; `None` when one has.
pub(super) async fn unchanged(
    conn: &mut Conn<'_>,
    record: WalletRecord,
    real_now: Timestamp,
) -> StoreResult<Option<WalletRow>> {
    let now = customer_now(conn, &record, real_now).await?;
    let wallet = core_wallet(conn, &record).await?;
    if !wallet.clone().expire(now).is_empty() {
        return Ok(None);
    }
    row_of(record, &wallet, now).map(Some)
}

fn row_of(record: WalletRecord, wallet: &Wallet, now: Timestamp) -> StoreResult<WalletRow> {
    Ok(WalletRow {
        balance: wallet.balance(now),
        id: WalletId::parse(&record.id)
            .ok_or_else(|| StoreError::Corrupt(format!("wallet id `{}`", record.id)))?,
        customer_id: record.customer_id,
        livemode: record.livemode,
        currency: Currency::parse(&record.currency)
            .map_err(|_| StoreError::Corrupt(format!("wallet {}: currency", record.id)))?,
        conversion_rate: record.conversion_rate,
        created: record.created,
    })
}

pub(super) async fn core_wallet(conn: &mut Conn<'_>, record: &WalletRecord) -> StoreResult<Wallet> {
    let grants: Vec<GrantRecord> = on!(conn => sqlx::query_as(
        "SELECT id, remaining, priority, expires_at, created FROM wallet_transactions
         WHERE wallet_id = $1 AND remaining > 0",
    )
    .bind(&record.id)
    .fetch_all(&mut *conn)
    .await)?;
    let corrupt = |what: &str| StoreError::Corrupt(format!("wallet {}: {what}", record.id));
    let grants = grants
        .into_iter()
        .map(|g| {
            Ok(Grant {
                id: g.id,
                remaining: Credits::from_hundredths(g.remaining),
                priority: u32::try_from(g.priority.unwrap_or(0))
                    .map_err(|_| corrupt("priority"))?,
                expires_at: g.expires_at.map(ts).transpose()?,
                created: ts(g.created)?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Wallet {
        id: record.id.clone(),
        conversion_rate: record.conversion_rate,
        grants,
    })
}
