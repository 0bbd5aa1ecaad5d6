//! The customer's subscriptions and what they can do with each: change plan or
//! seats (with the backend's exact preview before confirming), cancel (with a
//! reason), resume, resubscribe.

use super::chunks::{self, Managed};
use super::focus::focus_first;
use super::{Panel, Portal};
use crate::billing_view::{actions, attention, change_request, preview_summary, seats};
use crate::i18n::fill;
use crate::intl;
use crate::view_model::subscription_card;
use leptos::html::Div;
use leptos::prelude::*;
use portico_wire::Quantity;
use portico_wire::actions::CancelRequest;
use portico_wire::billing_portal::Features;
use portico_wire::billing_portal::configuration::CancelMode;
use portico_wire::embed::{Plan, Portal as PortalState, Subscription};

#[component]
pub fn SubscriptionList(portal: Portal, state: PortalState) -> impl IntoView {
    let plans = StoredValue::new(state.plans.clone());
    let features = StoredValue::new(state.features.clone());
    let read_only = state.read_only;
    let cards = state
        .subscriptions
        .into_iter()
        .map(|subscription| view! { <SubscriptionCard portal=portal subscription=subscription plans=plans features=features read_only=read_only /> })
        .collect_view();
    view! { <div class="portico-subscriptions" data-testid="subscriptions">{cards}</div> }
}

#[component]
fn SubscriptionCard(
    portal: Portal,
    subscription: Subscription,
    plans: StoredValue<Vec<Plan>>,
    features: StoredValue<Features>,
    read_only: bool,
) -> impl IntoView {
    let t = portal.t();
    let locale = portal.locale;
    let card = plans.with_value(|plans| subscription_card(&subscription, plans, locale));
    // What the subscription allows, narrowed by the portal configuration.
    let mut allowed = actions(&subscription);
    features.with_value(|f| {
        allowed.change &= f.subscription_update.enabled && !read_only;
        allowed.cancel &= f.subscription_cancel.enabled && !read_only;
    });
    allowed.resume &= !read_only;
    allowed.resubscribe &= !read_only;
    let id = subscription.id.to_string();
    let sub = StoredValue::new(subscription.clone());
    let busy = move |action: &str| {
        let key = format!("{action}:{}", sub.with_value(|s| s.id.to_string()));
        move || portal.busy.get().as_deref() == Some(key.as_str())
    };
    let open = {
        let id = id.clone();
        move |panel: fn(String) -> Panel| {
            let id = id.clone();
            move |ev: leptos::ev::MouseEvent| portal.open_panel(panel(id.clone()), &ev)
        }
    };
    let panel_open = {
        let id = id.clone();
        move || match portal.panel.get() {
            Panel::Change(open) if open == id => Some(true),
            Panel::Cancel(open) if open == id => Some(false),
            _ => None,
        }
    };
    let pending = subscription.pending_update.as_ref().map(|update| {
        let name = plans.with_value(|plans| {
            plans
                .iter()
                .find(|p| p.id == update.plan)
                .map_or(update.plan.clone(), |p| p.name.clone())
        });
        let date = intl::date(locale, update.effective_at);
        fill(t.changes_to, &[("plan", &name), ("date", &date)])
    });
    view! {
        <article class="portico-subscription" data-testid="subscription" data-subscription-id=id.clone()>
            <header class="portico-subscription-header">
                <h3 class="portico-plan-name">{card.plan_name}</h3>
                <span class=format!("portico-status portico-status-{}", card.status_tone) data-testid="subscription-status">
                    {card.status}
                </span>
            </header>
            <p class="portico-amount" data-testid="subscription-amount">{card.amount}</p>
            <p class="portico-period" data-testid="subscription-period">{card.period_line}</p>
            {pending.map(|line| view! { <p class="portico-period" data-testid="pending-update">{line}</p> })}
            {attention(&subscription, locale).map(|line| view! { <p class="portico-attention" role="status" data-testid="attention">{line}</p> })}
            <div class="portico-actions">
                {allowed.change.then(|| view! {
                    <button type="button" class="portico-button" data-testid="change" on:click=open(Panel::Change)>{t.change_plan}</button>
                })}
                {allowed.cancel.then(|| view! {
                    <button type="button" class="portico-button portico-button-quiet" data-testid="cancel" on:click=open(Panel::Cancel)>{t.cancel}</button>
                })}
                {allowed.resume.then(|| view! {
                    <button type="button" class="portico-button portico-button-primary" data-testid="resume"
                        disabled=move || portal.busy.get().is_some() aria-busy=move || busy("resume")().to_string()
                        on:click=move |_| portal.resume(sub.get_value())>
                        {move || if busy("resume")() { t.resuming } else { t.resume }}
                    </button>
                })}
                {allowed.resubscribe.then(|| view! {
                    <button type="button" class="portico-button portico-button-primary" data-testid="resubscribe"
                        disabled=move || portal.busy.get().is_some() aria-busy=move || busy("resubscribe")().to_string()
                        on:click=move |_| portal.resubscribe(sub.get_value())>
                        {move || if busy("resubscribe")() { t.subscribing } else { t.resubscribe }}
                    </button>
                })}
            </div>
            {move || panel_open().map(|change| {
                let managed = Managed { sub, plans, features };
                if change {
                    chunks::on_demand(portal, true, move || chunks::change_panel(portal, managed))
                } else {
                    chunks::on_demand(portal, true, move || chunks::cancel_panel(portal, managed))
                }
            })}
        </article>
    }
}

