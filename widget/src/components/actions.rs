//! The portal's actions. Each goes through `Portal::run` (see `runner`) and is
//! reported to the host page after the fact.

use super::{Panel, Portal};
use crate::api::Forwarded;
use crate::billing_view::change_event;
use crate::events::json_text;
use crate::stripe_js::{CardElement, StripeJs};
use leptos::prelude::*;
use leptos::task::spawn_local;
use portico_wire::QuantityOption;
use portico_wire::actions::{
    ActionResponse, CancelRequest, ChangePreview, ChangeRequest, ResubscribeRequest,
};
use portico_wire::billing_portal::session::FlowType;
use portico_wire::customer::CustomerUpdate;
use portico_wire::embed::{SignupRequest, Subscription};
use portico_wire::event::{EventName, Intent};
use portico_wire::payment::CardRequest;

impl Portal {
    /// [`Self::choose_plan`], in the after-paint module: subscribe, after a card if
    /// the plan needs one now.
    pub(super) fn plan_picked(self, plan: String, quantity: Option<QuantityOption>) {
        let intent = Intent {
            plan: Some(plan.clone()),
            quantity: quantity.clone(),
            ..Intent::default()
        };
        self.emit(
            EventName::SelectPlan,
            crate::events::to_js(&intent).unwrap_or_default(),
        );
        let needs_card = self.phase.with_untracked(|phase| match phase {
            crate::view_model::Phase::Ready(state) => {
                state.payment_method.is_none()
                    && state
                        .plans
                        .iter()
                        .any(|p| p.id == plan && p.trial_days == 0)
            }
            _ => false,
        });
        if needs_card {
            self.signup_after_card.set(Some((plan, quantity)));
            self.panel.set(Panel::Card);
        } else {
            self.subscribe(plan, quantity);
        }
    }

    /// [`Self::subscribe`], in the actions' module.
    pub(super) fn sign_up(self, plan: String, quantity: Option<QuantityOption>) {
        {
            let (plan, quantity) = (plan.clone(), quantity.clone());
            self.remember(move || self.subscribe(plan.clone(), quantity.clone()));
        }
        let request = SignupRequest { plan, quantity };
        let intent = Intent {
            plan: Some(request.plan.clone()),
            quantity: request.quantity.clone(),
            ..Intent::default()
        };
        let signature = signature("signup", &request);
        let body = request.clone();
        self.run(
            format!("subscribe:{}", request.plan),
            signature,
            Some((EventName::PreSignup, intent)),
            move |client, token, key| {
                let body = body.clone();
                async move { client.sign_up(&token, &key, &body).await }
            },
            move |response: Forwarded<ActionResponse>| {
                self.applied(EventName::Signup, response, true)
            },
        );
    }

    /// Shows what a change would do; nothing changes until it is confirmed.
    pub(super) fn preview_change(self, subscription: String, request: ChangeRequest) {
        {
            let (subscription, request) = (subscription.clone(), request.clone());
            self.remember(move || self.preview_change(subscription.clone(), request.clone()));
        }
        self.preview.set(None);
        let signature = signature(&format!("preview:{subscription}"), &request);
        self.run(
            format!("preview:{subscription}"),
            signature,
            None,
            move |client, token, _| {
                let (subscription, request) = (subscription.clone(), request.clone());
                async move { client.preview(&token, &subscription, &request).await }
            },
            move |preview: ChangePreview| self.preview.set(Some(preview)),
        );
    }

    pub(super) fn confirm_change(self, current: Subscription, request: ChangeRequest) {
        {
            let (current, request) = (current.clone(), request.clone());
            self.remember(move || self.confirm_change(current.clone(), request.clone()));
        }
        let event = change_event(&current, &request);
        let pre = match event {
            EventName::PlanChange => EventName::PrePlanChange,
            _ => EventName::PreQuantityChange,
        };
        let intent = Intent {
            subscription: Some(Box::new(current.clone())),
            plan: request.plan.clone(),
            quantity: request.quantity.clone(),
            preview: self.preview.get_untracked().map(Box::new),
            ..Intent::default()
        };
        self.act(
            current.id.to_string(),
            "change",
            request,
            (pre, intent),
            event,
        );
    }

