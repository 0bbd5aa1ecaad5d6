//! The authorization matrix: every route of the OpenAPI document (so a route added
//! later joins without an edit here), tried with every credential that must not
//! reach Ada's objects. A widget route with no session, an expired or a revoked
//! one, another customer's, another service's, the other mode's, one scoped to
//! another `subscription_id` (for a subscription or its invoices), or a read-only
//! one (for changes); an admin route with no key, or with the other mode's key for an
//! object of this mode. It must find no success and no server error.

use crate::helpers::{HOST_ORIGIN, LIVE_KEY, TEST_KEY, TestApp, sign, spawn_app};
use crate::portal_sessions::customer;
use reqwest::Method;
use serde_json::{Value, json};

/// Ada's objects, by the kind of id a path names.
struct Objects {
    customer: String,
    subscription: String,
    invoice: String,
    wallet: String,
    configuration: String,
}

impl Objects {
    /// `path` with its parameters filled with Ada's ids.
    fn fill(&self, path: &str) -> String {
        let id = if path.contains("/subscriptions/") {
            &self.subscription
        } else if path.contains("/invoices/") {
            &self.invoice
        } else if path.contains("/wallets/") {
            &self.wallet
        } else if path.contains("/configurations/") {
            &self.configuration
        } else {
            "seti_none"
        };
        path.replace("{id}", id)
            .replace("{external_id}", &self.customer)
    }
}

/// Every `(method, path)` of the document, but the public ones: the health check,
/// the document itself, the identity exchange, the hosted pages (their own tests)
/// and the webhook (a signature, not a key).
async fn routes(app: &TestApp) -> Vec<(Method, String)> {
    let document: Value = app
        .client
        .get(app.url("/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut routes = Vec::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        let public = [
            "/health",
            "/ready",
            "/openapi.json",
            "/v1/embed/sessions",
            "/v1/stripe/webhooks",
        ]
        .contains(&path.as_str())
            || path.starts_with("/p/");
        if public {
            continue;
        }
        for method in operations.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            routes.push((method, path.clone()));
        }
    }
    assert!(
        routes.len() >= 30,
        "the document lists the routes: {routes:?}"
    );
    routes
}

/// A widget call with `token` (or none); its status.
async fn embed(app: &TestApp, method: &Method, path: &str, token: Option<&str>) -> u16 {
    let mut request = app
        .client
        .request(method.clone(), app.url(path))
        .header("origin", HOST_ORIGIN);
    if let Some(token) = token {
        request = request.header("x-session-token", token);
    }
    if method == Method::POST {
        request = request.json(&valid_body(path));
    }
    request.send().await.unwrap().status().as_u16()
}

/// A refusal of the credential: not a body or state problem (a 400 or a 409), which
/// could hide that the credential got through.
fn refused(status: u16) -> bool {
    matches!(status, 401 | 403 | 404)
}

/// A body the route would accept from Ada's own session, so that a refusal is the
/// credential's doing and not the body's.
fn valid_body(path: &str) -> Value {
    let card =
        json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"});
    match path.rsplit('/').next().unwrap_or_default() {
        "subscriptions" => json!({"plan": "pro"}),
        "change" | "preview" => json!({"plan": "pro"}),
        "cancel" => json!({"at_period_end": true}),
        "payment_methods" => card,
        "customer" => json!({"name": "Ada Lovelace"}),
        "credits" => json!({"credits": 5, "reason": "purchased"}),
        _ => json!({}),
    }
}

/// An admin call with `key` (or none); its status.
async fn admin(app: &TestApp, method: &Method, path: &str, key: Option<&str>) -> u16 {
    let mut request = app.client.request(method.clone(), app.url(path));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    if method == Method::POST {
        request = request.json(&valid_body(path));
    }
    request.send().await.unwrap().status().as_u16()
}

async fn session(app: &TestApp, body: Value) -> String {
    app.session(body).await
}

