use crate::localstripe::Localstripe;
use jiff::SignedDuration;
use portico_demo_host::{DemoConfig, DemoService};
use portico_server::clock::SystemClock;
use portico_server::provider::ProviderConfig;
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;

pub const TEST_KEY: &str = "sk_test_e2e-fixture-not-a-secret";
pub const LIVE_KEY: &str = "sk_live_e2e-fixture-not-a-secret";

/// The backend and the demo host, each on its own origin.
#[derive(Debug)]
pub struct Stack {
    /// `http://127.0.0.1:{port}` of the Portico backend.
    pub backend: String,
    /// `http://127.0.0.1:{port}` of the demo SaaS page.
    pub host: String,
    pub database: String,
    /// The Stripe peer, when the backend runs with the Stripe provider.
    pub stripe: Option<Localstripe>,
    _dir: TempDir,
}

#[derive(Debug, Clone, Default)]
pub struct StackOptions {
    /// The demo host holds the wrong live key, as a misconfigured integrator would.
    pub host_uses_wrong_live_key: bool,
    /// Portal sessions expire this fast (default: an hour).
    pub session_ttl: Option<SignedDuration>,
    /// The backend bills through Stripe: a fresh localstripe, seeded with
    /// [`Localstripe::seed`]'s catalog for `acme`.
    pub stripe: bool,
}

/// The built widget: `PORTICO_DIST`, else the workspace's `dist/`.
fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("PORTICO_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    assert!(
        dir.join("portico-widget_bg.wasm").is_file(),
        "no widget build in {}: run `cargo xtask test`, which builds it first",
        dir.display()
    );
    dir
}

pub async fn spawn_stack(options: StackOptions) -> Stack {
    let dir = tempfile::tempdir().expect("temp dir");
    // Bind the host first: the catalog must allow its origin.
    let host_listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind demo host");
    let host = format!("http://{}", host_listener.local_addr().expect("address"));

    let stripe = if options.stripe {
        let peer = Localstripe::start().await;
        peer.seed().await;
        Some(peer)
    } else {
        None
    };
    let catalog = dir.path().join("catalog.toml");
    let catalog_text = if stripe.is_some() {
        // The plans come from Stripe; a test key serves test-mode services only.
        format!("[[services]]\nname = \"acme\"\nmode = \"test\"\nallowed_origins = [\"{host}\"]\n")
    } else {
        local_catalog(&host)
    };
    std::fs::write(&catalog, catalog_text).expect("write catalog");

    let provider = match &stripe {
        Some(peer) => peer.provider(None, &crate::stripe_js::serve(peer.base.clone()).await),
        None => ProviderConfig::Local,
    };
    let database = dir.path().join("portico.db").display().to_string();
    let config = portico_server::Config {
        database: database.clone(),
        catalog: Some(catalog),
        assets_dir: Some(dist_dir()),
        test_secret_key: Some(TEST_KEY.into()),
        live_secret_key: Some(LIVE_KEY.into()),
        session_ttl: options.session_ttl.unwrap_or(SignedDuration::from_hours(1)),
        public_url: None,
        provider,
        // Every browser of the suite is on 127.0.0.1; the limits have their own tests.
        rate_limits: portico_server::http::RateLimitConfig {
            exempt_loopback: true,
            ..Default::default()
        },
    };
    let ctx = portico_server::context(&config, Arc::new(SystemClock))
        .await
        .expect("backend context");
    let backend_addr = portico_server::spawn("127.0.0.1:0".parse().expect("addr"), ctx)
        .await
        .expect("backend");
    let backend = format!("http://{backend_addr}");

    let live_key = if options.host_uses_wrong_live_key {
        "sk_live_not_the_right_key_at_all"
    } else {
        LIVE_KEY
    };
    let mut services = vec![DemoService {
        name: "acme".into(),
        secret_key: TEST_KEY.into(),
    }];
    if stripe.is_none() {
        services.push(DemoService {
            name: "acme-live".into(),
            secret_key: live_key.into(),
        });
    }
    let demo = portico_demo_host::app(DemoConfig {
        backend: backend.clone(),
        services,
    });
    tokio::spawn(async move {
        let _ = axum_serve(host_listener, demo).await;
    });
    Stack {
        backend,
        host,
        database,
        stripe,
        _dir: dir,
    }
}

