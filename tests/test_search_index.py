"""The index on disk: incremental updates, full rebuilds, atomic swaps, one writer at a time."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from kbtools.errors import BusyError
from kbtools.registry import open_kb
from kbtools.search import engine_for, scope_for, search, update_index
from kbtools.search.indexer import store_for
from tests.support import REPO, article, make_kb

KB = REPO / ".venv" / "bin" / "kb"


def files(count: int = 6) -> dict[str, str]:
    found = {f"docs/guide/topic-{n}.md": article(f"Topic {n}", f"Body of topic number {n}.\n",
                                                 owner="ann", reviewed="2026-11-01")
             for n in range(count)}
    found["docs/faq/macro.md"] = article("Support hours", "We answer {{ support.hours_text }}.\n",
                                         audience="public", owner="ann")
    return found


def run_kb(root, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(KB), "--root", str(root), *args], capture_output=True, text=True,
                          timeout=120)


def test_first_run_builds_then_only_changes_are_reindexed(tmp_path):
    root = make_kb(tmp_path, files())
    first = update_index(open_kb(root))
    assert first.mode == "full" and first.articles == 7
    assert update_index(open_kb(root)).mode == "current"

    (root / "docs/guide/topic-2.md").write_text(
        article("Topic 2", "Now about quokkas.\n", owner="ann", reviewed="2026-11-01"))
    (root / "docs/guide/topic-5.md").unlink()
    (root / "docs/guide/new.md").write_text(article("New page", "Fresh words.\n", owner="ann"))
    kb = open_kb(root)
    report = update_index(kb)
    assert report.mode == "incremental"
    assert (report.added, report.updated, report.removed) == (
        ("docs/guide/new.md",), ("docs/guide/topic-2.md",), ("docs/guide/topic-5.md",))
    assert [h.path for h in search(kb, "quokkas").results] == ["docs/guide/topic-2.md"]
    assert search(kb, "topic number").total == 5
    assert all(h.path != "docs/guide/topic-5.md" for h in search(kb, "topic", limit=20).results)


def test_macros_are_expanded_and_a_fact_change_rebuilds(tmp_path):
    root = make_kb(tmp_path, files(2))
    kb = open_kb(root)
    hit = search(kb, "Monday to Friday").results[0]
    assert hit.path == "docs/faq/macro.md" and "08:00" in hit.snippet
    support = root / "macros/data/support.yml"
    support.write_text(support.read_text().replace("Monday to Friday", "Every weekday"))
    kb = open_kb(root)
    report = update_index(kb)
    assert report.mode == "full"
    assert search(kb, "every weekday").results[0].path == "docs/faq/macro.md"


def test_search_builds_a_missing_index_and_updates_a_stale_one(tmp_path):
    root = make_kb(tmp_path, files(2))
    store = store_for(open_kb(root))
    assert store.current() is None
    assert search(open_kb(root), "topic").total == 2
    first = store.current_name()
    (root / "docs/guide/topic-1.md").write_text(article("Topic 1", "Wombats now.\n"))
    assert search(open_kb(root), "wombats").total == 1
    assert store.current_name() != first


def test_a_crash_mid_build_leaves_the_last_good_index(tmp_path):
    root = make_kb(tmp_path, files())
    update_index(open_kb(root))
    store = store_for(open_kb(root))
    good = store.current_name()
    script = textwrap.dedent(f"""
        import os, signal
        from kbtools.registry import open_kb
        from kbtools.search import update_index
        def die(done, total):
            os.kill(os.getpid(), signal.SIGKILL)   # a real crash, mid-build, lock held
        update_index(open_kb({str(root)!r}), full=True, progress=die)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert result.returncode == -9
    assert store.current_name() == good
    assert search(open_kb(root), "topic number").total == 6
    assert update_index(open_kb(root), full=True).mode == "full"  # the lock died with it
    assert not list(store.base.glob(".build-*"))


