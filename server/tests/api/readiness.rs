//! `/ready` for a load balancer: 200 while the server reaches its database, 503
//! when it cannot (and `/health`, the process check, still 200).

use crate::helpers::spawn_app;
use serde_json::Value;

#[tokio::test]
async fn ready_answers_whether_the_database_is_reachable() {
    let app = spawn_app().await;
    let ready = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "ready");
    if !app.on_postgres() {
        return;
    }
    // The database goes away under the running server.
    let (server, name) = app.database.rsplit_once('/').unwrap();
    let pool = portico_server::store::testing::any_pool(&format!("{server}/postgres")).await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&pool)
        .await
        .unwrap();
    let ready = app.client.get(app.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["status"], "unavailable", "{body}");
    let health = app.client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 200, "the process itself is up");
}
