/* kbtools: a "Copy" button for every element with a data-kb-copy attribute (answer scripts),
   the help-center home's search box, Material's search box searching text typed without a
   key release, and the fallback banner of the language an English page's reader came from.
   The button copies the element's visible text; all work with Material's instant loading. */
(function () {
  "use strict";
  // The labels come from the catalogs, on <meta name="kb-strings"> (theme/main.html).
  function labels() {
    var meta = document.querySelector('meta[name="kb-strings"]');
    return [meta && meta.getAttribute("data-copy") || "Copy",
            meta && meta.getAttribute("data-copied") || "Copied"];
  }

  // The help-center home's search box opens Material's search with what was typed.
  function initSearchForm() {
    document.querySelectorAll("form[data-kb-search-form]").forEach(function (form) {
      if (form.getAttribute("data-kb-ready")) return;
      form.setAttribute("data-kb-ready", "1");
      form.addEventListener("submit", function (event) {
        var toggle = document.querySelector('input[data-md-toggle="search"]');
        var query = document.querySelector('input[data-md-component="search-query"]');
        if (!toggle || !query) return;  // no search on this page: submit as a link
        event.preventDefault();
        var value = form.querySelector("input[type=search]").value;
        toggle.checked = true;
        toggle.dispatchEvent(new Event("change"));
        query.value = value;
        query.focus();
        query.dispatchEvent(new Event("input", {bubbles: true}));
      });
    });
  }

  function copyText(value) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(value);
    }
    var area = document.createElement("textarea");
    area.value = value;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    document.execCommand("copy");
    area.remove();
    return Promise.resolve();
  }

  // Instant navigation keeps the header: point the language menu at this page's versions
  // (theme/main.html lists them in the content, which instant navigation replaces).
  function initLanguageLinks() {
    document.querySelectorAll("[data-kb-alternate]").forEach(function (alt) {
      var lang = alt.getAttribute("data-kb-alternate");
      document.querySelectorAll(".md-select__link[hreflang]").forEach(function (link) {
        if (link.getAttribute("hreflang") === lang) {
          link.href = new URL(alt.getAttribute("data-href"), window.location.href).href;
        }
      });
    });
  }

  // Material's search overlay is a role=dialog without a name (axe: aria-dialog-name): give
  // it the search box's own label, which Material writes in the reader's language.
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]:not([aria-label])");
    var input = document.querySelector("input.md-search__input[aria-label]");
    if (dialog && input) dialog.setAttribute("aria-label", input.getAttribute("aria-label"));
  }

  // The agent site writes no fallback copies: another language's navigation leads to the
  // English page of an article not translated into it, which carries that language's
  // "not available" banner, hidden (data-kb-reader). Show the one of the language the
  // reader came from: the language of the last page read without such banners, or the one
  // picked in the language menu.
  var READER = "kb-reader-language";

  function remember(lang) {
    try { sessionStorage.setItem(READER, lang); } catch (err) { /* storage off: no banner */ }
  }

  function showReaderBanners() {
    var banners = document.querySelectorAll("[data-kb-reader]");
    if (!banners.length) {
      remember(document.documentElement.lang);
      return;
    }
    var reader = null;
    try { reader = sessionStorage.getItem(READER); } catch (err) { /* none */ }
    banners.forEach(function (banner) {
      banner.hidden = banner.getAttribute("data-kb-reader") !== reader;
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".md-select__link[hreflang]");
    if (link) remember(link.getAttribute("hreflang"));
  });

  function init() {
    showReaderBanners();
    initSearchForm();
    initLanguageLinks();
    nameSearchDialog();
    var names = labels();
    document.querySelectorAll("[data-kb-copy]").forEach(function (box) {
      if (box.getAttribute("data-kb-copy-ready")) return;
      box.setAttribute("data-kb-copy-ready", "1");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button kb-copy-button";
      button.textContent = box.getAttribute("data-kb-copy") || names[0];
      button.addEventListener("click", function () {
        copyText(box.innerText.trim()).then(function () {
          var before = button.textContent;
          button.textContent = names[1];
          button.classList.add("kb-copied");
          setTimeout(function () {
            button.textContent = before;
            button.classList.remove("kb-copied");
          }, 2000);
        });
      });
      box.parentNode.insertBefore(button, box);
    });
  }

  // Material's search box reads the query when a key is released. Text that comes without a
  // key release (pasted with the mouse, dictated, a phone keyboard's suggestion, an input
  // method's word) would wait for the next key: say a key was released. Material ignores a
  // value it has already searched. The listener is on the document, which instant
  // navigation keeps.
  document.addEventListener("input", function (event) {
    var box = event.target;
    if (box && box.matches && box.matches('input[data-md-component="search-query"]')) {
      box.dispatchEvent(new KeyboardEvent("keyup"));
    }
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
