"""Real MkDocs builds of small knowledge bases: what each site contains and shows."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.content.check import check
from kbtools.content.kinds import Registry
from kbtools.content.model import content_hash
from kbtools.content.pages import GeneratedPage
from kbtools.diagnostics import error
from kbtools.errors import ContentError
from kbtools.registry import KINDS, REPORTS, open_kb
from kbtools.sites import build
from tests.support import REPO, article, make_kb

SOURCE_BODY = "# Reset your password\n\nOpen **Settings** and choose *Reset*.\n"
FILES = {
    "kb.yml": "languages: [en, ru, fa]\n",
    "docs/index.md": article("Agent home", "Start with [the outage playbook]"
                                           "(../playbooks/outage.md).\n", owner="ann"),
    "docs/faq/index.md": article("Questions", "- [Reset](reset.md)\n", audience="public"),
    "docs/faq/reset.md": article("Reset your password", SOURCE_BODY, audience="public",
                                 owner="ann", reviewed="2026-11-01"),
    # Pinned to an older source text: outdated. Machine draft not yet reviewed.
    "docs/faq/reset.ru.md": article("Сброс пароля", "# Сброс пароля\n\nОткройте настройки.\n",
                                    translation={"source_hash": "0123456789abcdef",
                                                 "machine": True}),
    # Pinned to the current source text: current, no banner.
    "docs/faq/reset.fa.md": article("بازنشانی رمز عبور", "# بازنشانی\n\nتنظیمات را باز کنید.\n",
                                    translation={"source_hash": content_hash(
                                        SOURCE_BODY, (("title", "Reset your password"),))}),
    "docs/guide/triage.md": article("Ticket triage", "Use {{ support.sla.P1.first_response }} "
                                    "for P1.\n", owner="gone", reviewed="2025-01-05"),
    "docs/guide/deep/nested.md": article("Nested page", "Deep.\n", owner="bob"),
    "playbooks/outage.md": article(
        "Outage", "Steps.\n", owner="ann", priority="P3", triggers=["site down"],
        tiers=[{"contact": "duty-manager", "within": "1h", "do": "Page the duty manager."}]),
}


def generated(kb):
    return [GeneratedPage("reports/health.md", "Health report", "All good.\n"),
            GeneratedPage("help/contact.md", "Contact us", "Write to us.\n", audience="public")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("kb"), FILES)
    kinds = Registry(KINDS, (*REPORTS, generated))  # a report page of our own
    report = build(open_kb(root, kinds=kinds), out=root / "out")
    return root, report


def html(root: Path, site: str, path: str) -> str:
    return (root / "out" / site / path).read_text(encoding="utf-8")


def banners(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-kb-banner="(\w+)"><p>(.*?)</p>', page))


def test_report_lists_both_sites_with_pages_and_no_warnings(built):
    root, report = built
    assert [s.site for s in report.sites] == ["internal", "public"]
    for site in report.sites:
        assert site.out == root / "out" / ("site" if site.site == "internal" else "site-public")
        assert site.pages > 5 and site.bytes > 100_000 and site.seconds > 0
        assert site.warnings == ()
    assert report["public"].pages < report["internal"].pages


def test_internal_site_has_playbooks_and_maps_links_to_them(built):
    root, _ = built
    assert (root / "out/site/playbooks/outage/index.html").exists()
    assert 'href="playbooks/outage/"' in html(root, "site", "index.html")
    assert not (root / "out/site-public/playbooks").exists()


def test_macros_render_in_pages(built):
    root, _ = built
    assert "Use 30m for P1." in html(root, "site", "guide/triage/index.html")


def test_outdated_and_machine_translation_banners_in_the_readers_language(built):
    root, _ = built
    page = html(root, "site-public", "ru/faq/reset/index.html")
    found = banners(page)
    assert set(found) == {"outdated", "machine"}
    assert "Этот перевод может быть устаревшим" in found["outdated"]
    link = re.search(r'href="([^"]+)"', found["outdated"]).group(1)
    target = (root / "out/site-public/ru/faq/reset" / link / "index.html").resolve()
    assert target == (root / "out/site-public/faq/reset/index.html").resolve()
    assert "Машинный перевод" in found["machine"]
    assert banners(html(root, "site-public", "fa/faq/reset/index.html")) == {}  # current


def test_fallback_page_says_it_is_in_english(built):
    root, _ = built
    # the public site: a copy under ru/, in English, with the banner in Russian
    found = banners(html(root, "site-public", "ru/faq/index.html"))
    assert "Эта страница пока не переведена на русский язык" in found["fallback"]
    assert "fallback" not in banners(html(root, "site-public", "faq/index.html"))


def test_the_agent_sites_other_languages_lead_to_the_english_page_with_their_banner(built):
    """The agent site writes an article once: the Russian navigation marks the guide "only in
    English" and leads to its English page, which holds the Russian and Persian banners,
    hidden, for the browser to show the one of the language its reader came from."""
    root, _ = built
    assert not (root / "out/site/ru/guide/triage").exists()
    russian = html(root, "site", "ru/guide/index.html")  # (the guides' section, in Russian)
    item = re.search(r'<a href="([^"]*)" class="md-nav__link">\s*<span class="md-ellipsis">'
                     r'\s*Ticket triage\s*</span>\s*<span class="md-status '
                     r'md-status--kb-elsewhere" title="([^"]+)">', russian)
    assert item is not None
    assert (root / "out/site/ru/guide" / item.group(1) / "index.html").resolve() == \
        (root / "out/site/guide/triage/index.html").resolve()
    assert item.group(2) == "Только на английском"
    page = html(root, "site", "guide/triage/index.html")
    hidden = dict(re.findall(r'<div class="admonition info kb-banner kb-banner-fallback" '
                             r'lang="(\w+)" dir="\w+" data-kb-reader="\w+" hidden '
                             r'data-kb-banner="fallback"><p>([^<]+)</p>', page))
    assert set(hidden) == {"ru", "fa"}
    assert "Эта страница пока не переведена на русский язык" in hidden["ru"]
    # a translated page has none: its readers have their own
    assert "data-kb-reader" not in html(root, "site", "faq/reset/index.html")


def test_overdue_banner_on_internal_pages_only_with_owner_and_due_date(built):
    root, _ = built
    found = banners(html(root, "site", "guide/triage/index.html"))
    # 'gone' left: the banner names who answers for the page now (the team's fallback).
    assert found["overdue"] == ("This page is overdue for review (due 2025-07-04). "
                                "Owner: Ann Example.")
    assert "overdue" not in banners(html(root, "site", "faq/reset/index.html"))  # not due


def test_rtl_languages_and_language_switcher(built):
    root, _ = built
    assert '<body dir="rtl"' in html(root, "site-public", "fa/faq/reset/index.html")
    assert '<body dir="ltr"' in html(root, "site-public", "ru/faq/reset/index.html")
    page = html(root, "site-public", "ru/faq/reset/index.html")
    assert 'href="../../../fa/faq/reset/" hreflang="fa"' in page


def test_generated_pages_and_section_indexes(built):
    root, _ = built
    assert (root / "out/site/reports/health/index.html").exists()
    assert not (root / "out/site-public/reports").exists()  # internal generated page
    assert "Write to us." in html(root, "site-public", "help/contact/index.html")
    guide = html(root, "site", "guide/index.html")  # no guide/index.md: generated
    assert 'href="triage/"' in guide and 'href="deep/"' in guide
    assert "Questions" in html(root, "site-public", "index.html")  # generated public home


def test_every_navigation_link_shows_its_pages_title(built):
    """Pages already rendered keep their titles for the navigation of the pages after them
    (once, releasing a rendered page's markdown left "None" in the others' menus)."""
    root, _ = built
    label = re.compile(r'class="md-nav__link[^"]*"[^>]*>\s*<span class="md-ellipsis">\s*'
                       r"([^<]*?)\s*</span>", re.S)
    for site in ("site", "site-public"):
        for page in (root / "out" / site).rglob("index.html"):
            labels = label.findall(page.read_text(encoding="utf-8"))
            assert "None" not in labels and "" not in labels, (page, labels)
    # rendered before it (faq/ comes first): the FAQ index page's title, in its menu
    assert "Questions" in label.findall(html(root, "site", "guide/triage/index.html"))


def test_each_language_has_its_own_search_index(built):
    root, _ = built
    for folder, lang in (("", "en"), ("ru/", "ru"), ("fa/", "fa")):
        index = json.loads(html(root, "site-public", f"{folder}search/search_index.json"))
        locations = {d["location"].split("#")[0] for d in index["docs"]}
        assert "faq/reset/" in locations
        assert not any(loc.startswith(("ru/", "fa/")) for loc in locations)
        assert index["config"]["lang"] == [lang if lang != "fa" else "en"]


def test_a_failing_macro_stops_the_build_with_page_and_line_and_keeps_the_old_site(
        tmp_path, built):
    root = make_kb(tmp_path, {
        "docs/faq/a.md": article("A", "Fine.\n\nTotal: {{ 10 // 0 }}\n", audience="public"),
    })
    old = tmp_path / "site-public"
    old.mkdir()
    (old / "keep.txt").write_text("previous build")
    with pytest.raises(ContentError) as caught:
        build(open_kb(root), ("public",), out=tmp_path)
    [finding] = caught.value.findings
    assert (finding.path, finding.line, finding.code) == ("docs/faq/a.md", 7, "site.macro")
    assert (old / "keep.txt").read_text() == "previous build"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site-public")] == []


def test_a_build_goes_by_the_check_report_it_is_given(tmp_path):
    """The preview checks the knowledge base to show its findings, then builds: the build
    takes that report (``checked``) instead of checking the same knowledge base again."""
    root = make_kb(tmp_path, {"docs/faq/a.md": article("A", "Hello.\n", audience="public")})
    kb = open_kb(root)
    report = check(kb)
    assert report.ok
    planted = error("docs/faq/a.md", 5, "link.broken", "a finding only the given report has")
    with pytest.raises(ContentError) as caught:
        build(kb, ("public",), out=tmp_path / "out", checked=replace(report, findings=(planted,)))
    assert list(caught.value.findings) == [planted]
    assert not (tmp_path / "out" / "site-public").exists()
    [site] = build(kb, ("public",), out=tmp_path / "out", checked=report).sites
    assert (site.out / "faq" / "a" / "index.html").is_file()


def test_cli_build_only_public_json(tmp_path):
    root = make_kb(tmp_path, {"docs/faq/a.md": article("A", "Hello.\n", audience="public")})
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--only", "public",
                                       "--json"])
    assert result.exit_code == 0, result.output
    [site] = json.loads(result.output)["sites"]
    assert site["site"] == "public" and site["pages"] >= 2
    assert (root / "site-public" / "faq" / "a" / "index.html").exists()
    assert not (root / "site").exists()


def test_cli_build_refuses_with_findings_and_exit_1(tmp_path):
    root = make_kb(tmp_path, {
        "docs/faq/a.md": article("A", "See [b](../guide/b.md).\n", audience="public"),
        "docs/guide/b.md": article("B"),
    })
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--only", "public"])
    assert result.exit_code == 1
    assert ("docs/faq/a.md:5: error: public page links to internal page docs/guide/b.md"
            in result.output)


def test_the_example_knowledge_base_builds_both_sites_without_warnings(tmp_path):
    report = build(open_kb(REPO), out=tmp_path)
    assert report["internal"].warnings == () and report["public"].warnings == ()
    assert (tmp_path / "site" / "playbooks").is_dir()
    assert (tmp_path / "site-public" / "ar" / "faq" / "refund-policy" / "index.html").exists()
    assert not (tmp_path / "site-public" / "guide").exists()
    mermaid = "assets/vendor/mermaid/mermaid.min.js"
    assert (tmp_path / "site" / mermaid).exists()  # playbook flowcharts, drawn offline
    assert not (tmp_path / "site-public" / mermaid).exists()  # no diagrams for customers


def test_a_large_section_is_split_so_pages_carry_a_bounded_navigation(tmp_path):
    files = {"kb.yml": "languages: [en]\n",
             "docs/index.md": article("Home", "Hello.\n")}
    files.update({f"docs/big/page-{i:03}.md": article(f"Topic {i:03}", f"Text {i}.\n")
                  for i in range(120)})
    root = make_kb(tmp_path, files)
    build(open_kb(root), ("internal",), out=root)
    page = (root / "site/big/page-050/index.html").read_text(encoding="utf-8")
    links_to_pages = set(re.findall(r'href="\.\./page-(\d{3})/"', page))
    # Its own part of the section (30) plus one link per other part (4 parts), not all 120.
    assert 30 <= len(links_to_pages) <= 34
    index = (root / "site/big/index.html").read_text(encoding="utf-8")
    article_html = index[index.index("<article"):index.index("</article>")]
    assert len(set(re.findall(r'href="page-(\d{3})/"', article_html))) == 120  # all reachable


def test_fallback_copies_are_not_in_the_search_index_twice(built):
    root, _ = built
    index = json.loads(html(root, "site", "search/search_index.json"))
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    assert "guide/triage/" in locations and "ru/faq/reset/" in locations
    assert not {"ru/guide/triage/", "fa/guide/triage/"} & locations  # English copies
