//! The `portico` binary's commands, run as a self-hoster runs them.

#[path = "cli/crash.rs"]
mod crash;
#[path = "cli/crash_checks.rs"]
mod crash_checks;
#[path = "cli/keys.rs"]
mod keys;
#[path = "cli/migrate.rs"]
mod migrate;
#[path = "cli/revoke.rs"]
mod revoke;
#[path = "cli/serve.rs"]
mod serve;
#[path = "cli/serve_provider.rs"]
mod serve_provider;

use jiff::SignedDuration;
use portico_server::clock::SystemClock;
use portico_server::{Config, context, spawn};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

const CATALOG: &str = include_str!("../../demo-host/catalog.toml");

fn portico(database: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(args)
        .arg("--database")
        .arg(database)
        .env_remove("PORTICO_TEST_SECRET_KEY")
        .env_remove("PORTICO_LIVE_SECRET_KEY")
        .env_remove("PORTICO_CATALOG")
        .env_remove("PORTICO_PUBLIC_URL")
        .output()
        .expect("run portico")
}

/// A server in this process over `database` (its stored keys), with `catalog`
/// or the imported one; its base URL.
async fn serve_in_process(database: &Path, catalog: Option<std::path::PathBuf>) -> String {
    let config = Config {
        database: database.display().to_string(),
        catalog,
        assets_dir: None,
        test_secret_key: None,
        live_secret_key: None,
        session_ttl: SignedDuration::from_hours(1),
        public_url: None,
        provider: Default::default(),
        rate_limits: Default::default(),
    };
    let ctx = context(&config, Arc::new(SystemClock))
        .await
        .expect("context");
    let addr = spawn("127.0.0.1:0".parse().unwrap(), ctx).await.unwrap();
    format!("http://{addr}")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stored_key(database: &Path, mode: &str) -> String {
    let shown = stdout(&portico(database, &["keys", "show"]));
    shown
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{mode}: ")))
        .unwrap()
        .to_owned()
}

#[test]
fn keys_are_shown_and_rotated() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("portico.db");
    let (test, live) = (stored_key(&database, "test"), stored_key(&database, "live"));
    assert!(test.starts_with("sk_test_") && live.starts_with("sk_live_"));
    // Showing again shows the same keys: they were generated once.
    assert_eq!(stored_key(&database, "test"), test);
    let rotated = stdout(&portico(&database, &["keys", "rotate", "--mode", "test"]));
    let rotated = rotated.trim();
    assert!(rotated.starts_with("sk_test_") && rotated != test);
    assert_eq!(stored_key(&database, "test"), rotated);
    assert_eq!(
        stored_key(&database, "live"),
        live,
        "the other mode keeps its key"
    );
}

/// Keys for `hash`, given on its command line, so the expected hashes are
/// literals worked out once with openssl (each command is beside its value).
const TEST_KEY: &str = "sk_test_cli-tests-fixture";
const LIVE_KEY: &str = "sk_live_cli-tests-fixture";

#[test]
fn hash_prints_what_the_embed_needs() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("portico.db");
    let live = ["--mode", "live", "--live-secret-key", LIVE_KEY];
    // The email is trimmed and lowercased before it is signed:
    // printf '%s' 'ada@example.com' | openssl dgst -sha256 -hmac 'sk_live_cli-tests-fixture'
    let printed = stdout(&portico(
        &database,
        &[&["hash", "--email", " Ada@Example.com"][..], &live].concat(),
    ));
    assert_eq!(
        printed.trim(),
        "a7a74a3c49368362bb5190511c5ec108c8bcfb00e5583669db6e1b181f0bdf94"
    );
    // printf '%s' 'user_42' | openssl dgst -sha256 -hmac 'sk_live_cli-tests-fixture'
    let printed = stdout(&portico(
        &database,
        &[&["hash", "--customer-id", "user_42"][..], &live].concat(),
    ));
    assert_eq!(
        printed.trim(),
        "51afa84e231d57f5e5178d6eaae6f835e6b509ee2748c7327bcee37fbe755320"
    );
    // Test mode is the default, and its key may come from the environment:
    // printf '%s' 'ada@example.com' | openssl dgst -sha256 -hmac 'sk_test_cli-tests-fixture'
    let from_env = Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(["hash", "--email", "ada@example.com", "--database"])
        .arg(&database)
        .env("PORTICO_TEST_SECRET_KEY", TEST_KEY)
        .output()
        .unwrap();
    assert_eq!(
        stdout(&from_env).trim(),
        "eb215e7d46889ffc22e7b1bddd01298f276ab2ca54ab1df7a675ce5600c9d5c2"
    );
    // Exactly one identity; a bad email is named.
    assert!(!portico(&database, &["hash"]).status.success());
    let bad = portico(&database, &["hash", "--email", "not-an-email"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("email"));
}

#[tokio::test]
async fn an_imported_catalog_is_served_and_sessions_are_created_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("portico.db");
    // A broken catalog is refused, naming the key; nothing is imported.
    let broken = dir.path().join("broken.toml");
    std::fs::write(
        &broken,
        CATALOG.replace("product = \"seats\"", "product = \"sets\""),
    )
    .unwrap();
    let refused = portico(&database, &["catalog", "import", broken.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("`sets` is not a product"));
    let file = dir.path().join("catalog.toml");
    std::fs::write(&file, CATALOG).unwrap();
    stdout(&portico(
        &database,
        &["catalog", "import", file.to_str().unwrap()],
    ));

    // A server with no catalog file serves the imported one.
    let base = serve_in_process(&database, None).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let session: serde_json::Value = client
        .post(format!("{base}/v1/embed/sessions"))
        .json(&serde_json::json!({"service": "acme", "email": "ada@example.com"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = session["token"].as_str().unwrap();
    let card = serde_json::json!({"number": "4242424242424242", "exp_month": 12, "exp_year": 2035, "cvc": "123"});
    client
        .post(format!("{base}/v1/embed/payment_methods"))
        .header("x-session-token", token)
        .json(&card)
        .send()
        .await
        .unwrap();
    let created: serde_json::Value = client
        .post(format!("{base}/v1/embed/subscriptions"))
        .header("x-session-token", token)
        .json(&serde_json::json!({"plan": "starter"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let customer = created["subscription"]["customer"]
        .as_str()
        .unwrap()
        .to_owned();

    let args = [
        "sessions",
        "create",
        "--customer",
        &customer,
        "--public-url",
        &base,
        "--return-url",
        "https://acme.test/account",
    ];
    let url = stdout(&portico(&database, &args)).trim().to_owned();
    assert!(url.starts_with(&format!("{base}/p/session/bpl_")), "{url}");
    let opened = client.get(&url).send().await.unwrap();
    // Logged in: the page that moves on to `/p/portal`, with the session cookie.
    assert_eq!(opened.status(), 200);
    assert!(opened.headers().contains_key("set-cookie"));
    // An unknown customer is refused with the API's message.
    let refused = portico(&database, &["sessions", "create", "--customer", "cus_nope"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("No such customer: 'cus_nope'"));
}
