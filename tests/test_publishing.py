"""What the public build guarantees: only the repository's own files, no link to an internal
page in any form, no undeclared navigation link, absolute URLs, each language's facts.

Real symbolic links, real builds, real ``kb`` commands on small knowledge bases.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.content.files import own_file_problem, scan_tree
from kbtools.errors import ConfigError, ContentError
from kbtools.registry import open_kb
from kbtools.review.linkcheck import content_files
from kbtools.search import snapshot
from kbtools.sites import build
from kbtools.sites.mkconfig import public_nav
from kbtools.sites.selection import Selection, select
from kbtools.sites.site import SITES
from kbtools.sites.staging import stage
from tests.support import MKDOCS, REPO, SITE_URL, article, make_kb

CANARY = "CANARY-OUTSIDE-7f3a9c"


def run(root: Path, *args: str):
    """``kb --root ROOT ARGS``; an exception other than the exit is a test failure."""
    return CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def assert_canary_nowhere(*folders: Path) -> None:
    for folder in folders:
        for file in files_under(folder):
            assert CANARY.encode() not in file.read_bytes(), file


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder outside the knowledge base with secrets in it (the canary)."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(f"TOKEN={CANARY}\n", encoding="utf-8")
    (folder / "faq.md").write_text(article("Outside page", f"{CANARY}\n", audience="public"),
                                   encoding="utf-8")
    return folder


# -- 1. symbolic links ----------------------------------------------------------------------
def test_a_symlink_out_of_the_kb_is_an_error_refuses_both_builds_and_publishes_nothing(
        tmp_path, outside):
    root = make_kb(tmp_path / "kb", {
        "docs/faq/a.md": article("A", "Our settings: [env](env.txt).\n", audience="public"),
    })
    os.symlink(outside / "secret.txt", root / "docs/faq/env.txt")
    os.symlink(outside, root / "docs/external")  # a folder: its page is never loaded

    result = run(root, "check")
    assert result.exit_code == 1
    assert ("docs/faq/env.txt: error: symlink to " + str(outside / "secret.txt")) in result.output
    assert "docs/external: error: symlink to" in result.output
    assert "[file.symlink-outside]" in result.output
    assert CANARY not in result.output
    kb = open_kb(root)
    assert [a.path for a in kb.corpus.articles] == ["docs/faq/a.md"]

    out = tmp_path / "out"
    for site in ("public", "internal"):
        with pytest.raises(ContentError) as caught:
            build(open_kb(root), (site,), out=out)
        assert {(f.path, f.code) for f in caught.value.findings} == {
            ("docs/faq/env.txt", "file.symlink-outside"),
            ("docs/external", "file.symlink-outside")}
    result = run(root, "build", "--out", str(out))
    assert result.exit_code == 1
    assert "docs/faq/env.txt: error: symlink to" in result.output
    assert not (out / "site-public").exists() and not (out / "site").exists()
    assert_canary_nowhere(out, root / ".kb")


def test_proc_self_environ_never_reaches_either_site(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_TEST_SECRET", CANARY)
    root = make_kb(tmp_path / "kb", {
        "docs/faq/a.md": article("A", "[Environment](env.txt)\n", audience="public"),
    })
    os.symlink("/proc/self/environ", root / "docs/faq/env.txt")
    with pytest.raises(ContentError) as caught:
        build(open_kb(root), out=tmp_path / "out")
    assert [(f.path, f.code) for f in caught.value.findings] == [
        ("docs/faq/env.txt", "file.symlink-outside")]
    assert_canary_nowhere(tmp_path / "out", root / ".kb")


def test_a_symlink_inside_the_kb_is_not_followed_by_any_walker(tmp_path):
    root = make_kb(tmp_path / "kb", {
        "docs/faq/a.md": article("A", "![logo](../img/logo.png)\n", audience="public"),
        "docs/img/logo.png": b"PNG",
        "docs/guide/b.md": article("B"),
    })
    os.symlink("../img/logo.png", root / "docs/faq/copy.png")   # relative, inside
    os.symlink("../guide/b.md", root / "docs/faq/b-again.md")    # a page, inside
    os.symlink("../guide", root / "docs/faq/guides")             # a folder, inside
    kb = open_kb(root)
    links = {(f.path, f.code, f.severity.value) for f in kb.corpus.findings}
    assert links == {("docs/faq/copy.png", "file.symlink", "warning"),
                     ("docs/faq/b-again.md", "file.symlink", "warning"),
                     ("docs/faq/guides", "file.symlink", "warning")}
    assert sorted(a.path for a in kb.corpus.articles) == ["docs/faq/a.md", "docs/guide/b.md"]
    files, folders = content_files(root)
    assert "docs/faq/copy.png" not in files and "docs/faq/guides" not in folders
    taken = snapshot.take(kb.config)
    assert "docs/guide/b.md" in taken and "docs/faq/b-again.md" not in taken
    assert "docs/faq/copy.png" not in select(kb, SITES["internal"]).assets
    report = build(kb, out=tmp_path / "out")  # warnings never stop a build
    assert report["public"].warnings == ()
    assert (tmp_path / "out/site-public/img/logo.png").read_bytes() == b"PNG"
    assert not (tmp_path / "out/site/faq/copy.png").exists()
    assert not (tmp_path / "out/site/faq/b-again").exists()


def test_a_page_linking_a_relative_symlinked_image_is_refused_without_a_traceback(tmp_path):
    root = make_kb(tmp_path / "kb", {
        "docs/faq/a.md": article("A", "![logo](logo.png)\n", audience="public"),
        "docs/img/real.png": b"PNG",
    })
    os.symlink("../img/real.png", root / "docs/faq/logo.png")
    result = run(root, "build", "--only", "public", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "docs/faq/a.md:5: error: MkDocs: Doc file 'docs/faq/a.md' contains a link 'logo.png'" \
        in result.output


@pytest.mark.parametrize("make_loop", [
    lambda root: os.symlink(".", root / "docs/faq/loop"),
    lambda root: os.symlink("..", root / "docs/faq/up"),
    lambda root: (os.symlink("b", root / "docs/faq/a"), os.symlink("a", root / "docs/faq/b")),
    lambda root: os.symlink("itself", root / "docs/faq/itself"),
], ids=["own-folder", "parent", "chain", "itself"])
def test_a_symlink_loop_is_a_finding_and_no_command_ends_in_a_traceback(tmp_path, make_loop):
    root = make_kb(tmp_path / "kb", {
        "docs/faq/index.md": article("Questions", "Ask away.\n", audience="public", owner="ann",
                                     reviewed="2026-11-01"),
    })
    make_loop(root)
    result = run(root, "check")
    assert result.exit_code == 1
    assert "[file.symlink-loop]" in result.output and "docs/faq/" in result.output
    result = run(root, "build", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1 and "[file.symlink-loop]" in result.output
    result = run(root, "index")
    assert result.exit_code == 0 and "[file.symlink-loop]" in result.output  # says what it left out
    assert run(root, "stale", "--as-of", "2026-11-02").exit_code in (0, 1)
    result = run(root, "search", "--json", "questions")
    assert json.loads(result.output)["total"] == 1
    assert run(root, "lint").exit_code in (0, 1)


def test_the_walk_never_follows_links_and_reports_each_once(tmp_path, outside):
    root = make_kb(tmp_path / "kb", {"docs/a.md": article("A"), "docs/img/x.png": b"PNG"})
    os.symlink(outside / "faq.md", root / "docs/outside.md")
    os.symlink(root / "docs", root / "playbooks")  # a content folder that is a link
    os.symlink(tmp_path / "missing", root / "docs/dangling.png")
    tree = scan_tree(root, ("docs", "playbooks"), with_stat=(".md",))
    assert tree.files == ("docs/a.md", "docs/img/x.png")
    assert list(tree.stats) == ["docs/a.md"]
    assert sorted((f.path, f.code) for f in tree.findings) == [
        ("docs/dangling.png", "file.symlink-outside"),
        ("docs/outside.md", "file.symlink-outside"),
        ("playbooks", "file.symlink")]


def test_staging_refuses_any_file_that_is_not_the_repositorys_own(tmp_path, outside):
    root = make_kb(tmp_path / "kb", {"docs/img/x.png": b"PNG"})
    os.symlink(outside, root / "docs/shared")
    os.symlink("img", root / "docs/pictures")
    assert own_file_problem(root, "docs/img/x.png") is None
    assert own_file_problem(root, "docs/shared/secret.txt").code == "file.symlink-outside"
    assert own_file_problem(root, "docs/pictures/x.png").code == "file.not-regular"
    assert own_file_problem(root, "docs/shared").code == "file.symlink-outside"
    # The last line of defence: staging refuses what a selection should never hold.
    for asset in ("docs/shared/secret.txt", "docs/pictures/x.png"):
        docs_dir = tmp_path / "staged"
        with pytest.raises(ContentError) as caught:
            stage(open_kb(root), Selection(SITES["public"], (), (asset,)), docs_dir, "Help")
        assert [f.path for f in caught.value.findings] == [asset]
        assert not docs_dir.exists()


# -- 2. links to internal pages, in every form --------------------------------------------
LINK_FORMS = [
    "[a](../guide/ticket-triage/)",
    "[b](../guide/ticket-triage)",
    "[c](/guide/ticket-triage/)",
    "[d](../guide/ticket-triage/index.html)",
    "[e](../guide/ticket-triage/#first-steps)",
    "[f](../guide/ticket-triage/?from=faq)",
    "[g](../guide/ticket-triage.html)",
    "[h](../../guide/ticket-triage/)",  # as a browser reads it from /faq/a/
    "[i][triage]",
    '<a href="../guide/ticket-triage/">j</a>',
    "[k](/ru/guide/ticket-triage/)",
    "[l](../guide/ticket-triage.ru.md)",
    "[m](/playbooks/outage/)",
    "[n](../internal-only/)",
    "[o](../guide/ticket-triage.md)",
]
ALLOWED_FORMS = [
    "[p](../faq/b/)", "[q](b/)", "[r](/faq/b/#x)", "[s](../)", "[t](/)", "[u](../../)",
    "[v](https://example.com/guide/ticket-triage/)", "[w](#top)", "[x](../guide/)",
]


def test_every_form_of_link_to_an_internal_page_blocks_the_public_build(tmp_path):
    body = "\n\n".join(LINK_FORMS + ALLOWED_FORMS) + "\n\n[triage]: ../guide/ticket-triage/\n"
    root = make_kb(tmp_path / "kb", {
        "kb.yml": "languages: [en, ru]\n",
        "docs/faq/a.md": article("A", body, audience="public"),
        "docs/faq/b.md": article("B", "# X\n", audience="public"),
        "docs/guide/public.md": article("Public guide", audience="public"),
        "docs/guide/ticket-triage.md": article("Ticket triage", "# First steps\n"),
        "docs/guide/ticket-triage.ru.md": article("Сортировка"),
        "docs/internal-only/c.md": article("C"),
        "playbooks/outage.md": article(
            "Outage", "Steps.\n", owner="ann", priority="P3", triggers=["site down"],
            tiers=[{"contact": "duty-manager", "within": "1h", "do": "Page the duty manager."}]),
    })
    kb = open_kb(root)
    first = kb.corpus.get("docs/faq/a.md").body_line
    expected = {first + 2 * n for n in range(len(LINK_FORMS))}
    findings = select(kb, SITES["public"]).findings
    assert {f.line for f in findings} == expected
    assert {f.code for f in findings} == {"site.public-links-internal"}
    assert all(f.path == "docs/faq/a.md" for f in findings)
    messages = {f.line: f.message for f in findings}
    assert "internal page docs/guide/ticket-triage.md" in messages[first]
    assert "internal page docs/guide/ticket-triage.ru.md" in messages[first + 2 * 11]
    assert "internal page playbooks/outage.md" in messages[first + 2 * 12]
    assert "docs/internal-only/, a section without any public page" in messages[first + 2 * 13]
    with pytest.raises(ContentError) as caught:
        build(kb, ("public",), out=tmp_path / "out")
    assert {f.format().split(": error:")[0] for f in caught.value.findings} == {
        f"docs/faq/a.md:{line}" for line in expected}
    assert not (tmp_path / "out" / "site-public").exists()


def test_a_reference_link_is_reported_where_it_is_used(tmp_path):
    root = make_kb(tmp_path / "kb", {
        "docs/faq/a.md": article("A", "Intro.\n\nSee [triage][t].\n\n[t]: /guide/b/\n",
                                 audience="public"),
        "docs/guide/b.md": article("B"),
    })
    result = run(root, "build", "--only", "public", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "docs/faq/a.md:7: error: public page links to internal page docs/guide/b.md" \
        in result.output


NAV = """
nav:
  - index.md
  - FAQ: faq/
  - Intranet: https://intranet.brightloop.example/wiki/
  - Status: https://status.example.test/
  - Tools:
      - Admin console: https://admin.brightloop.example/
      - Jump: /guide/b/
  - Mail us: mailto:help@example.test
