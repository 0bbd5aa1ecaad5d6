//! Upgrading a database written by an earlier version keeps its data.

use portico_server::store::Store;

#[tokio::test]
async fn per_unit_items_of_the_first_schema_become_price_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let first_only = dir.path().join("migrations");
    std::fs::create_dir(&first_only).unwrap();
    std::fs::write(
        first_only.join("0001_foundation.sql"),
        include_str!("../../migrations/sqlite/0001_foundation.sql"),
    )
    .unwrap();
    let database = dir.path().join("old.db").display().to_string();

    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&database)
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
    sqlx::migrate::Migrator::new(first_only.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    for statement in [
        "INSERT INTO customers (id, livemode, email, created) VALUES ('cus_old', 0, 'old@example.com', 1)",
        "INSERT INTO subscriptions (id, customer_id, service, plan, status, currency, current_period_start,
         current_period_end, livemode, created) VALUES ('sub_old', 'cus_old', 'acme', 'team', 'active', 'usd', 1, 2, 0, 1)",
        "INSERT INTO subscription_items (id, subscription_id, position, product, unit_label, quantity, unit_amount)
         VALUES ('si_old', 'sub_old', 0, 'seats', 'seat', 3, 800)",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;

    let store = Store::open(&database)
        .await
        .expect("later migrations apply");
    let subscriptions = store.subscriptions_of("cus_old", "acme").await.unwrap();
    let item = &subscriptions[0].state.terms.items[0];
    assert_eq!(item.quantity.get(), 3);
    assert_eq!(
        item.price,
        portico_wire::price::Price::per_unit(800).unwrap()
    );
}
