use jiff::{SignedDuration, Timestamp};
use portico_server::clock::ManualClock;
use portico_server::store::testing::TestDatabase;
use portico_server::{Config, context, spawn};
use std::sync::Arc;
use tempfile::TempDir;

pub const TEST_KEY: &str = "sk_test_api-tests-fixture-not-a-secret";
pub const LIVE_KEY: &str = "sk_live_api-tests-fixture-not-a-secret";
pub const HOST_ORIGIN: &str = "https://app.example.com";

pub const CATALOG: &str = r#"
products = [
  { id = "base", name = "Base" },
  { id = "seats", name = "Seats", unit_label = "seat" },
  { id = "app", name = "App" },
  { id = "users", name = "Users", unit_label = "user" },
]

[[plans]]
id = "starter"
name = "Starter"
currency = "usd"
interval = "month"
items = [{ product = "base", unit_amount = 900 }]

[[plans]]
id = "team"
name = "Team"
currency = "usd"
interval = "month"
trial_days = 14
items = [{ product = "base", unit_amount = 2000 }, { product = "seats", unit_amount = 500 }]

[[services]]
name = "acme"
mode = "test"
allowed_origins = ["https://app.example.com"]
plans = ["starter", "team"]

[[plans]]
id = "basic"
name = "Basic"
currency = "usd"
interval = "month"
items = [{ product = "app", unit_amount = 1000 }]

[[plans]]
id = "pro"
name = "Pro"
currency = "usd"
interval = "month"
items = [{ product = "app", unit_amount = 3000 }]

[[plans]]
id = "seats"
name = "Seats"
currency = "usd"
interval = "month"
items = [{ product = "app", unit_amount = 2000 }, { product = "users", unit_amount = 500 }]

[[plans]]
id = "seats-yearly"
name = "Seats (yearly)"
currency = "usd"
interval = "year"
items = [{ product = "app", unit_amount = 20000 }, { product = "users", unit_amount = 5000 }]

[[plans]]
id = "trial"
name = "Trial"
currency = "usd"
interval = "month"
trial_days = 7
items = [{ product = "app", unit_amount = 1500 }]

[[plans]]
id = "graduated"
name = "Graduated"
currency = "usd"
interval = "month"
items = [{ product = "users", tiers_mode = "graduated", tiers = [{ up_to = 10, unit_amount = 800 }, { up_to = "inf", unit_amount = 600 }] }]

[[plans]]
id = "volume"
name = "Volume"
currency = "usd"
interval = "month"
items = [{ product = "users", tiers_mode = "volume", tiers = [{ up_to = 10, unit_amount = 800 }, { up_to = "inf", unit_amount = 600 }] }]

[[plans]]
id = "weekly"
name = "Weekly"
currency = "usd"
interval = "week"
items = [{ product = "app", unit_amount = 500 }]

[[plans]]
id = "euro"
name = "Euro"
currency = "eur"
interval = "month"
items = [{ product = "app", unit_amount = 1000 }]

[[plans]]
id = "usage"
name = "Usage"
currency = "usd"
interval = "month"
items = [{ product = "app", unit_amount = 1000 }]
metered = [
  { meter = "api_calls", tiers_mode = "graduated", tiers = [{ up_to = 1000, unit_amount = 0 }, { up_to = "inf", unit_amount = 2 }] },
  { meter = "peak_gpus", unit_amount = 500 },
  { meter = "active_users", unit_amount = 300 },
]

[[services]]
name = "metered"
mode = "test"
allowed_origins = ["https://app.example.com"]
plans = ["usage"]
meters = ["api_calls", "peak_gpus", "active_users"]

# The golden scenarios' service (tests/api/golden/).
[[services]]
name = "golden"
mode = "test"
allowed_origins = ["https://app.example.com"]
plans = ["basic", "pro", "seats", "seats-yearly", "trial", "graduated", "volume", "weekly", "euro"]
meters = ["api_calls", "peak_gpus", "active_users"]

[[meters]]
key = "api_calls"
name = "API calls"
unit = "calls"
group = "API"

[[meters]]
key = "peak_gpus"
name = "Peak GPUs"
unit = "GPUs"
aggregation = "max"
group = "GPU usage"

