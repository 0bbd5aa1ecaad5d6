//! Prepaid wallets and their transactions. A grant is a credit transaction with
//! credits remaining; the billing core draws grants down (`billing/wallet.rs`) and
//! this module writes what it drew, and what expired, as debit transactions.

use super::backend::{Conn, Lock, on};
use super::{Store, StoreError, StoreResult, new_suffix};
use crate::billing::wallet::Wallet;
use jiff::Timestamp;
use portico_wire::Currency;
use portico_wire::ids::{WalletId, WalletTransactionId};
use portico_wire::wallet::{Credits, TransactionReason};
use settle::{core_wallet, customer_now, settle};

mod settle;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletRow {
    pub id: WalletId,
    pub customer_id: String,
    pub livemode: bool,
    pub currency: Currency,
    pub conversion_rate: i64,
    /// Spendable at the time it was read (by the customer's clock).
    pub balance: Credits,
    pub created: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionRow {
    pub id: WalletTransactionId,
    pub wallet_id: WalletId,
    /// `true` for a credit (a grant), `false` for a debit.
    pub credit: bool,
    pub reason: TransactionReason,
    pub credits: Credits,
    pub amount: i64,
    pub remaining: Option<Credits>,
    pub priority: Option<u32>,
    pub expires_at: Option<i64>,
    pub invoice_id: Option<String>,
    pub description: Option<String>,
    pub created: i64,
}

/// A grant to add to a wallet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGrant {
    pub credits: Credits,
    pub reason: TransactionReason,
    pub priority: u32,
    pub expires_at: Option<i64>,
    pub description: Option<String>,
}

/// Why a wallet could not be created.
#[derive(Debug)]
pub enum CreateWalletError {
    Exists(WalletId),
    Store(StoreError),
}

impl From<StoreError> for CreateWalletError {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

#[derive(sqlx::FromRow)]
struct WalletRecord {
    id: String,
    customer_id: String,
    livemode: bool,
    currency: String,
    conversion_rate: i64,
    created: i64,
}

#[derive(sqlx::FromRow)]
struct TransactionRecord {
    id: String,
    wallet_id: String,
    kind: String,
    reason: String,
    credits: i64,
    amount: i64,
    remaining: Option<i64>,
    priority: Option<i64>,
    expires_at: Option<i64>,
    invoice_id: Option<String>,
    description: Option<String>,
    created: i64,
}

#[derive(sqlx::FromRow)]
struct GrantRecord {
    id: String,
    remaining: i64,
    priority: Option<i64>,
    expires_at: Option<i64>,
    created: i64,
}

const WALLET_COLUMNS: &str = "id, customer_id, livemode, currency, conversion_rate, created";
const TRANSACTION_COLUMNS: &str = "id, wallet_id, kind, reason, credits, amount, remaining, priority, expires_at, invoice_id, description, created";

impl Store {
    pub async fn create_wallet(
        &self,
        customer_id: &str,
        livemode: bool,
        currency: &Currency,
        conversion_rate: i64,
        now: i64,
    ) -> Result<WalletRow, CreateWalletError> {
        let mut tx = self.begin_write(Lock::Customer(customer_id)).await?;
        let existing: Option<(String,)> =
            {
 let conn = &mut tx.conn();
 on!(conn => sqlx::query_as("SELECT id FROM wallets WHERE customer_id = $1 AND currency = $2")
                .bind(customer_id)
                .bind(currency.as_str())
                .fetch_optional(&mut *conn)
                .await)
}
                .map_err(StoreError::from)?;
        if let Some((id,)) = existing {
            let id = WalletId::parse(&id)
                .ok_or_else(|| StoreError::Corrupt(format!("wallet id `{id}`")))?;
            return Err(CreateWalletError::Exists(id));
        }
        let id = WalletId::from_suffix(&new_suffix());
        on!(tx, conn => sqlx::query(&format!(
            "INSERT INTO wallets ({WALLET_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
        ))
        .bind(id.as_str())
        .bind(customer_id)
        .bind(livemode)
        .bind(currency.as_str())
        .bind(conversion_rate)
        .bind(now)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))
        .map_err(StoreError::from)?;
        tx.commit().await?;
        Ok(WalletRow {
            id,
            customer_id: customer_id.to_owned(),
            livemode,
            currency: currency.clone(),
            conversion_rate,
            balance: Credits::ZERO,
            created: now,
        })
    }

