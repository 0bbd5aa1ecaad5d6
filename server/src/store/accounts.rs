//! A customer's money: their balance per currency and their cards.

use super::backend::{Conn, on};
use super::{StoreError, StoreResult, new_suffix};
use crate::billing::cards::{AcceptedCard, Brand, Decline};
use crate::billing::state::Account;
use portico_wire::Currency;
use portico_wire::ids::PaymentMethodId;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRow {
    pub id: PaymentMethodId,
    pub card: AcceptedCard,
    pub livemode: bool,
    pub created: i64,
}

#[derive(sqlx::FromRow)]
struct CardRecord {
    id: String,
    livemode: bool,
    brand: String,
    last4: String,
    exp_month: i64,
    exp_year: i64,
    funding: String,
    charge_decline: Option<String>,
    created: i64,
}

pub(super) async fn load(
    conn: &mut Conn<'_>,
    customer_id: &str,
    currency: &Currency,
) -> StoreResult<Account> {
    let balance: Option<(i64,)> = on!(conn => sqlx::query_as(
        "SELECT balance FROM customer_balances WHERE customer_id = $1 AND currency = $2",
    )
    .bind(customer_id)
    .bind(currency.as_str())
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(Account {
        balance: balance.map_or(0, |(b,)| b),
        card: default_card(conn, customer_id).await?.map(|row| row.card),
        wallet: super::wallets::load(conn, customer_id, currency).await?,
    })
}

pub(super) async fn save_balance(
    conn: &mut Conn<'_>,
    customer_id: &str,
    currency: &Currency,
    balance: i64,
) -> StoreResult<()> {
    on!(conn => sqlx::query(
        "INSERT INTO customer_balances (customer_id, currency, balance) VALUES ($1, $2, $3)
         ON CONFLICT (customer_id, currency) DO UPDATE SET balance = excluded.balance",
    )
    .bind(customer_id)
    .bind(currency.as_str())
    .bind(balance)
    .execute(&mut *conn)
    .await.map(|done| done.rows_affected()))?;
    Ok(())
}

pub(super) async fn default_card(
    conn: &mut Conn<'_>,
    customer_id: &str,
) -> StoreResult<Option<CardRow>> {
    let record: Option<CardRecord> = on!(conn => sqlx::query_as(
        "SELECT p.id, p.livemode, p.brand, p.last4, p.exp_month, p.exp_year, p.funding, p.charge_decline, p.created
         FROM payment_methods p JOIN customers c ON c.default_payment_method = p.id WHERE c.id = $1",
    )
    .bind(customer_id)
    .fetch_optional(&mut *conn)
    .await)?;
    record.map(to_row).transpose()
}

/// Keeps `card` and makes it the customer's default.
pub(super) async fn attach(
    conn: &mut Conn<'_>,
    customer_id: &str,
    livemode: bool,
    card: &AcceptedCard,
    now: i64,
) -> StoreResult<CardRow> {
    let id = PaymentMethodId::from_suffix(&new_suffix());
    on!(conn => sqlx::query(
        "INSERT INTO payment_methods (id, customer_id, livemode, brand, last4, exp_month, exp_year, funding,
            charge_decline, created) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id.as_str())
    .bind(customer_id)
    .bind(livemode)
    .bind(card.brand.as_str())
    .bind(&card.last4)
    .bind(i64::from(card.exp_month))
    .bind(i64::from(card.exp_year))
    .bind(card.funding)
    .bind(card.charge_decline.map(Decline::as_str))
    .bind(now)
    .execute(&mut *conn)
    .await.map(|done| done.rows_affected()))?;
    on!(conn => sqlx::query("UPDATE customers SET default_payment_method = $1 WHERE id = $2")
        .bind(id.as_str())
        .bind(customer_id)
        .execute(&mut *conn)
        .await.map(|done| done.rows_affected()))?;
    Ok(CardRow {
        id,
        card: card.clone(),
        livemode,
        created: now,
    })
}

fn to_row(r: CardRecord) -> StoreResult<CardRow> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("payment method {}: {what}", r.id));
    let funding = match r.funding.as_str() {
        "credit" => "credit",
        "debit" => "debit",
        "prepaid" => "prepaid",
        _ => return Err(corrupt("funding")),
    };
    Ok(CardRow {
        id: PaymentMethodId::parse(&r.id).ok_or_else(|| corrupt("id"))?,
        card: AcceptedCard {
            brand: Brand::parse(&r.brand).ok_or_else(|| corrupt("brand"))?,
            last4: r.last4,
            exp_month: u32::try_from(r.exp_month).map_err(|_| corrupt("exp_month"))?,
            exp_year: u32::try_from(r.exp_year).map_err(|_| corrupt("exp_year"))?,
            funding,
            charge_decline: match r.charge_decline.as_deref() {
                Some(code) => Some(Decline::parse(code).ok_or_else(|| corrupt("charge_decline"))?),
                None => None,
            },
        },
        livemode: r.livemode,
        created: r.created,
    })
}