#[tokio::test]
async fn no_credential_reaches_another_customers_objects() {
    let app = spawn_app().await;
    let (ada_id, subscription, ada) = customer(&app, json!({"email": "ada@example.com"})).await;
    let invoices = app.get_json("/v1/embed/invoices", &ada).await;
    let (status, wallet) = {
        let response = app
            .admin(
                TEST_KEY,
                Method::POST,
                "/v1/wallets",
                Some(json!({"customer": "ada@example.com", "currency": "usd"})),
            )
            .await;
        (response.status(), response.json::<Value>().await.unwrap())
    };
    assert_eq!(status, 201, "{wallet}");
    let objects = Objects {
        customer: ada_id.clone(),
        subscription,
        invoice: invoices[0]["id"].as_str().unwrap().to_owned(),
        wallet: wallet["id"].as_str().unwrap().to_owned(),
        configuration: app.default_configuration(TEST_KEY).await,
    };
    let routes = routes(&app).await;
    let (embed_routes, admin_routes): (Vec<_>, Vec<_>) = routes
        .iter()
        .partition(|(_, path)| path.starts_with("/v1/embed/"));

    // Sessions that must not reach Ada's objects.
    let (_, bo_subscription, bo) = customer(&app, json!({"email": "bo@example.com"})).await;
    // Ada's own session, but scoped (`subscription_id`) to a subscription not hers.
    let scoped = session(
        &app,
        json!({"service": "golden", "email": "ada@example.com", "subscription_id": bo_subscription}),
    )
    .await;
    let other_service = session(&app, json!({"service": "acme", "email": "ada@example.com"})).await;
    let live_hash = sign(LIVE_KEY, "ada@example.com");
    let other_mode = session(
        &app,
        json!({"service": "acme-live", "email": "ada@example.com", "hash": live_hash}),
    )
    .await;
    let read_only: Value = app
        .client
        .get(app.url(&format!("/v1/customers/portal/{ada_id}")))
        .header("x-api-key", TEST_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let read_only = read_only["token"].as_str().unwrap().to_owned();

    let mut reached = Vec::new();
    let mut tried = 0;
    for (method, path) in &embed_routes {
        let filled = objects.fill(path);
        let mut cases: Vec<(&str, Option<&str>)> = vec![("no session", None)];
        // A route naming an object: nobody else's session may touch it.
        if path.contains('{') {
            cases.extend([
                ("another customer", Some(bo.as_str())),
                ("another service", Some(other_service.as_str())),
                ("the other mode", Some(other_mode.as_str())),
            ]);
        }
        // A subscription or its invoice: a session scoped to another one may not.
        if path.contains("/subscriptions/{id}") || path.contains("/invoices/{id}") {
            cases.push(("scoped to another subscription", Some(scoped.as_str())));
        }
        if method == Method::POST {
            cases.push(("read-only", Some(read_only.as_str())));
        }
        for (who, token) in cases {
            tried += 1;
            let status = embed(&app, method, &filled, token).await;
            if !refused(status) {
                reached.push(format!("{method} {filled} with {who}: {status}"));
            }
        }
    }
    for (method, path) in &admin_routes {
        let filled = objects.fill(path);
        let mut cases = vec![("no key", None)];
        if path.contains('{') {
            cases.push(("the other mode's key", Some(LIVE_KEY)));
        }
        for (who, key) in cases {
            tried += 1;
            let status = admin(&app, method, &filled, key).await;
            if !refused(status) {
                reached.push(format!("{method} {filled} with {who}: {status}"));
            }
        }
    }

    // Revoked, then expired: Ada's own sessions reach nothing any more.
    let store = portico_server::store::Store::open(&app.database)
        .await
        .unwrap();
    let revoked = session(
        &app,
        json!({"service": "golden", "email": "ada@example.com"}),
    )
    .await;
    store
        .revoke_sessions(portico_server::store::Revocation::Service { name: "golden" })
        .await
        .unwrap();
    let expiring = session(
        &app,
        json!({"service": "golden", "email": "ada@example.com"}),
    )
    .await;
    app.clock.advance(jiff::SignedDuration::from_hours(2));
    for (who, token) in [
        ("a revoked session", &revoked),
        ("an expired session", &expiring),
    ] {
        for (method, path) in &embed_routes {
            tried += 1;
            let filled = objects.fill(path);
            let status = embed(&app, method, &filled, Some(token)).await;
            if status != 401 {
                reached.push(format!("{method} {filled} with {who}: {status}"));
            }
        }
    }
    assert!(tried > 100, "{tried} tries");
    assert!(
        reached.is_empty(),
        "{} of {tried} tries got through:\n{}",
        reached.len(),
        reached.join("\n")
    );
}
