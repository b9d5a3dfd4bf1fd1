/* kbtools: a "Copy" button for every element with a data-kb-copy attribute (answer scripts).
   The button copies the element's visible text; it works with Material's instant loading. */
(function () {
  "use strict";
  var LABELS = {
    en: ["Copy", "Copied"], ar: ["نسخ", "تم النسخ"], fa: ["کپی", "کپی شد"],
    ru: ["Копировать", "Скопировано"], sl: ["Kopiraj", "Kopirano"]
  };

  function labels() {
    var lang = (document.documentElement.lang || "en").slice(0, 2);
    return LABELS[lang] || LABELS.en;
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

  function init() {
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

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
