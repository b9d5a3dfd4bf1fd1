"""What many pages show the same is rendered once (:mod:`kbtools.sites.fragments`): the
navigation items off a page's path, per folder, and an English article's HTML in its fallback
copies. Real MkDocs builds with and without the sharing write the same bytes."""

from __future__ import annotations

import difflib
from pathlib import Path
from types import SimpleNamespace

import pytest

from kbtools.registry import open_kb
from kbtools.sites import build
from kbtools.sites.fragments import (
    BANNERS_END,
    Bodies,
    NavMemo,
    Sharing,
    parents,
    relative_targets,
)
from tests.support import MKDOCS, REPO, article, make_kb


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_tree(shared, plain) -> None:
    got, want = files_of(shared), files_of(plain)
    assert sorted(got) == sorted(want)
    for name in want:
        if got[name] != want[name]:
            diff = difflib.unified_diff(want[name].decode(errors="replace").splitlines(),
                                        got[name].decode(errors="replace").splitlines(),
                                        "plain", "shared", lineterm="", n=1)
            pytest.fail(f"{name} differs:\n" + "\n".join(list(diff)[:20]))


def build_both(root, tmp_path, which=("internal", "public")):
    shared = build(open_kb(root), which, out=tmp_path / "shared", jobs=1)
    plain = build(open_kb(root), which, out=tmp_path / "plain", jobs=1, share=False)
    for report in plain.sites:
        assert report.shared == report.indexed == 0
        assert_same_tree(tmp_path / "shared" / shared[report.site].out.name, report.out)
    return shared


def test_the_example_builds_the_same_with_and_without_sharing(tmp_path):
    report = build_both(REPO, tmp_path)
    # the internal site's homes and generated pages in English only, under ar/fa/ru/sl (its
    # articles are not copied)
    assert report["internal"].shared > 20
    # and its search entries taken in the sanitizer's pass (tests/test_search_sections.py):
    # every page but the fallback copies, which search skips; none on the public site,
    # whose sanitizer hands out no tags
    internal = report["internal"]
    assert internal.indexed > 100 and internal.indexed + internal.shared <= internal.pages
    assert report["public"].indexed == 0


FILES = {
    "kb.yml": "languages: [en, ru, sl]\n",
    "docs/index.md": article("Home", "Welcome.\n"),
    # an image: its link is relative to the page's place, so the copies convert their own
    "docs/guide/console.md": article("Console", "# Console\n\n![Console](../img/console.svg)\n",
                                     audience="public", owner="bob", reviewed="2026-11-01"),
    "docs/img/console.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
    # links to another page and its anchor, and a review date long past (a banner of its
    # own on the English page, in the reader's language on each copy)
    "docs/guide/triage.md": article(
        "Triage", "# Triage\n\n## Queues\n\nSee [the console](console.md#console) and "
        "[queues](#queues).[^1]\n\n[^1]: Since 2024.\n", audience="public", owner="bob",
        reviewed="2020-01-01"),
    # translated into ru only: one copy, in sl
    "docs/faq/refunds.md": article("Refunds", "# Refunds\n\nWithin 14 days.\n",
                                   audience="public", owner="ann", reviewed="2026-11-01"),
    "docs/faq/refunds.ru.md": article("Возвраты", "# Возвраты\n\nВ течение 14 дней.\n"),
    # a page with pages below its own URL: its navigation is its own
    "docs/guide/setup.md": article("Setup", "Start here. Then [more](setup/more.md).\n",
                                   owner="bob", reviewed="2026-11-01"),
    "docs/guide/setup/more.md": article("More setup", "Back to [setup](../setup.md).\n",
                                        owner="bob", reviewed="2026-11-01"),
}


