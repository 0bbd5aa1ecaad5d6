//! `/v1/billing_portal/configurations`: Stripe's configuration API, form and JSON.

use crate::helpers::{LIVE_KEY, TEST_KEY, TestApp, error_of, spawn_app};
use reqwest::Method;
use serde_json::{Value, json};

const PATH: &str = "/v1/billing_portal/configurations";

/// A form-encoded request, as Stripe's client libraries and `curl -d` send it.
async fn form(app: &TestApp, key: &str, path: &str, body: &str) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(key)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

async fn ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    body
}

const FULL_FORM: &str = "business_profile[headline]=Acme%20billing\
&business_profile[privacy_policy_url]=https://acme.test/privacy\
&business_profile[terms_of_service_url]=https://acme.test/terms\
&default_return_url=https://acme.test/account\
&features[customer_update][enabled]=true\
&features[customer_update][allowed_updates][0]=email\
&features[customer_update][allowed_updates][1]=address\
&features[invoice_history][enabled]=false\
&features[payment_method_update][enabled]=true\
&features[subscription_cancel][enabled]=true\
&features[subscription_cancel][mode]=immediately\
&features[subscription_cancel][proration_behavior]=create_prorations\
&features[subscription_cancel][cancellation_reason][enabled]=true\
&features[subscription_cancel][cancellation_reason][options][0]=too_expensive\
&features[subscription_cancel][cancellation_reason][options][1]=unused\
&features[subscription_update][enabled]=true\
&features[subscription_update][default_allowed_updates][0]=price\
&features[subscription_update][proration_behavior]=always_invoice\
&features[subscription_update][products][0][product]=app\
&features[subscription_update][products][0][prices][0]=basic\
&features[subscription_update][products][0][prices][1]=pro\
&metadata[team]=billing&metadata[tier]=gold";

#[tokio::test]
async fn create_by_form_has_every_field_of_the_object() {
    let app = spawn_app().await;
    let created = ok(form(&app, TEST_KEY, PATH, FULL_FORM).await).await;
    let id = created["id"].as_str().unwrap();
    assert!(id.starts_with("bpc_"), "{id}");
    let expected = json!({
        "id": id,
        "object": "billing_portal.configuration",
        "active": true,
        "application": null,
        "business_profile": {
            "headline": "Acme billing",
            "privacy_policy_url": "https://acme.test/privacy",
            "terms_of_service_url": "https://acme.test/terms",
        },
        "created": created["created"],
        "default_return_url": "https://acme.test/account",
        "features": {
            "customer_update": {"allowed_updates": ["address", "email"], "enabled": true},
            "invoice_history": {"enabled": false},
            "payment_method_update": {"enabled": true},
            "subscription_cancel": {
                "cancellation_reason": {"enabled": true, "options": ["too_expensive", "unused"]},
                "enabled": true,
                "mode": "immediately",
                "proration_behavior": "create_prorations",
            },
            "subscription_update": {
                "default_allowed_updates": ["price"],
                "enabled": true,
                "products": [{"product": "app", "prices": ["basic", "pro"]}],
                "proration_behavior": "always_invoice",
            },
        },
        "is_default": false,
        "livemode": false,
        "login_page": {"enabled": false, "url": null},
        "metadata": {"team": "billing", "tier": "gold"},
        "updated": created["created"],
    });
    assert_eq!(created, expected);
    assert_eq!(created["created"], app.clock.now_unix());
    // Retrieve answers the same object.
    let path = format!("{PATH}/{id}");
    assert_eq!(
        ok(app.admin(TEST_KEY, Method::GET, &path, None).await).await,
        created
    );
}

