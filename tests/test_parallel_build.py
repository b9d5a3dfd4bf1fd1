"""Both sites built at once (``jobs=2``: the public site in a spawned process): the same
files, reports and errors as one site after the other."""

from __future__ import annotations

import os

import pytest

from kbtools.content.kinds import Registry
from kbtools.errors import ContentError
from kbtools.registry import KINDS, REPORTS, open_kb
from kbtools.sites import build
from tests.support import article, make_kb
from tests.test_incremental_build import FILES, assert_same_tree


def test_sites_built_at_once_are_the_sites_built_one_after_the_other(tmp_path):
    root = make_kb(tmp_path / "kb", FILES)
    together = build(open_kb(root), out=root / "together", jobs=2)
    apart = build(open_kb(root), out=root / "apart", jobs=1)
    for site in ("site", "site-public"):
        assert_same_tree(root / "together" / site, root / "apart" / site)
    assert [s.site for s in together.sites] == ["internal", "public"]
    assert [s.pages for s in together.sites] == [s.pages for s in apart.sites]


def test_the_other_process_reports_its_findings(tmp_path):
    root = make_kb(tmp_path, {
        "docs/faq/a.md": article("A", "Intro.\n\nSee [the guide](../guide/b.md).\n",
                                 audience="public"),
        "docs/guide/b.md": article("B"),
    })
    with pytest.raises(ContentError) as caught:
        build(open_kb(root), out=tmp_path / "out", jobs=2)
    [finding] = caught.value.findings
    assert finding.format().startswith("docs/faq/a.md:7: error: public page links to internal "
                                       "page docs/guide/b.md")
    assert (tmp_path / "out/site/index.html").exists()  # the internal site was built
    assert not (tmp_path / "out/site-public").exists()


def test_kinds_another_process_cannot_load_build_one_site_after_the_other(tmp_path):
    root = make_kb(tmp_path, {"docs/faq/a.md": article("A", audience="public")})
    from kbtools.content.pages import GeneratedPage

    def local_report(kb):  # a local function: it cannot be sent to another process
        return [GeneratedPage("reports/local.md", "Local report", "Made here.\n")]

    kb = open_kb(root, kinds=Registry(KINDS, (*REPORTS, local_report)))
    report = build(kb, out=tmp_path / "out", jobs=2)
    assert [s.site for s in report.sites] == ["internal", "public"]
    assert "Made here." in (tmp_path / "out/site/reports/local/index.html").read_text(
        encoding="utf-8")


def test_by_default_both_sites_build_at_once_only_with_two_cores_and_memory_to_spare():
    from kbtools.sites.builder import PARALLEL_MEMORY, default_jobs

    assert default_jobs(2, PARALLEL_MEMORY) == 2
    assert default_jobs(8, None) == 2  # the system does not say: assumed enough
    assert default_jobs(1, 64 * PARALLEL_MEMORY) == 1
    assert default_jobs(4, PARALLEL_MEMORY - 1) == 1


def _dies_in_a_child_process(kb):
    """A report that ends its process abruptly when it runs in a build's other process
    (as the system ends a process that runs out of memory)."""
    import multiprocessing
    import os

    if multiprocessing.parent_process() is not None:
        os._exit(9)
    return []


def test_a_build_process_that_dies_is_reported_and_its_site_left_as_it_was(tmp_path):
    from kbtools.errors import StateError

    root = make_kb(tmp_path, {"docs/faq/a.md": article("A", audience="public")})
    out = tmp_path / "out"
    (out / "site-public").mkdir(parents=True)
    (out / "site-public/index.html").write_text("the last good site", encoding="utf-8")
    kb = open_kb(root, kinds=Registry(KINDS, (*REPORTS, _dies_in_a_child_process)))
    with pytest.raises(StateError) as caught:
        build(kb, out=out, jobs=2)
    assert "the public site was not built: its build process ended unexpectedly" in str(
        caught.value)
    assert caught.value.path == str(out / "site-public")
    assert (out / "site-public/index.html").read_text(encoding="utf-8") == "the last good site"


def _waits_for_the_other_process(kb):
    """A report that, in the build's first process while another one builds, waits (up to a
    minute) for that process to end, and tells how many are left."""
    import multiprocessing
    import time

    from kbtools.content.pages import GeneratedPage

    if multiprocessing.parent_process() is not None or not multiprocessing.active_children():
        return []
    deadline = time.monotonic() + 60
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    left = len(multiprocessing.active_children())
    return [GeneratedPage("reports/others.md", "Others", f"Build processes left: {left}.\n")]


def _fails_in_the_first_process(kb):
    """A report that fails in the build's first process (the internal site's), not in the
    other one."""
    import multiprocessing

    if multiprocessing.parent_process() is None:
        raise RuntimeError("the internal site's report failed")
    return []


