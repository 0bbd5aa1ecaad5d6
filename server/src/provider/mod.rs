//! Who holds the billing: Portico's own engine (`engine/`: the store's
//! transactions over the pure core in `billing/`) or Stripe (`stripe/`). Both
//! implement [`BillingProvider`], the one interface the HTTP layer calls; it is
//! chosen once at start (`lib.rs`) and handlers never name an implementation.
//! What the portal configuration allows is decided before a provider is called,
//! by the pure functions in `rules.rs`.

pub mod engine;
mod error;
pub mod rules;
pub mod stripe;

pub use error::{ProviderError, Refusal};
pub use rules::{Cancellation, ChangeRules};

use crate::catalog::{Plan, Service, SharedCatalog};
use portico_wire::actions::{ActionResponse, ChangePreview};
use portico_wire::customer::{Address, TaxId};
use portico_wire::embed::{CardEntry, Customer};
use portico_wire::invoice::Invoice;
use portico_wire::payment::{CardAttached, CardRequest, SetupIntent};
use portico_wire::test_clock::TestClock;
use portico_wire::{CustomerRef, QuantityOption};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

pub type ProviderResult<T> = Result<T, ProviderError>;

/// Whose billing an operation is about: the session's customer, in its service
/// and mode.
#[derive(Debug, Clone, Copy)]
pub struct Party<'a> {
    pub customer: &'a CustomerRef,
    pub service: &'a Service,
    pub livemode: bool,
}

/// The idempotency of one action: the client's `Idempotency-Key` (if it sent
/// one) within the scope of the customer's keys. Portico replays a finished
/// action itself; a provider that calls out forwards keys derived from this,
/// so a retry after a crash mid-action does not act twice there either.
#[derive(Debug, Clone, Copy)]
pub struct ActionKey<'a> {
    pub client_key: Option<&'a str>,
    pub scope: &'a str,
}

/// What the portal shows of the customer's billing, from either provider.
#[derive(Debug, Default)]
pub struct PortalState {
    pub customer: Option<Customer>,
    pub subscriptions: Vec<portico_wire::embed::Subscription>,
    pub payment_method: Option<portico_wire::payment::PaymentMethod>,
}

/// A plan change as the customer asked for it, with what the configuration
/// allows of it.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// The plan to switch to; `None` keeps the current one.
    pub plan: Option<&'a str>,
    pub quantity: Option<&'a QuantityOption>,
    pub rules: &'a ChangeRules,
}

/// An invoice, its customer, and the provider's own PDF of it if it has one
/// (otherwise Portico renders the PDF from the invoice).
#[derive(Debug, Clone)]
pub struct InvoiceView {
    pub invoice: Invoice,
    pub customer: Customer,
    pub pdf_link: Option<String>,
}

/// An invoice the admin API names by id: in whichever mode it is (the caller
/// compares), with the service of its subscription, if it still has one.
#[derive(Debug, Clone)]
pub struct AdminInvoice {
    pub view: InvoiceView,
    pub livemode: bool,
    pub service: Option<String>,
}

/// Billing details to change; a field left `None` stays as it is, and
/// `Some(None)` clears it. Validated before it reaches a provider.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct DetailsUpdate {
    pub name: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub address: Option<Address>,
    pub tax_id: Option<Option<TaxId>>,
}

/// An event of the provider's (from its webhook), under Portico's
/// provider-neutral name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PorticoEvent {
    /// The provider's event id: the de-duplication key.
    pub id: String,
    pub kind: &'static str,
    /// The provider's own name for the event.
    pub source_type: String,
    pub object_id: String,
    pub customer: Option<String>,
    pub livemode: bool,
    pub created: i64,
}

/// How the admin API names a customer: by id (`cus_…`), or as an embed
/// would (a Flexprice token's external id) in a mode.
#[derive(Debug, Clone, Copy)]
pub enum AdminLookup<'a> {
    Id(&'a str),
    Reference(&'a CustomerRef, bool),
}

/// A customer as the admin API needs it: to open a portal session for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminCustomer {
    /// The provider's id (`cus_…`): what a hosted portal session records.
    pub id: String,
    pub livemode: bool,
    /// How a portal session names them: by this id if set, else by email.
    pub external_id: Option<String>,
    pub email: Option<String>,
    /// The service of their newest subscription, if any.
    pub latest_service: Option<String>,
}

