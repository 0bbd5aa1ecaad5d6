//! The engine's transactions: load the state, let the core decide, write what it
//! decided — all inside one `BEGIN IMMEDIATE` transaction, so mutations are
//! serialized and a decision is either wholly kept or not at all.

use super::accounts::{self, CardRow};
use super::backend::{Conn, Lock, on};
use super::invoices::{self, InvoiceRow};
use super::subscriptions::{self, SubscriptionRow};
use super::{CustomerRow, Store, StoreError, StoreResult, clocks, customers, new_suffix, wallets};
use crate::billing::cards::AcceptedCard;
use crate::billing::state::{Account, Decision, Subscription};
use crate::billing::{Status, pay_now, run_due};
use jiff::Timestamp;
use portico_wire::ids::SubscriptionId;
use portico_wire::wallet::Credits;
use portico_wire::{Currency, CustomerRef};

/// What a decision became once stored.
#[derive(Debug, Clone)]
pub struct Applied {
    pub customer: CustomerRow,
    pub subscription: SubscriptionRow,
    /// Every invoice the decision created or updated.
    pub invoices: Vec<InvoiceRow>,
    /// The one it created, if any.
    pub created_invoice: Option<InvoiceRow>,
    /// The customer's account after the decision.
    pub account: Account,
}

/// What a signup did.
#[derive(Debug, Clone)]
pub enum SignupOutcome {
    Created(Box<Applied>),
    /// The customer already has a live subscription in this service; nothing changed.
    AlreadySubscribed(SubscriptionId),
}

/// Inputs the core needs for a signup beyond the account.
#[derive(Debug, Clone, Copy)]
pub struct SignupContext {
    /// Whether the customer may still have a trial: never subscribed to the service.
    pub trial_eligible: bool,
    pub now: Timestamp,
}

impl Store {
    /// Signs up the customer (creating them if new) with what `decide` returns.
    pub async fn sign_up<E: From<StoreError>>(
        &self,
        livemode: bool,
        customer: &CustomerRef,
        service: &str,
        currency: &Currency,
        real_now: Timestamp,
        decide: impl FnOnce(&Account, SignupContext) -> Result<Decision, E>,
    ) -> Result<SignupOutcome, E> {
        let identity = customers::identity_lock(livemode, customer);
        let mut tx = self.begin_write(Lock::Name(&identity)).await?;
        let now = real_now.as_second();
        let customer = customers::find_or_insert(&mut tx, livemode, customer, now).await?;
        let previous: Vec<(String, String)> = on!(tx, conn => sqlx::query_as(
            "SELECT id, status FROM subscriptions WHERE customer_id = $1 AND service = $2",
        )
        .bind(&customer.id)
        .bind(service)
        .fetch_all(&mut *conn)
        .await)
        .map_err(StoreError::from)?;
        let live = |status: &str| Status::parse(status).is_none_or(|s| !s.has_ended());
        if let Some((id, _)) = previous.iter().find(|(_, status)| live(status)) {
            let id = SubscriptionId::parse(id)
                .ok_or_else(|| StoreError::Corrupt(format!("subscription id `{id}`")))?;
            return Ok(SignupOutcome::AlreadySubscribed(id));
        }
        let account = accounts::load(&mut tx.conn(), &customer.id, currency).await?;
        let context = SignupContext {
            trial_eligible: previous.is_empty(),
            now: customer_now(&mut tx.conn(), &customer, real_now).await?,
        };
        let decision = decide(&account, context)?;
        let mut row = SubscriptionRow {
            id: SubscriptionId::from_suffix(&new_suffix()),
            customer_id: customer.id.clone(),
            service: service.to_owned(),
            livemode,
            state: decision.subscription.clone(),
            latest_invoice: None,
        };
        let applied = apply(&mut tx.conn(), customer, &mut row, decision).await?;
        tx.commit().await?;
        Ok(SignupOutcome::Created(Box::new(applied)))
    }

    /// Runs everything due by each customer's clock, each subscription in its own
    /// transaction: one that fails (an error, or a panic in the engine's arithmetic)
    /// is rolled back, reported and tried again on the next run, and the others go
    /// on, so no test-mode subscription can hold up a live renewal.
    pub async fn run_due(&self, real_now: Timestamp) -> StoreResult<DueRun> {
        let ids = {
            let mut pooled = self.pool.acquire().await?;
            let conn = &mut pooled.conn();
            clocks::due_subscriptions(conn, real_now.as_second()).await?
        };
        let mut run = DueRun::default();
        for id in ids {
            match self.run_due_for(&id, real_now).await {
                Ok(invoices) => run.invoices.extend(invoices),
                Err(error) => run.failures.push(DueFailure {
                    subscription_id: id,
                    error,
                }),
            }
        }
        Ok(run)
    }

