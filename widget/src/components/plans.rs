use crate::i18n::Locale;
use crate::view_model::{has_interval_switch, plan_card, plans_for};
use leptos::prelude::*;
use portico_wire::embed::{Interval, Plan};
use portico_wire::{Quantity, QuantityOption};

/// The service's plans, for a customer without a subscription.
#[component]
pub fn PlanList(
    plans: Vec<Plan>,
    quantity: Option<QuantityOption>,
    locale: Locale,
    busy: Signal<Option<String>>,
    /// A read-only session shows the plans without signup buttons.
    read_only: bool,
    on_subscribe: Callback<(String, Option<QuantityOption>)>,
) -> impl IntoView {
    let t = locale.text();
    let switch = has_interval_switch(&plans);
    // The page's `options.quantity` fixes the seats; without it the customer picks them.
    let seats_editable = quantity.is_none()
        && plans
            .iter()
            .flat_map(|p| &p.items)
            .any(|i| i.unit_label.is_some());
    let seats = RwSignal::new(1_u32);
    let interval = RwSignal::new(Interval::Month);
    let plans = StoredValue::new(plans);
    let fixed = StoredValue::new(quantity);
    let quantity = move || {
        if seats_editable {
            Quantity::new(u64::from(seats.get()))
                .ok()
                .map(QuantityOption::All)
        } else {
            fixed.get_value()
        }
    };
    let cards = move || {
        let shown = plans.with_value(|plans| {
            if switch {
                plans_for(plans, interval.get())
            } else {
                plans.clone()
            }
        });
        shown.iter().map(|plan| {
            let chosen = quantity();
            let card = plan_card(plan, chosen.as_ref(), locale);
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
                    {card.usage_lines.into_iter().map(|line| view! { <p class="portico-plan-units" data-testid="metered-price">{line}</p> }).collect_view()}
                    {card.trial.map(|t| view! { <span class="portico-badge portico-badge-trial">{t}</span> })}
                    <ul class="portico-features">
                        {card.features.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}
                    </ul>
                    {(!read_only).then(|| view! {
                        <button
                            type="button"
                            class="portico-button portico-button-primary"
                            data-testid=format!("subscribe-{}", card.id)
                            disabled=move || busy.get().is_some()
                            aria-busy=move || this_busy().to_string()
                            on:click=move |_| on_subscribe.run((id.clone(), chosen.clone()))
                        >
                            {label}
                        </button>
                    })}
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
        {seats_editable.then(|| view! {
            <label class="portico-field portico-seats-picker">{t.seats}
                <input type="number" min="1" max="10000" data-testid="choose-seats" prop:value=move || seats.get().to_string()
                    on:input=move |ev| { if let Ok(n) = event_target_value(&ev).parse::<u32>() { seats.set(n.max(1)); } } />
            </label>
        })}
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