#[component]
pub(super) fn ChangePanel(
    portal: Portal,
    sub: StoredValue<Subscription>,
    plans: StoredValue<Vec<Plan>>,
    features: StoredValue<Features>,
) -> impl IntoView {
    let t = portal.t();
    let current = sub.get_value();
    let update = features.with_value(|f| f.subscription_update.clone());
    // The current plan, and the plans the configuration lets the customer switch to.
    let same_currency: Vec<Plan> = plans.with_value(|plans| {
        plans
            .iter()
            .filter(|p| p.currency == current.currency)
            .filter(|p| {
                p.id == current.plan
                    || update.allows_plan(&p.id, p.items.iter().map(|i| i.product.as_str()))
            })
            .cloned()
            .collect()
    });
    let (proposed_plan, proposed_seats) = portal.flow_proposal(current.id.as_str());
    let plan = RwSignal::new(proposed_plan.unwrap_or_else(|| current.plan.clone()));
    let seat_label = seats(&current);
    let quantity = RwSignal::new(
        proposed_seats.unwrap_or_else(|| seat_label.as_ref().map_or(1, |(_, q)| q.get())),
    );
    let seats_allowed = update.allows_quantity();
    let proration = update.proration_behavior;
    let at_period_end = RwSignal::new(false);
    let options = StoredValue::new(same_currency);
    let request = move || {
        let chosen =
            options.with_value(|plans| plans.iter().find(|p| p.id == plan.get()).cloned())?;
        let label = chosen.items.iter().find_map(|i| i.unit_label.clone());
        let seats = label.filter(|_| seats_allowed).and_then(|l| {
            Quantity::new(u64::from(quantity.get()))
                .ok()
                .map(|q| (l, q))
        });
        let mut request = change_request(&chosen, seats);
        request.at_period_end = at_period_end.get();
        request.proration_behavior = Some(proration);
        Some(request)
    };
    let has_seats = move || {
        seats_allowed
            && options.with_value(|plans| {
                plans
                    .iter()
                    .find(|p| p.id == plan.get())
                    .is_some_and(|p| p.items.iter().any(|i| i.unit_label.is_some()))
            })
    };
    let preview = move |_| {
        if let Some(request) = request() {
            portal.preview_change(sub.with_value(|s| s.id.to_string()), request);
        }
    };
    let confirm = move |_| {
        if let Some(request) = request() {
            portal.confirm_change(sub.get_value(), request);
        }
    };
    let choices = options.with_value(|plans| {
        plans
            .iter()
            .map(|p| {
                let id = p.id.clone();
                let checked = id.clone();
                view! {
                    <label class="portico-choice">
                        <input type="radio" name="portico-plan" value=id.clone() data-testid=format!("choose-{id}")
                            prop:checked=move || plan.get() == checked
                            on:change=move |_| { plan.set(id.clone()); portal.preview.set(None); } />
                        {p.name.clone()}
                    </label>
                }
            })
            .collect_view()
    });
    let node = NodeRef::<Div>::new();
    focus_first(node);
    view! {
        <div class="portico-panel" data-testid="change-panel" role="group" aria-label=t.change_plan
            node_ref=node on:keydown=portal.escape_closes()>
            <fieldset class="portico-fieldset"><legend>{t.plan}</legend>{choices}</fieldset>
            <Show when=has_seats>
                <label class="portico-field">{t.seats}
                    <input type="number" min="1" max="10000" data-testid="seats" prop:value=move || quantity.get().to_string()
                        on:input=move |ev| { if let Ok(q) = event_target_value(&ev).parse::<u32>() { quantity.set(q.max(1)); portal.preview.set(None); } } />
                </label>
            </Show>
            <label class="portico-choice">
                <input type="checkbox" data-testid="at-period-end" prop:checked=move || at_period_end.get()
                    on:change=move |ev| { at_period_end.set(event_target_checked(&ev)); portal.preview.set(None); } />
                {t.at_period_end}
            </label>
            <button type="button" class="portico-button" data-testid="preview" disabled=move || portal.busy.get().is_some() on:click=preview>
                {t.preview_change}
            </button>
            {move || portal.preview.get().map(|preview| {
                let summary = preview_summary(&preview, portal.locale);
                view! {
                    <div class="portico-preview" data-testid="preview-summary" aria-live="polite">
                        {summary.scheduled.map(|s| view! { <p>{s}</p> })}
                        {summary.now.map(|now| view! {
                            <table class="portico-lines">
                                <caption>{t.charged_now}</caption>
                                <tbody>{now.lines.into_iter().map(|(d, a)| view! { <tr><td>{d}</td><td class="portico-num">{a}</td></tr> }).collect_view()}</tbody>
                                <tfoot><tr><th scope="row">"Amount due now"</th><td class="portico-num" data-testid="due-now">{now.due}</td></tr></tfoot>
                            </table>
                        })}
                        {(!summary.pending.is_empty()).then(|| view! {
                            <table class="portico-lines">
                                <caption>{t.next_invoice_lines}</caption>
                                <tbody>{summary.pending.into_iter().map(|(d, a)| view! { <tr><td>{d}</td><td class="portico-num">{a}</td></tr> }).collect_view()}</tbody>
                            </table>
                        })}
                        {summary.next.map(|n| view! { <p data-testid="next-invoice">{n}</p> })}
                        <button type="button" class="portico-button portico-button-primary" data-testid="confirm-change"
                            disabled=move || portal.busy.get().is_some() on:click=confirm>
                            {t.confirm_change}
                        </button>
                    </div>
                }
            })}
        </div>
    }
}

