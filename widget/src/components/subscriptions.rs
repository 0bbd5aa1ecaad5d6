use crate::view_model::subscription_card;
use leptos::prelude::*;
use portico_wire::embed::Portal;

/// The customer's subscriptions in this service.
#[component]
pub fn SubscriptionList(state: Portal) -> impl IntoView {
    let cards = state
        .subscriptions
        .iter()
        .map(|subscription| {
            let card = subscription_card(subscription, &state.plans);
            view! {
                <article class="portico-subscription" data-testid="subscription" data-subscription-id=card.id>
                    <header class="portico-subscription-header">
                        <h3 class="portico-plan-name">{card.plan_name}</h3>
                        <span class=format!("portico-status portico-status-{}", card.status_tone) data-testid="subscription-status">
                            {card.status}
                        </span>
                    </header>
                    <p class="portico-amount">{card.amount}</p>
                    <p class="portico-period">{card.period_line}</p>
                </article>
            }
        })
        .collect_view();
    view! { <div class="portico-subscriptions" data-testid="subscriptions">{cards}</div> }
}
