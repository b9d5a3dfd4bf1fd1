// kb serve --watch: reload the page when a new build of the site is served, and show the
// findings of an edit that was refused (the page stays the last good build).
(function () {
  "use strict";
  var script = document.currentScript;
  var generation = Number(script && script.dataset.generation);
  var version = -1;
  var BOX = "kb-preview-findings";

  function show(state) {
    var box = document.getElementById(BOX);
    if (!state.findings.length) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = BOX;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;left:1rem;right:1rem;bottom:1rem;z-index:10000;" +
        "max-height:45vh;overflow:auto;padding:.8rem 1rem;border-radius:.4rem;" +
        "background:#2b1d1d;color:#fff;font:13px/1.5 ui-monospace,monospace;" +
        "box-shadow:0 4px 16px rgba(0,0,0,.4)";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = state.refused
      ? "kb: this edit was not built; the page shows the last good build"
      : "kb: built, with warnings";
    var list = document.createElement("pre");
    list.style.cssText = "margin:.4rem 0 0;white-space:pre-wrap;font:inherit";
    list.textContent = state.findings.map(function (f) { return f.text; }).join("\n");
    box.appendChild(title);
    box.appendChild(list);
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  async function poll() {
    for (;;) {
      try {
        var response = await fetch("/_kb/live?since=" + version,
                                   { cache: "no-store", credentials: "same-origin" });
        if (!response.ok) throw new Error("HTTP " + response.status);
        var state = await response.json();
        version = state.version;
        // Reload when this page's language changed after the page was served (a partial
        // rebuild renders the edited languages first), or when the server restarted.
        var lang = document.documentElement.lang;
        var changed = state.changed && lang in state.changed ? state.changed[lang]
                                                             : state.generation;
        if (changed > generation || state.generation < generation) {
          location.reload();
          return;
        }
        show(state);
      } catch (err) {
        await wait(1000);  // the server restarts or is busy: ask again
      }
    }
  }

  poll();
})();
