//! Chromium's DevTools protocol, reached through ChromeDriver's `goog/cdp/execute`,
//! for what WebDriver cannot do: emulating the visitor's `prefers-color-scheme`.

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
