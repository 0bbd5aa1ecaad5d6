//! The portal's components. They render view models and forward clicks; the
//! decisions live in `view_model`, the IO in `api`, the host events in `events`.

mod notice;
mod plans;
mod subscriptions;

use crate::api::Client;
use crate::events::{Emitter, random_id};
use crate::view_model::{Phase, check_unit_labels};
use leptos::prelude::*;
use leptos::task::spawn_local;
use notice::ErrorNotice;
use plans::PlanList;
use portico_wire::EmbedConfig;
use portico_wire::actions::ActionResponse;
use portico_wire::embed::SignupRequest;
use portico_wire::event::{ErrorResponse, EventName, EventResponse};
use subscriptions::SubscriptionList;

/// State shared by the portal's components. `Copy`, so handlers capture it freely.
#[derive(Clone, Copy)]
struct Portal {
    phase: RwSignal<Phase>,
    livemode: RwSignal<Option<bool>>,
    token: RwSignal<Option<String>>,
    /// The plan a signup is in flight for.
    busy: RwSignal<Option<String>>,
    action_error: RwSignal<Option<ErrorResponse>>,
    config: StoredValue<Option<EmbedConfig>>,
    client: StoredValue<Client>,
    emitter: StoredValue<Emitter, LocalStorage>,
}

impl Portal {
    fn livemode(&self) -> bool {
        self.livemode.try_get_untracked().flatten().unwrap_or(false)
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

    /// Exchanges the identity for a session, then loads the portal.
    fn load(self) {
        let Some(config) = self.config.get_value() else {
            return;
        };
        self.phase.set(Phase::Loading);
        let client = self.client.get_value();
        spawn_local(async move {
            let session = match client.exchange(&config).await {
                Ok(session) => session,
                Err(error) => return self.fail(error),
            };
            self.livemode.try_set(Some(session.livemode));
            self.token.try_set(Some(session.token.clone()));
            let portal = match client.portal(&session.token).await {
                Ok(portal) => portal,
                Err(error) => return self.fail(error),
            };
            if let Err(error) = check_unit_labels(config.quantity.as_ref(), &portal.plans) {
                return self.fail(error);
            }
            let response = EventResponse::Portal(Box::new(portal.clone()));
            self.phase.try_set(Phase::Ready(Box::new(portal)));
            self.emitter
                .try_with_value(|e| e.emit(EventName::Load, response, session.livemode));
        });
    }

    fn subscribe(self, plan: String) {
        if self.busy.get_untracked().is_some() {
            return; // one signup at a time: a double click does not sign up twice
        }
        let (Some(token), Some(config)) = (self.token.get_untracked(), self.config.get_value())
        else {
            return;
        };
        self.busy.set(Some(plan.clone()));
        self.action_error.set(None);
        let client = self.client.get_value();
        spawn_local(async move {
            let request = SignupRequest {
                plan,
                quantity: config.quantity.clone(),
            };
            let result = client.sign_up(&token, &random_id("idem_"), &request).await;
            self.busy.try_set(None);
            match result {
                Ok(ActionResponse { subscription, .. }) => {
                    self.phase.try_update(|phase| {
                        if let Phase::Ready(portal) = phase {
                            portal.subscriptions.insert(0, subscription.clone());
                        }
                    });
                    let response = EventResponse::Subscription(Box::new(subscription));
                    let livemode = self.livemode();
                    self.emitter
                        .try_with_value(|e| e.emit(EventName::Signup, response, livemode));
                }
                Err(error) => {
                    self.report(&error);
                    self.action_error.try_set(Some(error));
                }
            }
        });
    }
}

#[component]
pub fn App(
    config: Result<EmbedConfig, ErrorResponse>,
    client: Client,
    emitter: Emitter,
) -> impl IntoView {
    let (config, initial) = match config {
        Ok(config) => (Some(config), Phase::Loading),
        Err(error) => (None, Phase::Failed(error)),
    };
    let portal = Portal {
        phase: RwSignal::new(initial.clone()),
        livemode: RwSignal::new(None),
        token: RwSignal::new(None),
        busy: RwSignal::new(None),
        action_error: RwSignal::new(None),
        config: StoredValue::new(config),
        client: StoredValue::new(client),
        emitter: StoredValue::new_local(emitter),
    };
    match initial {
        Phase::Failed(error) => portal.report(&error),
        _ => portal.load(),
    }
    let body = move || {
        match portal.phase.get() {
        Phase::Loading => view! {
            <div class="portico-skeleton" data-testid="loading" aria-busy="true" aria-label="Loading billing">
                <div class="portico-skeleton-card"></div>
                <div class="portico-skeleton-card"></div>
            </div>
        }
        .into_any(),
        Phase::Failed(error) => {
            view! { <ErrorNotice error=error retry=Callback::new(move |()| portal.load()) /> }.into_any()
        }
        Phase::Ready(state) if state.subscriptions.is_empty() => {
            let quantity = portal.config.with_value(|c| c.as_ref().and_then(|c| c.quantity.clone()));
            view! {
                <PlanList
                    plans=state.plans
                    quantity=quantity
                    busy=portal.busy.into()
                    on_subscribe=Callback::new(move |plan| portal.subscribe(plan))
                />
            }
            .into_any()
        }
        Phase::Ready(state) => view! { <SubscriptionList state=*state /> }.into_any(),
    }
    };
    view! {
        <section class="portico" data-testid="portico-root" aria-label="Billing">
            <Show when=move || portal.livemode.get() == Some(false)>
                <span class="portico-badge portico-badge-test" data-testid="test-mode-badge">"Test mode"</span>
            </Show>
            {body}
            {move || portal.action_error.get().map(|error| view! {
                <p class="portico-action-error" role="alert" data-testid="action-error">{error.message}</p>
            })}
        </section>
    }
}
