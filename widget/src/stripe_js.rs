//! Stripe.js, as far as the portal uses it: load the script once per page, make
//! the card Element, confirm a SetupIntent with it. Only Stripe.js's public API
//! (`Stripe(key)`, `elements()`, `create("card")`, `mount`, `destroy`,
//! `confirmCardSetup`) so the test stand-in and the real script both work.

use portico_wire::ErrorCode;
use portico_wire::event::ErrorResponse;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// `Stripe(publishableKey)`, called as a function (the stand-in is an arrow
    /// function, which `new` would refuse).
    #[wasm_bindgen(js_name = Stripe, catch)]
    fn stripe_for(key: &str) -> Result<StripeJs, JsValue>;

    #[derive(Clone, Debug)]
    pub type StripeJs;
    #[wasm_bindgen(method)]
    fn elements(this: &StripeJs) -> Elements;
    #[wasm_bindgen(method, js_name = confirmCardSetup)]
    fn confirm_card_setup(this: &StripeJs, client_secret: &str, data: &JsValue) -> js_sys::Promise;

    type Elements;
    #[wasm_bindgen(method)]
    fn create(this: &Elements, kind: &str) -> CardElement;

    #[derive(Clone, Debug)]
    pub type CardElement;
    #[wasm_bindgen(method, catch)]
    fn mount(this: &CardElement, target: &web_sys::Element) -> Result<(), JsValue>;
    #[wasm_bindgen(method)]
    pub fn destroy(this: &CardElement);
}

fn has_stripe() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"Stripe".into()).is_ok_and(|v| v.is_function())
}

/// Loads the script from `url` unless `Stripe` is already there; one `<script>`
/// per URL, shared by every portal on the page.
async fn load(url: &str) -> Result<(), JsValue> {
    if has_stripe() {
        return Ok(());
    }
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let selector = format!(
        "script[data-portico-stripe=\"{}\"]",
        url.replace('"', "%22")
    );
    let script = match document.query_selector(&selector)? {
        Some(existing) => existing,
        None => {
            let script = document.create_element("script")?;
            script.set_attribute("src", url)?;
            script.set_attribute("data-portico-stripe", url)?;
            // At the end of <body>: Stripe's script does not mind where it is,
            // and the test peer's stand-in takes its own origin from the
            // document's last script.
            document.body().ok_or("no <body>")?.append_child(&script)?;
            script
        }
    };
    if has_stripe() {
        return Ok(());
    }
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        let _ = script.add_event_listener_with_callback("load", &resolve);
        let _ = script.add_event_listener_with_callback("error", &reject);
    });
    JsFuture::from(done).await?;
    if has_stripe() {
        Ok(())
    } else {
        Err("Stripe.js did not define `Stripe`".into())
    }
}

/// Loads Stripe.js, makes a card Element and mounts it in `target`.
pub async fn mount_card(
    url: &str,
    publishable_key: &str,
    target: &web_sys::Element,
) -> Result<(StripeJs, CardElement), JsValue> {
    load(url).await?;
    let stripe = stripe_for(publishable_key)?;
    let card = stripe.elements().create("card");
    card.mount(target)?;
    Ok((stripe, card))
}

/// `confirmCardSetup(secret, {payment_method: {card}})`: `Ok` once the card is set
/// up, else Stripe's error as ours.
pub async fn confirm_setup(
    stripe: &StripeJs,
    card: &CardElement,
    client_secret: &str,
) -> Result<(), ErrorResponse> {
    let data = js_sys::Object::new();
    let method = js_sys::Object::new();
    let set = |o: &js_sys::Object, k: &str, v: &JsValue| {
        let _ = js_sys::Reflect::set(o, &k.into(), v);
    };
    set(&method, "card", card.unchecked_ref());
    set(&data, "payment_method", &method);
    let result = JsFuture::from(stripe.confirm_card_setup(client_secret, &data))
        .await
        .map_err(|e| from_stripe(&e))?;
    let error = js_sys::Reflect::get(&result, &"error".into()).unwrap_or(JsValue::NULL);
    if error.is_null() || error.is_undefined() {
        Ok(())
    } else {
        Err(from_stripe(&error))
    }
}

fn field(value: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(value, &key.into()).ok()?.as_string()
}

fn from_stripe(error: &JsValue) -> ErrorResponse {
    stripe_error(
        field(error, "code").as_deref(),
        field(error, "message")
            .or_else(|| error.as_string())
            .as_deref(),
    )
}

/// A Stripe.js error (`{code, message}`) as the portal's: a known code keeps its
/// name, an unknown one is kept as is, none is a declined card.
pub fn stripe_error(code: Option<&str>, message: Option<&str>) -> ErrorResponse {
    let code = match code {
        Some(code) => {
            use serde::Deserialize;
            let named = serde::de::value::StrDeserializer::<serde::de::value::Error>::new(code);
            ErrorCode::deserialize(named).unwrap_or_else(|_| ErrorCode::Unknown(code.to_owned()))
        }
        None => ErrorCode::CardDeclined,
    };
    ErrorResponse {
        code,
        message: message
            .filter(|m| !m.is_empty())
            .unwrap_or("The card could not be set up.")
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_js_errors_keep_their_code_and_message() {
        let declined = stripe_error(Some("card_declined"), Some("Your card was declined."));
        assert_eq!(declined.code, ErrorCode::CardDeclined);
        assert_eq!(declined.message, "Your card was declined.");
        let odd = stripe_error(Some("setup_intent_authentication_failure"), None);
        assert_eq!(
            odd.code,
            ErrorCode::Unknown("setup_intent_authentication_failure".into())
        );
        assert_eq!(odd.message, "The card could not be set up.");
        assert_eq!(stripe_error(None, Some("")).code, ErrorCode::CardDeclined);
    }
}
