//! The parts of the portal that load on demand, and how they show while they do.
//!
//! Each `#[wasm_split(module)]` function is cut out of the main wasm by
//! `cargo xtask` (wasm-split-cli, see `xtask/src/widget.rs`), with all the code
//! only it reaches, into `split_{module}.wasm`. The first call fetches that module;
//! later calls find it loaded. Outside the browser (native tests) the call is
//! direct. The Overview's first paint needs none of them: the usage trend, the
//! wallets and the forms behind buttons arrive after it.

use super::Portal;
use super::account::{CardForm, DetailsForm, Invoices};
use super::credits::{Credits, WalletBalances};
use super::manage::{CancelPanel, ChangePanel};
use super::notice::ErrorNotice;
use super::stripe_card::StripeCardForm;
use super::usage::UsageSection;
use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;
use leptos::task::spawn_local;
use portico_wire::billing_portal::Features;
use portico_wire::billing_portal::configuration::CustomerUpdateFeature;
use portico_wire::customer::{Address, TaxId};
use portico_wire::embed::{Plan, Subscription};
use portico_wire::event::ErrorResponse;
use portico_wire::{ErrorCode, QuantityOption};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_split_helpers::SplitLoaderError;

/// A module could not be fetched or instantiated (offline, blocked, a deploy
/// that removed it). The loader does not remember the failure: a retry fetches again.
#[derive(Debug)]
pub struct ChunkMissing;

impl From<SplitLoaderError> for ChunkMissing {
    fn from(_: SplitLoaderError) -> Self {
        Self
    }
}

type Loaded = Result<AnyView, ChunkMissing>;
type Loader = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Loaded>>>>;

/// Shows what `load` builds once its module is there. Until then, with
/// `placeholder`, a loading skeleton (a tab's panel is never blank); without, nothing
/// (a section that appears later anyway). If the module cannot load: an inline
/// error with "Try again", and an `error` event.
pub(super) fn on_demand<F>(
    portal: Portal,
    placeholder: bool,
    load: impl Fn() -> F + 'static,
) -> AnyView
where
    F: Future<Output = Loaded> + 'static,
{
    let load: Loader = Rc::new(move || Box::pin(load()));
    view! { <OnDemand portal=portal placeholder=placeholder load=load /> }.into_any()
}

/// Where an on-demand part is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Arrival {
    Waiting,
    Here,
    Missing,
}

#[component]
fn OnDemand(portal: Portal, placeholder: bool, load: Loader) -> impl IntoView {
    let arrival = RwSignal::new(Arrival::Waiting);
    // The part, built once its module is here, and shown (taken) once.
    let part = StoredValue::new_local(None::<AnyView>);
    let load = StoredValue::new_local(load);
    // The part is built under this component's owner, as if it had been drawn in
    // place: it goes when this does. (No `Suspense`: it weighs ~7 KB of wasm.)
    let owner = Owner::current().unwrap_or_default();
    let fetch = move || {
        arrival.set(Arrival::Waiting);
        let Some(pending) = load.try_with_value(|load| load()) else {
            return;
        };
        let pending = owner.with(|| ScopedFuture::new_untracked(pending));
        spawn_local(async move {
            let loaded = pending.await;
            // Gone while its module was on its way: nothing to show it in.
            if arrival.is_disposed() {
                return;
            }
            match loaded {
                Ok(view) => {
                    part.set_value(Some(view));
                    arrival.set(Arrival::Here);
                }
                Err(ChunkMissing) => {
                    portal.report_missing_part();
                    arrival.set(Arrival::Missing);
                }
            }
        });
    };
    fetch();
    move || match arrival.get() {
        Arrival::Waiting => placeholder
            .then(|| {
                view! {
                    <div class="portico-skeleton" data-testid="part-loading" aria-busy="true"
                        aria-label=portal.t().loading>
                        <div class="portico-skeleton-card"></div>
                    </div>
                }
            })
            .into_any(),
        Arrival::Here => part
            .try_update_value(Option::take)
            .flatten()
            .unwrap_or_else(|| ().into_any()),
        Arrival::Missing => {
            let error = portal.missing_part();
            let fetch = fetch.clone();
            let retry = Callback::new(move |()| fetch());
            view! { <ErrorNotice error=error locale=portal.locale retry=retry /> }.into_any()
        }
    }
}

impl Portal {
    /// Tells the host page that a module could not be fetched, for a part that
    /// shows nothing in its place (a background read).
    pub(super) fn report_missing_part(self) {
        self.report(&self.missing_part());
    }

    /// The customer picked a plan (at `quantity`). From the after-paint module,
    /// with the `select_plan` event's encoding.
    pub(super) fn choose_plan(self, plan: String, quantity: Option<QuantityOption>) {
        let again = (plan.clone(), quantity.clone());
        let retry = move || self.choose_plan(again.0.clone(), again.1.clone());
        self.act_on_demand(pick_plan(self, plan, quantity), retry);
    }

    /// Signs up, from the after-paint module.
    pub(super) fn subscribe(self, plan: String, quantity: Option<QuantityOption>) {
        let again = (plan.clone(), quantity.clone());
        let retry = move || self.subscribe(again.0.clone(), again.1.clone());
        self.act_on_demand(sign_up(self, plan, quantity), retry);
    }

    /// Resumes, from the after-paint module.
    pub(super) fn resume(self, current: Subscription) {
        let again = current.clone();
        self.act_on_demand(resume_now(self, current), move || {
            self.resume(again.clone())
        });
    }

