//! The shipped widget's sizes — raw, gzip and brotli, as the backend serves them —
//! and the weight budget in `budget.toml` that `cargo xtask test` enforces.

use crate::util::{Result, dist, root};
use crate::widget::Std;
use std::io::Write;

/// The project's goals (the README's weight budget), printed beside the figures;
/// `budget.toml` holds what is enforced today.
const FIRST_LOAD_GOAL: usize = 80 * 1024;
const TOTAL_GOAL: usize = 160 * 1024;

/// What a first visit downloads before the portal is interactive: the loader, the
/// glue, the split modules' loader (the glue imports it), the main wasm and the CSS.
/// The other wasm modules (`split_*`, `chunk_*`) load on demand.
const FIRST_LOAD: [&str; 5] = [
    "portico.js",
    "portico-widget.js",
    "__wasm_split.js",
    "portico-widget_bg.wasm",
    "portico.css",
];

#[derive(Debug, Default)]
pub struct Sizes {
    pub first_load_brotli: usize,
    pub total_brotli: usize,
    pub loader_raw: usize,
}

/// Prints the table of sizes and returns the totals.
pub fn report() -> Result<Sizes> {
    println!("\n==> shipped sizes (bytes)");
    println!(
        "    {:<26} {:>9} {:>9} {:>9}  loaded",
        "file", "raw", "gzip", "brotli"
    );
    let mut sizes = Sizes::default();
    let mut totals = [0usize; 3];
    let on_demand = crate::widget::on_demand_modules(&dist())?;
    let files = FIRST_LOAD
        .into_iter()
        .map(|name| (dist().join(name), true))
        .chain(on_demand.into_iter().map(|path| (path, false)));
    for (path, first_load) in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes =
            std::fs::read(&path).map_err(|e| format!("{name}: {e} (build the widget first)"))?;
        let file = [bytes.len(), gzip(&bytes), brotli(&bytes)];
        let when = if first_load { "first" } else { "on demand" };
        println!(
            "    {name:<26} {:>9} {:>9} {:>9}  {when}",
            file[0], file[1], file[2]
        );
        for (total, size) in totals.iter_mut().zip(file) {
            *total += size;
        }
        if first_load {
            sizes.first_load_brotli += file[2];
        }
        if name == "portico.js" {
            sizes.loader_raw = file[0];
        }
    }
    sizes.total_brotli = totals[2];
    println!(
        "    {:<26} {:>9} {:>9} {:>9}",
        "total", totals[0], totals[1], totals[2]
    );
    println!(
        "    first load {:.1} KB brotli (goal {} KB); everything {:.1} KB (goal {} KB). \
         Peers: Meteroid 640 KB, Flexprice 2.5 MB",
        kb(sizes.first_load_brotli),
        FIRST_LOAD_GOAL / 1024,
        kb(sizes.total_brotli),
        TOTAL_GOAL / 1024,
    );
    Ok(sizes)
}

/// [`report`], then fails if the build is over `budget.toml`.
pub fn check(std: Std) -> Result {
    let sizes = report()?;
    let budget = Budget::read()?;
    let allowance = match std {
        Std::Rebuilt => 0,
        Std::Prebuilt => budget.prebuilt_std_allowance,
    };
    let mut over = Vec::new();
    for (what, size, limit) in [
        (
            "first load (brotli)",
            sizes.first_load_brotli,
            budget.first_load + allowance,
        ),
        (
            "everything (brotli)",
            sizes.total_brotli,
            budget.total + allowance,
        ),
        ("portico.js (raw)", sizes.loader_raw, budget.loader),
    ] {
        let verdict = if size <= limit { "ok" } else { "OVER" };
        println!("    budget: {what:<20} {size:>8} of {limit:>8} bytes: {verdict}");
        if size > limit {
            over.push(format!(
                "{what} is {size} bytes, over its budget of {limit}"
            ));
        }
    }
    if over.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the widget is over budget.toml: {}. Make it smaller, or raise the budget in a \
             commit whose message says why",
            over.join("; ")
        ))
    }
}

/// `budget.toml`, in bytes.
#[derive(Debug)]
struct Budget {
    first_load: usize,
    total: usize,
    prebuilt_std_allowance: usize,
    loader: usize,
}

impl Budget {
    fn read() -> Result<Self> {
        let path = root().join("budget.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("budget.toml: {e}"))?;
        let table: toml::Table = text.parse().map_err(|e| format!("budget.toml: {e}"))?;
        let figure = |section: &str, key: &str| -> Result<usize> {
            table
                .get(section)
                .and_then(|s| s.get(key))
                .and_then(toml::Value::as_integer)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| format!("budget.toml: `{section}.{key}` must be a byte count"))
        };
        Ok(Self {
            first_load: figure("brotli", "first_load")?,
            total: figure("brotli", "total")?,
            prebuilt_std_allowance: figure("brotli", "prebuilt_std_allowance")?,
            loader: figure("raw", "loader")?,
        })
    }
}

fn kb(bytes: usize) -> f64 {
    bytes as f64 / 1024.0
}

fn gzip(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("in memory");
    encoder.finish().expect("in memory").len()
}

fn brotli(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("in memory");
    out.len()
}
