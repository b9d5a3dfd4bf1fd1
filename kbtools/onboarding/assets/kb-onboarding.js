/* Onboarding paths: progress saved in this browser, quizzes with immediate feedback.
 *
 * Progress lives in localStorage under "kb-onboarding:" + the path file as
 *   {v: 1, steps: {ARTICLE_PATH: {hash, at}}, quizzes: {CHECKPOINT_ID: {passed, at}}}
 * Keys are stable ids, never positions, so a rebuilt or reordered path keeps its progress.
 * A step whose stored hash differs from the page's data-hash has changed since it was read.
 * The file runs on path pages and on the paths index; it is idempotent (data-kb-ready).
 * Its words come from the page (data-kb-strings on the widget's root: the reader's language,
 * from the translation catalogs), so this body is the same on every page and language.
 */
(function () {
  "use strict";
  var PREFIX = "kb-onboarding:";

  function empty() { return { v: 1, steps: {}, quizzes: {} }; }

  function load(key) {
    try {
      var data = JSON.parse(window.localStorage.getItem(PREFIX + key) || "null");
      if (data && typeof data === "object") {
        data.steps = data.steps && typeof data.steps === "object" ? data.steps : {};
        data.quizzes = data.quizzes && typeof data.quizzes === "object" ? data.quizzes : {};
        return data;
      }
    } catch (err) { /* unreadable or blocked storage: start empty */ }
    return empty();
  }

  function save(key, data) {
    try {
      window.localStorage.setItem(PREFIX + key, JSON.stringify(data));
      return true;
    } catch (err) {
      return false;
    }
  }

  function wordsOf(node) {
    try {
      var words = JSON.parse(node.getAttribute("data-kb-strings") || "{}");
      return words && typeof words === "object" ? words : {};
    } catch (err) { return {}; }
  }

  function fillIn(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function formatMinutes(words, minutes) {
    minutes = Math.max(0, minutes);
    var hours = Math.floor(minutes / 60), rest = minutes % 60;
    var key = hours && rest ? "time.hours_minutes" : (hours ? "time.hours" : "time.minutes");
    return fillIn(words[key], { hours: hours, minutes: rest });
  }

  function initPath(root) {
    var key = root.getAttribute("data-kb-path");
    var words = wordsOf(root);
    var data = load(key);
    var steps = Array.prototype.slice.call(root.querySelectorAll(".kb-path-step[data-hash]"));
    var allSteps = root.querySelectorAll(".kb-path-step");
    var quizzes = Array.prototype.slice.call(root.querySelectorAll(".kb-quiz"));
    var bar = root.querySelector(".kb-path-bar");
    var fill = root.querySelector(".kb-path-bar-fill");
    var progress = root.querySelector(".kb-path-progress");
    var remaining = root.querySelector(".kb-path-remaining");
    var storageNote = root.querySelector(".kb-path-storage");

    function persist() {
      if (!save(key, data)) { storageNote.hidden = false; }
    }

    function refresh() {
      var read = 0, passed = 0, left = 0;
      Array.prototype.forEach.call(allSteps, function (li) {
        left += parseInt(li.getAttribute("data-minutes") || "0", 10);
      });
      steps.forEach(function (li) {
        var record = data.steps[li.getAttribute("data-step")];
        var isRead = Boolean(record);
        var updated = isRead && record.hash !== li.getAttribute("data-hash");
        li.querySelector(".kb-step-read").checked = isRead;
        li.classList.toggle("kb-read", isRead);
        li.classList.toggle("kb-updated", updated);
        li.querySelector(".kb-step-updated").hidden = !updated;
        if (isRead) {
          read += 1;
          left -= parseInt(li.getAttribute("data-minutes"), 10);
        }
      });
      quizzes.forEach(function (form) {
        var ok = Boolean((data.quizzes[form.getAttribute("data-quiz")] || {}).passed);
        form.classList.toggle("kb-passed", ok);
        form.querySelector(".kb-quiz-passed").hidden = !ok;
        if (ok) { passed += 1; }
      });
      var all = steps.length + quizzes.length;
      var percent = all ? Math.round((100 * (read + passed)) / all) : 0;
      bar.setAttribute("aria-valuenow", String(percent));
      fill.style.width = percent + "%";
      progress.textContent = fillIn(words.progress, {
        read: read, steps: steps.length, passed: passed, quizzes: quizzes.length,
        percent: percent
      });
      remaining.textContent = formatMinutes(words, left);
    }

    function markRead(li, isRead) {
      var ref = li.getAttribute("data-step");
      if (isRead) {
        data.steps[ref] = { hash: li.getAttribute("data-hash"), at: new Date().toISOString() };
      } else {
        delete data.steps[ref];
      }
      persist();
      refresh();
    }

    steps.forEach(function (li) {
      li.querySelector(".kb-step-read").addEventListener("change", function (event) {
        markRead(li, event.target.checked);
      });
      li.querySelector(".kb-step-reread").addEventListener("click", function () {
        markRead(li, true);
      });
    });

    quizzes.forEach(function (form) {
      var feedback = form.querySelector(".kb-quiz-feedback");
      var explanation = form.querySelector(".kb-quiz-explanation");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var select = parseInt(form.getAttribute("data-select"), 10);
        var chosen = Array.prototype.map.call(
          form.querySelectorAll("input:checked"), function (input) { return input.value; }
        ).sort();
        var correct = form.getAttribute("data-correct").split(",").sort();
        form.classList.remove("kb-wrong", "kb-right");
        if (chosen.length !== select) {
          feedback.textContent = select === 1 ? fillIn(words.choose_one, {}) :
            fillIn(words.choose_exactly, { count: select });
          return;
        }
        if (chosen.join(",") === correct.join(",")) {
          data.quizzes[form.getAttribute("data-quiz")] = {
            passed: true, at: new Date().toISOString()
          };
          persist();
          form.classList.add("kb-right");
          feedback.textContent = fillIn(words.correct, {});
        } else {
          form.classList.add("kb-wrong");
          feedback.textContent = fillIn(words.wrong, {});
        }
        explanation.hidden = false;
        refresh();
      });
    });

    root.querySelector(".kb-path-reset").addEventListener("click", function () {
      if (!window.confirm(fillIn(words.reset_confirm, {}))) { return; }
      try { window.localStorage.removeItem(PREFIX + key); } catch (err) { /* blocked */ }
      data = empty();
      quizzes.forEach(function (form) {
        form.reset();
        form.classList.remove("kb-wrong", "kb-right");
        form.querySelector(".kb-quiz-feedback").textContent = "";
        form.querySelector(".kb-quiz-explanation").hidden = true;
      });
      refresh();
    });

    window.addEventListener("storage", function (event) {
      if (event.key === PREFIX + key || event.key === null) {
        data = load(key);
        refresh();
      }
    });
    refresh();
  }

  function initIndexCell(cell) {
    var data = load(cell.getAttribute("data-kb-path"));
    var items = JSON.parse(cell.getAttribute("data-kb-items"));
    var read = items.steps.filter(function (ref) { return data.steps[ref]; }).length;
    var passed = items.quizzes.filter(function (id) {
      return (data.quizzes[id] || {}).passed;
    }).length;
    var all = items.steps.length + items.quizzes.length;
    if (read + passed === 0) { return; }
    cell.textContent = fillIn(wordsOf(cell).index_progress, {
      percent: Math.round((100 * (read + passed)) / (all || 1)), read: read,
      steps: items.steps.length, passed: passed, quizzes: items.quizzes.length
    });
  }

  function init() {
    var selector = ".kb-path:not([data-kb-ready]), .kb-path-index-progress:not([data-kb-ready])";
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (node) {
      node.setAttribute("data-kb-ready", "1");
      if (node.classList.contains("kb-path")) { initPath(node); } else { initIndexCell(node); }
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);  // Material's instant navigation
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
