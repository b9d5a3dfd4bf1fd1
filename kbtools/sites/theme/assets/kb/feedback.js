/* kbtools: "Was this helpful?" on the public site's articles.

   The theme writes, on every article page, an empty
     <section class="kb-feedback" data-kb-page="PAGE_URL" data-kb-lang="LANG"
              data-kb-endpoint="ENDPOINT" data-kb-question="..." data-kb-yes="..."
              data-kb-no="..." data-kb-thanks="..."></section>
   (strings in the reader's language) and loads this file. It turns the section into a small
   widget: the question, a Yes and a No button (real buttons: Tab, Enter and Space work) and a
   status line read out by screen readers (role=status, aria-live=polite) that thanks the reader.

   A vote is POSTed as JSON {"page": "/faq/refund/", "lang": "en", "helpful": true} to the
   endpoint, resolved against the site root (two folders above this file, as search.js does):
   "api/feedback" by default, which `kb serve --public` answers; a site owner on static hosting
   may name their own collector (an absolute URL). "page" is the page's path under the site
   root. Once the endpoint has taken the vote (a 2xx answer), the page is remembered in
   localStorage as voted and the thanks are shown there again on later visits. When the endpoint
   is missing or refuses (plain static hosting answers 404/405/501) or cannot be reached, the
   widget is hidden: nothing is thanked for that was not kept, and the page goes on working.
   Works with Material's instant navigation (document$). */
(function () {
  "use strict";
  var SELECTOR = "section.kb-feedback[data-kb-page]";
  var STORE = "kb.feedback:";
  var DEFAULT_ENDPOINT = "api/feedback";

  var script = document.currentScript;
  if (window.__kbFeedback || !script) return;
  window.__kbFeedback = true;
  var root = new URL("../../", script.src);
  var count = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* The page's path under the site root ("/faq/refund/"), from data-kb-page (a URL relative
     to the site root, or absolute); the address bar's when that lies outside the root. */
  function pagePath(section) {
    var given = section.getAttribute("data-kb-page") || "";
    var url;
    try {
      url = /^[a-z][a-z0-9+.-]*:/i.test(given) ? new URL(given)
        : new URL(given.replace(/^\/+/, ""), root);
    } catch (e) {
      url = new URL(location.href);
    }
    if (url.origin !== root.origin || url.pathname.indexOf(root.pathname) !== 0) {
      url = new URL(location.href);
    }
    if (url.pathname.indexOf(root.pathname) !== 0) return "/";
    return "/" + url.pathname.slice(root.pathname.length).replace(/index\.html$/, "");
  }

  function voted(page) {
    try { return localStorage.getItem(STORE + page); } catch (e) { return null; }
  }

  function remember(page, helpful) {
    try { localStorage.setItem(STORE + page, helpful ? "yes" : "no"); } catch (e) { /* off */ }
  }

  function build(section) {
    if (section.getAttribute("data-kb-ready")) return;
    section.setAttribute("data-kb-ready", "true");
    var page = pagePath(section);
    var lang = section.getAttribute("data-kb-lang") || document.documentElement.lang || "";
    var endpoint;
    try {
      endpoint = new URL(section.getAttribute("data-kb-endpoint") || DEFAULT_ENDPOINT, root);
    } catch (e) {
      section.hidden = true;
      return;
    }
    var id = "kb-feedback-question-" + (++count);
    var question = el("p", "kb-feedback__question", section.getAttribute("data-kb-question") || "");
    question.id = id;
    var group = el("div", "kb-feedback__buttons");
    group.setAttribute("role", "group");
    group.setAttribute("aria-labelledby", id);
    var status = el("p", "kb-feedback__thanks");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    status.tabIndex = -1;
    section.setAttribute("aria-labelledby", id);
    section.textContent = "";
    section.appendChild(question);
    section.appendChild(group);
    section.appendChild(status);

    function thank() {
      question.hidden = true;
      group.hidden = true;
      status.textContent = section.getAttribute("data-kb-thanks") || "";
    }

    if (voted(page)) {
      thank();
      return;
    }
    [["yes", true], ["no", false]].forEach(function (choice) {
      var button = el("button", "md-button kb-feedback__button",
                      section.getAttribute("data-kb-" + choice[0]) || choice[0]);
      button.type = "button";
      button.setAttribute("data-kb-vote", choice[0]);
      button.addEventListener("click", function () { send(choice[1]); });
      group.appendChild(button);
    });

    function send(helpful) {
      var buttons = group.querySelectorAll("button");
      for (var i = 0; i < buttons.length; i++) buttons[i].disabled = true;
      var body = JSON.stringify({ page: page, lang: lang, helpful: helpful });
      var request;
      try {
        request = fetch(endpoint.href, {
          method: "POST", keepalive: true,
          credentials: endpoint.origin === location.origin ? "same-origin" : "omit",
          headers: { "Content-Type": "application/json" }, body: body
        });
      } catch (e) {
        request = Promise.reject(e);
      }
      request.then(function (response) {
        if (!response.ok) throw new Error("vote not taken: " + response.status);
        remember(page, helpful);
        var hadFocus = section.contains(document.activeElement);
        thank();
        if (hadFocus) status.focus();  /* the pressed button is gone: keep the reader here */
      }).catch(function () {
        section.hidden = true;  /* no collector here (static hosting): show nothing */
      });
    }
  }

  function init() {
    var sections = document.querySelectorAll(SELECTOR);
    for (var i = 0; i < sections.length; i++) build(sections[i]);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  /* every page, with instant navigation too */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
