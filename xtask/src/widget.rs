//! Building the widget into `dist/`: cargo, wasm-split, wasm-bindgen, wasm-opt.
//!
//! 1. cargo builds the wasm with the widget's size profile, keeping relocations
//!    (`--emit-relocs`), which wasm-split needs to move code between modules.
//! 2. wasm-split-cli cuts every `#[wasm_split(name)]` function, and all the code
//!    only it reaches, out of the main module into `split_name.wasm` (code two
//!    splits share goes to a `chunk_*.wasm` both load), and writes
//!    `__wasm_split.js`, which fetches and instantiates them on demand.
//! 3. wasm-bindgen writes the glue for the main module.
//! 4. wasm-opt shrinks each module.
//!
//! The standard library is rebuilt for size with panics that abort at once (no
//! panic messages, no formatting machinery behind them): `-Zbuild-std` with
//! `-Cpanic=immediate-abort`. Both are unstable, and there is no nightly
//! toolchain here, so the stable one runs them with `RUSTC_BOOTSTRAP=1`. If that
//! build fails (a toolchain without `rust-src`, or one whose std no longer builds
//! this way), the ordinary build runs instead, says so, and the size check allows
//! for it (`budget.toml`).

use crate::util::{self, Result, command, dist, root, run};
use std::path::{Path, PathBuf};

/// The name every file of the widget starts with (the glue is `{NAME}.js`).
const NAME: &str = "portico-widget";
/// wasm-opt's flags: size first, and the features the wasm uses.
const WASM_OPT: [&str; 3] = [
    "-Oz",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
];

/// How the shipped wasm's standard library was built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Std {
    /// Rebuilt for size, with immediate-abort panics.
    Rebuilt,
    /// The toolchain's prebuilt std (the fallback).
    Prebuilt,
}

/// Builds `dist/`: the loader, the glue, the main wasm, its on-demand modules,
/// `__wasm_split.js` and the CSS.
pub fn build() -> Result<Std> {
    let std = match compile(Std::Rebuilt) {
        Ok(()) => Std::Rebuilt,
        Err(error) => {
            println!(
                "    NOTE: the size-tuned std build failed ({error}); building with the \
                 prebuilt std instead (about 14 KB brotli bigger)"
            );
            compile(Std::Prebuilt)?;
            Std::Prebuilt
        }
    };
    let work = target_dir().join("widget-build");
    let split = work.join("split");
    let bindgen = work.join("bindgen");
    for dir in [&split, &bindgen] {
        recreate(dir)?;
    }
    let compiled = target_dir().join("wasm32-unknown-unknown/widget/portico_widget.wasm");
    run(command("wasm-split-cli")
        .arg(&compiled)
        .arg(&split)
        .args(["--out-name", NAME]))?;
    // `--keep-lld-exports`: the split modules import the main module's function
    // table and memory, which wasm-bindgen would otherwise stop exporting.
    run(command("wasm-bindgen")
        .args(["--target", "web", "--no-typescript", "--keep-lld-exports"])
        .args(["--out-name", NAME])
        .arg("--out-dir")
        .arg(&bindgen)
        .arg(split.join(format!("{NAME}.wasm"))))?;

    let dist = dist();
    recreate(&dist)?;
    optimize(&bindgen.join(format!("{NAME}_bg.wasm")), &dist)?;
    for module in on_demand_modules(&split)? {
        optimize(&module, &dist)?;
    }
    copy(&bindgen.join(format!("{NAME}.js")), &dist)?;
    copy(&split.join("__wasm_split.js"), &dist)?;
    copy(&root().join("style/portico.css"), &dist)?;
    copy(&root().join("widget/loader/portico.js"), &dist)?;
    Ok(std)
}

/// The wasm files wasm-split wrote besides the main module, sorted.
pub fn on_demand_modules(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut modules: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(is_on_demand)
        })
        .collect();
    modules.sort();
    Ok(modules)
}

/// `split_usage.wasm`, `chunk_3_usage_credits.wasm`: modules loaded on demand.
pub fn is_on_demand(name: &str) -> bool {
    (name.starts_with("split_") || name.starts_with("chunk_")) && name.ends_with(".wasm")
}

fn compile(std: Std) -> Result {
    let mut cargo = command(&std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo.args([
        "build",
        "--package",
        "portico-widget",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "widget",
        "--locked",
    ]);
    // `RUSTFLAGS` replaces the target's flags in `.cargo/config.toml`, so it repeats them.
    let mut flags = vec![
        "--cfg erase_components".to_owned(),
        "-Clink-args=--emit-relocs".to_owned(),
    ];
    if std == Std::Rebuilt {
        cargo.envs([
            ("RUSTC_BOOTSTRAP", "1"),
            ("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort"),
        ]);
        flags.extend(rebuilt_std_flags());
    }
    run(cargo.env("RUSTFLAGS", flags.join(" ")))
}

/// Source paths of dependencies and of std end up in the wasm (Leptos keeps where
/// each signal was defined). They are rewritten to start at the registry and at
/// std's sources, so the shipped bytes do not name the build machine's home
/// directory, and the size `budget.toml` checks is the same on every machine.
fn rebuilt_std_flags() -> Vec<String> {
    let mut flags = vec![
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
    flags
}

fn optimize(module: &Path, dist: &Path) -> Result {
    let name = module.file_name().ok_or("a module without a name")?;
    run(command("wasm-opt")
        .args(WASM_OPT)
        .arg(module)
        .arg("-o")
        .arg(dist.join(name)))
}

fn copy(file: &Path, dir: &Path) -> Result {
    let name = file.file_name().ok_or("a file without a name")?;
    std::fs::copy(file, dir.join(name))
        .map(drop)
        .map_err(|e| format!("copy {}: {e}", file.display()))
}

fn recreate(dir: &Path) -> Result {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn target_dir() -> PathBuf {
    // Relative to the workspace, where cargo runs.
    std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| root().join(dir))
        .unwrap_or_else(|| root().join("target"))
}

/// Installs what the std rebuild needs: std's sources, and the crates std depends
/// on in cargo's cache. Quick when both are there.
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
