"""The public site's own search (Material's lunr) as plain static files, in real headless
Chromium: each language searches only its own pages, and finds words typed without their
diacritics or with the other keyboard's Arabic/Persian letters; on this repository's own public
site, one word and two words of an article's title find it in English, Arabic, Persian and
Russian however they were typed (issue 18), words end at punctuation and Persian ones at the
zero-width non-joiner, and internal pages are never found."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from kbtools.cli import main
from kbtools.registry import open_kb
from kbtools.sites import build
from tests.browser_support import browser, serve_static
from tests.support import REPO, article, make_kb
from tests.test_search_entries import FILES as MARKS_FILES

pytestmark = pytest.mark.browser

# Every page also carries the words searched for on the other language sites, so that a
# result from another language, or from an English page shown under /sl/ or /ru/, would show.
FILES = {
    "kb.yml": "languages: [en, ru, sl, fa]\n",
    "docs/faq/index.md": article("Questions", "- [Paying](payment.md)\n", audience="public"),
    "docs/faq/payment.md": article(
        "How do I pay?", "Payment is by card. Slovenian bank statements print it as placilo.\n",
        audience="public"),
    "docs/faq/payment.sl.md": article(
        "Kako plačam?", "Plačilo s kartico. V aplikaciji je to zavihek Payment.\n"),
    "docs/faq/payment.ru.md": article(
        "Как оплатить?", "Оплата картой. В выписке банка: payment, placilo.\n"),
    "docs/faq/payment.fa.md": article(
        "چطور پرداخت کنم؟", "پرداخت با کارت. Payment, placilo, оплата.\n"),
    # Not translated: shown in English under /ru/ and /sl/ too.
    "docs/faq/invoices.md": article(
        "Where are my invoices?",
        "One invoice for every payment; Russian customers see оплата, Slovenian ones plačilo.\n",
        audience="public"),
}


@pytest.fixture(scope="module")
def chromium():
    with browser() as instance:
        yield instance


def served(folder: Path, files: dict, chromium):
    """Build ``files``' public site with ``kb build`` and serve it; yield a page and its URL."""
    root = make_kb(folder, files)
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--only", "public"])
    assert result.exit_code == 0, result.output
    with serve_static(root / "site-public") as url:
        page = chromium.new_page()
        yield page, url
        page.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory, chromium):
    yield from served(tmp_path_factory.mktemp("public-search-kb"), FILES, chromium)


def results(page, url: str, path: str, query: str, *, end_key: bool = True,
            ) -> tuple[list[str], str]:
    """Type ``query`` into the search box of the page at ``path``; the pages the results link
    to, in order, once each (paths, fragments and query dropped), and the text of the result
    list. Playwright types letters that are not Latin without key events, as pasting, an input
    method or a phone keyboard's suggestion do; ``end_key`` presses End afterwards, a key
    release."""
    page.goto(url + path)
    box = page.locator("input.md-search__input")
    box.click()
    if not end_key:  # what is typed before the index is loaded is read once it is
        page.wait_for_function(
            """() => document.querySelector('.md-search-result__meta').textContent.trim()
                 === JSON.parse(document.getElementById('__config').textContent)
                      .translations['search.result.placeholder']""", timeout=15_000)
    box.press_sequentially(query, delay=30)
    if end_key:
        box.press("End")
    # Material searches at every key release. The list is the final one once a result links
    # with every word of the query as its highlight (?h=, the search.highlight feature), or
    # once it says "no results": a word finds nothing when a part of it typed so far finds
    # nothing. When no search ran at all, the box still shows its prompt.
    try:
        page.wait_for_function(
            """query => {
                 const config = JSON.parse(document.getElementById('__config').textContent);
                 const meta = document.querySelector('.md-search-result__meta');
                 const words = query.toLowerCase().split(/\\s+/).join(' ');
                 return meta.textContent.trim() === config.translations['search.result.none']
                   || [...document.querySelectorAll('.md-search-result__link')]
                        .some(a => new URL(a.href).searchParams.get('h') === words);
               }""",
            arg=query, timeout=15_000)
    except PlaywrightTimeout:
        return [], page.locator(".md-search-result__meta").inner_text()
    links = page.eval_on_selector_all(".md-search-result__link", "els => els.map(a => a.href)")
    shown = page.locator(".md-search-result__list").inner_text()
    pages = [link.removeprefix(url).split("?")[0].split("#")[0] for link in links]
    return list(dict.fromkeys(pages)), shown


def search(page, url: str, path: str, query: str) -> tuple[set[str], str]:
    """:func:`results` as a set of pages."""
    found, shown = results(page, url, path, query)
    return set(found), shown


def test_slovenian_search_finds_the_word_typed_without_carons_in_slovenian_only(site):
    page, url = site
    found, shown = search(page, url, "/sl/faq/", "placilo")
    assert found == {"/sl/faq/payment/"}
    assert "Kako plačam?" in shown and "Plačilo s kartico" in shown
    assert "placilo" not in shown.lower()  # the spelling variants are never shown


def test_slovenian_search_still_finds_the_word_typed_with_carons(site):
    page, url = site
    found, _ = search(page, url, "/sl/faq/", "plačilo")
    assert found == {"/sl/faq/payment/"}


def test_russian_search_returns_russian_pages_only(site):
    page, url = site
    found, shown = search(page, url, "/ru/faq/", "оплата")
    assert found == {"/ru/faq/payment/"}
    assert "Как оплатить?" in shown and "Where are my invoices?" not in shown


def test_english_search_returns_english_pages_only(site):
    page, url = site
    found, _ = search(page, url, "/faq/", "payment")
    assert found == {"/faq/payment/", "/faq/invoices/"}


