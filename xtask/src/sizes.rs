//! The shipped widget's sizes: raw, gzip and brotli, as the backend serves them.

use crate::util::{Result, dist};
use std::io::Write;

/// The whole portal — loader, glue, wasm, CSS — brotli-compressed.
const PORTAL_BUDGET_BROTLI: usize = 80 * 1024;
/// The hand-written loader, as shipped (it is not minified further).
const LOADER_BUDGET_RAW: usize = 3 * 1024;
const FILES: [&str; 4] = [
    "portico.js",
    "portico-widget.js",
    "portico-widget_bg.wasm",
    "portico.css",
];

pub fn report() -> Result {
    println!("\n==> shipped sizes (bytes)");
    println!(
        "    {:<26} {:>9} {:>9} {:>9}",
        "file", "raw", "gzip", "brotli"
    );
    let mut totals = [0usize; 3];
    let mut loader_raw = 0;
    for name in FILES {
        let bytes = std::fs::read(dist().join(name))
            .map_err(|e| format!("{name}: {e} (build the widget first)"))?;
        let sizes = [bytes.len(), gzip(&bytes), brotli(&bytes)];
        println!(
            "    {name:<26} {:>9} {:>9} {:>9}",
            sizes[0], sizes[1], sizes[2]
        );
        for (total, size) in totals.iter_mut().zip(sizes) {
            *total += size;
        }
        if name == "portico.js" {
            loader_raw = sizes[0];
        }
    }
    println!(
        "    {:<26} {:>9} {:>9} {:>9}",
        "total", totals[0], totals[1], totals[2]
    );
    let verdict = if totals[2] <= PORTAL_BUDGET_BROTLI {
        "within"
    } else {
        "OVER"
    };
    println!(
        "    portal brotli {:.1} KB: {verdict} the {} KB budget (peers: Meteroid 640 KB, Flexprice 2.5 MB)",
        totals[2] as f64 / 1024.0,
        PORTAL_BUDGET_BROTLI / 1024
    );
    if loader_raw > LOADER_BUDGET_RAW {
        return Err(format!(
            "portico.js is {loader_raw} bytes, over its {LOADER_BUDGET_RAW}-byte budget"
        ));
    }
    Ok(())
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
