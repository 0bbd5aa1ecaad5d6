//! Installs what the build and the tests need, each step checking first so that a
//! machine that has everything passes through in well under a second.

use crate::util::{self, Result, command, output, root, run};
use std::time::Instant;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Cuts the widget's wasm at its `#[wasm_split]` points; the version that matches
/// `wasm_split_helpers` in Cargo.lock (crates.io, `wasm_split_cli_support`).
const WASM_SPLIT_VERSION: &str = "0.2.4";
const WASM_OPT_VERSION: &str = "version 132";
/// Must match `tools/package.json`.
const AXE_CORE_VERSION: &str = "4.14.1";
/// PyPI's OpenAPI validator, in the project's own virtualenv `tools/venv`.
const OPENAPI_VALIDATOR_VERSION: &str = "0.9.0";
/// The stateful fake Stripe the Stripe provider's tests run against (PyPI).
const LOCALSTRIPE_VERSION: &str = "1.15.10";
/// Property-based tests of the API from `/openapi.json` (PyPI).
const SCHEMATHESIS_VERSION: &str = "4.32.5";

pub fn all() -> Result {
    let started = Instant::now();
    println!("==> set-up");
    wasm_target()?;
    crate::widget::setup()?;
    wasm_split()?;
    wasm_bindgen()?;
    npm_tools()?;
    python_tools()?;
    chromium()?;
    poppler()?;
    println!("==> set-up: ok ({:.1?})", started.elapsed());
    Ok(())
}

/// [`all`], and the PostgreSQL the tests and benchmarks run on (the demo, on
/// SQLite, needs none): its URL.
pub fn for_tests() -> Result<String> {
    all()?;
    crate::postgres::ensure()
}

fn have(what: &str) {
    println!("    ok: {what}");
}

fn wasm_target() -> Result {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|t| t.trim() == "wasm32-unknown-unknown")
    {
        have("wasm32-unknown-unknown target");
        return Ok(());
    }
    println!("    installing the wasm32-unknown-unknown target");
    run(command("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn wasm_split() -> Result {
    let installed = cargo_installed("wasm_split_cli_support", WASM_SPLIT_VERSION);
    if installed && output("wasm-split-cli", &["--help"]).is_some() {
        have(&format!("wasm-split-cli {WASM_SPLIT_VERSION}"));
        return Ok(());
    }
    println!("    installing wasm-split-cli {WASM_SPLIT_VERSION} (about 3 minutes on 2 cores)");
    run(command("cargo").args([
        "install",
        "wasm_split_cli_support",
        "--version",
        WASM_SPLIT_VERSION,
        "--features",
        "build-binary",
        "--locked",
    ]))
}

/// Whether `cargo install` recorded `krate` at `version` (`~/.cargo/.crates.toml`).
fn cargo_installed(krate: &str, version: &str) -> bool {
    std::fs::read_to_string(util::cargo_home().join(".crates.toml"))
        .is_ok_and(|record| record.contains(&format!("\"{krate} {version} ")))
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(version) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(version.trim_end_matches('"').to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen".into())
}

fn wasm_bindgen() -> Result {
    let version = locked_wasm_bindgen()?;
    if output("wasm-bindgen", &["--version"]).is_some_and(|v| v.trim().ends_with(&version)) {
        have(&format!("wasm-bindgen-cli {version}"));
        return Ok(());
    }
    println!("    installing wasm-bindgen-cli {version} (a few minutes)");
    // Not --locked: its lockfile wants a crate version the registry here lacks.
    run(command("cargo").args([
        "install",
        "wasm-bindgen-cli",
        "--version",
        &version,
        "--force",
    ]))
}

/// The npm tools of `tools/package-lock.json`: binaryen's `wasm-opt` for the build,
/// axe-core for the browser tests' accessibility checks.
fn npm_tools() -> Result {
    let wasm_opt = root().join("tools/node_modules/.bin/wasm-opt");
    let version = output(&wasm_opt.display().to_string(), &["--version"]);
    let axe = std::fs::read_to_string(root().join("tools/node_modules/axe-core/package.json"))
        .is_ok_and(|manifest| manifest.contains(&format!("\"version\": \"{AXE_CORE_VERSION}\"")));
    if version.is_some_and(|v| v.contains(WASM_OPT_VERSION)) && axe {
        have(&format!(
            "wasm-opt {WASM_OPT_VERSION} (npm binaryen) and axe-core {AXE_CORE_VERSION}"
        ));
        return Ok(());
    }
    println!("    installing binaryen's wasm-opt and axe-core from npm (tools/package-lock.json)");
    run(command("npm").args(["ci", "--prefix", "tools", "--no-audit", "--no-fund"]))
}

/// `openapi-spec-validator` (for the test that validates `/openapi.json`),
/// `localstripe` (the Stripe peer) and `schemathesis` (the API's property-based
/// tests) from PyPI in `tools/venv`. Checked by their
/// installed metadata, so a pass takes no Python.
fn python_tools() -> Result {
    let venv = root().join("tools/venv");
    let installed = |marker: &str| {
        std::fs::read_dir(venv.join("lib"))
            .into_iter()
            .flatten()
            .flatten()
            .any(|python| python.path().join("site-packages").join(marker).is_dir())
    };
    let validator = installed(&format!(
        "openapi_spec_validator-{OPENAPI_VALIDATOR_VERSION}.dist-info"
    )) && venv.join("bin/openapi-spec-validator").is_file();
    let localstripe = installed(&format!("localstripe-{LOCALSTRIPE_VERSION}.dist-info"))
        && venv.join("bin/localstripe").is_file();
    let schemathesis = installed(&format!("schemathesis-{SCHEMATHESIS_VERSION}.dist-info"))
        && venv.join("bin/schemathesis").is_file();
    let tools = format!(
        "openapi-spec-validator {OPENAPI_VALIDATOR_VERSION}, localstripe {LOCALSTRIPE_VERSION} and schemathesis {SCHEMATHESIS_VERSION}"
    );
    if validator && localstripe && schemathesis {
        have(&format!("{tools} (tools/venv)"));
        return Ok(());
    }
    println!("    installing {tools} into tools/venv (PyPI)");
    run(command("python3").arg("-m").arg("venv").arg(&venv))?;
    run(command(&venv.join("bin/pip").display().to_string()).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        &format!("openapi-spec-validator=={OPENAPI_VALIDATOR_VERSION}"),
        &format!("localstripe=={LOCALSTRIPE_VERSION}"),
        &format!("schemathesis=={SCHEMATHESIS_VERSION}"),
    ]))
}

