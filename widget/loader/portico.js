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

  function url(name) { return root + "/assets/" + name + "?v=" + V; }

  function load() {
    if (!ready) {
      var dom = new Promise(function (r) {
        if (d.readyState === "loading") d.addEventListener("DOMContentLoaded", r); else r();
      });
      ready = import(url("portico-widget.js")).then(function (m) {
        return m.default({ module_or_path: url("portico-widget_bg.wasm") }).then(function () {
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

  function customerPortal(target, config) {
    var real = null, gone = false;
    load().then(function (m) {
      if (!gone) real = m.customerPortal(target, config, root, url("portico.css"));
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
