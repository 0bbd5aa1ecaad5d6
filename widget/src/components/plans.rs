use crate::i18n::Locale;
use crate::view_model::{has_interval_switch, plan_card, plans_for};
use leptos::prelude::*;
use portico_wire::QuantityOption;
use portico_wire::embed::{Interval, Plan};

/// The service's plans, for a customer without a subscription.
#[component]
pub fn PlanList(
    plans: Vec<Plan>,
    quantity: Option<QuantityOption>,
    locale: Locale,
    busy: Signal<Option<String>>,
    on_subscribe: Callback<String>,
) -> impl IntoView {
    let t = locale.text();
    let switch = has_interval_switch(&plans);
    let interval = RwSignal::new(Interval::Month);
    let plans = StoredValue::new(plans);
    let quantity = StoredValue::new(quantity);
    let cards = move || {
        let shown = plans.with_value(|plans| {
            if switch {
                plans_for(plans, interval.get())
            } else {
                plans.clone()
            }
        });
        shown.iter().map(|plan| {
            let card = quantity.with_value(|q| plan_card(plan, q.as_ref(), locale));
            let id = card.id.clone();
            let this_busy = {
                let key = format!("subscribe:{id}");
                move || busy.get().as_deref() == Some(key.as_str())
            };
            let label = {
                let this_busy = this_busy.clone();
                move || if this_busy() { t.subscribing } else { t.subscribe }
            };
            view! {
                <article class="portico-plan" data-testid=format!("plan-{}", card.id)>
                    <h3 class="portico-plan-name">{card.name}</h3>
                    {card.description.map(|d| view! { <p class="portico-plan-description">{d}</p> })}
                    <p class="portico-plan-price">
                        <span class="portico-amount" data-testid="plan-price">{card.price}</span>
                        " "
                        <span class="portico-interval">{card.per_interval}</span>
                    </p>
                    {card.unit_lines.into_iter().map(|line| view! { <p class="portico-plan-units">{line}</p> }).collect_view()}
                    {card.trial.map(|t| view! { <span class="portico-badge portico-badge-trial">{t}</span> })}
                    <ul class="portico-features">
                        {card.features.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}
                    </ul>
                    <button
                        type="button"
                        class="portico-button portico-button-primary"
                        data-testid=format!("subscribe-{}", card.id)
                        disabled=move || busy.get().is_some()
                        aria-busy=move || this_busy().to_string()
                        on:click=move |_| on_subscribe.run(id.clone())
                    >
                        {label}
                    </button>
                </article>
            }
        })
        .collect_view()
    };
    let choice = move |value: Interval, label: &'static str, testid: &'static str| {
        view! {
            <label class="portico-choice">
                <input type="radio" name="portico-interval" data-testid=testid
                    prop:checked=move || interval.get() == value
                    on:change=move |_| interval.set(value) />
                {label}
            </label>
        }
    };
    view! {
        {switch.then(|| view! {
            <fieldset class="portico-fieldset portico-interval-switch" data-testid="interval-switch">
                <legend>{t.billing_period}</legend>
                {choice(Interval::Month, t.monthly, "show-monthly")}
                {choice(Interval::Year, t.yearly, "show-yearly")}
            </fieldset>
        })}
        <div class="portico-plans" data-testid="plans">{cards}</div>
    }
}