    /// The wallet, its expired grants recorded as such first.
    /// Wallet `id` of the mode, its expired grants recorded first. A wallet of
    /// the other mode is `None` before anything is written.
    pub async fn wallet(
        &self,
        id: &str,
        livemode: bool,
        real_now: Timestamp,
    ) -> StoreResult<Option<WalletRow>> {
        let mut tx = self.begin_write(Lock::CustomerOfWallet(id)).await?;
        let Some(record) = find(&mut tx.conn(), id)
            .await?
            .filter(|r| r.livemode == livemode)
        else {
            return Ok(None);
        };
        let row = settle(&mut tx.conn(), record, real_now).await?;
        tx.commit().await?;
        Ok(Some(row))
    }

    /// The customer's wallets, one per currency, expired grants recorded first.
    pub async fn wallets_of(
        &self,
        customer_id: &str,
        real_now: Timestamp,
    ) -> StoreResult<Vec<WalletRow>> {
        // The portal polls this every few seconds: read without the write lock,
        // and take it only when a grant has expired since the last read.
        if let Some(rows) = self.wallets_unchanged(customer_id, real_now).await? {
            return Ok(rows);
        }
        let mut tx = self.begin_write(Lock::Customer(customer_id)).await?;
        let records = wallets_of(&mut tx.conn(), customer_id).await?;
        let mut rows = Vec::with_capacity(records.len());
        for record in records {
            rows.push(settle(&mut tx.conn(), record, real_now).await?);
        }
        tx.commit().await?;
        Ok(rows)
    }

    async fn wallets_unchanged(
        &self,
        customer_id: &str,
        real_now: Timestamp,
    ) -> StoreResult<Option<Vec<WalletRow>>> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        let records = wallets_of(conn, customer_id).await?;
        let mut rows = Vec::with_capacity(records.len());
        for record in records {
            match settle::unchanged(conn, record, real_now).await? {
                Some(row) => rows.push(row),
                None => return Ok(None),
            }
        }
        Ok(Some(rows))
    }

    /// Adds a grant to the wallet `id`; `None` if there is no such wallet.
    pub async fn grant_credits(
        &self,
        id: &str,
        grant: &NewGrant,
        real_now: Timestamp,
    ) -> StoreResult<Option<(WalletRow, TransactionRow)>> {
        let mut tx = self.begin_write(Lock::CustomerOfWallet(id)).await?;
        let Some(record) = find(&mut tx.conn(), id).await? else {
            return Ok(None);
        };
        let now = customer_now(&mut tx.conn(), &record, real_now)
            .await?
            .as_second();
        let row = TransactionRow {
            id: WalletTransactionId::from_suffix(&new_suffix()),
            wallet_id: WalletId::parse(&record.id)
                .ok_or_else(|| StoreError::Corrupt(format!("wallet id `{}`", record.id)))?,
            credit: true,
            reason: grant.reason,
            credits: grant.credits,
            amount: grant.credits.value(record.conversion_rate),
            remaining: Some(grant.credits),
            priority: Some(grant.priority),
            expires_at: grant.expires_at,
            invoice_id: None,
            description: grant.description.clone(),
            created: now,
        };
        insert(&mut tx.conn(), &row).await?;
        let wallet = settle(&mut tx.conn(), record, real_now).await?;
        tx.commit().await?;
        Ok(Some((wallet, row)))
    }

    /// The wallet's transactions, newest first.
    pub async fn wallet_transactions(&self, wallet_id: &str) -> StoreResult<Vec<TransactionRow>> {
        let records: Vec<TransactionRecord> = on!(pool self.pool, conn => sqlx::query_as(&format!(
            "SELECT {TRANSACTION_COLUMNS} FROM wallet_transactions WHERE wallet_id = $1
             ORDER BY created DESC, seq DESC"
        ))
        .bind(wallet_id)
        .fetch_all(&mut *conn)
        .await)?;
        records.into_iter().map(to_transaction).collect()
    }
}

