//! The card form with the Stripe provider: Stripe.js's card Element, mounted in
//! the portal; the card goes from the browser to Stripe.

use super::Portal;
use super::focus::focus_first;
use crate::stripe_js::{self, CardElement, StripeJs};
use leptos::ev::SubmitEvent;
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use portico_wire::ErrorCode;
use portico_wire::event::ErrorResponse;

#[component]
pub fn StripeCardForm(portal: Portal, publishable_key: String, js_url: String) -> impl IntoView {
    let t = portal.t();
    let node = NodeRef::<Div>::new();
    let target = NodeRef::<Div>::new();
    let mounted = StoredValue::new_local(None::<(StripeJs, CardElement)>);
    let unavailable = RwSignal::new(false);
    focus_first(node);
    Effect::new(move |_| {
        let Some(target) = target.get() else { return };
        if mounted.with_value(Option::is_some) {
            return;
        }
        let (url, key) = (js_url.clone(), publishable_key.clone());
        spawn_local(async move {
            match stripe_js::mount_card(&url, &key, &target).await {
                Ok(pair) => mounted.set_value(Some(pair)),
                Err(why) => {
                    web_sys::console::warn_2(&"portico: Stripe.js failed:".into(), &why);
                    unavailable.set(true);
                    let error = ErrorResponse {
                        code: ErrorCode::ProviderUnavailable,
                        message: t.card_form_unavailable.to_owned(),
                    };
                    portal.report(&error);
                }
            }
        });
    });
    on_cleanup(move || {
        if let Some(Some((_, card))) = mounted.try_with_value(|m| m.clone()) {
            card.destroy();
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some((stripe, card)) = mounted.with_value(|m| m.clone()) {
            portal.attach_stripe_card(stripe, card);
        }
    };
    view! {
        <div node_ref=node on:keydown=portal.escape_closes()>
        <form class="portico-panel" data-testid="card-form" on:submit=submit novalidate>
            {move || portal.signup_after_card.get().map(|_| view! { <p>{t.card_for_signup}</p> })}
            <div class="portico-field portico-stripe-card" data-testid="stripe-card" node_ref=target></div>
            {move || unavailable.get().then(|| view! { <p class="portico-action-error" role="alert">{t.card_form_unavailable}</p> })}
            <button type="submit" class="portico-button portico-button-primary" data-testid="save-card"
                disabled=move || portal.busy.get().is_some() || unavailable.get()>
                {move || if portal.busy.get().as_deref() == Some("card") { t.saving } else { t.save_card }}
            </button>
        </form>
        </div>
    }
}