def test_fallback_copies_share_their_english_html_only_where_it_reads_the_same(tmp_path):
    root = make_kb(tmp_path / "kb", FILES)
    report = build_both(root, tmp_path)
    # The agent site copies no article (its other languages lead to the English page), but
    # its homes and its generated pages, in English only: in ru and in sl, the home and the
    # reports whose links land on the same pages from there (the reports' index, the
    # owners' section page, ann's and nobody's pages, the translations page and one per
    # language). Those linking to articles (the section pages of guide/ and guide/setup/, the
    # health summary, bob's page) convert their own: from ru/ those links lead to the
    # English pages. The public site: triage and the guide/ section in ru and sl, refunds and
    # the faq/ section in sl (ru has its own); the console's copies (an image) convert their
    # own.
    assert report["internal"].shared == 2 * 8
    assert report["public"].shared == 2 * 2 + 2
    public = tmp_path / "shared" / "site-public"
    copy = (public / "sl" / "guide" / "triage" / "index.html").read_text(encoding="utf-8")
    assert 'data-kb-banner="fallback"' in copy
    assert 'href="../console/#console"' in copy and 'id="fn:1"' in copy
    image = (public / "ru" / "guide" / "console" / "index.html").read_text(encoding="utf-8")
    assert 'src="../../../img/console.svg"' in image
    site = tmp_path / "shared" / "site"
    assert not (site / "sl" / "guide" / "triage").exists()
    english = (site / "guide" / "triage" / "index.html").read_text(encoding="utf-8")
    assert 'data-kb-reader="ru"' in english and 'data-kb-reader="sl"' in english
    assert 'data-kb-banner="overdue"' in english


def test_no_sharing_where_mkdocs_is_to_warn_about_anchors(tmp_path):
    files = dict(FILES, **{"mkdocs.yml": MKDOCS + "validation:\n  links:\n    anchors: warn\n"})
    root = make_kb(tmp_path / "kb", files)
    report = build_both(root, tmp_path, ("internal",))
    assert report["internal"].shared == 0


def test_relative_targets_are_page_folders_only():
    assert relative_targets('<a href="../b/">b</a> <a href="#x">x</a> '
                            '<a href="https://example.com/a.png">e</a>') == ["../b/"]
    assert relative_targets('<a href="../b/#setup">b</a>') == ["../b/"]
    assert relative_targets('<img src="../img/a.png">') is None
    assert relative_targets('<a href="../b/?q=1">b</a>') is None
    assert relative_targets('<img srcset="a.png 2x">') is None


def test_a_body_moves_only_where_its_links_land_on_the_same_pages():
    bodies = Bodies()
    bodies.keep("k", '<p><a href="../b/">b</a></p>', None, {"x"}, "guide/a/", copies=2)
    assert bodies.find("k", "ru/guide/a/", frozenset({"ru/guide/b/"})).anchors == {"x"}
    assert bodies.find("k", "sl/guide/a/", frozenset({"guide/b/"})) is None  # not in this build
    assert bodies.find("k", "sl/other/a/", frozenset({"sl/other/b/"})) is None  # another place
    assert bodies.find("other", "sl/guide/a/", frozenset({"sl/guide/b/"})) is None
    assert len(bodies) == 1
    assert bodies.find("k", "sl/guide/a/", frozenset({"sl/guide/b/"})) is not None
    assert len(bodies) == 0  # its last copy took it: not held to the end of the build
    bodies.keep("img", '<img src="../i.png">', None, set(), "guide/a/", copies=1)
    assert bodies.find("img", "ru/guide/a/", frozenset()) is None


@pytest.mark.parametrize("site", ["internal", "public"])
def test_a_copy_is_sanitized_as_a_whole_page_would_be_its_body_once_for_all_copies(site):
    # A page's banners and its English body go through the sanitizer apart, the body once
    # for the English page and every copy (kept sanitized): the result must be what
    # sanitizing the whole page gives.
    from kbtools.sites.sanitize import sanitize, sanitize_internal

    sanitizer = sanitize if site == "public" else sanitize_internal
    calls = []

    def clean(html: str) -> str:
        calls.append(html)
        return sanitizer(html)

    body = ('<p>a &lt; b &amp; "quoted" text</p>\n<script>alert(1)</script>'
            '<p><a href="../b/" onclick="steal()">b</a><!-- note --> tail</p>\n'
            '<svg><style>a{}</style><circle r="1"/></svg><p>Ünïcödé &nbsp; end')
    sharing = Sharing({("guide/a.md", "en"): "A"}, ("en", "ru", "sl"), "en")
    sharing.start_language(["guide/a/", "guide/b/"])
    english_banners = '<div class="admonition kb-banner"><p>Review due</p></div>'
    assert not sharing.markdown(url="guide/a/", norm="guide/a.md", locale="en", lang="en",
                                banners=english_banners, body="the markdown")
    english = SimpleNamespace(url="guide/a/", toc=None, present_anchor_ids=set())
    whole = english_banners + BANNERS_END + body
    assert sharing.content(english, whole, clean) == sanitizer(whole)
    for lang in ("ru", "sl"):
        sharing.start_language([f"{lang}/guide/a/", f"{lang}/guide/b/"])
        banners = (f'<div class="admonition kb-banner" lang="{lang}"><p>Not in <b>{lang}</b>'
                   ' &amp; more</p></div>')
        assert sharing.markdown(url=f"{lang}/guide/a/", norm="guide/a.md", locale="en",
                                lang=lang, banners=banners, body="the markdown")
        copy = SimpleNamespace(url=f"{lang}/guide/a/", toc=None, present_anchor_ids=set())
        assert sharing.content(copy, "", clean) == sanitizer(banners + BANNERS_END + body)
    assert calls.count(body) == 1  # once for the English page and both copies
    assert sharing.shared == 2


