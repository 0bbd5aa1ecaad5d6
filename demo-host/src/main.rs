use clap::Parser;
use portico_demo_host::{DemoConfig, DemoService};
use std::net::SocketAddr;

/// The demo SaaS page that embeds Portico.
#[derive(Debug, Parser)]
struct Args {
    #[arg(long, env = "DEMO_LISTEN", default_value = "127.0.0.1:8081")]
    listen: SocketAddr,
    /// Where Portico's backend runs.
    #[arg(long, env = "DEMO_BACKEND", default_value = "http://127.0.0.1:8080")]
    backend: String,
    /// `name=secret_key`, once per service the page offers; the first is the default.
    #[arg(
        long = "service",
        env = "DEMO_SERVICES",
        value_delimiter = ',',
        required = true
    )]
    services: Vec<String>,
    /// Create the scenario presets' customers in the first service (test mode).
    #[arg(long)]
    seed_presets: bool,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let mut services = Vec::new();
    for entry in &args.services {
        let Some((name, secret_key)) = entry.split_once('=') else {
            eprintln!("demo-host: --service takes `name=secret_key`, got `{entry}`");
            return std::process::ExitCode::FAILURE;
        };
        services.push(DemoService {
            name: name.to_owned(),
            secret_key: secret_key.to_owned(),
        });
    }
    if args.seed_presets
        && let Some(first) = services.first()
    {
        tokio::spawn(portico_demo_host::presets::seed_all(
            args.backend.clone(),
            first.name.clone(),
            format!("http://{}", args.listen),
            first.secret_key.clone(),
        ));
    }
    let app = portico_demo_host::app(DemoConfig {
        backend: args.backend,
        services,
    });
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("demo-host: cannot listen on {}: {error}", args.listen);
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("demo host on http://{}", args.listen);
    match axum::serve(listener, app).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("demo-host: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
