//! The widget's shipped files (`portico.js`, the wasm-bindgen glue, the wasm, the CSS),
//! read once from the trunk build directory and kept in memory, pre-compressed.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// The loader a host page includes. Served at `/portico.js`.
pub const LOADER: &str = "portico.js";
/// The files the loader fetches, served under `/assets/`.
pub const WIDGET_JS: &str = "portico-widget.js";
pub const WIDGET_WASM: &str = "portico-widget_bg.wasm";
pub const WIDGET_CSS: &str = "portico.css";

/// Replaced in the loader by the build's version, which versions the asset URLs.
const VERSION_PLACEHOLDER: &str = "__PORTICO_VERSION__";

#[derive(Debug, thiserror::Error)]
#[error(
    "cannot read widget asset {path}: {source} (build the widget with `cargo xtask demo` or `cargo xtask test`)"
)]
pub struct AssetsError {
    path: String,
    source: std::io::Error,
}

#[derive(Debug)]
pub struct Asset {
    pub content_type: &'static str,
    pub etag: String,
    pub identity: Vec<u8>,
    pub gzip: Vec<u8>,
    pub brotli: Vec<u8>,
}

/// `Default` is no widget at all: for CLI commands that serve nothing.
#[derive(Debug, Default)]
pub struct Assets {
    /// Content hash of the glue, wasm and CSS together: changes with every build.
    pub version: String,
    files: HashMap<&'static str, Asset>,
}

impl Assets {
    pub fn load(dir: &Path) -> Result<Self, AssetsError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|source| AssetsError {
                path: path.display().to_string(),
                source,
            })
        };
        let js = read(WIDGET_JS)?;
        let wasm = read(WIDGET_WASM)?;
        let css = read(WIDGET_CSS)?;
        let mut hasher = Sha256::new();
        for part in [&js, &wasm, &css] {
            hasher.update(part);
        }
        let version = hex::encode(&hasher.finalize()[..8]);
        let loader = String::from_utf8_lossy(&read(LOADER)?).replace(VERSION_PLACEHOLDER, &version);

        let files = HashMap::from([
            (
                LOADER,
                Asset::new("text/javascript; charset=utf-8", loader.into_bytes()),
            ),
            (WIDGET_JS, Asset::new("text/javascript; charset=utf-8", js)),
            (WIDGET_WASM, Asset::new("application/wasm", wasm)),
            (WIDGET_CSS, Asset::new("text/css; charset=utf-8", css)),
        ]);
        Ok(Self { version, files })
    }

    pub fn get(&self, name: &str) -> Option<&Asset> {
        self.files.get(name)
    }
}

impl Asset {
    fn new(content_type: &'static str, identity: Vec<u8>) -> Self {
        let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&identity)[..12]));
        Self {
            content_type,
            etag,
            gzip: gzip(&identity),
            brotli: brotli(&identity),
            identity,
        }
    }
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder
        .write_all(bytes)
        .expect("writing to a Vec cannot fail");
    encoder.finish().expect("writing to a Vec cannot fail")
}

pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)
        .expect("writing to a Vec cannot fail");
    out
}
