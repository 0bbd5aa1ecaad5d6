//! The widget's shipped files (`portico.js`, the wasm-bindgen glue, the wasm and the
//! modules split off it, the CSS), read once from the build directory and kept in
//! memory, pre-compressed.

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
/// Fetches and instantiates the wasm modules loaded on demand; the glue imports it.
pub const SPLIT_LOADER: &str = "__wasm_split.js";

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
    /// Content hash of every file the loader loads: changes with every build.
    pub version: String,
    files: HashMap<String, Asset>,
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
        let error = |source| AssetsError {
            path: dir.display().to_string(),
            source,
        };
        // The fixed files, then whatever the build split off (sorted: the version
        // must not depend on the directory's order).
        let mut names: Vec<String> = [WIDGET_JS, WIDGET_WASM, WIDGET_CSS]
            .map(str::to_owned)
            .to_vec();
        let mut split: Vec<String> = std::fs::read_dir(dir)
            .map_err(error)?
            .flatten()
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| name == SPLIT_LOADER || is_on_demand_module(name))
            .collect();
        split.sort();
        names.extend(split);

        let mut hasher = Sha256::new();
        let mut files = HashMap::new();
        for name in names {
            let bytes = read(&name)?;
            hasher.update(name.as_bytes());
            hasher.update(&bytes);
            let content_type = if name.ends_with(".wasm") {
                "application/wasm"
            } else if name.ends_with(".css") {
                "text/css; charset=utf-8"
            } else {
                "text/javascript; charset=utf-8"
            };
            files.insert(name, Asset::new(content_type, bytes));
        }
        let version = hex::encode(&hasher.finalize()[..8]);
        let loader = String::from_utf8_lossy(&read(LOADER)?).replace(VERSION_PLACEHOLDER, &version);
        files.insert(
            LOADER.to_owned(),
            Asset::new("text/javascript; charset=utf-8", loader.into_bytes()),
        );
        Ok(Self { version, files })
    }

    pub fn get(&self, name: &str) -> Option<&Asset> {
        self.files.get(name)
    }
}

/// `split_usage.wasm`, `chunk_1_credits_usage.wasm`: the modules wasm-split cut
/// out of the main one, fetched by `__wasm_split.js` when first needed.
fn is_on_demand_module(name: &str) -> bool {
    (name.starts_with("split_") || name.starts_with("chunk_"))
        && name.ends_with(".wasm")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
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
