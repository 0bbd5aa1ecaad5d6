//! The portal's components. They render view models and forward clicks; the
//! decisions live in `view_model` and `billing_view`, the IO in `api`, the host
//! events in `events`, and the action plumbing (veto hooks, idempotency keys,
//! session renewal) in `actions`.

mod account;
mod actions;
mod chunks;
mod credits;
mod flow;
mod focus;
mod invoice_search;
mod manage;
mod notice;
mod plans;
mod runner;
mod stripe_card;
mod tabs;
mod usage;

use crate::api::{Client, Forwarded};
use crate::events::Emitter;
use crate::i18n::{Locale, Text};
use crate::view_model::{Phase, check_unit_labels};
use account::AccountSections;
use leptos::prelude::*;
use leptos::task::spawn_local;
use manage::SubscriptionList;
use notice::ErrorNotice;
use plans::PlanList;
use portico_wire::actions::ChangePreview;
use portico_wire::billing_portal::Flow;
use portico_wire::embed::Portal as PortalState;
use portico_wire::event::{ErrorResponse, EventName};
use portico_wire::invoice::Invoice;
use portico_wire::usage::{Usage, UsageRange};
use portico_wire::wallet::PortalWallet;
use portico_wire::{EmbedConfig, ErrorCode, Identity, QuantityOption};
use std::rc::Rc;
use tabs::{Tab, TabBar};

/// Which panel is open, if any: one at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Panel {
    None,
    Change(String),
    Cancel(String),
    Card,
    Details,
    Invoice(String),
}

/// State shared by the portal's components. `Copy`, so handlers capture it freely.
#[derive(Clone, Copy)]
struct Portal {
    phase: RwSignal<Phase>,
    livemode: RwSignal<Option<bool>>,
    token: RwSignal<Option<String>>,
    /// What is in flight (`subscribe:team`, `change:sub_…`, …): one action at a time.
    busy: RwSignal<Option<String>>,
    action_error: RwSignal<Option<ErrorResponse>>,
    /// A short confirmation or why an action was not sent.
    notice: RwSignal<Option<String>>,
    panel: RwSignal<Panel>,
    preview: RwSignal<Option<ChangePreview>>,
    invoices: RwSignal<Option<Vec<Invoice>>>,
    /// The customer's prepaid wallets, once loaded (after the portal).
    wallets: RwSignal<Option<Vec<PortalWallet>>>,
    /// The usage of the selected range, once loaded (after the portal).
    usage: RwSignal<Option<Usage>>,
    usage_range: RwSignal<UsageRange>,
    tab: RwSignal<Tab>,
    /// A plan (and quantity) waiting for a card before its signup.
    signup_after_card: RwSignal<Option<(String, Option<QuantityOption>)>>,
    /// The last failed attempt's request and key, reused by its retry.
    attempt: StoredValue<Option<(String, String)>>,
    /// The button that opened the current panel, to give focus back to.
    opener: StoredValue<Option<web_sys::HtmlElement>, LocalStorage>,
    /// Runs the last action again (the inline error's "Try again").
    retry: StoredValue<Option<Rc<dyn Fn()>>, LocalStorage>,
    locale: Locale,
    config: StoredValue<Option<EmbedConfig>>,
    /// The deep link the hosted portal opened in, until its action completes.
    flow: StoredValue<Option<Flow>>,
    client: StoredValue<Client>,
    emitter: StoredValue<Emitter, LocalStorage>,
    /// The loader's head start on the first load ([`Client::prefetched`]), used once.
    prefetch: StoredValue<Option<js_sys::Promise>, LocalStorage>,
}

