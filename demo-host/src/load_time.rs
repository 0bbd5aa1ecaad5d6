//! Two pages that do the same work for the load-time benchmark
//! (`tests/tests/load_time.rs`, run by `cargo xtask bench`):
//!
//! - `/load/portal`: the script tag and one `Portico.customerPortal` call;
//! - `/load/vanilla`: hand-written JavaScript that makes the same two API calls
//!   (identity exchange, portal fetch) and renders the same plan list with its
//!   Subscribe buttons.
//!
//! Both carry the same probe: the time, from navigation start, at which the first
//! Subscribe button exists (for the portal, inside its shadow root; Leptos creates
//! the button with its click handler, so it is interactive once it exists).

use crate::page::{escape_html, script_json};
use crate::{DemoConfig, Scenario, embed_config};
use axum::extract::{Query, State};
use axum::response::Html;
use std::sync::Arc;

const PROBE: &str = r#"<script>
  (function () {
    function button() {
      var host = document.getElementById("portico-embed");
      var root = host && host.shadowRoot;
      return (root && root.querySelector('[data-testid^="subscribe-"]')) ||
        document.querySelector('[data-testid^="subscribe-"]');
    }
    function poll() {
      if (button()) { window.interactiveAt = performance.now(); }
      else { requestAnimationFrame(poll); }
    }
    requestAnimationFrame(poll);
  })();
</script>"#;

/// What the vanilla page does by hand: exchange, fetch, render.
const VANILLA: &str = r#"<script>
  (async function () {
    var exchange = await fetch(backend + "/v1/embed/sessions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(config),
    });
    var session = await exchange.json();
    var answer = await fetch(backend + "/v1/embed/portal", {
      headers: { "x-session-token": session.token },
    });
    var portal = await answer.json();
    var list = document.getElementById("portico-embed");
    portal.plans.forEach(function (plan) {
      var card = document.createElement("article");
      var name = document.createElement("h3");
      name.textContent = plan.name;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "Subscribe";
      button.dataset.testid = "subscribe-" + plan.id;
      button.addEventListener("click", function () { window.chosen = plan.id; });
      card.append(name, button);
      list.append(card);
    });
  })();
</script>"#;

fn page(config: &DemoConfig, scenario: &Scenario, body: &str) -> Html<String> {
    let embed = script_json(&embed_config(config, scenario));
    let backend = script_json(&config.backend.trim_end_matches('/'));
    Html(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Load time</title>\n\
         {PROBE}\n</head><body>\n<div id=\"portico-embed\"></div>\n\
         <script>var config = {embed}; var backend = {backend};</script>\n{body}\n</body></html>"
    ))
}

pub async fn portal_page(
    State(config): State<Arc<DemoConfig>>,
    Query(scenario): Query<Scenario>,
) -> Html<String> {
    let backend = escape_html(config.backend.trim_end_matches('/'));
    let script = format!(
        "<script src=\"{backend}/portico.js\"></script>\n\
         <script>Portico.customerPortal(\"#portico-embed\", config);</script>"
    );
    page(&config, &scenario, &script)
}

pub async fn vanilla_page(
    State(config): State<Arc<DemoConfig>>,
    Query(scenario): Query<Scenario>,
) -> Html<String> {
    page(&config, &scenario, VANILLA)
}
