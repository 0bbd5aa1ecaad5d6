use super::{CustomerRow, Store, StoreError, StoreResult, customers, new_suffix};
use crate::billing::{NewSubscription, Status};
use portico_wire::ids::{SubscriptionId, SubscriptionItemId};
use portico_wire::price::Price;
use portico_wire::{Currency, CustomerRef, Quantity};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionRow {
    pub id: SubscriptionId,
    pub customer_id: String,
    pub service: String,
    pub plan: String,
    pub status: Status,
    pub currency: Currency,
    pub items: Vec<ItemRow>,
    pub current_period_start: i64,
    pub current_period_end: i64,
    pub trial_end: Option<i64>,
    pub cancel_at_period_end: bool,
    pub livemode: bool,
    pub created: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    pub id: SubscriptionItemId,
    pub product: String,
    pub unit_label: Option<String>,
    pub quantity: Quantity,
    pub price: Price,
}

/// What a signup did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignupOutcome {
    Created {
        customer: CustomerRow,
        subscription: Box<SubscriptionRow>,
    },
    /// The customer already has a live subscription in this service; nothing changed.
    AlreadySubscribed(SubscriptionId),
}

#[derive(sqlx::FromRow)]
struct SubscriptionRecord {
    id: String,
    customer_id: String,
    service: String,
    plan: String,
    status: String,
    currency: String,
    current_period_start: i64,
    current_period_end: i64,
    trial_end: Option<i64>,
    cancel_at_period_end: bool,
    livemode: bool,
    created: i64,
}

#[derive(sqlx::FromRow)]
struct ItemRecord {
    id: String,
    product: String,
    unit_label: Option<String>,
    quantity: i64,
    /// `Price` as JSON, in Stripe's shape.
    price: String,
}

impl Store {
    /// Creates the customer if new and the subscription, in one transaction.
    pub async fn sign_up(
        &self,
        livemode: bool,
        customer: &CustomerRef,
        service: &str,
        new: &NewSubscription,
        now: i64,
    ) -> StoreResult<SignupOutcome> {
        let mut tx = self.begin_write().await?;
        let customer = match customers::find(&mut tx, livemode, customer).await? {
            Some(existing) => existing,
            None => customers::insert(&mut tx, livemode, customer, now).await?,
        };
        let live: Option<(String,)> = sqlx::query_as(
            "SELECT id FROM subscriptions WHERE customer_id = ? AND service = ? AND status <> 'canceled' LIMIT 1",
        )
        .bind(&customer.id)
        .bind(service)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some((id,)) = live {
            return Ok(SignupOutcome::AlreadySubscribed(parse_id(&id)?));
        }

        let id = SubscriptionId::from_suffix(&new_suffix());
        sqlx::query(
            "INSERT INTO subscriptions (id, customer_id, service, plan, status, currency, current_period_start,
             current_period_end, trial_end, cancel_at_period_end, livemode, created)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
        )
        .bind(id.as_str())
        .bind(&customer.id)
        .bind(service)
        .bind(&new.plan)
        .bind(new.status.as_str())
        .bind(new.currency.as_str())
        .bind(new.current_period_start.as_second())
        .bind(new.current_period_end.as_second())
        .bind(new.trial_end.map(|t| t.as_second()))
        .bind(livemode)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let mut items = Vec::with_capacity(new.items.len());
        for (position, item) in new.items.iter().enumerate() {
            let row = ItemRow {
                id: SubscriptionItemId::from_suffix(&new_suffix()),
                product: item.product.clone(),
                unit_label: item.unit_label.clone(),
                quantity: item.quantity,
                price: item.price.clone(),
            };
            let price = serde_json::to_string(&row.price)
                .map_err(|e| StoreError::Corrupt(format!("price of {}: {e}", row.id)))?;
            sqlx::query(
                "INSERT INTO subscription_items (id, subscription_id, position, product, unit_label, quantity, price)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(row.id.as_str())
            .bind(id.as_str())
            .bind(position as i64)
            .bind(&row.product)
            .bind(&row.unit_label)
            .bind(i64::from(row.quantity.get()))
            .bind(price)
            .execute(&mut *tx)
            .await?;
            items.push(row);
        }
        tx.commit().await?;
        let subscription = SubscriptionRow {
            id,
            customer_id: customer.id.clone(),
            service: service.to_owned(),
            plan: new.plan.clone(),
            status: new.status,
            currency: new.currency.clone(),
            items,
            current_period_start: new.current_period_start.as_second(),
            current_period_end: new.current_period_end.as_second(),
            trial_end: new.trial_end.map(|t| t.as_second()),
            cancel_at_period_end: false,
            livemode,
            created: now,
        };
        Ok(SignupOutcome::Created {
            customer,
            subscription: Box::new(subscription),
        })
    }

    /// The customer's subscriptions in `service`, newest first.
    pub async fn subscriptions_of(
        &self,
        customer_id: &str,
        service: &str,
    ) -> StoreResult<Vec<SubscriptionRow>> {
        let records: Vec<SubscriptionRecord> = sqlx::query_as(
            "SELECT id, customer_id, service, plan, status, currency, current_period_start, current_period_end,
                    trial_end, cancel_at_period_end, livemode, created
             FROM subscriptions WHERE customer_id = ? AND service = ? ORDER BY created DESC, id",
        )
        .bind(customer_id)
        .bind(service)
        .fetch_all(&self.pool)
        .await?;
        let mut rows = Vec::with_capacity(records.len());
        for record in records {
            let items: Vec<ItemRecord> = sqlx::query_as(
                "SELECT id, product, unit_label, quantity, price FROM subscription_items
                 WHERE subscription_id = ? ORDER BY position",
            )
            .bind(&record.id)
            .fetch_all(&self.pool)
            .await?;
            rows.push(to_row(record, items)?);
        }
        Ok(rows)
    }
}

fn parse_id(id: &str) -> StoreResult<SubscriptionId> {
    SubscriptionId::parse(id).ok_or_else(|| StoreError::Corrupt(format!("subscription id `{id}`")))
}

fn to_row(record: SubscriptionRecord, items: Vec<ItemRecord>) -> StoreResult<SubscriptionRow> {
    let corrupt = |what: String| StoreError::Corrupt(format!("subscription {}: {what}", record.id));
    let items = items
        .into_iter()
        .map(|item| {
            Ok(ItemRow {
                id: SubscriptionItemId::parse(&item.id)
                    .ok_or_else(|| corrupt(format!("item id `{}`", item.id)))?,
                product: item.product,
                unit_label: item.unit_label,
                quantity: u64::try_from(item.quantity)
                    .ok()
                    .and_then(|q| Quantity::new(q).ok())
                    .ok_or_else(|| corrupt(format!("quantity {}", item.quantity)))?,
                price: serde_json::from_str(&item.price)
                    .map_err(|e| corrupt(format!("price `{}`: {e}", item.price)))?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(SubscriptionRow {
        id: parse_id(&record.id)?,
        status: Status::parse(&record.status)
            .ok_or_else(|| corrupt(format!("status `{}`", record.status)))?,
        currency: Currency::parse(&record.currency).map_err(corrupt)?,
        customer_id: record.customer_id,
        service: record.service,
        plan: record.plan,
        items,
        current_period_start: record.current_period_start,
        current_period_end: record.current_period_end,
        trial_end: record.trial_end,
        cancel_at_period_end: record.cancel_at_period_end,
        livemode: record.livemode,
        created: record.created,
    })
}
