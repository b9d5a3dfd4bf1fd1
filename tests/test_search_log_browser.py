"""The site's search box logs what agents meant, not what they typed on the way: a real
``kb build``, a real ``kb serve`` on 127.0.0.1 (loopback: every request is an agent's), real
headless Chromium typing key by key, and ``kb gaps`` reading the log."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from kbtools.registry import open_kb
from kbtools.search import querylog
from kbtools.sites import build
from tests.browser_support import browser
from tests.support import make_kb
from tests.test_search import FILES
from tests.test_server import KB, kb_serve

pytestmark = pytest.mark.browser

KEY_DELAY_MS = 150
"""Pauses between keystrokes: long enough for the box to search on each one, well below the
search box's settle delay (1.5 s)."""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    files = {k: v for k, v in FILES.items() if not k.startswith("playbooks/")}
    root = make_kb(tmp_path_factory.mktemp("logkb"), files)
    build(open_kb(root), ("internal",))
    with kb_serve(root) as url:
        yield root, url


def logged(root: Path, count: int, timeout: float = 20) -> list[querylog.Logged]:
    """The site's log entries, once there are at least ``count`` of them (or at the timeout:
    the caller's assertion then says what was missing)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [e for e in querylog.entries(root / ".kb") if e.via == "site"]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_the_box_logs_settled_queries_and_opened_results(served):
    root, url = served
    problems: list[str] = []
    searched: list[str] = []
    with browser() as chromium:
        page = chromium.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: searched.append(r.url)
                if "/api/search?" in r.url else None)
        page.goto(url + "/faq/", wait_until="load")
        page.wait_for_selector("html[data-kb-search=api]")
        box = page.locator("input[data-kb-search=api]")
        box.click()
        box.press_sequentially("password", delay=KEY_DELAY_MS)
        first = page.locator(".md-search-result__list li a").first
        first.filter(has_text="How do I reset my password?").wait_for(timeout=10_000)

        entries = logged(root, 1)
        assert [(e.event, e.query) for e in entries] == [("search", "password")]
        assert len(searched) > 1  # the box did search while typing; only the end was logged
        assert (entries[0].scope, entries[0].lang) == ("internal", "en")
        assert entries[0].results >= 1

        first.click()
        page.wait_for_url("**/faq/reset-password/")
        entries = logged(root, 2)
        assert [(e.event, e.query) for e in entries] == [("search", "password"),
                                                         ("open", "password")]
        assert (entries[1].path, entries[1].rank) == ("docs/faq/reset-password.md", 1)

        # A second query, searched and settled, whose results nobody opens.
        page.wait_for_selector("html[data-kb-search=api]")
        box = page.locator("input[data-kb-search=api]")
        box.click()
        box.press_sequentially("refund policy", delay=KEY_DELAY_MS)
        page.locator(".md-search-result__list li").first.wait_for(timeout=10_000)
        entries = logged(root, 3)
        page.close()
    assert [(e.event, e.query) for e in entries] == [
        ("search", "password"), ("open", "password"), ("search", "refund policy")]
    assert not [p for p in problems if "search.js" in p or "Content Security Policy" in p], problems

    result = subprocess.run([str(KB), "--root", str(root), "gaps", "--json"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["total"] == 2
    frequent = {row["query"]: row for row in report["frequent"]}
    assert frequent["password"]["opened"] == 1 and frequent["refund policy"]["opened"] == 0
    assert [(r["query"], r["scope"], r["lang"]) for r in report["unopened"]] == [
        ("refund policy", "internal", "en")]
    assert report["zero_results"] == []


def test_did_you_mean_is_a_link_that_searches_for_the_suggestion(served):
    _, url = served
    with browser() as chromium:
        page = chromium.new_page()
        page.goto(url + "/faq/", wait_until="load")
        page.wait_for_selector("html[data-kb-search=api]")
        box = page.locator("input[data-kb-search=api]")
        box.click()
        box.fill("pasword")
        box.press("Enter")
        suggestion = page.locator("a[data-kb-suggestion]")
        suggestion.wait_for(timeout=10_000)
        assert suggestion.inner_text() == "password"
        suggestion.click()
        assert box.input_value() == "password"
        page.locator(".md-search-result__list li a").first.filter(
            has_text="How do I reset my password?").wait_for(timeout=10_000)
        assert page.locator("a[data-kb-suggestion]").count() == 0
        page.close()
