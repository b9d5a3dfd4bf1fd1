"""The content health page: its numbers, its markdown, and a real internal site showing it."""

from __future__ import annotations

import re

import markdown
import pytest

import kbtools.review.health as health_module
from kbtools.content.model import content_hash
from kbtools.registry import DEFAULT, open_kb
from kbtools.review.health import PAGE_PATH, health, owner_paths, pages, render
from kbtools.translations.report import translation_report
from tests.support import age, article, make_kb

AS_OF = "2026-11-23"
BODY = "# Reset\n\nSteps.\n"

FILES = {
    "docs/faq/reset.md": article("Reset", BODY, owner="ann", reviewed="2026-11-10",
                                 audience="public"),
    "docs/faq/reset.ru.md": article("Сброс", "# Сброс\n", reviewed="2026-11-01",
                                    translation={"source_hash": content_hash(BODY, (("title", "Reset"),))}),
    "docs/faq/reset.fa.md": article("بازنشانی", "# بازنشانی\n", reviewed="2026-11-01",
                                    translation={"source_hash": "0" * 16}),
    "docs/faq/old.md": article("Old", owner="bob", reviewed="2025-03-01"),
    "docs/faq/old.ru.md": article("Старое", reviewed="2026-11-01"),
    "docs/faq/soon.md": article("Soon", owner="bob", reviewed="2026-05-30"),
    "docs/guide/leaver.md": article("Leaver", owner="gone", reviewed="2026-08-01"),
    "docs/guide/never.md": article("Never", owner="bob"),
}


@pytest.fixture
def kb(tmp_path):
    return open_kb(make_kb(tmp_path, FILES))


def test_numbers(kb):
    data = health(kb, as_of=AS_OF)
    assert data.articles == 8
    assert dict(data.statuses) == {"current": 5, "overdue": 1, "due-soon": 1,
                                   "never-reviewed": 1}
    assert dict(data.ages) == {"under 1 month": 4, "1-3 months": 0, "3-6 months": 2,
                               "6-12 months": 0, "over 1 year": 1, "never reviewed": 1}
    owners = {o.handle: (o.articles, o.statuses["overdue"], len(o.flagged)) for o in data.owners}
    assert owners == {"ann": (4, 0, 0), "bob": (4, 1, 4)}  # the leaver counts for ann
    assert [e.path for e in data.oldest][:2] == ["docs/faq/old.md", "docs/faq/soon.md"]
    coverage = {c.lang: (c.expected, dict(c.verdicts), c.percent_current) for c in data.coverage}
    # As kb translations counts: sources that are public or translated (not the internal
    # guides nobody translates); % current of the translations that should exist.
    zero = dict.fromkeys(("current", "outdated", "untracked", "missing", "orphaned", "skipped"), 0)
    assert coverage["ru"] == (2, {**zero, "current": 1, "untracked": 1}, 50.0)
    assert coverage["fa"] == (2, {**zero, "outdated": 1, "missing": 1}, 0.0)
    report = translation_report(kb).summary()
    assert {c.lang: c.percent_current for c in data.coverage} == \
        {lang: counts["percent_current"] for lang, counts in report.items()}


def test_page_markdown_renders_tables_links_and_an_inline_chart(kb):
    page = render(health(kb, as_of=AS_OF), kb.owners)
    html = markdown.markdown(page, extensions=["tables", "attr_list", "md_in_html", "toc"])
    assert "<h1" in html and "Content health" in html
    assert "As of <strong>2026-11-23</strong>: 8 articles." in html
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    assert svg.count("<rect") == 6 and "never reviewed" in svg
    assert "<script" not in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    assert '<a href="../faq/old.md">Old</a>' in html  # source pages are linked (oldest)
    assert re.search(r"<td>overdue</td>\s*<td[^>]*>1</td>", html)
    assert "Ann Example (<code>ann</code>)" in html
    assert re.search(r"<td>ru</td>\s*<td[^>]*>50.0%</td>", html)


