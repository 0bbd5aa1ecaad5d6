//! Running commands, with the project's tools first on PATH.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub type Result<T = (), E = String> = std::result::Result<T, E>;

/// The workspace root (xtask lives one level below it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

pub fn dist() -> PathBuf {
    root().join("dist")
}

/// `tools/node_modules/.bin` (wasm-opt) and cargo's bin directory (wasm-split-cli,
/// wasm-bindgen) ahead of the inherited PATH.
pub fn path_env() -> String {
    let cargo_bin = cargo_home().join("bin");
    let node_bin = root().join("tools/node_modules/.bin");
    let inherited = std::env::var("PATH").unwrap_or_default();
    format!("{}:{}:{inherited}", node_bin.display(), cargo_bin.display())
}

/// `CARGO_HOME`, or `~/.cargo`.
pub fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_default()
}

pub fn command(program: &str) -> Command {
    let mut command = Command::new(program);
    command.current_dir(root()).env("PATH", path_env());
    command
}

/// Runs a command to completion, inheriting stdio; fails on a non-zero exit.
pub fn run(command: &mut Command) -> Result {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed with {status}"))
    }
}

/// Runs a command and returns its stdout, or `None` if it cannot run or fails.
pub fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = command(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

pub fn cargo(args: &[&str]) -> Result {
    cargo_with_env(args, &[])
}

pub fn cargo_with_env(args: &[&str], env: &[(String, String)]) -> Result {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = command(&cargo);
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    run(&mut command)
}

/// What the browser tests need to find the build and the browser.
pub fn test_env() -> Vec<(String, String)> {
    vec![
        ("PORTICO_DIST".into(), dist().display().to_string()),
        ("CHROMEDRIVER".into(), crate::setup::CHROMEDRIVER.into()),
        ("CHROMIUM".into(), crate::setup::CHROMIUM.into()),
    ]
}

/// Prints a heading, runs the step, and reports how long it took.
pub fn step(name: &str, f: impl FnOnce() -> Result) -> Result {
    println!("\n==> {name}");
    let started = Instant::now();
    let result = f();
    match &result {
        Ok(()) => println!("==> {name}: ok ({:.1?})", started.elapsed()),
        Err(_) => println!("==> {name}: FAILED ({:.1?})", started.elapsed()),
    }
    result.map_err(|e| format!("{name}: {e}"))
}
