use crate::helpers::{HOST_ORIGIN, error_of, spawn_app};
use jiff::SignedDuration;
use serde_json::{Value, json};

const SIGNUP: &str = "/v1/embed/subscriptions";

#[tokio::test]
async fn portal_needs_a_live_session() {
    let app = spawn_app().await;
    let none = app
        .client
        .get(app.url("/v1/embed/portal"))
        .header("origin", HOST_ORIGIN)
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(none, 401).await.0, "session_expired");

    let token = app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    assert_eq!(app.get_portal(&token).await.status(), 200);
    app.clock.advance(SignedDuration::from_secs(3601));
    assert_eq!(
        error_of(app.get_portal(&token).await, 401).await.0,
        "session_expired"
    );
}

#[tokio::test]
async fn new_customer_sees_plans_then_signs_up() {
    let app = spawn_app().await;
    let token = app
        .session(json!({"service": "acme", "email": "Ada@Example.com"}))
        .await;
    let portal: Value = app.get_portal(&token).await.json().await.unwrap();
    assert_eq!(
        portal["service"],
        json!({"name": "acme", "livemode": false})
    );
    assert_eq!(portal["customer"], Value::Null);
    assert_eq!(portal["subscriptions"], json!([]));
    let plan_ids: Vec<&str> = portal["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(plan_ids, ["starter", "team"]);
    assert_eq!(portal["plans"][1]["items"][1]["unit_label"], "seat");

    let created = app
        .post_json(
            SIGNUP,
            Some(&token),
            json!({"plan": "team", "quantity": {"seat": 3}}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    let subscription = &body["subscription"];
    assert_eq!(
        body["invoice"]["subtotal"], 0,
        "a trial's first invoice is zero"
    );
    assert!(subscription["id"].as_str().unwrap().starts_with("sub_"));
    assert_eq!(subscription["object"], "subscription");
    assert_eq!(subscription["status"], "trialing");
    assert_eq!(subscription["plan"], "team");
    assert_eq!(subscription["items"][0]["quantity"], 1);
    assert_eq!(subscription["items"][1]["quantity"], 3);
    assert_eq!(subscription["trial_end"], 1_795_341_600 + 14 * 86_400);

    let portal: Value = app.get_portal(&token).await.json().await.unwrap();
    assert_eq!(portal["customer"]["email"], "ada@example.com");
    assert_eq!(portal["customer"]["id"], subscription["customer"]);
    assert_eq!(portal["subscriptions"][0]["id"], subscription["id"]);

    // Persisted: a new session for the same (normalized) email sees it too.
    let again = app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    let portal: Value = app.get_portal(&again).await.json().await.unwrap();
    assert_eq!(portal["subscriptions"][0]["id"], subscription["id"]);
}

#[tokio::test]
async fn second_signup_in_the_service_is_refused() {
    let app = spawn_app().await;
    let token = app
        .session(json!({"service": "acme", "customer_id": "user_7"}))
        .await;
    let first = app
        .post_json(SIGNUP, Some(&token), json!({"plan": "starter"}))
        .await;
    assert_eq!(first.status(), 201);
    let second = app
        .post_json(SIGNUP, Some(&token), json!({"plan": "team"}))
        .await;
    assert_eq!(error_of(second, 409).await.0, "already_subscribed");
    assert_eq!(app.subscription_count().await, 1);
}

#[tokio::test]
async fn signup_errors_name_the_parameter() {
    let app = spawn_app().await;
    let token = app
        .session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    let unknown_plan = app
        .post_json(SIGNUP, Some(&token), json!({"plan": "gold"}))
        .await;
    assert_eq!(
        error_of(unknown_plan, 404).await,
        ("plan_not_found".into(), Some("plan".into()))
    );
    let unknown_label = app
        .post_json(
            SIGNUP,
            Some(&token),
            json!({"plan": "team", "quantity": {"admin": 2}}),
        )
        .await;
    assert_eq!(
        error_of(unknown_label, 400).await,
        ("unknown_unit_label".into(), Some("quantity".into()))
    );
    let zero = app
        .post_json(SIGNUP, Some(&token), json!({"plan": "team", "quantity": 0}))
        .await;
    assert_eq!(error_of(zero, 400).await.0, "invalid_request");
    assert_eq!(app.subscription_count().await, 0);
}

#[tokio::test]
async fn expired_sessions_are_purged() {
    let app = spawn_app().await;
    app.session(json!({"service": "acme", "email": "ada@example.com"}))
        .await;
    let store = portico_server::store::Store::open(&app.database)
        .await
        .unwrap();
    assert_eq!(
        store.purge_expired_sessions(1_795_341_600).await.unwrap(),
        0
    );
    assert_eq!(
        store
            .purge_expired_sessions(1_795_341_600 + 3600)
            .await
            .unwrap(),
        1
    );
}
