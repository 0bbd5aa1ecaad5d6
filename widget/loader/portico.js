/* Portico loader. <script src="{backend}/portico.js"></script>, then
   Portico.customerPortal(target, config). Loads the widget from this script's own
   origin; calls made before the widget is ready wait for it. Never throws. */
(function (w, d) {
  "use strict";
  var P = w.Portico;
  if (P && P.loaded) return;
  var V = "__PORTICO_VERSION__";
  var s = d.currentScript;
  var root = ((s && s.src) || "").replace(/\/portico\.js([?#].*)?$/, "");
  var ready;

  // One directory per build: the glue's imports and the on-demand modules resolve in it.
  function url(name) { return root + "/assets/v/" + V + "/" + name; }

  function load() {
    if (!ready) {
      var dom = new Promise(function (r) {
        if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", r); else r();
      });
      // The wasm downloads alongside its glue, not after it.
      var wasm = fetch(url("portico-widget_bg.wasm"));
      wasm.catch(function () {});
      ready = import(url("portico-widget.js")).then(function (m) {
        return m.default({ module_or_path: wasm }).then(function () {
          return dom.then(function () { return m; });
        });
      });
    }
    return ready;
  }

  function fail(target, config, e) {
    var message = "The billing portal could not be loaded.";
    try { console.error("Portico: " + message, e); } catch (_) {}
    try {
      var el = typeof target === "string" ? d.querySelector(target) : target;
      if (el && el.nodeType === 1) el.textContent = message;
    } catch (_) {}
    try {
      var h = config && config.handleResponse;
      if (typeof h === "function") {
        var r = h({ event: "error", response: { code: "network_error", message: message },
          id: "evt_" + Math.random().toString(36).slice(2), created: Math.floor(Date.now() / 1000), livemode: false });
        if (r && typeof r.catch === "function") r.catch(function () {});
      }
    } catch (_) {}
  }

  // The portal's first two calls, made while the wasm downloads, for a config that
  // claims one identity. The widget takes them only if `body` is exactly the
  // exchange it would send; otherwise it makes its own.
  function head(c) {
    var t = function (v) { return typeof v === "string" ? v : undefined; };
    if (!c || typeof c !== "object" || c.session != null || !t(c.service) ||
        !t(c.email) === !t(c.customer_id) || typeof fetch !== "function") return;
    var api = root + "/v1/embed", body = JSON.stringify({ service: c.service, email: t(c.email),
      customer_id: t(c.customer_id), hash: t(c.hash), subscription_id: t(c.subscription_id) });
    var p = fetch(api + "/sessions", { method: "POST", headers: { "content-type": "application/json" }, body: body })
      .then(function (x) {
        var done = function (portal) { return { body: body, exchange: x, portal: portal }; };
        if (!x.ok) return done(null);
        return x.clone().json().then(function (s) {
          return fetch(api + "/portal", { headers: { "x-session-token": s.token } });
        }).then(done, function () { return done(null); });
      });
    p.catch(function () {});
    return p;
  }

  function customerPortal(target, config) {
    var real = null, gone = false, early = head(config);
    load().then(function (m) {
      if (!gone) real = m.customerPortalPrefetched(target, config, root, url("portico.css"), early);
    }).catch(function (e) { fail(target, config, e); });
    return {
      destroy: function () {
        gone = true;
        if (real) { real.destroy(); real.free(); real = null; }
      }
    };
  }

  w.Portico = { loaded: true, version: V, customerPortal: customerPortal };
  // Replay calls a stub queued before this script ran: Portico.q = [["customerPortal", target, config]].
  var q = (P && P.q) || [];
  for (var i = 0; i < q.length; i++) if (q[i][0] === "customerPortal") customerPortal(q[i][1], q[i][2]);
  if (w.porticoSettings) customerPortal("#portico-embed", w.porticoSettings);
})(window, document);
