//! Schemathesis (PyPI, in `tools/venv`) against `/openapi.json`: property-based
//! requests to every operation, valid and invalid, once with the test key, once
//! with the live key and once with a widget session. No answer may be a server
//! error, and every answer must match what the document says of it (status code,
//! content type, body schema). A bounded number of examples per operation and a
//! fixed seed keep the run short and repeatable.

use crate::helpers::{HOST_ORIGIN, LIVE_KEY, TEST_KEY, TestApp, spawn_app};
use crate::portal_sessions::customer;
use serde_json::json;
use std::path::PathBuf;

const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance";
const EXAMPLES_PER_OPERATION: &str = "25";
const SEED: &str = "20261207";

/// Runs schemathesis with `headers` on the operations `include` matches; its
/// warnings and summary, or the whole output when it found a failure.
async fn schemathesis(
    app: &TestApp,
    name: &str,
    headers: &[String],
    include: &str,
    config: &std::path::Path,
) -> String {
    let program = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tools/venv/bin/schemathesis");
    assert!(
        program.is_file(),
        "{} is missing: run `cargo xtask setup`, which installs it",
        program.display()
    );
    let reports = tempfile::tempdir().unwrap();
    let mut command = tokio::process::Command::new(&program);
    command
        .arg("--config-file")
        .arg(config)
        .arg("run")
        .arg(app.url("/openapi.json"))
        .args(["--checks", CHECKS])
        .args(["--max-examples", EXAMPLES_PER_OPERATION])
        .args(["--seed", SEED])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--include-path-regex", include])
        // One worker: the server keeps state, so the order of requests matters.
        .args(["--workers", "1", "--no-color", "--request-timeout", "20"])
        .args(["--generation-database", "none"])
        .arg("--report-dir")
        .arg(reports.path())
        // Its caches go there too, not into the source tree.
        .current_dir(reports.path())
        .kill_on_drop(true);
    for header in headers {
        command.args(["-H", header]);
    }
    let out = command.output().await.expect("schemathesis runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "schemathesis ({name}) found failures:\n{stdout}\n{stderr}"
    );
    let summary: Vec<&str> = stdout
        .lines()
        .skip_while(|line| !line.contains("WARNINGS"))
        .collect();
    println!("schemathesis ({name}):\n{}", summary.join("\n"));
    stdout.into_owned()
}

/// The first number on the summary's line that starts with `label` (`Tested: 20`).
fn count(summary: &str, label: &str) -> usize {
    summary
        .lines()
        .skip_while(|line| !line.contains("SUMMARY"))
        .find(|line| line.trim_start().starts_with(label))
        .and_then(|line| {
            line.split(|c: char| !c.is_ascii_digit())
                .find(|part| !part.is_empty())
        })
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error_and_no_answer_off_its_schema() {
    let app = spawn_app().await;
    // Objects to find, so that the answers are not all 404s.
    let (ada, subscription, session) = customer(&app, json!({"email": "ada@example.com"})).await;
    let invoices = app.get_json("/v1/embed/invoices", &session).await;
    let invoice = invoices[0]["id"].as_str().unwrap().to_owned();
    let wallet: serde_json::Value = app
        .admin(
            TEST_KEY,
            reqwest::Method::POST,
            "/v1/wallets",
            Some(json!({"customer": "ada@example.com", "currency": "usd"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let wallet = wallet["id"].as_str().unwrap();
    // Real ids for the path parameters, or nearly every answer is a 404.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("schemathesis.toml");
    std::fs::write(
        &config,
        format!(
            r#"
[[operations]]
include-path-regex = "^/v1/wallets/{{id}}"
parameters = {{ "path.id" = "{wallet}" }}

[[operations]]
include-path-regex = "^/v1/(embed/)?invoices/{{id}}"
parameters = {{ "path.id" = "{invoice}" }}

[[operations]]
include-path-regex = "^/v1/embed/subscriptions/{{id}}"
parameters = {{ "path.id" = "{subscription}" }}

[[operations]]
include-path-regex = "^/v1/customers/portal/"
parameters = {{ "path.external_id" = "{ada}" }}
"#
        ),
    )
    .unwrap();
    let admin = "^/v1/(?!embed/)|^/(health|openapi\\.json|portico\\.js|p/)";
    let runs = [
        (
            "test key",
            vec![format!("Authorization: Bearer {TEST_KEY}")],
            admin,
        ),
        (
            "live key",
            vec![format!("Authorization: Bearer {LIVE_KEY}")],
            admin,
        ),
        (
            "widget session",
            vec![
                format!("x-session-token: {session}"),
                format!("Origin: {HOST_ORIGIN}"),
            ],
            "^/v1/embed/",
        ),
    ];
    for (name, headers, include) in runs {
        let summary = schemathesis(&app, name, &headers, include, &config).await;
        let operations = count(&summary, "Tested:");
        assert!(
            operations >= 5,
            "schemathesis ({name}) tested the operations:\n{summary}"
        );
    }
}