impl Portal {
    fn t(&self) -> &'static Text {
        self.locale.text()
    }

    fn livemode(&self) -> bool {
        self.livemode.try_get_untracked().flatten().unwrap_or(false)
    }

    /// Tells the host page: `response` is the server's answer as it came
    /// ([`crate::api::Forwarded`]).
    fn emit(&self, event: EventName, response: wasm_bindgen::JsValue) {
        let livemode = self.livemode();
        self.emitter
            .try_with_value(|e| e.emit(event, &response, livemode));
    }

    /// Reports an error to the host page (inline display is the caller's choice).
    fn report(&self, error: &ErrorResponse) {
        let livemode = self.livemode();
        self.emitter.try_with_value(|e| e.error(error, livemode));
    }

    fn fail(&self, error: ErrorResponse) {
        self.report(&error);
        self.phase.try_set(Phase::Failed(error));
    }

    fn with_state(&self, update: impl FnOnce(&mut PortalState)) {
        self.phase.try_update(|phase| {
            if let Phase::Ready(state) = phase {
                update(state);
            }
        });
    }

    /// Exchanges the identity for a session, then loads the portal.
    fn load(self) {
        let Some(config) = self.config.get_value() else {
            return;
        };
        self.phase.set(Phase::Loading);
        let client = self.client.get_value();
        let prefetch = self.prefetch.try_update_value(Option::take).flatten();
        spawn_local(async move {
            let prefetched = match prefetch {
                Some(prefetch) => client.prefetched(prefetch, &config).await,
                None => None,
            };
            let (exchanged, prefetched_portal) = prefetched
                .map_or((None, None), |(exchanged, portal)| {
                    (Some(exchanged), portal)
                });
            let token = match &config.identity {
                Identity::Session(token) => token.clone(),
                Identity::Claim { .. } => {
                    let exchanged = match exchanged {
                        Some(exchanged) => exchanged,
                        None => client.exchange(&config).await,
                    };
                    match exchanged {
                        Ok(session) => {
                            self.livemode.try_set(Some(session.livemode));
                            session.token
                        }
                        Err(error) => return self.speak_and_fail(error).await,
                    }
                }
            };
            self.token.try_set(Some(token.clone()));
            let portal = match prefetched_portal {
                Some(response) => Client::portal_from(response).await,
                None => client.portal(&token).await,
            };
            let Forwarded {
                value: portal,
                raw: forwarded,
            } = match portal {
                Ok(portal) => portal,
                Err(error) => return self.speak_and_fail(error).await,
            };
            // The customer's language, fetched alongside (App started it): the
            // portal is first drawn in it.
            self.speak().await;
            // Destroyed while the answers were on their way: its stored values are
            // gone (reading one panics), and there is nothing left to show.
            if self.phase.is_disposed() {
                return;
            }
            self.livemode.try_set(Some(portal.service.livemode));
            if let Err(error) = check_unit_labels(config.quantity.as_ref(), &portal.plans) {
                return self.speak_and_fail(error).await;
            }
            self.start_flow(&portal);
            self.phase.try_set(Phase::Ready(Box::new(portal)));
            self.emit(EventName::Load, forwarded);
            self.load_wallets();
            self.load_usage();
            spawn_local(async {
                // A failure shows if the customer acts; nothing to say until then.
                let _ = chunks::warm_actions().await;
            });
        });
    }

    /// [`Self::fail`], in the customer's language.
    async fn speak_and_fail(self, error: ErrorResponse) {
        self.speak().await;
        if !self.phase.is_disposed() {
            self.fail(error);
        }
    }

    /// Waits for the customer's language. If its module cannot be fetched, the
    /// portal speaks English and the host page hears why.
    async fn speak(self) {
        if !self.locale.load().await {
            self.report_missing_part();
        }
    }

    /// Shows `tab`. (The Invoices tab loads the invoices when it opens, from its
    /// own module.)
    fn select_tab(self, tab: Tab) {
        self.tab.set(tab);
    }
}

/// The browser's preferred languages (`navigator.languages`), best first.
fn browser_languages() -> Vec<String> {
    let navigator = js_sys::Reflect::get(&js_sys::global(), &"navigator".into());
    let languages = navigator.and_then(|n| js_sys::Reflect::get(&n, &"languages".into()));
    match languages {
        Ok(list) if js_sys::Array::is_array(&list) => js_sys::Array::from(&list)
            .iter()
            .filter_map(|tag| tag.as_string())
            .collect(),
        _ => Vec::new(),
    }
}