def test_persian_search_finds_a_word_typed_on_an_arabic_keyboard(site):
    page, url = site
    found, shown = search(page, url, "/fa/faq/", "كارت")  # Arabic kaf; the page has Persian keheh
    assert found == {"/fa/faq/payment/"}
    assert "چطور پرداخت کنم؟" in shown


# -- issue 18: this repository's own public site --------------------------------------------
NOT_CONTENT = (".git", ".venv", ".kb", "site", "site-public", "tests", "kbtools", "bench",
               "*.egg-info", "__pycache__", ".ruff_cache", ".pytest_cache")
# One word and two words of the title of the refund article, in each language.
TITLE_WORDS = {
    "en": ("faq/refund-policy/", "refund", "refund policy"),
    "ar": ("ar/faq/refund-policy/", "استرداد", "استرداد المبالغ"),
    "fa": ("fa/faq/refund-policy/", "بازپرداخت", "سیاست بازپرداخت"),
    "ru": ("ru/faq/refund-policy/", "возврата", "условия возврата"),
}


@pytest.fixture(scope="module")
def real_site(tmp_path_factory, chromium):
    """The Brightloop help center, built from a copy of this repository, served, and a page."""
    root = tmp_path_factory.mktemp("public-search-real") / "kb"
    shutil.copytree(REPO, root, ignore=shutil.ignore_patterns(*NOT_CONTENT))
    build(open_kb(root), ("public",))
    with serve_static(root / "site-public") as url:
        page = chromium.new_page()
        yield page, url
        page.close()


def home(lang: str) -> str:
    return "/" if lang == "en" else f"/{lang}/"


@pytest.mark.parametrize("lang", TITLE_WORDS)
@pytest.mark.parametrize("end_key", [False, True], ids=["typed", "typed+End"])
def test_one_word_of_a_title_finds_its_article_first(real_site, lang, end_key):
    page, url = real_site
    article_path, word, _ = TITLE_WORDS[lang]
    found, _ = results(page, url, home(lang), word, end_key=end_key)
    assert found[:1] == [f"/{article_path}"], found


@pytest.mark.parametrize("lang", TITLE_WORDS)
def test_two_words_of_a_title_find_its_article_first(real_site, lang):
    page, url = real_site
    article_path, _, words = TITLE_WORDS[lang]
    found, _ = results(page, url, home(lang), words, end_key=False)
    assert found[:1] == [f"/{article_path}"], found


def test_a_word_pasted_into_the_box_is_searched_without_a_key(real_site):
    page, url = real_site
    page.goto(url + "/ru/")
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("возврата")  # one input event, no key at all
    page.locator(".md-search-result__link").first.wait_for(timeout=15_000)
    links = page.eval_on_selector_all(".md-search-result__link", "els => els.map(a => a.href)")
    assert f"{url}/ru/faq/refund-policy/" in {link.split("?")[0] for link in links}


def test_a_word_only_an_internal_page_has_finds_nothing(real_site):
    page, url = real_site
    assert "handover" in (REPO / "docs/team/shift-handover.md").read_text(encoding="utf-8")
    assert not any("handover" in path.read_text(encoding="utf-8").lower()
                   for path in (REPO / "docs/faq").glob("*.md"))
    found, shown = results(page, url, "/", "handover")
    assert found == [] and "handover" not in shown.lower()


def test_a_typo_is_found_only_when_asked_for_with_a_tilde(real_site):
    # Material appends * to a word (its beginning) and 1 to a word ending in ~ (lunr's
    # edit distance); lunr counts a swap of two letters as one edit.
    page, url = real_site
    assert results(page, url, "/", "refnud")[0] == []
    page.goto(url + "/")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially("refnud~", delay=30)
    page.locator(".md-search-result__link").first.wait_for(timeout=15_000)
    first = page.eval_on_selector_all(".md-search-result__link", "els => els.map(a => a.href)")[0]
    assert first.split("?")[0] == f"{url}/faq/refund-policy/"


# -- words end at punctuation; Persian ones also at the zero-width non-joiner ------------------
# the punctuation and ZWNJ knowledge base (tests/test_search_entries.py checks its indexes)
MARKED_WORDS = [
    ("/", "statements", "/faq/statement/"),      # after "("
    ("/", "monthly", "/faq/statement/"),         # between curly quotes
    ("/ru/", "выписки", "/ru/faq/statement/"),   # after «
    ("/ru/", "ежемесячно", "/ru/faq/statement/"),  # after a dash and «
    ("/ar/", "الكشوفات", "/ar/faq/statement/"),  # after "(", before "،"
    ("/ar/", "شهري", "/ar/faq/statement/"),      # between « and », before "؛"
    ("/fa/", "ماهانه", "/fa/faq/statement/"),    # after «
    ("/fa/", "حساب", "/fa/faq/statement/"),      # after a ZWNJ (صورت‌حساب)
    ("/fa/", "روزرسانی", "/fa/faq/statement/"),  # after a ZWNJ (به‌روزرسانی)
    ("/fa/", "صورتحساب", "/fa/faq/statement/"),  # the joined word typed without the ZWNJ
]


@pytest.fixture(scope="module")
def marks_site(tmp_path_factory, chromium):
    yield from served(tmp_path_factory.mktemp("public-search-marks"), MARKS_FILES, chromium)


@pytest.mark.parametrize(("path", "word", "expected"), MARKED_WORDS,
                         ids=[word for _, word, _ in MARKED_WORDS])
def test_a_word_next_to_punctuation_or_a_zwnj_is_found(marks_site, path, word, expected):
    page, url = marks_site
    found, _ = results(page, url, path, word)
    assert found == [expected]
