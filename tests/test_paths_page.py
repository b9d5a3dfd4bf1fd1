"""The path page and the paths index as markdown/HTML (the browser test drives them live)."""

from __future__ import annotations

import re

import markdown
import pytest

from kbtools.onboarding import page as path_page
from kbtools.onboarding.page import choice_order, format_minutes, index_pages
from kbtools.onboarding.views import relative_url, site_url
from kbtools.registry import DEFAULT
from tests.support import article
from tests.test_paths import PATH, PLAYBOOK, path_kb


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("KB_AS_OF", "2026-11-23")


def page_of(kb, path="docs/onboarding/first-weeks.md") -> str:
    item = kb.corpus.get(path)
    return kb.kinds.render_body(kb, item, item.body)


def test_path_kind_and_index_are_registered():
    assert DEFAULT["path"].render is path_page.render_page
    assert DEFAULT["path"].pages is path_page.index_pages


@pytest.mark.parametrize(("path", "url"), [
    ("docs/products/invoices.md", "products/invoices/"),
    ("docs/faq/index.md", "faq/"),
    ("docs/index.md", ""),
    ("playbooks/outage.md", "playbooks/outage/"),
])
def test_site_urls(path, url):
    assert site_url(path) == url


def test_relative_urls_from_the_path_page():
    assert relative_url("onboarding/first-weeks/", "playbooks/outage/") == \
        "../../playbooks/outage/"
    assert relative_url("", "faq/") == "faq/"
    assert relative_url("faq/", "") == "../"


def test_page_keeps_the_body_and_adds_stages_steps_and_time(tmp_path):
    kb = path_kb(tmp_path)
    html = page_of(kb)
    assert html.startswith("Welcome to the path.\n\n<div class=\"kb-path\" "
                           "data-kb-path=\"docs/onboarding/first-weeks.md\" lang=")
    assert 'Total time: <strong class="kb-path-total">1h 55m</strong>' in html
    assert html.count('class="kb-path-stage"') == 2
    invoices = kb.corpus.get("docs/products/invoices.md")
    assert (f'<li class="kb-path-step" data-step="docs/products/invoices.md" '
            f'data-hash="{invoices.content_hash}" data-minutes="30">') in html
    assert 'href="../../products/invoices/">Invoices overview</a>' in html
    assert 'href="../../playbooks/outage/">Outage</a>' in html
    assert '<span class="kb-step-note" dir="auto">Read the examples twice.</span>' in html
    assert "updated since you read it" in html


def test_quiz_answers_and_stable_shuffle(tmp_path):
    kb = path_kb(tmp_path)
    html = page_of(kb)
    assert 'data-quiz="w1-quiz" data-select="1" data-correct="0"' in html
    assert 'data-quiz="w2-quiz" data-select="2" data-correct="0,1"' in html
    assert '<input type="radio" name="kb-quiz-w1-quiz"' in html
    assert '<input type="checkbox" name="kb-quiz-w2-quiz"' in html
    quiz = kb.corpus.get("docs/onboarding/first-weeks.md").details.quizzes[1]
    order = [int(v) for v in re.findall(r'name="kb-quiz-w2-quiz" value="(\d)"', html)]
    assert order == choice_order(quiz) and sorted(order) == [0, 1, 2]
    assert page_of(path_kb(tmp_path)) == html  # same page on every build
    assert '<p class="kb-quiz-explanation" dir="auto" hidden>A and B are true.</p>' in html


def test_page_marks_stale_and_missing_steps_and_escapes_text(tmp_path):
    old = article("Outage", "Page people.\n", owner="ann", reviewed="2025-01-10", **PLAYBOOK)
    text = PATH.replace("docs/tone/voice.md", "docs/legacy/gone.md").replace(
        "Pick the two facts.", "Pick <two> & \"facts\".")
    html = page_of(path_kb(tmp_path, text, **{"playbooks/outage.md": old}))
    assert "due for review: check details with your mentor" in html
    assert ('<li class="kb-path-step kb-step-missing" data-step="docs/legacy/gone.md">'
            in html)
    assert "Pick &lt;two&gt; &amp; &quot;facts&quot;." in html


def test_page_html_survives_markdown(tmp_path):
    html = page_of(path_kb(tmp_path))
    block = html[html.index("<div class=\"kb-path\""):]
    assert "\n\n" not in block.rstrip()  # a blank line would end the raw HTML block
    out = markdown.markdown(html, extensions=["md_in_html", "admonition", "attr_list"])
    assert out.count('<form class="kb-quiz"') == 2
    assert 'var PREFIX = "kb-onboarding:";' in out
    assert "&lt;" not in out and "<p><div" not in out


def test_index_lists_paths_by_level(tmp_path):
    senior = PATH.replace("level: specialist-1", "level: senior").replace(
        "title: First weeks", "title: Becoming senior")
    engineer = PATH.replace("level: specialist-1", "level: engineer").replace(
        "title: First weeks", "title: Engineering rotation")
    kb = path_kb(tmp_path, **{"docs/onboarding/senior.md": senior,
                              "docs/onboarding/zz-engineer.md": engineer})
    page, *others = index_pages(kb)
    assert (page.path, page.title, page.audience, page.lang) == (
        "onboarding/index.md", "Onboarding paths", "internal", "en")
    assert [(p.path, p.lang) for p in others] == [("onboarding/index.md", "ru"),
                                                  ("onboarding/index.md", "fa")]
    assert others[0].title == "Программы адаптации"
    assert "## Старший специалист поддержки" in others[0].markdown
    assert "| [First weeks](first-weeks.md) | 2 | 3 | 1 ч 55 мин |" in others[0].markdown
    headings = re.findall(r"^## (.+)$", page.markdown, re.M)
    assert headings == ["Support specialist 1", "Senior support specialist",
                        "Support engineer"]
    assert "| [First weeks](first-weeks.md) | 2 | 3 | 1h 55m |" in page.markdown
    assert "[Engineering rotation](zz-engineer.md)" in page.markdown
    assert 'data-kb-path="docs/onboarding/senior.md"' in page.markdown


def test_no_index_without_paths(tmp_path):
    from kbtools.registry import open_kb
    from tests.support import make_kb

    make_kb(tmp_path, {"docs/a.md": article("A")})
    assert index_pages(open_kb(tmp_path)) == []


@pytest.mark.parametrize(("minutes", "text"), [(20, "20m"), (60, "1h"), (95, "1h 35m"),
                                               (0, "0m")])
def test_format_minutes(minutes, text):
    assert format_minutes(minutes) == text


def test_translation_without_stages_uses_the_source_path_and_shares_progress(tmp_path):
    kb = path_kb(tmp_path, **{"docs/onboarding/first-weeks.ru.md":
                              article("Первые недели", "Добро пожаловать.\n")})
    html = page_of(kb, "docs/onboarding/first-weeks.ru.md")
    assert html.startswith("Добро пожаловать.\n\n<div class=\"kb-path\" "
                           "data-kb-path=\"docs/onboarding/first-weeks.md\" lang=")
    assert 'href="../../../products/invoices/">Invoices overview</a>' in html
