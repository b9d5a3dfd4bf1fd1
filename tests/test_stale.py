"""kb stale on a fixed date: every reason code, the owner fallback, links in any language,
the JSON shape, filters and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kbtools.cli import main
from kbtools.content.check import check_macros
from kbtools.registry import open_kb
from kbtools.review.stale import REASONS, stale_report
from tests.support import OWNERS, article, make_kb

AS_OF = "2026-11-23"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16

LINKS_BODY = """\
# Links

## Present

See [a missing page](nope.md) and [a missing heading](../faq/current.md#nope).
![missing image](../assets/missing.png)
Jump to [here](#present), [nowhere](#nowhere) and [the steps](../faq/current.md#steps).
[External](https://example.invalid/x) and [mail](mailto:a@example.test) are not checked offline.
[A folder](../assets/) exists, [a macro link]({{ support.email }}) is skipped.

```markdown
[inside code](not-a-page.md)
```
"""

# "left" left a team that has no fallback owner.
OWNERS_WITH_OPS = OWNERS.replace(
    "teams:\n", "  left: {name: Left, team: ops, active: false}\nteams:\n") + "  ops: {name: Ops}\n"

FILES = {
    "owners.yml": OWNERS_WITH_OPS,
    "docs/faq/current.md": article("Current", "# Current\n\n## Steps\n\n![used](../assets/used.png)\n",
                                   owner="ann", reviewed="2026-11-01"),
    "docs/faq/current.ru.md": article("Текущая", "# Текущая\n\n## Шаги { #po-shagam }\n\nТекст.\n",
                                      reviewed="2026-11-01"),
    "docs/faq/overdue.md": article("Overdue", "# Overdue\n\n## Details\n\n"
                                   "[steps in Russian](current.md#po-shagam)\n",
                                   owner="bob", reviewed="2026-01-01"),
    "docs/faq/overdue.ru.md": article("Просрочено", "# Просрочено\n\n[шаги](current.md#po-shagam)\n"
                                      "[steps](current.md#steps)\n[details](other.md#details)\n",
                                      reviewed="2026-11-01"),
    "docs/faq/other.md": article("Other", "## Details\n", owner="bob", reviewed="2026-11-01"),
    "docs/faq/soon.md": article("Soon", owner="bob", reviewed="2026-05-30"),
    "docs/faq/never.md": article("Never", owner="bob"),
    "docs/faq/noowner.md": article("No owner", reviewed="2026-11-01"),
    "docs/faq/typo.md": article("Typo", owner="annn", reviewed="2026-11-01"),
    "docs/guide/leaver.md": article("Leaver", owner="gone", reviewed="2025-01-01"),
    "docs/guide/stranded.md": article("Stranded", owner="left", reviewed="2026-11-01"),
    "docs/guide/links.md": article("Links", LINKS_BODY, owner="bob", reviewed="2026-11-01"),
    "docs/guide/macros.md": article("Macros", "Hours: {{ support.hours_text }}.\n"
                                    "Bad: {{ support.hour }}.\nWorse: {{ nosuch }}.\n",
                                    owner="bob", reviewed="2026-11-01"),
    "docs/assets/used.png": PNG,
    "docs/assets/orphan.png": PNG,
}

EXPECTED = {
    "docs/faq/overdue.md": ["overdue", "broken-link"],
    "docs/faq/overdue.ru.md": ["source-overdue", "broken-link"],
    "docs/faq/soon.md": ["due-soon"],
    "docs/faq/never.md": ["never-reviewed"],
    "docs/faq/noowner.md": ["no-owner"],
    "docs/faq/typo.md": ["unknown-owner"],
    "docs/guide/leaver.md": ["overdue"],
    "docs/guide/stranded.md": ["no-owner"],
    "docs/guide/links.md": ["broken-link"],
    "docs/guide/macros.md": ["unknown-macro"],
    "docs/assets/orphan.png": ["orphaned-asset"],
}


@pytest.fixture
def kb_root(tmp_path):
    return make_kb(tmp_path, FILES)


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_every_reason_code_on_a_fixed_date(kb_root):
    report = stale_report(open_kb(kb_root), as_of=AS_OF)
    assert {e.path: e.codes for e in report.flagged} == EXPECTED
    assert {c for codes in EXPECTED.values() for c in codes} == set(REASONS)
    assert {e.path for e in report.entries if not e.flagged} == {
        "docs/faq/current.md", "docs/faq/current.ru.md", "docs/faq/other.md"}


def test_dates_and_messages(kb_root):
    entries = {e.path: e for e in stale_report(open_kb(kb_root), as_of=AS_OF).entries}
    overdue = entries["docs/faq/overdue.md"]
    assert (str(overdue.reviewed), str(overdue.due)) == ("2026-01-01", "2026-06-30")
    assert overdue.reasons[0].message == "146 day(s) past its review date 2026-06-30 (reviewed 2026-01-01)"
    assert overdue.reasons[0].line == 4  # the reviewed: line
    soon = entries["docs/faq/soon.md"]
    assert soon.reasons[0].message == "review due in 3 day(s), on 2026-11-26"
    # A day later the due-soon article is still due soon; 4 days later it is overdue.
    later = stale_report(open_kb(kb_root), as_of="2026-11-27")
    assert {e.path: e.codes for e in later.entries}["docs/faq/soon.md"] == ["overdue"]


def test_broken_links_with_lines(kb_root):
    entries = {e.path: e for e in stale_report(open_kb(kb_root), as_of=AS_OF).entries}
    got = [(r.line, r.message) for r in entries["docs/guide/links.md"].reasons]
    assert got == [
        (10, "link to docs/guide/nope.md, which does not exist"),
        (10, "link to docs/faq/current.md#nope: no such heading in docs/faq/current.md"),
        (11, "image docs/assets/missing.png, which does not exist"),
        (12, "link to #nowhere: no such heading on this page"),
    ]


def test_links_resolve_per_language(kb_root):
    """A translation's link to page.md shows the same-language translation, so its anchor
    must be that translation's heading; without a translation the source is shown."""
    entries = {e.path: e for e in stale_report(open_kb(kb_root), as_of=AS_OF).entries}
    source = [r.message for r in entries["docs/faq/overdue.md"].reasons if r.code == "broken-link"]
    assert source == ["link to docs/faq/current.md#po-shagam: no such heading in docs/faq/current.md"]
    ru = [(r.line, r.message) for r in entries["docs/faq/overdue.ru.md"].reasons
          if r.code == "broken-link"]
    assert ru == [(8, "link to docs/faq/current.md#steps: no such heading in docs/faq/current.ru.md")]


def test_folder_layout_falls_back_to_the_source(tmp_path):
    make_kb(tmp_path, {
        "kb.yml": "languages: [en, ru]\ntranslations: {layout: folder}\n",
        "docs/a.md": article("A", "# A\n", owner="ann", reviewed="2026-11-01"),
        "docs/b.md": article("B", "## Only in English\n", owner="ann", reviewed="2026-11-01"),
        "docs/c.md": article("C", "## Steps\n", owner="ann", reviewed="2026-11-01"),
        "docs/ru/a.md": article("А", "[b](b.md#only-in-english) [c](c.md#steps)\n",
                                reviewed="2026-11-01"),
        "docs/ru/c.md": article("В", "## Шаги\n", reviewed="2026-11-01"),
    })
    entries = {e.path: e for e in stale_report(open_kb(tmp_path), as_of=AS_OF).entries}
    assert [r.message for r in entries["docs/ru/a.md"].reasons] == [
        "link to docs/ru/c.md#steps: no such heading in docs/ru/c.md"]


def test_inactive_owner_shows_under_team_fallback(kb_root):
    report = stale_report(open_kb(kb_root), as_of=AS_OF)
    leaver = next(e for e in report.entries if e.path == "docs/guide/leaver.md")
    assert (leaver.owner, leaver.declared_owner) == ("ann", "gone")
    groups = dict(report.by_owner())
    assert [e.path for e in groups["ann"]] == ["docs/guide/leaver.md"]
    assert [e.path for e in groups[None]][:1] == ["docs/faq/noowner.md"]
    assert list(groups) == ["ann", "bob", None]
    # --owner matches the person answering today and the one named in the file.
    for handle in ("ann", "gone"):
        paths = [e.path for e in stale_report(open_kb(kb_root), as_of=AS_OF, owner=handle).flagged]
        assert paths == ["docs/guide/leaver.md"]
    result = run("--root", str(kb_root), "stale", "--as-of", AS_OF, "--owner", "ann")
    assert "ann (Ann Example): 1" in result.stdout and "for gone" in result.stdout


def test_most_urgent_first_within_an_owner(kb_root):
    bob = dict(stale_report(open_kb(kb_root), as_of=AS_OF).by_owner())["bob"]
    assert [e.path for e in bob] == [
        "docs/faq/overdue.md", "docs/faq/overdue.ru.md", "docs/guide/links.md",
        "docs/guide/macros.md", "docs/faq/never.md", "docs/faq/soon.md"]


def test_filters(kb_root):
    kb = open_kb(kb_root)
    ru = stale_report(kb, as_of=AS_OF, lang="ru")
    assert [e.path for e in ru.flagged] == ["docs/faq/overdue.ru.md"]
    guides = stale_report(kb, as_of=AS_OF, kind="article")
    assert {e.path for e in guides.flagged} == {
        "docs/guide/leaver.md", "docs/guide/stranded.md", "docs/guide/links.md",
        "docs/guide/macros.md"}


def test_json_shape(kb_root):
    result = run("--root", str(kb_root), "stale", "--as-of", AS_OF, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data) == ["articles"]
    for item in data["articles"]:
        assert {"path", "owner", "reviewed", "due", "reasons"} <= set(item)
    by_path = {item["path"]: item for item in data["articles"]}
    assert by_path.keys() == EXPECTED.keys()
    assert {p: i["reasons"] for p, i in by_path.items()} == EXPECTED
    overdue = by_path["docs/faq/overdue.md"]
    assert (overdue["owner"], overdue["reviewed"], overdue["due"]) == ("bob", "2026-01-01",
                                                                       "2026-06-30")
    assert by_path["docs/assets/orphan.png"]["owner"] is None
    macro = [d for d in by_path["docs/guide/macros.md"]["details"]]
    assert [(d["code"], d["line"]) for d in macro] == [("unknown-macro", 7), ("unknown-macro", 8)]


@pytest.mark.parametrize("args, code", [
    ((), 0),
    (("--fail-on", "overdue,broken-link"), 1),
    (("--fail-on", "orphaned-asset"), 1),
    (("--fail-on", "orphaned-asset", "--owner", "bob"), 0),
    (("--fail-on", "overdue", "--lang", "ru"), 0),
    (("--fail-on", "source-overdue", "--lang", "ru"), 1),
    (("--fail-on", "stale"), 2),
    (("--kind", "recipe"), 2),
    (("--lang", "de"), 2),
    (("--owner", "nobody"), 2),
])
def test_exit_codes(kb_root, args, code):
    result = run("--root", str(kb_root), "stale", "--as-of", AS_OF, *args)
    assert result.exit_code == code, result.output
    if code == 2:
        assert result.stderr.startswith("kb: error: --")


def test_bad_date_exits_2(kb_root):
    result = run("--root", str(kb_root), "stale", "--as-of", "23/11/2026")
    assert result.exit_code == 2
    assert "invalid date '23/11/2026'" in result.stderr


def test_table_groups_by_owner_and_summarises(kb_root):
    result = run("--root", str(kb_root), "stale", "--as-of", AS_OF)
    out = result.stdout
    assert out.index("ann (Ann Example)") < out.index("bob (Bob Example)") < out.index("nobody")
    assert "11 of 14 need attention on 2026-11-23:" in result.stderr
    assert "1 orphaned-asset" in result.stderr


def test_unreadable_files_are_counted(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("A", owner="ann", reviewed="2026-11-01"),
                       "docs/b.md": "no front matter\n"})
    report = stale_report(open_kb(tmp_path), as_of=AS_OF)
    assert report.unreadable == 1 and not report.flagged
    result = run("--root", str(tmp_path), "stale", "--as-of", AS_OF)
    assert "1 file(s) could not be loaded" in result.stderr


def test_site_config_counts_as_a_link_for_images(tmp_path):
    make_kb(tmp_path, {"docs/a.md": article("A", owner="ann", reviewed="2026-11-01"),
                       "docs/assets/logo.svg": "<svg/>", "docs/assets/old.svg": "<svg/>",
                       "mkdocs.yml": "theme: {logo: assets/logo.svg}\n"})
    report = stale_report(open_kb(tmp_path), as_of=AS_OF)
    assert [e.path for e in report.flagged] == ["docs/assets/old.svg"]


def test_unknown_macro_reasons_match_kb_check(kb_root):
    """The stale report's unknown-macro reasons are exactly what kb check finds, including
    bodies with blocks and public pages using internal facts."""
    make_kb(kb_root, {
        "docs/guide/blocks.md": article("Blocks", "{% if support %}\n{{ support.nope }}\n"
                                        "{% endif %}\n{{ x }}\n", owner="bob"),
        "docs/guide/public.md": article("Public", "Call {{ contacts.tier1.name }}.\n",
                                        owner="bob", audience="public"),
    }, base=False)
    kb = open_kb(kb_root)
    expected = sorted((f.path, f.line, f.code, f.message) for f in check_macros(kb))
    report = stale_report(kb, as_of=AS_OF)
    got = sorted((e.path, r.line, r.message) for e in report.entries for r in e.reasons
                 if r.code == "unknown-macro")
    assert got == [(path, line, message) for path, line, _, message in expected]
    assert {p for p, *_ in got} == {"docs/guide/macros.md", "docs/guide/blocks.md",
                                    "docs/guide/public.md"}


def test_agrees_with_the_synthetic_generator(tmp_path):
    """Every link the generator broke on purpose is found; source pages have no others."""
    from bench.synth import generate_kb

    summary = generate_kb(tmp_path / "kb", 120, languages=("ru",), seed=3, links=True)
    report = stale_report(open_kb(tmp_path / "kb"), as_of=AS_OF)
    found = {e.path for e in report.entries if "broken-link" in e.codes}
    expected = {b["file"] for b in summary["broken_links"]}
    assert expected, "the generator breaks some links"
    assert expected <= found
    assert {p for p in found if not p.endswith(".ru.md")} == {
        p for p in expected if not p.endswith(".ru.md")}
