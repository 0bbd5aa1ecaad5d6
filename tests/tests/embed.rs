//! The script-tag embed, end to end: the demo host (one origin) embeds the widget
//! from the backend (another origin) in headless Chromium.

use portico_e2e::{StackOptions, run};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread")]
async fn signup_from_the_demo_host_reaches_handle_response_and_the_database() {
    run(
        "signup",
        StackOptions::default(),
        |page, stack| async move {
            page.goto(&stack.host_url("email=grace@example.com&service=acme&quantity=3"))
                .await;
            assert_eq!(page.widget_text("test-mode-badge").await, "Test mode");
            let price = page.widget("plan-team").await.text().await.unwrap();
            assert!(
                price.contains("$53.00") && price.contains("3 seats × $8.00"),
                "team plan card: {price}"
            );
            let load = page.event("load").await;
            assert_eq!(load["response"]["customer"], Value::Null);
            // portico.js exchanged the identity while the wasm downloaded, and the
            // widget took that exchange as its own: one session, not two.
            assert_eq!(
                stack.rows("SELECT count(*) FROM portal_sessions").await,
                vec![vec!["1".to_owned()]]
            );

            page.click("subscribe-team").await;
            let signup = page.event("signup").await;
            let id = signup["response"]["id"]
                .as_str()
                .expect("subscription id")
                .to_owned();
            assert!(id.starts_with("sub_"), "{signup}");
            assert!(signup["id"].as_str().unwrap().starts_with("evt_"));
            assert_eq!(signup["livemode"], false);
            assert_eq!(signup["response"]["plan"], "team");
            assert_eq!(signup["response"]["status"], "trialing");
            assert_eq!(signup["response"]["items"][1]["quantity"], 3);

            // The host page's own event log shows it, and the widget shows the subscription.
            assert_eq!(
                page.event_log().await.first().map(String::as_str),
                Some("signup")
            );
            assert!(page.widget_text("subscription").await.contains("Team"));
            assert_eq!(
                stack.subscriptions().await,
                vec![(id, "team".to_owned(), "trialing".to_owned())]
            );
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_hash_in_live_mode_is_refused_inline_and_by_event() {
    let options = StackOptions {
        host_uses_wrong_live_key: true,
        ..StackOptions::default()
    };
    run("wrong_hash", options, |page, stack| async move {
        page.goto(&stack.host_url("email=mallory@example.com&service=acme-live"))
            .await;
        let error = page.widget("error").await;
        assert_eq!(
            error.attr("data-code").await.unwrap().as_deref(),
            Some("invalid_hash")
        );
        assert!(page.widget_text("error-message").await.contains("hash"));
        let event = page.event("error").await;
        assert_eq!(event["response"]["code"], "invalid_hash");
        assert!(
            page.events().await.iter().all(|e| e["event"] != "load"),
            "nothing loads on a refused identity"
        );
        assert!(stack.subscriptions().await.is_empty());
        assert_eq!(page.host_errors().await, Vec::<Value>::new());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_config_is_reported_without_breaking_the_host_page() {
    run(
        "invalid_config",
        StackOptions::default(),
        |page, stack| async move {
            page.goto(&stack.host_url("email=ada@example.com&service=acme&quantity=-2"))
                .await;
            let message = page.widget_text("error-message").await;
            assert!(message.contains("options.quantity"), "{message}");
            let event = page.event("error").await;
            assert_eq!(event["response"]["code"], "invalid_config");
            assert_eq!(page.event_log().await, vec!["error".to_owned()]);
            assert_eq!(page.host_flag("hostScriptFinished").await, true);
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
            assert!(stack.subscriptions().await.is_empty());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn auto_mount_and_queued_calls_both_mount_the_portal() {
    run(
        "other_mounts",
        StackOptions::default(),
        |page, stack| async move {
            for mount in ["settings", "queue"] {
                page.goto(
                    &stack.host_url(&format!("email=lin@example.com&service=acme&mount={mount}")),
                )
                .await;
                page.widget("plan-starter").await;
                let load = page.event("load").await;
                assert_eq!(load["response"]["service"]["name"], "acme", "mount={mount}");
                assert_eq!(page.host_flag("hostScriptFinished").await, true);
                assert_eq!(
                    page.host_errors().await,
                    Vec::<Value>::new(),
                    "mount={mount}"
                );
            }
        },
    )
    .await;
}

/// A page of the demo host's origin (so the backend accepts its portals), framed in
/// the demo page with its own fresh `portico.js`: its script calls
/// `Portico.customerPortal` right after the script tag, as integrators do, and
/// records what it saw at the call. Each portal reports its events to
/// `events[its element's id]`; the identity is the demo page's own `config`. The
/// frame keeps its own uncaught errors, as the demo page does.
fn framed_page(backend: &str) -> String {
    format!(
        r##"<div id="destroyed"></div><div id="kept"></div><div id="twice"></div>
<script>
  var errors = [];
  window.addEventListener("error", function (e) {{ errors.push(String(e.message)); }});
  window.addEventListener("unhandledrejection", function (e) {{ errors.push("unhandled rejection: " + String(e.reason)); }});
</script>
<script src="{backend}/portico.js"></script>
<script>
  var events = {{ destroyed: [], kept: [], twice: [] }};
  function config(id) {{
    return Object.assign({{}}, parent.config, {{
      handleResponse: function (payload) {{ events[id].push(payload.event); }}
    }});
  }}
  var destroyed = Portico.customerPortal("#destroyed", config("destroyed"));
  window.atCall = {{
    destroy: typeof destroyed.destroy,
    shadowRoot: document.getElementById("destroyed").shadowRoot !== null,
    wasmFetched: performance.getEntriesByType("resource")
      .some(function (entry) {{ return entry.name.indexOf("portico-widget_bg.wasm") >= 0; }})
  }};
  destroyed.destroy();
  Portico.customerPortal("#kept", config("kept"));
  Portico.customerPortal("#twice", config("twice"));
  Portico.customerPortal("#twice", config("twice"));
</script>"##
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn portico_js_hands_back_a_handle_before_the_widget_has_loaded() {
    run(
        "loader_handle",
        StackOptions::default(),
        |page, stack| async move {
            page.goto(&stack.host_url("email=lou@example.com&service=acme"))
                .await;
            page.event("load").await;
            let frame = serde_json::to_string(&framed_page(&stack.backend)).unwrap();
            page.script(&format!(
                "const frame = document.createElement('iframe');
                 frame.id = 'loader-frame';
                 frame.srcdoc = {frame};
                 document.body.append(frame);
                 return true;"
            ))
            .await;
            let events = "document.getElementById('loader-frame').contentWindow.events";
            // Wait until both live portals have loaded.
            page.wait_script(&format!(
                "const events = {events};
                 return events && events.kept.includes('load') && events.twice.includes('load');"
            ))
            .await;

            // The call returned a handle at once: the widget had not run, its wasm
            // not even arrived.
            let frame = "document.getElementById('loader-frame').contentWindow";
            assert_eq!(
                page.script(&format!("return {frame}.atCall;")).await,
                json!({ "destroy": "function", "shadowRoot": false, "wasmFetched": false })
            );
            // Destroyed before the widget was ready, a portal never mounts nor
            // reports; mounted twice into one element, there is one portal, which
            // loads once.
            let outcome = page
                .script(&format!(
                    "const frame = {frame};
                     const portals = id => {{
                       const root = frame.document.getElementById(id).shadowRoot;
                       return root ? root.querySelectorAll('[data-testid=portico-root]').length : 0;
                     }};
                     return {{ events: frame.events, errors: frame.errors, destroyed: portals('destroyed'),
                               kept: portals('kept'), twice: portals('twice') }};"
                ))
                .await;
            assert_eq!(
                outcome,
                json!({
                    "events": { "destroyed": [], "kept": ["load"], "twice": ["load"] },
                    "errors": [],
                    "destroyed": 0, "kept": 1, "twice": 1,
                })
            );
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_mount_replaces_the_first_and_destroy_unmounts_and_silences_it() {
    run(
        "loader_remount",
        StackOptions::default(),
        |page, stack| async move {
            page.goto(&stack.host_url("email=mo@example.com&service=acme"))
                .await;
            page.widget("plan-team").await;
            page.script(
                "window.second = Portico.customerPortal('#portico-embed', config); return true;",
            )
            .await;
            page.wait_script(
                "return window.porticoEvents.filter(e => e.event === 'load').length === 2;",
            )
            .await;
            page.widget("plan-team").await;
            let shadow = "document.getElementById('portico-embed').shadowRoot";
            let mounted = page
                .script(&format!(
                    "const root = {shadow};
                     return {{ portals: root.querySelectorAll('[data-testid=portico-root]').length,
                               stylesheets: root.querySelectorAll('link[rel=stylesheet]').length }};"
                ))
                .await;
            assert_eq!(mounted, json!({ "portals": 1, "stylesheets": 1 }));

            // The live portal's handle unmounts it; the replaced one's handle is inert.
            let nodes = page
                .script(&format!(
                    "window.second.destroy(); return {shadow}.childNodes.length;"
                ))
                .await;
            assert_eq!(nodes, 0, "destroy() leaves the shadow root empty");
            let nodes = page
                .script(&format!(
                    "window.porticoHandle.destroy(); window.second.destroy();
                     return {shadow}.childNodes.length;"
                ))
                .await;
            assert_eq!(nodes, 0);

            // Destroyed while its first request is in flight (the loader has mounted
            // it by the next task), a portal reports nothing. The portal mounted
            // after it is the barrier: once that one has loaded, so would have this.
            page.script(
                "window.silenced = [];
                 const handle = Portico.customerPortal('#portico-embed', Object.assign({}, config, {
                   handleResponse: payload => window.silenced.push(payload.event) }));
                 setTimeout(() => handle.destroy());
                 setTimeout(() => { window.barrier = Portico.customerPortal('#portico-embed', config); });
                 return true;",
            )
            .await;
            page.wait_script(
                "return window.porticoEvents.filter(e => e.event === 'load').length === 3;",
            )
            .await;
            assert_eq!(page.script("return window.silenced;").await, json!([]));
            assert_eq!(page.host_errors().await, Vec::<Value>::new());
        },
    )
    .await;
}
