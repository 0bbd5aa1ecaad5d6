//! What the single-server benchmarks share: `portico` in this process on a fresh
//! SQLite file, with the demo catalog and loopback exempt from rate limits.
// Each benchmark is its own crate and uses only part of this.
#![allow(dead_code)]

use jiff::SignedDuration;
use portico_server::clock::SystemClock;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

pub const KEY: &str = "sk_test_bench0123456789abcdef";
/// The demo host's origin, which the demo catalog allows.
pub const ORIGIN: &str = "http://127.0.0.1:8081";

#[derive(Debug)]
pub struct BenchServer {
    pub addr: SocketAddr,
    /// The SQLite file.
    pub database: PathBuf,
    _dir: tempfile::TempDir,
}

/// A server on a loopback port, on a new SQLite file in a temporary directory.
pub async fn spawn() -> BenchServer {
    let dir = tempfile::tempdir().expect("temp dir");
    let catalog = dir.path().join("catalog.toml");
    std::fs::write(&catalog, include_str!("../../../demo-host/catalog.toml")).expect("catalog");
    let database = dir.path().join("bench.db");
    let config = portico_server::Config {
        database: database.display().to_string(),
        catalog: Some(catalog),
        assets_dir: None,
        test_secret_key: Some(KEY.into()),
        live_secret_key: None,
        session_ttl: SignedDuration::from_hours(1),
        public_url: None,
        provider: Default::default(),
        rate_limits: portico_server::http::RateLimitConfig {
            exempt_loopback: true,
            ..Default::default()
        },
    };
    let ctx = portico_server::context(&config, Arc::new(SystemClock))
        .await
        .expect("context");
    let addr = portico_server::spawn("127.0.0.1:0".parse().unwrap(), ctx)
        .await
        .expect("server");
    BenchServer {
        addr,
        database,
        _dir: dir,
    }
}

/// The identity `hash` for `message`, keyed with [`KEY`].
pub fn sign(message: &str) -> String {
    portico_server::auth::sign(&portico_server::auth::SecretKey::new(KEY.into()), message)
}
