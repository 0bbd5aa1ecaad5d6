//! The demo SaaS's settings page.

use crate::{DemoConfig, Scenario};

pub(crate) fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// JSON that is safe inside a `<script>` element.
/// The kind of global CSS a real SaaS page might carry, made worse: it must change
/// nothing inside the portal.
const HOSTILE_CSS: &str = r#"<style>
  * { font-family: "Comic Sans MS", cursive !important; color: #ff00ff !important; letter-spacing: 3px !important; }
  button { background: #ff0 !important; border: 6px dotted red !important; border-radius: 0 !important; }
  section, article, div { padding: 30px !important; }
  :root { --portico-accent: #00ff00; }
</style>"#;

/// A host-page button wearing the portal's class names: the portal's CSS must not
/// reach it.
const HOST_PROBE: &str = r#"<button type="button" class="portico-button portico-button-primary" id="host-probe">A host button with the portal's class names</button>"#;

pub(crate) fn script_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value)
        .expect("JSON values serialize")
        .replace('<', "\\u003c")
}

pub fn render(config: &DemoConfig, scenario: &Scenario, embed: serde_json::Value) -> String {
    let backend = escape_html(config.backend.trim_end_matches('/'));
    let email = escape_html(embed.get("email").and_then(|v| v.as_str()).unwrap_or(""));
    let service_options: String = config
        .services
        .iter()
        .map(|s| {
            let selected = if embed["service"] == s.name.as_str() {
                " selected"
            } else {
                ""
            };
            let name = escape_html(&s.name);
            format!(r#"<option value="{name}"{selected}>{name}</option>"#)
        })
        .collect();
    let quantity = escape_html(scenario.quantity.as_deref().unwrap_or(""));
    let embed_json = script_json(&embed);
    let veto = scenario.veto.as_deref().map(|veto| {
        let (event, how) = veto.split_once(':').unwrap_or((veto, "false"));
        serde_json::json!({ "event": event, "how": how })
    });
    let veto_json = script_json(&veto.unwrap_or(serde_json::Value::Null));
    let embed = embed_snippet(scenario.mount.as_deref(), &backend);
    let (hostile, probe) = if scenario.hostile.is_some() {
        (HOSTILE_CSS, HOST_PROBE)
    } else {
        ("", "")
    };
    let mode = scenario.theme.as_deref().unwrap_or("light");
    let chosen = scenario.preset.as_deref().unwrap_or("");
    let language = scenario.locale.as_deref().unwrap_or("");
    let locale_options: String = [
        ("", "browser"),
        ("en", "English"),
        ("de", "Deutsch"),
        ("fr", "Français"),
        ("es", "Español"),
        ("ar", "العربية"),
    ]
    .iter()
    .map(|(tag, name)| {
        let selected = if *tag == language { " selected" } else { "" };
        format!(r#"<option value="{tag}"{selected}>{name}</option>"#)
    })
    .collect();
    let preset_options: String = std::iter::once(("", "custom (the email above)"))
        .chain(
            crate::presets::PRESETS
                .iter()
                .map(|(name, _, about)| (*name, *about)),
        )
        .map(|(name, about)| {
            let selected = if name == chosen { " selected" } else { "" };
            let label = if name.is_empty() {
                about.to_owned()
            } else {
                format!("{name}: {about}")
            };
            format!(
                r#"<option value="{name}"{selected}>{}</option>"#,
                escape_html(&label)
            )
        })
        .collect();
    let theme_options: String = ["light", "dark", "auto"]
        .iter()
        .map(|m| {
            let selected = if *m == mode { " selected" } else { "" };
            format!(r#"<option value="{m}"{selected}>{m}</option>"#)
        })
        .collect();
    format!(
        r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Analytics · Billing settings</title>
<style>
  body {{ margin: 0; font-family: Georgia, serif; background: #f4f1ea; color: #222; }}
  header {{ background: #1f2a44; color: #fff; padding: 14px 24px; font: 600 18px system-ui, sans-serif; }}
  main {{ display: grid; grid-template-columns: minmax(0, 2fr) minmax(260px, 1fr); gap: 24px; padding: 24px; max-width: 1200px; margin: 0 auto; }}
  @media (max-width: 800px) {{ main {{ grid-template-columns: 1fr; }} }}
  form {{ display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin-bottom: 16px; font: 14px system-ui, sans-serif; }}
  label {{ display: flex; flex-direction: column; gap: 2px; }}
  #event-log {{ font: 12px ui-monospace, monospace; list-style: none; padding: 0; margin: 0; }}
  #event-log li {{ background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px; margin-bottom: 8px; }}
  #event-log pre {{ white-space: pre-wrap; word-break: break-all; margin: 4px 0 0; max-height: 240px; overflow: auto; }}
</style>
{hostile}
<script>
  // The host page's own bookkeeping: the e2e tests read these.
  window.hostErrors = [];
  window.addEventListener("error", function (e) {{ window.hostErrors.push(String(e.message)); }});
  window.addEventListener("unhandledrejection", function (e) {{ window.hostErrors.push("unhandled rejection: " + String(e.reason)); }});
  window.porticoEvents = [];
</script>
</head>
<body>
<header>Acme Analytics · Settings › Billing</header>
<main>
  <section>
    <form method="get" action="/" data-testid="scenario-form">
      <label>Customer email <input name="email" value="{email}" size="28"></label>
      <label>Service <select name="service">{service_options}</select></label>
      <label>Seats (options.quantity) <input name="quantity" value="{quantity}" size="8"></label>
      <label>Preset <select name="preset">{preset_options}</select></label>
      <label>Theme <select name="theme">{theme_options}</select></label>
      <label>Language <select name="locale">{locale_options}</select></label>
      <button type="submit">Load</button>
    </form>
    <div id="portico-embed" data-testid="embed"></div>
    {probe}
  </section>
  <aside>
    <h2>Events received</h2>
    <ol id="event-log" data-testid="event-log"></ol>
  </aside>
</main>
<script>
  var config = {embed_json};
  config.handleResponse = function (payload) {{
    window.porticoEvents.push(payload);
    var item = document.createElement("li");
    item.setAttribute("data-event", payload.event);
    var name = document.createElement("strong");
    name.textContent = payload.event;
    var body = document.createElement("pre");
    body.textContent = JSON.stringify(payload, null, 2);
    item.append(name, body);
    document.getElementById("event-log").prepend(item);
    var veto = {veto_json};
    if (veto && payload.event === veto.event) {{
      if (veto.how === "throw") throw new Error("vetoed by the host page");
      if (veto.how === "promise") return Promise.resolve(false);
      if (veto.how === "reject") return Promise.reject(new Error("vetoed by the host page"));
      return false;
    }}
  }};
</script>
{embed}
</body>
</html>
"##
    )
}

/// The three ways a page can embed the portal (`?mount=`): call the API after the
/// script tag (default), Billflow-style `window.porticoSettings`, or queue calls for an
/// `async` script tag.
fn embed_snippet(mount: Option<&str>, backend: &str) -> String {
    let tail = "\n<script>\n  // Proves the host page's own script keeps running after the embed.\n  window.hostScriptFinished = true;\n</script>";
    let head = match mount {
        Some("settings") => format!(
            "<script>window.porticoSettings = config;</script>\n<script src=\"{backend}/portico.js\"></script>"
        ),
        Some("queue") => format!(
            "<script>window.Portico = {{ q: [[\"customerPortal\", \"#portico-embed\", config]] }};</script>\n\
             <script async src=\"{backend}/portico.js\"></script>"
        ),
        _ => format!(
            "<script src=\"{backend}/portico.js\"></script>\n\
             <script>window.porticoHandle = Portico.customerPortal(\"#portico-embed\", config);</script>"
        ),
    };
    head + tail
}