    /// Resubscribes, from the after-paint module.
    pub(super) fn resubscribe(self, current: Subscription) {
        let again = current.clone();
        self.act_on_demand(resubscribe_now(self, current), move || {
            self.resubscribe(again.clone());
        });
    }

    /// Runs an action whose code is in an on-demand module (`fetched` calls it). If
    /// the module cannot be fetched: the inline action error, with "Try again"
    /// running `again`, and an `error` event.
    fn act_on_demand(
        self,
        fetched: impl Future<Output = Result<(), ChunkMissing>> + 'static,
        again: impl Fn() + 'static,
    ) {
        spawn_local(async move {
            if fetched.await.is_err() {
                let error = self.missing_part();
                self.report(&error);
                self.remember(again);
                self.action_error.try_set(Some(error));
            }
        });
    }

    fn missing_part(self) -> ErrorResponse {
        ErrorResponse {
            code: ErrorCode::NetworkError,
            message: self.t().part_unavailable.to_owned(),
        }
    }
}

on_demand!(
    after_paint,
    /// Fetches the actions' module, so that the first click acts at once.
    pub fn warm_actions() -> Result<(), ChunkMissing> {
        Ok(())
    }
);

on_demand!(
    after_paint,
    pub fn pick_plan(
        portal: Portal,
        plan: String,
        quantity: Option<QuantityOption>,
    ) -> Result<(), ChunkMissing> {
        portal.plan_picked(plan, quantity);
        Ok(())
    }
);

on_demand!(
    after_paint,
    pub fn sign_up(
        portal: Portal,
        plan: String,
        quantity: Option<QuantityOption>,
    ) -> Result<(), ChunkMissing> {
        portal.sign_up(plan, quantity);
        Ok(())
    }
);

on_demand!(
    after_paint,
    pub fn resume_now(portal: Portal, current: Subscription) -> Result<(), ChunkMissing> {
        portal.resume_subscription(current);
        Ok(())
    }
);

on_demand!(
    after_paint,
    pub fn resubscribe_now(portal: Portal, current: Subscription) -> Result<(), ChunkMissing> {
        portal.resubscribe_to(current);
        Ok(())
    }
);

on_demand!(
    after_paint,
    /// Reads the wallets: shown (`quiet` false: a failure shows), or a background refresh.
    pub fn wallets_data(portal: Portal, quiet: bool) -> Result<(), ChunkMissing> {
        if quiet {
            portal.reread_wallets();
        } else {
            portal.read_wallets();
        }
        Ok(())
    }
);

on_demand!(
    after_paint,
    /// Reads the usage of the selected range.
    pub fn usage_data(portal: Portal) -> Result<(), ChunkMissing> {
        portal.read_usage();
        Ok(())
    }
);

on_demand!(
    usage,
    pub fn usage_section(portal: Portal, breakdown: bool) -> Loaded {
        Ok(view! { <UsageSection portal=portal breakdown=breakdown /> }.into_any())
    }
);

on_demand!(
    credits,
    pub fn credits_tab(portal: Portal) -> Loaded {
        Ok(view! { <Credits portal=portal /> }.into_any())
    }
);

on_demand!(
    credits,
    pub fn wallet_balances(portal: Portal) -> Loaded {
        Ok(view! { <WalletBalances portal=portal /> }.into_any())
    }
);

on_demand!(
    invoices,
    pub fn invoices_tab(portal: Portal) -> Loaded {
        Ok(view! { <Invoices portal=portal /> }.into_any())
    }
);

on_demand!(
    account,
    pub fn card_form(portal: Portal) -> Loaded {
        Ok(view! { <CardForm portal=portal /> }.into_any())
    }
);

on_demand!(
    account,
    pub fn stripe_card_form(portal: Portal, publishable_key: String, js_url: String) -> Loaded {
        Ok(view! { <StripeCardForm portal=portal publishable_key=publishable_key js_url=js_url /> }
            .into_any())
    }
);

/// The customer's details as they are, to edit.
pub struct Details {
    pub name: Option<String>,
    pub email: Option<String>,
    pub address: Option<Address>,
    pub tax_id: Option<TaxId>,
    pub allowed: StoredValue<CustomerUpdateFeature>,
}

on_demand!(
    account,
    pub fn details_form(portal: Portal, details: Details) -> Loaded {
        let Details {
            name,
            email,
            address,
            tax_id,
            allowed,
        } = details;
        Ok(view! {
            <DetailsForm portal=portal name=name email=email address=address tax_id=tax_id allowed=allowed />
        }
        .into_any())
    }
);

/// The subscription a change or cancel panel acts on, with what it may offer.
#[derive(Clone, Copy)]
pub struct Managed {
    pub sub: StoredValue<Subscription>,
    pub plans: StoredValue<Vec<Plan>>,
    pub features: StoredValue<Features>,
}

on_demand!(
    manage,
    pub fn change_panel(portal: Portal, managed: Managed) -> Loaded {
        let Managed {
            sub,
            plans,
            features,
        } = managed;
        Ok(
            view! { <ChangePanel portal=portal sub=sub plans=plans features=features /> }
                .into_any(),
        )
    }
);

on_demand!(
    manage,
    pub fn cancel_panel(portal: Portal, managed: Managed) -> Loaded {
        let Managed { sub, features, .. } = managed;
        Ok(view! { <CancelPanel portal=portal sub=sub features=features /> }.into_any())
    }
);
