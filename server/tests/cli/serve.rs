//! `portico serve`, spawned as a self-hoster runs it: every setting given once as
//! flags and once as environment variables, and each one seen to take effect over
//! HTTP (a server that ignored one would answer differently).

use jiff::Timestamp;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const TEST_KEY: &str = "sk_test_cli-tests-fixture";
const LIVE_KEY: &str = "sk_live_cli-tests-fixture";
/// `printf '%s' 'ada@example.com' | openssl dgst -sha256 -hmac 'sk_live_cli-tests-fixture'`
const ADA_LIVE_HASH: &str = "a7a74a3c49368362bb5190511c5ec108c8bcfb00e5583669db6e1b181f0bdf94";
const PUBLIC_URL: &str = "https://billing.example.test";
const SESSION_TTL: i64 = 120;
const LOADER_MARKER: &str = "// the loader from the --assets directory";

const CATALOG: &str = r#"
products = [{ id = "app", name = "App" }]

[[plans]]
id = "solo"
name = "Solo"
currency = "usd"
interval = "month"
items = [{ product = "app", unit_amount = 700 }]

[[services]]
name = "serve-test"
mode = "test"
allowed_origins = ["https://app.example.com"]
plans = ["solo"]

[[services]]
name = "serve-live"
mode = "live"
allowed_origins = ["https://app.example.com"]
plans = ["solo"]
"#;

#[derive(Clone, Copy, Debug)]
pub enum Via {
    Flags,
    Environment,
}

/// One setting: its flag, its environment variable, its value.
pub type Setting = (&'static str, &'static str, String);

/// A running `portico serve`, stopped on drop.
pub struct Served {
    pub base: String,
    child: Child,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `portico serve` with `settings` given `via` flags or the environment, none
/// inherited from the caller's environment; its log goes to `log`.
pub fn command(via: Via, settings: &[Setting], log: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portico"));
    command
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap());
    for (name, _) in std::env::vars() {
        if name.starts_with("PORTICO_") || name.starts_with("STRIPE_") {
            command.env_remove(name);
        }
    }
    for (flag, var, value) in settings {
        match via {
            Via::Flags => command.arg(flag).arg(value),
            Via::Environment => command.env(var, value),
        };
    }
    command
}

