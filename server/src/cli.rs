//! `portico serve | keys | catalog import | hash | sessions create|revoke | migrate`.
//!
//! Every command but `serve` works on the database directly, so it needs no running
//! server; output meant for scripts (a key, a hash, a URL) is alone on stdout.

mod limits;
mod migrate;
mod provider;
mod revoke;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jiff::SignedDuration;
use portico_server::auth::sign;
use portico_server::catalog::{Catalog, Mode};
use portico_server::clock::{Clock, SystemClock};
use portico_server::http::{SecretKeyAuth, open_portal_session};
use portico_server::store::Store;
use portico_server::{Config, context};
use portico_wire::CustomerRef;
use portico_wire::billing_portal::params::Field;
use portico_wire::billing_portal::session::SessionParams;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// Portico: a self-hostable, embeddable customer billing portal.
#[derive(Debug, Parser)]
#[command(version)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server.
    Serve(Serve),
    /// Show or rotate the secret keys.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Manage the catalog kept in the database.
    Catalog {
        #[command(subcommand)]
        action: CatalogAction,
    },
    /// Print the `hash` an embed needs for a customer, for integration testing.
    Hash(HashArgs),
    /// Create hosted portal sessions, or end sessions.
    Sessions {
        #[command(subcommand)]
        action: SessionsAction,
    },
    /// Copy a SQLite database into a new PostgreSQL database, to run several
    /// servers on it.
    Migrate(migrate::MigrateArgs),
}

#[derive(Debug, Args)]
struct Database {
    /// SQLite database: a file path or a `sqlite://` URL. Created if missing.
    #[arg(long, env = "PORTICO_DATABASE", default_value = "portico.db")]
    database: String,
}

#[derive(Debug, Args)]
struct Keys {
    /// Test-mode secret key (`sk_test_…`). Default: stored, or generated on first start.
    #[arg(long, env = "PORTICO_TEST_SECRET_KEY", hide_env_values = true)]
    test_secret_key: Option<String>,
    /// Live-mode secret key (`sk_live_…`). Default: stored, or generated on first start.
    #[arg(long, env = "PORTICO_LIVE_SECRET_KEY", hide_env_values = true)]
    live_secret_key: Option<String>,
}

#[derive(Debug, Args)]
struct Serve {
    /// Address to listen on.
    #[arg(long, env = "PORTICO_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    #[command(flatten)]
    database: Database,
    /// The TOML catalog. Default: the one last imported with `portico catalog import`.
    #[arg(long, env = "PORTICO_CATALOG")]
    catalog: Option<PathBuf>,
    /// Directory of the built widget (`cargo xtask demo|test` write it to `dist/`).
    #[arg(long, env = "PORTICO_ASSETS", default_value = "dist")]
    assets: PathBuf,
    #[command(flatten)]
    keys: Keys,
    /// Lifetime of a portal session, in seconds.
    #[arg(long, env = "PORTICO_SESSION_TTL", default_value_t = 3600)]
    session_ttl: u32,
    /// The URL customers reach this server at, for the portal links the admin API
    /// hands out (e.g. `https://billing.example.com`). Default: the request's Host.
    #[arg(long, env = "PORTICO_PUBLIC_URL")]
    public_url: Option<String>,
    #[command(flatten)]
    stripe: provider::StripeArgs,
    #[command(flatten)]
    limits: limits::RateLimitArgs,
}

#[derive(Debug, Subcommand)]
enum KeysAction {
    /// Print both modes' secret keys.
    Show(Database),
    /// Replace a mode's secret key with a new one and print it. Hashes computed with
    /// the old key stop verifying; restart running servers.
    Rotate {
        #[arg(long, value_enum)]
        mode: ModeArg,
        #[command(flatten)]
        database: Database,
    },
}

#[derive(Debug, Subcommand)]
enum CatalogAction {
    /// Validate a TOML catalog and keep it in the database; `serve` without
    /// `--catalog` uses the one imported last.
    Import {
        file: PathBuf,
        #[command(flatten)]
        database: Database,
    },
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false, id = "identity")]
struct Identity {
    /// The customer's email, as the page passes it.
    #[arg(long, group = "identity")]
    email: Option<String>,
    /// Your id for the customer (the embed's `customer_id`).
    #[arg(long, group = "identity")]
    customer_id: Option<String>,
}

#[derive(Debug, Args)]
struct HashArgs {
    #[command(flatten)]
    identity: Identity,
    #[arg(long, value_enum, default_value = "test")]
    mode: ModeArg,
    #[command(flatten)]
    database: Database,
    #[command(flatten)]
    keys: Keys,
}

#[derive(Debug, Subcommand)]
enum SessionsAction {
    /// Create a hosted portal session and print its URL (valid five minutes, once).
    Create(SessionArgs),
    /// End sessions at once: one customer's, one service's, or all.
    Revoke(revoke::RevokeArgs),
}

