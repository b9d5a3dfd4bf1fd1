"""The built sites in a real headless Chromium, served on 127.0.0.1."""

from __future__ import annotations

import pytest

from kbtools.registry import open_kb
from kbtools.sites import build
from tests.browser_support import browser, serve_static
from tests.support import article, make_kb

pytestmark = pytest.mark.browser

REPLY = "Hi {{ customer_name }},\n\nYour refund of {{ amount }} is on its way.\n"
FILES = {
    "kb.yml": "languages: [en, ar, ru]\n",
    "docs/index.md": article("Agent home", "Welcome.\n"),
    "docs/faq/index.md": article("Questions", "- [Refunds](refunds.md)\n", audience="public"),
    "docs/faq/index.ru.md": article("Вопросы", "- [Возвраты](refunds.md)\n"),
    "docs/faq/index.ar.md": article("الأسئلة", "- [المبالغ المستردة](refunds.md)\n"),
    "docs/faq/refunds.md": article(
        "How do refunds work?", "A refund reaches your card within five business days.\n",
        audience="public"),
    "docs/faq/refunds.ru.md": article(
        "Как работают возвраты?", "Возврат поступит на карту в течение пяти рабочих дней.\n"),
    "docs/faq/refunds.ar.md": article(
        "كيف تعمل المبالغ المستردة؟", "تصل المبالغ المستردة إلى بطاقتك خلال خمسة أيام عمل.\n"),
    "docs/guide/secret.md": article("Internal refund notes", "Only for agents.\n\n"
                                    '<div data-kb-copy markdown="1">\n\nCopy **this** note.\n\n'
                                    "</div>\n"),
    "docs/scripts/refund-approved.md": article(
        "Refund approved", REPLY, channel="email", situation="refund", tone="warm",
        use_when="The refund was approved.",
        placeholders={"customer_name": {"description": "First name", "fallback": "there"},
                      "amount": {"description": "Amount with currency"}}),
}


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("browser-kb"), FILES)
    build(open_kb(root), out=root)
    with serve_static(root / "site-public") as public, serve_static(root / "site") as internal:
        with browser() as instance:
            yield instance, public, internal


def search(page, query: str) -> list[str]:
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=30)
    box.press("End")  # Material reads the query on keyup; Cyrillic is typed without keys
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    return page.locator(".md-search-result__item h1").all_inner_texts()


def test_public_search_finds_faq_in_english_and_russian(sites):
    instance, public, _ = sites
    page = instance.new_page()
    page.goto(f"{public}/faq/")
    assert "How do refunds work?" in search(page, "refund")
    page.goto(f"{public}/ru/faq/")
    assert "Как работают возвраты?" in search(page, "возврат")
    page.close()


def test_switching_to_arabic_shows_a_right_to_left_page(sites):
    instance, public, _ = sites
    page = instance.new_page()
    page.goto(f"{public}/faq/refunds/")
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    page.hover(".md-header__option .md-select")
    page.click('a.md-select__link[hreflang="ar"]')
    page.wait_for_url("**/ar/faq/refunds/")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert "كيف تعمل المبالغ المستردة؟" in page.locator("article h1").inner_text()
    page.close()


def test_internal_urls_404_on_the_public_site(sites):
    instance, public, internal = sites
    page = instance.new_page()
    for path in ("/guide/secret/", "/scripts/refund-approved/", "/ru/guide/"):
        assert page.goto(f"{internal}{path}").status == 200, path  # control
        assert page.goto(f"{public}{path}").status == 404, path
    page.close()


def test_an_agent_led_to_an_english_page_reads_its_banner_in_their_language(sites):
    """The agent site writes an untranslated article once: the Russian navigation marks it
    and leads to the English page, which shows a reader who came from Russian pages the
    Russian banner, and a reader of English none."""
    instance, _, internal = sites
    context = instance.new_context()
    page = context.new_page()
    page.goto(f"{internal}/ru/guide/", wait_until="load")  # the guides' section, in Russian
    item = page.locator("nav.md-nav a.md-nav__link", has_text="Internal refund notes").first
    assert item.locator(".md-status--kb-elsewhere").get_attribute("title") == \
        "Только на английском"
    item.click()
    page.wait_for_url(f"{internal}/guide/secret/")
    russian = page.locator('[data-kb-reader="ru"]')
    russian.wait_for(state="visible", timeout=15_000)
    assert "не переведена на русский" in russian.inner_text()
    assert page.locator('[data-kb-reader="ar"]').is_hidden()
    # the reader picks English in the language menu: no banner from then on
    with page.expect_navigation(wait_until="load"):
        page.locator('.md-select__link[hreflang="en"]').first.dispatch_event("click")
    assert page.url == f"{internal}/guide/secret/"
    assert page.locator("[data-kb-reader]").first.is_hidden()
    assert page.locator("[data-kb-reader]:visible").count() == 0
    context.close()
    # a reader who comes straight to the English page sees none either
    fresh = instance.new_context()
    english = fresh.new_page()
    english.goto(f"{internal}/guide/secret/", wait_until="load")
    assert english.get_by_text("Only for agents.").is_visible()
    assert english.locator("[data-kb-reader]:visible").count() == 0
    fresh.close()


def _clipboard_page(instance):
    context = instance.new_context(permissions=["clipboard-read", "clipboard-write"])
    return context, context.new_page()


def test_answer_script_copy_button_puts_the_reply_on_the_clipboard(sites):
    instance, _, internal = sites
    context, page = _clipboard_page(instance)
    page.goto(f"{internal}/scripts/refund-approved/")
    button = page.locator("article button", has_text="Copy").first
    button.click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Hi [customer_name],")
    assert "Your refund of [amount] is on its way." in copied
    context.close()


def test_generic_copy_box_puts_its_text_on_the_clipboard(sites):
    instance, _, internal = sites
    context, page = _clipboard_page(instance)
    page.goto(f"{internal}/guide/secret/")
    page.click("button.kb-copy-button")
    page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
    assert page.evaluate("navigator.clipboard.readText()") == "Copy this note."
    context.close()
