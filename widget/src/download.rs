//! Handing a file to the browser as a download: an object URL for the blob, a
//! temporary `<a download>` clicked once, the URL revoked a moment later (revoked at
//! once, some browsers would cancel the download they just started).

use portico_wire::ErrorCode;
use portico_wire::event::ErrorResponse;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// How long the object URL outlives the click.
const REVOKE_AFTER_MS: i32 = 10_000;

pub fn save(blob: &web_sys::Blob, file_name: &str) -> Result<(), ErrorResponse> {
    let failed = |_: JsValue| ErrorResponse {
        code: ErrorCode::InternalError,
        message: "The browser did not start the download.".to_owned(),
    };
    let window = web_sys::window().ok_or_else(|| failed(JsValue::NULL))?;
    let document = window.document().ok_or_else(|| failed(JsValue::NULL))?;
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(failed)?;
    let clicked = (|| {
        let link: web_sys::HtmlElement = document.create_element("a")?.unchecked_into();
        link.set_attribute("href", &url)?;
        link.set_attribute("download", file_name)?;
        link.click();
        Ok::<_, JsValue>(())
    })();
    let revoke = {
        let url = url.clone();
        Closure::once_into_js(move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        })
    };
    let later = window.set_timeout_with_callback_and_timeout_and_arguments_0(
        revoke.unchecked_ref(),
        REVOKE_AFTER_MS,
    );
    if later.is_err() {
        let _ = web_sys::Url::revoke_object_url(&url);
    }
    clicked.map_err(failed)
}