#[derive(Debug, Args)]
struct SessionArgs {
    /// `cus_…`
    #[arg(long)]
    customer: String,
    /// `bpc_…`; default: the service's configuration, or the mode's default.
    #[arg(long)]
    configuration: Option<String>,
    #[arg(long)]
    return_url: Option<String>,
    /// Which service's portal, when the customer could be in several.
    #[arg(long)]
    service: Option<String>,
    #[arg(long)]
    locale: Option<String>,
    #[arg(long, value_enum, default_value = "test")]
    mode: ModeArg,
    /// The URL customers reach the server at.
    #[arg(
        long,
        env = "PORTICO_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    public_url: String,
    #[command(flatten)]
    database: Database,
    /// The catalog; default: the one last imported.
    #[arg(long, env = "PORTICO_CATALOG")]
    catalog: Option<PathBuf>,
    #[command(flatten)]
    keys: Keys,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ModeArg {
    Test,
    Live,
}

impl From<ModeArg> for Mode {
    fn from(mode: ModeArg) -> Self {
        match mode {
            ModeArg::Test => Mode::Test,
            ModeArg::Live => Mode::Live,
        }
    }
}

pub async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Keys { action } => keys(action).await,
        Command::Catalog {
            action: CatalogAction::Import { file, database },
        } => import_catalog(&file, &database).await,
        Command::Hash(args) => hash(args).await,
        Command::Sessions {
            action: SessionsAction::Create(args),
        } => create_session(args).await,
        Command::Sessions {
            action: SessionsAction::Revoke(args),
        } => revoke::revoke(args).await,
        Command::Migrate(args) => migrate::migrate(args).await,
    }
}

fn config(database: &Database, keys: Keys) -> Config {
    Config {
        database: database.database.clone(),
        catalog: None,
        assets_dir: None,
        test_secret_key: keys.test_secret_key,
        live_secret_key: keys.live_secret_key,
        session_ttl: SignedDuration::from_hours(1),
        public_url: None,
        provider: Default::default(),
        rate_limits: Default::default(),
    }
}

async fn serve(args: Serve) -> Result<(), String> {
    let config = Config {
        catalog: args.catalog,
        assets_dir: Some(args.assets),
        session_ttl: SignedDuration::from_secs(i64::from(args.session_ttl)),
        public_url: args.public_url,
        provider: args.stripe.provider()?,
        rate_limits: args.limits.config(),
        ..config(&args.database, args.keys)
    };
    let ctx = context(&config, Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    tracing::info!("portico listening on http://{}", args.listen);
    portico_server::serve(listener, ctx)
        .await
        .map_err(|e| e.to_string())
}

async fn open(database: &Database) -> Result<Store, String> {
    Store::open(&database.database)
        .await
        .map_err(|e| format!("database: {e}"))
}

fn now() -> i64 {
    SystemClock.now().as_second()
}

async fn keys(action: KeysAction) -> Result<(), String> {
    match action {
        KeysAction::Show(database) => {
            let store = open(&database).await?;
            let keys = portico_server::keys(&store, &config(&database, no_keys()), now())
                .await
                .map_err(|e| e.to_string())?;
            println!("test: {}", keys.test.expose());
            println!("live: {}", keys.live.expose());
            for var in ["PORTICO_TEST_SECRET_KEY", "PORTICO_LIVE_SECRET_KEY"] {
                if std::env::var_os(var).is_some() {
                    eprintln!("portico: {var} is set: `serve` uses it instead of the stored key");
                }
            }
            Ok(())
        }
        KeysAction::Rotate { mode, database } => {
            let store = open(&database).await?;
            let mode = Mode::from(mode);
            // Every session of the mode was opened with a hash of the old key: they end.
            let key = portico_server::rotate_secret_key(&store, &database.database, mode, now())
                .await
                .map_err(|e| e.to_string())?;
            println!("{}", key.expose());
            eprintln!(
                "portico: the {} key is replaced and its sessions ended. Hashes made with the \
                 old key no longer verify; update your backend and restart running servers.",
                mode.name()
            );
            Ok(())
        }
    }
}

fn no_keys() -> Keys {
    Keys {
        test_secret_key: None,
        live_secret_key: None,
    }
}

async fn import_catalog(file: &PathBuf, database: &Database) -> Result<(), String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let catalog = Catalog::from_toml(&text).map_err(|e| e.to_string())?;
    let store = open(database).await?;
    store
        .import_catalog(&text, now())
        .await
        .map_err(|e| format!("database: {e}"))?;
    let services: Vec<String> = catalog.services().map(|s| s.name.to_string()).collect();
    eprintln!(
        "portico: imported {} with services {}; `portico serve` without --catalog uses it",
        file.display(),
        services.join(", ")
    );
    Ok(())
}

async fn hash(args: HashArgs) -> Result<(), String> {
    let customer = CustomerRef::from_parts(
        args.identity.email.as_deref(),
        args.identity.customer_id.as_deref(),
    )
    .map_err(|e| e.to_string())?;
    let store = open(&args.database).await?;
    let keys = portico_server::keys(&store, &config(&args.database, args.keys), now())
        .await
        .map_err(|e| e.to_string())?;
    // The server accepts either form of an email; the normalized one is canonical.
    let message = match &customer {
        CustomerRef::Email(email) => email.normalized(),
        CustomerRef::CustomerId(id) => id.clone(),
    };
    println!("{}", sign(keys.for_mode(args.mode.into()), &message));
    Ok(())
}

async fn create_session(args: SessionArgs) -> Result<(), String> {
    let config = Config {
        catalog: args.catalog,
        ..config(&args.database, args.keys)
    };
    let ctx = context(&config, Arc::new(SystemClock))
        .await
        .map_err(|e| e.to_string())?;
    let params = SessionParams {
        customer: Some(args.customer),
        configuration: args.configuration,
        return_url: args.return_url,
        service: args.service,
        locale: args.locale.map_or(Field::Absent, Field::Set),
        ..SessionParams::default()
    };
    let auth = SecretKeyAuth {
        mode: args.mode.into(),
    };
    let session = open_portal_session(&ctx, auth, params, args.public_url.trim_end_matches('/'))
        .await
        .map_err(|error| match error.client_body() {
            Some((_, body)) => body.error.message,
            None => "something went wrong; see the log".to_owned(),
        })?;
    println!("{}", session.url);
    eprintln!(
        "portico: session {} for {}; the URL opens once, within five minutes",
        session.id, session.customer
    );
    Ok(())
}
