//! The widget API client. The session token travels in a header, never in a URL.
//! Bodies go through the browser's own JSON (`JSON.stringify`, `Response.json()`),
//! so the wasm carries no JSON parser or printer.

use crate::events::json_text;
use gloo_net::http::{Request, RequestBuilder};
use portico_wire::actions::{ActionResponse, ChangePreview, ChangeRequest};
use portico_wire::customer::CustomerUpdate;
use portico_wire::embed::{
    Customer, Portal, SESSION_HEADER, SessionRequest, SessionResponse, SignupRequest,
};
use portico_wire::event::ErrorResponse;
use portico_wire::invoice::Invoice;
use portico_wire::payment::{CardAttached, CardRequest, SetupIntent};

/// `{}`: the body of a POST that needs none.
#[derive(serde::Serialize)]
struct Empty {}
use portico_wire::usage::{Usage, UsageRange};
use portico_wire::wallet::PortalWallet;
use portico_wire::{EmbedConfig, ErrorBody, ErrorCode, Identity};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    base: String,
}

impl Client {
    /// `base` is the backend origin (and path prefix) the loader was served from.
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/v1/embed{path}", self.base)
    }

    /// Exchanges the page's claim for a session.
    pub async fn exchange(&self, config: &EmbedConfig) -> Result<SessionResponse, ErrorResponse> {
        let body = session_request(config)?;
        send(Request::post(&self.url("/sessions")), Some(&body)).await
    }

    /// The identity exchange and the portal read that `portico.js` started while
    /// the wasm was downloading (`{ body, exchange, portal }`): the exchange's
    /// answer, and the portal's response when the exchange succeeded. `None` when
    /// there is none, it failed to arrive, or it is not exactly the request
    /// [`Self::exchange`] would send; the caller then makes the calls itself.
    pub async fn prefetched(
        &self,
        prefetch: js_sys::Promise,
        config: &EmbedConfig,
    ) -> Option<(
        Result<SessionResponse, ErrorResponse>,
        Option<web_sys::Response>,
    )> {
        let expected = session_request(config)
            .ok()
            .and_then(|body| json_text(&body))?;
        let value = wasm_bindgen_futures::JsFuture::from(prefetch).await.ok()?;
        let field = |name: &str| js_sys::Reflect::get(&value, &name.into()).ok();
        if field("body")?.as_string()? != expected {
            return None;
        }
        let exchange: web_sys::Response = field("exchange")?.dyn_into().ok()?;
        let portal = field("portal").and_then(|p| p.dyn_into::<web_sys::Response>().ok());
        Some((receive(exchange).await, portal))
    }

    pub async fn portal(&self, token: &str) -> Result<Forwarded<Portal>, ErrorResponse> {
        let request = Request::get(&self.url("/portal")).header(SESSION_HEADER, token);
        Forwarded::decode(send_raw::<()>(request, None).await?)
    }

    /// A portal response the loader fetched ([`Self::prefetched`]).
    pub async fn portal_from(
        response: web_sys::Response,
    ) -> Result<Forwarded<Portal>, ErrorResponse> {
        Forwarded::decode(receive_raw(response).await?)
    }

    /// `idempotency_key` is one per attempt: a retry of the same attempt reuses it,
    /// so the server acts once however often the request arrives.
    pub async fn sign_up(
        &self,
        token: &str,
        idempotency_key: &str,
        body: &SignupRequest,
    ) -> Result<Forwarded<ActionResponse>, ErrorResponse> {
        Forwarded::decode(
            self.mutate("/subscriptions", token, idempotency_key, body)
                .await?,
        )
    }

    pub async fn preview(
        &self,
        token: &str,
        subscription: &str,
        body: &ChangeRequest,
    ) -> Result<ChangePreview, ErrorResponse> {
        let path = format!("/subscriptions/{subscription}/preview");
        let request = Request::post(&self.url(&path)).header(SESSION_HEADER, token);
        send(request, Some(body)).await
    }

    /// `action` is `change`, `cancel`, `resume` or `resubscribe`.
    pub async fn act<B: Serialize>(
        &self,
        token: &str,
        idempotency_key: &str,
        subscription: &str,
        action: &str,
        body: &B,
    ) -> Result<Forwarded<ActionResponse>, ErrorResponse> {
        let path = format!("/subscriptions/{subscription}/{action}");
        Forwarded::decode(self.mutate(&path, token, idempotency_key, body).await?)
    }

    pub async fn attach_card(
        &self,
        token: &str,
        idempotency_key: &str,
        card: &CardRequest,
    ) -> Result<Forwarded<CardAttached>, ErrorResponse> {
        Forwarded::decode(
            self.mutate("/payment_methods", token, idempotency_key, card)
                .await?,
        )
    }

    /// A SetupIntent for Stripe.js to confirm (Stripe provider).
    pub async fn create_setup_intent(
        &self,
        token: &str,
        idempotency_key: &str,
    ) -> Result<SetupIntent, ErrorResponse> {
        decode(
            self.mutate("/setup_intents", token, idempotency_key, &Empty {})
                .await?,
        )
    }

    /// The confirmed SetupIntent's card as the default, tried on open invoices.
    pub async fn complete_setup(
        &self,
        token: &str,
        idempotency_key: &str,
        setup_intent: &str,
    ) -> Result<Forwarded<CardAttached>, ErrorResponse> {
        let path = format!("/setup_intents/{setup_intent}/complete");
        Forwarded::decode(
            self.mutate(&path, token, idempotency_key, &Empty {})
                .await?,
        )
    }

    pub async fn invoices(&self, token: &str) -> Result<Vec<Invoice>, ErrorResponse> {
        let request = Request::get(&self.url("/invoices")).header(SESSION_HEADER, token);
        send::<(), _>(request, None).await
    }

    /// The customer's usage of the service's meters over `range`.
    pub async fn usage(&self, token: &str, range: UsageRange) -> Result<Usage, ErrorResponse> {
        let code = match range {
            UsageRange::Day => "1d",
            UsageRange::Week => "7d",
            UsageRange::Month => "30d",
        };
        let path = format!("/usage?range={code}");
        let request = Request::get(&self.url(&path)).header(SESSION_HEADER, token);
        send::<(), _>(request, None).await
    }

    /// The customer's prepaid wallets with their transactions; empty without one.
    pub async fn wallets(&self, token: &str) -> Result<Vec<PortalWallet>, ErrorResponse> {
        let request = Request::get(&self.url("/wallets")).header(SESSION_HEADER, token);
        send::<(), _>(request, None).await
    }

    /// An invoice's PDF: `path` is its `invoice_pdf`, a path on this backend (never
    /// another origin: the session token goes with it). The bytes stay in the
    /// browser, as a `Blob` typed `application/pdf`.
    pub async fn invoice_pdf(
        &self,
        token: &str,
        path: &str,
    ) -> Result<web_sys::Blob, ErrorResponse> {
        if !path.starts_with("/v1/embed/") || path.contains("//") {
            return Err(unexpected("an invoice PDF link outside the portal API"));
        }
        let request = Request::get(&format!("{}{path}", self.base))
            .header(SESSION_HEADER, token)
            .build()
            .map_err(|e| unexpected(&e.to_string()))?;
        let response = request.send().await.map_err(|_| network_error())?;
        if !response.ok() {
            let status = response.status();
            let body = read_json(response.into()).await;
            return Err(error_from(body, status));
        }
        let response: web_sys::Response = response.into();
        let blob = response
            .blob()
            .ok()
            .map(wasm_bindgen_futures::JsFuture::from)
            .ok_or_else(|| unexpected("the PDF could not be read"))?
            .await
            .ok()
            .and_then(|blob| blob.dyn_into::<web_sys::Blob>().ok())
            .ok_or_else(|| unexpected("the PDF could not be read"))?;
        // Typed as a PDF whatever the response said; slicing copies no bytes.
        blob.slice_with_f64_and_f64_and_content_type(0.0, blob.size(), PDF)
            .map_err(|_| unexpected("the PDF could not be read"))
    }

    pub async fn update_customer(
        &self,
        token: &str,
        idempotency_key: &str,
        update: &CustomerUpdate,
    ) -> Result<Forwarded<Customer>, ErrorResponse> {
        Forwarded::decode(
            self.mutate("/customer", token, idempotency_key, update)
                .await?,
        )
    }

    /// A keyed POST; its answer as it came.
    async fn mutate<B: Serialize>(
        &self,
        path: &str,
        token: &str,
        idempotency_key: &str,
        body: &B,
    ) -> Result<JsValue, ErrorResponse> {
        let request = Request::post(&self.url(path))
            .header(SESSION_HEADER, token)
            .header("idempotency-key", idempotency_key);
        send_raw(request, Some(body)).await
    }
}

