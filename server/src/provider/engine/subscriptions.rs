//! The subscription actions on the built-in engine: each runs the pure core's
//! decision inside one store transaction (`Store::sign_up`, `Store::mutate`).
//! A preview is the change applied and rolled back, so it is computed by the
//! very code that applies it.

use super::Engine;
use crate::billing::{
    self, CancelCommand, CancelError, ChangeCommand, ChangeError, Proration, TermsError,
};
use crate::catalog::Plan;
use crate::convert;
use crate::provider::{Cancellation, Change, Party, ProviderError, ProviderResult};
use crate::store::{Applied, CustomerRow, SignupOutcome};
use portico_wire::actions::{ActionResponse, ChangePreview, ProrationBehavior};
use portico_wire::{ErrorCode, QuantityOption};

impl Engine {
    pub(super) async fn subscribe(
        &self,
        party: Party<'_>,
        plan: &Plan,
        quantity: Option<&QuantityOption>,
    ) -> ProviderResult<ActionResponse> {
        let service = party.service;
        let outcome = self
            .store
            .sign_up(
                party.livemode,
                party.customer,
                service.name.as_str(),
                &plan.currency,
                self.clock.now(),
                |account, context| {
                    billing::plan_signup(
                        service,
                        plan,
                        quantity,
                        context.trial_eligible,
                        account,
                        context.now,
                    )
                    .map_err(terms_error)
                },
            )
            .await?;
        match outcome {
            SignupOutcome::Created(applied) => {
                tracing::info!(subscription = %applied.subscription.id, customer = %applied.customer.id, plan = %plan.id, "signup");
                Ok(respond(&applied))
            }
            SignupOutcome::AlreadySubscribed(existing) => Err(ProviderError::conflict(
                ErrorCode::AlreadySubscribed,
                format!("The customer already has the subscription `{existing}` in this service."),
            )),
        }
    }

    pub(super) async fn preview(
        &self,
        party: Party<'_>,
        id: &str,
        change: Change<'_>,
    ) -> ProviderResult<ChangePreview> {
        let applied = self.apply_change(party, id, change, false).await?;
        let customer = &applied.customer;
        let sub = &applied.subscription;
        let livemode = sub.livemode;
        let draft = |invoice: &billing::state::Invoice| {
            convert::draft_invoice(invoice, customer, Some(sub.id.clone()), livemode)
        };
        Ok(ChangePreview {
            subscription: convert::subscription(sub, customer),
            invoice: applied
                .created_invoice
                .as_ref()
                .map(|row| draft(&row.invoice)),
            pending_lines: sub.state.pending_lines.iter().map(convert::line).collect(),
            next_invoice: billing::upcoming(&sub.state, &applied.account)
                .as_ref()
                .map(draft),
        })
    }

    /// The change, applied — or with `commit: false` applied and rolled back.
    pub(super) async fn apply_change(
        &self,
        party: Party<'_>,
        id: &str,
        change: Change<'_>,
        commit: bool,
    ) -> ProviderResult<Applied> {
        let customer = self.customer_of(party, id).await?;
        let service = party.service;
        self.mutate(party, &customer, id, commit, |sub, account, now| {
            let plan = change.rules.target(service, change.plan, &sub.terms.plan)?;
            let target = billing::plan_terms(service, plan, change.quantity, &sub.terms.items)
                .map_err(terms_error)?;
            let command = ChangeCommand {
                target,
                currency: plan.currency.clone(),
                proration: match change.rules.proration {
                    ProrationBehavior::CreateProrations => Proration::CreateProrations,
                    ProrationBehavior::None => Proration::None,
                    ProrationBehavior::AlwaysInvoice => Proration::AlwaysInvoice,
                },
                at_period_end: change.rules.at_period_end,
            };
            billing::change(sub, account, &command, now).map_err(change_error)
        })
        .await
    }

    pub(super) async fn cancel_now_or_later(
        &self,
        party: Party<'_>,
        id: &str,
        how: &Cancellation,
    ) -> ProviderResult<ActionResponse> {
        let command = CancelCommand {
            at_period_end: how.at_period_end,
            prorate: how.proration != ProrationBehavior::None,
            feedback: how.feedback.clone(),
            comment: how.comment.clone(),
        };
        let customer = self.customer_of(party, id).await?;
        let applied = self
            .mutate(party, &customer, id, true, |sub, account, now| {
                billing::cancel(sub, account, &command, now).map_err(cancel_error)
            })
            .await?;
        Ok(respond(&applied))
    }

