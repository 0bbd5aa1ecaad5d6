//! Plan, seat and interval changes on Stripe: the preview (Stripe's preview of
//! the next invoice with the change applied) and the change itself, now or at
//! the period's end (`schedules.rs`).

use super::client::Form;
use super::objects::{Customer, Invoice, Subscription, SubscriptionItem};
use super::subscriptions::internal;
use super::{ForwardedKey, Stripe, convert, path};
use crate::catalog::{Plan, Service};
use crate::provider::ProviderError;
use portico_wire::actions::{ActionResponse, ChangePreview, ProrationBehavior};
use portico_wire::{ErrorCode, Quantity};

/// A change's target: the plan (its Stripe price) and the item's quantity.
#[derive(Debug, Clone)]
pub struct ChangeTarget<'a> {
    pub plan: &'a Plan,
    pub quantity: Quantity,
    pub proration: ProrationBehavior,
    /// Scheduled for the period's end (`schedules.rs`) rather than made now.
    pub at_period_end: bool,
}

fn proration_name(behavior: ProrationBehavior) -> &'static str {
    match behavior {
        ProrationBehavior::CreateProrations => "create_prorations",
        ProrationBehavior::AlwaysInvoice => "always_invoice",
        ProrationBehavior::None => "none",
    }
}

impl Stripe {
    /// The item a change to `target` replaces, if the subscription may change and
    /// the change changes something. Shared by the preview and the change, so the
    /// preview refuses what the change refuses.
    fn changeable<'s>(
        sub: &'s Subscription,
        target: &ChangeTarget<'_>,
    ) -> Result<&'s SubscriptionItem, ProviderError> {
        let item = Self::live_item(sub)?;
        if Self::unchanged(item, target) {
            return Err(ProviderError::bad_request(
                ErrorCode::NoChange,
                "The requested change leaves the subscription as it is.",
            ));
        }
        Ok(item)
    }

    fn unchanged(item: &SubscriptionItem, target: &ChangeTarget<'_>) -> bool {
        item.price_id() == Some(target.plan.id.as_str()) && item.quantity == target.quantity.get()
    }

    /// The item of a subscription that may change.
    fn live_item(sub: &Subscription) -> Result<&SubscriptionItem, ProviderError> {
        match sub.status.as_str() {
            "canceled" | "incomplete_expired" => Err(ProviderError::conflict(
                ErrorCode::SubscriptionCanceled,
                "The subscription is canceled; resubscribe instead.",
            )),
            "incomplete" => Err(ProviderError::conflict(
                ErrorCode::SubscriptionIncomplete,
                "The subscription's first invoice is unpaid; pay it before changing it.",
            )),
            _ => sub
                .items
                .data
                .first()
                .ok_or_else(|| internal(format!("{} has no item", sub.id))),
        }
    }

    /// What the change would do: Stripe's preview of the next invoice with the
    /// change applied, prorated now.
    pub(super) async fn preview_change(
        &self,
        customer: &Customer,
        sub: &Subscription,
        service: &Service,
        target: &ChangeTarget<'_>,
        now: i64,
    ) -> Result<ChangePreview, ProviderError> {
        let item = Self::changeable(sub, target)?;
        // A change at period end bills nothing now: the next invoice is the new item's.
        let behavior = if target.at_period_end {
            "none"
        } else {
            proration_name(target.proration)
        };
        let form = Form::new()
            .set("customer", &customer.id)
            .set("subscription", &sub.id)
            .set("subscription_details[items][0][id]", &item.id)
            .set(
                self.dialect
                    .item_price_key("subscription_details[items]", 0),
                &target.plan.id,
            )
            .set(
                "subscription_details[items][0][quantity]",
                target.quantity.get(),
            )
            .set("subscription_details[proration_behavior]", behavior)
            .set("subscription_details[proration_date]", now);
        let form = super::metered::item_changes(
            form,
            sub,
            target.plan,
            self.dialect,
            "subscription_details[items]",
            1,
        );
        let preview: Invoice = self
            .client
            .post("/v1/invoices/create_preview", &form, None)
            .await?;
        let mut upcoming = convert::invoice(&preview).map_err(internal)?;
        upcoming.id = None;
        let mut changed = convert::subscription(sub, service).map_err(internal)?;
        changed.plan = target.plan.id.clone();
        if let (Some(first), Some(plan_item)) =
            (changed.items.first_mut(), target.plan.items.first())
        {
            first.quantity = target.quantity;
            first.product = plan_item.product.id.clone();
            first.unit_label = plan_item.product.unit_label.clone();
            first.price = plan_item.price.clone();
        }
        if target.at_period_end {
            let mut current = convert::subscription(sub, service).map_err(internal)?;
            current.pending_update =
                super::schedules::pending(target.plan, target.quantity, current.current_period_end);
            return Ok(ChangePreview {
                subscription: current,
                invoice: None,
                pending_lines: Vec::new(),
                next_invoice: Some(upcoming),
            });
        }
        let prorations: Vec<_> = upcoming
            .lines
            .iter()
            .filter(|l| l.proration)
            .cloned()
            .collect();
        Ok(match target.proration {
            ProrationBehavior::AlwaysInvoice => {
                let mut now_invoice = upcoming.clone();
                now_invoice.lines = prorations;
                now_invoice.subtotal = now_invoice.lines.iter().map(|l| l.amount).sum();
                now_invoice.total = now_invoice.subtotal;
                now_invoice.amount_due = now_invoice.total.max(0);
                now_invoice.billing_reason =
                    portico_wire::invoice::BillingReason::SubscriptionUpdate;
                ChangePreview {
                    subscription: changed,
                    invoice: Some(now_invoice),
                    pending_lines: Vec::new(),
                    next_invoice: None,
                }
            }
            _ => ChangePreview {
                subscription: changed,
                invoice: None,
                pending_lines: prorations,
                next_invoice: Some(upcoming),
            },
        })
    }

    pub(super) async fn change(
        &self,
        sub: &Subscription,
        service: &Service,
        target: &ChangeTarget<'_>,
        keys: &ForwardedKey,
    ) -> Result<ActionResponse, ProviderError> {
        let id = sub.id.as_str();
        let before = sub.latest_invoice.as_ref().map(|i| i.id().to_owned());
        if target.at_period_end {
            // Asking for the current terms at period end withdraws a scheduled
            // change, as on the built-in engine.
            if sub.schedule.is_some() && Self::unchanged(Self::live_item(sub)?, target) {
                self.release_schedule(sub, keys).await?;
            } else {
                let item = Self::changeable(sub, target)?;
                let price = item.price_id().unwrap_or_default();
                self.schedule_change(sub, price, item.quantity, target, keys)
                    .await?;
            }
            let query = Form::new().set("expand[0]", "schedule");
            let scheduled: Subscription = self
                .client
                .get(&format!("/v1/subscriptions/{}", path(id)), &query)
                .await?;
            // Nothing is invoiced until the period ends.
            return self.respond(&scheduled, service, before.as_deref()).await;
        }
        let item = Self::changeable(sub, target)?;
        self.release_schedule(sub, keys).await?;
        let form = Form::new()
            .set("items[0][id]", &item.id)
            .set(self.dialect.item_price_key("items", 0), &target.plan.id)
            .set("items[0][quantity]", target.quantity.get())
            .set("expand[0]", "latest_invoice");
        let form = super::metered::item_changes(form, sub, target.plan, self.dialect, "items", 1);
        let form = self
            .dialect
            .update_proration(form, proration_name(target.proration));
        let updated: Subscription = self
            .client
            .post(
                &format!("/v1/subscriptions/{}", path(id)),
                &form,
                Some(&keys.step("change")),
            )
            .await?;
        tracing::info!(subscription = %id, plan = %target.plan.id, quantity = target.quantity.get(), "change (Stripe)");
        self.respond(&updated, service, before.as_deref()).await
    }
}