def test_a_second_writer_gets_a_clear_message(tmp_path):
    root = make_kb(tmp_path, files(2))
    kb = open_kb(root)
    update_index(kb)
    with store_for(kb).writing():
        with pytest.raises(BusyError, match="being updated by another process"):
            update_index(kb, full=True, wait=0)
        result = run_kb(root, "index", "--full")
        assert result.returncode == 2
        assert "being updated by another process (pid" in result.stderr
        assert "Traceback" not in result.stderr and "LockError" not in result.stderr
        # searching still answers from the existing index while the writer is busy
        assert run_kb(root, "search", "topic", "--json").returncode == 0


def test_readers_follow_a_swap_without_reopening_by_hand(tmp_path):
    root = make_kb(tmp_path, files(2))
    kb = open_kb(root)
    update_index(kb)
    engine = engine_for(kb)
    scope = scope_for(kb)
    from datetime import date
    assert engine.search("koalas", scope, limit=5, today=date(2026, 11, 23)).total == 0
    (root / "docs/guide/koala.md").write_text(article("Koalas", "Koalas sleep a lot.\n"))
    update_index(open_kb(root))
    assert engine.search("koalas", scope, limit=5, today=date(2026, 11, 23)).total == 1
    generations = sorted(p.name for p in store_for(kb).base.iterdir() if p.name.startswith("g"))
    assert len(generations) <= 2  # the live one and the previous one


def test_kb_index_and_search_cli(tmp_path):
    root = make_kb(tmp_path, files(3))
    result = run_kb(root, "index")
    assert result.returncode == 0 and "full index: 4 added" in result.stdout
    result = run_kb(root, "index")
    assert "index is up to date (4 articles" in result.stdout
    result = run_kb(root, "search", "topik", "--json")
    assert result.returncode == 0 and result.stdout.lstrip().startswith("{")
    import json
    data = json.loads(result.stdout)
    assert data["total"] == 3 and data["results"][0]["title"].startswith("Topic")
    result = run_kb(root, "search", "topic", "--kind", "nonsense")
    assert result.returncode == 2 and "unknown value nonsense" in result.stderr
    result = run_kb(root, "search", "x" * 600)
    assert result.returncode == 2 and "limit is 500" in result.stderr
    assert os.path.exists(root / ".kb" / "queries.jsonl")


def test_search_root_skips_loading_while_nothing_changed(tmp_path, monkeypatch):
    import kbtools.search as search_package
    from kbtools.registry import DEFAULT
    from kbtools.search import search_root

    root = make_kb(tmp_path, files(2))
    loads = []
    real_open = search_package.open_kb
    monkeypatch.setattr(search_package, "open_kb",
                        lambda r, k: loads.append(r) or real_open(r, k))
    assert search_root(root, DEFAULT, "topic").total == 2 and len(loads) == 1  # built on first use
    assert search_root(root, DEFAULT, "topic").total == 2 and len(loads) == 1  # stats only
    (root / "docs/guide/topic-1.md").write_text(article("Topic 1", "Echidnas now.\n"))
    assert search_root(root, DEFAULT, "echidnas").total == 1 and len(loads) == 2
    support = root / "macros/data/support.yml"
    support.write_text(support.read_text() + "\n")
    assert search_root(root, DEFAULT, "echidnas").total == 1 and len(loads) == 3
    assert search_root(root, DEFAULT, "echidnas").total == 1 and len(loads) == 3


def test_words_of_deleted_versions_are_not_known_words(tmp_path):
    root = make_kb(tmp_path, files(2))
    (root / "docs/guide/typo.md").write_text(article("Typo", "A chargebak slipped in.\n"))
    update_index(open_kb(root))
    (root / "docs/guide/typo.md").write_text(article("Typo", "A chargeback, fixed.\n"))
    kb = open_kb(root)
    assert update_index(kb).mode == "incremental"
    results = search(kb, "chargebak")
    assert results.suggestion == "chargeback" and results.total == 1
