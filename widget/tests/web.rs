//! The widget's JavaScript boundary, in a real browser (wasm-bindgen-test + headless
//! Chromium): config errors, unusable targets, a throwing or rejecting
//! `handleResponse`, every way to veto a `pre_*` event, an unreachable backend, and
//! `destroy()`.
#![cfg(target_arch = "wasm32")]

use portico_widget::customer_portal;
use portico_widget::events::Emitter;
use portico_wire::event::{EventName, Intent};
use std::time::Duration;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn host() -> Element {
    let element = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&element).unwrap();
    element
}

/// A config object whose `handleResponse` records payloads in `window[sink]`.
fn config(json: &str, sink: &str) -> JsValue {
    let config = js_sys::JSON::parse(json).unwrap();
    let record = format!("(window['{sink}'] = window['{sink}'] || []).push(payload);");
    let handler = js_sys::Function::new_with_args("payload", &record);
    js_sys::Reflect::set(&config, &"handleResponse".into(), &handler).unwrap();
    config
}

fn received(sink: &str) -> Vec<JsValue> {
    let value = js_sys::Reflect::get(&web_sys::window().unwrap(), &sink.into()).unwrap();
    if value.is_undefined() {
        Vec::new()
    } else {
        js_sys::Array::from(&value).to_vec()
    }
}

fn field(value: &JsValue, path: &[&str]) -> JsValue {
    path.iter().fold(value.clone(), |v, key| {
        js_sys::Reflect::get(&v, &(*key).into()).unwrap()
    })
}

fn shadow_text(element: &Element) -> String {
    element
        .shadow_root()
        .map(|root| root.text_content().unwrap_or_default())
        .unwrap_or_default()
}

async fn sleep(duration: Duration) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                &resolve,
                duration.as_millis() as i32,
            )
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

async fn until(mut ready: impl FnMut() -> bool) {
    for _ in 0..100 {
        if ready() {
            return;
        }
        sleep(Duration::from_millis(50)).await;
    }
    panic!("condition not met within 5 s");
}

/// From now on, records in `window[sink]` every uncaught error and unhandled
/// rejection the page sees: what a host page would find in its error reporting.
fn watch_page_errors(sink: &str) {
    let install = js_sys::Function::new_no_args(&format!(
        "const seen = (window['{sink}'] = []);
         window.addEventListener('error', e => {{ seen.push('uncaught ' + e.message); e.preventDefault(); }});
         window.addEventListener('unhandledrejection', e => {{
             seen.push('unhandled rejection ' + e.reason); e.preventDefault(); }});"
    ));
    install.call0(&JsValue::NULL).unwrap();
}

/// What `watch_page_errors(sink)` saw, once it is known to have seen everything
/// raised so far: the page raises an uncaught error and an unhandled rejection of
/// its own (the canaries), which are reported after anything raised before them,
/// and which prove the listeners work.
async fn page_errors(sink: &str) -> Vec<String> {
    let seen = || -> Vec<String> {
        received(sink)
            .iter()
            .map(|e| e.as_string().unwrap_or_default())
            .collect()
    };
    let is_canary = |e: &String| e.ends_with("Error: canary");
    let canaries = || seen().iter().filter(|e| is_canary(e)).count();
    let before = canaries();
    let raise = js_sys::Function::new_no_args(
        "setTimeout(() => { throw new Error('canary'); });
         Promise.reject(new Error('canary'));",
    );
    raise.call0(&JsValue::NULL).unwrap();
    until(|| canaries() == before + 2).await;
    seen().into_iter().filter(|e| !is_canary(e)).collect()
}

/// How many times the handler counting into `window[counter]` was called.
fn calls(counter: &str) -> f64 {
    js_sys::Reflect::get(&web_sys::window().unwrap(), &counter.into())
        .unwrap()
        .as_f64()
        .unwrap_or(0.0)
}

