//! The portal's subscription actions on Stripe (signup, cancel, resume,
//! resubscribe; changes are in `changes.rs`). Each checks that the
//! subscription is the session's customer's and of the session's service (its
//! `metadata[portico_service]`) before touching it.

use super::catalog::SERVICE_KEY;
use super::client::Form;
use super::objects::{Customer, Invoice, List, PaymentMethod, Subscription};
use super::{ForwardedKey, Stripe, convert, path};
use crate::catalog::{Plan, Service};
use crate::provider::{Cancellation, PortalState, ProviderError};
use portico_wire::actions::{ActionResponse, ProrationBehavior};
use portico_wire::{CustomerRef, ErrorCode, Quantity};

/// A customer has one live subscription per service.
fn no_live_subscription(subs: &[Subscription]) -> Result<(), ProviderError> {
    match subs.iter().find(|s| !has_ended(s)) {
        Some(live) => Err(ProviderError::conflict(
            ErrorCode::AlreadySubscribed,
            format!(
                "The customer already has the subscription `{}` in this service.",
                live.id
            ),
        )),
        None => Ok(()),
    }
}

pub(super) fn has_ended(sub: &Subscription) -> bool {
    matches!(sub.status.as_str(), "canceled" | "incomplete_expired")
}

pub(super) fn internal(message: String) -> ProviderError {
    ProviderError::Internal(message)
}

impl Stripe {
    pub async fn portal(
        &self,
        who: &CustomerRef,
        service: &Service,
    ) -> Result<PortalState, ProviderError> {
        let Some(customer) = self.find_customer(who).await? else {
            return Ok(PortalState {
                customer: None,
                subscriptions: Vec::new(),
                payment_method: None,
            });
        };
        let subscriptions = self
            .subscriptions_of(&customer, service)
            .await?
            .iter()
            .map(|sub| convert::subscription(sub, service).map_err(internal))
            .collect::<Result<_, _>>()?;
        let payment_method = self.default_card(&customer).await?;
        Ok(PortalState {
            customer: Some(self.customer_details(&customer).await?),
            subscriptions,
            payment_method,
        })
    }

    pub(super) async fn default_card(
        &self,
        customer: &Customer,
    ) -> Result<Option<portico_wire::payment::PaymentMethod>, ProviderError> {
        let Some(default) = convert::default_payment_method(customer) else {
            return Ok(None);
        };
        let method: PaymentMethod = match default {
            super::objects::Expandable::Object(method) => (**method).clone(),
            super::objects::Expandable::Id(id) => {
                self.client
                    .get(&format!("/v1/payment_methods/{}", path(id)), &Form::new())
                    .await?
            }
        };
        Ok(convert::payment_method(&method).ok())
    }

    /// The customer's subscriptions in `service`, canceled ones included, newest first.
    pub(super) async fn subscriptions_of(
        &self,
        customer: &Customer,
        service: &Service,
    ) -> Result<Vec<Subscription>, ProviderError> {
        let query = self.dialect.subscription_expansions(
            Form::new()
                .set("customer", &customer.id)
                .set("status", "all")
                .set("limit", 100),
        );
        let list: List<Subscription> = self.client.get("/v1/subscriptions", &query).await?;
        let mut subs: Vec<_> = list
            .data
            .into_iter()
            .filter(|s| {
                s.metadata
                    .get(SERVICE_KEY)
                    .is_some_and(|name| name == service.name.as_str())
            })
            .collect();
        subs.sort_by_key(|s| std::cmp::Reverse(s.created));
        Ok(subs)
    }

    /// The session's subscription `id`, or 404 — whoever else's it is.
    pub(super) async fn owned(
        &self,
        who: &CustomerRef,
        service: &Service,
        id: &str,
    ) -> Result<(Customer, Subscription), ProviderError> {
        let missing = || {
            ProviderError::not_found(
                ErrorCode::SubscriptionNotFound,
                format!("The customer has no subscription `{id}` in this service."),
            )
        };
        let customer = self.find_customer(who).await?.ok_or_else(missing)?;
        let subs = self.subscriptions_of(&customer, service).await?;
        let sub = subs.into_iter().find(|s| s.id == id).ok_or_else(missing)?;
        Ok((customer, sub))
    }

    pub async fn sign_up(
        &self,
        who: &CustomerRef,
        service: &Service,
        plan: &Plan,
        quantity: Quantity,
        keys: &ForwardedKey,
    ) -> Result<ActionResponse, ProviderError> {
        let customer = self.ensure_customer(who, keys).await?;
        let existing = self.subscriptions_of(&customer, service).await?;
        no_live_subscription(&existing)?;
        let trial = plan.trial_days > 0 && existing.is_empty();
        self.create_subscription(
            &customer,
            service,
            plan,
            quantity,
            trial,
            &keys.step("subscription"),
        )
        .await
    }

