""""Was this helpful?" in real headless Chromium: a vote on a public article page reaches a real
``kb serve --public`` and shows in ``kb gaps``; on plain static hosting (no endpoint) the
widget goes away without breaking the page."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from kbtools.feedback import entries
from kbtools.registry import open_kb
from kbtools.search import gaps
from kbtools.sites import build
from tests.browser_support import browser, serve_static
from tests.support import SITE_URL, make_kb
from tests.test_feedback import FILES
from tests.test_server import kb_serve

pytestmark = pytest.mark.browser

WIDGET = "section.kb-feedback"


def has_widget(site: Path, page: str, lang: str) -> bool:
    """True when the built page ``page`` (``faq/late-fees/``) carries the feedback section the
    theme writes on every public article (the contract between theme and script), for its
    own page and language, and loads ``assets/kb/feedback.js``."""
    text = (site / page / "index.html").read_text(encoding="utf-8")
    section = re.search(r'<section class="kb-feedback"[^>]*>', text)
    return (section is not None and f'data-kb-page="{page}"' in section.group(0)
            and f'data-kb-lang="{lang}"' in section.group(0)
            and 'data-kb-endpoint="api/feedback"' in section.group(0)
            and re.search(r'<script src="(\.\./)*assets/kb/feedback\.js"', text) is not None)


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("feedbackbrowser"), FILES)
    build(open_kb(root), ("public",))
    site = root / "site-public"
    assert (site / "assets" / "kb" / "feedback.js").is_file()
    for page, lang in (("faq/late-fees/", "en"), ("ar/faq/refund-policy/", "ar")):
        assert has_widget(site, page, lang), page
    return root


def wait_for_votes(root: Path, count: int, timeout: float = 15) -> list:
    deadline = time.monotonic() + timeout
    while True:
        found = list(entries(root / ".kb"))
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_no_on_an_article_reaches_kb_serve_and_the_report(root):
    errors: list[str] = []
    console: list[str] = []
    before = len(list(entries(root / ".kb")))
    with kb_serve(root, "--public") as url, browser() as chromium:
        page = chromium.new_page()
        # Errors with their stack: Material's search worker has its own (see the report).
        page.on("pageerror", lambda e: errors.append(f"{e.message} {e.stack}"))
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        page.goto(url + "/faq/late-fees/", wait_until="load")
        widget = page.locator(WIDGET)
        no = widget.get_by_role("button", name="No")
        no.wait_for(timeout=15_000)
        group = widget.get_by_role("group", name="Was this helpful?")
        assert group.get_by_role("button").all_inner_texts() == ["Yes", "No"]
        no.focus()
        page.keyboard.press("Enter")  # a real button: the keyboard votes as a click does
        status = widget.get_by_role("status")
        status.filter(has_text="Thank you for your feedback.").wait_for(timeout=10_000)
        assert status.get_attribute("aria-live") == "polite"
        assert widget.get_by_role("button").count() == 0
        votes = wait_for_votes(root, before + 1)

        # Remembered in this browser: the next visit thanks instead of asking again.
        page.reload(wait_until="load")
        page.locator(WIDGET + " [role=status]").filter(
            has_text="Thank you for your feedback.").wait_for(timeout=10_000)
        assert page.locator(WIDGET + " button").count() == 0

        # An Arabic article: its page and language are sent as the page says.
        page.goto(url + "/ar/faq/refund-policy/", wait_until="load")
        widget.get_by_role("button", name="نعم").click(timeout=15_000)
        status.filter(has_text="شكرًا لك على ملاحظاتك.").wait_for(timeout=10_000)
        votes = wait_for_votes(root, before + 2)[before:]
        page.close()
    assert [(v.page, v.path, v.lang, v.helpful) for v in votes] == [
        ("/faq/late-fees/", "docs/faq/late-fees.md", "en", False),
        ("/ar/faq/refund-policy/", "docs/faq/refund-policy.ar.md", "ar", True)]
    assert not [e for e in errors if "feedback" in e], errors
    assert not [m for m in console if "feedback" in m], console

    report = gaps(open_kb(root), min_votes=1)
    assert [(r.path, r.lang, r.votes, r.no_votes, r.helpful_share) for r in report.unhelpful] == [
        ("docs/faq/late-fees.md", "en", 1, 1, 0.0)]


def test_instant_navigation_builds_the_widget_for_the_next_page(tmp_path):
    # Material navigates instantly only to the pages its sitemap lists, at site_url's host and
    # port: this site is rebuilt for the address the server got, as a real deployment is.
    root = make_kb(tmp_path / "kb", FILES)
    build(open_kb(root), ("public",))
    with kb_serve(root, "--public") as url, browser() as chromium:
        mkdocs = root / "mkdocs.yml"
        mkdocs.write_text(mkdocs.read_text(encoding="utf-8").replace(SITE_URL, url + "/"),
                          encoding="utf-8")
        build(open_kb(root), ("public",))
        page = chromium.new_page()
        page.goto(url + "/faq/late-fees/", wait_until="load")
        page.locator(WIDGET + " button").first.wait_for(timeout=15_000)
        page.evaluate("window.kbSamePage = true")  # gone if the next page were a full load
        page.locator(".kb-related a", has_text="refund policy").click()
        page.wait_for_url(url + "/faq/refund-policy/")
        # The address changes before Material swaps the content in: wait for the new widget.
        widget = page.locator(WIDGET + '[data-kb-page="faq/refund-policy/"]')
        widget.get_by_role("button", name="Yes").wait_for(timeout=15_000)
        widget.get_by_role("button", name="Yes").click(timeout=15_000)
        widget.get_by_role("status").filter(
            has_text="Thank you for your feedback.").wait_for(timeout=10_000)
        assert page.evaluate("window.kbSamePage") is True
        assert page.locator(WIDGET).count() == 1
        votes = wait_for_votes(root, 1)
        page.close()
    assert [(v.page, v.path, v.lang, v.helpful) for v in votes] == [
        ("/faq/refund-policy/", "docs/faq/refund-policy.md", "en", True)]


def test_static_hosting_hides_the_widget_without_a_page_error(root):
    problems: list[str] = []
    with serve_static(root / "site-public") as url, browser() as chromium:
        page = chromium.new_page()
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(url + "/faq/late-fees/", wait_until="load")
        widget = page.locator(WIDGET)
        widget.get_by_role("button", name="No").click(timeout=15_000)
        widget.wait_for(state="hidden", timeout=10_000)  # no endpoint here: nothing to thank for
        assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('kb.'))") == []
        assert page.locator("article h1").first.is_visible()
        page.close()
    assert problems == []
