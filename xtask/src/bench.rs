//! `cargo xtask bench`: the shipped widget's sizes, then the widget API benchmark
//! (`server/benches/embed_api.rs`) and the usage benchmark (`server/benches/usage.rs`:
//! 10 million events), and the long crash test (`server/tests/cli/crash.rs`).
//! Figures are reported, never asserted.

use crate::util::{self, Result};

pub fn run() -> Result {
    crate::setup::all()?;
    util::step("build the widget", util::build_widget)?;
    crate::sizes::report()?;
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
    })
}