#[tokio::test]
async fn json_bodies_mean_what_forms_mean() {
    let app = spawn_app().await;
    let by_form = ok(form(&app, TEST_KEY, PATH, FULL_FORM).await).await;
    let body = json!({
        "business_profile": by_form["business_profile"],
        "default_return_url": "https://acme.test/account",
        "features": by_form["features"],
        "metadata": {"team": "billing", "tier": "gold"},
    });
    let by_json = ok(app.admin(TEST_KEY, Method::POST, PATH, Some(body)).await).await;
    for field in [
        "business_profile",
        "default_return_url",
        "features",
        "metadata",
        "login_page",
    ] {
        assert_eq!(by_json[field], by_form[field], "{field}");
    }
    // A feature left out is off, as with Stripe.
    let minimal = json!({"features": {"invoice_history": {"enabled": true}}});
    let minimal = ok(app.admin(TEST_KEY, Method::POST, PATH, Some(minimal)).await).await;
    assert_eq!(minimal["features"]["invoice_history"]["enabled"], true);
    assert_eq!(minimal["features"]["subscription_cancel"]["enabled"], false);
    assert_eq!(
        minimal["features"]["subscription_update"]["proration_behavior"],
        "none"
    );
}

#[tokio::test]
async fn metadata_follows_stripes_unset_rules_and_updates_keep_the_rest() {
    let app = spawn_app().await;
    let created = ok(form(&app, TEST_KEY, PATH, FULL_FORM).await).await;
    let path = format!("{PATH}/{}", created["id"].as_str().unwrap());
    app.clock.advance(jiff::SignedDuration::from_secs(60));
    let updated = ok(form(
        &app,
        TEST_KEY,
        &path,
        "metadata[team]=&metadata[region]=eu&features[invoice_history][enabled]=true",
    )
    .await)
    .await;
    assert_eq!(updated["metadata"], json!({"region": "eu", "tier": "gold"}));
    assert_eq!(updated["features"]["invoice_history"]["enabled"], true);
    assert_eq!(
        updated["features"]["subscription_update"],
        created["features"]["subscription_update"]
    );
    assert_eq!(updated["updated"], app.clock.now_unix());
    assert_eq!(updated["created"], created["created"]);
    // JSON: `null` unsets a key too.
    let updated = ok(app
        .admin(
            TEST_KEY,
            Method::POST,
            &path,
            Some(json!({"metadata": {"region": null}})),
        )
        .await)
    .await;
    assert_eq!(updated["metadata"], json!({"tier": "gold"}));
    // An empty `metadata` unsets every key; an empty URL unsets it.
    let updated = ok(form(
        &app,
        TEST_KEY,
        &path,
        "metadata=&default_return_url=&business_profile[headline]=",
    )
    .await)
    .await;
    assert_eq!(updated["metadata"], json!({}));
    assert_eq!(updated["default_return_url"], Value::Null);
    assert_eq!(updated["business_profile"]["headline"], Value::Null);
    assert_eq!(
        updated["business_profile"]["privacy_policy_url"],
        "https://acme.test/privacy"
    );
    // Deactivating works for a configuration that is not the default.
    let updated = ok(form(&app, TEST_KEY, &path, "active=false").await).await;
    assert_eq!(updated["active"], false);
}

