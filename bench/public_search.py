"""How often one word of an article's title finds that article in the public site's own search
(Material's lunr, in real headless Chromium, on the static files), per language.

    python bench/public_search.py [--langs en,ar,fa,ru] [--kb DIR]

Builds the public site of this repository (or ``--kb``) in a temporary folder, serves it on
127.0.0.1 and, on each language's FAQ page, types every word of every FAQ article's title (as a
reader types it: without the punctuation around it) into the search box, and counts a hit when
the article's page is among the results the list shows (Material shows ten, and more as the
reader scrolls); the first word of each title is counted apart, and so are the words that are
not stop words of the language (lunr leaves those out of the index: one alone finds only
longer words it begins, "how" finds "however"). The stop words are asked of Material's own
search worker; "missed" lists the other words that did not find their article.

Two ways of typing: "typed" is Playwright's, which sends a key press and release for each
Latin letter but inserts other letters as text without key events (as pasting, dictation, a
phone keyboard's suggestion or an input method do); "+End" presses End afterwards, a real key
release. Material's search box reads the query when a key is released.

Each figure is printed twice, from the same build: "after", the site as kbtools writes it now,
and "before" (issue 18): each language's index with Material's default separator
``[\\s\\-]+`` (spelling variants split at it), and Material reading the box only on real key
releases (the key releases kb.js announces for text typed without keys are stopped before
they reach the box).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kbtools.registry import open_kb  # noqa: E402
from kbtools.sites import build  # noqa: E402
from kbtools.sites.search_entries import SEARCH_INDEX, VARIANTS, add_spelling_variants  # noqa: E402
from tests.browser_support import browser, serve_static  # noqa: E402

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # pragma: no cover
    raise SystemExit("needs playwright: pip install -e '.[test]'") from None

NOT_CONTENT = (".git", ".venv", ".kb", "site", "site-public", "tests", "kbtools", "bench",
               "*.egg-info", "__pycache__", ".ruff_cache", ".pytest_cache")
BEFORE_SEPARATOR = r"[\s\-]+"

SETTLED = """([query, separator]) => {
  const config = JSON.parse(document.getElementById('__config').textContent);
  const meta = document.querySelector('.md-search-result__meta').textContent.trim();
  const terms = query.toLowerCase().split(new RegExp(separator)).filter(t => t).join(' ');
  return meta === config.translations['search.result.none']
    || [...document.querySelectorAll('.md-search-result__link')]
         .some(a => new URL(a.href).searchParams.get('h') === terms);
}"""
"""The results are those of the whole query (Material searches at every key release): a
result is highlighted with every word of it (``?h=``), or the list says "no results"."""
IDLE = """() => {
  const config = JSON.parse(document.getElementById('__config').textContent);
  const meta = document.querySelector('.md-search-result__meta').textContent.trim();
  return meta === config.translations['search.result.placeholder'];
}"""
"""The box asks the reader to type: the index is loaded (before, it says it is getting ready)
and no search ran yet."""
STOP_WORDS = """async ([worker, config, words]) => {
  // Material's own search worker, given one document per word: a word whose document nothing
  // finds is one the language's stop word filter leaves out of the index.
  const search = new Worker(worker);
  const ask = message => new Promise(resolve => {
    search.onmessage = event => resolve(event.data);
    search.postMessage(message);
  });
  const docs = words.map((word, i) => ({location: String(i), title: '', text: word}));
  await ask({type: 0, data: {config: {...config, fields: {text: {boost: 1}}}, docs,
                             options: {}}});
  const stop = [];
  for (const [i, word] of words.entries()) {
    const found = await ask({type: 2, data: word});
    if (!found.data.items.flat().some(item => item.location === String(i))) stop.push(word);
  }
  search.terminate();
  return stop;
}"""
"""The words of ``words`` that lunr's stop word filter for ``config.lang`` drops."""
REAL_KEYS_ONLY = """document.addEventListener('keyup', event => {
  if (!event.isTrusted) event.stopImmediatePropagation();
}, true);"""
"""Before: Material sees only the key releases of a keyboard."""


def typed(word: str) -> str:
    """``word`` as a reader types it: without the punctuation around it."""
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start])[0] in "PS":
        start += 1
    while end > start and unicodedata.category(word[end - 1])[0] in "PS":
        end -= 1
    return word[start:end]


def articles(index: dict) -> dict[str, str]:
    """FAQ articles of one language's index: location -> title."""
    return {doc["location"]: doc["title"] for doc in index["docs"]
            if doc["location"].startswith("faq/") and doc["location"] != "faq/"
            and "#" not in doc["location"]}


