//! Chromium's DevTools protocol, reached through ChromeDriver's `goog/cdp/execute`,
//! for what WebDriver cannot do: emulating the visitor's `prefers-color-scheme`,
//! throttling the network and the CPU for the load-time benchmark, and blocking
//! requests (a module of the widget that cannot be fetched).

use crate::browser::Page;
use axum::http::Method;
use fantoccini::wd::WebDriverCompatibleCommand;
use reqwest::Url;
use serde_json::{Value, json};

/// `url::ParseError`, named through `Url` (this crate does not depend on `url`).
type ParseError = <Url as std::str::FromStr>::Err;

/// One DevTools command for the page's tab, e.g. `Emulation.setEmulatedMedia`.
#[derive(Debug)]
struct DevtoolsCommand {
    method: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for DevtoolsCommand {
    fn endpoint(&self, base_url: &Url, session_id: Option<&str>) -> Result<Url, ParseError> {
        let session = session_id.expect("DevTools commands run in a WebDriver session");
        base_url.join(&format!("session/{session}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _request_url: &Url) -> (Method, Option<String>) {
        let body = json!({ "cmd": self.method, "params": self.params });
        (Method::POST, Some(body.to_string()))
    }
}

/// The visitor's colour scheme, as their operating system would set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorScheme {
    Light,
    Dark,
}

impl Page {
    /// From now on (navigations included) the page sees
    /// `prefers-color-scheme: light` or `dark`.
    pub async fn prefer_color_scheme(&self, scheme: ColorScheme) {
        let value = match scheme {
            ColorScheme::Light => "light",
            ColorScheme::Dark => "dark",
        };
        self.client
            .issue_cmd(DevtoolsCommand {
                method: "Emulation.setEmulatedMedia",
                params: json!({ "features": [{ "name": "prefers-color-scheme", "value": value }] }),
            })
            .await
            .expect("emulate prefers-color-scheme");
    }
}

/// A mid-range phone on a poor mobile connection: the CPU four times slower, and
/// Chromium's "Slow 4G" profile (150 ms round trips, 1.6 Mbps down, 750 kbps up).
/// Every later navigation is a first visit: the HTTP cache is off.
#[derive(Debug, Clone, Copy)]
pub struct Throttling {
    pub cpu_slowdown: f64,
    pub latency_ms: f64,
    pub download_bits_per_second: f64,
    pub upload_bits_per_second: f64,
}

impl Throttling {
    pub const SLOW_4G_4X_CPU: Self = Self {
        cpu_slowdown: 4.0,
        latency_ms: 150.0,
        download_bits_per_second: 1_600_000.0,
        upload_bits_per_second: 750_000.0,
    };
}

impl Page {
    async fn devtools(&self, method: &'static str, params: Value) {
        self.client
            .issue_cmd(DevtoolsCommand { method, params })
            .await
            .unwrap_or_else(|e| panic!("DevTools {method}: {e}"));
    }

    /// From now on, requests whose URL matches one of `patterns` (`*` is a
    /// wildcard) fail as a blocked request would; an empty list lets all through.
    pub async fn block_urls(&self, patterns: &[&str]) {
        self.devtools("Network.enable", json!({})).await;
        self.devtools("Network.setBlockedURLs", json!({ "urls": patterns }))
            .await;
    }

    /// Throttles the page's network and CPU, and turns its HTTP cache off.
    pub async fn throttle(&self, throttling: Throttling) {
        self.devtools("Network.enable", json!({})).await;
        self.devtools(
            "Network.emulateNetworkConditions",
            json!({
                "offline": false,
                "latency": throttling.latency_ms,
                // DevTools takes bytes per second.
                "downloadThroughput": throttling.download_bits_per_second / 8.0,
                "uploadThroughput": throttling.upload_bits_per_second / 8.0,
            }),
        )
        .await;
        self.devtools("Network.setCacheDisabled", json!({ "cacheDisabled": true }))
            .await;
        self.devtools(
            "Emulation.setCPUThrottlingRate",
            json!({ "rate": throttling.cpu_slowdown }),
        )
        .await;
    }
}
