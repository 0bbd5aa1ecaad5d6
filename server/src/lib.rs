//! Portico's backend: verifies who the customer is, issues short-lived portal
//! sessions, serves the widget, and runs billing on an embedded SQLite engine.
//!
//! See ARCHITECTURE.md for the code map and the invariants.

pub mod assets;
pub mod auth;
pub mod billing;
pub mod catalog;
pub mod clock;
pub mod convert;
pub mod http;
pub mod keyfile;
pub use keyfile::{keys, rotate_secret_key};
pub mod metering;
pub mod pdf;
pub mod portal;
pub mod provider;
pub mod store;

use assets::Assets;
use catalog::{Catalog, Mode};
use clock::Clock;
use http::ApiContext;
use jiff::SignedDuration;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use store::Store;

/// What a caught panic said, for the log.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|message| (*message).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// How to run a server. The binary fills it from flags and environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://path.db` or a file path.
    pub database: String,
    /// The TOML catalog file; `None`: the catalog last imported into the database
    /// (`portico catalog import`).
    pub catalog: Option<PathBuf>,
    /// The widget build (`dist/`): `portico.js`, the glue, the wasm modules and the CSS;
    /// `None` serves no widget (CLI commands).
    pub assets_dir: Option<PathBuf>,
    /// Secret keys; when absent, the stored ones are used, or new ones generated.
    pub test_secret_key: Option<String>,
    pub live_secret_key: Option<String>,
    pub session_ttl: SignedDuration,
    /// The URL customers reach this server at (`https://billing.example.com`), for
    /// the portal links the admin API hands out. Default: the request's `Host`.
    pub public_url: Option<String>,
    /// The built-in engine, or Stripe.
    pub provider: provider::ProviderConfig,
    /// Limits on session creation and the expensive endpoints.
    pub rate_limits: http::RateLimitConfig,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Catalog(#[from] catalog::CatalogError),
    #[error(transparent)]
    Assets(#[from] assets::AssetsError),
    #[error("database: {0}")]
    Store(#[from] store::StoreError),
    #[error("{0}")]
    Config(String),
}

/// Opens the database, loads the catalog and the assets, settles the secret keys.
pub async fn context(config: &Config, clock: Arc<dyn Clock>) -> Result<ApiContext, StartError> {
    if config.session_ttl <= SignedDuration::ZERO {
        return Err(StartError::Config(
            "the session lifetime must be positive".into(),
        ));
    }
    let assets = match &config.assets_dir {
        Some(dir) => Assets::load(dir)?,
        None => Assets::default(),
    };
    let store = Store::open(&config.database).await?;
    let mut catalog = match &config.catalog {
        Some(path) => Catalog::load(path)?,
        None => match store.latest_catalog().await? {
            Some(text) => Catalog::from_toml(&text)?,
            None => {
                return Err(StartError::Config(
                    "no catalog: pass --catalog FILE, or run `portico catalog import FILE` first"
                        .into(),
                ));
            }
        },
    };
    let provider: provider::Provider = match &config.provider {
        provider::ProviderConfig::Local => {
            Arc::new(provider::engine::Engine::new(store.clone(), clock.clone()))
        }
        provider::ProviderConfig::Stripe(stripe_config) => {
            let stripe = provider::stripe::Stripe::new(stripe_config, clock.clone())
                .map_err(|e| StartError::Config(format!("Stripe: {e}")))?;
            for service in catalog.services() {
                if service.mode.is_live() != stripe.livemode {
                    return Err(StartError::Config(format!(
                        "the service `{}` is in {} mode but the Stripe key is a {} key",
                        service.name,
                        if service.mode.is_live() {
                            "live"
                        } else {
                            "test"
                        },
                        if stripe.livemode { "live" } else { "test" },
                    )));
                }
            }
            Arc::new(stripe)
        }
    };
    if let Some(plans) = provider
        .plans()
        .await
        .map_err(|e| StartError::Config(format!("{}: reading the catalog: {e}", provider.name())))?
    {
        catalog.replace_plans(&plans);
        tracing::info!(
            services = plans.len(),
            provider = provider.name(),
            "catalog read from the provider"
        );
    }
    catalog.require_plans()?;
    let now = clock.now().as_second();
    let keys = keys(&store, config, now).await?;
    for mode in [Mode::Test, Mode::Live] {
        let fresh = portal::configuration::default_for(mode, portal::new_id("bpc_"), now);
        store.ensure_default_configuration(&fresh).await?;
    }
    for service in catalog.services() {
        if let Some(id) = &service.configuration {
            let found = store.configuration(id).await?;
            if found.is_none_or(|c| c.livemode != service.mode.is_live()) {
                return Err(StartError::Config(format!(
                    "the service `{}` names the portal configuration `{id}`, which does not exist in its mode",
                    service.name
                )));
            }
        }
    }
    let public_url = config
        .public_url
        .as_deref()
        .map(|url| {
            portal::configuration::parse_url("public_url", url)
                .map(|u| u.trim_end_matches('/').to_owned())
                .map_err(|e| StartError::Config(format!("--public-url: {}", e.message)))
        })
        .transpose()?;
    Ok(ApiContext {
        store,
        catalog: catalog::SharedCatalog::new(catalog),
        clock,
        keys: Arc::new(keys),
        assets: Arc::new(assets),
        session_ttl: config.session_ttl,
        public_url,
        provider,
        limits: Arc::new(http::RateLimits::new(&config.rate_limits)),
    })
}

/// Serves `ctx` on `listener` until Ctrl-C or SIGTERM (what a load balancer's
/// orchestrator sends), then stops accepting and finishes the requests in flight.
pub async fn serve(listener: tokio::net::TcpListener, ctx: ApiContext) -> std::io::Result<()> {
    spawn_background(ctx.clone(), BILLING_RUN_EVERY);
    axum::serve(listener, http::service(ctx))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped: the requests in flight were answered");
    Ok(())
}

async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "SIGTERM cannot be caught; Ctrl-C still stops");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("stopping: finishing the requests in flight");
}