    async fn create_subscription(
        &self,
        customer: &Customer,
        service: &Service,
        plan: &Plan,
        quantity: Quantity,
        trial: bool,
        key: &str,
    ) -> Result<ActionResponse, ProviderError> {
        let mut form = Form::new()
            .set("customer", &customer.id)
            .set(self.dialect.item_price_key("items", 0), &plan.id)
            .set("items[0][quantity]", quantity.get());
        // The plan's metered prices follow its price, without a quantity.
        for (i, price) in super::metered::provider_prices(plan).iter().enumerate() {
            form = form.set(self.dialect.item_price_key("items", i + 1), price);
        }
        let form = form
            .set(format!("metadata[{SERVICE_KEY}]"), service.name.as_str())
            .set("payment_behavior", "allow_incomplete")
            .set_opt("trial_period_days", trial.then_some(plan.trial_days))
            .set("expand[0]", "latest_invoice");
        let sub: Subscription = match self
            .client
            .post("/v1/subscriptions", &form, Some(key))
            .await
        {
            Ok(sub) => sub,
            Err(error) if self.dialect.created_despite(&error) => self
                .subscriptions_of(customer, service)
                .await?
                .into_iter()
                .next()
                .ok_or_else(|| ProviderError::from(error))?,
            Err(error) => return Err(error.into()),
        };
        tracing::info!(subscription = %sub.id, customer = %customer.id, plan = %plan.id, "signup (Stripe)");
        self.respond(&sub, service, None).await
    }

    /// The subscription and the invoice the action created — the latest one if
    /// it is new (not `before`).
    pub(super) async fn respond(
        &self,
        sub: &Subscription,
        service: &Service,
        before: Option<&str>,
    ) -> Result<ActionResponse, ProviderError> {
        let latest = sub.latest_invoice.as_ref().map(|i| i.id().to_owned());
        let invoice = match latest.filter(|id| Some(id.as_str()) != before) {
            Some(id) => {
                let invoice: Invoice = self
                    .client
                    .get(&format!("/v1/invoices/{}", path(&id)), &Form::new())
                    .await?;
                Some(convert::invoice(&invoice).map_err(internal)?)
            }
            None => None,
        };
        Ok(ActionResponse {
            subscription: convert::subscription(sub, service).map_err(internal)?,
            invoice,
        })
    }

    /// Cancels now (`DELETE`, with a prorated credit unless `proration` is
    /// `none`) or at the period's end.
    pub async fn cancel(
        &self,
        who: &CustomerRef,
        service: &Service,
        id: &str,
        how: &Cancellation,
        keys: &ForwardedKey,
    ) -> Result<ActionResponse, ProviderError> {
        let (_, sub) = self.owned(who, service, id).await?;
        if has_ended(&sub) {
            return Err(ProviderError::conflict(
                ErrorCode::SubscriptionCanceled,
                "The subscription is already canceled.",
            ));
        }
        self.release_schedule(&sub, keys).await?;
        let before = sub.latest_invoice.as_ref().map(|i| i.id().to_owned());
        let details = Form::new()
            .set_opt("cancellation_details[feedback]", how.feedback.as_deref())
            .set_opt("cancellation_details[comment]", how.comment.as_deref());
        let path = format!("/v1/subscriptions/{}", path(id));
        let key = keys.step("cancel");
        let updated: Subscription = if how.at_period_end {
            let form = details
                .set("cancel_at_period_end", "true")
                .set("expand[0]", "latest_invoice");
            let form = self.dialect.cancellation_details(form);
            self.client.post(&path, &form, Some(&key)).await?
        } else {
            let prorate = how.proration != ProrationBehavior::None;
            let form = details
                .set("prorate", prorate)
                .set("invoice_now", prorate)
                .set("expand[0]", "latest_invoice");
            let form = self.dialect.cancellation_details(form);
            self.client.delete(&path, &form, Some(&key)).await?
        };
        tracing::info!(subscription = %id, at_period_end = how.at_period_end, "cancel (Stripe)");
        self.respond(&updated, service, before.as_deref()).await
    }

    pub async fn resume(
        &self,
        who: &CustomerRef,
        service: &Service,
        id: &str,
        keys: &ForwardedKey,
    ) -> Result<ActionResponse, ProviderError> {
        let (_, sub) = self.owned(who, service, id).await?;
        if !sub.cancel_at_period_end || sub.status == "canceled" {
            return Err(ProviderError::conflict(
                ErrorCode::NotPendingCancellation,
                "The subscription has no cancellation pending at period end.",
            ));
        }
        let form = Form::new().set("cancel_at_period_end", "false");
        let updated: Subscription = self
            .client
            .post(
                &format!("/v1/subscriptions/{}", path(id)),
                &form,
                Some(&keys.step("resume")),
            )
            .await?;
        self.respond(
            &updated,
            service,
            sub.latest_invoice.as_ref().map(|i| i.id()),
        )
        .await
    }

    /// A new subscription for a customer whose subscription `id` has ended.
    pub async fn resubscribe(
        &self,
        who: &CustomerRef,
        service: &Service,
        id: &str,
        plan: &Plan,
        quantity: Quantity,
        keys: &ForwardedKey,
    ) -> Result<ActionResponse, ProviderError> {
        let (customer, sub) = self.owned(who, service, id).await?;
        if !has_ended(&sub) {
            return Err(ProviderError::conflict(
                ErrorCode::AlreadySubscribed,
                format!("The subscription `{id}` has not ended; change it instead."),
            ));
        }
        let others = self.subscriptions_of(&customer, service).await?;
        no_live_subscription(&others)?;
        self.create_subscription(
            &customer,
            service,
            plan,
            quantity,
            false,
            &keys.step("resubscribe"),
        )
        .await
    }
}
