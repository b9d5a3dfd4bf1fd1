"""The onboarding pages in the reader's language: a real MkDocs build of the internal site in
English, Russian (a fallback copy of the English path) and Arabic (a translated path), the
Arabic page driven in headless Chromium, and ``kb check`` naming an ``onboarding.*`` string a
language lacks."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.content.catalogs import SOURCE_LANGUAGE, catalog, package_catalog
from kbtools.onboarding.page import script_body
from kbtools.registry import open_kb
from kbtools.sites import build
from tests.browser_support import browser, serve_static
from tests.support import article, make_kb
from tests.test_paths import PATH, TARGETS

LANGUAGES = ("en", "ru", "ar")
STEP = '.kb-path-step[data-step="{}"]'
WIDGET = re.compile(r'<div class="kb-path" .*?(?=<style>)', re.S)
ARTICLE = re.compile(r"<article[^>]*>(.*?)</article>", re.S)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("KB_AS_OF", "2026-11-23")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The internal site of a KB in en, ru and ar with one path; ar has a translation of it
    (no stages of its own), ru shows the English path."""
    root = tmp_path_factory.mktemp("kb")
    make_kb(root, {
        **TARGETS,
        "kb.yml": f"languages: [{', '.join(LANGUAGES)}]\n",
        "docs/index.md": article("Home", "Welcome.\n"),
        "docs/onboarding/first-weeks.md": PATH,
        "docs/onboarding/first-weeks.ar.md": article("الأسابيع الأولى", "أهلًا بك في المسار.\n"),
        "docs/tone/voice.ru.md": article("Принципы голоса", "Будьте добры.\n"),
    })
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KB_AS_OF", "2026-11-23")
        kb = open_kb(root)
        build(kb, which=("internal",), out=root / "out")
    return kb, root / "out" / "site"


def english_fragments() -> list[str]:
    """Every English onboarding string, cut at its placeholders, as the page would show it
    (fragments of a few letters, like "read", are left out: titles may contain them)."""
    found = set()
    for key, text in package_catalog(SOURCE_LANGUAGE).strings.items():
        if key.startswith("onboarding."):
            found.update(part.strip(" ·:()%,") for part in re.split(r"\{\w+\}", text))
    return sorted(part for part in found if len(part) >= 6)


def shown(page_html: str) -> str:
    """The widget's text and attributes as a reader gets them (the script and style out)."""
    [widget] = WIDGET.findall(page_html)
    return html.unescape(widget)


@pytest.mark.parametrize("lang", ["ru", "ar"])
def test_path_page_shows_the_catalog_strings_and_no_english_ones(site, lang):
    kb, folder = site
    page = (folder / lang / "onboarding/first-weeks/index.html").read_text(encoding="utf-8")
    widget = shown(page)
    strings = catalog(kb, lang)
    for key in ("reset", "no_progress", "storage_blocked", "updated", "reread", "quiz",
                "check", "choose_one", "task", "progress_label", "level.specialist-1"):
        assert strings.text(f"onboarding.{key}") in widget, key
    assert strings.text("onboarding.total", time=strings.text(
        "onboarding.time.hours_minutes", hours=1, minutes=55)) in re.sub(r"<[^>]+>", "", widget)
    assert strings.text("onboarding.choose_many", count=2) in widget
    assert strings.text("onboarding.stage_steps", count=2) in widget
    assert strings.text("onboarding.read_label", title="Invoices overview") in widget
    words = re.sub(r"\{\w+\}", "", widget)  # placeholder names are not shown
    english = [text for text in english_fragments() if text in words]
    assert english == []
    # Authored text stays as written; the script is the one every page carries.
    assert "Invoices overview" in widget and "Week 1" in widget
    assert f"<script>{script_body()}</script>" in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_step_leads_to_its_page_in_the_readers_language_or_in_english(site, lang):
    """The agent site writes an article once: a path shown in Russian leads to a step's
    Russian page where it has one, else to its English page; never to a missing page."""
    _, folder = site
    here = folder / ("" if lang == "en" else lang) / "onboarding/first-weeks"
    html = (here / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'class="kb-step-link" dir="auto" href="([^"]+)"', html)
    assert len(links) == 3
    targets = {(here / link / "index.html").resolve().relative_to(folder.resolve()).as_posix()
               for link in links}
    assert all((folder / target).is_file() for target in targets), targets
    voice = "ru/tone/voice/index.html" if lang == "ru" else "tone/voice/index.html"
    assert {"products/invoices/index.html", voice, "playbooks/outage/index.html"} == targets


