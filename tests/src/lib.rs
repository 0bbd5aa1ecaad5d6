//! Harness for the browser end-to-end tests: the real backend and the real demo
//! host on loopback ports, a fresh database, and headless Chromium driven through
//! ChromeDriver. Failed tests leave a screenshot in `target/e2e-artifacts/`.

mod address;
mod browser;
mod devtools;
pub mod figures;
pub mod known_usage;
pub mod localstripe;
pub mod provider;
mod requests;
mod stack;
mod stripe_js;

pub use browser::{Browser, Page, run};
pub use devtools::{ColorScheme, Throttling};
pub use stack::{Stack, StackOptions, TEST_KEY, spawn_stack};

/// Appends one line to the file `cargo xtask bench` summarizes at its end
/// (`PORTICO_BENCH_FIGURES`), if it is set.
pub fn record_figure(line: &str) {
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