#[component]
pub(super) fn CancelPanel(
    portal: Portal,
    sub: StoredValue<Subscription>,
    features: StoredValue<Features>,
) -> impl IntoView {
    // The configuration says when a cancel takes effect and which reasons to offer.
    let allowed = features.with_value(|f| f.subscription_cancel.clone());
    let at_period_end = RwSignal::new(allowed.mode == CancelMode::AtPeriodEnd);
    let feedback = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let t = portal.t();
    let end = intl::date(portal.locale, sub.with_value(|s| s.current_period_end));
    let confirm = move |_| {
        let feedback = match feedback.get_untracked().as_str() {
            "" => None,
            value => serde_wasm_bindgen::from_value(value.into()).ok(),
        };
        let request = CancelRequest {
            at_period_end: Some(at_period_end.get_untracked()),
            proration_behavior: None,
            feedback,
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
        };
        portal.cancel(sub.get_value(), request);
    };
    // Stripe's `feedback` values, sent as they are.
    let reasons = [
        ("too_expensive", t.reason_too_expensive),
        ("missing_features", t.reason_missing_features),
        ("switched_service", t.reason_switched_service),
        ("unused", t.reason_unused),
        ("customer_service", t.reason_customer_service),
        ("too_complex", t.reason_too_complex),
        ("low_quality", t.reason_low_quality),
        ("other", t.reason_other),
    ];
    let offered: Vec<(&str, &str)> = reasons
        .into_iter()
        .filter(|(value, _)| {
            allowed.cancellation_reason.enabled
                && allowed.cancellation_reason.options.iter().any(|o| {
                    serde_wasm_bindgen::to_value(o)
                        .ok()
                        .and_then(|v| v.as_string())
                        .as_deref()
                        == Some(*value)
                })
        })
        .collect();
    let when = if at_period_end.get_untracked() {
        fill(t.at_end_of_period, &[("date", &end)])
    } else {
        t.now.to_owned()
    };
    let node = NodeRef::<Div>::new();
    focus_first(node);
    view! {
        <div class="portico-panel" data-testid="cancel-panel" role="group" aria-label=t.cancel_subscription
            node_ref=node on:keydown=portal.escape_closes()>
            <p class="portico-field" data-testid="cancel-when"><strong>{t.when}</strong>" "{when}</p>
            {(!offered.is_empty()).then(|| view! {
                <label class="portico-field">{t.why_cancel}
                    <select data-testid="cancel-reason" on:change=move |ev| feedback.set(event_target_value(&ev))>
                        <option value="">{t.choose_reason}</option>
                        {offered.iter().map(|(value, label)| view! { <option value=*value>{*label}</option> }).collect_view()}
                    </select>
                </label>
            })}
            <label class="portico-field">{t.anything_else}
                <textarea maxlength="500" data-testid="cancel-comment" on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            </label>
            <button type="button" class="portico-button portico-button-danger" data-testid="confirm-cancel"
                disabled=move || portal.busy.get().is_some() on:click=confirm>
                {t.cancel_subscription}
            </button>
        </div>
    }
}