def test_a_failed_first_site_waits_for_the_other_process_before_it_raises(tmp_path):
    # The next build takes the lock as soon as this one raises: the other process must be
    # done with its site by then (it had gone on building the public site, writing into the
    # folders the next build then used: a page of it read as unconverted, or its process
    # killed, one build in three).
    root = make_kb(tmp_path, {"docs/faq/a.md": article("A", audience="public")})
    kb = open_kb(root, kinds=Registry(KINDS, (*REPORTS, _fails_in_the_first_process)))
    with pytest.raises(RuntimeError, match="the internal site's report failed"):
        build(kb, out=tmp_path / "out", jobs=2)
    assert (tmp_path / "out/site-public/faq/a/index.html").is_file()  # built, in place
    assert not (tmp_path / "out/site").exists()


def test_the_other_process_ends_with_its_site_not_with_the_build(tmp_path):
    # Idle until the whole build ended, the other process held all its site's memory while
    # the first site was still building: the build's peak at 3,000 articles.
    root = make_kb(tmp_path, {"docs/faq/a.md": article("A", audience="public")})
    kb = open_kb(root, kinds=Registry(KINDS, (*REPORTS, _waits_for_the_other_process)))
    build(kb, out=tmp_path / "out", jobs=2)
    page = (tmp_path / "out/site/reports/others/index.html").read_text(encoding="utf-8")
    assert "Build processes left: 0." in page


def test_the_other_process_keeps_the_macros_it_compiled_for_the_next_build(tmp_path):
    # The build's second process opens the knowledge base itself: what it compiled is kept
    # (the first process keeps its own when the command ends, `kb.save_caches()`)
    import sqlite3

    from kbtools.content.compiled import compiled_cache_file

    root = make_kb(tmp_path, {"docs/faq/a.md": article(
        "A", "Mail {{ support.email }} only on the public site.\n", audience="public")})
    kb = open_kb(root)
    build(kb, ("internal", "public"), out=tmp_path / "out", jobs=2)
    with sqlite3.connect(compiled_cache_file(kb.config)) as db:
        assert db.execute("SELECT count(*) FROM compiled").fetchone()[0] >= 1


def test_a_rebuild_builds_into_the_site_folder_the_one_before_it_replaced(tmp_path):
    # Making every page's folder for the new site, then deleting the site it replaced, was a
    # fifth of a rebuild. The folder a rebuild replaces is left under the state folder (most
    # of its files are links to the new site's) and the next build builds into it: its page
    # folders are the new site's. Other leftovers go in the build's other process.
    from tests.test_incremental_build import OLD_NS, age

    root = make_kb(tmp_path / "kb", FILES)
    work = root / ".kb" / "build" / "internal"
    live = root / "inc" / "site"

    def leftovers() -> list:
        return sorted(p.name for p in work.glob(".site.*.tmp"))

    build(open_kb(root), out=root / "inc", jobs=2)
    assert leftovers() == []  # all new pages: nothing shared with the folder replaced
    age(root)
    again = build(open_kb(root), out=root / "inc", jobs=2)
    assert again["internal"].skipped > 0
    [kept] = leftovers()
    replaced = work / kept
    assert (replaced / "index.html").is_file()  # the previous internal site, whole
    assert (replaced / "faq" / "refunds" / "index.html").stat().st_ino == (
        live / "faq" / "refunds" / "index.html").stat().st_ino
    recycled = (replaced / "faq" / "refunds").stat().st_ino
    current = (live / "faq" / "refunds").stat().st_ino
    killed = work / ".site.k1ll3d.tmp"  # what a killed build left, older
    (killed / "faq").mkdir(parents=True)
    os.utime(killed, ns=(OLD_NS, OLD_NS))

    age(root)
    build(open_kb(root), out=root / "inc", jobs=2)
    assert (live / "faq" / "refunds").stat().st_ino == recycled  # built into the kept folder
    assert leftovers() == [kept]  # which now holds the site this build replaced
    assert (replaced / "faq" / "refunds").stat().st_ino == current
    assert not killed.exists()  # the other process deleted the rest

    age(root)
    build(open_kb(root), ["internal"], out=root / "inc", jobs=2)  # one site: the same
    assert (live / "faq" / "refunds").stat().st_ino == current
    assert leftovers() == [kept]
    build(open_kb(root), out=root / "inc", jobs=2, clean=True)  # nothing shared
    assert leftovers() == [kept]  # its folders only: the next build builds into them
    assert (replaced / "faq" / "refunds").is_dir()
    assert [p for p in replaced.rglob("*") if not p.is_dir()] == []