/// A subscription a hosted flow names, as the flow's checks need it.
#[derive(Debug, Clone)]
pub struct FlowTarget {
    pub service: String,
    pub subscription: crate::portal::flow::FlowSubscription,
}

/// What a webhook brought: an event to record, and whether the provider's
/// catalog changed (a product or price was created, updated or deleted).
#[derive(Debug, Default)]
pub struct Received {
    pub event: Option<PorticoEvent>,
    pub catalog_changed: bool,
}

/// Gives the shared catalog the provider's current plans, if the provider
/// holds them. Run on a catalog webhook and periodically, so a product or price
/// created at the provider is offered without a restart.
pub async fn refresh_catalog(
    provider: &dyn BillingProvider,
    catalog: &SharedCatalog,
) -> ProviderResult<()> {
    let _one_at_a_time = catalog.refresh_guard().await;
    let Some(plans) = provider.plans().await? else {
        return Ok(());
    };
    let kept = catalog.replace_plans(&plans);
    if !kept.is_empty() {
        tracing::warn!(services = ?kept, "the provider holds no plan for these services; their plans are kept");
    }
    tracing::info!(provider = provider.name(), "catalog refreshed");
    Ok(())
}

/// How a test clock moves: to a time, or by a number of seconds.
#[derive(Debug, Clone, Copy)]
pub enum ClockMove {
    To(i64),
    By(i64),
}

/// Every operation the widget API, the hosted portal and the admin API need of
/// whoever holds the billing. A provider that cannot do one refuses it with a
/// [`ProviderError::Refused`] whose message says why (the README's provider
/// table lists each); it cannot leave one out.
#[async_trait::async_trait]
pub trait BillingProvider: Send + Sync + std::fmt::Debug {
    /// A short name for logs and refusals: `engine`, `stripe`.
    fn name(&self) -> &'static str;

    /// How the portal takes a card with this provider.
    fn card_entry(&self) -> CardEntry;

    /// Whether an action's whole effect is a commit to Portico's store (the
    /// built-in engine). Then that commit also marks the action's
    /// `Idempotency-Key` applied, so a retry after a crash between the commit and
    /// the stored answer is refused instead of acting twice. A provider that calls
    /// out (Stripe) says no: it forwards the key, and its own idempotency makes
    /// the retry safe and complete.
    fn acts_in_store(&self) -> bool;