def test_the_widget_carries_its_language_and_direction(site):
    _, folder = site
    english = shown((folder / "onboarding/first-weeks/index.html").read_text(encoding="utf-8"))
    assert "Reset my progress" in english and "Total time:" in english
    assert english.startswith('<div class="kb-path" data-kb-path="docs/onboarding/'
                              'first-weeks.md" lang="en" dir="ltr" ')
    arabic = (folder / "ar/onboarding/first-weeks/index.html").read_text(encoding="utf-8")
    assert '<body dir="rtl"' in arabic
    assert "أهلًا بك في المسار." in arabic  # the translation's own body
    assert ' lang="ar" dir="rtl" data-kb-strings=' in shown(arabic)
    # authored English text inside the Arabic widget keeps its own direction
    assert '<h2 class="kb-path-stage-title" dir="auto">Week 1</h2>' in shown(arabic)
    assert '<span dir="auto">Which reply follows the voice?</span>' in shown(arabic)
    russian = shown((folder / "ru/onboarding/first-weeks/index.html").read_text("utf-8"))
    assert ' lang="ru" dir="ltr" data-kb-strings=' in russian


@pytest.mark.parametrize("lang", ["ru", "ar"])
def test_index_of_paths_is_in_every_language(site, lang):
    kb, folder = site
    page = (folder / lang / "onboarding/index.html").read_text(encoding="utf-8")
    [body] = ARTICLE.findall(page)
    text = html.unescape(re.sub(r"<script>.*?</script>", "", body, flags=re.S))
    strings = catalog(kb, lang)
    assert f">{strings.text('onboarding.index_title')}<" in text
    assert strings.text("onboarding.level.specialist-1") in text
    assert strings.text("onboarding.column.progress") in text
    assert strings.text("onboarding.not_started") in text
    assert "Onboarding paths" not in text and "not started" not in text
    assert f"<title>{strings.text('onboarding.index_title')}" in page


@pytest.mark.browser
def test_arabic_path_page_runs_in_arabic_and_saves_progress(site):
    kb, folder = site
    strings = catalog(kb, "ar")
    progress = strings.text("onboarding.progress", read="{read}", steps=3, passed=0,
                            quizzes=2, percent="{percent}")
    with serve_static(folder) as base, browser() as chromium:
        page = chromium.new_context().new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{base}/ar/onboarding/first-weeks/")
        bar = page.locator(".kb-path-progress")
        assert bar.inner_text() == progress.format(read=0, percent=0)
        assert page.locator(".kb-path-remaining").inner_text() == \
            strings.text("onboarding.time.hours_minutes", hours=1, minutes=55)
        assert page.locator(".kb-path-reset").inner_text() == strings.text("onboarding.reset")
        assert page.evaluate("getComputedStyle(document.querySelector('.kb-path')).direction") \
            == "rtl"

        page.check(STEP.format("docs/products/invoices.md") + " .kb-step-read")
        assert bar.inner_text() == progress.format(read=1, percent=20)
        assert page.locator(".kb-path-remaining").inner_text() == \
            strings.text("onboarding.time.hours_minutes", hours=1, minutes=25)
        quiz = page.locator('form[data-quiz="w1-quiz"]')
        quiz.locator(".kb-quiz-submit").click()
        assert quiz.locator(".kb-quiz-feedback").inner_text() == \
            strings.text("onboarding.choose_one")
        quiz.get_by_label("The blaming one").check()
        quiz.locator(".kb-quiz-submit").click()
        assert quiz.locator(".kb-quiz-feedback").inner_text() == strings.text("onboarding.wrong")

        page.reload()  # saved, and shared with the other languages' pages of the path
        assert bar.inner_text() == progress.format(read=1, percent=20)
        page.goto(f"{base}/ru/onboarding/first-weeks/")
        assert page.is_checked(STEP.format("docs/products/invoices.md") + " .kb-step-read")
        assert page.locator(".kb-path-progress").inner_text() == catalog(kb, "ru").text(
            "onboarding.progress", read=1, steps=3, passed=0, quizzes=2, percent=20)
        page.goto(f"{base}/ar/onboarding/")
        cell = page.locator(".kb-path-index-progress")
        assert cell.inner_text() == strings.text("onboarding.index_progress", percent=20,
                                                 read=1, steps=3, passed=0, quizzes=2)
    assert errors == []


def _nested(strings: dict[str, str]) -> dict:
    tree: dict = {}
    for key, value in strings.items():
        *parents, leaf = key.split(".")
        node = tree
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = value
    return tree


def test_check_reports_an_onboarding_string_a_language_lacks(tmp_path):
    """German is a language kb ships no strings for: the KB's catalog must have them all."""
    own = dict(package_catalog(SOURCE_LANGUAGE).strings)
    removed = own.pop("onboarding.reset")
    german = yaml.safe_dump(_nested(own), allow_unicode=True, sort_keys=False)
    make_kb(tmp_path, {**TARGETS, "kb.yml": "languages: [en, de]\n",
                       "docs/onboarding/first-weeks.md": PATH,
                       "catalogs/en.yml": "site:\n  name: Example Help Center\n",
                       "catalogs/de.yml": "site:\n  name: Example Hilfe\n" + german})
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "check"],
                                catch_exceptions=False)
    assert result.exit_code == 1
    reports = [line for line in result.output.splitlines() if "catalog.missing" in line]
    assert len(reports) == 1
    assert re.match(r"catalogs/de\.yml:\d+: error: no de text for 'onboarding\.reset' "
                    rf"\(the en one is '{re.escape(removed)}'\)", reports[0])
