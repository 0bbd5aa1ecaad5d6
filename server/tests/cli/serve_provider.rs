//! `portico serve` with the Stripe provider, its settings given as flags and as
//! environment variables against localstripe, and the provider settings it
//! refuses to start without.

use super::serve::{Via, assets, file, free_port, refused, send, serve};
use jiff::Timestamp;
use serde_json::json;

// Reused from the browser tests' harness; the serve tests need only part of it.
#[allow(dead_code)]
#[path = "../../../tests/src/localstripe.rs"]
mod localstripe;

/// With Stripe the plans come from the peer's products marked for `acme`.
const STRIPE_CATALOG: &str = r#"
[[services]]
name = "acme"
mode = "test"
allowed_origins = ["https://app.example.com"]
"#;

/// The Stripe provider's settings, against localstripe.
async fn every_stripe_setting_takes_effect(via: Via) {
    let peer = localstripe::Localstripe::start().await;
    peer.seed().await;
    let dir = tempfile::tempdir().unwrap();
    let js_url = "https://js.example.test/v3/";
    let secret = "whsec_cli_tests";
    let server = serve(
        via,
        dir.path(),
        vec![
            (
                "--database",
                "PORTICO_DATABASE",
                dir.path().join("p.db").display().to_string(),
            ),
            (
                "--catalog",
                "PORTICO_CATALOG",
                file(dir.path(), "catalog.toml", STRIPE_CATALOG),
            ),
            ("--assets", "PORTICO_ASSETS", assets(dir.path())),
            ("--provider", "PORTICO_PROVIDER", "stripe".into()),
            (
                "--stripe-secret-key",
                "STRIPE_SECRET_KEY",
                localstripe::STRIPE_KEY.into(),
            ),
            (
                "--stripe-publishable-key",
                "STRIPE_PUBLISHABLE_KEY",
                localstripe::PUBLISHABLE_KEY.into(),
            ),
            (
                "--stripe-webhook-secret",
                "STRIPE_WEBHOOK_SECRET",
                secret.into(),
            ),
            ("--stripe-api-base", "STRIPE_API_BASE", peer.base.clone()),
            ("--stripe-js-url", "STRIPE_JS_URL", js_url.into()),
            ("--stripe-peer", "PORTICO_STRIPE_PEER", "localstripe".into()),
        ],
    )
    .await;
    let client = reqwest::Client::new();
    let (_, session) = send(
        client
            .post(format!("{}/v1/embed/sessions", server.base))
            .json(&json!({"service": "acme", "email": "ada@example.com"})),
    )
    .await;
    let token = session["token"].as_str().unwrap();
    let (status, portal) = send(
        client
            .get(format!("{}/v1/embed/portal", server.base))
            .header("x-session-token", token),
    )
    .await;
    // The plans are the peer's (its API base, key and dialect were used).
    assert_eq!(status, 200, "{via:?}: {portal}");
    let plans: Vec<&str> = portal["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(plans, ["basic", "pro", "max", "euro"], "{via:?}");
    assert_eq!(
        portal["card_entry"],
        json!({"kind": "stripe_js", "publishable_key": localstripe::PUBLISHABLE_KEY, "js_url": js_url}),
        "{via:?}"
    );
    // Webhooks signed with the configured secret are received.
    let now = Timestamp::now().as_second();
    let body = json!({"id": "evt_cli_1", "type": "customer.subscription.deleted", "created": now,
        "livemode": false, "data": {"object": {"id": "sub_1", "customer": "cus_1", "status": "canceled"}}})
    .to_string();
    let header = portico_server::provider::stripe::signature::sign(secret, now, body.as_bytes());
    let (status, received) = send(
        client
            .post(format!("{}/v1/stripe/webhooks", server.base))
            .header("stripe-signature", header)
            .header("content-type", "application/json")
            .body(body),
    )
    .await;
    assert_eq!(
        (status, &received["recorded"]),
        (200, &json!(true)),
        "{via:?}: {received}"
    );
}

#[tokio::test]
async fn serve_takes_the_stripe_settings_as_flags() {
    every_stripe_setting_takes_effect(Via::Flags).await;
}

#[tokio::test]
async fn serve_takes_the_stripe_settings_from_the_environment() {
    every_stripe_setting_takes_effect(Via::Environment).await;
}

#[tokio::test]
async fn serve_refuses_an_incomplete_provider_setting_by_name() {
    let stripe = || ("--provider", "PORTICO_PROVIDER", "stripe".to_owned());
    let secret = (
        "--stripe-secret-key",
        "STRIPE_SECRET_KEY",
        "sk_test_x".to_owned(),
    );
    let cases = [
        (
            vec![stripe()],
            "--provider stripe needs STRIPE_SECRET_KEY (or --stripe-secret-key)",
        ),
        (
            vec![stripe(), secret],
            "--provider stripe needs STRIPE_PUBLISHABLE_KEY (or --stripe-publishable-key)",
        ),
        (
            vec![("--provider", "PORTICO_PROVIDER", "braintree".to_owned())],
            "--provider must be `local` or `stripe`, not `braintree`",
        ),
    ];
    for (mut settings, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("p.db").display().to_string();
        settings.push(("--database", "PORTICO_DATABASE", database));
        settings.push((
            "--listen",
            "PORTICO_LISTEN",
            format!("127.0.0.1:{}", free_port()),
        ));
        for via in [Via::Flags, Via::Environment] {
            let printed = refused(via, dir.path(), &settings).await;
            assert!(printed.contains(message), "{via:?}: {printed}");
        }
    }
}