def test_each_owner_with_articles_to_act_on_has_a_page_linked_from_the_summary(kb):
    found = {page.path: page for page in pages(kb)}
    # bob has 4 to act on; ann (who answers for the leaver too) none: no page
    assert sorted(found) == [PAGE_PATH, "reports/owners/bob.md"]
    bob = found["reports/owners/bob.md"]
    assert bob.title == "Content health: Bob Example" and bob.audience == "internal"
    html = markdown.markdown(bob.markdown, extensions=["tables"])
    items = re.findall(r"<li>(.*?)</li>", html)
    assert len(items) == 4  # most urgent first: the overdue one
    assert items[0].startswith('<a href="../../faq/old.md">Old</a>: overdue')
    assert any("<code>docs/faq/old.ru.md</code>" in item for item in items)  # by path
    assert "<code>kb stale --owner bob</code>" in html
    assert '<a href="../health.md">Content health</a>' in html
    summary = markdown.markdown(found[PAGE_PATH].markdown, extensions=["tables"])
    assert re.search(r'<td>Bob Example \(<code>bob</code>\)</td>.*?<td[^>]*><a href="owners/bob.md">4</a></td>',
                     summary, re.S)
    assert "<li>" not in summary  # the lists are on the owners' pages


def test_owner_pages_have_a_path_each(kb):
    import dataclasses

    data = health(kb, as_of=AS_OF)
    bob = next(group for group in data.owners if group.handle == "bob")
    groups = tuple(dataclasses.replace(bob, handle=handle)
                   for handle in ("Team.A", "team-a", "../x", "", None, "nobody"))
    paths = owner_paths(dataclasses.replace(data, owners=groups))
    assert paths == {"Team.A": "reports/owners/team-a.md", "team-a": "reports/owners/team-a-2.md",
                     "../x": "reports/owners/x.md", "": "reports/owners/owner.md",
                     None: "reports/owners/nobody.md", "nobody": "reports/owners/nobody-2.md"}


def test_an_edit_that_changes_the_summary_only_leaves_the_owner_pages_as_built(tmp_path,
                                                                               monkeypatch):
    # The summary counts translations (the edit makes reset.ru.md outdated); bob's list does
    # not change, so the next build takes his page from the previous one (a link to it).
    from kbtools.sites import build

    monkeypatch.setenv("KB_AS_OF", AS_OF)
    root = make_kb(tmp_path / "kb", FILES)
    build(open_kb(root), ("internal",), out=root / "inc", jobs=1)
    age(root)
    site = root / "inc/site"
    before = {path: (site / path).stat().st_ino
              for path in ("reports/owners/bob/index.html", "reports/health/index.html")}
    summary = (site / "reports/health/index.html").read_text(encoding="utf-8")
    (root / "docs/faq/reset.md").write_text(FILES["docs/faq/reset.md"].replace(
        "Steps.", "Steps, in order."), encoding="utf-8")
    build(open_kb(root), ("internal",), out=root / "inc", jobs=1)
    assert (site / "reports/owners/bob/index.html").stat().st_ino == \
        before["reports/owners/bob/index.html"]
    assert (site / "reports/health/index.html").read_text(encoding="utf-8") != summary


def test_registered_as_an_internal_page(kb):
    assert health_module.pages in DEFAULT.reports
    pages = [p for p in kb.kinds.generated_pages(kb) if p.path == PAGE_PATH]
    assert len(pages) == 1 and pages[0].audience == "internal"
    assert pages[0].title == "Content health"


@pytest.mark.browser
def test_internal_site_shows_the_page_and_public_site_does_not(tmp_path, monkeypatch):
    from kbtools.sites.builder import build
    from tests.browser_support import browser, serve_static

    monkeypatch.setenv("KB_AS_OF", AS_OF)
    root = make_kb(tmp_path / "kb", FILES)
    build(open_kb(root), out=tmp_path / "out")
    assert not (tmp_path / "out/site-public/reports").exists()
    with serve_static(tmp_path / "out/site") as base, browser() as chromium:
        page = chromium.new_page()
        page.goto(f"{base}/reports/health/")
        assert page.title().startswith("Content health")
        bars = page.locator("div.kb-health-chart svg rect")
        assert bars.count() == 6
        widths = [float(bars.nth(i).get_attribute("width")) for i in range(6)]
        assert widths[0] == max(widths) > 0  # "under 1 month" is the biggest bucket
        assert page.locator("div.kb-health-chart svg").bounding_box()["height"] > 100
        page.locator("article td a", has_text="4").click()  # bob's articles to act on
        page.wait_for_url(re.compile(r"/reports/owners/bob/$"))
        assert page.locator("h1").first.inner_text().startswith("Content health: Bob Example (bob)")
        assert page.locator("article li").count() == 4
        page.locator("article li a", has_text="Old").click()
        page.wait_for_url(re.compile(r"/faq/old/$"))
        assert page.locator("h1").first.inner_text() == "Old"
