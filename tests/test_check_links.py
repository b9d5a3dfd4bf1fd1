"""``kb check`` refuses what the builds would refuse later: broken internal links, missing
anchors (in every language) and public pages linking to internal ones, each at its line."""

from __future__ import annotations

from click.testing import CliRunner

from kbtools.cli import main
from kbtools.content.check import check
from kbtools.registry import open_kb
from kbtools.sites import build
from tests.support import article, make_kb


def _kb(tmp_path, body: str, ru_body: str = "Текст.\n"):
    return make_kb(tmp_path, {
        "kb.yml": "languages: [en, ru]\n",
        "docs/faq/a.md": article("A", body, audience="public"),
        "docs/faq/a.ru.md": article("А", ru_body, audience="public"),
        "docs/faq/b.md": article("B", "# Steps\n\nText.\n", audience="public"),
        "docs/faq/b.ru.md": article("Б", "# Шаги\n\nТекст.\n", audience="public"),
        "docs/guide/internal.md": article("Internal", "# Notes\n"),
    })


def test_each_link_error_the_build_used_to_find_first_is_a_check_error(tmp_path):
    body = ("Intro.\n\nSee [gone](nope.md).\n\nSee [steps](b.md#nope).\n\n"
            "See [notes](../guide/internal.md).\n\n![logo](logo.png)\n\n"
            "Fine: [b](b.md#steps), [top](#top), [page](../faq/b/).\n")
    root = _kb(tmp_path, body, ru_body="Текст.\n\n[шаги](b.md#steps)\n")
    report = check(open_kb(root))
    found = sorted((f.path, f.line, f.code) for f in report.findings if f.is_error)
    first = open_kb(root).corpus.get("docs/faq/a.md").body_line
    ru_first = open_kb(root).corpus.get("docs/faq/a.ru.md").body_line
    assert found == sorted([
        ("docs/faq/a.md", first + 2, "link.broken"),
        ("docs/faq/a.md", first + 4, "link.broken"),
        ("docs/faq/a.md", first + 6, "site.public-links-internal"),
        ("docs/faq/a.md", first + 8, "link.broken"),
        # the Russian page links to the Russian B, whose heading is "Шаги", not "steps"
        ("docs/faq/a.ru.md", ru_first + 2, "link.broken"),
    ])
    result = CliRunner().invoke(main, ["--root", str(root), "check"])
    assert result.exit_code == 1
    assert f"docs/faq/a.md:{first + 2}: error: link to docs/faq/nope.md, which does not exist" \
        in result.output


def test_a_clean_check_means_the_builds_accept_the_links(tmp_path):
    root = _kb(tmp_path, "See [b](b.md#steps) and [the page](../faq/b/).\n",
               ru_body="[шаги](b.md)\n")
    kb = open_kb(root)
    assert [f for f in check(kb).findings if f.is_error] == []
    report = build(kb, out=tmp_path / "out")
    assert {site.site for site in report.sites} == {"internal", "public"}
    assert all(site.warnings == () for site in report.sites)


def _link_errors(root) -> list[tuple[str, int, str]]:
    kb = open_kb(root)
    try:
        return sorted((f.path, f.line, f.message) for f in check(kb).findings
                      if f.code == "link.broken")
    finally:
        kb.save_caches()  # as `kb check` does: the next run may reuse the answer


def test_a_warm_check_answers_as_a_cold_one_after_each_kind_of_edit(tmp_path):
    body = "See [steps](b.md#steps), ![logo](logo.png) and [b](b.md).\n"
    root = _kb(tmp_path, body, ru_body="[шаги](b.md#shagi)\n")
    b_ru = root / "docs/faq/b.ru.md"
    b_ru.write_text(b_ru.read_text(encoding="utf-8").replace("# Шаги", "# Shagi"),
                    encoding="utf-8")
    (root / "docs/faq/logo.png").write_bytes(b"\x89PNG")
    assert _link_errors(root) == []
    assert _link_errors(root) == []  # the kept answer
    b_ru.write_text(b_ru.read_text(encoding="utf-8").replace("# Shagi", "# Etapy"),
                    encoding="utf-8")  # a heading of the page a translation links to
    ru_first = open_kb(root).corpus.get("docs/faq/a.ru.md").body_line
    assert _link_errors(root) == [
        ("docs/faq/a.ru.md", ru_first,
         "link to docs/faq/b.md#shagi: no such heading in docs/faq/b.ru.md")]
    (root / "docs/faq/logo.png").unlink()  # a file no article is
    first = open_kb(root).corpus.get("docs/faq/a.md").body_line
    assert ("docs/faq/a.md", first, "image docs/faq/logo.png, which does not exist") \
        in _link_errors(root)
    b_ru.unlink()  # the translation goes: the Russian page links to the English B now
    assert _link_errors(root) == [
        ("docs/faq/a.md", first, "image docs/faq/logo.png, which does not exist"),
        ("docs/faq/a.ru.md", ru_first,
         "link to docs/faq/b.md#shagi: no such heading in docs/faq/b.md")]
    (root / "docs/faq/b.md").unlink()
    assert [(path, message) for path, _, message in _link_errors(root)] == [
        ("docs/faq/a.md", "image docs/faq/logo.png, which does not exist"),
        ("docs/faq/a.md", "link to docs/faq/b.md, which does not exist"),
        ("docs/faq/a.md", "link to docs/faq/b.md, which does not exist"),
        ("docs/faq/a.ru.md", "link to docs/faq/b.md, which does not exist")]


def test_a_kept_answer_is_not_reused_when_a_symbolic_link_appears_outside_the_content(tmp_path):
    root = _kb(tmp_path, "![logo](../../assets/logo.png)\n")
    assert [m for *_, m in _link_errors(root)] == ["image assets/logo.png, which does not exist"]
    (root / "assets").mkdir()
    (root / "assets/logo.png").symlink_to(root / "docs/faq/a.md")
    assert _link_errors(root) == []  # skipped: a symbolic link is reported where it lies
