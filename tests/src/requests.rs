//! What the widget asks the backend, seen from the page: every `fetch` recorded,
//! and the page's visibility under the test's control.

use crate::browser::Page;
use serde_json::Value;

/// Wraps the page's `fetch` (the widget calls it for every request) so each call
/// is recorded as `{ method, path, idempotencyKey }`; the request itself goes on.
const RECORD: &str = "
    if (!window.porticoRequests) {
        window.porticoRequests = [];
        const real = window.fetch;
        window.fetch = (input, init) => {
            const request = input instanceof Request ? input : new Request(input, init);
            window.porticoRequests.push({
                method: request.method,
                path: new URL(request.url).pathname,
                idempotencyKey: request.headers.get('idempotency-key'),
            });
            window.porticoPending += 1;
            const settled = () => { window.porticoPending -= 1; };
            const answer = real.call(window, input, init);
            answer.then(settled, settled);
            return answer;
        };
        window.porticoPending = 0;
    }
    return true;";

impl Page {
    /// From now on, records every request the page makes; see [`Page::requests`].
    pub async fn record_requests(&self) {
        self.script(RECORD).await;
    }

    /// The requests recorded since [`Page::record_requests`] (or since the last
    /// [`Page::forget_requests`]), oldest first, each `{ method, path, idempotencyKey }`.
    pub async fn requests(&self) -> Vec<Value> {
        match self.script("return window.porticoRequests;").await {
            Value::Array(requests) => requests,
            other => panic!("requests are not being recorded: {other}"),
        }
    }

    /// Waits until every recorded request has had its answer (or failed).
    pub async fn requests_settled(&self) {
        self.wait_script("return window.porticoPending === 0;")
            .await;
    }

    /// Starts the record afresh.
    pub async fn forget_requests(&self) {
        self.script("window.porticoRequests.length = 0; return true;")
            .await;
    }

    /// The recorded requests to `path`.
    pub async fn requests_to(&self, path: &str) -> Vec<Value> {
        self.requests()
            .await
            .into_iter()
            .filter(|r| r["path"] == path)
            .collect()
    }

    /// Makes the page hidden or visible as a switched-away tab is: `document.hidden`
    /// and `document.visibilityState` say so, and `visibilitychange` fires.
    pub async fn set_hidden(&self, hidden: bool) {
        let state = if hidden { "hidden" } else { "visible" };
        self.script(&format!(
            "Object.defineProperty(document, 'visibilityState', {{ configurable: true, get: () => '{state}' }});
             Object.defineProperty(document, 'hidden', {{ configurable: true, get: () => {hidden} }});
             document.dispatchEvent(new Event('visibilitychange', {{ bubbles: true }}));
             return true;"
        ))
        .await;
    }
}
