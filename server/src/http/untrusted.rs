//! The parsers of untrusted input, each as one entry point that takes bytes: what
//! the libFuzzer targets (`server/fuzz/`, `cargo xtask fuzz`) and the stable
//! never-panic tests (`never_panics.rs`) both call, so the two check the same code.
//! An entry point may return an error for any input; it must never panic.
//!
//! The corpus directory of each target, `server/fuzz/corpus/<name>/`, holds its seed
//! inputs: the past crashes and edge cases that every `cargo xtask test` replays.

use super::params::{parse_form, typed};
use crate::catalog::Catalog;
use crate::provider::stripe::signature;
use axum::http::header::{AUTHORIZATION, ORIGIN};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use portico_wire::CustomerRef;
use portico_wire::config::{ConfigValue, EmbedConfig};
use portico_wire::embed::SESSION_HEADER;
use std::sync::OnceLock;

/// An entry point: any bytes in, nothing out, no panic.
pub type EntryPoint = fn(&[u8]);

/// Every target, by the name of its corpus directory and its fuzz binary.
pub const TARGETS: &[(&str, EntryPoint)] = &[
    ("form", form),
    ("stripe_signature", stripe_signature),
    ("embed_config", embed_config),
    ("catalog", catalog),
    ("session_header", session_header),
];

/// A Stripe-style bracket-notation body (`items[0][price]=…`): parsed with the
/// limits every form-encoded route has, then read as each of their request types.
pub fn form(input: &[u8]) {
    use portico_wire::billing_portal::{params::ConfigurationParams, session::SessionParams};
    use portico_wire::wallet::{CreateWallet, GrantCredits};
    if let Ok(tree) = parse_form(input) {
        drop(typed::<ConfigurationParams>(tree.clone()));
        drop(typed::<SessionParams>(tree.clone()));
        drop(typed::<CreateWallet>(tree.clone()));
        drop(typed::<GrantCredits>(tree));
    }
}

/// A `Stripe-Signature` header, checked at the edges of time: the difference
/// between `t=` and now is where an overflow hid.
pub fn stripe_signature(input: &[u8]) {
    let (header, body) = split_once(input, b'\n');
    let header = String::from_utf8_lossy(header);
    for now in [0, 1_700_000_000, i64::MIN, i64::MAX] {
        drop(signature::verify(Some(&header), body, "whsec_test", now));
    }
}

/// The object a host page passes to `Portico.customerPortal`, as JSON.
pub fn embed_config(input: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<ConfigValue>(input) {
        drop(EmbedConfig::from_value(value));
    }
}

/// A catalog file (TOML), with every check the server makes when it starts.
pub fn catalog(input: &[u8]) {
    drop(Catalog::from_toml(&String::from_utf8_lossy(input)));
}

/// What a portal request carries to be let in, one per line: the session token,
/// the `Origin`, the `Authorization` header, and the identity (email or your id)
/// that a session exchange folds and hashes.
pub fn session_header(input: &[u8]) {
    let mut lines = input.split(|&byte| byte == b'\n');
    let mut headers = HeaderMap::new();
    for name in [SESSION_HEADER, ORIGIN.as_str(), AUTHORIZATION.as_str()] {
        let line = lines.next().unwrap_or_default();
        if let Ok(value) = HeaderValue::from_bytes(line) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    if let Some(token) = headers.get(SESSION_HEADER).and_then(|v| v.to_str().ok()) {
        drop(crate::auth::token_digest(token));
    }
    if let Some(service) = origin_checked_service() {
        drop(super::session::check_origin(&headers, service));
    }
    if let Some(key) = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        drop(super::api_key::redacted(key));
    }
    let identity = String::from_utf8_lossy(lines.next().unwrap_or_default());
    drop(CustomerRef::from_reference(&identity));
}

/// A service that embeds from one origin, to check `Origin` headers against.
pub(super) fn origin_checked_service() -> Option<&'static crate::catalog::Service> {
    static CATALOG: OnceLock<Option<Catalog>> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            Catalog::from_toml(
                r#"
[[products]]
id = "base"
name = "Base"

[[plans]]
id = "team"
name = "Team"
currency = "USD"
interval = "month"
items = [{ product = "base", unit_amount = 2000 }]

[[services]]
name = "acme"
mode = "test"
allowed_origins = ["https://app.example.com"]
plans = ["team"]
"#,
            )
            .ok()
        })
        .as_ref()
        .and_then(|catalog| catalog.service_named("acme"))
}

fn split_once(input: &[u8], separator: u8) -> (&[u8], &[u8]) {
    match input.iter().position(|&byte| byte == separator) {
        Some(at) => (&input[..at], &input[at.saturating_add(1)..]),
        None => (input, &[]),
    }
}
