//! The Stripe provider as a [`BillingProvider`]: the configuration's rules (in
//! `provider/rules.rs`) are settled before these run; each turns them into the
//! Stripe calls of `subscriptions.rs`, `cards.rs` and `account.rs`.

use super::objects::{Customer, Subscription};
use super::{ForwardedKey, Stripe, convert};
use crate::billing::state::MeteredItem;
use crate::billing::{self, ChangeError};
use crate::catalog::{Plan, Service};
use crate::provider::engine::{change_error, terms_error};
use crate::provider::{
    ActionKey, AdminCustomer, AdminInvoice, AdminLookup, BillingProvider, Cancellation, Change,
    ClockMove, DetailsUpdate, FlowTarget, InvoiceView, Party, PortalState, ProviderError,
    ProviderResult, Received,
};
use portico_wire::actions::{ActionResponse, ChangePreview};
use portico_wire::embed::{CardEntry, Customer as WireCustomer};
use portico_wire::invoice::Invoice;
use portico_wire::payment::{CardAttached, CardRequest, SetupIntent};
use portico_wire::test_clock::TestClock;
use portico_wire::{Currency, ErrorCode, Quantity, QuantityOption};
use std::collections::{BTreeMap, HashMap};

use super::changes::ChangeTarget;

fn forwarded(key: ActionKey<'_>) -> ForwardedKey {
    ForwardedKey::new(key.client_key, key.scope)
}

/// The quantity of a plan's (single, with Stripe) item: asked for, or kept.
fn first_quantity(
    service: &Service,
    plan: &Plan,
    quantity: Option<&QuantityOption>,
    keep: Option<Quantity>,
) -> ProviderResult<Quantity> {
    if quantity.is_none()
        && let Some(keep) = keep
    {
        return Ok(keep);
    }
    let terms = billing::plan_terms(service, plan, quantity, &[]).map_err(terms_error)?;
    Ok(terms.items.first().map_or(Quantity::ONE, |i| i.quantity))
}

impl Stripe {
    /// The party's subscription `id` and the change's target on it, as the
    /// rules allow.
    async fn change_target<'s>(
        &self,
        party: Party<'s>,
        id: &str,
        change: Change<'_>,
    ) -> ProviderResult<(Customer, Subscription, ChangeTarget<'s>)> {
        if change.rules.at_period_end {
            self.schedules_offered()?;
        }
        let (customer, sub) = self.owned(party.customer, party.service, id).await?;
        let current =
            convert::subscription(&sub, party.service).map_err(ProviderError::Internal)?;
        let plan = change
            .rules
            .target(party.service, change.plan, &current.plan)?;
        // Stripe refuses a subscription in two currencies too; the engine's answer is ours.
        if plan.currency != current.currency {
            return Err(change_error(ChangeError::Currency(plan.id.clone())));
        }
        let keep = current.items.first().map(|i| i.quantity);
        let quantity = first_quantity(party.service, plan, change.quantity, keep)?;
        let target = ChangeTarget {
            plan,
            quantity,
            proration: change.rules.proration,
            at_period_end: change.rules.at_period_end,
        };
        Ok((customer, sub, target))
    }
}

