//! The Stripe.js origin the browser tests give the widget: localstripe's stand-in,
//! served in a function scope, with every other request passed to localstripe.
//!
//! Why: the stand-in (`localstripe-v3.js`) declares a top-level `class Element`.
//! A classic script's top-level class is a global binding shared by every classic
//! script on the page, so once it loads, a bare `Element` anywhere means the
//! stand-in's class — and `node instanceof Element`, which wasm-bindgen's glue
//! uses to cast DOM nodes, is false for every DOM element. The portal's views then
//! lose their content on the next re-render. Stripe's real script has no such
//! global. Wrapped in `(function () { … })()` the class is local; its `Stripe = …`
//! still assigns the global (the script is sloppy-mode), and the API calls it makes
//! to its own origin (it takes it from the page's last `<script>`) come here and
//! are passed on.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Starts the proxy in front of the localstripe at `peer`; returns its origin.
pub async fn serve(peer: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the Stripe.js proxy");
    let origin = format!("http://{}", listener.local_addr().expect("address"));
    let app = Router::new().fallback(forward).with_state(peer);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    origin
}

async fn forward(State(peer): State<String>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let target = format!(
        "{peer}{}",
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    match pass_on(&parts.method, &parts.headers, &target, body).await {
        Ok((status, headers, bytes)) if parts.uri.path() == "/js.stripe.com/v3/" => {
            let mut wrapped = b"(function () {\n".to_vec();
            wrapped.extend_from_slice(&bytes);
            wrapped.extend_from_slice(b"\n})();\n");
            (status, headers, wrapped).into_response()
        }
        Ok((status, headers, bytes)) => (status, headers, bytes).into_response(),
        Err(why) => (StatusCode::BAD_GATEWAY, why).into_response(),
    }
}

async fn pass_on(
    method: &Method,
    headers: &HeaderMap,
    target: &str,
    body: Bytes,
) -> Result<(StatusCode, HeaderMap, Bytes), String> {
    let mut request = reqwest::Client::new()
        .request(method.clone(), target)
        .body(body);
    for name in [header::CONTENT_TYPE, header::AUTHORIZATION, header::ORIGIN] {
        if let Some(value) = headers.get(&name) {
            request = request.header(name, value);
        }
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let mut kept = HeaderMap::new();
    for (name, value) in response.headers() {
        // The body is re-sent whole: its length and framing are axum's to set.
        if name != header::CONTENT_LENGTH && name != header::TRANSFER_ENCODING {
            kept.insert(name, value.clone());
        }
    }
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    Ok((status, kept, bytes))
}
