"""The public help center in a real headless Chromium (English, Arabic, Persian), served on
127.0.0.1 from a real build of a small knowledge base."""

from __future__ import annotations

import pytest

from kbtools.registry import open_kb
from kbtools.search import querylog
from kbtools.sites import build
from tests.browser_support import browser, serve_static
from tests.support import git_init, make_kb
from tests.test_helpcenter import ENGLISH_UI, FILES

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1280, 800), "mobile": (390, 844)}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("helpcenter-browser"), FILES)
    git_init(root, date="2026-03-05T10:00:00Z")
    querylog.record_open(root / ".kb", query="password", lang="en", scope="public",
                         path="docs/faq/password.md", rank=1)
    build(open_kb(root), ["public"], out=root / "out")
    with serve_static(root / "out" / "site-public") as url, browser() as instance:
        yield instance, url


def open_page(instance, url: str, size: str = "desktop"):
    width, height = SIZES[size]
    page = instance.new_page(viewport={"width": width, "height": height})
    page.goto(url)
    return page


@pytest.mark.parametrize(("lang", "prefix", "title"), [
    ("en", "", "How can we help?"), ("ar", "ar/", "كيف يمكننا مساعدتك؟"),
    ("fa", "fa/", "چطور می‌توانیم کمکتان کنیم؟")])
def test_home_shows_search_categories_with_counts_and_contact(site, lang, prefix, title):
    instance, url = site
    page = open_page(instance, f"{url}/{prefix}")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator(".kb-home-search h1").inner_text() == title
    assert page.locator("#kb-home-query").is_visible()
    counts = page.locator(".kb-category__count").all_inner_texts()
    assert len(counts) == 2 and "2" in counts[0] and "1" in counts[1]
    contact = page.locator(".kb-home-contact")
    assert contact.is_visible() and "help@example.test" in contact.inner_text()
    expected = "rtl" if lang in ("ar", "fa") else "ltr"
    assert page.evaluate("getComputedStyle(document.body).direction") == expected
    page.close()


@pytest.mark.parametrize("path", ["ar/", "ar/faq/refunds/"])
def test_arabic_home_and_article_show_no_english_interface_strings(site, path):
    instance, url = site
    page = open_page(instance, f"{url}/{path}")
    text = page.locator("body").inner_text()
    assert [s for s in ENGLISH_UI if s in text] == []
    page.close()


def test_english_fallback_page_in_the_arabic_site_is_left_to_right(site):
    instance, url = site
    page = open_page(instance, f"{url}/ar/faq/invoices/")
    article = page.locator(".kb-article")
    assert article.evaluate("e => getComputedStyle(e).direction") == "ltr"
    assert article.get_attribute("lang") == "en"
    banner = page.locator("[data-kb-banner=fallback]")
    assert banner.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert "الإنجليزية" in banner.inner_text()
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.close()


def test_a_tag_link_leads_to_its_tag_page(site):
    instance, url = site
    page = open_page(instance, f"{url}/ar/faq/refunds/")
    page.locator(".kb-tags a", has_text="الفوترة").click()
    page.wait_for_url("**/ar/tags/billing/")
    assert "الفوترة" in page.locator("article h1").inner_text()
    assert page.locator("article a", has_text="كيف تعمل المبالغ المستردة؟").count() == 1
    page.close()


def test_head_has_canonical_and_browsing_requests_nothing_missing(site):
    instance, url = site
    missing: list[str] = []
    page = instance.new_page(viewport={"width": 1280, "height": 800})
    # (search.js asks api/search once whether kb serve answers: on static hosting, a 404)
    page.on("response", lambda r: r.status >= 400 and "/api/search?" not in r.url
            and missing.append(f"{r.status} {r.url}"))
    page.goto(f"{url}/fa/faq/refunds/", wait_until="networkidle")
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical == "https://help.example.test/fa/faq/refunds/"
    # hreflang is in sitemap.xml: a <link rel="alternate"> makes Material fetch a sitemap
    # below it, which does not exist
    assert page.locator('link[rel="alternate"]').count() == 0
    # the language menu leads to the same page in Arabic, and then home, requesting only
    # what exists
    page.locator(".md-select").first.hover()
    page.locator('a.md-select__link[hreflang="ar"]').click()
    page.wait_for_url("**/ar/faq/refunds/")
    page.wait_for_load_state("networkidle")
    page.goto(f"{url}/ar/", wait_until="networkidle")
    assert missing == [], "\n".join(missing)
    page.close()


def test_the_home_search_box_opens_the_site_search_with_the_query(site):
    instance, url = site
    page = open_page(instance, f"{url}/")
    page.locator("#kb-home-query").fill("refund")
    page.locator(".kb-home-search__form button").click()
    assert page.locator('input[data-md-component="search-query"]').input_value() == "refund"
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    assert "How do refunds work?" in " ".join(
        page.locator(".md-search-result__item h1").all_inner_texts())
    page.close()


def test_help_center_screenshots(site, tmp_path):
    instance, url = site
    saved = []
    for lang, prefix in (("en", ""), ("ar", "ar/"), ("fa", "fa/")):
        for kind, path in (("home", ""), ("article", "faq/refunds/")):
            for size in SIZES:
                page = open_page(instance, f"{url}/{prefix}{path}", size)
                file = tmp_path / f"{kind}-{lang}-{size}.png"
                page.screenshot(path=str(file), full_page=True)
                page.close()
                assert file.stat().st_size > 10_000
                saved.append(file)
    print("\nhelp-center screenshots:\n" + "\n".join(str(f) for f in saved))
    assert len(saved) == 12