    pub(super) fn cancel(self, current: Subscription, request: CancelRequest) {
        {
            let (current, request) = (current.clone(), request.clone());
            self.remember(move || self.cancel(current.clone(), request.clone()));
        }
        let intent = Intent {
            subscription: Some(Box::new(current.clone())),
            cancel: Some(request.clone()),
            ..Intent::default()
        };
        let ask = (EventName::PreCancel, intent);
        self.act(
            current.id.to_string(),
            "cancel",
            request,
            ask,
            EventName::Cancel,
        );
    }

    /// [`Self::resume`], in the actions' module.
    pub(super) fn resume_subscription(self, current: Subscription) {
        {
            let current = current.clone();
            self.remember(move || self.resume(current.clone()));
        }
        let id = current.id.to_string();
        self.run(
            format!("resume:{id}"),
            format!("resume:{id}"),
            None,
            move |client, token, key| {
                let id = id.clone();
                async move { client.act(&token, &key, &id, "resume", &()).await }
            },
            move |response: Forwarded<ActionResponse>| {
                self.applied(EventName::Resume, response, false)
            },
        );
    }

    /// [`Self::resubscribe`], in the actions' module.
    pub(super) fn resubscribe_to(self, current: Subscription) {
        {
            let current = current.clone();
            self.remember(move || self.resubscribe(current.clone()));
        }
        let intent = Intent {
            subscription: Some(Box::new(current.clone())),
            plan: Some(current.plan.clone()),
            ..Intent::default()
        };
        let ask = (EventName::PreResubscribe, intent);
        let request = ResubscribeRequest::default();
        self.act(
            current.id.to_string(),
            "resubscribe",
            request,
            ask,
            EventName::Resubscribe,
        );
    }

    fn act<B>(
        self,
        id: String,
        action: &'static str,
        body: B,
        ask: (EventName, Intent),
        event: EventName,
    ) where
        B: serde::Serialize + Clone + 'static,
    {
        let signature = signature(&format!("{action}:{id}"), &body);
        let created = action == "resubscribe";
        self.run(
            format!("{action}:{id}"),
            signature,
            Some(ask),
            move |client, token, key| {
                let (id, body) = (id.clone(), body.clone());
                async move { client.act(&token, &key, &id, action, &body).await }
            },
            move |response: Forwarded<ActionResponse>| self.applied(event, response, created),
        );
    }

    /// Shows the subscription as the action left it and tells the host.
    fn applied(self, event: EventName, response: Forwarded<ActionResponse>, created: bool) {
        let forwarded = response.raw_field("subscription");
        let subscription = response.value.subscription;
        self.with_state(|state| {
            if created {
                state.subscriptions.insert(0, subscription.clone());
            } else if let Some(slot) = state
                .subscriptions
                .iter_mut()
                .find(|s| s.id == subscription.id)
            {
                *slot = subscription.clone();
            }
        });
        self.panel.set(Panel::None);
        self.preview.set(None);
        // The invoice list reloads when next shown; credits may have paid one.
        self.invoices.set(None);
        self.reload_wallets();
        self.emit(event, forwarded);
        match event {
            EventName::Cancel => self.complete_flow(FlowType::SubscriptionCancel),
            EventName::PlanChange | EventName::QuantityChange => {
                self.complete_flow(FlowType::SubscriptionUpdate);
            }
            _ => {}
        }
        if created {
            // A first signup created the customer: show their billing details too.
            self.refresh();
        }
    }

    /// Stripe.js card entry: a SetupIntent, confirmed in the browser with the card
    /// Element, then completed by the server — which answers as the built-in card
    /// form's endpoint does.
    pub(super) fn attach_stripe_card(self, stripe: StripeJs, card: CardElement) {
        {
            let (stripe, card) = (stripe.clone(), card.clone());
            self.remember(move || self.attach_stripe_card(stripe.clone(), card.clone()));
        }
        self.run(
            "card".to_owned(),
            // Each entry is a new SetupIntent: a card typed after a decline is not
            // a retry of the declined one.
            format!("card:stripe:{}", js_sys::Date::now()),
            Some((EventName::PreCardUpdate, Intent::default())),
            move |client, token, key| {
                let (stripe, card) = (stripe.clone(), card.clone());
                async move {
                    let intent = client
                        .create_setup_intent(&token, &format!("{key}-setup"))
                        .await?;
                    crate::stripe_js::confirm_setup(&stripe, &card, &intent.client_secret).await?;
                    client.complete_setup(&token, &key, &intent.id).await
                }
            },
            move |attached| self.card_attached(attached),
        );
    }

