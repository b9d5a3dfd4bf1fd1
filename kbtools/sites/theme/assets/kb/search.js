/* kbtools: the site's search box (Material for MkDocs) on the search engine's API, so the
   browser ranks like `kb search`: typos, synonyms, every language.

   Loaded two ways:
   - by `kb serve` (internal site, or --public), injected into every page as /_kb/search.js:
     the API is at the server root;
   - by the public site's own pages (assets/kb/search.js, see the theme's main.html): it asks
     once per browser session whether the site root answers api/search with JSON (the site is
     served by `kb serve --public` or behind a server that proxies api/search to it) and only
     then takes the box over; on plain static hosting Material's own search is left as it is.
   When both are on a page, the first (kb serve's) wires the box and the other does nothing.

   What is logged (POST api/search/events; the server logs, without personal data): a query
   once the person has stopped typing for SETTLE_MS, pressed Enter, opened a result or left
   the page, never the fragments typed on the way; and which result was opened, with its rank. Material's own
   listeners are dropped by replacing its search input with a clone. Results are rendered with
   textContent; only the server's snippet (escaped HTML with <mark>) is inserted as HTML. */
(function () {
  "use strict";
  var SELECTOR = 'input[data-md-component="search-query"], input.md-search__input';
  var SERVED = "/_kb/search.js";
  var SETTLE_MS = 1500;  /* no keystroke for this long: the query is the one meant */
  var DEBOUNCE_MS = 120;  /* results follow typing at this pause */
  var PROBED = "kb.search.api";

  var script = document.currentScript;
  if (window.__kbSearch || !script) return;
  var fromServer = new URL(script.src, location.href).pathname === SERVED;
  if (!fromServer && document.querySelector('script[src="' + SERVED + '"]')) return;
  window.__kbSearch = true;

  var site = document.querySelector('meta[name="kb-site"]');
  var isPublic = !!site && site.getAttribute("content") === "public";
  /* The site root: the server's root, or two folders above this file (assets/kb/). */
  var root = fromServer ? new URL("/", location.href) : new URL("../../", script.src);
  var api = new URL("api/search", root).href;

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function remember(value) {
    try { sessionStorage.setItem(PROBED, value); } catch (e) { /* storage off: probe again */ }
  }

  function remembered() {
    try { return sessionStorage.getItem(PROBED); } catch (e) { return null; }
  }

  /* Calls fn when the site root answers api/search with a JSON search result. */
  function probe(fn) {
    var known = remembered();
    if (known === "no") return;
    if (known === "yes") { fn(); return; }
    fetch(api + "?n=1&q=", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        var type = response.headers.get("content-type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) throw new Error("no engine");
        return response.json();
      }).then(function (data) {
        if (!data || !Array.isArray(data.results)) throw new Error("no engine");
        remember("yes");
        fn();
      }).catch(function () { remember("no"); });
  }

  function attach() {
    var original = document.querySelector(SELECTOR);
    if (!original) return;
    var focused = document.activeElement === original;
    var input = original.cloneNode(true);
    original.parentNode.replaceChild(input, original);
    input.setAttribute("data-kb-search", "api");
    input.removeAttribute("disabled");
    if (focused) input.focus();
    var meta = document.querySelector(".md-search-result__meta");
    var list = document.querySelector(".md-search-result__list");
    var toggle = document.getElementById("__search");
    var lang = isPublic ? (document.documentElement.getAttribute("lang") || "") : "";
    var timer = null;
    var settleTimer = null;
    var latest = 0;
    var logged = null;  /* the last query logged, so that it is logged once */

    function params(query) {
      var text = "q=" + encodeURIComponent(query);
      if (lang) text += "&lang=" + encodeURIComponent(lang);
      if (isPublic) text += "&scope=public";
      return text;
    }

    function post(event) {
      if (lang) event.lang = lang;
      fetch(api + "/events", {
        method: "POST", keepalive: true, credentials: "same-origin",
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(event)
      }).catch(function () { /* the log is best effort */ });
    }

    function settle() {
      clearTimeout(settleTimer);
      var query = input.value.trim();
      if (!query || query === logged) return;
      logged = query;
      post({ event: "search", query: query });
    }

    function opened(link) {
      var query = input.value.trim();
      if (!query) return;
      settle();
      post({ event: "open", query: query, path: link.getAttribute("data-kb-path"),
             rank: Number(link.getAttribute("data-kb-rank")) });
    }

    /* The labels come from the catalogs, on <meta name="kb-strings"> (theme/main.html). */
    function label(name, values) {
      var strings = document.querySelector('meta[name="kb-strings"]');
      var text = (strings && strings.getAttribute("data-search-" + name)) || "";
      Object.keys(values || {}).forEach(function (key) {
        text = text.split("{" + key + "}").join(String(values[key]));
      });
      return text;
    }

    function setMeta(text, suggestion) {
      if (!meta) return;
      meta.hidden = false;
      meta.textContent = text;
      if (!suggestion) return;
      /* "did you mean" is a link: following it searches for the suggestion */
      var parts = label("did-you-mean").split("{suggestion}");
      meta.appendChild(document.createTextNode(" \u2014 " + parts[0]));
      var again = el("a", "kb-search-suggestion", suggestion);
      again.href = "#";
      again.setAttribute("data-kb-suggestion", suggestion);
      again.addEventListener("click", function (event) {
        event.preventDefault();
        input.value = suggestion;
        input.focus();
        run();
        settle();
      });
      meta.appendChild(again);
      meta.appendChild(document.createTextNode(parts.slice(1).join("")));
    }

    function render(data) {
      if (!list) return;
      list.textContent = "";
      list.hidden = false;  /* Material hides the list until its own worker answers */
      var total = data.total || 0;
      var note = total === 1 ? label("result-one") : label("results", { count: total });
      setMeta(note, data.suggestion);
      (data.results || []).forEach(function (hit, index) {
        var item = el("li", "md-search-result__item");
        var link = el("a", "md-search-result__link");
        if (typeof hit.url === "string" && hit.url.charAt(0) === "/" && hit.url.charAt(1) !== "/") {
          link.href = new URL(hit.url.slice(1), root).pathname;
          link.setAttribute("data-kb-path", hit.path);
          link.setAttribute("data-kb-rank", String(index + 1));
        }
        var article = el("article", "md-search-result__article md-typeset");
        var title = el("h1", null, hit.title);
        var info = el("p", "kb-search-info", "[" + hit.kind + " \u00b7 " + hit.lang + "]" +
                      (hit.marker ? " " + hit.marker : ""));
        var snippet = el("p", "kb-search-snippet");
        snippet.innerHTML = hit.snippet;  /* escaped by the server; only <mark> inside */
        article.appendChild(title);
        article.appendChild(info);
        article.appendChild(snippet);
        link.appendChild(article);
        item.appendChild(link);
        list.appendChild(item);
      });
    }

    function run() {
      var query = input.value.trim();
      var ticket = ++latest;
      if (!query) {
        if (list) list.textContent = "";
        setMeta(label("prompt"));
        return;
      }
      fetch(api + "?n=10&" + params(query), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (answer) {
        if (ticket !== latest) return;  /* a newer query is on its way */
        if (!answer.ok) { if (list) list.textContent = ""; setMeta(answer.data.error || label("failed")); return; }
        render(answer.data);
      }).catch(function () {
        if (ticket === latest) setMeta(label("unavailable"));
      });
    }

    input.addEventListener("input", function () {
      if (toggle && !toggle.checked) toggle.checked = true;
      clearTimeout(timer);
      timer = setTimeout(run, DEBOUNCE_MS);
      clearTimeout(settleTimer);
      settleTimer = setTimeout(settle, SETTLE_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      settle();
      var first = list && list.querySelector("a[data-kb-path]");
      if (first) {
        opened(first);
        window.location.href = first.getAttribute("href");
      }
    });
    if (list) {
      /* click, and middle click (a new tab): both open the result */
      ["click", "auxclick"].forEach(function (type) {
        list.addEventListener(type, function (event) {
          var link = event.target.closest && event.target.closest("a[data-kb-path]");
          if (link && (type === "click" || event.button === 1)) opened(link);
        });
      });
    }
    /* leaving the page ends the typing too */
    window.addEventListener("pagehide", settle);
    if (toggle) {
      toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });
    }
    if (input.value.trim()) run();  /* typed into Material's box before the engine answered */
    document.documentElement.setAttribute("data-kb-search", "api");
  }

  ready(function () {
    if (fromServer) attach();
    else probe(attach);
  });
})();
