use clap::Parser;
use jiff::SignedDuration;
use portico_server::clock::SystemClock;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Portico: a self-hostable, embeddable customer billing portal.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Address to listen on.
    #[arg(long, env = "PORTICO_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// SQLite database: a file path or a `sqlite://` URL. Created if missing.
    #[arg(long, env = "PORTICO_DATABASE", default_value = "portico.db")]
    database: String,
    /// The TOML catalog of products, plans and services.
    #[arg(long, env = "PORTICO_CATALOG", default_value = "catalog.toml")]
    catalog: PathBuf,
    /// Directory of the built widget (`trunk build --release` output).
    #[arg(long, env = "PORTICO_ASSETS", default_value = "dist")]
    assets: PathBuf,
    /// Test-mode secret key (`sk_test_…`). Default: stored, or generated on first start.
    #[arg(long, env = "PORTICO_TEST_SECRET_KEY", hide_env_values = true)]
    test_secret_key: Option<String>,
    /// Live-mode secret key (`sk_live_…`). Default: stored, or generated on first start.
    #[arg(long, env = "PORTICO_LIVE_SECRET_KEY", hide_env_values = true)]
    live_secret_key: Option<String>,
    /// Lifetime of a portal session, in seconds.
    #[arg(long, env = "PORTICO_SESSION_TTL", default_value_t = 3600)]
    session_ttl: u32,
    /// The URL customers reach this server at, for the portal links the admin API
    /// hands out (e.g. `https://billing.example.com`). Default: the request's Host.
    #[arg(long, env = "PORTICO_PUBLIC_URL")]
    public_url: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "portico_server=info,tower_http=warn".into()),
        )
        .init();
    let args = Args::parse();
    let config = portico_server::Config {
        database: args.database,
        catalog: args.catalog,
        assets_dir: args.assets,
        test_secret_key: args.test_secret_key,
        live_secret_key: args.live_secret_key,
        session_ttl: SignedDuration::from_secs(i64::from(args.session_ttl)),
        public_url: args.public_url,
    };
    let ctx = match portico_server::context(&config, Arc::new(SystemClock)).await {
        Ok(ctx) => ctx,
        Err(error) => {
            eprintln!("portico: {error}");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("portico: cannot listen on {}: {error}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    tracing::info!("portico listening on http://{}", args.listen);
    match portico_server::serve(listener, ctx).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("portico: {error}");
            ExitCode::FAILURE
        }
    }
}
