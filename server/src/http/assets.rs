//! Serves the widget's files with their content types, compression and caching.
//! `portico.js` is revalidated every few minutes so deploys reach host pages; the
//! files it loads carry the build version in their URL and are cached for a year.

use super::ApiContext;
use crate::assets::{Asset, LOADER};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/portico.js", get(loader))
        .route("/assets/{name}", get(asset))
        .route("/assets/v/{version}/{name}", get(versioned_asset))
}

async fn loader(State(ctx): State<ApiContext>, headers: HeaderMap) -> Response {
    match ctx.assets.get(LOADER) {
        Some(file) => respond(file, &headers, "public, max-age=300"),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[derive(Deserialize)]
struct Version {
    v: Option<String>,
}

async fn asset(
    State(ctx): State<ApiContext>,
    Path(name): Path<String>,
    Query(version): Query<Version>,
    headers: HeaderMap,
) -> Response {
    serve(&ctx, &name, version.v, &headers)
}

/// A file of the current build; cached for good only under its own version (an
/// older loader still gets the current files, revalidated).
fn serve(ctx: &ApiContext, name: &str, version: Option<String>, headers: &HeaderMap) -> Response {
    let Some(file) = ctx.assets.get(name).filter(|_| name != LOADER) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let cache = if version.as_deref() == Some(ctx.assets.version.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    respond(file, headers, cache)
}

/// The loader's URLs: the version is a directory, so that the glue's relative
/// imports (`./__wasm_split.js`) and the split modules' fetches stay in it.
async fn versioned_asset(
    State(ctx): State<ApiContext>,
    Path((version, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    serve(&ctx, &name, Some(version), &headers)
}

fn respond(file: &Asset, request: &HeaderMap, cache_control: &'static str) -> Response {
    let mut response = if request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == file.etag))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (encoding, body) = match preferred_encoding(request) {
            Encoding::Brotli => (Some("br"), file.brotli.clone()),
            Encoding::Gzip => (Some("gzip"), file.gzip.clone()),
            Encoding::Identity => (None, file.identity.clone()),
        };
        let mut response = body.into_response();
        if let Some(encoding) = encoding {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    // Host pages on any origin load these files: the wasm by fetch, the glue by import().
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    if let Ok(etag) = HeaderValue::from_str(&file.etag) {
        headers.insert(header::ETAG, etag);
    }
    response
}

#[derive(Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// Brotli if the client takes it, else gzip, else none (`q=0` refuses a coding).
fn preferred_encoding(headers: &HeaderMap) -> Encoding {
    let accepted = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let accepts = |name: &str| {
        accepted.split(',').any(|part| {
            let mut pieces = part.split(';');
            let coding = pieces.next().unwrap_or("").trim();
            let refused =
                pieces.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            coding.eq_ignore_ascii_case(name) && !refused
        })
    };
    if accepts("br") {
        Encoding::Brotli
    } else if accepts("gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(accept: &str) -> Encoding {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        preferred_encoding(&headers)
    }

    #[test]
    fn negotiates_encoding() {
        assert_eq!(with("gzip, deflate, br, zstd"), Encoding::Brotli);
        assert_eq!(with("gzip"), Encoding::Gzip);
        assert_eq!(with("br;q=0, gzip"), Encoding::Gzip);
        assert_eq!(with("identity"), Encoding::Identity);
        assert_eq!(preferred_encoding(&HeaderMap::new()), Encoding::Identity);
    }
}
