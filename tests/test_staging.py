"""The staging folder ``kb build`` keeps between builds (kbtools.sites.staging): updated in
place, a rebuild writes only what changed, and nothing in it is ever followed or written
through."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from kbtools.registry import open_kb
from kbtools.sites import build
from kbtools.sites.selection import select
from kbtools.sites.site import SITES
from kbtools.sites.staging import front_matter, stage
from tests.support import article, make_kb

OLD_NS = 1_600_000_000 * 10**9


def staged(root: Path, docs: Path):
    kb = open_kb(root)
    return stage(kb, select(kb, SITES["internal"]), docs, "Agents")


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture
def root(tmp_path):
    return make_kb(tmp_path / "kb", {
        "docs/guide/triage.md": article("Triage", "Sort tickets.\n", owner="ann"),
        "docs/guide/tone.md": article("Tone", "Be kind.\n", owner="ann"),
        "docs/faq/old.md": article("Old", "Going away.\n", owner="ann"),
        "docs/img/logo.png": b"PNG-1",
    })


def test_a_rebuild_writes_only_what_changed_and_removes_what_went(root, tmp_path):
    docs = tmp_path / "staged"
    staged(root, docs)
    fresh = tmp_path / "fresh"
    for path in docs.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(OLD_NS, OLD_NS))
    before = {p: (docs / p).stat() for p in files(docs)}

    (root / "docs/guide/tone.md").write_text(article("Tone", "Be kinder.\n", owner="ann"))
    (root / "docs/faq/old.md").unlink()
    staged(root, docs)
    staged(root, fresh)  # what a staging into a new folder holds
    assert files(docs) == files(fresh)
    assert not (docs / "faq").exists()  # its only page went: so did the folder
    after = {p: (docs / p).stat() for p in files(docs)}
    changed = sorted(p for p in after if after[p].st_mtime_ns != OLD_NS)
    assert "guide/tone.md" in changed and "guide/triage.md" not in changed
    assert after["guide/triage.md"].st_ino == before["guide/triage.md"].st_ino
    # the asset is still the repository's file, linked, not copied
    assert after["img/logo.png"].st_ino == (root / "docs/img/logo.png").stat().st_ino


def test_nothing_planted_in_the_staging_folder_is_followed_or_written_through(root, tmp_path):
    docs = tmp_path / "staged"
    staged(root, docs)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "triage.md").write_text("outside", encoding="utf-8")
    # a page replaced by a link out, a folder replaced by a link out, a page hard-linked
    # to a repository file, and a stray file
    (docs / "guide/tone.md").unlink()
    (docs / "guide/tone.md").symlink_to(outside / "triage.md")
    os.rename(docs / "img", tmp_path / "img-moved")
    (docs / "img").symlink_to(outside, target_is_directory=True)
    (docs / "guide/triage.md").unlink()
    os.link(root / "docs/guide/triage.md", docs / "guide/triage.md")
    repo_text = (root / "docs/guide/triage.md").read_bytes()
    (docs / "stray.md").write_text("not staged", encoding="utf-8")

    staged(root, docs)
    fresh = tmp_path / "fresh"
    staged(root, fresh)
    assert files(docs) == files(fresh)
    assert not any(p.is_symlink() for p in docs.rglob("*"))
    assert (outside / "triage.md").read_text(encoding="utf-8") == "outside"
    assert sorted(p.name for p in outside.iterdir()) == ["triage.md"]
    assert (root / "docs/guide/triage.md").read_bytes() == repo_text
    assert (docs / "guide/triage.md").stat().st_ino \
        != (root / "docs/guide/triage.md").stat().st_ino


def test_kb_build_keeps_its_staging_for_the_next_build(root):
    build(open_kb(root), ("internal",))
    docs = root / ".kb/cache/staged/internal"
    page = docs / "guide/triage.md"
    os.utime(page, ns=(OLD_NS, OLD_NS))
    (root / "docs/guide/tone.md").write_text(article("Tone", "Be kinder.\n", owner="ann"))
    build(open_kb(root), ("internal",))
    assert page.stat().st_mtime_ns == OLD_NS  # not written again
    assert b"Be kinder." in (docs / "guide/tone.md").read_bytes()
    assert "Be kinder." in (root / "site/guide/tone/index.html").read_text(encoding="utf-8")
    # no staging left there: only the site the second build replaced, for the next one
    # to build into (kbtools.sites.recycling)
    assert [p.name for p in (root / ".kb/build/internal").iterdir()
            if not p.name.startswith(".site.")] == []


@pytest.mark.parametrize("title", [
    "Refunds: how long?", "yes", "2026-01-01", "'quoted' and \"double\"", "- a dash",
    "# not a comment", "Возвраты и обмен", "استرداد الأموال", "tab\there", "a " * 60,
    "ends with a colon:", "{braces} [brackets]", "null", "0x1F", "emoji 🙂 and \u2028 line",
])
def test_the_front_matter_reads_back_as_written(title):
    meta = {"title": title, "tags": ["billing", "2026"], "description": title + " more"}
    text = front_matter(meta)
    assert yaml.safe_load(text) == meta
    assert yaml.safe_load(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)) == meta