def as_before(index: dict) -> dict:
    """``index`` set up as kbtools wrote it before issue 18: the default separator for every
    language, and spelling variants split at it."""
    config = dict(index["config"])
    config["separator"] = BEFORE_SEPARATOR
    docs = [{k: v for k, v in doc.items() if not k.endswith(VARIANTS)} for doc in index["docs"]]
    fields = [name for name in config["fields"] if not name.endswith(VARIANTS)]
    add_spelling_variants(docs, fields, BEFORE_SEPARATOR)
    return {**index, "config": config, "docs": docs}


def search(page, url: str, lang: str, query: str, separator: str, end_key: bool) -> set[str]:
    """Locations (relative to the language's folder) the search box lists for ``query``."""
    prefix = "/" if lang == "en" else f"/{lang}/"
    page.goto(f"{url}{prefix}faq/")
    box = page.locator("input.md-search__input")
    box.click()
    page.wait_for_function(IDLE, timeout=15_000)  # the index is loaded: the box asks to type
    box.press_sequentially(query)
    if end_key:
        box.press("End")
    try:
        page.wait_for_function(SETTLED, arg=[query, separator], timeout=2_000)
    except PlaywrightTimeout:
        if page.evaluate(IDLE):
            return set()  # no search ran
        try:
            page.wait_for_function(SETTLED, arg=[query, separator], timeout=10_000)
        except PlaywrightTimeout:
            pass  # results for some of the words only: the list as it is
    links = page.eval_on_selector_all(".md-search-result__link", "els => els.map(a => a.href)")
    base = url + prefix
    return {link.split("?")[0].split("#")[0].removeprefix(base) for link in links}


def stop_words(page, url: str, config: dict, words: list[str]) -> set[str]:
    """The ``words`` the index of ``config`` leaves out (lunr's stop words of its language)."""
    page.goto(url + "/")
    worker = page.evaluate(
        "new URL(JSON.parse(document.getElementById('__config').textContent).search,"
        " document.baseURI).href")
    found = page.evaluate(STOP_WORDS, [worker, config, words])
    return set(found)


def measure(page, url: str, lang: str, index: dict, end_key: bool) -> dict:
    """Hits of the first and of every title word of ``lang``'s FAQ articles, and the words
    that missed their article."""
    titles = articles(index)
    first = [(loc, typed(title.split()[0])) for loc, title in titles.items()]
    every = [(loc, typed(word)) for loc, title in titles.items() for word in title.split()]
    every = [(loc, word) for loc, word in every if word]
    separator = index["config"]["separator"]
    results = {word: search(page, url, lang, word, separator, end_key)
               for word in dict.fromkeys(word for _, word in every)}
    hits = {name: [(loc, word) for loc, word in pairs if loc in results[word]]
            for name, pairs in (("first", first), ("every", every))}
    stop = stop_words(page, url, index["config"], list(results))
    kept = [(loc, word) for loc, word in every if word not in stop]
    return {"first": (len(hits["first"]), len(first)), "every": (len(hits["every"]), len(every)),
            "kept": (sum(pair in hits["every"] for pair in kept), len(kept)),
            "missed": sorted({word for loc, word in kept if (loc, word) not in hits["every"]})}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--langs", default="en,ar,fa,ru")
    parser.add_argument("--kb", type=Path, default=ROOT)
    args = parser.parse_args()
    langs = args.langs.split(",")
    with tempfile.TemporaryDirectory(prefix="kb-public-search-") as tmp:
        root = Path(tmp) / "kb"
        shutil.copytree(args.kb, root, ignore=shutil.ignore_patterns(*NOT_CONTENT))
        build(open_kb(root), ("public",))
        after = root / "site-public"
        before = Path(tmp) / "before"
        shutil.copytree(after, before)
        indexes = {"before": {}, "after": {}}
        for lang in langs:
            rel = Path(SEARCH_INDEX) if lang == "en" else Path(lang) / SEARCH_INDEX
            indexes["after"][lang] = json.loads((after / rel).read_text(encoding="utf-8"))
            indexes["before"][lang] = as_before(indexes["after"][lang])
            (before / rel).write_text(json.dumps(indexes["before"][lang], ensure_ascii=False),
                                      encoding="utf-8")
        with browser() as chromium:
            for name, folder in (("before", before), ("after", after)):
                context = chromium.new_context()
                if name == "before":
                    context.add_init_script(REAL_KEYS_ONLY)
                page = context.new_page()
                with serve_static(folder) as url:
                    for lang in langs:
                        for end_key in (False, True):
                            got = measure(page, url, lang, indexes[name][lang], end_key)
                            (fh, ft), (eh, et) = got["first"], got["every"]
                            kh, kt = got["kept"]
                            how = "typed+End" if end_key else "typed"
                            print(f"{lang} {name:6} {how:9}: first title word {fh}/{ft} "
                                  f"({fh / ft:.0%}), every title word {eh}/{et} ({eh / et:.0%}),"
                                  f" not a stop word {kh}/{kt} ({kh / kt:.0%}); missed: "
                                  f"{' '.join(got['missed']) or '-'}", flush=True)
                context.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