    pub(super) async fn undo_cancel(
        &self,
        party: Party<'_>,
        id: &str,
    ) -> ProviderResult<ActionResponse> {
        let customer = self.customer_of(party, id).await?;
        let applied = self
            .mutate(party, &customer, id, true, |sub, account, _| {
                let subscription = billing::resume(sub).map_err(cancel_error)?;
                Ok(billing::state::Decision {
                    subscription,
                    account: account.clone(),
                    invoices: Vec::new(),
                })
            })
            .await?;
        Ok(respond(&applied))
    }

    pub(super) async fn subscribe_again(
        &self,
        party: Party<'_>,
        id: &str,
        plan: Option<&str>,
        quantity: Option<&QuantityOption>,
    ) -> ProviderResult<ActionResponse> {
        let customer = self.customer_of(party, id).await?;
        let old = self
            .store
            .subscriptions_of(&customer.id, party.service.name.as_str())
            .await?
            .into_iter()
            .find(|row| row.id.as_str() == id)
            .ok_or_else(|| not_found(id))?;
        if !old.state.status.has_ended() {
            return Err(ProviderError::conflict(
                ErrorCode::InvalidRequest,
                format!(
                    "The subscription `{id}` is not canceled; change it instead of resubscribing."
                ),
            ));
        }
        let kept = QuantityOption::PerUnitLabel(
            old.state
                .terms
                .items
                .iter()
                .filter_map(|item| Some((item.unit_label.clone()?, item.quantity)))
                .collect(),
        );
        let plan =
            crate::provider::rules::plan(party.service, plan.unwrap_or(&old.state.terms.plan))?;
        self.subscribe(party, plan, Some(quantity.unwrap_or(&kept)))
            .await
    }

    async fn mutate(
        &self,
        party: Party<'_>,
        customer: &CustomerRow,
        id: &str,
        commit: bool,
        decide: impl FnOnce(
            &billing::state::Subscription,
            &billing::state::Account,
            jiff::Timestamp,
        ) -> ProviderResult<billing::state::Decision>,
    ) -> ProviderResult<Applied> {
        let applied = self
            .store
            .mutate(
                &customer.id,
                party.service.name.as_str(),
                id,
                self.clock.now(),
                commit,
                decide,
            )
            .await?
            .ok_or_else(|| not_found(id))?;
        if commit {
            tracing::info!(subscription = %applied.subscription.id, status = applied.subscription.state.status.as_str(), "subscription updated");
        }
        Ok(applied)
    }

    /// The party's customer, or "no such subscription" (a customer never seen has none).
    async fn customer_of(&self, party: Party<'_>, id: &str) -> ProviderResult<CustomerRow> {
        self.store
            .find_customer(party.livemode, party.customer)
            .await?
            .ok_or_else(|| not_found(id))
    }
}

fn not_found(id: &str) -> ProviderError {
    ProviderError::not_found(
        ErrorCode::SubscriptionNotFound,
        format!("The customer has no subscription `{id}` in this service."),
    )
}

pub(super) fn respond(applied: &Applied) -> ActionResponse {
    ActionResponse {
        subscription: convert::subscription(&applied.subscription, &applied.customer),
        invoice: applied
            .created_invoice
            .as_ref()
            .map(|row| convert::invoice(row, &applied.customer)),
    }
}

pub(crate) fn terms_error(error: TermsError) -> ProviderError {
    match error {
        TermsError::UnknownUnitLabel(_) => {
            ProviderError::bad_request(ErrorCode::UnknownUnitLabel, error.to_string())
                .param("quantity")
        }
    }
}

pub(crate) fn change_error(error: ChangeError) -> ProviderError {
    let message = error.to_string();
    match error {
        ChangeError::Canceled => ProviderError::conflict(ErrorCode::SubscriptionCanceled, message),
        ChangeError::Incomplete => {
            ProviderError::conflict(ErrorCode::SubscriptionIncomplete, message)
        }
        ChangeError::NoChange => ProviderError::bad_request(ErrorCode::NoChange, message),
        ChangeError::Currency(_) => {
            ProviderError::bad_request(ErrorCode::InvalidRequest, message).param("plan")
        }
    }
}

fn cancel_error(error: CancelError) -> ProviderError {
    let message = error.to_string();
    match error {
        CancelError::AlreadyCanceled => {
            ProviderError::conflict(ErrorCode::SubscriptionCanceled, message)
        }
        CancelError::NotPending => {
            ProviderError::conflict(ErrorCode::NotPendingCancellation, message)
        }
    }
}
