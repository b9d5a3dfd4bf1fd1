"""A trainee works through a path page in headless Chromium, on a real MkDocs build of the
internal site served on 127.0.0.1: ticks steps, answers a quiz, reloads, survives a rebuild
after an article changed, and resets."""

from __future__ import annotations

import pytest

from kbtools.registry import open_kb
from kbtools.sites import build
from tests.browser_support import browser, serve_static
from tests.support import article, make_kb
from tests.test_paths import PATH, TARGETS

pytestmark = pytest.mark.browser

STEP = '.kb-path-step[data-step="{}"]'
INVOICES, VOICE, OUTAGE = "docs/products/invoices.md", "docs/tone/voice.md", "playbooks/outage.md"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("KB_AS_OF", "2026-11-23")


def build_site(root, out):
    build(open_kb(root), which=("internal",), out=out)
    return out / "site"


def progress(page) -> str:
    return page.locator(".kb-path-progress").inner_text()


def test_trainee_progress_quizzes_reload_rebuild_and_reset(tmp_path):
    root, out = tmp_path / "kb", tmp_path / "out"
    make_kb(root, {**TARGETS, "docs/onboarding/first-weeks.md": PATH,
                   "docs/index.md": article("Home", "Welcome.\n")})
    site = build_site(root, out)
    with serve_static(site) as base, browser() as chromium:
        page = chromium.new_context().new_page()
        page.goto(f"{base}/onboarding/first-weeks/")
        assert page.locator(".kb-path-total").inner_text() == "1h 55m"
        assert progress(page) == "Steps read: 0 of 3 · Quizzes passed: 0 of 2 · 0% done"

        # Steps link to the articles in the built site.
        href = page.locator(STEP.format(OUTAGE) + " a.kb-step-link").get_attribute("href")
        assert (site / "onboarding/first-weeks" / href / "index.html").resolve().is_file()

        page.check(STEP.format(INVOICES) + " .kb-step-read")
        page.check(STEP.format(VOICE) + " .kb-step-read")
        assert progress(page) == "Steps read: 2 of 3 · Quizzes passed: 0 of 2 · 40% done"
        assert page.locator(".kb-path-remaining").inner_text() == "25m"
        assert page.locator(".kb-path-bar").get_attribute("aria-valuenow") == "40"

        quiz = page.locator('form[data-quiz="w1-quiz"]')
        explanation = quiz.locator(".kb-quiz-explanation")
        assert explanation.is_hidden()
        quiz.get_by_label("The blaming one").check()
        quiz.locator(".kb-quiz-submit").click()
        assert explanation.is_visible()
        assert explanation.inner_text() == "The first one gives a next step."
        assert quiz.locator(".kb-quiz-feedback").inner_text().startswith("Not quite")
        assert quiz.locator(".kb-quiz-passed").is_hidden()
        assert progress(page).endswith("Quizzes passed: 0 of 2 · 40% done")

        quiz.get_by_label("The friendly one").check()
        quiz.locator(".kb-quiz-submit").click()
        assert quiz.locator(".kb-quiz-feedback").inner_text() == "Correct. Quiz passed."
        assert quiz.locator(".kb-quiz-passed").is_visible()
        expected = "Steps read: 2 of 3 · Quizzes passed: 1 of 2 · 60% done"
        assert progress(page) == expected

        page.reload()
        assert progress(page) == expected
        assert page.is_checked(STEP.format(INVOICES) + " .kb-step-read")
        assert not page.is_checked(STEP.format(OUTAGE) + " .kb-step-read")
        assert page.locator('form[data-quiz="w1-quiz"] .kb-quiz-passed').is_visible()
        assert page.locator(".kb-step-updated:visible").count() == 0

        # The invoices article changes in substance, the voice article only in formatting;
        # the stages are reordered. Rebuild the site and reload the same page.
        make_kb(root, {
            INVOICES: article("Invoices overview", "Invoices are due in 14 days now.\n",
                              owner="ann", reviewed="2026-11-01"),
            VOICE: article("Voice principles", "Be   **kind**.\n", owner="ann",
                           reviewed="2026-11-01"),
            "docs/onboarding/first-weeks.md": _swap_stages(PATH),
        }, base=False)
        build_site(root, out)
        page.reload()
        assert page.locator(".kb-path-stage-title").first.inner_text() == "Week 2"
        assert progress(page) == expected
        updated = page.locator(STEP.format(INVOICES) + " .kb-step-updated")
        assert updated.is_visible()
        assert updated.inner_text().startswith("updated since you read it")
        assert page.locator(STEP.format(VOICE) + " .kb-step-updated").is_hidden()

        updated.locator(".kb-step-reread").click()
        assert updated.is_hidden()
        page.reload()
        assert page.locator(STEP.format(INVOICES) + " .kb-step-updated").is_hidden()

        # The index lists the path with this browser's progress.
        page.goto(f"{base}/onboarding/")
        cell = page.locator('.kb-path-index-progress[data-kb-path="docs/onboarding/first-weeks.md"]')
        assert cell.inner_text() == "60% (2 of 3 steps, 1 of 2 quizzes)"

        # Resetting asks first; declining keeps everything.
        page.goto(f"{base}/onboarding/first-weeks/")
        page.once("dialog", lambda dialog: dialog.dismiss())
        page.click(".kb-path-reset")
        assert progress(page) == expected
        page.once("dialog", lambda dialog: dialog.accept())
        page.click(".kb-path-reset")
        assert progress(page) == "Steps read: 0 of 3 · Quizzes passed: 0 of 2 · 0% done"
        page.reload()
        assert progress(page) == "Steps read: 0 of 3 · Quizzes passed: 0 of 2 · 0% done"


def _swap_stages(text: str) -> str:
    head, _, rest = text.partition("  - title: Week 1\n")
    week1, _, week2 = rest.partition("  - title: Week 2\n")
    week2, sep, tail = week2.partition("---\n")
    return f"{head}  - title: Week 2\n{week2}  - title: Week 1\n{week1}{sep}{tail}"
