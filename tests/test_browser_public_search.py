"""The public site's own search (Material's lunr) as plain static files, in real headless
Chromium: each language searches only its own pages, and finds words typed without their
diacritics or with the other keyboard's Arabic/Persian letters."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from tests.browser_support import browser, serve_static
from tests.support import article, make_kb

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
def site(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("public-search-kb"), FILES)
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--only", "public"])
    assert result.exit_code == 0, result.output
    with serve_static(root / "site-public") as url, browser() as chromium:
        page = chromium.new_page()
        yield page, url
        page.close()


def search(page, url: str, path: str, query: str) -> tuple[set[str], str]:
    """Type ``query`` into the search box of the page at ``path``; the pages the results link
    to (paths, fragments and query dropped) and the text of the result list."""
    page.goto(url + path)
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=30)
    box.press("End")  # Material reads the query on keyup; Cyrillic is typed without keys
    # Material searches at every key. The list is the final one once a result links with the
    # whole query as its highlight (?h=, the search.highlight feature), or once it says
    # "no results": a word finds nothing when a part of it typed so far finds nothing.
    page.wait_for_function(
        """query => {
             const config = JSON.parse(document.getElementById('__config').textContent);
             const meta = document.querySelector('.md-search-result__meta');
             return meta.textContent.trim() === config.translations['search.result.none']
               || [...document.querySelectorAll('.md-search-result__link')]
                    .some(a => new URL(a.href).searchParams.get('h') === query);
           }""",
        arg=query, timeout=15_000)
    links = page.eval_on_selector_all(".md-search-result__link", "els => els.map(a => a.href)")
    shown = page.locator(".md-search-result__list").inner_text()
    return {link.removeprefix(url).split("?")[0].split("#")[0] for link in links}, shown


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