    pub(super) fn attach_card(self, card: CardRequest) {
        {
            let card = card.clone();
            self.remember(move || self.attach_card(card.clone()));
        }
        let intent = Intent {
            card_last4: Some(card.last4()),
            ..Intent::default()
        };
        let signature = format!("card:{}:{}:{}", card.last4(), card.exp_month, card.exp_year);
        self.run(
            "card".to_owned(),
            signature,
            Some((EventName::PreCardUpdate, intent)),
            move |client, token, key| {
                let card = card.clone();
                async move { client.attach_card(&token, &key, &card).await }
            },
            move |attached| self.card_attached(attached),
        );
    }

    /// A new default card, however it was entered.
    fn card_attached(self, attached: Forwarded<portico_wire::payment::CardAttached>) {
        let forwarded = attached.raw_field("payment_method");
        let (method, invoices) = (attached.value.payment_method, attached.value.invoices);
        self.with_state(|state| state.payment_method = Some(method.clone()));
        self.panel.set(Panel::None);
        self.notice.set(Some(self.t().card_saved.to_owned()));
        self.emit(EventName::CardUpdate, forwarded);
        self.complete_flow(FlowType::PaymentMethodUpdate);
        match self.signup_after_card.get_untracked() {
            Some((plan, quantity)) => {
                self.signup_after_card.set(None);
                self.subscribe(plan, quantity);
            }
            // Open invoices were tried with the card: show what they did.
            None if !invoices.is_empty() => self.refresh(),
            None => {}
        }
    }

    pub(super) fn update_customer(self, update: CustomerUpdate) {
        {
            let update = update.clone();
            self.remember(move || self.update_customer(update.clone()));
        }
        let signature = signature("customer", &update);
        self.run(
            "customer".to_owned(),
            signature,
            None,
            move |client, token, key| {
                let update = update.clone();
                async move { client.update_customer(&token, &key, &update).await }
            },
            move |customer: Forwarded<portico_wire::embed::Customer>| {
                self.with_state(|state| state.customer = Some(customer.value));
                self.panel.set(Panel::None);
                self.notice.set(Some(self.t().details_saved.to_owned()));
                self.emit(EventName::CustomerUpdate, customer.raw);
            },
        );
    }

    pub(super) fn load_invoices(self) {
        self.remember(move || self.load_invoices());
        self.run(
            "invoices".to_owned(),
            "invoices".to_owned(),
            None,
            |client, token, _| async move { client.invoices(&token).await },
            move |invoices| self.invoices.set(Some(invoices)),
        );
    }

    /// Fetches an invoice's PDF with the session and hands it to the browser as a
    /// download named `file_name`.
    pub(super) fn download_pdf(self, path: String, file_name: String) {
        {
            let (path, file_name) = (path.clone(), file_name.clone());
            self.remember(move || self.download_pdf(path.clone(), file_name.clone()));
        }
        self.run(
            format!("pdf:{path}"),
            format!("pdf:{path}"),
            None,
            move |client, token, _| {
                let path = path.clone();
                async move { client.invoice_pdf(&token, &path).await }
            },
            move |blob| {
                if let Err(error) = crate::download::save(&blob, &file_name) {
                    self.report(&error);
                    self.action_error.set(Some(error));
                }
            },
        );
    }

    /// Reloads the portal state in place (after a card paid open invoices); the
    /// invoice list, which showed them open, reloads when next shown.
    pub(super) fn refresh(self) {
        self.invoices.set(None);
        spawn_local(async move {
            match self
                .authed(|client, token| async move { client.portal(&token).await })
                .await
            {
                Ok(state) => self
                    .phase
                    .set(crate::view_model::Phase::Ready(Box::new(state.value))),
                Err(error) => {
                    self.report(&error);
                    self.action_error.try_set(Some(error));
                }
            }
        });
    }
}

/// What identifies a request, so that its retry reuses its Idempotency-Key:
/// `kind`, then its body as JSON.
fn signature(kind: &str, body: &impl serde::Serialize) -> String {
    format!("{kind}:{}", json_text(body).unwrap_or_default())
}