/// A config for `ada@example.com` whose `handleResponse` runs `body` after counting
/// its calls in `window[counter]`.
fn config_with_handler(counter: &str, body: &str) -> JsValue {
    let config = js_sys::JSON::parse(r#"{"email": "ada@example.com", "service": "acme"}"#).unwrap();
    let handler = js_sys::Function::new_with_args(
        "payload",
        &format!("window['{counter}'] = (window['{counter}'] || 0) + 1; {body}"),
    );
    js_sys::Reflect::set(&config, &"handleResponse".into(), &handler).unwrap();
    config
}

#[wasm_bindgen_test]
async fn invalid_config_shows_inline_and_raises_an_error_event() {
    let element = host();
    let config = config(
        r#"{"email": "ada@example.com", "service": "acme", "options": {"quantity": 1.5}}"#,
        "bad_quantity",
    );
    let handle = customer_portal(
        element.clone().into(),
        config,
        "http://127.0.0.1:9".into(),
        "about:blank".into(),
    );
    assert!(handle.mounted());
    until(|| shadow_text(&element).contains("options.quantity")).await;
    let events = received("bad_quantity");
    assert_eq!(events.len(), 1);
    assert_eq!(field(&events[0], &["event"]), "error");
    assert_eq!(field(&events[0], &["response", "code"]), "invalid_config");
    assert_eq!(field(&events[0], &["livemode"]), false);
}

#[wasm_bindgen_test]
async fn both_email_and_customer_id_is_refused() {
    let element = host();
    let config = config(
        r#"{"email": "ada@example.com", "customer_id": "u1", "service": "acme"}"#,
        "both_ids",
    );
    let _handle = customer_portal(
        element.clone().into(),
        config,
        "http://127.0.0.1:9".into(),
        "about:blank".into(),
    );
    until(|| shadow_text(&element).contains("customer_id")).await;
    assert_eq!(
        field(&received("both_ids")[0], &["response", "code"]),
        "invalid_config"
    );
}

#[wasm_bindgen_test]
fn a_missing_target_is_reported_not_thrown() {
    let config = config(
        r#"{"email": "ada@example.com", "service": "acme"}"#,
        "no_target",
    );
    let handle = customer_portal(
        "#nowhere".into(),
        config,
        "http://127.0.0.1:9".into(),
        "about:blank".into(),
    );
    assert!(!handle.mounted());
    let events = received("no_target");
    assert_eq!(field(&events[0], &["response", "code"]), "invalid_config");
    assert!(
        field(&events[0], &["response", "message"])
            .as_string()
            .unwrap()
            .contains("#nowhere")
    );
}

#[wasm_bindgen_test]
async fn a_throwing_handle_response_stays_inside_the_widget() {
    let errors = "escaped_from_handle_response";
    watch_page_errors(errors);
    // The backend is unreachable, so the `error` event is emitted from the widget's
    // own task after `customerPortal` returned: nothing of the host page's is on the
    // stack to catch what the handler throws or rejects.
    let throws = host();
    let _throwing = customer_portal(
        throws.clone().into(),
        config_with_handler("throw_calls", "throw new Error('host bug: thrown');"),
        "http://127.0.0.1:9".into(),
        "about:blank".into(),
    );
    let rejects = host();
    let _rejecting = customer_portal(
        rejects.clone().into(),
        config_with_handler(
            "reject_calls",
            "return Promise.reject(new Error('host bug: rejected'));",
        ),
        "http://127.0.0.1:9".into(),
        "about:blank".into(),
    );
    until(|| calls("throw_calls") >= 1.0 && calls("reject_calls") >= 1.0).await;
    assert_eq!(page_errors(errors).await, Vec::<String>::new());
    // And each portal carries on: the error is shown with its retry button.
    for element in [&throws, &rejects] {
        let root = element.shadow_root().unwrap();
        until(|| {
            root.query_selector("[data-testid=retry]")
                .unwrap()
                .is_some()
        })
        .await;
    }

    // An invalid config is reported while `customerPortal` runs, inside the call.
    let invalid = host();
    let config = js_sys::JSON::parse(r#"{"service": "acme"}"#).unwrap();
    let thrower = js_sys::Function::new_with_args(
        "payload",
        "window.thrown = true; throw new Error('host bug: thrown at mount');",
    );
    js_sys::Reflect::set(&config, &"handleResponse".into(), &thrower).unwrap();
    let handle = customer_portal(
        invalid.clone().into(),
        config,
        "http://127.0.0.1:9".into(),
        "about:blank".into(),
    );
    assert!(handle.mounted());
    assert_eq!(
        js_sys::Reflect::get(&web_sys::window().unwrap(), &"thrown".into()).unwrap(),
        true
    );
    until(|| shadow_text(&invalid).contains("email")).await;
    assert_eq!(page_errors(errors).await, Vec::<String>::new());
}

#[wasm_bindgen_test]
async fn a_pre_event_is_vetoed_by_false_a_false_promise_a_throw_or_a_rejection() {
    let errors = "escaped_from_a_veto";
    watch_page_errors(errors);
    let declined = Err("the page's handleResponse declined it");
    let cases = [
        ("return false;", declined),
        ("return Promise.resolve(false);", declined),
        (
            "throw new Error('vetoed');",
            Err("the page's handleResponse threw"),
        ),
        (
            "return Promise.reject(new Error('vetoed'));",
            Err("the page's handleResponse rejected it"),
        ),
        // Anything but `false` lets the action go ahead.
        ("return undefined;", Ok(())),
        ("return true;", Ok(())),
        ("return 0;", Ok(())),
        ("return Promise.resolve(true);", Ok(())),
    ];
    for (body, expected) in cases {
        let handler = js_sys::Function::new_with_args(
            "payload",
            &format!("(window.asked = window.asked || []).push(payload.event); {body}"),
        );
        let answer = Emitter::new(Some(handler))
            .ask(EventName::PreCancel, Intent::default(), false)
            .await;
        assert_eq!(answer, expected, "handleResponse: {body}");
    }
    let asked: Vec<JsValue> = received("asked");
    assert_eq!(asked.len(), cases.len());
    assert!(
        asked.iter().all(|event| *event == "pre_cancel"),
        "{asked:?}"
    );
    assert_eq!(page_errors(errors).await, Vec::<String>::new());
}

#[wasm_bindgen_test]
async fn an_unreachable_backend_is_a_network_error_with_retry() {
    let element = host();
    let config = config(
        r#"{"email": "ada@example.com", "service": "acme"}"#,
        "offline",
    );
    let _handle = customer_portal(
        element.clone().into(),
        config,
        "http://127.0.0.1:9".into(),
        "about:blank".into(),
    );
    until(|| !received("offline").is_empty()).await;
    assert_eq!(
        field(&received("offline")[0], &["response", "code"]),
        "network_error"
    );
    let root = element.shadow_root().unwrap();
    until(|| {
        root.query_selector("[data-testid=retry]")
            .unwrap()
            .is_some()
    })
    .await;
}

#[wasm_bindgen_test]
async fn destroy_empties_the_shadow_root_and_a_remount_works() {
    let element = host();
    let config = config(r#"{"service": "acme"}"#, "remount");
    let mut handle = customer_portal(
        element.clone().into(),
        config.clone(),
        "http://127.0.0.1:9".into(),
        "about:blank".into(),
    );
    until(|| shadow_text(&element).contains("email")).await;
    handle.destroy();
    assert!(!handle.mounted());
    assert_eq!(element.shadow_root().unwrap().child_nodes().length(), 0);
    handle.destroy();
    let again = customer_portal(
        element.clone().into(),
        config,
        "http://127.0.0.1:9".into(),
        "about:blank".into(),
    );
    assert!(again.mounted());
    until(|| shadow_text(&element).contains("email")).await;
}

#[wasm_bindgen_test]
async fn the_portal_outlives_its_handle_and_a_new_mount_replaces_it() {
    let element = host();
    let config = config(r#"{"service": "acme"}"#, "outlives");
    // The host page drops the handle at once (as with porticoSettings): the portal stays.
    let _ = customer_portal(
        element.clone().into(),
        config.clone(),
        "http://127.0.0.1:9".into(),
        "about:blank".into(),
    );
    until(|| shadow_text(&element).contains("email")).await;
    sleep(Duration::from_millis(200)).await;
    assert!(
        shadow_text(&element).contains("email"),
        "still mounted after the handle is gone"
    );

    // Mounting again on the same element replaces the first portal.
    let mut second = customer_portal(
        element.clone().into(),
        config,
        "http://127.0.0.1:9".into(),
        "about:blank".into(),
    );
    until(|| shadow_text(&element).contains("email")).await;
    let portals = element
        .shadow_root()
        .unwrap()
        .query_selector_all("[data-testid=portico-root]")
        .unwrap();
    assert_eq!(portals.length(), 1);
    second.destroy();
    assert!(!second.mounted());
    assert_eq!(element.shadow_root().unwrap().child_nodes().length(), 0);
}
