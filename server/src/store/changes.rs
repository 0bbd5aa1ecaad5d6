//! A decision on one subscription, applied (`commit: true`) or previewed. A preview
//! reads in a deferred transaction and builds what the change would store without
//! writing it, so it never takes SQLite's write lock: previews, which a customer
//! asks for at every step of the change panel, never queue a writer.

use super::backend::Lock;
use super::billing::{Applied, apply, customer_now};
use super::invoices::InvoiceRow;
use super::subscriptions::{self, SubscriptionRow};
use super::{CustomerRow, Store, StoreError, accounts, customers, new_suffix};
use crate::billing::state::{Account, Decision, Subscription};
use jiff::Timestamp;
use portico_wire::ids::{InvoiceId, SubscriptionItemId};

impl Store {
    /// Runs `decide` on the customer's subscription `id` in `service` and stores the
    /// result; with `commit: false` (a preview) the result is built as it would be
    /// stored, and nothing is written. `None` if the customer has no such
    /// subscription in that service.
    pub async fn mutate<E: From<StoreError>>(
        &self,
        customer_id: &str,
        service: &str,
        id: &str,
        real_now: Timestamp,
        commit: bool,
        decide: impl FnOnce(&Subscription, &Account, Timestamp) -> Result<Decision, E>,
    ) -> Result<Option<Applied>, E> {
        let mut tx = if commit {
            self.begin_write(Lock::Customer(customer_id)).await?
        } else {
            self.pool.begin_read().await?
        };
        let Some(mut row) = subscriptions::load(&mut tx.conn(), id).await? else {
            return Ok(None);
        };
        if row.customer_id != customer_id || row.service != service {
            return Ok(None);
        }
        let customer = customers::by_id(&mut tx.conn(), customer_id).await?;
        let account = accounts::load(&mut tx.conn(), customer_id, &row.state.currency).await?;
        let now = customer_now(&mut tx.conn(), &customer, real_now).await?;
        let decision = decide(&row.state, &account, now)?;
        if commit {
            let applied = apply(&mut tx.conn(), customer, &mut row, decision).await?;
            tx.commit().await?;
            Ok(Some(applied))
        } else {
            tx.rollback().await?;
            Ok(Some(unsaved(customer, row, decision)))
        }
    }
}

/// What [`apply`] would store and read back, built without writing: new items and
/// the new invoice get ids that are never stored, and the invoice no number (a
/// preview shows it as a draft).
fn unsaved(customer: CustomerRow, mut row: SubscriptionRow, decision: Decision) -> Applied {
    let created_invoice = decision.created_invoice().map(|invoice| InvoiceRow {
        id: InvoiceId::from_suffix(&new_suffix()),
        number: String::new(),
        customer_id: customer.id.clone(),
        subscription_id: Some(row.id.clone()),
        livemode: row.livemode,
        invoice: invoice.clone(),
    });
    row.state = decision.subscription;
    for item in &mut row.state.terms.items {
        item.id
            .get_or_insert_with(|| SubscriptionItemId::from_suffix(&new_suffix()).to_string());
    }
    if let Some(created) = &created_invoice {
        row.latest_invoice = Some(created.id.clone());
    }
    Applied {
        customer,
        subscription: row,
        invoices: Vec::new(),
        created_invoice,
        account: decision.account,
    }
}
