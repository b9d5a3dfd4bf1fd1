"""The built internal site, served by a real ``kb serve``, searches through the API in Chromium."""

from __future__ import annotations

import pytest

from kbtools.registry import open_kb
from kbtools.sites import build
from tests.browser_support import browser
from tests.support import make_kb
from tests.test_search import FILES
from tests.test_server import kb_serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    files = {k: v for k, v in FILES.items() if not k.startswith("playbooks/")}
    root = make_kb(tmp_path_factory.mktemp("browserkb"), files)
    build(open_kb(root), ("internal",))
    with kb_serve(root) as url:
        yield url


def test_site_search_box_uses_the_api(served):
    problems: list[str] = []
    api_calls: list[str] = []
    with browser() as chromium:
        page = chromium.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: api_calls.append(r.url) if "/api/search" in r.url else None)
        page.goto(served + "/faq/", wait_until="load")
        page.wait_for_selector("html[data-kb-search=api]")
        box = page.locator("input[data-kb-search=api]")
        box.click()
        box.fill("pasword reset")
        first = page.locator(".md-search-result__list li").first
        first.wait_for(timeout=10_000)
        assert "reset my password" in first.locator("h1").inner_text()
        assert first.locator("mark").count() >= 1
        assert first.locator("a").get_attribute("href") == "/faq/reset-password/"
        meta = page.locator(".md-search-result__meta").inner_text()
        assert "did you mean password reset?" in meta
        assert any("q=pasword+reset" in u or "q=pasword%20reset" in u for u in api_calls)

        box.fill("как сбросить пароль")
        # (a wait_for_function would need eval, which the page's policy rightly refuses)
        heading = page.locator(".md-search-result__list li h1").first
        heading.filter(has_text="Как сбросить пароль").wait_for(timeout=10_000)
        page.keyboard.press("Enter")
        page.wait_for_url("**/ru/faq/reset-password/")
        page.wait_for_selector("html[data-kb-search=api]")
    csp = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert not csp, csp
    assert not [p for p in problems if "search.js" in p], problems