#[tokio::test]
async fn invalid_parameters_are_named() {
    let app = spawn_app().await;
    let cases = [
        (
            "features[invoice_history][enabled]=true&features[gift_cards][enabled]=true",
            "parameter_unknown",
            "features[gift_cards]",
        ),
        (
            "features[subscription_cancel][enabled]=true&features[subscription_cancel][mode]=sometimes",
            "invalid_request",
            "features[subscription_cancel][mode]",
        ),
        (
            "features[invoice_history][enabled]=yes",
            "invalid_request",
            "features[invoice_history][enabled]",
        ),
        (
            "features[invoice_history][enabled]=true&business_profile[privacy_policy_url]=not%20a%20url",
            "invalid_request",
            "business_profile[privacy_policy_url]",
        ),
        (
            "features[invoice_history][enabled]=true&default_return_url=javascript:alert(1)",
            "invalid_request",
            "default_return_url",
        ),
        (
            "features[customer_update][allowed_updates][0]=email",
            "parameter_missing",
            "features[customer_update][enabled]",
        ),
        (
            "business_profile[headline]=Hi",
            "parameter_missing",
            "features",
        ),
        (
            "features[subscription_update][enabled]=true&features[subscription_update][products][0][product]=nope&features[subscription_update][products][0][prices][0]=basic",
            "resource_missing",
            "features[subscription_update][products][0][product]",
        ),
        (
            "features[subscription_update][enabled]=true&features[subscription_update][products][0][product]=app&features[subscription_update][products][0][prices][0]=starter",
            "invalid_request",
            "features[subscription_update][products][0][prices][0]",
        ),
        (
            "features[subscription_cancel][enabled]=true&features[subscription_cancel][cancellation_reason][enabled]=true",
            "parameter_missing",
            "features[subscription_cancel][cancellation_reason][options]",
        ),
        (
            "features[invoice_history][enabled]=true&login_page[enabled]=true",
            "invalid_request",
            "login_page[enabled]",
        ),
        (
            "features[invoice_history][enabled]=true&active=false",
            "parameter_unknown",
            "active",
        ),
        (
            "features[invoice_history][enabled]=true&metadata[a]=1&metadata=",
            "invalid_request",
            "metadata",
        ),
    ];
    for (body, code, param) in cases {
        let status = if code == "resource_missing" { 404 } else { 400 };
        let (got_code, got_param) = error_of(form(&app, TEST_KEY, PATH, body).await, status).await;
        assert_eq!(
            (got_code.as_str(), got_param.as_deref()),
            (code, Some(param)),
            "{body}"
        );
    }
    // JSON bodies are checked the same way, and a malformed one is refused clearly.
    let bad = json!({"features": {"subscription_update": {"enabled": true, "proration_behavior": "sometimes"}}});
    let (code, param) = error_of(
        app.admin(TEST_KEY, Method::POST, PATH, Some(bad)).await,
        400,
    )
    .await;
    assert_eq!(
        (code.as_str(), param.as_deref()),
        (
            "invalid_request",
            Some("features[subscription_update][proration_behavior]")
        )
    );
    let response = app
        .client
        .post(app.url(PATH))
        .bearer_auth(TEST_KEY)
        .header("content-type", "application/json")
        .body("{\"features\":")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(response, 400).await.0, "invalid_request");
}

#[tokio::test]
async fn keys_decide_the_mode_and_modes_never_mix() {
    let app = spawn_app().await;
    // No key, a wrong key: Stripe's authentication error.
    let response = app.client.get(app.url(PATH)).send().await.unwrap();
    assert_eq!(error_of(response, 401).await.0, "invalid_api_key");
    let response = app
        .admin("sk_test_wrong0000000000000000", Method::GET, PATH, None)
        .await;
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["type"], "authentication_error");
    assert_eq!(
        body["error"]["message"],
        "Invalid API Key provided: sk_test_****0000."
    );
    // `x-api-key` works as well as a bearer token.
    let response = app
        .client
        .get(app.url(PATH))
        .header("x-api-key", LIVE_KEY)
        .send()
        .await
        .unwrap();
    let live = ok(response).await;
    assert!(
        live["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["livemode"] == true)
    );

    // Exactly one default configuration per mode, and it stays active.
    for key in [TEST_KEY, LIVE_KEY] {
        let list = ok(app
            .admin(key, Method::GET, &format!("{PATH}?is_default=true"), None)
            .await)
        .await;
        assert_eq!(list["data"].as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list["data"][0]["livemode"], key == LIVE_KEY);
        let path = format!("{PATH}/{}", list["data"][0]["id"].as_str().unwrap());
        let (code, param) = error_of(form(&app, key, &path, "active=false").await, 400).await;
        assert_eq!(
            (code.as_str(), param.as_deref()),
            ("invalid_request", Some("active"))
        );
    }
    // A test configuration is not there for the live key, and the error says why.
    let test = ok(form(
        &app,
        TEST_KEY,
        PATH,
        "features[invoice_history][enabled]=true",
    )
    .await)
    .await;
    let path = format!("{PATH}/{}", test["id"].as_str().unwrap());
    let response = app.admin(LIVE_KEY, Method::GET, &path, None).await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "resource_missing");
    // No such object, with nothing said of the other mode.
    assert_eq!(
        body["error"]["message"],
        format!(
            "No such billing portal configuration: '{}'.",
            test["id"].as_str().unwrap()
        ),
        "{body}"
    );
    let (code, _) = error_of(form(&app, LIVE_KEY, &path, "active=false").await, 404).await;
    assert_eq!(code, "resource_missing");
}