/// The core's wallet of the customer in `currency`, with the grants that still hold
/// credits, if the customer has one.
pub(super) async fn load(
    conn: &mut Conn<'_>,
    customer_id: &str,
    currency: &Currency,
) -> StoreResult<Option<Wallet>> {
    let record: Option<WalletRecord> = on!(conn => sqlx::query_as(&format!(
        "SELECT {WALLET_COLUMNS} FROM wallets WHERE customer_id = $1 AND currency = $2"
    ))
    .bind(customer_id)
    .bind(currency.as_str())
    .fetch_optional(&mut *conn)
    .await)?;
    match record {
        Some(record) => core_wallet(conn, &record).await.map(Some),
        None => Ok(None),
    }
}

/// Keeps what the core drew from the grants, and the debit that paid `invoice_id`.
pub(super) async fn save_payment(
    conn: &mut Conn<'_>,
    wallet: &Wallet,
    invoice_id: &str,
    credits: Credits,
    amount: i64,
    at: i64,
) -> StoreResult<()> {
    for grant in &wallet.grants {
        on!(conn => sqlx::query("UPDATE wallet_transactions SET remaining = $1 WHERE id = $2")
            .bind(grant.remaining.hundredths())
            .bind(&grant.id)
            .execute(&mut *conn)
            .await.map(|done| done.rows_affected()))?;
    }
    let wallet_id = WalletId::parse(&wallet.id)
        .ok_or_else(|| StoreError::Corrupt(format!("wallet id `{}`", wallet.id)))?;
    insert(
        conn,
        &TransactionRow {
            id: WalletTransactionId::from_suffix(&new_suffix()),
            wallet_id,
            credit: false,
            reason: TransactionReason::InvoicePayment,
            credits,
            amount,
            remaining: None,
            priority: None,
            expires_at: None,
            invoice_id: Some(invoice_id.to_owned()),
            description: None,
            created: at,
        },
    )
    .await
}

/// The customer's wallets, oldest first.
async fn wallets_of(conn: &mut Conn<'_>, customer_id: &str) -> StoreResult<Vec<WalletRecord>> {
    Ok(on!(conn => sqlx::query_as(&format!(
        "SELECT {WALLET_COLUMNS} FROM wallets WHERE customer_id = $1 ORDER BY created, id"
    ))
    .bind(customer_id)
    .fetch_all(&mut *conn)
    .await)?)
}

async fn find(conn: &mut Conn<'_>, id: &str) -> StoreResult<Option<WalletRecord>> {
    Ok(on!(conn => sqlx::query_as(&format!(
        "SELECT {WALLET_COLUMNS} FROM wallets WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await)?)
}

async fn insert(conn: &mut Conn<'_>, row: &TransactionRow) -> StoreResult<()> {
    on!(conn => sqlx::query(&format!(
        "INSERT INTO wallet_transactions ({TRANSACTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(row.id.as_str())
    .bind(row.wallet_id.as_str())
    .bind(if row.credit { "credit" } else { "debit" })
    .bind(row.reason.as_str())
    .bind(row.credits.hundredths())
    .bind(row.amount)
    .bind(row.remaining.map(Credits::hundredths))
    .bind(row.priority.map(i64::from))
    .bind(row.expires_at)
    .bind(row.invoice_id.as_deref())
    .bind(row.description.as_deref())
    .bind(row.created)
    .execute(&mut *conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(())
}

fn to_transaction(r: TransactionRecord) -> StoreResult<TransactionRow> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("wallet transaction {}: {what}", r.id));
    Ok(TransactionRow {
        id: WalletTransactionId::parse(&r.id).ok_or_else(|| corrupt("id"))?,
        wallet_id: WalletId::parse(&r.wallet_id).ok_or_else(|| corrupt("wallet_id"))?,
        credit: match r.kind.as_str() {
            "credit" => true,
            "debit" => false,
            _ => return Err(corrupt("kind")),
        },
        reason: TransactionReason::parse(&r.reason).ok_or_else(|| corrupt("reason"))?,
        credits: Credits::from_hundredths(r.credits),
        amount: r.amount,
        remaining: r.remaining.map(Credits::from_hundredths),
        priority: r
            .priority
            .map(u32::try_from)
            .transpose()
            .map_err(|_| corrupt("priority"))?,
        expires_at: r.expires_at,
        invoice_id: r.invoice_id,
        description: r.description,
        created: r.created,
    })
}
