//! `cargo xtask bench`: the shipped widget's sizes, the read endpoints under load
//! against a bare axum hello-world (`server/benches/state_endpoint.rs`), script tag
//! to interactive portal against a vanilla-JS page (`tests/tests/load_time.rs`),
//! then the widget API benchmark (`server/benches/embed_api.rs`) and the usage benchmark (`server/benches/usage.rs`:
//! 10 million events), the long crash test (`server/tests/cli/crash.rs`), the
//! scale-out benchmark (`server/benches/scale_out.rs`: SQLite against PostgreSQL,
//! one server against three) and the long three-server runs on PostgreSQL.
//! Figures are reported, never asserted. The ones measured against a baseline in
//! the same run are printed again at the end, in one table with the sizes.

use crate::util::{self, Result};

pub fn run() -> Result {
    let postgres_url = crate::setup::for_tests()?;
    crate::setup::wrk()?;
    util::step("build the widget", || crate::widget::build().map(drop))?;
    // The benchmarks append their ratio figures here (`PORTICO_BENCH_FIGURES`).
    let figures = util::root().join("target/bench-figures.txt");
    let _ = std::fs::remove_file(&figures);
    let mut env = util::test_env();
    env.push((
        "PORTICO_BENCH_FIGURES".into(),
        figures.display().to_string(),
    ));
    util::step(
        "read endpoints under load, against bare axum (wrk, 64 connections)",
        || {
            let bench = ["bench", "--locked", "--package", "portico-server"];
            util::cargo_with_env(&[&bench[..], &["--bench", "state_endpoint"]].concat(), &env)
        },
    )?;
    util::step(
        "script tag to interactive, against vanilla JS (Slow 4G, 4x CPU)",
        || {
            let test = ["test", "--locked", "--package", "portico-e2e"];
            let args = ["--test", "load_time", "--", "--ignored", "--nocapture"];
            util::cargo_with_env(&[&test[..], &args[..]].concat(), &env)
        },
    )?;
    util::step("widget API benchmark", || {
        util::cargo(&[
            "bench",
            "--locked",
            "--package",
            "portico-server",
            "--bench",
            "embed_api",
        ])
    })?;
    util::step("usage benchmark (10 million events)", || {
        util::cargo(&[
            "bench",
            "--locked",
            "--package",
            "portico-server",
            "--bench",
            "usage",
        ])
    })?;
    util::step("the long crash test (1,000 mutations, 20 kills)", || {
        util::cargo(&[
            "test",
            "--locked",
            "--package",
            "portico-server",
            "--test",
            "cli",
            "keyed_mutations_survive_kill_9_exactly_once_long",
            "--",
            "--ignored",
            "--nocapture",
        ])
    })?;
    let postgres = vec![
        (crate::postgres::URL_VARIABLE.to_owned(), postgres_url),
        ("PORTICO_TEST_DATABASE".to_owned(), "postgres".to_owned()),
    ];
    util::step(
        "scale-out benchmark (SQLite, PostgreSQL, three servers)",
        || {
            let bench = ["bench", "--locked", "--package", "portico-server"];
            util::cargo_with_env(&[&bench[..], &["--bench", "scale_out"]].concat(), &postgres)
        },
    )?;
    util::step(
        "the long three-server runs (1,000 mutations with 20 kills; 1,000 renewals)",
        || {
            let test = ["test", "--locked", "--package", "portico-server"];
            let long = ["--", "--ignored", "--nocapture"];
            util::cargo_with_env(
                &[
                    &test[..],
                    &[
                        "--test",
                        "cli",
                        "three_servers_one_killed_act_exactly_once_long",
                    ],
                    &long,
                ]
                .concat(),
                &postgres,
            )?;
            util::cargo_with_env(
                &[
                    &test[..],
                    &[
                        "--test",
                        "api",
                        "three_servers_on_one_database_act_once_and_renew_once_long",
                    ],
                    &long,
                ]
                .concat(),
                &postgres,
            )
        },
    )?;
    println!(
        "\n==> summary ({})",
        util::output("date", &["-u", "+%F"])
            .unwrap_or_default()
            .trim()
    );
    crate::sizes::report()?;
    let figures = std::fs::read_to_string(&figures).unwrap_or_default();
    for line in figures.lines() {
        println!("    {line}");
    }
    Ok(())
}
