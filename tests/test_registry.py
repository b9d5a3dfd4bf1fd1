"""Every kind's behaviour comes from the registry: a kind registered here, in a test, shows up
in the loader, ``kb check``, review cadences, the site and search, with no other code."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kbtools.content.check import check
from kbtools.content.kinds import Kind, ParseContext, Registry
from kbtools.content.model import KindMeta
from kbtools.diagnostics import warning
from kbtools.registry import DEFAULT, KINDS, REPORTS, default_registry, open_kb
from kbtools.review.stale import stale_report
from kbtools.search import search
from kbtools.sites import build
from tests.support import article, make_kb


@dataclass(frozen=True, slots=True)
class ReleaseMeta(KindMeta):
    version: str | None


def parse_release(ctx: ParseContext) -> ReleaseMeta:
    version = ctx.data.get("version")
    if not isinstance(version, str):
        ctx.error("title", "release.version", "missing version (text, e.g. '4.2')")
        version = None
    return ReleaseMeta(version)


def validate_releases(kb):
    seen = {}
    for item in kb.corpus.of_kind("release"):
        meta = item.details_as(ReleaseMeta)
        if meta and meta.version:
            first = seen.setdefault(meta.version, item)
            if first is not item:
                yield warning(item.path, item.line_of("version"), "release.duplicate",
                              f"version {meta.version} is also described in {first.path}")


def render_release(kb, item, body):
    meta = item.details_as(ReleaseMeta)
    return f"**Shipped in version {meta.version}.**\n\n{body}" if meta else body


RELEASE = Kind("release", "docs/releases/", "Release notes", cadence="30d",
               fields=frozenset({"version"}), parse=parse_release, validate=validate_releases,
               render=render_release, may_be_public=False,
               summary=lambda meta: [f"version {meta.version}"])

FILES = {
    "docs/index.md": article("Home", "Welcome.\n", owner="ann", reviewed="2026-11-01"),
    "docs/releases/march.md": article("Spring update", "Invoices get a dark theme.\n",
                                      owner="ann", reviewed="2026-09-01", version="4.2"),
    "docs/releases/again.md": article("Spring update again", "Same release, twice.\n",
                                      owner="ann", reviewed="2026-11-20", version="4.2"),
}
BROKEN = article("No version", "Text.\n", owner="ann", reviewed="2026-11-20",
                 audience="public", colour="blue")


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    root = make_kb(tmp_path_factory.mktemp("kb"), FILES)
    return open_kb(root, kinds=default_registry([RELEASE]))


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setenv("KB_AS_OF", "2026-11-23")


def test_the_loader_uses_the_kinds_folder_fields_and_parser(tmp_path):
    root = make_kb(tmp_path, {**FILES, "docs/releases/broken.md": BROKEN})
    kb = open_kb(root, kinds=default_registry([RELEASE]))
    note = kb.corpus.get("docs/releases/march.md")
    assert note.kind == "release" and note.details == ReleaseMeta("4.2")
    codes = {(f.path, f.code) for f in kb.findings}
    assert ("docs/releases/broken.md", "release.version") in codes
    assert ("docs/releases/broken.md", "meta.unknown-field") in codes  # colour: not its field
    assert ("docs/releases/march.md", "meta.unknown-field") not in codes  # version is
    assert ("docs/releases/broken.md", "release.public") in codes  # may_be_public=False
    assert kb.corpus.get("docs/releases/broken.md").audience == "internal"


def test_check_runs_the_kinds_validator(kb):
    report = check(kb)
    duplicate = [f for f in report.findings if f.code == "release.duplicate"]
    assert [f.path for f in duplicate] == ["docs/releases/march.md"] or \
        [f.path for f in duplicate] == ["docs/releases/again.md"]


def test_review_cadence_and_kind_filter_come_from_the_kind(kb):
    report = stale_report(kb, kind="release")
    overdue = {e.path for e in report.entries if "overdue" in e.codes}
    assert overdue == {"docs/releases/march.md"}  # reviewed 83 days ago, cadence 30 days
    plain = open_kb(kb.root)  # without the kind: an article, cadence 180 days, no overdue
    assert plain.corpus.get("docs/releases/march.md").kind == "article"
    assert "release" not in plain.kinds
    with pytest.raises(Exception, match="unknown kind 'release'"):
        stale_report(plain, kind="release")


def test_search_indexes_the_kinds_summary_and_filters_by_it(kb):
    found = search(kb, "version 4.2", kinds=("release",))
    assert {r.path for r in found.results} == {"docs/releases/march.md",
                                               "docs/releases/again.md"}
    assert {r.kind for r in found.results} == {"release"}


def test_the_site_renders_the_kinds_page_body(kb, tmp_path):
    build(kb, ("internal",), out=tmp_path)
    page = (tmp_path / "site/releases/march/index.html").read_text(encoding="utf-8")
    assert "Shipped in version <strong>" in page or "Shipped in version 4.2." in page


def test_a_registry_needs_exactly_one_catch_all_and_unique_names():
    with pytest.raises(ValueError, match="registered twice"):
        Registry((*KINDS, KINDS[0]), REPORTS)
    with pytest.raises(ValueError, match="exactly one kind"):
        Registry([k for k in KINDS if k.folder is not None])
    assert DEFAULT.kind_of("docs/scripts/x.md") == "script"
    assert DEFAULT.kind_of("docs/guide/x.md") == "article"
    assert DEFAULT.kind_of("README.md") is None


def test_a_public_site_makes_no_report_marked_internal():
    """The reports marked as pages of the internal site (the example's: translation status,
    content health) are not even made for a public site; any other report still is, and the
    pages a public site shows are the same as when every page was made and the internal
    ones left out."""
    from kbtools.content.kinds import internal_pages
    from kbtools.content.pages import GeneratedPage
    from tests.support import REPO

    made = []

    @internal_pages
    def internal_report(kb):
        made.append("internal")
        return [GeneratedPage("reports/made.md", "Made", "Text.\n")]

    def any_report(kb):
        made.append("any")
        return [GeneratedPage("help/contact.md", "Contact", "Text.\n", audience="public")]

    kb = open_kb(REPO, kinds=Registry(KINDS, (*REPORTS, internal_report, any_report)))
    every = kb.kinds.generated_pages(kb)
    assert made == ["internal", "any"]
    made.clear()
    public = kb.kinds.generated_pages(kb, public=True)
    assert made == ["any"]
    assert [p for p in public if p.audience == "public"] == \
        [p for p in every if p.audience == "public"]
    assert "help/contact.md" in {p.path for p in public}
    # the example's own reports are not made: no page of theirs in the public listing
    paths = {p.path for p in public}
    assert not any(p.startswith("reports/") for p in paths)
    assert any(p.startswith("reports/") for p in {p.path for p in every})
