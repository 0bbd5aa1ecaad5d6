//! The JavaScript boundary: the target element, the config object, the shadow root.

use crate::api::Client;
use crate::components::App;
use crate::events::Emitter;
use crate::mounts::{self, Mounted};
use leptos::prelude::*;
use portico_wire::config::{ConfigValue, Theme};
use portico_wire::event::ErrorResponse;
use portico_wire::{EmbedConfig, ErrorCode};
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// What `Portico.customerPortal` returns to the host page. The portal lives until
/// `destroy()`, whether or not the page keeps this handle (see `mounts`).
#[wasm_bindgen]
#[derive(Debug, Default)]
pub struct PortalHandle {
    id: Option<u32>,
}

#[wasm_bindgen]
impl PortalHandle {
    /// Unmounts the portal and empties its shadow root. Safe to call twice.
    pub fn destroy(&mut self) {
        if let Some(id) = self.id.take() {
            mounts::remove(id);
        }
    }

    /// Whether the portal is on the page.
    #[wasm_bindgen(getter)]
    pub fn mounted(&self) -> bool {
        self.id.is_some_and(mounts::is_live)
    }
}

/// Mounts the portal into `target` (an element or a CSS selector).
///
/// `backend` is the origin (and path prefix) `portico.js` was served from;
/// `stylesheet` the URL of the portal's CSS. Never throws: problems are reported
/// inline when there is somewhere to show them, and always as an `error` event
/// and on the console.
#[wasm_bindgen(js_name = customerPortal)]
pub fn customer_portal(
    target: JsValue,
    config: JsValue,
    backend: String,
    stylesheet: String,
) -> PortalHandle {
    customer_portal_prefetched(target, config, backend, stylesheet, JsValue::UNDEFINED)
}

/// [`customer_portal`], with the head start `portico.js` makes while the wasm
/// downloads: a promise of the identity exchange and the portal read it started
/// (`{ body, exchange, portal }`), which the portal takes as its own first calls
/// when `body` is exactly the exchange it would send.
#[wasm_bindgen(js_name = customerPortalPrefetched)]
pub fn customer_portal_prefetched(
    target: JsValue,
    config: JsValue,
    backend: String,
    stylesheet: String,
    prefetch: JsValue,
) -> PortalHandle {
    let prefetch = prefetch.dyn_into::<js_sys::Promise>().ok();
    let emitter = Emitter::new(handler_of(&config));
    let reporter = emitter.clone();
    let parsed = parse_config(&config);
    let mounted = resolve_target(&target).and_then(|host| {
        let shadow = shadow_root_of(&host)?;
        mounts::remove_on(&host);
        let container = prepare(&shadow, &stylesheet)?;
        if let Ok(config) = &parsed {
            apply_theme(&host, &container, config.theme.as_ref());
        }
        let client = Client::new(&backend);
        let view = leptos::mount::mount_to(
            container,
            move || view! { <App config=parsed client emitter prefetch /> },
        );
        Ok(mounts::insert(Mounted {
            view: Box::new(view),
            host,
            shadow,
        }))
    });
    match mounted {
        Ok(id) => PortalHandle { id: Some(id) },
        Err(error) => {
            reporter.error(&error, false);
            PortalHandle::default()
        }
    }
}

/// `config.handleResponse` if it is a function. Any other value is reported by
/// config parsing, since a non-function survives `JSON.stringify`.
fn handler_of(config: &JsValue) -> Option<js_sys::Function> {
    if !config.is_object() {
        return None;
    }
    js_sys::Reflect::get(config, &"handleResponse".into())
        .ok()?
        .dyn_into()
        .ok()
}

fn parse_config(config: &JsValue) -> Result<EmbedConfig, ErrorResponse> {
    let invalid = |message: String| ErrorResponse {
        code: ErrorCode::InvalidConfig,
        message,
    };
    if !config.is_object() || js_sys::Array::is_array(config) {
        return Err(invalid(
            "The config passed to Portico.customerPortal must be an object.".into(),
        ));
    }
    // A JSON round trip leaves plain data: functions (handleResponse) drop out, and
    // getters, prototypes and proxies are read once, here.
    let unreadable = |_| {
        invalid("The config cannot be read: it must be plain data (no cycles, no BigInt).".into())
    };
    let json = js_sys::JSON::stringify(config).map_err(unreadable)?;
    let plain = js_sys::JSON::parse(&json.as_string().unwrap_or_default()).map_err(unreadable)?;
    let value: ConfigValue = serde_wasm_bindgen::from_value(plain)
        .map_err(|e| invalid(format!("The config cannot be read: {e}.")))?;
    EmbedConfig::from_value(value).map_err(|e| invalid(format!("Invalid config: {e}.")))
}

fn resolve_target(target: &JsValue) -> Result<Element, ErrorResponse> {
    let error = |message: String| ErrorResponse {
        code: ErrorCode::InvalidConfig,
        message,
    };
    if let Some(selector) = target.as_string() {
        let document = document();
        return match document.query_selector(&selector) {
            Ok(Some(element)) => Ok(element),
            Ok(None) => Err(error(format!(
                "No element matches the target selector `{selector}`."
            ))),
            Err(_) => Err(error(format!(
                "The target `{selector}` is not a valid CSS selector."
            ))),
        };
    }
    target
        .clone()
        .dyn_into::<Element>()
        .map_err(|_| error("The target must be an element or a CSS selector string.".into()))
}

/// The element's open shadow root, attached on first mount and reused after.
fn shadow_root_of(host: &Element) -> Result<ShadowRoot, ErrorResponse> {
    if let Some(existing) = host.shadow_root() {
        return Ok(existing);
    }
    host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
        .map_err(|_| ErrorResponse {
            code: ErrorCode::InvalidConfig,
            message: format!(
                "The target <{}> cannot host the portal; use a <div>.",
                host.tag_name().to_ascii_lowercase()
            ),
        })
}

/// Empties the shadow root, links the stylesheet, and returns the mount point.
fn prepare(shadow: &ShadowRoot, stylesheet: &str) -> Result<HtmlElement, ErrorResponse> {
    let failed = |_| ErrorResponse {
        code: ErrorCode::InternalError,
        message: "The portal could not be set up.".into(),
    };
    let document = document();
    shadow.set_inner_html("");
    let link = document.create_element("link").map_err(failed)?;
    link.set_attribute("rel", "stylesheet").map_err(failed)?;
    link.set_attribute("href", stylesheet).map_err(failed)?;
    shadow.append_child(&link).map_err(failed)?;
    let container: HtmlElement = document
        .create_element("div")
        .map_err(failed)?
        .unchecked_into();
    shadow.append_child(&container).map_err(failed)?;
    Ok(container)
}

/// The config's theme: the mode as an attribute the stylesheet's `:host` rules read,
/// the values as custom properties on the portal's root. (Values were checked to
/// be single CSS values, so they cannot end the declaration.)
fn apply_theme(host: &Element, container: &HtmlElement, theme: Option<&Theme>) {
    let mode = theme.map(|t| t.mode).unwrap_or_default();
    let _ = host.set_attribute("data-portico-theme", mode.as_str());
    if let Some(theme) = theme.filter(|t| !t.properties.is_empty()) {
        let style: String = theme
            .properties
            .iter()
            .map(|(name, value)| format!("{name}:{value};"))
            .collect();
        let _ = container.set_attribute("style", &style);
    }
}

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("the widget runs in a browser page")
}