/// The demo's catalog, embeddable from `host`, with a live-mode service besides.
fn local_catalog(host: &str) -> String {
    let demo_catalog = include_str!("../../demo-host/catalog.toml");
    let catalog_text = demo_catalog.replace(
        r#"allowed_origins = ["http://127.0.0.1:8081", "http://localhost:8081"]"#,
        &format!(r#"allowed_origins = ["{host}"]"#),
    ) + &format!(
        "\n[[services]]\nname = \"acme-live\"\nmode = \"live\"\nallowed_origins = [\"{host}\"]\nplans = [\"starter\", \"team\"]\n"
    );
    assert_ne!(
        catalog_text, demo_catalog,
        "the demo catalog's allowed origins changed; update the harness"
    );
    catalog_text
}

async fn axum_serve(listener: tokio::net::TcpListener, app: axum::Router) -> std::io::Result<()> {
    axum::serve(listener, app).await
}

impl Stack {
    /// Seeds one of the demo's scenario presets in the `acme` service, the way the
    /// demo host does for all of them.
    pub async fn seed_preset(&self, preset: &str) {
        portico_demo_host::presets::seed_one(&self.backend, "acme", &self.host, TEST_KEY, preset)
            .await
            .unwrap_or_else(|e| panic!("seed the {preset} preset: {e}"));
    }

    /// Calls the backend's admin API with the test key and returns the JSON answer,
    /// asserting success.
    pub async fn admin(&self, path: &str, body: Option<serde_json::Value>) -> serde_json::Value {
        let client = reqwest::Client::new();
        let url = format!("{}{path}", self.backend);
        let request = match body {
            Some(body) => client.post(url).json(&body),
            None => client.get(url),
        };
        let response = request
            .bearer_auth(TEST_KEY)
            .send()
            .await
            .expect("admin API");
        let status = response.status();
        let json: serde_json::Value = response.json().await.expect("admin API JSON");
        assert!(status.is_success(), "{path}: {status} {json}");
        json
    }

    /// Updates the test mode's default portal configuration, which the demo's
    /// embedded portal uses.
    pub async fn configure_default(&self, params: serde_json::Value) -> serde_json::Value {
        let list = self
            .admin("/v1/billing_portal/configurations?is_default=true", None)
            .await;
        let id = list["data"][0]["id"]
            .as_str()
            .expect("a default configuration");
        self.admin(
            &format!("/v1/billing_portal/configurations/{id}"),
            Some(params),
        )
        .await
    }

    pub fn host_url(&self, query: &str) -> String {
        format!("{}/?{query}", self.host)
    }

    /// The `Idempotency-Key`s the backend has recorded.
    pub async fn idempotency_keys(&self) -> Vec<String> {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", self.database))
            .await
            .expect("open database");
        let keys: Vec<(String,)> = sqlx::query_as("SELECT key FROM idempotency_keys")
            .fetch_all(&pool)
            .await
            .expect("query keys");
        pool.close().await;
        keys.into_iter().map(|(key,)| key).collect()
    }

    /// Every row `sql` selects, each column read as text.
    pub async fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        use sqlx::Row;
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", self.database))
            .await
            .expect("open database");
        let rows = sqlx::query(sql).fetch_all(&pool).await.expect("query");
        pool.close().await;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| {
                        row.try_get::<String, _>(i)
                            .or_else(|_| row.try_get::<i64, _>(i).map(|n| n.to_string()))
                            .unwrap_or_else(|_| "NULL".to_owned())
                    })
                    .collect()
            })
            .collect()
    }

    /// Subscriptions in the backend's database, as `(id, plan, status)`.
    pub async fn subscriptions(&self) -> Vec<(String, String, String)> {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", self.database))
            .await
            .expect("open database");
        let rows = sqlx::query_as("SELECT id, plan, status FROM subscriptions ORDER BY created")
            .fetch_all(&pool)
            .await
            .expect("query subscriptions");
        pool.close().await;
        rows
    }
}