extra:
  public_nav: [https://status.example.test/]
"""


def test_navigation_links_reach_the_public_site_only_when_declared_public(tmp_path):
    root = make_kb(tmp_path / "kb", {
        "mkdocs.yml": MKDOCS + NAV,
        "docs/index.md": article("Home", "Hello.\n", audience="public"),
        "docs/faq/a.md": article("A", audience="public"),
        "docs/guide/b.md": article("B"),
    })
    report = build(open_kb(root), out=tmp_path / "out")
    assert report["public"].warnings == ()
    internal = (tmp_path / "out/site/faq/a/index.html").read_text(encoding="utf-8")
    for url in ("https://intranet.brightloop.example/wiki/", "https://admin.brightloop.example/",
                "https://status.example.test/"):
        assert url in internal
    assert "https://status.example.test/" in (
        tmp_path / "out/site-public/faq/a/index.html").read_text(encoding="utf-8")
    for file in files_under(tmp_path / "out/site-public"):
        text = file.read_bytes()
        for gone in (b"intranet.brightloop", b"admin.brightloop", b"mailto:help@", b">Tools<"):
            assert gone not in text, (file, gone)


def test_public_nav_keeps_pages_and_declared_links_and_drops_empty_sections():
    nav = [{"Home": "index.md"}, {"FAQ": "faq/"}, "https://a.example/",
           {"Links": [{"Wiki": "https://wiki.example/"}, {"Jump": "/x/"}]},
           {"Status": "https://status.example/"}, {"Top": "#top"}]
    assert public_nav(nav, frozenset({"https://status.example/"})) == [
        {"Home": "index.md"}, {"FAQ": "faq/"}, {"Status": "https://status.example/"},
        {"Top": "#top"}]


# -- 3. site_url ------------------------------------------------------------------------------
def test_the_public_sitemap_and_language_links_are_absolute(tmp_path):
    root = make_kb(tmp_path / "kb", {
        "docs/faq/a.md": article("A", audience="public"),
        "docs/faq/a.ru.md": article("А"),
    })
    build(open_kb(root), ("public",), out=tmp_path / "out")
    sitemap = (tmp_path / "out/site-public/sitemap.xml").read_text(encoding="utf-8")
    assert "None" not in sitemap
    assert f"<loc>{SITE_URL}faq/a/</loc>" in sitemap
    assert f'hreflang="ru" href="{SITE_URL}ru/faq/a/"' in sitemap
    page = (tmp_path / "out/site-public/faq/a/index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{SITE_URL}faq/a/">' in page


@pytest.mark.parametrize(("setting", "said"), [
    ("", "the public site needs site_url"),
    ("site_url: help.example.com\n", "got 'help.example.com'"),
    ("site_url: ftp://help.example.com/\n", "got 'ftp://help.example.com/'"),
    ("site_url: https://\n", "got 'https://'"),
    ("site_url:\n", "the public site needs site_url"),
])
def test_a_public_build_needs_an_absolute_site_url(tmp_path, setting, said):
    default = (REPO / "kbtools/sites/mkdocs.yml").read_text(encoding="utf-8")
    line = default.count("\n") + 1 if setting else 0  # the setting is the last line
    root = make_kb(tmp_path / "kb", {"mkdocs.yml": default + setting,
                                     "docs/faq/a.md": article("A", audience="public")})
    with pytest.raises(ConfigError) as caught:
        build(open_kb(root), ("public",), out=tmp_path / "out")
    [finding] = caught.value.findings
    assert (finding.path, finding.line, finding.code) == ("mkdocs.yml", line, "site.site-url")
    assert said in finding.message
    assert not (tmp_path / "out" / "site-public").exists()
    result = CliRunner().invoke(main, ["--root", str(root), "build", "--only", "public",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"mkdocs.yml{':' + str(line) if line else ''}: error: " in result.output
    if "needs site_url" in said:  # without one, the internal site still builds
        build(open_kb(root), ("internal",), out=tmp_path / "out")
        assert (tmp_path / "out" / "site" / "faq" / "a" / "index.html").exists()


def test_a_kb_without_mkdocs_yml_is_told_to_create_one_for_the_public_site(tmp_path):
    root = make_kb(tmp_path / "kb", {"docs/faq/a.md": article("A", audience="public")})
    (root / "mkdocs.yml").unlink()
    with pytest.raises(ConfigError) as caught:
        build(open_kb(root), ("public",), out=tmp_path / "out")
    [finding] = caught.value.findings
    assert finding.path == "mkdocs.yml" and "has no mkdocs.yml: create one" in finding.message


def test_the_example_mkdocs_yml_has_an_absolute_site_url():
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "\nsite_url: https://help.brightloop.example/\n" in text


# -- 4. each language's shared facts --------------------------------------------------------
RU_HOURS = "с понедельника по пятницу, незабудка"


def test_a_russian_page_shows_and_indexes_the_russian_facts(tmp_path):
    root = make_kb(tmp_path / "kb", {
        "macros/data/support.ru.yml": f"hours_text: {RU_HOURS}\n",
        "docs/faq/contact.md": article("Contact us", "We answer {{ support.hours_text }}.\n",
                                       audience="public", owner="ann"),
        "docs/faq/contact.ru.md": article("Связаться с нами",
                                          "Мы отвечаем {{ support.hours_text }}.\n"),
        "docs/guide/shift.ru.md": article("Смена", "Смена: {{ support.hours_text }}.\n"),
        "docs/guide/shift.md": article("Shift", "Shift: {{ support.hours_text }}.\n"),
    })
    assert run(root, "check").exit_code == 0
    build(open_kb(root), out=tmp_path / "out")
    out = tmp_path / "out"
    for page in ("site-public/ru/faq/contact/index.html", "site/ru/faq/contact/index.html",
                 "site/ru/guide/shift/index.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert RU_HOURS in html and "Monday to Friday" not in html, page
    for page in ("site-public/faq/contact/index.html", "site/guide/shift/index.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert "Monday to Friday, 08:00-20:00" in html and RU_HOURS not in html, page

    for args in (("--lang", "ru"), ("--lang", "ru", "--public")):
        result = run(root, "search", "--json", *args, "незабудка")
        found = [r["path"] for r in json.loads(result.output)["results"]]
        expected = ["docs/faq/contact.ru.md"] if "--public" in args else [
            "docs/faq/contact.ru.md", "docs/guide/shift.ru.md"]
        assert sorted(found) == expected, args
    result = run(root, "search", "--json", "--lang", "en", "незабудка")
    assert json.loads(result.output)["total"] == 0


def test_a_facts_file_linked_from_outside_the_repository_is_never_read(tmp_path):
    outside = tmp_path / "secret.yml"
    outside.write_text("password: hunter2-canary\n")
    root = make_kb(tmp_path / "kb", {
        "docs/faq/index.md": article("Questions", "{{ secret.password }}\n", audience="public",
                                     owner="ann", reviewed="2026-11-01"),
    })
    os.symlink(outside, root / "macros/data/secret.yml")
    result = run(root, "check")
    assert result.exit_code == 1
    assert "macros/data/secret.yml: error: symlink to" in result.output
    assert "[file.symlink-outside]" in result.output and "hunter2" not in result.output