#[async_trait::async_trait]
impl BillingProvider for Stripe {
    fn name(&self) -> &'static str {
        "stripe"
    }

    fn acts_in_store(&self) -> bool {
        false
    }

    fn card_entry(&self) -> CardEntry {
        CardEntry::StripeJs {
            publishable_key: self.publishable_key.clone(),
            js_url: self.js_url.clone(),
        }
    }

    async fn portal(&self, party: Party<'_>) -> ProviderResult<PortalState> {
        Stripe::portal(self, party.customer, party.service).await
    }

    async fn sign_up(
        &self,
        party: Party<'_>,
        plan: &Plan,
        quantity: Option<&QuantityOption>,
        key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse> {
        let quantity = first_quantity(party.service, plan, quantity, None)?;
        Stripe::sign_up(
            self,
            party.customer,
            party.service,
            plan,
            quantity,
            &forwarded(key),
        )
        .await
    }

    async fn preview_change(
        &self,
        party: Party<'_>,
        id: &str,
        change: Change<'_>,
    ) -> ProviderResult<ChangePreview> {
        let (customer, sub, target) = self.change_target(party, id, change).await?;
        let now = self.clock.now().as_second();
        Stripe::preview_change(self, &customer, &sub, party.service, &target, now).await
    }

    async fn change(
        &self,
        party: Party<'_>,
        id: &str,
        change: Change<'_>,
        key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse> {
        let (_, sub, target) = self.change_target(party, id, change).await?;
        Stripe::change(self, &sub, party.service, &target, &forwarded(key)).await
    }

    async fn cancel(
        &self,
        party: Party<'_>,
        id: &str,
        how: &Cancellation,
        key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse> {
        Stripe::cancel(
            self,
            party.customer,
            party.service,
            id,
            how,
            &forwarded(key),
        )
        .await
    }

    async fn resume(
        &self,
        party: Party<'_>,
        id: &str,
        key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse> {
        Stripe::resume(self, party.customer, party.service, id, &forwarded(key)).await
    }

    async fn resubscribe(
        &self,
        party: Party<'_>,
        id: &str,
        plan: Option<&str>,
        quantity: Option<&QuantityOption>,
        key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse> {
        let (_, old) = self.owned(party.customer, party.service, id).await?;
        if !super::subscriptions::has_ended(&old) {
            return Err(ProviderError::conflict(
                ErrorCode::AlreadySubscribed,
                format!("The subscription `{id}` has not ended; change it instead."),
            ));
        }
        let old = convert::subscription(&old, party.service).map_err(ProviderError::Internal)?;
        let plan = crate::provider::rules::plan(party.service, plan.unwrap_or(&old.plan))?;
        let keep = old.items.first().map(|i| i.quantity);
        let quantity = first_quantity(party.service, plan, quantity, keep)?;
        Stripe::resubscribe(
            self,
            party.customer,
            party.service,
            id,
            plan,
            quantity,
            &forwarded(key),
        )
        .await
    }

    async fn attach_card(
        &self,
        _party: Party<'_>,
        _card: &CardRequest,
        _key: ActionKey<'_>,
    ) -> ProviderResult<CardAttached> {
        Err(ProviderError::bad_request(
            ErrorCode::ProviderUnsupported,
            "With the Stripe provider, cards are entered through Stripe.js: create a SetupIntent \
             (`POST /v1/embed/setup_intents`) and complete it once confirmed.",
        ))
    }

    async fn create_setup_intent(
        &self,
        party: Party<'_>,
        key: ActionKey<'_>,
    ) -> ProviderResult<SetupIntent> {
        Stripe::create_setup_intent(self, party.customer, &forwarded(key)).await
    }

    async fn complete_setup_intent(
        &self,
        party: Party<'_>,
        id: &str,
        key: ActionKey<'_>,
    ) -> ProviderResult<CardAttached> {
        super::complete_setup(self, party.customer, party.service, id, &forwarded(key)).await
    }

    async fn invoices(&self, party: Party<'_>) -> ProviderResult<Vec<Invoice>> {
        Stripe::invoices(self, party.customer, party.service).await
    }

    async fn invoice(&self, party: Party<'_>, id: &str) -> ProviderResult<InvoiceView> {
        self.one_invoice(party.customer, party.service, id).await
    }

    async fn update_details(
        &self,
        party: Party<'_>,
        update: &DetailsUpdate,
    ) -> ProviderResult<WireCustomer> {
        self.save_details(party.customer, update).await
    }

    fn wallets_pay_invoices(&self) -> ProviderResult<()> {
        // Stripe's invoices never draw on Portico's wallets: credits would be sold
        // and never spent.
        Err(ProviderError::bad_request(
            ErrorCode::ProviderUnsupported,
            "Prepaid wallets are the built-in billing engine's; the Stripe provider does not offer them.",
        ))
    }

    async fn customer_id(&self, party: Party<'_>) -> ProviderResult<Option<String>> {
        Ok(self.find_customer(party.customer).await?.map(|c| c.id))
    }

    async fn usage_customers(
        &self,
        livemode: bool,
        references: &[String],
    ) -> ProviderResult<HashMap<String, String>> {
        self.resolve_usage_customers(livemode, references).await
    }

    async fn report_usage(&self, events: &[crate::store::EventRow]) -> ProviderResult<()> {
        self.report(events).await
    }

    async fn metered_prices(
        &self,
        party: Party<'_>,
    ) -> ProviderResult<Option<(Vec<MeteredItem>, Currency)>> {
        self.live_metered(party.customer, party.service).await
    }

    async fn receive_webhook(
        &self,
        signature: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> ProviderResult<Received> {
        self.webhook(signature, body, now).await
    }

    async fn plans(&self) -> ProviderResult<Option<BTreeMap<String, Vec<Plan>>>> {
        Ok(Some(
            super::catalog::load(&self.client, self.dialect).await?,
        ))
    }

    async fn run_due(&self) -> ProviderResult<usize> {
        // Stripe renews, retries and ends subscriptions itself.
        Ok(0)
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
        _customer: Option<&str>,
        _how: ClockMove,
    ) -> ProviderResult<TestClock> {
        // Nothing here bills with Stripe: a moved clock would silently do nothing.
        Err(ProviderError::bad_request(
            ErrorCode::ProviderUnsupported,
            "Test clocks move the built-in billing engine's time; with the Stripe provider, use Stripe's test clocks.",
        ))
    }
}
