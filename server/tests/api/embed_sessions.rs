use crate::helpers::{HOST_ORIGIN, LIVE_KEY, TEST_KEY, error_of, sign, spawn_app};
use serde_json::json;

const SESSIONS: &str = "/v1/embed/sessions";

#[tokio::test]
async fn test_mode_needs_no_hash_and_says_so() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            SESSIONS,
            None,
            json!({"service": "acme", "email": "ada@example.com"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        HOST_ORIGIN
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["livemode"], false);
    assert!(body["token"].as_str().unwrap().len() >= 40);
    // 2026-11-22T10:00:00Z plus the default hour.
    assert_eq!(body["expires_at"], 1_795_341_600 + 3600);
}

#[tokio::test]
async fn live_mode_requires_a_valid_hash() {
    let app = spawn_app().await;
    let missing = app
        .post_json(
            SESSIONS,
            None,
            json!({"service": "acme-live", "email": "ada@example.com"}),
        )
        .await;
    assert_eq!(
        error_of(missing, 401).await,
        ("invalid_hash".into(), Some("hash".into()))
    );

    let wrong = sign(LIVE_KEY, "eve@example.com");
    let forged = app
        .post_json(
            SESSIONS,
            None,
            json!({"service": "acme-live", "email": "ada@example.com", "hash": wrong}),
        )
        .await;
    assert_eq!(error_of(forged, 401).await.0, "invalid_hash");

    // The test key does not sign live identities.
    let other_mode = sign(TEST_KEY, "ada@example.com");
    let crossed = app
        .post_json(
            SESSIONS,
            None,
            json!({"service": "acme-live", "email": "ada@example.com", "hash": other_mode}),
        )
        .await;
    assert_eq!(error_of(crossed, 401).await.0, "invalid_hash");
}

#[tokio::test]
async fn live_mode_accepts_exact_or_normalized_email_in_any_hex_case() {
    let app = spawn_app().await;
    let email = " Ada@Example.com";
    for hash in [
        sign(LIVE_KEY, email).to_uppercase(),
        sign(LIVE_KEY, "ada@example.com"),
    ] {
        let response = app
            .post_json(
                SESSIONS,
                None,
                json!({"service": "acme-live", "email": email, "hash": hash}),
            )
            .await;
        assert_eq!(response.status(), 201);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["livemode"], true);
    }
    let by_id = sign(LIVE_KEY, "user_42");
    let response = app
        .post_json(
            SESSIONS,
            None,
            json!({"service": "acme-live", "customer_id": "user_42", "hash": by_id}),
        )
        .await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn refuses_origins_the_service_does_not_allow() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url(SESSIONS))
        .header("origin", "https://evil.example.net")
        .json(&json!({"service": "acme", "email": "ada@example.com"}))
        .send()
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    assert_eq!(error_of(response, 403).await.0, "origin_not_allowed");
}

#[tokio::test]
async fn preflight_answers_only_allowed_origins() {
    let app = spawn_app().await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url(SESSIONS))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,x-session-token",
            )
            .send()
    };
    let allowed = preflight(HOST_ORIGIN).await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        HOST_ORIGIN
    );
    let allowed_headers = allowed.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        allowed_headers.contains("x-session-token"),
        "{allowed_headers}"
    );
    let refused = preflight("https://evil.example.net").await.unwrap();
    assert!(
        refused
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn bad_requests_get_specific_errors() {
    let app = spawn_app().await;
    let unknown = app
        .post_json(
            SESSIONS,
            None,
            json!({"service": "nope", "email": "ada@example.com"}),
        )
        .await;
    assert_eq!(
        error_of(unknown, 404).await,
        ("service_not_found".into(), Some("service".into()))
    );

    let both = app
        .post_json(
            SESSIONS,
            None,
            json!({"service": "acme", "email": "ada@example.com", "customer_id": "u1"}),
        )
        .await;
    assert_eq!(
        error_of(both, 400).await,
        ("invalid_request".into(), Some("email".into()))
    );

    let bad_email = app
        .post_json(SESSIONS, None, json!({"service": "acme", "email": "ada"}))
        .await;
    assert_eq!(
        error_of(bad_email, 400).await,
        ("invalid_request".into(), Some("email".into()))
    );

    let malformed = app
        .client
        .post(app.url(SESSIONS))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(malformed, 400).await.0, "invalid_request");
}

#[tokio::test]
async fn a_hash_opens_exactly_the_identity_it_signs_not_its_unicode_lowercase() {
    let app = spawn_app().await;
    let (token, _) = app
        .signed_up_with_card("golden", "ki@x.com", json!({"plan": "basic"}))
        .await;
    let owner = app.get_json("/v1/embed/portal", &token).await;
    // "Ki@x.com" with the Kelvin sign (U+212A), a different string the host may
    // hold as a different account. Before, its lookup lowercased it by Unicode
    // rules to "ki@x.com" and opened that customer.
    let kelvin = "\u{212A}i@x.com";
    let hash = sign(TEST_KEY, kelvin);
    let other = app
        .session(json!({"service": "golden", "email": kelvin, "hash": hash}))
        .await;
    let portal = app.get_json("/v1/embed/portal", &other).await;
    assert!(portal["customer"].is_null(), "{portal}");
    assert_eq!(portal["subscriptions"], json!([]));
    assert!(!owner["customer"].is_null());
}

#[tokio::test]
async fn a_customer_id_never_opens_another_customers_cus_id() {
    let app = spawn_app().await;
    let (token, _) = app
        .signed_up_with_card("golden", "ada@example.com", json!({"plan": "basic"}))
        .await;
    let ada = app.get_json("/v1/embed/portal", &token).await;
    let ada_id = ada["customer"]["id"].as_str().unwrap().to_owned();
    assert!(ada_id.starts_with("cus_"), "{ada}");
    // A host's `customer_id` is its own id for a customer, and nothing else: Ada's
    // `cus_…` opened Ada before, though no hash of Ada's identity was given.
    let hash = sign(TEST_KEY, &ada_id);
    let other = app
        .session(json!({"service": "golden", "customer_id": ada_id, "hash": hash}))
        .await;
    let portal = app.get_json("/v1/embed/portal", &other).await;
    assert!(portal["customer"].is_null(), "{portal}");
    assert_eq!(portal["subscriptions"], json!([]));
}