#[component]
pub fn App(
    config: Result<EmbedConfig, ErrorResponse>,
    client: Client,
    emitter: Emitter,
    prefetch: Option<js_sys::Promise>,
) -> impl IntoView {
    let (config, initial) = match config {
        Ok(config) => (Some(config), Phase::Loading),
        Err(error) => (None, Phase::Failed(error)),
    };
    let requested = config.as_ref().and_then(|c| c.locale.clone());
    let locale = Locale::negotiate(requested.as_deref(), &browser_languages());
    let portal = Portal {
        locale,
        phase: RwSignal::new(initial.clone()),
        livemode: RwSignal::new(None),
        token: RwSignal::new(None),
        busy: RwSignal::new(None),
        action_error: RwSignal::new(None),
        notice: RwSignal::new(None),
        panel: RwSignal::new(Panel::None),
        preview: RwSignal::new(None),
        invoices: RwSignal::new(None),
        wallets: RwSignal::new(None),
        usage: RwSignal::new(None),
        usage_range: RwSignal::new(UsageRange::Month),
        tab: RwSignal::new(Tab::Overview),
        signup_after_card: RwSignal::new(None),
        attempt: StoredValue::new(None),
        retry: StoredValue::new_local(None),
        opener: StoredValue::new_local(None),
        config: StoredValue::new(config),
        flow: StoredValue::new(None),
        client: StoredValue::new(client),
        emitter: StoredValue::new_local(emitter),
        prefetch: StoredValue::new_local(prefetch),
    };
    // The language's module downloads alongside the session and the portal.
    spawn_local(async move {
        locale.load().await;
    });
    match initial {
        Phase::Failed(error) => portal.report(&error),
        _ => {
            portal.load();
            portal.keep_fresh();
        }
    }
    let body = move || {
        match portal.phase.get() {
        Phase::Loading => view! {
            <div class="portico-skeleton" data-testid="loading" aria-busy="true" aria-label=portal.t().loading>
                <div class="portico-skeleton-card"></div>
                <div class="portico-skeleton-card"></div>
            </div>
        }
        .into_any(),
        Phase::Failed(error) => {
            view! { <ErrorNotice error=error locale=locale retry=Callback::new(move |()| portal.load()) /> }.into_any()
        }
        Phase::Ready(state) => {
            let quantity = portal
                .config
                .with_value(|c| c.as_ref().and_then(|c| c.quantity.clone()));
            let subscribed = !state.subscriptions.is_empty();
            let invoice_history = state.features.invoice_history.enabled;
            // Memos: the usage and wallets refresh every few seconds, and only a
            // real change of the tabs may re-render the panel (and lose what the
            // customer was typing).
            let tabs = Memo::new(move |_| tabs::available(portal, invoice_history));
            // A tab that went away (a wallet's last credits, say) falls back to Overview.
            let current = Memo::new(move |_| {
                let chosen = portal.tab.get();
                if tabs.with(|available| available.contains(&chosen)) { chosen } else { Tab::Overview }
            });
            let several = Memo::new(move |_| tabs.with(|t| t.len() > 1));
            // The Overview's wallet and usage sections come with their modules,
            // fetched only for a customer who has something to show in them.
            let has_wallets = Memo::new(move |_| portal.wallets.with(|w| w.as_ref().is_some_and(|w| !w.is_empty())));
            let has_usage = Memo::new(move |_| portal.usage.with(|u| u.as_ref().is_some_and(|u| !u.meters.is_empty())));
            let state = StoredValue::new(*state);
            let panel = move || match current.get() {
                Tab::Overview => {
                    let state = state.get_value();
                    view! {
                        {if subscribed {
                            view! { <SubscriptionList portal=portal state=state.clone() /> }.into_any()
                        } else {
                            view! {
                                <PlanList
                                    plans=state.plans.clone()
                                    read_only=state.read_only
                                    quantity=quantity.clone()
                                    locale=locale
                                    busy=portal.busy.into()
                                    on_subscribe=Callback::new(move |(plan, quantity)| portal.choose_plan(plan, quantity))
                                />
                            }
                            .into_any()
                        }}
                        {move || has_wallets.get().then(|| chunks::on_demand(portal, false, move || chunks::wallet_balances(portal)))}
                        {move || has_usage.get().then(|| chunks::on_demand(portal, false, move || chunks::usage_section(portal, false)))}
                        <AccountSections portal=portal state=state />
                    }
                    .into_any()
                }
                Tab::Credits => chunks::on_demand(portal, true, move || chunks::credits_tab(portal)),
                Tab::Invoices => chunks::on_demand(portal, true, move || chunks::invoices_tab(portal)),
                Tab::Usage => chunks::on_demand(portal, true, move || chunks::usage_section(portal, true)),
            };
            view! {
                <TabBar portal=portal tabs=tabs.into() />
                <div class="portico-panel" id=move || current.get().panel_id()
                    data-testid=move || format!("panel-{}", current.get().code())
                    role=move || several.get().then_some("tabpanel")
                    aria-labelledby=move || several.get().then(|| current.get().tab_id())>
                    {panel}
                </div>
            }
            .into_any()
        }
    }
    };
    view! {
        <section class="portico" data-testid="portico-root" aria-label=portal.t().billing
            lang=locale.tag() dir=if locale.is_rtl() { "rtl" } else { "ltr" }>
            <Show when=move || portal.livemode.get() == Some(false)>
                <span class="portico-badge portico-badge-test" data-testid="test-mode-badge">{portal.t().test_mode}</span>
            </Show>
            {body}
            {move || portal.notice.get().map(|notice| view! {
                <p class="portico-notice" role="status" data-testid="notice">{notice}</p>
            })}
            {move || portal.action_error.get().map(|error| {
                let retryable = matches!(
                    error.code,
                    ErrorCode::NetworkError | ErrorCode::InternalError | ErrorCode::IdempotencyKeyInUse
                );
                view! {
                    <div class="portico-action-error" role="alert" data-testid="action-error" data-code=error.code.to_string()>
                        <p>{error.message}</p>
                        {retryable.then(|| view! {
                            <button type="button" class="portico-button" data-testid="retry-action"
                                on:click=move |_| {
                                    if let Some(again) = portal.retry.get_value() {
                                        again();
                                    }
                                }>
                                {portal.t().try_again}
                            </button>
                        })}
                    </div>
                }
            })}
        </section>
    }
}