/// Starts the server on a free port (given like the other settings) and waits
/// until it answers there.
pub async fn serve(via: Via, dir: &Path, mut settings: Vec<Setting>) -> Served {
    let port = free_port();
    settings.push(("--listen", "PORTICO_LISTEN", format!("127.0.0.1:{port}")));
    let log = dir.join("serve.log");
    let mut served = Served {
        base: format!("http://127.0.0.1:{port}"),
        child: command(via, &settings, &log)
            .spawn()
            .expect("start portico serve"),
    };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Some(status) = served.child.try_wait().unwrap() {
            let log = std::fs::read_to_string(&log).unwrap();
            panic!("portico serve ({via:?}) exited with {status}: {log}");
        }
        if client
            .get(format!("{}/portico.js", served.base))
            .send()
            .await
            .is_ok()
        {
            return served;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("portico serve ({via:?}) did not answer on port {port}");
}

/// Runs a `serve` that must refuse to start; what it printed. A server that
/// starts anyway is stopped after ten seconds and fails the test.
pub async fn refused(via: Via, dir: &Path, settings: &[Setting]) -> String {
    let log = dir.join("refused.log");
    let mut child = command(via, settings, &log).spawn().unwrap();
    for _ in 0..200 {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(!status.success(), "{via:?} {settings:?}");
            return std::fs::read_to_string(&log).unwrap();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("{via:?} {settings:?}: serve started instead of refusing");
}

/// A `dist/` stand-in whose loader carries a marker the test looks for.
pub fn assets(dir: &Path) -> String {
    let dist = dir.join("dist");
    std::fs::create_dir(&dist).unwrap();
    let files: [(&str, &[u8]); 4] = [
        ("portico.js", LOADER_MARKER.as_bytes()),
        ("portico-widget.js", b"export default function init() {}"),
        ("portico-widget_bg.wasm", b"\0asm\x01\0\0\0"),
        ("portico.css", b":host { display: block; }"),
    ];
    for (name, bytes) in files {
        std::fs::write(dist.join(name), bytes).unwrap();
    }
    dist.display().to_string()
}

pub fn file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

pub async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Every setting of the built-in engine, `via` flags or the environment.
async fn every_local_setting_takes_effect(via: Via) {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("chosen.db").display().to_string();
    let catalog = file(dir.path(), "catalog.toml", CATALOG);
    let server = serve(
        via,
        dir.path(),
        vec![
            ("--database", "PORTICO_DATABASE", database.clone()),
            ("--catalog", "PORTICO_CATALOG", catalog.clone()),
            ("--assets", "PORTICO_ASSETS", assets(dir.path())),
            (
                "--test-secret-key",
                "PORTICO_TEST_SECRET_KEY",
                TEST_KEY.into(),
            ),
            (
                "--live-secret-key",
                "PORTICO_LIVE_SECRET_KEY",
                LIVE_KEY.into(),
            ),
            (
                "--session-ttl",
                "PORTICO_SESSION_TTL",
                SESSION_TTL.to_string(),
            ),
            ("--public-url", "PORTICO_PUBLIC_URL", PUBLIC_URL.into()),
            ("--provider", "PORTICO_PROVIDER", "local".into()),
        ],
    )
    .await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = |path: &str| format!("{}{path}", server.base);

    let (status, loader) = send(client.get(url("/portico.js"))).await;
    assert_eq!(status, 200, "{via:?}");
    assert_eq!(loader, LOADER_MARKER, "{via:?}: the loader from --assets");

    // The session lives --session-ttl seconds.
    let before = Timestamp::now().as_second();
    let (status, session) = send(
        client
            .post(url("/v1/embed/sessions"))
            .json(&json!({"service": "serve-test", "email": "ada@example.com"})),
    )
    .await;
    let after = Timestamp::now().as_second();
    assert_eq!(status, 201, "{via:?}: {session}");
    let expires_at = session["expires_at"].as_i64().unwrap();
    assert!(
        (before + SESSION_TTL..=after + SESSION_TTL).contains(&expires_at),
        "{via:?}: expires_at {expires_at}, created between {before} and {after}"
    );
    let token = session["token"].as_str().unwrap();

    // The portal shows the --catalog file's plans, with the built-in card form.
    let (status, portal) = send(
        client
            .get(url("/v1/embed/portal"))
            .header("x-session-token", token),
    )
    .await;
    assert_eq!(status, 200, "{via:?}: {portal}");
    assert_eq!(portal["plans"][0]["id"], "solo", "{via:?}");
    assert_eq!(
        portal["card_entry"]["kind"], "builtin",
        "{via:?}: --provider local"
    );

    // A live session is accepted with a hash made with --live-secret-key only.
    let (status, _) = send(client.post(url("/v1/embed/sessions")).json(
        &json!({"service": "serve-live", "email": "ada@example.com", "hash": ADA_LIVE_HASH}),
    ))
    .await;
    assert_eq!(status, 201, "{via:?}: the live hash");

    // The admin API takes the configured keys, each for its mode, and nothing else.
    let configurations = url("/v1/billing_portal/configurations");
    for (key, status, livemode) in [(TEST_KEY, 200, false), (LIVE_KEY, 200, true)] {
        let (got, list) = send(client.get(&configurations).bearer_auth(key)).await;
        assert_eq!(got, status, "{via:?}: {key}");
        assert_eq!(list["data"][0]["livemode"], livemode, "{via:?}: {key}");
    }
    let wrong = "sk_test_some-other-key-entirely";
    assert_eq!(
        send(client.get(&configurations).bearer_auth(wrong)).await.0,
        401,
        "{via:?}"
    );

    // A signup makes the customer; the admin API's session link is on --public-url.
    let (status, created) = send(
        client
            .post(url("/v1/embed/subscriptions"))
            .header("x-session-token", token)
            .json(&json!({"plan": "solo"})),
    )
    .await;
    assert_eq!(status, 201, "{via:?}: {created}");
    let customer = created["subscription"]["customer"].as_str().unwrap();
    let (status, link) = send(
        client
            .post(url("/v1/billing_portal/sessions"))
            .bearer_auth(TEST_KEY)
            .json(&json!({"customer": customer})),
    )
    .await;
    assert_eq!(status, 200, "{via:?}: {link}");
    let link = link["url"].as_str().unwrap();
    assert!(
        link.starts_with(&format!("{PUBLIC_URL}/p/session/")),
        "{via:?}: {link}"
    );

    // The server keeps its data in --database: a link the command line writes into
    // that file opens on the server.
    let output = Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(["sessions", "create", "--customer", customer])
        .args([
            "--database",
            &database,
            "--catalog",
            &catalog,
            "--public-url",
            &server.base,
        ])
        .env_remove("PORTICO_TEST_SECRET_KEY")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let written = String::from_utf8(output.stdout).unwrap();
    let (status, _) = send(client.get(written.trim())).await;
    // Logged in (the page that moves on to `/p/portal`).
    assert_eq!(status, 200, "{via:?}: {written}");
}

#[tokio::test]
async fn serve_takes_each_setting_as_a_flag() {
    every_local_setting_takes_effect(Via::Flags).await;
}

#[tokio::test]
async fn serve_takes_each_setting_from_the_environment() {
    every_local_setting_takes_effect(Via::Environment).await;
}