def test_a_page_written_once_keeps_nothing_for_copies():
    """The agent site writes an untranslated article once: its English HTML is not kept
    for copies that never come (it is sanitized as a whole, as without sharing)."""
    calls = []

    def clean(html: str) -> str:
        calls.append(html)
        return html

    sharing = Sharing({("guide/a.md", "en"): "A"}, ("en", "ru"), "en", {"guide/a.md"})
    sharing.start_language(["guide/a/"])
    assert not sharing.markdown(url="guide/a/", norm="guide/a.md", locale="en", lang="en",
                                banners="<div>B</div>", body="the markdown")
    whole = "<div>B</div>" + BANNERS_END + "<p>body</p>"
    page = SimpleNamespace(url="guide/a/", toc=None, present_anchor_ids=set())
    assert sharing.content(page, whole, clean) == whole
    assert calls == [whole]  # not banners and body apart: nothing kept
    sharing.start_language(["ru/guide/a/"])
    assert not sharing.markdown(url="ru/guide/a/", norm="guide/a.md", locale="en", lang="ru",
                                banners="", body="the markdown")


def test_navigation_is_shared_per_folder_but_not_with_a_page_that_has_pages_below():
    memo = NavMemo(parents(["", "guide/a/", "guide/b/", "guide/b/c/"]))
    calls = []

    def render(name):
        calls.append(name)
        return f"<li>{name}</li>"

    first, second = memo.for_page("guide/a/"), memo.for_page("guide/d/")
    assert first("nav", "__nav_1", render, "faq") == second("nav", "__nav_1", render, "x")
    assert calls == ["faq"]  # rendered once for the folder guide/
    assert memo.for_page("guide/b/") is None and memo.for_page("") is None
    memo.for_page("other/a/")("nav", "__nav_1", render, "faq")
    assert calls == ["faq", "faq"]  # another folder, its own links


THEME = REPO / "kbtools" / "sites" / "theme" / "partials"
CHANGES = {
    "nav.html": ("{{ item.render(nav_item, path, 1) }}",
                 '{{ kb_nav("nav", path, item.render, nav_item, path, 1) if kb_nav and not '
                 "nav_item.active else item.render(nav_item, path, 1) }}"),
    "tabs.html": ("{{ item.render(nav_item) }}",
                  '{{ kb_nav("tab", loop.index, item.render, nav_item) if kb_nav and not '
                  "nav_item.active else item.render(nav_item) }}"),
    "nav-item.html": ('{{ render(item, path ~ "_" ~ loop.index, level + 1, nav_item) }}',
                      '{{ kb_nav("nav", path ~ "_" ~ loop.index ~ ("+" if nav_item.active '
                      'else "-"), render, item, path ~ "_" ~ loop.index, level + 1, nav_item) '
                      "if kb_nav and not item.active else "
                      'render(item, path ~ "_" ~ loop.index, level + 1, nav_item) }}'),
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_the_navigation_partials_are_materials_own_with_the_memo(name):
    """kb's copies of Material's navigation partials differ from the installed Material's
    only by the memo call: a Material upgrade that changes them fails here until they are
    copied again."""
    import material

    theirs = (Path(material.__file__).parent / "templates" / "partials" / name).read_text(
        encoding="utf-8")
    ours = (THEME / name).read_text(encoding="utf-8")
    old, new = CHANGES[name]
    assert theirs.count(old) == 1 and ours.count(new) == 1
    body = lambda text: text.split("-#}\n", 1)[1]  # noqa: E731  after the header comment
    assert body(ours) == body(theirs).replace(old, new)
