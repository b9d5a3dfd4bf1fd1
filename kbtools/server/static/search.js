/* kb serve: make the site's search box (Material for MkDocs) use /api/search, so agents get
   the same ranking, typo tolerance and synonyms in the browser as `kb search` in a terminal.
   Material's own listeners are dropped by replacing its search input with a clone. Results
   are rendered with textContent; only the server's snippet (escaped HTML with <mark>) is
   inserted as HTML. */
(function () {
  "use strict";
  var SELECTOR = 'input[data-md-component="search-query"], input.md-search__input';

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

  ready(function () {
    var original = document.querySelector(SELECTOR);
    if (!original) return;
    var input = original.cloneNode(true);
    original.parentNode.replaceChild(input, original);
    input.setAttribute("data-kb-search", "api");
    input.removeAttribute("disabled");
    var meta = document.querySelector(".md-search-result__meta");
    var list = document.querySelector(".md-search-result__list");
    var toggle = document.getElementById("__search");
    var timer = null;
    var latest = 0;

    function setMeta(text) { if (meta) { meta.hidden = false; meta.textContent = text; } }

    function render(data) {
      if (!list) return;
      list.textContent = "";
      list.hidden = false;  /* Material hides the list until its own worker answers */
      var total = data.total || 0;
      var note = total === 1 ? "1 matching document" : total + " matching documents";
      if (data.suggestion) note += " \u2014 did you mean: " + data.suggestion;
      setMeta(note);
      (data.results || []).forEach(function (hit) {
        var item = el("li", "md-search-result__item");
        var link = el("a", "md-search-result__link");
        if (typeof hit.url === "string" && hit.url.charAt(0) === "/" && hit.url.charAt(1) !== "/") {
          link.href = hit.url;
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
        setMeta("Type to start searching");
        return;
      }
      fetch("/api/search?n=10&q=" + encodeURIComponent(query), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (answer) {
        if (ticket !== latest) return;  /* a newer query is on its way */
        if (!answer.ok) { if (list) list.textContent = ""; setMeta(answer.data.error || "Search failed"); return; }
        render(answer.data);
      }).catch(function () {
        if (ticket === latest) setMeta("Search is not available right now");
      });
    }

    input.addEventListener("input", function () {
      if (toggle && !toggle.checked) toggle.checked = true;
      clearTimeout(timer);
      timer = setTimeout(run, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        var first = list && list.querySelector("a[href]");
        if (first) window.location.href = first.getAttribute("href");
      }
    });
    if (toggle) {
      toggle.addEventListener("change", function () { if (toggle.checked) input.focus(); });
    }
    document.documentElement.setAttribute("data-kb-search", "api");
  });
})();
