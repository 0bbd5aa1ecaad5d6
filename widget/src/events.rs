//! Telling the host page what happened: `handleResponse({ event, response, id,
//! created, livemode })`. Whatever the host's callback does — throw, reject — stays
//! out of the widget and never surfaces as an uncaught error in the host page.

use portico_wire::event::{ErrorResponse, EventName, Intent};
use wasm_bindgen::{JsCast, JsValue};

#[derive(Debug, Clone)]
pub struct Emitter {
    handler: Option<js_sys::Function>,
}

impl Emitter {
    pub fn new(handler: Option<js_sys::Function>) -> Self {
        Self { handler }
    }

    /// Calls `handleResponse` with `response`: the server's answer as it came, or
    /// the widget's own (an intent, an error) as plain data.
    pub fn emit(&self, event: EventName, response: &JsValue, livemode: bool) {
        let Some(handler) = &self.handler else { return };
        let value = payload(event, response, livemode);
        match handler.call1(&JsValue::NULL, &value) {
            Err(thrown) => {
                web_sys::console::error_2(&"Portico: handleResponse threw:".into(), &thrown)
            }
            Ok(returned) => {
                if let Ok(promise) = returned.dyn_into::<js_sys::Promise>() {
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Err(rejected) = wasm_bindgen_futures::JsFuture::from(promise).await {
                            web_sys::console::error_2(
                                &"Portico: handleResponse rejected:".into(),
                                &rejected,
                            );
                        }
                    });
                }
            }
        }
    }

    /// Asks the host page before an action (a `pre_*` event). `Err` says why the
    /// action must not be sent: the handler threw, returned `false`, or returned a
    /// promise that rejected or resolved to `false`.
    pub async fn ask(
        &self,
        event: EventName,
        intent: Intent,
        livemode: bool,
    ) -> Result<(), &'static str> {
        let Some(handler) = &self.handler else {
            return Ok(());
        };
        let intent = to_js(&intent).map_err(|_| "the event could not be encoded")?;
        let value = payload(event, &intent, livemode);
        let returned = handler
            .call1(&JsValue::NULL, &value)
            .map_err(|_| "the page's handleResponse threw")?;
        let answer = match returned.dyn_into::<js_sys::Promise>() {
            Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise)
                .await
                .map_err(|_| "the page's handleResponse rejected it")?,
            Err(value) => value,
        };
        if answer.as_bool() == Some(false) {
            Err("the page's handleResponse declined it")
        } else {
            Ok(())
        }
    }

    /// Reports an error everywhere it must go: the console and an `error` event.
    /// (The inline message is the component's job.)
    pub fn error(&self, error: &ErrorResponse, livemode: bool) {
        web_sys::console::error_1(&format!("Portico: {} ({})", error.message, error.code).into());
        self.emit(
            EventName::Error,
            &to_js(error).unwrap_or_default(),
            livemode,
        );
    }
}

/// A plain JavaScript object, exactly as `JSON.parse` of the wire JSON would give.
pub fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
}

/// `{ event, response, id, created, livemode }`: `EventPayload`'s shape, built in
/// place so that `response` goes to the host page as it is.
fn payload(event: EventName, response: &JsValue, livemode: bool) -> JsValue {
    let object = js_sys::Object::new();
    let fields = [
        ("event", to_js(&event).unwrap_or_default()),
        ("response", response.clone()),
        ("id", JsValue::from(new_event_id())),
        ("created", JsValue::from(now_seconds() as f64)),
        ("livemode", JsValue::from(livemode)),
    ];
    for (name, value) in fields {
        let _ = js_sys::Reflect::set(&object, &name.into(), &value);
    }
    object.into()
}

/// `value` as JSON text, through the browser's `JSON.stringify`: request bodies,
/// and what tells requests apart (rather than `{:?}`, so the wasm carries no
/// Debug formatting of strings and its Unicode tables).
pub fn json_text<T: serde::Serialize>(value: &T) -> Option<String> {
    to_js(value)
        .ok()
        .and_then(|value| js_sys::JSON::stringify(&value).ok())
        .and_then(|text| text.as_string())
}

fn new_event_id() -> String {
    random_id("evt_")
}

/// `prefix` and 24 random alphanumerics (~143 bits): event ids, idempotency keys.
pub fn random_id(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let suffix: String = (0..24)
        .map(|_| {
            let index = (js_sys::Math::random() * ALPHABET.len() as f64) as usize;
            char::from(ALPHABET[index.min(ALPHABET.len() - 1)])
        })
        .collect();
    format!("{prefix}{suffix}")
}

fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
