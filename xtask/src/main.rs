//! `cargo xtask demo | test | bench | fuzz | setup | sizes` — the project's whole set-up.
//! If `cargo xtask test` passes here, CI (`.ci/run`) passes.

mod bench;
mod demo;
mod fuzz;
mod postgres;
mod setup;
mod sizes;
mod util;
mod widget;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

  demo    install what is missing, build, and run the backend and the demo host
  test    install what is missing, then fmt, clippy, unit, integration, wasm and browser tests
  bench   measure the shipped widget and the widget API's latency
  fuzz [SECONDS]
          run each libFuzzer target of server/fuzz/ for SECONDS (default 60)
  setup   only install what is missing
  sizes   build the widget, print its shipped sizes and check them against budget.toml";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo::run(),
        Some("test") => test(),
        Some("bench") => bench::run(),
        Some("fuzz") => fuzz::run_all(&args[1..]),
        Some("setup") => setup::for_tests().map(drop),
        Some("sizes") => setup::all()
            .and_then(|()| widget::build())
            .and_then(sizes::check),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("\nxtask: {error}");
            ExitCode::FAILURE
        }
    }
}

fn test() -> util::Result {
    let started = std::time::Instant::now();
    let postgres_url = setup::for_tests()?;
    util::step("format", || util::cargo(&["fmt", "--all", "--check"]))?;
    util::step("clippy (native)", || {
        util::cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ])
    })?;
    util::step("clippy (wasm32)", || {
        util::cargo(&[
            "clippy",
            "--package",
            "portico-widget",
            "--package",
            "portico-wire",
            "--all-targets",
            "--target",
            "wasm32-unknown-unknown",
            "--locked",
            "--",
            "-D",
            "warnings",
        ])
    })?;
    let mut std = widget::Std::Rebuilt;
    util::step("build the widget", || {
        std = widget::build()?;
        Ok(())
    })?;
    // Before the long tests: a widget over its weight budget fails at once.
    sizes::check(std)?;
    let mut env = util::test_env();
    env.push((postgres::URL_VARIABLE.into(), postgres_url));
    util::step("unit, integration and browser tests", || {
        util::cargo_with_env(&["test", "--workspace", "--locked"], &env)
    })?;
    // The store's own tests, the API suite (with the three-server test) and the
    // crash tests (with the three-server one) once more, each test on a new
    // PostgreSQL database instead of a SQLite file.
    env.push(("PORTICO_TEST_DATABASE".into(), "postgres".into()));
    util::step("store, API and crash tests on PostgreSQL", || {
        let server_tests = ["test", "--package", "portico-server", "--locked"];
        let run = |args: &[&str]| util::cargo_with_env(&[&server_tests[..], args].concat(), &env);
        run(&["--lib", "--test", "api", "--", "--skip", "multi_server::"])?;
        // The several-server tests print their figures.
        run(&["--test", "api", "--", "multi_server::", "--nocapture"])?;
        run(&["--test", "cli", "--", "crash::", "migrate::", "--nocapture"])
    })?;
    util::step("wasm tests in headless Chromium", || {
        let mut env = util::test_env();
        env.push((
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER".into(),
            "wasm-bindgen-test-runner".into(),
        ));
        // One module, no split ones: the test runner serves no `__wasm_split.js`
        // (widget/src/on_demand.rs). `RUSTFLAGS` replaces `.cargo/config.toml`'s.
        env.push((
            "RUSTFLAGS".into(),
            "--cfg erase_components --cfg portico_unsplit".into(),
        ));
        util::cargo_with_env(
            &[
                "test",
                "--package",
                "portico-widget",
                "--target",
                "wasm32-unknown-unknown",
                "--locked",
            ],
            &env,
        )
    })?;
    println!(
        "\nxtask test: everything passed in {:.0?}",
        started.elapsed()
    );
    Ok(())
}