[[meters]]
key = "active_users"
name = "Active users"
unit = "users"
aggregation = "unique_count"
unique_property = "user_id"

[[services]]
name = "acme-live"
mode = "live"
allowed_origins = ["https://app.example.com"]
plans = ["starter"]
"#;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    /// What `Store::open` takes: the SQLite file's path, or a PostgreSQL URL.
    pub database: String,
    config: Config,
    _database: Option<TestDatabase>,
    dir: TempDir,
}

/// A server on port 0 with a fresh database, a fixed catalog, tiny stand-in widget
/// assets, and a clock the test moves.
pub async fn spawn_app() -> TestApp {
    spawn_app_with_billing_runner(portico_server::BILLING_RUN_EVERY).await
}

/// [`spawn_app`] whose billing runner runs what is due every `every`.
pub async fn spawn_app_with_billing_runner(every: std::time::Duration) -> TestApp {
    spawn_app_configured(every, test_rate_limits()).await
}

/// [`spawn_app`] with these rate limits.
pub async fn spawn_app_with_limits(limits: portico_server::http::RateLimitConfig) -> TestApp {
    spawn_app_configured(portico_server::BILLING_RUN_EVERY, limits).await
}

async fn spawn_app_configured(
    every: std::time::Duration,
    rate_limits: portico_server::http::RateLimitConfig,
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.toml");
    std::fs::write(&catalog, CATALOG).unwrap();
    let assets = dir.path().join("dist");
    std::fs::create_dir(&assets).unwrap();
    std::fs::write(
        assets.join("portico.js"),
        "var V = \"__PORTICO_VERSION__\"; // loader",
    )
    .unwrap();
    std::fs::write(
        assets.join("portico-widget.js"),
        "export default function init() {}".repeat(20),
    )
    .unwrap();
    std::fs::write(assets.join("portico-widget_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(assets.join("portico.css"), ":host { display: block; }").unwrap();
    // What wasm-split adds: its loader, a module loaded on demand, and a file that
    // is neither (never served).
    std::fs::write(assets.join("__wasm_split.js"), "export const load = 1;").unwrap();
    std::fs::write(assets.join("split_usage.wasm"), b"\0asm\x01\0\0\0usage").unwrap();
    std::fs::write(assets.join("notes.txt"), "not an asset").unwrap();
    let test_database = TestDatabase::new(&dir.path().join("portico.db")).await;
    let database = test_database.url.clone();
    let config = Config {
        database: database.clone(),
        catalog: Some(catalog),
        assets_dir: Some(assets),
        test_secret_key: Some(TEST_KEY.into()),
        live_secret_key: Some(LIVE_KEY.into()),
        session_ttl: SignedDuration::from_hours(1),
        public_url: None,
        provider: Default::default(),
        rate_limits,
    };
    let clock = Arc::new(ManualClock::new(
        "2026-11-22T10:00:00Z".parse::<Timestamp>().unwrap(),
    ));
    let ctx = context(&config.clone(), clock.clone())
        .await
        .expect("server context");
    let addr =
        portico_server::spawn_with_billing_runner("127.0.0.1:0".parse().unwrap(), ctx, every)
            .await
            .unwrap();
    let client = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .build()
        .unwrap();
    TestApp {
        base: format!("http://{addr}"),
        client,
        clock,
        database,
        config,
        _database: Some(test_database),
        dir,
    }
}

/// The tests' limits: the defaults, with loopback exempt (every test client is on
/// 127.0.0.1); the rate-limit tests set their own.
pub fn test_rate_limits() -> portico_server::http::RateLimitConfig {
    portico_server::http::RateLimitConfig {
        exempt_loopback: true,
        ..Default::default()
    }
}

impl TestApp {
    /// A running server's handle, for harnesses that start it their own way.
    pub fn from_parts(base: String, database: String, config: Config, dir: TempDir) -> Self {
        Self {
            base,
            client: reqwest::Client::builder()
                .no_gzip()
                .no_brotli()
                .build()
                .unwrap(),
            clock: Arc::new(ManualClock::new(Timestamp::now())),
            database,
            config,
            _database: None,
            dir,
        }
    }

    /// The test's temporary directory (the catalog file is there).
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Whether the test runs on PostgreSQL ([`TestDatabase`]).
    pub fn on_postgres(&self) -> bool {
        self.database.starts_with("postgres")
    }

    /// A connection that holds a long write transaction, as another server's
    /// would: SQLite's one write lock, or on PostgreSQL every table a change or a
    /// wallet grant writes, locked against all writers (readers still read).
    /// `ROLLBACK` on it lets go.
    pub async fn hold_write_lock(&self) -> sqlx::pool::PoolConnection<sqlx::Any> {
        let mut writer = self.sql().await.acquire().await.unwrap();
        let statements: &[&str] = if self.on_postgres() {
            &[
                "BEGIN",
                "LOCK TABLE customers, subscriptions, subscription_items, invoices,
                invoice_lines, wallets, wallet_transactions IN EXCLUSIVE MODE",
            ]
        } else {
            &["BEGIN IMMEDIATE"]
        };
        for statement in statements {
            sqlx::query(statement).execute(&mut *writer).await.unwrap();
        }
        writer
    }

    /// A pool on the test's database, whichever backend it is, for checks and
    /// set-ups in SQL (with `$1`-style parameters).
    pub async fn sql(&self) -> sqlx::AnyPool {
        portico_server::store::testing::any_pool(&self.database).await
    }

    /// A second server over the same database file, as after a restart: nothing is
    /// shared with the first but the file.
    pub async fn restarted(&self) -> String {
        let ctx = context(&self.config, self.clock.clone())
            .await
            .expect("server context");
        let addr = spawn("127.0.0.1:0".parse().unwrap(), ctx).await.unwrap();
        format!("http://{addr}")
    }

    /// Another server on the same database, with its own billing runner running
    /// every `every` on the test's clock, as behind a load balancer.
    pub async fn another_server(&self, every: std::time::Duration) -> String {
        let ctx = context(&self.config, self.clock.clone())
            .await
            .expect("server context");
        let addr =
            portico_server::spawn_with_billing_runner("127.0.0.1:0".parse().unwrap(), ctx, every)
                .await
                .unwrap();
        format!("http://{addr}")
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl TestApp {
    /// A call to the admin API with `key`: a JSON body for POST, none for GET.
    pub async fn admin(
        &self,
        key: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> reqwest::Response {
        let mut request = self.client.request(method, self.url(path)).bearer_auth(key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// The id of the mode's default portal configuration.
    pub async fn default_configuration(&self, key: &str) -> String {
        let response = self
            .admin(
                key,
                reqwest::Method::GET,
                "/v1/billing_portal/configurations?is_default=true",
                None,
            )
            .await;
        assert_eq!(response.status(), 200);
        let list: serde_json::Value = response.json().await.unwrap();
        list["data"][0]["id"].as_str().unwrap().to_owned()
    }

    /// Updates the test mode's default portal configuration, which embedded
    /// sessions use, and returns it.
    pub async fn configure_default(&self, params: serde_json::Value) -> serde_json::Value {
        let id = self.default_configuration(TEST_KEY).await;
        let path = format!("/v1/billing_portal/configurations/{id}");
        let response = self
            .admin(TEST_KEY, reqwest::Method::POST, &path, Some(params))
            .await;
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Moves every test-mode clock to `to` and returns the test clock answer.
    pub async fn advance_to(&self, to: &str) -> serde_json::Value {
        let to: Timestamp = to.parse().unwrap();
        let response = self
            .client
            .post(self.url("/v1/test_helpers/test_clocks/advance"))
            .bearer_auth(TEST_KEY)
            .json(&serde_json::json!({ "frozen_time": to.as_second() }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.json().await.unwrap()
    }

    /// How many subscriptions the database holds.
    pub async fn subscription_count(&self) -> i64 {
        let pool = self.sql().await;
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM subscriptions")
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        count
    }
}

/// Asserts Stripe's error shape and returns `(code, param)`.
pub async fn error_of(response: reqwest::Response, status: u16) -> (String, Option<String>) {
    assert_eq!(response.status(), status);
    let json: serde_json::Value = response.json().await.unwrap();
    let error = &json["error"];
    assert!(
        error["type"].is_string() && error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{json}"
    );
    (
        error["code"].as_str().unwrap().to_owned(),
        error["param"].as_str().map(str::to_owned),
    )
}

pub fn sign(key: &str, message: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}