/// An answer the host page receives too: the value, and the JavaScript object it
/// was read from. Events pass that object on as it came, so the wasm needs no
/// serializer for the portal, subscription, card or customer types.
#[derive(Debug, Clone)]
pub struct Forwarded<T> {
    pub value: T,
    pub raw: JsValue,
}

impl<T: DeserializeOwned> Forwarded<T> {
    fn decode(raw: JsValue) -> Result<Self, ErrorResponse> {
        Ok(Self {
            value: decode(raw.clone())?,
            raw,
        })
    }
}

impl<T> Forwarded<T> {
    /// The raw object's `field`: what the host receives of a part of the answer.
    pub fn raw_field(&self, field: &str) -> JsValue {
        js_sys::Reflect::get(&self.raw, &field.into()).unwrap_or(JsValue::UNDEFINED)
    }
}

/// The identity claim the config makes, as `POST /v1/embed/sessions` takes it. A
/// session the hosted page passed in cannot be renewed: once it expires, the
/// customer asks the site for a new link.
fn session_request(config: &EmbedConfig) -> Result<SessionRequest, ErrorResponse> {
    let Identity::Claim {
        customer,
        hash,
        service,
        subscription_id,
    } = &config.identity
    else {
        return Err(ErrorResponse {
            code: ErrorCode::SessionExpired,
            message: "This portal link has expired; open the billing portal again from the site."
                .into(),
        });
    };
    Ok(SessionRequest {
        service: service.to_string(),
        email: customer.email().map(|e| e.as_passed().to_owned()),
        customer_id: customer.customer_id().map(str::to_owned),
        hash: hash.clone(),
        subscription_id: subscription_id.clone(),
    })
}