    async fn run_due_for(&self, id: &str, real_now: Timestamp) -> StoreResult<Vec<InvoiceRow>> {
        let mut tx = self.begin_write(Lock::CustomerOfSubscription(id)).await?;
        // Loaded again inside the transaction: a request, or another server's
        // runner, may have changed it.
        let Some(mut row) = subscriptions::load(&mut tx.conn(), id).await? else {
            return Ok(Vec::new());
        };
        let customer = customers::by_id(&mut tx.conn(), &row.customer_id).await?;
        let now = customer_now(&mut tx.conn(), &customer, real_now).await?;
        let mut account = accounts::load(&mut tx.conn(), &customer.id, &row.state.currency).await?;
        let mut touched = Vec::new();
        while let Some(decision) = decide_due(&row.state, &account, now)? {
            account = decision.account.clone();
            let applied = apply(&mut tx.conn(), customer.clone(), &mut row, decision).await?;
            row = applied.subscription;
            touched.extend(applied.invoices);
        }
        tx.commit().await?;
        Ok(touched)
    }

    /// Keeps `card` as the customer's default (creating the customer if new) and
    /// tries it on every open invoice of `service`, oldest first. (Other services'
    /// invoices are retried with it on their own schedule.)
    pub async fn attach_card(
        &self,
        livemode: bool,
        customer: &CustomerRef,
        service: &str,
        card: &AcceptedCard,
        real_now: Timestamp,
    ) -> StoreResult<(CustomerRow, CardRow, Vec<InvoiceRow>)> {
        let identity = customers::identity_lock(livemode, customer);
        let mut tx = self.begin_write(Lock::Name(&identity)).await?;
        let customer =
            customers::find_or_insert(&mut tx, livemode, customer, real_now.as_second()).await?;
        let now = customer_now(&mut tx.conn(), &customer, real_now).await?;
        let card = accounts::attach(
            &mut tx.conn(),
            &customer.id,
            livemode,
            card,
            now.as_second(),
        )
        .await?;
        let mut touched = Vec::new();
        for open in invoices::of_customer(&mut tx.conn(), &customer.id, true).await? {
            let Some(sub_id) = &open.subscription_id else {
                continue;
            };
            let Some(mut row) = subscriptions::load(&mut tx.conn(), sub_id.as_str()).await? else {
                continue;
            };
            if row.service != service {
                continue;
            }
            let account = accounts::load(&mut tx.conn(), &customer.id, &row.state.currency).await?;
            let decision = pay_now(&row.state, &open.invoice, &account, now);
            touched.extend(
                apply(&mut tx.conn(), customer.clone(), &mut row, decision)
                    .await?
                    .invoices,
            );
        }
        tx.commit().await?;
        Ok((customer, card, touched))
    }

    /// Moves a test clock forward: one customer's, or everyone's with `None`.
    pub async fn advance_clock(&self, customer_id: Option<&str>, seconds: i64) -> StoreResult<()> {
        let mut tx = self.begin_write(Lock::Name("test-clocks")).await?;
        clocks::advance(&mut tx.conn(), customer_id, seconds).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The time by the clock of `customer_id` (everyone's with `None`) in test mode.
    pub async fn test_clock_now(
        &self,
        customer_id: Option<&str>,
        real_now: Timestamp,
    ) -> StoreResult<Timestamp> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        let offset = clocks::offset(conn, false, customer_id).await?;
        super::ts(real_now.as_second() + offset)
    }

    pub async fn subscriptions_of(
        &self,
        customer_id: &str,
        service: &str,
    ) -> StoreResult<Vec<SubscriptionRow>> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        subscriptions::of_customer(conn, customer_id, service, subscriptions::Depth::Billing).await
    }