    /// The customer, their subscriptions in the service and their default card.
    async fn portal(&self, party: Party<'_>) -> ProviderResult<PortalState>;

    async fn sign_up(
        &self,
        party: Party<'_>,
        plan: &Plan,
        quantity: Option<&QuantityOption>,
        key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse>;

    /// What [`Self::change`] would do, computed without doing it.
    async fn preview_change(
        &self,
        party: Party<'_>,
        id: &str,
        change: Change<'_>,
    ) -> ProviderResult<ChangePreview>;

    /// Plan, seats or interval, now or at the period end, as the rules say.
    async fn change(
        &self,
        party: Party<'_>,
        id: &str,
        change: Change<'_>,
        key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse>;

    async fn cancel(
        &self,
        party: Party<'_>,
        id: &str,
        how: &Cancellation,
        key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse>;

    /// Undoes a cancel that waits for the period end.
    async fn resume(
        &self,
        party: Party<'_>,
        id: &str,
        key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse>;

    /// A new subscription after `id` ended; by default to the same plan and
    /// quantities. `plan` is looked up (`plan_not_found`) after `id` is found ended.
    async fn resubscribe(
        &self,
        party: Party<'_>,
        id: &str,
        plan: Option<&str>,
        quantity: Option<&QuantityOption>,
        key: ActionKey<'_>,
    ) -> ProviderResult<ActionResponse>;

    /// A card typed into the portal's own form (`CardEntry::Builtin`).
    async fn attach_card(
        &self,
        party: Party<'_>,
        card: &CardRequest,
        key: ActionKey<'_>,
    ) -> ProviderResult<CardAttached>;

    /// A SetupIntent for Stripe.js to confirm (`CardEntry::StripeJs`).
    async fn create_setup_intent(
        &self,
        party: Party<'_>,
        key: ActionKey<'_>,
    ) -> ProviderResult<SetupIntent>;

    /// The confirmed SetupIntent's card becomes the default and pays what is open.
    async fn complete_setup_intent(
        &self,
        party: Party<'_>,
        id: &str,
        key: ActionKey<'_>,
    ) -> ProviderResult<CardAttached>;

    /// The customer's invoices of the service's subscriptions, newest first.
    async fn invoices(&self, party: Party<'_>) -> ProviderResult<Vec<Invoice>>;

    /// One of those invoices, or `invoice_not_found`.
    async fn invoice(&self, party: Party<'_>, id: &str) -> ProviderResult<InvoiceView>;

    /// Saves billing details (name, email, address, tax id) and answers with
    /// the customer as the provider now holds it.
    async fn update_details(
        &self,
        party: Party<'_>,
        update: &DetailsUpdate,
    ) -> ProviderResult<Customer>;

    /// Refuses, with the reason, if prepaid wallets cannot pay this provider's
    /// invoices (credits would be sold and never spent).
    fn wallets_pay_invoices(&self) -> ProviderResult<()>;

    /// The provider's id of the party's customer, if they have one yet: whose
    /// usage the portal shows.
    async fn customer_id(&self, party: Party<'_>) -> ProviderResult<Option<String>>;

    /// The customers usage events name (an email, the integrator's id or the
    /// provider's `cus_…`), by reference, as the provider's ids in a mode; a
    /// reference it does not know is left out.
    async fn usage_customers(
        &self,
        livemode: bool,
        references: &[String],
    ) -> ProviderResult<HashMap<String, String>>;

    /// Hands usage Portico recorded to a provider that bills it (Stripe's
    /// meters), before Portico stores it; the built-in engine bills from the
    /// store itself. Reporting an event again must count it once.
    async fn report_usage(&self, events: &[crate::store::EventRow]) -> ProviderResult<()>;

    /// The prices the customer's live subscription puts on metered usage, to
    /// show usage priced; `None` when there are none.
    async fn metered_prices(
        &self,
        party: Party<'_>,
    ) -> ProviderResult<
        Option<(
            Vec<crate::billing::state::MeteredItem>,
            portico_wire::Currency,
        )>,
    >;

    /// A webhook the provider sent, checked against its signature over the raw
    /// body at `now`: the Portico event it is, if it is one Portico records.
    async fn receive_webhook(
        &self,
        signature: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> ProviderResult<Received>;

    /// The plans the provider holds, by service name; `None` when the catalog
    /// file's plans are the ones billed (the built-in engine).
    async fn plans(&self) -> ProviderResult<Option<BTreeMap<String, Vec<Plan>>>>;

    /// Runs what fell due by now (renewals, trial ends, period-end
    /// cancellations, payment retries) and says how many invoices it touched.
    /// A provider that bills on its own side has nothing to run.
    async fn run_due(&self) -> ProviderResult<usize>;

    /// Invoice `id`, whoever's it is, for the admin API.
    async fn admin_invoice(&self, id: &str) -> ProviderResult<Option<AdminInvoice>>;

    /// The customer the admin API names, if the provider has them.
    async fn admin_customer(
        &self,
        lookup: AdminLookup<'_>,
    ) -> ProviderResult<Option<AdminCustomer>>;

    /// Subscription `id`, if it is `customer`'s: its service and what a hosted
    /// flow checks of it.
    async fn flow_target(
        &self,
        customer: &AdminCustomer,
        id: &str,
    ) -> ProviderResult<Option<FlowTarget>>;

    /// Moves a test-mode clock (one customer's, or everyone's) and runs what fell
    /// due.
    async fn advance_test_clock(
        &self,
        customer: Option<&str>,
        how: ClockMove,
    ) -> ProviderResult<TestClock>;
}

/// The provider the server runs with.
pub type Provider = Arc<dyn BillingProvider>;

/// What `Config` says about the provider.
#[derive(Debug, Clone, Default)]
pub enum ProviderConfig {
    #[default]
    Local,
    Stripe(stripe::StripeConfig),
}
