//! `portico sessions revoke` and `keys rotate` end sessions on a running server.

use super::{CATALOG, portico, serve_in_process, stdout};

#[tokio::test]
async fn revoked_and_rotated_sessions_end_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("portico.db");
    let file = dir.path().join("catalog.toml");
    std::fs::write(&file, CATALOG).unwrap();
    let base = serve_in_process(&database, Some(file)).await;
    let client = reqwest::Client::new();
    let session = |email: &'static str| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let body: serde_json::Value = client
                .post(format!("{base}/v1/embed/sessions"))
                .json(&serde_json::json!({"service": "acme", "email": email}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            body["token"].as_str().unwrap().to_owned()
        }
    };
    let portal = |token: String| {
        let client = client.clone();
        let base = base.clone();
        async move {
            client
                .get(format!("{base}/v1/embed/portal"))
                .header("x-session-token", token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let (ada, bo) = (
        session("ada@example.com").await,
        session("bo@example.com").await,
    );
    assert_eq!(portal(ada.clone()).await, 200);

    // Ada's sessions end (she has no customer row yet: sessions come first), then
    // again once she has saved a card; Bo's goes on.
    let revoke_ada = [
        "sessions",
        "revoke",
        "--customer",
        "ada@example.com",
        "--mode",
        "test",
    ];
    assert_eq!(stdout(&portico(&database, &revoke_ada)).trim(), "1");
    assert_eq!(portal(ada).await, 401);
    let ada = session("ada@example.com").await;
    let card = serde_json::json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"});
    let saved = client
        .post(format!("{base}/v1/embed/payment_methods"))
        .header("x-session-token", &ada)
        .json(&card)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 201);
    assert_eq!(stdout(&portico(&database, &revoke_ada)).trim(), "1");
    assert_eq!(portal(ada).await, 401);
    assert_eq!(portal(bo.clone()).await, 200);

    // Rotating the test key ends every test session: before, Bo's went on for its
    // hour, though its hash was made with the key just replaced.
    stdout(&portico(&database, &["keys", "rotate", "--mode", "test"]));
    assert_eq!(portal(bo).await, 401);
}
