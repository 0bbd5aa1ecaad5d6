//! Building the widget: trunk, with the standard library rebuilt for size.
//!
//! The wasm is smaller when std is compiled with the widget's own profile and with
//! panics that abort at once (no panic messages, no formatting machinery behind
//! them): `-Zbuild-std` with `-Cpanic=immediate-abort`. Both are unstable, and
//! there is no nightly toolchain here, so the stable one runs them with
//! `RUSTC_BOOTSTRAP=1`. If that build fails (a toolchain without `rust-src`, or one
//! whose std no longer builds this way), the ordinary build runs instead, says so,
//! and the size check allows for it (`budget.toml`).

use crate::util::{self, Result, command, run};

/// How the shipped wasm's standard library was built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Std {
    /// Rebuilt for size, with immediate-abort panics.
    Rebuilt,
    /// The toolchain's prebuilt std (the fallback).
    Prebuilt,
}

/// `trunk build --release` into `dist/`: the wasm, its glue, the CSS and the loader.
pub fn build() -> Result<Std> {
    let rebuilt = run(command("trunk")
        .args(["build", "--release", "--offline"])
        .envs(rebuilt_std_env()));
    match rebuilt {
        Ok(()) => Ok(Std::Rebuilt),
        Err(error) => {
            println!(
                "    NOTE: the size-tuned std build failed ({error}); building with the \
                 prebuilt std instead (about 14 KB brotli bigger)"
            );
            run(command("trunk").args(["build", "--release", "--offline"]))?;
            Ok(Std::Prebuilt)
        }
    }
}

/// What makes cargo rebuild std for the widget. `RUSTFLAGS` replaces the target's
/// flags in `.cargo/config.toml`, so it repeats them.
///
/// Source paths of dependencies and of std end up in the wasm (Leptos keeps where
/// each signal was defined). They are rewritten to start at the registry and at
/// std's sources, so the shipped bytes do not name the build machine's home
/// directory, and the size `budget.toml` checks is the same on every machine.
fn rebuilt_std_env() -> Vec<(&'static str, String)> {
    let mut flags = vec![
        "--cfg erase_components".to_owned(),
        "-Zunstable-options".to_owned(),
        "-Cpanic=immediate-abort".to_owned(),
    ];
    let registry = util::cargo_home().join("registry/src");
    flags.push(format!("--remap-path-prefix={}=/cargo", registry.display()));
    if let Some(sysroot) = util::output("rustc", &["--print", "sysroot"]) {
        flags.push(format!(
            "--remap-path-prefix={}/lib/rustlib/src/rust=/rust",
            sysroot.trim()
        ));
    }
    vec![
        ("RUSTC_BOOTSTRAP", "1".to_owned()),
        ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort".to_owned()),
        ("RUSTFLAGS", flags.join(" ")),
    ]
}

/// Installs what the std rebuild needs: std's sources, and the crates std depends
/// on in cargo's cache (trunk builds offline). Quick when both are there.
pub fn setup() -> Result {
    let installed = util::output("rustup", &["component", "list", "--installed"]);
    if installed.is_some_and(|list| list.lines().any(|c| c.trim().starts_with("rust-src"))) {
        println!("    ok: rust-src (std's sources, for the size-tuned widget build)");
    } else {
        println!("    installing rust-src (std's sources, for the size-tuned widget build)");
        run(command("rustup").args(["component", "add", "rust-src"]))?;
    }
    let sysroot =
        util::output("rustc", &["--print", "sysroot"]).ok_or("cannot ask rustc for its sysroot")?;
    let manifest = format!("{}/lib/rustlib/src/rust/library/Cargo.toml", sysroot.trim());
    run(command("cargo")
        .args(["fetch", "--manifest-path", &manifest])
        .env("RUSTC_BOOTSTRAP", "1"))
}
