"""``kb serve --watch`` in real headless Chromium, on a copy of the example knowledge base: a
saved edit shows up in the open page by itself; a broken edit shows its findings over the last
good page."""

from __future__ import annotations

import pytest

from tests.browser_support import browser
from tests.support import copy_example
from tests.test_server import kb_serve

pytestmark = pytest.mark.browser

OLD = "You can move between our plans at any time"
NEW = "Brightloop lets you switch plans whenever you like"
PATH_OLD = "Focus on payouts and verification"
PATH_NEW = "Look closely at payouts and verification"


def test_an_edit_reloads_the_open_page_and_a_broken_edit_shows_its_findings(tmp_path):
    root = copy_example(tmp_path / "example")
    source = root / "docs/faq/change-plan.md"
    text = source.read_text(encoding="utf-8")
    assert OLD in text
    audience_line = text.splitlines().index("audience: public") + 1
    problems: list[str] = []
    # (the first build may take long on a slow machine: the wait is generous)
    with kb_serve(root, "--watch", start_timeout=600) as url, browser() as chromium:
        page = chromium.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        loads: list[str] = []
        page.on("load", lambda: loads.append(page.url))
        page.goto(f"{url}/faq/change-plan/", wait_until="load")
        page.get_by_text(OLD).first.wait_for(timeout=60_000)
        page.evaluate("window.kbBeforeEdit = true")
        # an onboarding path (no translation) as the Slovene site shows it: in English, with
        # its steps and progress in Slovene
        copy = chromium.new_page()
        copy.goto(f"{url}/sl/onboarding/first-weeks/", wait_until="load")
        copy.get_by_text(PATH_OLD).first.wait_for(timeout=60_000)

        source.write_text(text.replace(OLD, NEW), encoding="utf-8")
        page.get_by_text(NEW).first.wait_for(timeout=300_000)
        assert page.evaluate("window.kbBeforeEdit === undefined")  # a new document: reloaded
        # (its text can be there before its load event: wait for that event, then count)
        page.wait_for_load_state("load", timeout=60_000)
        assert len(loads) >= 2 and loads[-1] == f"{url}/faq/change-plan/"
        assert page.locator("#kb-preview-findings").count() == 0

        # the edit's language (English) is rendered first; the other languages follow, and
        # their open pages reload then
        path = root / "docs/onboarding/first-weeks.md"
        path.write_text(path.read_text(encoding="utf-8").replace(PATH_OLD, PATH_NEW),
                        encoding="utf-8")
        copy.get_by_text(PATH_NEW).first.wait_for(timeout=300_000)
        copy.close()

        page.evaluate("window.kbBeforeBrokenEdit = true")
        source.write_text(text.replace(OLD, NEW).replace("audience: public", "audience: [public"),
                          encoding="utf-8")
        overlay = page.locator("#kb-preview-findings")
        overlay.wait_for(timeout=300_000)
        shown = overlay.inner_text()
        assert f"docs/faq/change-plan.md:{audience_line}: error: invalid YAML" in shown
        assert "[meta.yaml]" in shown and "last good build" in shown
        assert page.evaluate("window.kbBeforeBrokenEdit === true")  # not reloaded: kept
        assert page.get_by_text(NEW).first.is_visible()
        assert page.get_by_text(OLD).count() == 0
    assert not [p for p in problems if "live" in p or "Content Security Policy" in p], problems