async fn send<B: Serialize, T: DeserializeOwned>(
    request: RequestBuilder,
    body: Option<&B>,
) -> Result<T, ErrorResponse> {
    decode(send_raw(request, body).await?)
}

/// Sends the request; the answer's body as the browser's JSON parser read it.
async fn send_raw<B: Serialize>(
    request: RequestBuilder,
    body: Option<&B>,
) -> Result<JsValue, ErrorResponse> {
    let request = match body {
        Some(body) => {
            let text =
                json_text(body).ok_or_else(|| unexpected("the request could not be encoded"))?;
            request
                .header("content-type", "application/json")
                .body(JsValue::from(text))
        }
        None => request.build(),
    }
    .map_err(|e| unexpected(&e.to_string()))?;
    let response = request.send().await.map_err(|_| network_error())?;
    receive_raw(response.into()).await
}

/// A response's body as `T`, or the error it carries.
async fn receive<T: DeserializeOwned>(response: web_sys::Response) -> Result<T, ErrorResponse> {
    decode(receive_raw(response).await?)
}

/// A successful response's body, or the error a failed one carries.
async fn receive_raw(response: web_sys::Response) -> Result<JsValue, ErrorResponse> {
    let (ok, status) = (response.ok(), response.status());
    let body = read_json(response).await;
    if ok {
        body.ok_or_else(|| unexpected("unreadable response"))
    } else {
        Err(error_from(body, status))
    }
}

fn decode<T: DeserializeOwned>(body: JsValue) -> Result<T, ErrorResponse> {
    serde_wasm_bindgen::from_value(body).map_err(|_| unexpected("unreadable response"))
}

const PDF: &str = "application/pdf";

fn network_error() -> ErrorResponse {
    ErrorResponse {
        code: ErrorCode::NetworkError,
        message: "The billing service could not be reached. Check your connection and try again."
            .to_owned(),
    }
}

/// A failed response's error body, or what its status says.
fn error_from(body: Option<JsValue>, status: u16) -> ErrorResponse {
    let error = body.and_then(|value| serde_wasm_bindgen::from_value::<ErrorBody>(value).ok());
    match error {
        Some(body) => ErrorResponse {
            code: body.error.code,
            message: body.error.message,
        },
        None => unexpected(&format!("HTTP {status}")),
    }
}

/// The response body through the browser's JSON parser.
async fn read_json(response: web_sys::Response) -> Option<JsValue> {
    let promise = response.json().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise).await.ok()
}

fn unexpected(detail: &str) -> ErrorResponse {
    ErrorResponse {
        code: ErrorCode::InternalError,
        message: format!("The billing service sent an unexpected answer ({detail})."),
    }
}
