//! `cargo xtask bench`: the widget's read endpoints under load, each as a ratio of
//! a bare axum hello-world built in the same profile and measured in the same run.
//!
//! wrk drives both on loopback with 64 connections: first the bare router, then the
//! server's `/health`, `GET /v1/embed/portal` (session check, the SQLite read, JSON),
//! `/v1/embed/invoices` and `/v1/embed/wallets`, for one customer with one
//! subscription. Reports requests per second, the ratio and p99; asserts nothing
//! about speed.

mod support;

use axum::routing::get;
use std::process::Command;
use support::{ORIGIN, sign};

const CONNECTIONS: &str = "64";
const SECONDS: &str = "8";

#[tokio::main]
async fn main() {
    if Command::new("wrk").arg("--version").output().is_err() {
        panic!("wrk is missing: `cargo xtask setup` installs it");
    }
    let bare = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let bare_addr = bare.local_addr().unwrap();
    let hello = axum::Router::new().route("/", get(|| async { "Hello, World!" }));
    tokio::spawn(async move { axum::serve(bare, hello).await });

    let server = support::spawn().await;
    let addr = server.addr;
    let (token, subscription_bytes) = customer_with_subscription(addr).await;

    println!(
        "read endpoints under load: wrk, {CONNECTIONS} connections, {SECONDS} s each, loopback; \
         one customer, one subscription ({subscription_bytes}-byte portal answer)"
    );
    println!(
        "    {:<34} {:>10} {:>9} {:>9} {:>9}",
        "endpoint", "req/s", "ratio", "p50", "p99"
    );
    let baseline = load(&format!("http://{bare_addr}/"), &[], CONNECTIONS);
    baseline.print("bare axum hello-world", baseline.requests_per_second);
    let headers = [
        format!("x-session-token: {token}"),
        format!("origin: {ORIGIN}"),
    ];
    let base = format!("http://{addr}");
    load(&format!("{base}/health"), &[], CONNECTIONS)
        .print("/health", baseline.requests_per_second);
    let portal = load(&format!("{base}/v1/embed/portal"), &headers, CONNECTIONS);
    portal.print("/v1/embed/portal", baseline.requests_per_second);
    for path in ["invoices", "wallets"] {
        let url = format!("{base}/v1/embed/{path}");
        load(&url, &headers, CONNECTIONS)
            .print(&format!("/v1/embed/{path}"), baseline.requests_per_second);
    }
    record_figure(&format!(
        "GET /v1/embed/portal, {CONNECTIONS} connections: {:.1}% of bare axum's requests/s \
         ({:.0} against {:.0}), p99 {} (bare axum {})",
        portal.requests_per_second / baseline.requests_per_second * 100.0,
        portal.requests_per_second,
        baseline.requests_per_second,
        portal.p99,
        baseline.p99
    ));
    let single = load(&format!("{base}/v1/embed/portal"), &headers, "1");
    single.print(
        "/v1/embed/portal, one connection",
        baseline.requests_per_second,
    );
}

/// Appends one line to the file `cargo xtask bench` summarizes at its end
/// (`PORTICO_BENCH_FIGURES`), if it is set.
fn record_figure(line: &str) {
    use std::io::Write;
    if let Some(path) = std::env::var_os("PORTICO_BENCH_FIGURES") {
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .expect("the figures file");
        writeln!(file, "{line}").expect("write a figure");
    }
}

/// A session for one customer who signed up to the demo's team plan; the token and
/// the size of the portal's answer.
async fn customer_with_subscription(addr: std::net::SocketAddr) -> (String, usize) {
    let email = "reader@example.com";
    let hash = sign(email);
    let client = reqwest::Client::new();
    let base = format!("http://{addr}/v1/embed");
    let session: serde_json::Value = client
        .post(format!("{base}/sessions"))
        .header("origin", ORIGIN)
        .json(&serde_json::json!({ "service": "acme", "email": email, "hash": hash }))
        .send()
        .await
        .expect("session")
        .json()
        .await
        .expect("json");
    let token = session["token"].as_str().expect("token").to_owned();
    let signup = client
        .post(format!("{base}/subscriptions"))
        .header("origin", ORIGIN)
        .header("x-session-token", &token)
        .json(&serde_json::json!({ "plan": "team", "quantity": 3 }))
        .send()
        .await
        .expect("signup");
    assert_eq!(signup.status(), 201);
    let portal = client
        .get(format!("{base}/portal"))
        .header("origin", ORIGIN)
        .header("x-session-token", &token)
        .send()
        .await
        .expect("portal");
    assert_eq!(portal.status(), 200);
    let size = portal.bytes().await.expect("body").len();
    (token, size)
}

#[derive(Debug)]
struct Load {
    requests_per_second: f64,
    p50: String,
    p99: String,
    errors: bool,
}

impl Load {
    fn print(&self, label: &str, baseline: f64) {
        let ratio = self.requests_per_second / baseline * 100.0;
        let errors = if self.errors {
            "  (non-2xx answers!)"
        } else {
            ""
        };
        println!(
            "    {label:<34} {:>10.0} {:>8.1}% {:>9} {:>9}{errors}",
            self.requests_per_second, ratio, self.p50, self.p99
        );
    }
}

/// Runs wrk against `url` and reads its summary.
fn load(url: &str, headers: &[String], connections: &str) -> Load {
    let threads = if connections == "1" { "1" } else { "2" };
    let mut command = Command::new("wrk");
    command.args([
        "-t",
        threads,
        "-c",
        connections,
        "-d",
        &format!("{SECONDS}s"),
        "--latency",
    ]);
    for header in headers {
        command.args(["-H", header]);
    }
    let out = command.arg(url).output().expect("wrk");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "wrk failed: {text}");
    let field = |prefix: &str| {
        text.lines()
            .find_map(|line| {
                line.trim()
                    .strip_prefix(prefix)
                    .map(|v| v.trim().to_owned())
            })
            .unwrap_or_else(|| panic!("no `{prefix}` in wrk's output:\n{text}"))
    };
    Load {
        requests_per_second: field("Requests/sec:").parse().expect("requests/sec"),
        p50: field("50%"),
        p99: field("99%"),
        errors: text.contains("Non-2xx"),
    }
}
