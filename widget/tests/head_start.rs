//! The head start `portico.js` gives the widget: the identity exchange (and the
//! portal read) it makes while the wasm downloads. The widget takes that exchange
//! as its own only when it is exactly the request it would send, and otherwise
//! makes its own; a refusal is the exchange's answer, not a reason to ask twice.
#![cfg(target_arch = "wasm32")]

use portico_widget::api::Client;
use portico_wire::config::ConfigValue;
use portico_wire::{EmbedConfig, ErrorCode};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const SENT: &str = r#"{"service":"acme","email":"ada@example.com"}"#;
const SESSION: &str = r#"{"token":"pst_head_start","expires_at":1900000000,"livemode":false}"#;

fn config() -> EmbedConfig {
    let value = js_sys::JSON::parse(r#"{"service":"acme","email":"ada@example.com"}"#).unwrap();
    let value: ConfigValue = serde_wasm_bindgen::from_value(value).unwrap();
    EmbedConfig::from_value(value).unwrap()
}

/// What `portico.js` hands over: `{ body, exchange, portal: null }`.
fn head_start(body: &str, answer: &str, status: u16) -> js_sys::Promise {
    let init = web_sys::ResponseInit::new();
    init.set_status(status);
    let exchange = web_sys::Response::new_with_opt_str_and_init(Some(answer), &init).unwrap();
    let object = js_sys::Object::new();
    for (name, value) in [
        ("body", JsValue::from(body)),
        ("exchange", exchange.into()),
        ("portal", JsValue::NULL),
    ] {
        js_sys::Reflect::set(&object, &name.into(), &value).unwrap();
    }
    js_sys::Promise::resolve(&JsValue::from(object))
}

#[wasm_bindgen_test]
async fn the_loaders_exchange_is_taken_when_it_is_the_one_the_widget_would_send() {
    let client = Client::new("http://127.0.0.1:9");
    let taken = client
        .prefetched(head_start(SENT, SESSION, 201), &config())
        .await;
    match taken {
        Some((Ok(session), None)) => assert_eq!(session.token, "pst_head_start"),
        other => panic!("the head start was not taken: {other:?}"),
    }
}

#[wasm_bindgen_test]
async fn another_request_or_none_at_all_is_left_alone() {
    let client = Client::new("http://127.0.0.1:9");
    let someone_else = r#"{"service":"acme","email":"eve@example.com"}"#;
    let other = client
        .prefetched(head_start(someone_else, SESSION, 201), &config())
        .await;
    assert!(
        other.is_none(),
        "an exchange for another identity was taken"
    );
    let failed = client
        .prefetched(js_sys::Promise::reject(&JsValue::NULL), &config())
        .await;
    assert!(failed.is_none(), "a failed head start was taken");
}

#[wasm_bindgen_test]
async fn a_refused_exchange_is_the_answer() {
    let client = Client::new("http://127.0.0.1:9");
    let refusal = r#"{"error":{"type":"invalid_request_error","code":"invalid_hash","message":"`hash` does not match.","param":"hash"}}"#;
    match client
        .prefetched(head_start(SENT, refusal, 401), &config())
        .await
    {
        Some((Err(error), None)) => assert_eq!(error.code, ErrorCode::InvalidHash),
        other => panic!("the refusal was not taken as the answer: {other:?}"),
    }
}
