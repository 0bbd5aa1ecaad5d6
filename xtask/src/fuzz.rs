//! `cargo xtask fuzz [SECONDS]`: each libFuzzer target of `server/fuzz/` for SECONDS
//! (default 60), one after the other, then a table of executions and crashes.
//!
//! No nightly toolchain can be fetched here, so cargo fuzz runs on the stable one
//! with `RUSTC_BOOTSTRAP=1` (it needs `-Zsanitizer`). Each run starts from the
//! committed seeds (`server/fuzz/corpus/<target>/`, never written to) and from what
//! earlier runs found (`target/fuzz-corpus/<target>/`, where new inputs go); a crash
//! leaves its input in `target/fuzz-artifacts/<target>/` and fails the command.

use crate::util::{Result, command, output, root, run};
use std::time::Instant;

/// The cargo-fuzz this project runs, installed from crates.io unless
/// `cargo fuzz --version` already names it.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

pub fn run_all(args: &[String]) -> Result {
    let seconds: u64 = match args.first() {
        None => 60,
        Some(text) => text
            .parse()
            .ok()
            .filter(|&s| s > 0)
            .ok_or_else(|| format!("SECONDS must be a positive number, not `{text}`"))?,
    };
    cargo_fuzz()?;
    let targets = targets()?;
    let mut results = Vec::new();
    for target in &targets {
        println!("\n==> fuzz {target} for {seconds} s");
        results.push(fuzz(target, seconds)?);
    }
    println!(
        "\n{:<18} {:>8} {:>14} {:>10} {:>8}",
        "target", "seconds", "executions", "exec/s", "crashes"
    );
    for result in &results {
        println!(
            "{:<18} {:>8} {:>14} {:>10} {:>8}",
            result.target,
            result.seconds,
            result.executions,
            result.executions / result.seconds.max(1),
            u8::from(result.crashed),
        );
    }
    let crashed: Vec<&str> = results
        .iter()
        .filter(|r| r.crashed)
        .map(|r| r.target.as_str())
        .collect();
    if crashed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "crashes in {}: inputs in target/fuzz-artifacts/",
            crashed.join(", ")
        ))
    }
}

fn cargo_fuzz() -> Result {
    let installed = output("cargo", &["fuzz", "--version"])
        .is_some_and(|version| version.contains(CARGO_FUZZ_VERSION));
    if installed {
        println!("    ok: cargo-fuzz {CARGO_FUZZ_VERSION}");
        return Ok(());
    }
    println!("    installing cargo-fuzz {CARGO_FUZZ_VERSION} (crates.io)");
    run(command("cargo").args([
        "install",
        "--locked",
        "cargo-fuzz",
        "--version",
        CARGO_FUZZ_VERSION,
    ]))
}

/// The fuzz binaries, by their source files.
fn targets() -> Result<Vec<String>> {
    let dir = root().join("server/fuzz/fuzz_targets");
    let mut targets: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            name.strip_suffix(".rs").map(str::to_owned)
        })
        .collect();
    targets.sort();
    Ok(targets)
}

#[derive(Debug)]
struct Outcome {
    target: String,
    seconds: u64,
    executions: u64,
    crashed: bool,
}

fn fuzz(target: &str, seconds: u64) -> Result<Outcome> {
    let found = root().join("target/fuzz-corpus").join(target);
    let artifacts = root().join("target/fuzz-artifacts").join(target);
    for dir in [&found, &artifacts] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let seeds = root().join("server/fuzz/corpus").join(target);
    let started = Instant::now();
    let out = command("cargo")
        .env("RUSTC_BOOTSTRAP", "1")
        .args(["fuzz", "run", "--fuzz-dir", "server/fuzz", "--target-dir"])
        .arg(root().join("target/fuzz"))
        .arg(target)
        .arg(&found)
        .arg(&seeds)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .args(["-print_final_stats=1", "-rss_limit_mb=2048", "-timeout=10"])
        .output()
        .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
    let log = String::from_utf8_lossy(&out.stderr);
    let log_file = root()
        .join("target/fuzz-artifacts")
        .join(format!("{target}.log"));
    std::fs::write(&log_file, log.as_bytes())
        .map_err(|e| format!("{}: {e}", log_file.display()))?;
    let executions = log
        .lines()
        .find_map(|line| line.strip_prefix("stat::number_of_executed_units:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    // libFuzzer writes the input of a crash, a leak, a timeout or an out-of-memory
    // to the artifact prefix and says so; any other failure is the build's or ours.
    let crashed = log.contains("Test unit written to");
    if !out.status.success() && !crashed {
        return Err(format!(
            "cargo fuzz run {target} failed without a crash ({}); log: {}",
            out.status,
            log_file.display()
        ));
    }
    if crashed {
        let tail: Vec<&str> = log.lines().rev().take(40).collect();
        for line in tail.into_iter().rev() {
            eprintln!("    {line}");
        }
    }
    println!(
        "    {executions} executions in {:.0?}{}; log: {}",
        started.elapsed(),
        if crashed { ", CRASHED" } else { ", no crash" },
        log_file.display()
    );
    Ok(Outcome {
        target: target.to_owned(),
        seconds,
        executions,
        crashed,
    })
}