fn chromium() -> Result {
    if std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists() {
        have("chromium and chromedriver");
        return Ok(());
    }
    println!("    installing chromium and chromium-driver from Debian's packages");
    apt_install(&["chromium", "chromium-driver"])?;
    util::output(CHROMIUM, &["--version"])
        .map(|_| ())
        .ok_or_else(|| "chromium installed but does not run".into())
}

/// poppler's `pdftotext`, with which the tests read back the invoice PDFs.
fn poppler() -> Result {
    // `pdftotext -v` prints its version on stderr: that it runs is the check.
    if output("pdftotext", &["-v"]).is_some() {
        have("pdftotext (poppler-utils)");
        return Ok(());
    }
    println!("    installing poppler-utils from Debian's packages");
    apt_install(&["poppler-utils"])
}

/// wrk, the HTTP load generator `cargo xtask bench` measures the read endpoints
/// with (only the benchmarks need it).
pub fn wrk() -> Result {
    // `wrk --version` prints its version and exits 1: that it starts is the check.
    if command("wrk").arg("--version").output().is_ok() {
        have("wrk");
        return Ok(());
    }
    println!("    installing wrk from Debian's packages");
    apt_install(&["wrk"])
}

/// `apt-get update`, then installs `packages` (through sudo unless already root).
pub fn apt_install(packages: &[&str]) -> Result {
    let as_root = output("id", &["-u"]).is_some_and(|uid| uid.trim() == "0");
    let apt = |args: &[&str]| {
        if as_root {
            run(command("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive"))
        } else {
            run(command("sudo")
                .arg("apt-get")
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive"))
        }
    };
    apt(&["update"])?;
    let mut install = vec!["install", "-y", "--no-install-recommends"];
    install.extend_from_slice(packages);
    apt(&install)
}
