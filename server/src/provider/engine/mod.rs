//! The built-in billing engine as a [`BillingProvider`]: the store's
//! transactions (`store/`) over the pure core (`billing/`), with time from the
//! server's [`Clock`] (and each customer's test clock). It holds test cards
//! only, so it serves test mode; live payments need another provider.

mod account;
mod admin;
mod subscriptions;
mod test_clock;

pub(crate) use subscriptions::{change_error, terms_error};

use super::{
    ActionKey, AdminCustomer, AdminInvoice, AdminLookup, BillingProvider, Cancellation, Change,
    ClockMove, DetailsUpdate, FlowTarget, InvoiceView, Party, PortalState, ProviderError,
    ProviderResult, Received,
};
use crate::billing::state::MeteredItem;
use crate::catalog::Plan;
use crate::clock::Clock;
use crate::store::{Store, StoreError};
use portico_wire::actions::{ActionResponse, ChangePreview};
use portico_wire::embed::{CardEntry, Customer};
use portico_wire::invoice::Invoice;
use portico_wire::payment::{CardAttached, CardRequest, SetupIntent};
use portico_wire::test_clock::TestClock;
use portico_wire::{Currency, ErrorCode, QuantityOption};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Engine {
    store: Store,
    clock: Arc<dyn Clock>,
}

impl Engine {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }
}

impl From<StoreError> for ProviderError {
    fn from(error: StoreError) -> Self {
        Self::Internal(format!("store: {error}"))
    }
}

/// Idempotency needs nothing more here: the HTTP layer replays a finished
/// action, and each action is one store transaction.
#[async_trait::async_trait]
impl BillingProvider for Engine {
    fn name(&self) -> &'static str {
        "engine"
    }

    fn card_entry(&self) -> CardEntry {
        CardEntry::Builtin
    }

    fn acts_in_store(&self) -> bool {
        true
    }

    async fn portal(&self, party: Party<'_>) -> ProviderResult<PortalState> {
        self.state(party).await
    }

    async fn sign_up(
        &self,
        party: Party<'_>,
        plan: &Plan,
        quantity: Option<&QuantityOption>,
        _key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse> {
        self.subscribe(party, plan, quantity).await
    }

    async fn preview_change(
        &self,
        party: Party<'_>,
        id: &str,
        change: Change<'_>,
    ) -> ProviderResult<ChangePreview> {
        self.preview(party, id, change).await
    }

    async fn change(
        &self,
        party: Party<'_>,
        id: &str,
        change: Change<'_>,
        _key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse> {
        let applied = self.apply_change(party, id, change, true).await?;
        Ok(subscriptions::respond(&applied))
    }

    async fn cancel(
        &self,
        party: Party<'_>,
        id: &str,
        how: &Cancellation,
        _key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse> {
        self.cancel_now_or_later(party, id, how).await
    }

    async fn resume(
        &self,
        party: Party<'_>,
        id: &str,
        _key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse> {
        self.undo_cancel(party, id).await
    }

    async fn resubscribe(
        &self,
        party: Party<'_>,
        id: &str,
        plan: Option<&str>,
        quantity: Option<&QuantityOption>,
        _key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse> {
        self.subscribe_again(party, id, plan, quantity).await
    }

    async fn attach_card(
        &self,
        party: Party<'_>,
        card: &CardRequest,
        _key: ActionKey<'_>,
    ) -> ProviderResult<CardAttached> {
        self.take_card(party, card).await
    }

    async fn create_setup_intent(
        &self,
        _party: Party<'_>,
        _key: ActionKey<'_>,
    ) -> ProviderResult<SetupIntent> {
        Err(not_stripe())
    }

    async fn complete_setup_intent(
        &self,
        _party: Party<'_>,
        _id: &str,
        _key: ActionKey<'_>,
    ) -> ProviderResult<CardAttached> {
        Err(not_stripe())
    }

    async fn invoices(&self, party: Party<'_>) -> ProviderResult<Vec<Invoice>> {
        self.invoice_list(party).await
    }

    async fn invoice(&self, party: Party<'_>, id: &str) -> ProviderResult<InvoiceView> {
        self.one_invoice(party, id).await
    }

    async fn update_details(
        &self,
        party: Party<'_>,
        update: &DetailsUpdate,
    ) -> ProviderResult<Customer> {
        self.save_details(party, update).await
    }

    fn wallets_pay_invoices(&self) -> ProviderResult<()> {
        Ok(())
    }

    async fn customer_id(&self, party: Party<'_>) -> ProviderResult<Option<String>> {
        Ok(self
            .store
            .find_customer(party.livemode, party.customer)
            .await?
            .map(|c| c.id))
    }

    async fn usage_customers(
        &self,
        livemode: bool,
        references: &[String],
    ) -> ProviderResult<HashMap<String, String>> {
        Ok(self.store.resolve_customers(livemode, references).await?)
    }

    async fn report_usage(&self, _events: &[crate::store::EventRow]) -> ProviderResult<()> {
        Ok(())
    }

    async fn metered_prices(
        &self,
        party: Party<'_>,
    ) -> ProviderResult<Option<(Vec<MeteredItem>, Currency)>> {
        let Some(customer) = self
            .store
            .find_customer(party.livemode, party.customer)
            .await?
        else {
            return Ok(None);
        };
        Ok(self
            .store
            .live_metered_prices(&customer.id, party.service.name.as_str())
            .await?)
    }

    async fn receive_webhook(
        &self,
        _signature: Option<&str>,
        _body: &[u8],
        _now: i64,
    ) -> ProviderResult<Received> {
        Err(not_stripe())
    }

    async fn plans(&self) -> ProviderResult<Option<BTreeMap<String, Vec<Plan>>>> {
        Ok(None)
    }

    async fn run_due(&self) -> ProviderResult<usize> {
        let run = self.store.run_due(self.clock.now()).await?;
        Ok(logged(run).len())
    }

    async fn admin_invoice(&self, id: &str) -> ProviderResult<Option<AdminInvoice>> {
        self.invoice_for_admin(id).await
    }

    async fn admin_customer(
        &self,
        lookup: AdminLookup<'_>,
    ) -> ProviderResult<Option<AdminCustomer>> {
        self.find_for_admin(lookup).await
    }

    async fn flow_target(
        &self,
        customer: &AdminCustomer,
        id: &str,
    ) -> ProviderResult<Option<FlowTarget>> {
        self.subscription_for_flow(customer, id).await
    }

    async fn advance_test_clock(
        &self,
        customer: Option<&str>,
        how: ClockMove,
    ) -> ProviderResult<TestClock> {
        self.advance(customer, how).await
    }
}

fn not_stripe() -> ProviderError {
    ProviderError::not_found(
        ErrorCode::ResourceNotFound,
        "This server runs the built-in billing engine; SetupIntents and Stripe webhooks exist only with `--provider stripe`.",
    )
}

/// The invoices a billing run touched, with each subscription it could not run
/// logged (it stays due, so the next run tries it again).
pub(super) fn logged(run: crate::store::DueRun) -> Vec<crate::store::InvoiceRow> {
    for failure in &run.failures {
        tracing::error!(
            subscription = %failure.subscription_id,
            error = %failure.error,
            "could not run what is due for this subscription; retried on the next run"
        );
    }
    run.invoices
}