/// Binds `addr` (port 0 picks a free one) and serves in the background. For tests,
/// benchmarks and `cargo xtask demo`.
pub async fn spawn(addr: SocketAddr, ctx: ApiContext) -> std::io::Result<SocketAddr> {
    spawn_with_billing_runner(addr, ctx, BILLING_RUN_EVERY).await
}

/// [`spawn`] with the billing runner's period chosen: a test that watches the
/// runner do what is due cannot wait a minute per run.
pub async fn spawn_with_billing_runner(
    addr: SocketAddr,
    ctx: ApiContext,
    every: std::time::Duration,
) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    spawn_background(ctx.clone(), every);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, http::service(ctx)).await {
            tracing::error!(%error, "server stopped");
        }
    });
    Ok(bound)
}

/// The server's background work: the billing runner, the catalog refresh and
/// the session janitor.
fn spawn_background(ctx: ApiContext, billing_every: std::time::Duration) {
    spawn_billing_runner(ctx.clone(), billing_every);
    spawn_catalog_refresh(ctx.clone());
    spawn_session_janitor(ctx);
}

/// How often the provider's plans are read again, webhooks or not (a missed
/// webhook must not leave a new price unsold for long).
pub const CATALOG_REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

fn spawn_catalog_refresh(ctx: ApiContext) {
    tokio::spawn(async move {
        let period = CATALOG_REFRESH_EVERY;
        let mut every = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(error) = provider::refresh_catalog(ctx.provider.as_ref(), &ctx.catalog).await
            {
                tracing::warn!(%error, "catalog refresh failed; the current plans stay");
            }
        }
    });
}

/// How often the server runs what is due.
pub const BILLING_RUN_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs what falls due (renewals, trial ends, period-end cancellations, payment
/// retries) every `period` ([`BILLING_RUN_EVERY`] but in tests). The test clock runs
/// it at once after each advance.
fn spawn_billing_runner(ctx: ApiContext, period: std::time::Duration) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            // Each run in a task of its own: a panic ends that run, not the runner.
            let provider = ctx.provider.clone();
            match tokio::spawn(async move { provider.run_due().await }).await {
                Ok(Ok(0)) => {}
                Ok(Ok(touched)) => tracing::info!(invoices = touched, "billing run"),
                Ok(Err(error)) => tracing::warn!(%error, "billing run failed; retried next minute"),
                Err(panic) => tracing::error!(%panic, "billing run panicked; retried next minute"),
            }
        }
    });
}

/// Deletes expired portal sessions and idempotency keys older than a day every
/// ten minutes, so neither table grows with every page view or keyed request.
fn spawn_session_janitor(ctx: ApiContext) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            every.tick().await;
            ctx.limits.forget_idle();
            match ctx.store.purge_expired_sessions(ctx.now()).await {
                Ok(0) => {}
                Ok(purged) => tracing::debug!(purged, "expired portal sessions deleted"),
                Err(error) => tracing::warn!(%error, "could not delete expired portal sessions"),
            }
            // A key older than a day replays nothing; without this sweep the rows
            // (each with its stored response) would stay for ever.
            let expired_before = ctx.now() - http::IDEMPOTENCY_KEY_LIFETIME;
            match ctx.store.purge_idempotency_keys(expired_before).await {
                Ok(0) => {}
                Ok(purged) => tracing::debug!(purged, "expired idempotency keys deleted"),
                Err(error) => tracing::warn!(%error, "could not delete expired idempotency keys"),
            }
        }
    });
}
