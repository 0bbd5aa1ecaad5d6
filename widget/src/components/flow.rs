//! Deep links: a hosted portal session may open straight into a flow (update the
//! card, cancel or update a subscription) and say what happens once it is done.

use super::{Panel, Portal};
use leptos::prelude::*;
use portico_wire::billing_portal::session::{AfterCompletionType, FlowType};
use portico_wire::embed::Portal as PortalState;

impl Portal {
    /// Opens the flow's panel, if the session came with one.
    pub(super) fn start_flow(self, state: &PortalState) {
        let Some(flow) = state.flow.clone() else {
            return;
        };
        let subscription = flow.subscription().map(str::to_owned).unwrap_or_default();
        let panel = match flow.kind {
            FlowType::PaymentMethodUpdate => Panel::Card,
            FlowType::SubscriptionCancel => Panel::Cancel(subscription),
            FlowType::SubscriptionUpdate | FlowType::SubscriptionUpdateConfirm => {
                Panel::Change(subscription)
            }
        };
        self.flow.set_value(Some(flow));
        self.panel.set(panel);
    }

    /// After an action of kind `done`: if it completes the deep link, redirect,
    /// confirm, or stay on the portal, as the session asked. Once only.
    pub(super) fn complete_flow(self, done: FlowType) {
        let completes = |kind: FlowType| {
            kind == done
                || (kind == FlowType::SubscriptionUpdateConfirm
                    && done == FlowType::SubscriptionUpdate)
        };
        let Some(flow) = self.flow.get_value().filter(|f| completes(f.kind)) else {
            return;
        };
        self.flow.set_value(None);
        let after = flow.after_completion;
        match after.kind {
            AfterCompletionType::Redirect => {
                if let (Some(redirect), Some(window)) = (after.redirect, web_sys::window()) {
                    let _ = window.location().assign(&redirect.return_url);
                }
            }
            AfterCompletionType::HostedConfirmation => {
                let message = after
                    .hosted_confirmation
                    .and_then(|h| h.custom_message)
                    .unwrap_or_else(|| self.t().flow_done.to_owned());
                self.notice.set(Some(message));
            }
            AfterCompletionType::PortalHomepage => {}
        }
    }

    /// The plan and quantity an update-confirm deep link proposes for `subscription`.
    pub(super) fn flow_proposal(self, subscription: &str) -> (Option<String>, Option<u32>) {
        self.flow.with_value(|flow| {
            let confirm = flow
                .as_ref()
                .and_then(|f| f.subscription_update_confirm.as_ref())
                .filter(|c| c.subscription == subscription);
            let item = confirm.and_then(|c| c.items.first());
            (
                item.and_then(|i| i.price.clone()),
                confirm.and_then(|c| c.items.iter().find_map(|i| i.quantity)),
            )
        })
    }
}