    /// The customer's subscriptions in `service` as a portal shows them: without
    /// open invoices, waiting prorations or usage (`Depth::Shown`), so never
    /// billed from.
    pub async fn subscriptions_shown(
        &self,
        customer_id: &str,
        service: &str,
    ) -> StoreResult<Vec<SubscriptionRow>> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        subscriptions::of_customer(conn, customer_id, service, subscriptions::Depth::Shown).await
    }

    /// Ids of the customer's subscriptions in `service`.
    pub async fn subscription_ids_of(
        &self,
        customer_id: &str,
        service: &str,
    ) -> StoreResult<Vec<String>> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        subscriptions::ids_of_customer(conn, customer_id, service).await
    }

    pub async fn invoices_of(&self, customer_id: &str) -> StoreResult<Vec<InvoiceRow>> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        invoices::of_customer(conn, customer_id, false).await
    }

    pub async fn invoice(&self, id: &str) -> StoreResult<Option<InvoiceRow>> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        invoices::get(conn, id).await
    }

    pub async fn default_card(&self, customer_id: &str) -> StoreResult<Option<CardRow>> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        accounts::default_card(conn, customer_id).await
    }

    /// The customer with this `cus_…` id, in whichever mode it lives.
    pub async fn customer(&self, id: &str) -> StoreResult<Option<CustomerRow>> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        customers::find_by_id(conn, id).await
    }

    pub async fn subscription(&self, id: &str) -> StoreResult<Option<SubscriptionRow>> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        subscriptions::load(conn, id).await
    }

    /// The service of the customer's newest subscription, if any.
    pub async fn latest_service_of(&self, customer_id: &str) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = on!(pool self.pool, conn => sqlx::query_as(
            "SELECT service FROM subscriptions WHERE customer_id = $1 ORDER BY created DESC, seq DESC LIMIT 1",
        )
        .bind(customer_id)
        .fetch_optional(&mut *conn)
        .await)?;
        Ok(row.map(|(service,)| service))
    }

    pub async fn customer_by_id(&self, id: &str) -> StoreResult<CustomerRow> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        customers::by_id(conn, id).await
    }

    /// The time by the customer's clock.
    pub async fn customer_now(
        &self,
        customer: &CustomerRow,
        real_now: Timestamp,
    ) -> StoreResult<Timestamp> {
        let mut pooled = self.pool.acquire().await?;
        let conn = &mut pooled.conn();
        customer_now(conn, customer, real_now).await
    }
}

pub(super) async fn customer_now(
    conn: &mut Conn<'_>,
    customer: &CustomerRow,
    real_now: Timestamp,
) -> StoreResult<Timestamp> {
    let offset = clocks::offset(conn, customer.livemode, Some(&customer.id)).await?;
    super::ts(real_now.as_second() + offset)
}

pub(super) async fn apply(
    conn: &mut Conn<'_>,
    customer: CustomerRow,
    row: &mut SubscriptionRow,
    decision: Decision,
) -> StoreResult<Applied> {
    row.state = decision.subscription;
    subscriptions::save(conn, row).await?;
    let mut stored = Vec::with_capacity(decision.invoices.len());
    let mut created = None;
    for invoice in &decision.invoices {
        let saved = invoices::save(conn, &customer.id, &row.id, row.livemode, invoice).await?;
        if invoice.id.is_none()
            && invoice.wallet_credits > Credits::ZERO
            && let Some(wallet) = &decision.account.wallet
        {
            wallets::save_payment(
                conn,
                wallet,
                saved.id.as_str(),
                invoice.wallet_credits,
                invoice.paid_from_wallet,
                invoice.created.as_second(),
            )
            .await?;
        }
        if invoice.id.is_none() && created.is_none() {
            created = Some(saved.clone());
        }
        stored.push(saved);
    }
    let account = decision.account;
    accounts::save_balance(conn, &customer.id, &row.state.currency, account.balance).await?;
    // Reloaded so the caller sees ids, the open invoice and the latest invoice as stored.
    let subscription = subscriptions::load(conn, row.id.as_str())
        .await?
        .ok_or_else(|| StoreError::Corrupt(format!("subscription {} vanished", row.id)))?;
    Ok(Applied {
        customer,
        subscription,
        invoices: stored,
        created_invoice: created,
        account,
    })
}

/// What one run of [`Store::run_due`] did.
#[derive(Debug, Default)]
pub struct DueRun {
    /// The invoices created or paid.
    pub invoices: Vec<InvoiceRow>,
    /// The subscriptions left as they were, to be tried again on the next run.
    pub failures: Vec<DueFailure>,
}

#[derive(Debug)]
pub struct DueFailure {
    pub subscription_id: String,
    pub error: StoreError,
}

/// The engine's decision, with a panic in it (period arithmetic at the edge of
/// time, say) caught and turned into this subscription's error.
fn decide_due(
    sub: &Subscription,
    account: &Account,
    now: Timestamp,
) -> StoreResult<Option<Decision>> {
    // Nothing the closure sees outlives a panic: the caller rolls the transaction back.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_due(sub, account, now))).map_err(
        |panic| {
            let message = crate::panic_message(panic.as_ref());
            StoreError::Corrupt(format!(
                "the engine panicked on this subscription: {message}"
            ))
        },
    )
}
