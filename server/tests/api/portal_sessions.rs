//! `POST /v1/billing_portal/sessions`, the hosted portal link it hands out, and
//! Flexprice's `GET /v1/customers/portal/{external_id}`.

use crate::helpers::{LIVE_KEY, TEST_KEY, TestApp, error_of, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

const SESSIONS: &str = "/v1/billing_portal/sessions";

/// A golden-service customer with a card and a `basic` subscription:
/// `(customer id, subscription id, embed token)`.
pub async fn customer(app: &TestApp, identity: Value) -> (String, String, String) {
    let mut claim = json!({"service": "golden"});
    for (key, value) in identity.as_object().unwrap() {
        claim[key] = value.clone();
    }
    let token = app.session(claim).await;
    let card =
        json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"});
    assert_eq!(
        app.post_json("/v1/embed/payment_methods", Some(&token), card)
            .await
            .status(),
        201
    );
    let created = app
        .post_json(
            "/v1/embed/subscriptions",
            Some(&token),
            json!({"plan": "basic"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    let subscription = &body["subscription"];
    (
        subscription["customer"].as_str().unwrap().to_owned(),
        subscription["id"].as_str().unwrap().to_owned(),
        token,
    )
}

async fn create(app: &TestApp, key: &str, body: Value) -> reqwest::Response {
    app.admin(key, Method::POST, SESSIONS, Some(body)).await
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_session_object_has_every_field_and_its_url_logs_in_once() {
    let app = spawn_app().await;
    let (customer, subscription, _) = customer(&app, json!({"email": "ada@example.com"})).await;
    let body = json!({
        "customer": customer,
        "return_url": "https://app.example.com/account",
        "locale": "fr",
        "flow_data": {
            "type": "subscription_cancel",
            "subscription_cancel": {"subscription": subscription},
            "after_completion": {"type": "redirect", "redirect": {"return_url": "https://app.example.com/bye"}},
        },
    });
    let response = create(&app, TEST_KEY, body).await;
    assert_eq!(response.status(), 200);
    let session: Value = response.json().await.unwrap();
    let id = session["id"].as_str().unwrap();
    assert!(id.starts_with("bps_"));
    let default = app.default_configuration(TEST_KEY).await;
    let url = session["url"].as_str().unwrap().to_owned();
    assert_eq!(
        session,
        json!({
            "id": id,
            "object": "billing_portal.session",
            "configuration": default,
            "created": app.clock.now_unix(),
            "customer": customer,
            "customer_account": null,
            "flow": {
                "after_completion": {
                    "hosted_confirmation": null,
                    "redirect": {"return_url": "https://app.example.com/bye"},
                    "type": "redirect",
                },
                "subscription_cancel": {"subscription": subscription},
                "subscription_update": null,
                "subscription_update_confirm": null,
                "type": "subscription_cancel",
            },
            "livemode": false,
            "locale": "fr",
            "on_behalf_of": null,
            "return_url": "https://app.example.com/account",
            "url": url,
        })
    );
    assert!(
        url.starts_with(&format!("{}/p/session/bpl_", app.base)),
        "{url}"
    );

    // Opening it sets an HttpOnly, strict cookie and moves the browser on (from a
    // page of this origin, so the strict cookie goes with it) to a URL without the
    // token.
    let browser = no_redirects();
    let opened = browser.get(&url).send().await.unwrap();
    assert_eq!(opened.status(), 200);
    let cookie = opened.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("portico_portal=pst_")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Max-Age=3600"),
        "{cookie}"
    );
    assert_eq!(opened.headers()["referrer-policy"], "no-referrer");
    let csp = opened.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let moving_on = opened.text().await.unwrap();
    assert!(
        moving_on.contains(r#"location.replace("/p/portal")"#),
        "{moving_on}"
    );
    assert!(csp.contains("'nonce-"), "{csp}");

    let session_cookie = cookie.split(';').next().unwrap().to_owned();
    let page = browser
        .get(app.url("/p/portal"))
        .header("cookie", &session_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("frame-ancestors https://app.example.com")
            && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Return to app.example.com") && html.contains(r#""locale":"fr""#),
        "{html}"
    );

    // The widget API takes the session; its portal carries the flow.
    let token = session_cookie.trim_start_matches("portico_portal=");
    let portal = app.get_json("/v1/embed/portal", token).await;
    assert_eq!(portal["flow"]["type"], "subscription_cancel");
    assert_eq!(portal["return_url"], "https://app.example.com/account");
    assert_eq!(portal["read_only"], false);

    // A second open is refused with a page, not an error dump.
    let again = browser.get(&url).send().await.unwrap();
    assert_eq!(again.status(), 410);
    assert!(again.text().await.unwrap().contains("already used"));
}

#[tokio::test]
async fn an_unopened_link_expires_after_five_minutes() {
    let app = spawn_app().await;
    let (customer, ..) = customer(&app, json!({"email": "bo@example.com"})).await;
    let session: Value = create(&app, TEST_KEY, json!({"customer": customer}))
        .await
        .json()
        .await
        .unwrap();
    app.clock.advance(jiff::SignedDuration::from_secs(301));
    let response = no_redirects()
        .get(session["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 410);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This link has expired")
    );
    let response = no_redirects()
        .get(app.url("/p/session/bpl_made_up"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let response = no_redirects()
        .get(app.url("/p/portal"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(response.text().await.unwrap().contains("session has ended"));
}

#[tokio::test]
async fn session_parameters_are_checked_and_modes_never_mix() {
    let app = spawn_app().await;
    let (customer, subscription, _) = customer(&app, json!({"email": "cy@example.com"})).await;
    let cases = [
        (json!({}), 400, "parameter_missing", "customer"),
        (
            json!({"customer": "cus_nope"}),
            404,
            "resource_missing",
            "customer",
        ),
        (
            json!({"customer": customer, "return_url": "ftp://x"}),
            400,
            "invalid_request",
            "return_url",
        ),
        (
            json!({"customer": customer, "locale": "not a locale"}),
            400,
            "invalid_request",
            "locale",
        ),
        (
            json!({"customer": customer, "on_behalf_of": "acct_1"}),
            404,
            "resource_missing",
            "on_behalf_of",
        ),
        (
            json!({"customer": customer, "configuration": "bpc_nope"}),
            404,
            "resource_missing",
            "configuration",
        ),
        (
            json!({"customer": customer, "colour": "red"}),
            400,
            "parameter_unknown",
            "colour",
        ),
        (
            json!({"customer": customer, "flow_data": {"type": "subscription_cancel"}}),
            400,
            "parameter_missing",
            "flow_data[subscription_cancel]",
        ),
        (
            json!({"customer": customer, "flow_data": {"type": "subscription_cancel", "subscription_cancel": {"subscription": "sub_other"}}}),
            404,
            "resource_missing",
            "flow_data[subscription_cancel][subscription]",
        ),
        (
            json!({"customer": customer, "flow_data": {"type": "teleport"}}),
            400,
            "invalid_request",
            "flow_data[type]",
        ),
        (
            json!({"customer": customer, "flow_data": {"type": "subscription_update_confirm", "subscription_update_confirm": {"subscription": subscription, "items": [{"id": "si_nope", "price": "pro"}]}}}),
            404,
            "resource_missing",
            "flow_data[subscription_update_confirm][items][0][id]",
        ),
        (
            json!({"customer": customer, "flow_data": {"type": "payment_method_update", "after_completion": {"type": "redirect"}}}),
            400,
            "parameter_missing",
            "flow_data[after_completion][redirect]",
        ),
    ];
    for (body, status, code, param) in cases {
        let (got_code, got_param) =
            error_of(create(&app, TEST_KEY, body.clone()).await, status).await;
        assert_eq!(
            (got_code.as_str(), got_param.as_deref()),
            (code, Some(param)),
            "{body}"
        );
    }
    // A test customer does not exist for the live key, which learns nothing more.
    let response = create(&app, LIVE_KEY, json!({"customer": customer})).await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "resource_missing");
    assert_eq!(
        body["error"]["message"],
        format!("No such customer: '{customer}'."),
        "{body}"
    );
    // Nor a test configuration in a live... or an inactive one at all.
    let config: Value = app
        .admin(
            TEST_KEY,
            Method::POST,
            "/v1/billing_portal/configurations",
            Some(json!({"features": {"invoice_history": {"enabled": true}}})),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = config["id"].as_str().unwrap();
    app.admin(
        TEST_KEY,
        Method::POST,
        &format!("/v1/billing_portal/configurations/{id}"),
        Some(json!({"active": false})),
    )
    .await;
    let (code, param) = error_of(
        create(
            &app,
            TEST_KEY,
            json!({"customer": customer, "configuration": id}),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(
        (code.as_str(), param.as_deref()),
        ("invalid_request", Some("configuration"))
    );
    // A flow the configuration turns off is refused.
    let (code, param) = error_of(
        create(&app, TEST_KEY, json!({"customer": customer, "configuration": id, "flow_data": {"type": "payment_method_update"}})).await,
        400,
    ).await;
    assert_eq!(code, "invalid_request", "{param:?}");
}

#[tokio::test]
async fn flexprice_tokens_are_read_only_for_an_hour() {
    let app = spawn_app().await;
    let (_, subscription, _) = customer(&app, json!({"customer_id": "user_42"})).await;
    let response = app
        .client
        .get(app.url("/v1/customers/portal/user_42"))
        .header("x-api-key", TEST_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let token: Value = response.json().await.unwrap();
    let value = token["token"].as_str().unwrap();
    let url = token["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("{}/p/session/bpl_", app.base)),
        "{url}"
    );
    assert!(!url.contains(value), "the token never goes in a URL: {url}");
    let expires: jiff::Timestamp = token["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires.as_second(), app.clock.now_unix() + 3600);
    assert!(token["expires_at"].as_str().unwrap().ends_with('Z'));

    // Read-only in the `x-session-token` header: it shows, and changes nothing.
    let portal = app.get_json("/v1/embed/portal", value).await;
    assert_eq!(portal["read_only"], true);
    assert_eq!(portal["subscriptions"][0]["id"], subscription.as_str());
    let path = format!("/v1/embed/subscriptions/{subscription}/cancel");
    let response = app.post_json(&path, Some(value), json!({})).await;
    assert_eq!(error_of(response, 403).await.0, "session_read_only");

    // The URL logs in once: a strict, HttpOnly cookie, then on to the portal.
    let opened = no_redirects().get(url).send().await.unwrap();
    assert_eq!(opened.status(), 200);
    let cookie = opened.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains(value), "a token of its own: {cookie}");
    let again = no_redirects().get(url).send().await.unwrap();
    assert_eq!(again.status(), 410);
    assert!(again.headers().get("set-cookie").is_none());

    // A token in a URL sets no cookie: before, any page could link a visitor into
    // a session of its choosing, as often as it liked.
    let fixed = no_redirects()
        .get(app.url(&format!("/p/portal?token={value}")))
        .send()
        .await
        .unwrap();
    assert_eq!(fixed.status(), 400);
    assert!(fixed.headers().get("set-cookie").is_none());

    // An unknown customer, a missing key.
    let response = app
        .client
        .get(app.url("/v1/customers/portal/nobody"))
        .header("x-api-key", TEST_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(response, 404).await,
        (
            "resource_missing".to_owned(),
            Some("external_id".to_owned())
        )
    );
    let response = app
        .client
        .get(app.url("/v1/customers/portal/user_42"))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response, 401).await.0, "invalid_api_key");
    let response = app
        .client
        .get(app.url("/v1/customers/portal/user_42"))
        .header("x-api-key", LIVE_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response, 404).await.0, "resource_missing");
}

#[tokio::test]
async fn a_hosted_session_changes_things_from_the_hosted_page_only() {
    let app = spawn_app().await;
    let (customer, subscription, _) = customer(&app, json!({"email": "cy@example.com"})).await;
    let session: Value = create(&app, TEST_KEY, json!({"customer": customer}))
        .await
        .json()
        .await
        .unwrap();
    let opened = no_redirects()
        .get(session["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let cookie = opened.headers()["set-cookie"].to_str().unwrap().to_owned();
    let token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("portico_portal=")
        .to_owned();
    let cancel = |origin: String| {
        app.client
            .post(app.url(&format!("/v1/embed/subscriptions/{subscription}/cancel")))
            .header("origin", origin)
            .header("x-session-token", &token)
            .json(&json!({}))
            .send()
    };
    // Before, any origin could act with the token: the host's and an attacker's.
    for origin in ["https://evil.example.net", crate::helpers::HOST_ORIGIN] {
        let refused = cancel(origin.to_owned()).await.unwrap();
        assert_eq!(
            error_of(refused, 403).await.0,
            "origin_not_allowed",
            "{origin}"
        );
    }
    // The hosted page is this server's own origin.
    let done = cancel(app.base.clone()).await.unwrap();
    assert_eq!(done.status(), 200);
}
